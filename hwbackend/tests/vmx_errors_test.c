/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMX instruction outcomes on the processor the image runs on, through the
 * seam: VMfailInvalid, VMfailValid with the SDM's error numbers, #UD
 * reported (not taken) outside VMX operation, VM-entry failures reported
 * as exits 33 with their qualification. The simulated backend's tests pin
 * the same numbers (the simulated backend's vmx_operation and vmcs_ops tests).
 */
#include "fixture.h"
#include "libos/test.h"
#include "vmm/vmcs_access.h"

extern const uint8_t guest_cpuid[], guest_cpuid_end[];

#define EXPECT_STATUS(expr, outcome_, error_)                                                     \
    do {                                                                                          \
        struct vmx_status st_ = (expr);                                                           \
        if (st_.outcome != (outcome_) || st_.error != (error_))                                   \
            test_fail("%s: outcome %d error %u, expected %d error %u", #expr, (int)st_.outcome,   \
                      st_.error, (int)(outcome_), (unsigned)(error_));                            \
    } while (0)
#define EXPECT_OK(expr) EXPECT_STATUS(expr, VMX_SUCCEED, 0)
#define EXPECT_VMFAIL(expr, n) EXPECT_STATUS(expr, VMX_FAIL_VALID, n)

/* A page with the VMCS revision identifier (or `rev`) in its first 4 bytes. */
static struct vmm_host_page revision_page(struct hwt *t, uint32_t rev)
{
    struct vmm_host_page p;
    TEST_ASSERT_EQ(t->cpu->ops->alloc_page(t->cpu, &p), VMM_OK);
    *(volatile uint32_t *)p.hva = rev;
    return p;
}

LIBOS_TEST(vmx_instructions_outside_vmx_operation_report_ud)
{
    struct hwt *t = hwt_backend();
    const struct vmm_cpu_ops *ops = t->cpu->ops;
    uint64_t v;
    EXPECT_STATUS(ops->vmxoff(t->cpu), VMX_FAULT_UD, 0);
    EXPECT_STATUS(ops->vmread(t->cpu, VMCS_ENC_GUEST_RIP, &v), VMX_FAULT_UD, 0);
    EXPECT_STATUS(ops->vmclear(t->cpu, 0x1000), VMX_FAULT_UD, 0);
}

LIBOS_TEST(vmx_vmxon_vmclear_vmptrld_vmread_vmwrite_errors)
{
    struct hwt *t = hwt_backend();
    const struct vmm_cpu_ops *ops = t->cpu->ops;
    uint32_t rev = t->caps.revision_id;
    struct vmm_host_page bad = revision_page(t, rev ^ 1);
    struct vmm_host_page on = revision_page(t, rev);
    struct vmm_host_page vmcs = revision_page(t, rev);

    /* VMXON with a wrong revision: VMfailInvalid; with the right one: success. */
    EXPECT_STATUS(ops->vmxon(t->cpu, bad.hpa), VMX_FAIL_INVALID, 0);
    EXPECT_OK(ops->vmxon(t->cpu, on.hpa));
    uint64_t ptr = 0;
    EXPECT_OK(ops->vmptrst(t->cpu, &ptr));
    TEST_ASSERT_EQ(ptr, ~0ull);
    /* No current VMCS: VMfailInvalid. */
    uint64_t v;
    EXPECT_STATUS(ops->vmread(t->cpu, VMCS_ENC_GUEST_RIP, &v), VMX_FAIL_INVALID, 0);

    /* VMCLEAR: 2 unaligned address, 3 the VMXON pointer. */
    EXPECT_STATUS(ops->vmclear(t->cpu, vmcs.hpa + 8), VMX_FAIL_INVALID, 0); /* no current VMCS */
    EXPECT_OK(ops->vmclear(t->cpu, vmcs.hpa));
    EXPECT_OK(ops->vmptrld(t->cpu, vmcs.hpa));
    EXPECT_VMFAIL(ops->vmclear(t->cpu, vmcs.hpa + 8), VMXERR_VMCLEAR_INVALID_ADDR);
    EXPECT_VMFAIL(ops->vmclear(t->cpu, on.hpa), VMXERR_VMCLEAR_VMXON_PTR);
    /* VMPTRLD: 9 unaligned, 10 the VMXON pointer, 11 a wrong revision. */
    EXPECT_VMFAIL(ops->vmptrld(t->cpu, vmcs.hpa + 8), VMXERR_VMPTRLD_INVALID_ADDR);
    EXPECT_VMFAIL(ops->vmptrld(t->cpu, on.hpa), VMXERR_VMPTRLD_VMXON_PTR);
    EXPECT_VMFAIL(ops->vmptrld(t->cpu, bad.hpa), VMXERR_VMPTRLD_BAD_REVISION);
    EXPECT_OK(ops->vmptrst(t->cpu, &ptr));
    TEST_ASSERT_EQ(ptr, vmcs.hpa);
    /* VMXON in VMX root operation with a current VMCS: 15. */
    EXPECT_VMFAIL(ops->vmxon(t->cpu, on.hpa), VMXERR_VMXON_IN_ROOT);

    /* VMREAD/VMWRITE of a field beyond IA32_VMX_VMCS_ENUM: 12. */
    EXPECT_VMFAIL(ops->vmread(t->cpu, 0x6bfe, &v), VMXERR_UNSUPPORTED_FIELD);
    EXPECT_VMFAIL(ops->vmwrite(t->cpu, 0x6bfe, 0), VMXERR_UNSUPPORTED_FIELD);
    /* A read-only field: 13, unless IA32_VMX_MISC[29] lets VMWRITE write it. */
    if (t->caps.vmwrite_exit_info)
        EXPECT_OK(ops->vmwrite(t->cpu, VMCS_ENC_VM_EXIT_REASON, 0));
    else
        EXPECT_VMFAIL(ops->vmwrite(t->cpu, VMCS_ENC_VM_EXIT_REASON, 0), VMXERR_VMWRITE_READ_ONLY);
    /* A 64-bit field's high half moves bits 63:32. */
    EXPECT_OK(ops->vmwrite(t->cpu, VMCS_ENC_VMCS_LINK_POINTER, 0x1111222233334444ull));
    EXPECT_OK(ops->vmwrite(t->cpu, VMCS_ENC_VMCS_LINK_POINTER | 1, 0xaaaabbbbull));
    EXPECT_OK(ops->vmread(t->cpu, VMCS_ENC_VMCS_LINK_POINTER, &v));
    TEST_ASSERT_EQ(v, 0xaaaabbbb33334444ull);

    /* INVEPT of a type the processor lacks (0): 28. */
    if (t->caps.ctl[VMM_CTL_PROC2].allowed1 & VMX_PROC2_ENABLE_EPT)
        EXPECT_VMFAIL(ops->invept(t->cpu, (enum vmx_invept_type)0, 0),
                      VMXERR_INVALID_INVEPT_INVVPID_OPERAND);

    EXPECT_OK(ops->vmclear(t->cpu, vmcs.hpa));
    EXPECT_OK(ops->vmxoff(t->cpu));
    TEST_ASSERT_EQ(ops->free_page(t->cpu, bad.hpa), VMM_OK);
    TEST_ASSERT_EQ(ops->free_page(t->cpu, on.hpa), VMM_OK);
    TEST_ASSERT_EQ(ops->free_page(t->cpu, vmcs.hpa), VMM_OK);
}

LIBOS_TEST(vmx_vmlaunch_of_launched_is_4_and_vmresume_of_clear_is_5)
{
    struct hwt *t = hwt_start(guest_cpuid, guest_cpuid_end, true, 0);
    struct vmm_guest_gprs gprs = {0};
    EXPECT_VMFAIL(t->cpu->ops->enter_guest(t->cpu, VMM_RESUME, &gprs),
                  VMXERR_VMRESUME_NONLAUNCHED);
    hwt_expect_hlt(t, hwt_run(t, 10));
    gprs.rax = 0x1234;
    EXPECT_VMFAIL(t->cpu->ops->enter_guest(t->cpu, VMM_LAUNCH, &gprs), VMXERR_VMLAUNCH_NONCLEAR);
    TEST_ASSERT_EQ(gprs.rax, 0x1234); /* a failed entry leaves the registers alone */
    hwt_finish(t);
}

/* Launches the fixture's VM once with `field` = `value` and returns the outcome. */
static struct vmx_status launch_with(struct hwt *t, enum vmcs_field_id field, uint64_t value)
{
    TEST_ASSERT_EQ(vmm_vmwrite(t->cpu, field, value), VMM_OK);
    return t->cpu->ops->enter_guest(t->cpu, VMM_LAUNCH, &t->vcpu.gprs);
}

LIBOS_TEST(vmx_invalid_controls_fail_7_and_invalid_host_state_fails_8)
{
    struct hwt *t = hwt_start(guest_cpuid, guest_cpuid_end, true, 0);
    EXPECT_VMFAIL(launch_with(t, VMCS_PIN_BASED_VM_EXEC_CONTROL, 0), VMXERR_ENTRY_INVALID_CTLS);
    TEST_ASSERT_EQ(vmm_vmwrite(t->cpu, VMCS_PIN_BASED_VM_EXEC_CONTROL, t->vm.ctl[VMM_CTL_PIN]),
                   VMM_OK);
    EXPECT_VMFAIL(launch_with(t, VMCS_CR3_TARGET_COUNT, 5), VMXERR_ENTRY_INVALID_CTLS);
    TEST_ASSERT_EQ(vmm_vmwrite(t->cpu, VMCS_CR3_TARGET_COUNT, 0), VMM_OK);
    /* A 64-bit host must set "host address-space size". */
    EXPECT_VMFAIL(launch_with(t, VMCS_VM_EXIT_CONTROLS,
                              t->vm.ctl[VMM_CTL_EXIT] & ~VMX_EXIT_HOST_ADDR_SPACE_SIZE),
                  VMXERR_ENTRY_INVALID_HOST);
    TEST_ASSERT_EQ(vmm_vmwrite(t->cpu, VMCS_VM_EXIT_CONTROLS, t->vm.ctl[VMM_CTL_EXIT]), VMM_OK);
    /* Repaired, the same VMCS launches. */
    hwt_expect_hlt(t, hwt_run(t, 10));
    hwt_finish(t);
}

/* Launches with one guest field changed; expects exit 33 (bit 31 set) with `qual`. */
static void expect_guest_state_failure(enum vmcs_field_id field, uint64_t value, uint64_t qual)
{
    struct hwt *t = hwt_start(guest_cpuid, guest_cpuid_end, true, 0);
    EXPECT_OK(launch_with(t, field, value));
    uint64_t reason, q;
    TEST_ASSERT_EQ(vmm_vmread(t->cpu, VMCS_VM_EXIT_REASON, &reason), VMM_OK);
    TEST_ASSERT_EQ(vmm_vmread(t->cpu, VMCS_EXIT_QUALIFICATION, &q), VMM_OK);
    TEST_ASSERT_EQ(reason, 0x80000021u);
    TEST_ASSERT_EQ(q, qual);
    hwt_finish(t);
}

LIBOS_TEST(vmx_invalid_guest_state_is_exit_33_with_qualification)
{
    expect_guest_state_failure(VMCS_GUEST_RFLAGS, 0, 0);            /* RFLAGS[1] = 0 */
    expect_guest_state_failure(VMCS_VMCS_LINK_POINTER, 0, 4);       /* link pointer, no VMCS there */
    expect_guest_state_failure(VMCS_GUEST_ACTIVITY_STATE, 7, 0);    /* reserved activity state */
}
