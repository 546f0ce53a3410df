/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest scenarios on real VMX through the core, unchanged: the same
 * programs and handlers the simulated backend runs (CPUID, HLT, port I/O
 * through the 16550 model, MSR bitmaps, CR access, EPT violation with
 * INVEPT and resume, VMCALL, the preemption timer).
 */
#include "fixture.h"
#include "libos/console.h"
#include "libos/cpu.h"
#include "libos/string.h"
#include "libos/test.h"
#include "tools/demo/demo_guest_abi.h"
#include "vmm/hypercall.h"
#include "vmm/mailbox.h"
#include "vmm/vmcs_access.h"

#define GUEST_PROGRAM(name) extern const uint8_t name[], name##_end[]
GUEST_PROGRAM(demo_guest_start);
GUEST_PROGRAM(guest_cpuid);
GUEST_PROGRAM(guest_vmcall_exit);
GUEST_PROGRAM(guest_msr);
GUEST_PROGRAM(guest_cr0_cd);
GUEST_PROGRAM(guest_load);
GUEST_PROGRAM(guest_spin);
extern const uint8_t demo_guest_end[];

#define CPUID_VENDOR_EBX 0x756e6547u /* "Genu" */
#define CPUID_VENDOR_EDX 0x49656e69u /* "ineI" */
#define CPUID_VENDOR_ECX 0x6c65746eu /* "ntel" */

/* The demo guest end to end: serial output through the 16550, CPUID, MSRs, hypercalls. */
LIBOS_TEST(vmx_demo_guest_prints_on_serial_and_exits_by_hypercall)
{
    struct hwt *t = hwt_start(demo_guest_start, demo_guest_end, true, 0);
    enum vmm_stop stop = hwt_run(t, 100000);
    if (stop != VMM_STOP_HANDLER || !t->platform.hc.exited) {
        kprintf("%s\n", t->vcpu.dump);
        test_fail("the demo guest did not exit by hypercall: %s", vmm_stop_name(stop));
    }
    kprintf("---- guest serial ----\n%s---- guest console ----\n%s----\n",
            hwt_sink_text(&t->serial), hwt_sink_text(&t->console));
    TEST_ASSERT_EQ(t->platform.hc.exit_status, DEMO_EXIT_OK);
    TEST_ASSERT(t->serial.len > 0);
    TEST_ASSERT(t->vcpu.stats.exits[VMX_EXIT_IO_INSTRUCTION] > 0);
    TEST_ASSERT(t->vcpu.stats.exits[VMX_EXIT_CPUID] >= 2);
    TEST_ASSERT(t->vcpu.stats.exits[VMX_EXIT_MSR_READ] > 0);
    TEST_ASSERT(t->vcpu.stats.exits[VMX_EXIT_MSR_WRITE] > 0);
    /* Resumed after the exit hypercall, the guest halts, as its code says. */
    hwt_expect_hlt(t, hwt_run(t, 1));
    kprintf("exits: %llu VM entries, %llu I/O, %llu CPUID, %llu VMCALL\n",
            (unsigned long long)t->vcpu.stats.entries,
            (unsigned long long)t->vcpu.stats.exits[VMX_EXIT_IO_INSTRUCTION],
            (unsigned long long)t->vcpu.stats.exits[VMX_EXIT_CPUID],
            (unsigned long long)t->vcpu.stats.exits[VMX_EXIT_VMCALL]);
    hwt_finish(t);
}

LIBOS_TEST(vmx_cpuid_exit_answers_from_the_policy_then_hlt_stops)
{
    struct hwt *t = hwt_start(guest_cpuid, guest_cpuid_end, true, 0);
    hwt_expect_hlt(t, hwt_run(t, 10));
    TEST_ASSERT_EQ(t->vcpu.stats.exits[VMX_EXIT_CPUID], 1);
    TEST_ASSERT_EQ(t->vcpu.gprs.rbx, CPUID_VENDOR_EBX);
    TEST_ASSERT_EQ(t->vcpu.gprs.rdx, CPUID_VENDOR_EDX);
    TEST_ASSERT_EQ(t->vcpu.gprs.rcx, CPUID_VENDOR_ECX);
    uint64_t rip;
    TEST_ASSERT_EQ(vmm_vmread(t->cpu, VMCS_GUEST_RIP, &rip), VMM_OK);
    /* HLT completed: RIP is past the program's last byte. */
    TEST_ASSERT_EQ(rip, HWT_LOAD + (uint64_t)(guest_cpuid_end - guest_cpuid));
    hwt_finish(t);
}

