/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The differential loop behind run.h.
 */
#include "run.h"

#include <string.h>

#include "gen.h"

const char *run_mode_name(enum x86_mode mode)
{
    return mode == X86_MODE_LONG64 ? "64-bit" : mode == X86_MODE_PROT32 ? "32-bit" : "16-bit";
}

const char *run_oracle_name(enum oracle_id oracle)
{
    return oracle == ORACLE_ZYDIS ? "Zydis 4.0.0" : "Capstone 4.0.2";
}

static void count_class(struct run_tally *t, const char *name)
{
    for (unsigned i = 0; i < t->nclasses; i++)
        if (!strcmp(t->class_name[i], name)) {
            t->class_count[i]++;
            return;
        }
    if (t->nclasses < RUN_MAX_CLASSES) {
        t->class_name[t->nclasses] = name;
        t->class_count[t->nclasses++] = 1;
    }
}

static void print_view(FILE *out, const char *who, const struct oracle_view *v)
{
    if (!v->valid) {
        fprintf(out, "  %-8s invalid\n", who);
        return;
    }
    fprintf(out, "  %-8s len %u %s", who, v->len, v->mnemonic);
    if (v->has_mem)
        fprintf(out, " mem base %#x index %#x scale %u disp %#llx seg %u", v->base, v->index, v->scale,
                (unsigned long long)v->disp, v->seg);
    fprintf(out, "\n");
}

static void print_example(FILE *out, enum oracle_id oracle, enum x86_mode mode, const char *what,
                          const uint8_t *b, const struct oracle_view *ours,
                          const struct oracle_view *theirs, const struct oracle_view *zydis)
{
    fprintf(out, "%s %s:", run_mode_name(mode), what);
    for (unsigned i = 0; i < X86_MAX_INSN_LEN; i++)
        fprintf(out, " %02x", b[i]);
    fprintf(out, "\n");
    print_view(out, "ours", ours);
    print_view(out, oracle == ORACLE_ZYDIS ? "zydis" : "capstone", theirs);
    if (oracle != ORACLE_ZYDIS)
        print_view(out, "zydis", zydis);
}

void run_differential(enum oracle_id oracle, enum x86_mode mode, uint64_t seed, unsigned long cases,
                      const struct run_options *opt, struct run_tally *t)
{
    unsigned shown[DIFF_KIND_COUNT] = {0}, shown_class = 0;
    struct gen g;
    memset(t, 0, sizeof *t);
    gen_seed(&g, seed * 3 + (uint64_t)mode);
    for (unsigned long c = 0; c < cases; c++) {
        uint8_t b[GEN_BYTES];
        gen_insn(&g, mode, b);
        struct x86_insn insn;
        struct oracle_view ours, theirs, zydis;
        oracle_ours(b, X86_MAX_INSN_LEN, mode, &ours, &insn);
        oracle_zydis(b, X86_MAX_INSN_LEN, mode, &zydis);
        if (oracle == ORACLE_ZYDIS)
            theirs = zydis;
        else
            oracle_capstone(b, X86_MAX_INSN_LEN, mode, &theirs);
        t->cases++;
        enum diff_kind k = diff_views(&ours, &theirs, &insn, mode);
        if (k == DIFF_NONE) {
            t->agree++;
            continue;
        }
        const char *cls = diff_triage(oracle, k, b, mode, &insn, &ours, &theirs, &zydis);
        if (cls) {
            t->known++;
            count_class(t, cls);
            if (opt->out && opt->show && !strcmp(opt->show, cls) && shown_class++ < opt->examples)
                print_example(opt->out, oracle, mode, cls, b, &ours, &theirs, &zydis);
            continue;
        }
        t->unexplained++;
        t->by_kind[k]++;
        if (opt->out && shown[k]++ < opt->examples)
            print_example(opt->out, oracle, mode, diff_kind_name(k), b, &ours, &theirs, &zydis);
    }
}

void run_print(FILE *out, enum oracle_id oracle, enum x86_mode mode, const struct run_tally *t)
{
    fprintf(out, "%s %s: %lu cases, %lu agree (%.2f%%), %lu known differences, %lu unexplained\n",
            run_oracle_name(oracle), run_mode_name(mode), t->cases, t->agree,
            t->cases ? 100.0 * (double)t->agree / (double)t->cases : 0.0, t->known, t->unexplained);
    for (unsigned i = 0; i < t->nclasses; i++)
        fprintf(out, "    known       %-44s %lu\n", t->class_name[i], t->class_count[i]);
    for (int k = 1; k < DIFF_KIND_COUNT; k++)
        if (t->by_kind[k])
            fprintf(out, "    UNEXPLAINED %-44s %lu\n", diff_kind_name((enum diff_kind)k), t->by_kind[k]);
}
