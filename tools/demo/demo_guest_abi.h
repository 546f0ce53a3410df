/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the demo guest (demo_guest.S) and the demo host (run_guest.c)
 * agree on. Plain #defines: the assembler includes this file too.
 *
 * At entry: RDI = GPA of the demo's MMIO device page, or 0 when the VM has
 * none (then the guest skips its MMIO write); RSP = a stack; 64-bit mode,
 * CPL 0, identity-mapped (vmm/vm.h).
 */
#ifndef LIBVMM_DEMO_GUEST_ABI_H
#define LIBVMM_DEMO_GUEST_ABI_H

/* libvmm's hypercall numbers (vmm/hypercall.h; run_guest.c asserts they match). */
#define DEMO_HC_VERSION 0
#define DEMO_HC_PRINT 1
#define DEMO_HC_EXIT 2

/* The 16550 the guest prints on. */
#define DEMO_COM1 0x3f8
#define DEMO_COM1_LSR (DEMO_COM1 + 5)
#define DEMO_LSR_THRE 0x20

/* The MSR the guest reads, writes and reads back (IA32_TSC_AUX), and what it writes. */
#define DEMO_MSR 0xc0000103
#define DEMO_MSR_VALUE 0xcafe0042

/* The value the guest stores (32 bits) into register 0 of the MMIO device. */
#define DEMO_MMIO_VALUE 0x1badb002

/* The guest's exit status when everything it checked held. */
#define DEMO_EXIT_OK 0
/* ... when the MSR did not read back what was written. */
#define DEMO_EXIT_MSR_MISMATCH 1

#endif
