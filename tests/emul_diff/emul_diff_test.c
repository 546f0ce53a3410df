/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The differential test: thousands of generated cases agree between the
 * emulator and Unicorn up to the known differences, and the oracle itself
 * is sound (it sees a planted difference, regenerates a case from its
 * recorded choices, and lands most memory operands in mapped memory).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "emul_diff.h"

#define CASES 12000u

static struct ed_runner runner;

static int setup(void **state)
{
    (void)state;
    char err[256] = "";
    if (ed_runner_open(&runner, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ed_runner_close(&runner);
    return 0;
}

static void generate(uint64_t seed)
{
    struct ed_src src;
    ed_src_prng(&src, seed);
    ed_generate(&src, runner.c);
}

static void generated_cases_agree_with_unicorn(void **state)
{
    (void)state;
    memset(&runner.stats, 0, sizeof runner.stats);
    unsigned shown = 0;
    for (uint64_t seed = 1; seed <= CASES; seed++) {
        generate(seed * 0x9e3779b97f4a7c15ull);
        if (ed_runner_run(&runner) == ED_DIFFERENT && shown++ < 20) {
            char line[256];
            ed_format_case(runner.c, line, sizeof line);
            printf("DIFFERENT seed=%#llx %s | %s\n",
                   (unsigned long long)(seed * 0x9e3779b97f4a7c15ull), line, runner.cmp.detail);
        }
    }
    ed_stats_print(&runner.stats, stdout);
    assert_int_equal(runner.stats.different, 0);
    /* a run where nearly everything is skipped would prove nothing */
    assert_true(runner.stats.same > CASES / 2);
}

static void a_planted_register_difference_is_reported(void **state)
{
    (void)state;
    for (uint64_t seed = 1;; seed++) {
        generate(seed);
        if (ed_runner_run(&runner) == ED_SAME && runner.out_emu.kind == ED_DONE)
            break;
        assert_true(seed < 1000);
    }
    runner.out_emu.regs.gpr[X86_RBX] ^= 1;
    ed_compare(runner.c, &runner.out_emu, &runner.out_uc, &runner.cmp);
    assert_int_equal(runner.cmp.verdict, ED_DIFFERENT);
    assert_non_null(strstr(runner.cmp.detail, "rbx"));
}

static void recorded_choices_regenerate_the_same_case(void **state)
{
    (void)state;
    struct ed_case *again = ed_case_new();
    assert_non_null(again);
    for (uint64_t seed = 1; seed <= 200; seed++) {
        struct ed_src prng, bytes;
        ed_src_prng(&prng, seed);
        ed_generate(&prng, runner.c);
        ed_src_bytes(&bytes, prng.record, prng.recorded);
        ed_generate(&bytes, again);
        assert_int_equal(runner.c->len, again->len);
        assert_memory_equal(runner.c->bytes, again->bytes, again->len);
        assert_memory_equal(&runner.c->regs, &again->regs, sizeof again->regs);
        assert_memory_equal(runner.c->used, again->used, sizeof again->used);
        assert_memory_equal(runner.c->mem, again->mem, ED_PHYS_SIZE);
    }
    ed_case_free(again);
}

static void most_memory_operands_land_in_mapped_memory(void **state)
{
    (void)state;
    unsigned page_faults = 0, n = 1000;
    memset(&runner.stats, 0, sizeof runner.stats);
    for (uint64_t seed = 1; seed <= n; seed++) {
        generate(seed + 0x5555);
        ed_runner_run(&runner);
        page_faults += runner.out_uc.kind == ED_EXCEPTION && runner.out_uc.vector == 14;
    }
    assert_true(page_faults < n / 3);
    assert_true(page_faults > 0); /* and some do not */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(recorded_choices_regenerate_the_same_case),
        cmocka_unit_test(a_planted_register_difference_is_reported),
        cmocka_unit_test(most_memory_operands_land_in_mapped_memory),
        cmocka_unit_test(generated_cases_agree_with_unicorn),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
