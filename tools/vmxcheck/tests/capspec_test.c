/* SPDX-License-Identifier: Apache-2.0 */
/* Capabilities from a file of MSR values, from a profile, and guessed from a dump. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "capspec.h"
#include "testutil.h"

/* Bochs corei7_skylake_x, as a capability file. */
static const char bochs_file[] =
    "# Bochs 2.7 corei7_skylake_x\n"
    "0x480 0x00d810000000002b\n"
    "0x481 0x0000007f00000016\n"
    "482 0xf7f9fffe0401e172\n"
    "0x483 0x007fffff00036dff\n"
    "IA32_VMX_ENTRY_CTLS 0x0000ffff000011ff\n"
    "0x485 0x00000000600401e0\n"
    "0x486 0x80000021\n0x487 0xffffffff\n0x488 0x2000\n0x489 0x3727ff\n0x48a 0x34\n"
    "0x48b 0x02177fff00000000\n0x48c 0x00000f0106334141\n"
    "0x48d 0x0000007f00000016\n0x48e 0xf7f9fffe04006172\n0x48f 0x007fffff00036dfb\n"
    "490H 0x0000ffff000011fb\n0x491 0x1\n"
    "maxphyaddr 40   # Bochs' default\n"
    "cpuid pcid rtm\n";

static void reads_a_capability_file_and_says_what_it_lacks(void **state)
{
    (void)state;
    struct capspec c;
    struct vmxdump_error e;
    if (capspec_from_text(bochs_file, strlen(bochs_file), "bochs.caps", &c, &e) != 0)
        fail_msg("line %u: %s", e.line, e.message);
    assert_int_equal(c.caps.revision_id, 0x2b);
    assert_int_equal(c.caps.phys_addr_width, 40);
    assert_int_equal(c.caps.linear_addr_width, 48);
    assert_int_equal(c.caps.ctl[VMM_CTL_PROC].allowed0, 0x04006172);
    assert_true(c.caps.cpuid_features & VMM_CPUID_BIT(VMM_CPUID_RTM));
    /* Says that "linear" was not given, and that 492H/493H are absent. */
    bool linear = false, absent = false;
    for (unsigned i = 0; i < c.nnotes; i++) {
        linear |= strstr(c.note[i], "linear") != NULL;
        absent |= strstr(c.note[i], "492H 493H") != NULL;
    }
    assert_true(linear);
    assert_true(absent);
}

static void a_bad_capability_file_is_an_error_on_its_line(void **state)
{
    (void)state;
    struct capspec c;
    struct vmxdump_error e;
    static const char *const bad[] = {
        "0x480 0x00d810000000002b\n0x4a0 1\n",       /* not a VMX MSR */
        "0x480 0x00d810000000002b\nmaxphyaddr x\n",  /* bad width */
        "0x480 0x00d810000000002b\n0x481 0x1 0x2\n", /* extra column */
        "0x480 0x00d810000000002b\ncpuid warp\n",    /* unknown feature */
        "0x480 0x00d810000000002b\n0x481 zz\n",      /* bad value */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_not_equal(capspec_from_text(bad[i], strlen(bad[i]), "x", &c, &e), 0);
        assert_int_equal(e.line, 2);
    }
    /* Parses, but a VMX processor must have the basic MSRs. */
    const char *lacking = "0x480 0x00d810000000002b\n";
    assert_int_not_equal(capspec_from_text(lacking, strlen(lacking), "x", &c, &e), 0);
    assert_non_null(strstr(e.message, "absent"));
}

static void profiles_are_found_by_name(void **state)
{
    (void)state;
    struct capspec c;
    struct vmxdump_error e;
    assert_int_equal(capspec_from_profile("bochs-skylake-x", &c, &e), 0);
    assert_int_equal(c.caps.phys_addr_width, 40);
    assert_int_not_equal(capspec_from_profile("no-such", &c, &e), 0);
}

static void the_guess_takes_linear_width_smx_and_stated_controls_from_the_dump(void **state)
{
    (void)state;
    struct vmxdump d;
    struct capspec c;
    struct vmxdump_error e;
    parse_file_ok("011-kvm-nvmx-ve-exit-not-an-entry-failure.txt", VMXDUMP_KVM, &d);
    assert_int_equal(capspec_guess(&d, &c, &e), 0);
    assert_int_equal(c.caps.linear_addr_width, 57); /* host CR4.LA57 */
    assert_false(c.caps.zero_len_injection);
    assert_false(c.caps.no_errcode_check);
    assert_int_equal(c.caps.cr4_fixed1 & (1u << 14), 0);
    assert_true(c.has_permissive);
    assert_true(c.permissive.zero_len_injection);

    parse_file_ok("017-kvm-syzbot-cr4-smxe-fixed1.txt", VMXDUMP_KVM, &d);
    assert_int_equal(capspec_guess(&d, &c, &e), 0);
    assert_int_equal(c.caps.linear_addr_width, 48);

    parse_file_ok("029-other-xmhf-nested-hyperv-procbased-allowed1-bug104-partial.txt", VMXDUMP_GDB,
                  &d);
    assert_int_equal(capspec_guess(&d, &c, &e), 0);
    assert_int_equal(c.caps.ctl[VMM_CTL_PROC].allowed1, 0xeff9fffe);
    assert_int_equal(c.caps.ctl[VMM_CTL_PROC].allowed0, 0x04006172);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_a_capability_file_and_says_what_it_lacks),
        cmocka_unit_test(a_bad_capability_file_is_an_error_on_its_line),
        cmocka_unit_test(profiles_are_found_by_name),
        cmocka_unit_test(the_guess_takes_linear_width_smx_and_stated_controls_from_the_dump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
