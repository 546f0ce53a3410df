/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test fixture for the standard handlers: the CPU test double with a
 * scripted VMCS and 64 KiB of guest RAM, a vCPU with the platform's
 * handlers installed, and guest states (64-bit, 32-bit protected, real
 * mode) to start from. Each test runs one scripted exit through the real
 * run loop and inspects registers, VMCS fields and injected events.
 */
#ifndef VMM_HANDLERS_FIXTURE_H
#define VMM_HANDLERS_FIXTURE_H

#include "core/cpu/cpu_test_double_vmx.h"
#include "vmm/handlers.h"

#define HFIX_RAM_SIZE 0x10000u

struct hfix {
    struct cpu_test_double td;
    struct cpu_td_vmx vmx;
    uint8_t ram[HFIX_RAM_SIZE];
    struct vmx_caps caps;
    struct vmm_platform platform;
    struct vmm_vcpu vcpu;
    uint64_t counter; /* the TSC source's next value */
    uint64_t counter_step;
};

/* A fixture on VMX profile "bochs-skylake-x" showing CPUID profile `cpuid`
 * ("generic-intel64" if NULL). */
struct hfix *hfix_new(const char *cpuid);
void hfix_free(struct hfix *f);

/* Guest states: 64-bit mode CPL 0 (RIP 0x1000), 32-bit protected mode, real mode. */
void hfix_long_mode(struct hfix *f);
void hfix_protected_mode(struct hfix *f);

/* Queues one exit and runs the loop for at most one exit; returns the stop. */
int hfix_run_exit(struct hfix *f, uint32_t reason, uint64_t qualification, uint32_t instr_len);

uint64_t hfix_vmcs(struct hfix *f, enum vmcs_field_id id);
void hfix_set(struct hfix *f, enum vmcs_field_id id, uint64_t value);

/* The injected-event identification the next entry would deliver (0: none). */
uint32_t hfix_injected(struct hfix *f);

#endif
