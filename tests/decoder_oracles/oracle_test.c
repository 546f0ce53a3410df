/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decoder differential in `bazel test`: 30,000 generated instructions
 * per mode (16-, 32-, 64-bit) against Zydis 4.0.0 and against Capstone
 * 4.0.2. Validity, length and the memory operand must agree, or the
 * difference must fall in a class DECODER_ORACLES.md documents; the
 * counts of each class are printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "run.h"

#define CASES 30000
#define SEED 20261125

static void check(enum oracle_id oracle, enum x86_mode mode)
{
    struct run_options opt = {.out = stdout, .examples = 5};
    struct run_tally t;
    run_differential(oracle, mode, SEED, CASES, &opt, &t);
    run_print(stdout, oracle, mode, &t);
    assert_int_equal(t.cases, CASES);
    assert_int_equal(t.unexplained, 0);
    /* The generator must reach decodable instructions: most cases agree outright. */
    assert_true(t.agree > CASES * 3 / 4);
}

static void test_zydis_agrees_in_16bit_mode(void **state) { (void)state; check(ORACLE_ZYDIS, X86_MODE_PROT16); }
static void test_zydis_agrees_in_32bit_mode(void **state) { (void)state; check(ORACLE_ZYDIS, X86_MODE_PROT32); }
static void test_zydis_agrees_in_64bit_mode(void **state) { (void)state; check(ORACLE_ZYDIS, X86_MODE_LONG64); }
static void test_capstone_agrees_in_16bit_mode(void **state) { (void)state; check(ORACLE_CAPSTONE, X86_MODE_PROT16); }
static void test_capstone_agrees_in_32bit_mode(void **state) { (void)state; check(ORACLE_CAPSTONE, X86_MODE_PROT32); }
static void test_capstone_agrees_in_64bit_mode(void **state) { (void)state; check(ORACLE_CAPSTONE, X86_MODE_LONG64); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zydis_agrees_in_16bit_mode),
        cmocka_unit_test(test_zydis_agrees_in_32bit_mode),
        cmocka_unit_test(test_zydis_agrees_in_64bit_mode),
        cmocka_unit_test(test_capstone_agrees_in_16bit_mode),
        cmocka_unit_test(test_capstone_agrees_in_32bit_mode),
        cmocka_unit_test(test_capstone_agrees_in_64bit_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
