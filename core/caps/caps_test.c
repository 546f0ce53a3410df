/* SPDX-License-Identifier: Apache-2.0 */
/* Parsing the capability MSRs, and refusing inconsistent ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmm/caps.h"

static struct vmx_raw_caps bochs_raw(void)
{
    const struct vmx_profile *p = vmx_profile_find("bochs-skylake-x");
    assert_non_null(p);
    return *p->raw;
}

static void parses_bochs_skylake_x_as_measured(void **state)
{
    (void)state;
    struct vmx_raw_caps raw = bochs_raw();
    struct vmx_caps c;
    assert_int_equal(vmx_caps_parse(&raw, &c, NULL), VMM_OK);
    assert_int_equal(c.revision_id, 0x2b);
    assert_int_equal(c.vmcs_size, 4096);
    assert_int_equal(c.vmcs_memory_type, 6);
    assert_true(c.ins_outs_info);
    assert_true(c.true_ctls);
    assert_false(c.addr_width_32);
    /* TRUE MSRs: CR3-load/store exiting (bits 15, 16) may be 0; default1 keeps them. */
    assert_int_equal(c.ctl[VMM_CTL_PROC].allowed0, 0x04006172);
    assert_int_equal(c.ctl[VMM_CTL_PROC].default1, 0x0401e172);
    assert_int_equal(c.ctl[VMM_CTL_PROC].allowed1, 0xf7f9fffe);
    assert_int_equal(c.ctl[VMM_CTL_EXIT].allowed0, 0x00036dfb);
    assert_int_equal(c.ctl[VMM_CTL_ENTRY].allowed0, 0x000011fb);
    assert_int_equal(c.ctl[VMM_CTL_PROC2].allowed1, 0x02177fff);
    assert_int_equal(c.ctl[VMM_CTL_VMFUNC].allowed1, 1);
    /* No tertiary or secondary exit controls on this model. */
    assert_int_equal(c.ctl[VMM_CTL_PROC3].allowed1, 0);
    assert_int_equal(c.ctl[VMM_CTL_EXIT2].allowed1, 0);
    /* MISC 0x600401e0: shift 0, LMA store, HLT/shutdown/SIPI, 4 CR3 targets. */
    assert_int_equal(c.preemption_timer_shift, 0);
    assert_true(c.exit_stores_lma);
    assert_int_equal(c.activity_states, VMX_MISC_ACTIVITY_HLT | VMX_MISC_ACTIVITY_SHUTDOWN |
                                            VMX_MISC_ACTIVITY_WAIT_SIPI);
    assert_int_equal(c.cr3_target_count, 4);
    assert_int_equal(c.max_msr_list, 512);
    assert_true(c.vmwrite_exit_info);
    assert_true(c.zero_len_injection);
    assert_int_equal(c.cr0_fixed0, 0x80000021);
    assert_int_equal(c.cr4_fixed1, 0x3727ff);
    assert_int_equal(c.vmcs_max_index, 0x1a);
    assert_true(c.ept_vpid_cap & VMX_EPT_CAP_PWL4);
    assert_false(c.ept_vpid_cap & VMX_EPT_CAP_PWL5);
    assert_int_equal(c.phys_addr_width, 40);
}

struct bad_case {
    const char *what;
    enum vmx_cap_msr msr;   /* MSR to change */
    uint64_t value;         /* its new value */
    bool remove;            /* or: make it absent */
    enum vmx_cap_msr blame; /* the MSR the error must name */
};

