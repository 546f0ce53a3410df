/* SPDX-License-Identifier: Apache-2.0 */
/* The named profiles: each parses and describes the processor it claims to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmm/caps.h"
#include "vmm/vmcs_fields.h"

static void every_profile_parses(void **state)
{
    (void)state;
    assert_true(vmx_profile_count >= 3);
    for (size_t i = 0; i < vmx_profile_count; i++) {
        struct vmx_caps c;
        struct vmx_caps_error err = {0};
        int rc = vmx_caps_parse(vmx_profiles[i].raw, &c, &err);
        if (rc != VMM_OK)
            fail_msg("%s: %s %s", vmx_profiles[i].name, vmx_cap_msr_name(err.msr), err.reason);
    }
}

static void fields_every_vmx_processor_has_exist_in_every_profile(void **state)
{
    (void)state;
    for (size_t i = 0; i < vmx_profile_count; i++) {
        struct vmx_caps c;
        assert_int_equal(vmx_caps_parse(vmx_profiles[i].raw, &c, NULL), VMM_OK);
        for (unsigned f = 0; f < VMCS_FIELD_COUNT; f++)
            if (vmcs_field_table[f].req[0].kind == VMCS_REQ_NONE &&
                !vmcs_field_exists(&c, (enum vmcs_field_id)f))
                fail_msg("%s lacks %s", vmx_profiles[i].name, vmcs_field_table[f].name);
    }
}

static void modern_profile_has_every_field(void **state)
{
    (void)state;
    struct vmx_caps c;
    assert_int_equal(vmx_caps_parse(vmx_profile_find("modern")->raw, &c, NULL), VMM_OK);
    for (unsigned f = 0; f < VMCS_FIELD_COUNT; f++)
        if (!vmcs_field_exists(&c, (enum vmcs_field_id)f))
            fail_msg("modern lacks %s", vmcs_field_table[f].name);
}

/* The features shared/reference/bochs.md lists for corei7_skylake_x. */
static void bochs_skylake_x_has_the_features_bochs_reports(void **state)
{
    (void)state;
    struct vmx_caps c;
    assert_int_equal(vmx_caps_parse(vmx_profile_find("bochs-skylake-x")->raw, &c, NULL), VMM_OK);
    const uint64_t has2 = VMX_PROC2_ENABLE_EPT | VMX_PROC2_ENABLE_VPID |
                          VMX_PROC2_UNRESTRICTED_GUEST | VMX_PROC2_ENABLE_VMFUNC |
                          VMX_PROC2_VMCS_SHADOWING | VMX_PROC2_ENABLE_PML |
                          VMX_PROC2_EPT_VIOLATION_VE;
    assert_true(vmx_ctl_allowed1(&c, VMM_CTL_PROC2, has2));
    assert_true(vmx_ctl_allowed1(&c, VMM_CTL_PIN, VMX_PIN_PREEMPTION_TIMER));
    assert_false(vmx_ctl_allowed1(&c, VMM_CTL_PROC, VMX_PROC_MONITOR_TRAP_FLAG));
    assert_false(vmx_ctl_allowed1(&c, VMM_CTL_PROC2, VMX_PROC2_MODE_BASED_EPT_EXEC));
    const uint64_t ept = VMX_EPT_CAP_PWL4 | VMX_EPT_CAP_MT_WB | VMX_EPT_CAP_2M | VMX_EPT_CAP_1G |
                         VMX_EPT_CAP_AD | VMX_EPT_CAP_INVEPT_SINGLE | VMX_EPT_CAP_INVEPT_ALL;
    assert_int_equal(c.ept_vpid_cap & ept, ept);
    assert_true(c.ept_vpid_cap & VMX_VPID_CAP_INVVPID);
    assert_true(vmx_ctl_allowed1(&c, VMM_CTL_VMFUNC, VMX_VMFUNC_EPTP_SWITCHING));
}

static void minimal_profile_lacks_secondary_controls(void **state)
{
    (void)state;
    struct vmx_caps c;
    assert_int_equal(vmx_caps_parse(vmx_profile_find("minimal")->raw, &c, NULL), VMM_OK);
    assert_false(c.true_ctls);
    assert_int_equal(c.ctl[VMM_CTL_PROC2].allowed1, 0);
    assert_int_equal(c.ept_vpid_cap, 0);
    assert_false(vmx_ctl_allowed1(&c, VMM_CTL_PIN, VMX_PIN_PREEMPTION_TIMER));
}

static void profiles_are_found_by_exact_name_only(void **state)
{
    (void)state;
    assert_non_null(vmx_profile_find("modern"));
    assert_null(vmx_profile_find("moder"));
    assert_null(vmx_profile_find("modernx"));
    assert_null(vmx_profile_find(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_profile_parses),
        cmocka_unit_test(fields_every_vmx_processor_has_exist_in_every_profile),
        cmocka_unit_test(modern_profile_has_every_field),
        cmocka_unit_test(bochs_skylake_x_has_the_features_bochs_reports),
        cmocka_unit_test(minimal_profile_lacks_secondary_controls),
        cmocka_unit_test(profiles_are_found_by_exact_name_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
