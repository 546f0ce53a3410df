/* SPDX-License-Identifier: Apache-2.0 */
/* The demo's main act: a 64-bit guest run by libvmm on the simulated VMX processor. */
#ifndef LIBVMM_DEMO_RUN_GUEST_H
#define LIBVMM_DEMO_RUN_GUEST_H

/*
 * Creates a simulated processor with capability profile `profile`, builds
 * a VM on it with core/vm, loads the demo guest (demo_guest.S), installs
 * the standard exit handlers and devices (16550 at 3F8H, debug port E9H,
 * a demo MMIO device), runs the guest one exit at a time, and prints the
 * guest's output and a table of VM exits with the host time each took.
 *
 * Exit status: 0 when the guest ran to its exit hypercall with status 0
 * and then halted; 1 when it did not; 3 when guest execution is not
 * available (the simulated backend's engine could not be created or
 * refused the guest), which the output says in words.
 */
int demo_run_guest(const char *profile);

#endif
