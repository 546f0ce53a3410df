/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pieces of a runnable 64-bit guest, built through the seam alone (for
 * the engine's tests and its benchmark): a current VMCS written with a
 * baseline of the core's entry tests (controls re-negotiated for the
 * processor), and in guest RAM what that baseline points at: identity-mapped
 * 4-level paging of the first GiB (2 MiB pages) at CR3 = 0x500000, a GDT at
 * 0x301000 (null, 64-bit code 08H, data 10H, busy 64-bit TSS 18H), the TSS at
 * 0x300000. The IDT at 0x302000 is left to the caller; code goes at
 * 0x401000, the stack is below 0x7000.
 */
#ifndef VMM_SIMBACKEND_TESTING_GUEST_IMAGE_H
#define VMM_SIMBACKEND_TESTING_GUEST_IMAGE_H

#include "baseline.h"
#include "vmm/cpu.h"

#define GUEST_CODE 0x401000ull
#define GUEST_HANDLERS 0x403000ull /* guest_gate_default puts vector v's handler at +16 * v */
#define GUEST_DATA 0x600000ull
#define GUEST_STACK 0x7000ull
#define GUEST_TSS 0x300000ull
#define GUEST_GDT 0x301000ull
#define GUEST_IDT 0x302000ull
#define GUEST_CR3 0x500000ull

/* Paging, GDT and TSS descriptor in guest RAM (gpa_write). VMM_OK or its error. */
int guest_image_memory(struct vmm_cpu *cpu);

/*
 * VMWRITEs baseline `b` into the current VMCS: every field that exists on
 * `caps` except exit information, with the pin, primary, exit and entry
 * controls negotiated for `caps` (external-interrupt and NMI exiting, HLT
 * exiting, 64-bit host, EFER/PAT load and save). VMM_E_UNSUPPORTED when the
 * processor lacks one of those controls, VMM_E_STATE when a VMWRITE fails.
 */
int guest_image_vmcs(struct vmm_cpu *cpu, const struct vmx_caps *caps, enum baseline b);

#endif
