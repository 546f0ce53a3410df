/* SPDX-License-Identifier: Apache-2.0 */
/* Control negotiation: wanted settings in, accepted control word out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmm/caps.h"

static struct vmx_caps caps_of(const char *profile)
{
    struct vmx_caps caps;
    assert_non_null(vmx_profile_find(profile));
    assert_int_equal(vmx_caps_parse(vmx_profile_find(profile)->raw, &caps, NULL), VMM_OK);
    return caps;
}

static void unspecified_bits_take_their_default_settings(void **state)
{
    (void)state;
    struct vmx_caps c = caps_of("bochs-skylake-x");
    struct vmx_ctl_result r;
    assert_int_equal(vmx_ctl_negotiate(&c, VMM_CTL_PIN, 0, 0, &r), VMM_OK);
    assert_int_equal(r.value, 0x16);
    /* default1 bits stay 1 even though the TRUE MSR would allow 0. */
    assert_int_equal(vmx_ctl_negotiate(&c, VMM_CTL_PROC, 0, 0, &r), VMM_OK);
    assert_int_equal(r.value, 0x0401e172);
    assert_int_equal(vmx_ctl_negotiate(&c, VMM_CTL_PROC2, 0, 0, &r), VMM_OK);
    assert_int_equal(r.value, 0);
}

static void wanted_bits_are_set_and_unwanted_default1_bits_cleared(void **state)
{
    (void)state;
    struct vmx_caps c = caps_of("bochs-skylake-x");
    struct vmx_ctl_result r;
    uint64_t want1 = VMX_PROC_HLT_EXITING | VMX_PROC_ACTIVATE_SECONDARY;
    uint64_t want0 = VMX_PROC_CR3_LOAD_EXITING | VMX_PROC_CR3_STORE_EXITING;
    assert_int_equal(vmx_ctl_negotiate(&c, VMM_CTL_PROC, want1, want0, &r), VMM_OK);
    assert_int_equal(r.value, (0x0401e172 | want1) & ~want0);
    assert_int_equal(r.unsupported, 0);
    assert_int_equal(r.required, 0);
}

static void reports_unsupported_wanted_bits(void **state)
{
    (void)state;
    struct vmx_caps c = caps_of("bochs-skylake-x");
    struct vmx_ctl_result r;
    /* Bochs' Skylake-X has no monitor trap flag. */
    uint64_t want1 = VMX_PROC_MONITOR_TRAP_FLAG | VMX_PROC_HLT_EXITING;
    assert_int_equal(vmx_ctl_negotiate(&c, VMM_CTL_PROC, want1, 0, &r), VMM_E_UNSUPPORTED);
    assert_int_equal(r.unsupported, VMX_PROC_MONITOR_TRAP_FLAG);
    assert_int_equal(r.required, 0);
    struct vmx_caps m = caps_of("minimal");
    assert_int_equal(vmx_ctl_negotiate(&m, VMM_CTL_PROC2, VMX_PROC2_ENABLE_EPT, 0, &r),
                     VMM_E_UNSUPPORTED);
    assert_int_equal(r.unsupported, VMX_PROC2_ENABLE_EPT);
}

static void reports_bits_that_cannot_be_cleared(void **state)
{
    (void)state;
    struct vmx_caps c = caps_of("minimal");
    struct vmx_ctl_result r;
    /* Without TRUE MSRs, CR3-load exiting is required. */
    assert_int_equal(vmx_ctl_negotiate(&c, VMM_CTL_PROC, 0, VMX_PROC_CR3_LOAD_EXITING, &r),
                     VMM_E_UNSUPPORTED);
    assert_int_equal(r.required, VMX_PROC_CR3_LOAD_EXITING);
    /* Bit 1 of the pin-based word is always required. */
    assert_int_equal(vmx_ctl_negotiate(&c, VMM_CTL_PIN, 0, 1u << 1, &r), VMM_E_UNSUPPORTED);
    assert_int_equal(r.required, 1u << 1);
}

static void contradictory_requests_are_invalid(void **state)
{
    (void)state;
    struct vmx_caps c = caps_of("modern");
    struct vmx_ctl_result r;
    assert_int_equal(vmx_ctl_negotiate(&c, VMM_CTL_PIN, VMX_PIN_NMI_EXITING, VMX_PIN_NMI_EXITING,
                                       &r),
                     VMM_E_INVAL);
    assert_int_equal(vmx_ctl_negotiate(&c, VMM_CTL_KIND_COUNT, 0, 0, &r), VMM_E_INVAL);
}

static void tertiary_and_64_bit_words_negotiate_too(void **state)
{
    (void)state;
    struct vmx_caps c = caps_of("modern");
    struct vmx_ctl_result r;
    assert_int_equal(vmx_ctl_negotiate(&c, VMM_CTL_PROC3, VMX_PROC3_IPI_VIRT, 0, &r), VMM_OK);
    assert_int_equal(r.value, VMX_PROC3_IPI_VIRT);
    assert_int_equal(vmx_ctl_negotiate(&c, VMM_CTL_PROC3, 1ull << 40, 0, &r), VMM_E_UNSUPPORTED);
    assert_int_equal(r.unsupported, 1ull << 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unspecified_bits_take_their_default_settings),
        cmocka_unit_test(wanted_bits_are_set_and_unwanted_default1_bits_cleared),
        cmocka_unit_test(reports_unsupported_wanted_bits),
        cmocka_unit_test(reports_bits_that_cannot_be_cleared),
        cmocka_unit_test(contradictory_requests_are_invalid),
        cmocka_unit_test(tertiary_and_64_bit_words_negotiate_too),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
