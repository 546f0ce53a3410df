/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz harness: the x86 instruction emulator against Unicorn 2.1.1. The
 * input is the choice stream of the differential oracle's generator
 * (tests/emul_diff): each byte it reads decides one choice - instruction
 * and form, prefixes, ModRM/SIB, registers, page-table flags, where the
 * operand lands - and raw instruction bytes for one case in sixteen, so
 * every byte string is a case and the generator's PRNG cases are the
 * seeds. Invariant: the emulator and Unicorn agree, up to the known
 * differences of tests/emul_diff/KNOWN_DIFFERENCES.md; an unexplained
 * difference prints its reproducer and aborts.
 *
 * One Unicorn engine and one emulator image serve the whole process; each
 * input restores only the pages the previous case touched.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/emul_diff/emul_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ed_runner *runner(void)
{
    static struct ed_runner r;
    static bool open;
    if (!open) {
        char err[256] = "";
        if (ed_runner_open(&r, err, sizeof err) != 0) {
            fprintf(stderr, "emulator_diff: %s\n", err);
            abort();
        }
        open = true;
    }
    return &r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ed_runner *r = runner();
    struct ed_src src;
    ed_src_bytes(&src, data, size);
    ed_generate(&src, r->c);
    if (ed_runner_run(r) == ED_DIFFERENT) {
        char line[256];
        ed_format_case(r->c, line, sizeof line);
        fprintf(stderr, "INVARIANT VIOLATED: emulator and Unicorn differ: %s | %s\n", line,
                r->cmp.detail);
        abort();
    }
    return 0;
}