static void refuses_inconsistent_msrs_and_names_the_culprit(void **state)
{
    (void)state;
    const struct bad_case cases[] = {
        {"BASIC absent", VMX_MSR_BASIC, 0, true, VMX_MSR_BASIC},
        {"revision bit 31", VMX_MSR_BASIC, 0x00d810008000002bull, false, VMX_MSR_BASIC},
        {"VMCS size 0", VMX_MSR_BASIC, 0x00d800000000002bull, false, VMX_MSR_BASIC},
        {"VMCS size 4097", VMX_MSR_BASIC, 0x00d810010000002bull, false, VMX_MSR_BASIC},
        {"memory type 5", VMX_MSR_BASIC, 0x00d410000000002bull, false, VMX_MSR_BASIC},
        {"pin requires unallowed bit", VMX_MSR_PINBASED_CTLS, 0x0000000600000016ull, false,
         VMX_MSR_PINBASED_CTLS},
        {"TRUE pin absent", VMX_MSR_TRUE_PINBASED_CTLS, 0, true, VMX_MSR_TRUE_PINBASED_CTLS},
        {"TRUE stricter than legacy", VMX_MSR_TRUE_ENTRY_CTLS, 0x0000ffff000013ffull, false,
         VMX_MSR_TRUE_ENTRY_CTLS},
        {"secondary absent", VMX_MSR_PROCBASED_CTLS2, 0, true, VMX_MSR_PROCBASED_CTLS2},
        {"EPT/VPID cap absent", VMX_MSR_EPT_VPID_CAP, 0, true, VMX_MSR_EPT_VPID_CAP},
        {"VMFUNC absent", VMX_MSR_VMFUNC, 0, true, VMX_MSR_VMFUNC},
        {"MISC absent", VMX_MSR_MISC, 0, true, VMX_MSR_MISC},
        {"CR0 fixed0 not within fixed1", VMX_MSR_CR0_FIXED0, 0x1000000080000021ull, false,
         VMX_MSR_CR0_FIXED0},
        {"CR4 fixed0 not within fixed1", VMX_MSR_CR4_FIXED0, 0x80002000ull, false,
         VMX_MSR_CR4_FIXED0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct vmx_raw_caps raw = bochs_raw();
        if (cases[i].remove)
            raw.msr_present &= ~(1u << cases[i].msr);
        else
            raw.msr[cases[i].msr] = cases[i].value;
        struct vmx_caps c;
        struct vmx_caps_error err = {0};
        if (vmx_caps_parse(&raw, &c, &err) != VMM_E_INVAL)
            fail_msg("%s: accepted", cases[i].what);
        if (err.msr != cases[i].blame || err.reason == NULL)
            fail_msg("%s: blamed %s", cases[i].what, vmx_cap_msr_name(err.msr));
    }
}

static void refuses_impossible_address_widths(void **state)
{
    (void)state;
    const uint8_t phys[] = {0, 31, 53, 255};
    for (size_t i = 0; i < sizeof phys; i++) {
        struct vmx_raw_caps raw = bochs_raw();
        raw.phys_addr_width = phys[i];
        struct vmx_caps c;
        struct vmx_caps_error err;
        assert_int_equal(vmx_caps_parse(&raw, &c, &err), VMM_E_INVAL);
        assert_int_equal(err.msr, VMX_CAP_MSR_COUNT);
        assert_string_equal(vmx_cap_msr_name(err.msr), "CPUID facts");
    }
    struct vmx_raw_caps raw = bochs_raw();
    raw.linear_addr_width = 52;
    struct vmx_caps c;
    assert_int_equal(vmx_caps_parse(&raw, &c, NULL), VMM_E_INVAL);
}

static void basic_bit_48_limits_vmx_addresses_to_32_bits(void **state)
{
    (void)state;
    struct vmx_raw_caps raw = bochs_raw();
    raw.msr[VMX_MSR_BASIC] |= 1ull << 48;
    struct vmx_caps c;
    assert_int_equal(vmx_caps_parse(&raw, &c, NULL), VMM_OK);
    assert_true(c.addr_width_32);
    assert_int_equal(c.phys_addr_width, 32);
}

static void without_true_ctls_the_legacy_msrs_apply(void **state)
{
    (void)state;
    struct vmx_raw_caps raw = bochs_raw();
    raw.msr[VMX_MSR_BASIC] &= ~(1ull << 55);
    raw.msr_present &= ~(0xfu << VMX_MSR_TRUE_PINBASED_CTLS);
    struct vmx_caps c;
    assert_int_equal(vmx_caps_parse(&raw, &c, NULL), VMM_OK);
    assert_false(c.true_ctls);
    assert_int_equal(c.ctl[VMM_CTL_PROC].allowed0, 0x0401e172);
    assert_int_equal(c.ctl[VMM_CTL_EXIT].allowed0, 0x00036dff);
}

static void secondary_word_is_empty_when_it_cannot_be_activated(void **state)
{
    (void)state;
    struct vmx_raw_caps raw = bochs_raw();
    /* Clear "activate secondary controls" from both primary MSRs. */
    raw.msr[VMX_MSR_PROCBASED_CTLS] &= ~(1ull << 63);
    raw.msr[VMX_MSR_TRUE_PROCBASED_CTLS] &= ~(1ull << 63);
    raw.msr_present &= ~(1u << VMX_MSR_PROCBASED_CTLS2 | 1u << VMX_MSR_EPT_VPID_CAP |
                         1u << VMX_MSR_VMFUNC);
    struct vmx_caps c;
    assert_int_equal(vmx_caps_parse(&raw, &c, NULL), VMM_OK);
    assert_int_equal(c.ctl[VMM_CTL_PROC2].allowed1, 0);
    assert_int_equal(c.ctl[VMM_CTL_VMFUNC].allowed1, 0);
    assert_int_equal(c.ept_vpid_cap, 0);
}

static void names_every_control_bit_the_sdm_defines(void **state)
{
    (void)state;
    assert_string_equal(vmm_ctl_bit_name(VMM_CTL_PROC2, 1), "enable EPT");
    assert_string_equal(vmm_ctl_bit_name(VMM_CTL_PIN, 6), "activate VMX-preemption timer");
    assert_null(vmm_ctl_bit_name(VMM_CTL_PIN, 1));
    assert_null(vmm_ctl_bit_name(VMM_CTL_PROC2, 29));
    assert_int_equal(vmm_ctl_defined_bits(VMM_CTL_PIN), 0xe9);
    assert_int_equal(VMX_PROC2_ENABLE_EPT, 2);
    assert_int_equal(VMX_ENTRY_IA32E_MODE_GUEST, 1u << 9);
    assert_string_equal(vmx_cap_msr_name(VMX_MSR_EXIT_CTLS2), "IA32_VMX_EXIT_CTLS2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_bochs_skylake_x_as_measured),
        cmocka_unit_test(refuses_inconsistent_msrs_and_names_the_culprit),
        cmocka_unit_test(refuses_impossible_address_widths),
        cmocka_unit_test(basic_bit_48_limits_vmx_addresses_to_32_bits),
        cmocka_unit_test(without_true_ctls_the_legacy_msrs_apply),
        cmocka_unit_test(secondary_word_is_empty_when_it_cannot_be_activated),
        cmocka_unit_test(names_every_control_bit_the_sdm_defines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
