/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CPUID round trips through the core's run loop on real VMX: a guest that
 * executes CPUID n times, each exit handled by the standard CPUID handler.
 * Two sizes, selected by name, so that bench_exits.sh can subtract the
 * fixed cost of a run (boot, VM creation) from the wall time of the bigger
 * one. Each prints the processor's TSC ticks per exit (in Bochs the TSC
 * counts emulated instructions) through the core's run loop, and, as the
 * peer measured in the same run, through a bare loop on the seam (VMRESUME,
 * read the exit reason and length, move RIP): the core's share of a round
 * trip is the difference.
 */
#include "fixture.h"
#include "libos/console.h"
#include "libos/cpu.h"
#include "libos/test.h"
#include "vmm/vmcs_access.h"

extern const uint8_t guest_cpuid_loop[], guest_cpuid_loop_end[];

/* The same guest again, driven by the seam alone; returns TSC ticks per exit. */
static uint64_t bare_round_trips(struct hwt *t, uint64_t n)
{
    struct vmm_cpu *cpu = t->cpu;
    TEST_ASSERT_EQ(vmm_vmwrite(cpu, VMCS_GUEST_RIP, HWT_LOAD), VMM_OK);
    struct vmm_guest_gprs gprs = {.rdi = n};
    uint64_t exits = 0, reason = 0, t0 = rdtsc();
    for (;;) {
        struct vmx_status st = cpu->ops->enter_guest(cpu, VMM_RESUME, &gprs);
        TEST_ASSERT_EQ(st.outcome, VMX_SUCCEED);
        exits++;
        TEST_ASSERT_EQ(vmm_vmread(cpu, VMCS_VM_EXIT_REASON, &reason), VMM_OK);
        if (reason != VMX_EXIT_CPUID)
            break;
        uint64_t rip, len;
        vmm_vmread(cpu, VMCS_GUEST_RIP, &rip);
        vmm_vmread(cpu, VMCS_VM_EXIT_INSTRUCTION_LEN, &len);
        vmm_vmwrite(cpu, VMCS_GUEST_RIP, rip + len);
    }
    uint64_t ticks = rdtsc() - t0;
    TEST_ASSERT_EQ(reason, VMX_EXIT_HLT);
    TEST_ASSERT_EQ(exits, n + 1);
    return ticks / exits;
}

static void cpuid_round_trips(uint64_t n)
{
    struct hwt *t = hwt_start(guest_cpuid_loop, guest_cpuid_loop_end, true, n);
    uint64_t t0 = rdtsc();
    enum vmm_stop stop = hwt_run(t, n + 1);
    uint64_t core = (rdtsc() - t0) / (n + 1);
    hwt_expect_hlt(t, stop);
    TEST_ASSERT_EQ(t->vcpu.stats.exits[VMX_EXIT_CPUID], n);
    uint64_t bare = bare_round_trips(t, n);
    kprintf("bench: %llu CPUID exits, %llu TSC ticks per exit through vmm_vcpu_run, %llu through "
            "the bare seam (ratio %llu.%02llu)\n",
            (unsigned long long)n, (unsigned long long)core, (unsigned long long)bare,
            (unsigned long long)(core / bare), (unsigned long long)(core * 100 / bare % 100));
    hwt_finish(t);
}

LIBOS_TEST_EXPLICIT(bench_cpuid_exits_1k)
{
    cpuid_round_trips(1000);
}

LIBOS_TEST_EXPLICIT(bench_cpuid_exits_201k)
{
    cpuid_round_trips(201000);
}