LIBOS_TEST(vmx_cpuid_without_ept_runs_on_host_physical_ram)
{
    struct hwt *t = hwt_start(guest_cpuid, guest_cpuid_end, false, 0);
    hwt_expect_hlt(t, hwt_run(t, 10));
    TEST_ASSERT_EQ(t->vcpu.gprs.rbx, CPUID_VENDOR_EBX);
    hwt_finish(t);
}

LIBOS_TEST(vmx_vmcall_exit_hypercall_stops_with_status)
{
    struct hwt *t = hwt_start(guest_vmcall_exit, guest_vmcall_exit_end, true, 0x2a);
    enum vmm_stop stop = hwt_run(t, 10);
    TEST_ASSERT_EQ(stop, VMM_STOP_HANDLER);
    TEST_ASSERT_EQ(t->vcpu.exit.reason, VMX_EXIT_VMCALL);
    TEST_ASSERT(t->platform.hc.exited);
    TEST_ASSERT_EQ(t->platform.hc.exit_status, 0x2a);
    TEST_ASSERT_EQ(t->vcpu.exit.instr_len, 3);
    hwt_finish(t);
}

LIBOS_TEST(vmx_msr_bitmap_intercepts_then_passes_through)
{
    /* Every MSR intercepted (the VM's default): the core's MSR model answers. */
    struct hwt *t = hwt_start(guest_msr, guest_msr_end, true, 0x1234);
    hwt_expect_hlt(t, hwt_run(t, 10));
    TEST_ASSERT_EQ(t->vcpu.stats.exits[VMX_EXIT_MSR_WRITE], 1);
    TEST_ASSERT_EQ(t->vcpu.stats.exits[VMX_EXIT_MSR_READ], 1);
    TEST_ASSERT_EQ(t->vcpu.gprs.r9, 0x1234);
    hwt_finish(t);

    /* IA32_TSC_AUX passed through: no exit, the processor's own MSR holds the value. */
    t = hwt_start(guest_msr, guest_msr_end, true, 0x5678);
    TEST_ASSERT_EQ(vmm_msr_bitmap_set(&t->vm.msr_bitmap, DEMO_MSR, VMM_MSR_ACCESS_RW, false),
                   VMM_OK);
    hwt_expect_hlt(t, hwt_run(t, 10));
    TEST_ASSERT_EQ(t->vcpu.stats.exits[VMX_EXIT_MSR_WRITE], 0);
    TEST_ASSERT_EQ(t->vcpu.stats.exits[VMX_EXIT_MSR_READ], 0);
    TEST_ASSERT_EQ(t->vcpu.gprs.r9, 0x5678);
    hwt_finish(t);
}

LIBOS_TEST(vmx_cr0_write_of_a_host_owned_bit_exits_and_reads_back_the_shadow)
{
    struct hwt *t = hwt_start(guest_cr0_cd, guest_cr0_cd_end, true, 0);
    hwt_expect_hlt(t, hwt_run(t, 10));
    TEST_ASSERT_EQ(t->vcpu.stats.exits[VMX_EXIT_CR_ACCESS], 1);
    TEST_ASSERT(t->vcpu.gprs.rbx & (1ull << 30));
    hwt_finish(t);
}

/* EPT violation on the MMIO hole: map it, INVEPT, resume the faulting load. */
static enum vmm_exit_action map_on_violation(struct vmm_vcpu *v, const struct vmm_exit *e,
                                             void *ctx)
{
    struct hwt *t = ctx;
    static uint64_t backing[512] __attribute__((aligned(4096)));
    if (e->guest_physical != HWT_MMIO_GPA)
        return vmm_vcpu_unhandled(v, "EPT violation outside the hole");
    backing[0] = 0x5eedf00dcafe0001ull;
    struct ept_attr attr = {.perms = EPT_R | EPT_W, .memtype = EPT_MT_WB};
    if (ept_map(&t->vm.ept, HWT_MMIO_GPA, (uintptr_t)backing, 4096, attr) != VMM_OK)
        return vmm_vcpu_fail(v, VMM_E_STATE, "ept_map failed");
    struct vmx_status st = v->cpu->ops->invept(v->cpu, VMX_INVEPT_SINGLE, t->vm.eptp);
    if (st.outcome != VMX_SUCCEED)
        return vmm_vcpu_fail(v, VMM_E_STATE, "INVEPT failed");
    return VMM_EXIT_RESUME; /* RIP stays: the load runs again */
}

