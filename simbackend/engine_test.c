/* SPDX-License-Identifier: Apache-2.0 */
/* The engine's life cycle, its Unicorn self-test and what entry it refuses. */
#include "testing/guest.h"

static void selftest_passes_on_the_linked_unicorn(void **state)
{
    (void)state;
    const char *why = "not set";
    assert_int_equal(sim_engine_selftest(&why), VMM_OK);
    assert_null(why);
}

static void cpuid_exits_before_the_instruction(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "bochs-skylake-x");
    static const uint8_t code[] = {0x0f, 0xa2, 0x0f, 0xa2};
    guest_code(&g, code, sizeof code);
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.len, 2);
    assert_int_equal(x.rip, GUEST_CODE);
    guest_skip(&g);
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE + 2);
    guest_teardown(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(selftest_passes_on_the_linked_unicorn),
        cmocka_unit_test(cpuid_exits_before_the_instruction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
