/* SPDX-License-Identifier: Apache-2.0 */
/* VMXON and VMXOFF, and what every VMX instruction does outside VMX operation. */
#include "testing/fixture.h"

static void vmxon_with_a_valid_region_enters_vmx_operation(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_vmxon(&f);
    vmm_hpa_t cur = 0;
    assert_vmx_ok(f.cpu->ops->vmptrst(f.cpu, &cur));
    assert_int_equal(cur, ~0ull); /* VMXON leaves no current VMCS */
    fixture_destroy(&f);
}

static void vmx_instructions_outside_vmx_operation_raise_ud(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    struct vmm_cpu *c = f.cpu;
    const struct vmm_cpu_ops *o = c->ops;
    struct vmm_host_page p = fixture_page(&f, fixture_revision(&f));
    uint64_t v;
    vmm_hpa_t h;
    struct vmm_guest_gprs gprs = {0};
    const struct vmx_status outside[] = {
        o->vmxoff(c),
        o->vmclear(c, p.hpa),
        o->vmptrld(c, p.hpa),
        o->vmptrst(c, &h),
        o->vmread(c, VMCS_ENC_GUEST_RIP, &v),
        o->vmwrite(c, VMCS_ENC_GUEST_RIP, 0),
        o->enter_guest(c, VMM_LAUNCH, &gprs),
        o->enter_guest(c, VMM_RESUME, &gprs),
        o->invept(c, VMX_INVEPT_ALL, 0),
        o->invvpid(c, VMX_INVVPID_ALL, 0, 0),
    };
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++)
        assert_int_equal(outside[i].outcome, VMX_FAULT_UD);
    fixture_destroy(&f);
}

static void vmxon_with_an_unaligned_region_fails_invalid(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    struct vmm_host_page p = fixture_page(&f, fixture_revision(&f));
    assert_vmx(f.cpu->ops->vmxon(f.cpu, p.hpa + 0x10), VMX_FAIL_INVALID, 0);
    assert_vmx_ok(f.cpu->ops->vmxon(f.cpu, p.hpa)); /* still outside VMX operation */
    fixture_destroy(&f);
}

static void vmxon_beyond_the_physical_address_width_fails_invalid(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "minimal"); /* MAXPHYADDR 36 */
    assert_vmx(f.cpu->ops->vmxon(f.cpu, 1ull << 36), VMX_FAIL_INVALID, 0);
    fixture_destroy(&f);
}

static void vmxon_with_a_wrong_revision_id_fails_invalid(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    struct vmm_host_page p = fixture_page(&f, fixture_revision(&f) + 1);
    assert_vmx(f.cpu->ops->vmxon(f.cpu, p.hpa), VMX_FAIL_INVALID, 0);
    fixture_destroy(&f);
}

static void vmxon_with_revision_bit_31_set_fails_invalid(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    struct vmm_host_page p = fixture_page(&f, fixture_revision(&f) | 0x80000000u);
    assert_vmx(f.cpu->ops->vmxon(f.cpu, p.hpa), VMX_FAIL_INVALID, 0);
    fixture_destroy(&f);
}

static void vmxon_of_a_region_outside_host_memory_fails_invalid(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    /* Within the width, but no memory answers there: the revision reads as all ones. */
    assert_vmx(f.cpu->ops->vmxon(f.cpu, sim_host_mem_size(f.sim)), VMX_FAIL_INVALID, 0);
    fixture_destroy(&f);
}

static void vmxon_in_vmx_root_operation_without_a_current_vmcs_fails_invalid(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_vmxon(&f);
    assert_vmx(f.cpu->ops->vmxon(f.cpu, f.vmxon.hpa), VMX_FAIL_INVALID, 0);
    fixture_destroy(&f);
}

static void vmxon_in_vmx_root_operation_fails_with_error_15(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    assert_vmx(f.cpu->ops->vmxon(f.cpu, f.vmxon.hpa), VMX_FAIL_VALID, VMXERR_VMXON_IN_ROOT);
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_VM_INSTRUCTION_ERROR), 15);
    fixture_destroy(&f);
}