LIBOS_TEST(vmx_ept_violation_reports_gpa_then_invept_and_resume_completes_the_load)
{
    struct hwt *t = hwt_start(guest_load, guest_load_end, true, HWT_MMIO_GPA);
    TEST_ASSERT_EQ(vmm_vcpu_bind(&t->vcpu, VMX_EXIT_EPT_VIOLATION, map_on_violation, t), VMM_OK);
    hwt_expect_hlt(t, hwt_run(t, 10));
    TEST_ASSERT_EQ(t->vcpu.stats.exits[VMX_EXIT_EPT_VIOLATION], 1);
    TEST_ASSERT_EQ(t->vcpu.gprs.rax, 0x5eedf00dcafe0001ull);
    hwt_finish(t);
}

static enum vmm_exit_action stop_on_timer(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    (void)e;
    (void)ctx;
    v->note = "preemption timer";
    return VMM_EXIT_STOP;
}

LIBOS_TEST(vmx_preemption_timer_stops_a_spinning_guest)
{
    struct hwt *t = hwt_start(guest_spin, guest_spin_end, true, 0);
    if (!(t->caps.ctl[VMM_CTL_PIN].allowed1 & VMX_PIN_PREEMPTION_TIMER))
        test_skip("no VMX-preemption timer");
    TEST_ASSERT_EQ(vmm_vmwrite(t->cpu, VMCS_PIN_BASED_VM_EXEC_CONTROL,
                               t->vm.ctl[VMM_CTL_PIN] | VMX_PIN_PREEMPTION_TIMER),
                   VMM_OK);
    TEST_ASSERT_EQ(vmm_vmwrite(t->cpu, VMCS_VMX_PREEMPTION_TIMER_VALUE, 1000), VMM_OK);
    TEST_ASSERT_EQ(vmm_vcpu_bind(&t->vcpu, VMX_EXIT_PREEMPTION_TIMER, stop_on_timer, NULL),
                   VMM_OK);
    enum vmm_stop stop = hwt_run(t, 10);
    TEST_ASSERT_EQ(stop, VMM_STOP_HANDLER);
    TEST_ASSERT_EQ(t->vcpu.exit.reason, VMX_EXIT_PREEMPTION_TIMER);
    uint64_t rip;
    TEST_ASSERT_EQ(vmm_vmread(t->cpu, VMCS_GUEST_RIP, &rip), VMM_OK);
    TEST_ASSERT_EQ(rip, HWT_LOAD);
    hwt_finish(t);
}

#define RFLAGS_AC (1ull << 18)

static void write_rflags(uint64_t v)
{
    __asm__ volatile("push %0; popfq" ::"r"(v) : "cc", "memory");
}

/* A VM exit loads RFLAGS = 2; the host's own flags (here AC, harmless at CPL 0) come back. */
LIBOS_TEST(vmx_host_rflags_survive_a_vm_exit)
{
    struct hwt *t = hwt_start(guest_cpuid, guest_cpuid_end, true, 0);
    uint64_t before = read_rflags();
    write_rflags(before | RFLAGS_AC);
    enum vmm_stop stop = hwt_run(t, 10);
    uint64_t after = read_rflags();
    write_rflags(before);
    hwt_expect_hlt(t, stop);
    TEST_ASSERT(after & RFLAGS_AC);
    hwt_finish(t);
}

/* The demo guest's MMIO store: EPT violation, the core's emulator, the device. */
LIBOS_TEST(vmx_demo_guest_mmio_store_reaches_the_device_through_the_emulator)
{
    static struct vmm_mailbox box;
    box = (struct vmm_mailbox){0};
    struct hwt *t = hwt_start(demo_guest_start, demo_guest_end, true, HWT_MMIO_GPA);
    TEST_ASSERT_EQ(vmm_mmio_register(&t->platform.mmio, HWT_MMIO_GPA, 0x1000, &vmm_mailbox_ops, &box,
                                     "mailbox"),
                   VMM_OK);
    enum vmm_stop stop = hwt_run(t, 100000);
    if (stop != VMM_STOP_HANDLER || !t->platform.hc.exited) {
        kprintf("%s\n", t->vcpu.dump);
        test_fail("the demo guest did not exit by hypercall: %s (%s)", vmm_stop_name(stop),
                  t->vcpu.note ? t->vcpu.note : "-");
    }
    TEST_ASSERT_EQ(t->platform.hc.exit_status, DEMO_EXIT_OK);
    TEST_ASSERT_EQ(box.writes, 1);
    TEST_ASSERT_EQ(box.value, DEMO_MMIO_VALUE);
    TEST_ASSERT_EQ(t->vcpu.stats.exits[VMX_EXIT_EPT_VIOLATION], 1);
    hwt_finish(t);
}
