/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seeds for the emulator_diff harness: the choice bytes the oracle's
 * generator draws for the PRNG cases 1..SEEDS (each file regenerates its
 * case exactly), named after the case's instruction.
 *
 *   bazel run //fuzz:emulator_diff_seedgen [-- OUT_DIR]
 */
#include <stdio.h>
#include <string.h>

#include "seedgen.h"
#include "tests/emul_diff/emul_diff.h"

#define SEEDS 160

int main(int argc, char **argv)
{
    struct seedgen g;
    seedgen_init(&g, argc, argv, "emulator_diff", 0);
    struct ed_case *c = ed_case_new();
    if (!c)
        return 1;
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        struct ed_src src;
        ed_src_prng(&src, seed);
        ed_generate(&src, c);
        char name[64];
        int n = snprintf(name, sizeof name, "%03u-", (unsigned)seed);
        for (const char *p = c->name; *p && n < (int)sizeof name - 1; p++)
            name[n++] = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ? *p : '_';
        name[n] = 0;
        seedgen_write(&g, name, src.record, src.recorded);
    }
    ed_case_free(c);
    printf("%u seeds in %s\n", g.written, g.dir);
    return 0;
}