static void vmxon_with_feature_control_locked_without_vmx_faults_gp(void **state)
{
    (void)state;
    struct sim_config cfg = sim_config_default();
    cfg.feature_control = SIM_FEATURE_CONTROL_LOCK | SIM_FEATURE_CONTROL_VMX_IN_SMX;
    struct fixture f;
    fixture_create_cfg(&f, &cfg);
    struct vmm_host_page p = fixture_page(&f, fixture_revision(&f));
    assert_vmx(f.cpu->ops->vmxon(f.cpu, p.hpa), VMX_FAULT_GP, 0);
    assert_int_equal(sim_feature_control(f.sim), cfg.feature_control);
    /* #GP comes before the region's checks. */
    assert_vmx(f.cpu->ops->vmxon(f.cpu, p.hpa + 1), VMX_FAULT_GP, 0);
    fixture_destroy(&f);
}

static void vmxon_with_feature_control_unlocked_locks_it_with_vmx_enabled(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern"); /* feature control 0: firmware left it open */
    fixture_vmxon(&f);
    assert_int_equal(sim_feature_control(f.sim),
                     SIM_FEATURE_CONTROL_LOCK | SIM_FEATURE_CONTROL_VMX_OUTSIDE_SMX);
    fixture_destroy(&f);
}

static void vmxon_with_feature_control_locked_with_vmx_succeeds(void **state)
{
    (void)state;
    struct sim_config cfg = sim_config_default();
    cfg.feature_control = SIM_FEATURE_CONTROL_LOCK | SIM_FEATURE_CONTROL_VMX_OUTSIDE_SMX;
    struct fixture f;
    fixture_create_cfg(&f, &cfg);
    fixture_vmxon(&f);
    assert_int_equal(sim_feature_control(f.sim), cfg.feature_control);
    fixture_destroy(&f);
}

static void vmxoff_leaves_vmx_operation_and_forgets_the_current_vmcs(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    assert_vmx_ok(f.cpu->ops->vmxoff(f.cpu));
    assert_null(sim_vmcs(f.sim));
    vmm_hpa_t cur;
    assert_vmx(f.cpu->ops->vmptrst(f.cpu, &cur), VMX_FAULT_UD, 0);
    assert_vmx(f.cpu->ops->vmxoff(f.cpu), VMX_FAULT_UD, 0);
    /* VMX operation can begin again, with no current VMCS. */
    assert_vmx_ok(f.cpu->ops->vmxon(f.cpu, f.vmxon.hpa));
    assert_vmx_ok(f.cpu->ops->vmptrst(f.cpu, &cur));
    assert_int_equal(cur, ~0ull);
    fixture_destroy(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vmxon_with_a_valid_region_enters_vmx_operation),
        cmocka_unit_test(vmx_instructions_outside_vmx_operation_raise_ud),
        cmocka_unit_test(vmxon_with_an_unaligned_region_fails_invalid),
        cmocka_unit_test(vmxon_beyond_the_physical_address_width_fails_invalid),
        cmocka_unit_test(vmxon_with_a_wrong_revision_id_fails_invalid),
        cmocka_unit_test(vmxon_with_revision_bit_31_set_fails_invalid),
        cmocka_unit_test(vmxon_of_a_region_outside_host_memory_fails_invalid),
        cmocka_unit_test(vmxon_in_vmx_root_operation_without_a_current_vmcs_fails_invalid),
        cmocka_unit_test(vmxon_in_vmx_root_operation_fails_with_error_15),
        cmocka_unit_test(vmxon_with_feature_control_locked_without_vmx_faults_gp),
        cmocka_unit_test(vmxon_with_feature_control_unlocked_locks_it_with_vmx_enabled),
        cmocka_unit_test(vmxon_with_feature_control_locked_with_vmx_succeeds),
        cmocka_unit_test(vmxoff_leaves_vmx_operation_and_forgets_the_current_vmcs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
