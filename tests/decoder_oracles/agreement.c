/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decoder differential at scale: generated instructions in 16-, 32-
 * and 64-bit mode against Zydis and Capstone, printing the agreement table
 * (agreements, known differences by class, unexplained ones by kind, with
 * examples). Exits 1 if any difference is unexplained.
 *
 *   bazel run --config=opt //tests/decoder_oracles:agreement -- [CASES_PER_MODE] [SEED] [EXAMPLES]
 *
 * AGREEMENT_SHOW=<class> prints examples of one known-difference class as well.
 */
#include <stdio.h>
#include <stdlib.h>

#include "run.h"

int main(int argc, char **argv)
{
    unsigned long cases = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
    struct run_options opt = {
        .out = stdout,
        .examples = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 0) : 3,
        .show = getenv("AGREEMENT_SHOW"),
    };
    static const enum x86_mode modes[] = {X86_MODE_PROT16, X86_MODE_PROT32, X86_MODE_LONG64};
    int failed = 0;
    for (int o = 0; o < ORACLE_COUNT; o++)
        for (int m = 0; m < 3; m++) {
            struct run_tally t;
            run_differential((enum oracle_id)o, modes[m], seed, cases, &opt, &t);
            run_print(stdout, (enum oracle_id)o, modes[m], &t);
            failed |= t.unexplained != 0;
        }
    return failed;
}
