/* SPDX-License-Identifier: Apache-2.0 */
/* One case on both sides, compared, counted (the test, the big run and the fuzz harness). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emul_diff.h"

struct ed_case *ed_case_new(void)
{
    struct ed_case *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->mem = calloc(1, ED_PHYS_SIZE);
    if (!c->mem) {
        free(c);
        return NULL;
    }
    return c;
}

void ed_case_free(struct ed_case *c)
{
    if (!c)
        return;
    free(c->mem);
    free(c);
}

int ed_runner_open(struct ed_runner *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->uc = ed_uc_open(err, errlen);
    r->emu = ed_emu_open();
    r->c = ed_case_new();
    if (!r->uc || !r->emu || !r->c) {
        if (r->uc && errlen)
            snprintf(err, errlen, "out of memory");
        ed_runner_close(r);
        return -1;
    }
    return 0;
}

void ed_runner_close(struct ed_runner *r)
{
    ed_uc_close(r->uc);
    ed_emu_close(r->emu);
    ed_case_free(r->c);
    memset(r, 0, sizeof *r);
}

enum ed_verdict ed_runner_run(struct ed_runner *r)
{
    struct ed_stats *s = &r->stats;
    ed_emu_run(r->emu, r->c, &r->out_emu);
    ed_uc_run(r->uc, r->c, &r->out_uc);
    ed_compare(r->c, &r->out_emu, &r->out_uc, &r->cmp);
    s->cases++;
    if (r->out_emu.kind == ED_EXCEPTION)
        s->emu_exceptions[r->out_emu.vector & 31]++;
    if (r->out_uc.kind == ED_EXCEPTION)
        s->uc_exceptions[r->out_uc.vector & 31]++;
    switch (r->cmp.verdict) {
    case ED_SAME:
        s->same++;
        break;
    case ED_EXPLAINED:
        s->explained[r->cmp.known]++;
        break;
    case ED_SKIPPED: {
        s->skipped++;
        struct x86_insn in;
        if (x86_decode(r->c->bytes, r->c->len, X86_MODE_LONG64, &in) == X86_DECODE_OK)
            s->unsupported_by_opcode[in.map & 3][in.opcode]++;
        break;
    }
    case ED_DIFFERENT:
        s->different++;
        break;
    }
    return r->cmp.verdict;
}

void ed_stats_print(const struct ed_stats *s, void *file)
{
    FILE *f = file;
    fprintf(f, "cases %llu: same %llu, explained %llu, skipped (unsupported) %llu, different %llu\n",
            (unsigned long long)s->cases, (unsigned long long)s->same,
            (unsigned long long)(s->cases - s->same - s->skipped - s->different),
            (unsigned long long)s->skipped, (unsigned long long)s->different);
    for (unsigned k = 0; k < ED_KNOWN_COUNT; k++)
        fprintf(f, "  known %-28s %10llu  %s\n", ed_known_name((enum ed_known)k),
                (unsigned long long)s->explained[k], ed_known_text((enum ed_known)k));
    fprintf(f, "  exceptions (vector: emulator / unicorn):");
    for (unsigned v = 0; v < 32; v++)
        if (s->emu_exceptions[v] || s->uc_exceptions[v])
            fprintf(f, " #%u: %llu/%llu", v, (unsigned long long)s->emu_exceptions[v],
                    (unsigned long long)s->uc_exceptions[v]);
    fprintf(f, "\n");
    static const char *const maps[] = {"", "0f ", "0f38 ", "0f3a "};
    unsigned shown = 0;
    for (unsigned m = 0; m < 4; m++)
        for (unsigned o = 0; o < 256; o++)
            if (s->unsupported_by_opcode[m][o]) {
                if (!shown++)
                    fprintf(f, "  unsupported by the emulator (opcode: cases):");
                fprintf(f, " %s%02x: %llu", maps[m], o, (unsigned long long)s->unsupported_by_opcode[m][o]);
            }
    if (shown)
        fprintf(f, "\n");
}
