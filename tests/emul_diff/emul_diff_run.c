/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The big differential run: N generated cases from a seed on the emulator
 * and on Unicorn; prints cases/s, per-class counts and a reproducer line
 * per unexplained difference. Exits 1 when any difference is unexplained.
 *
 *   bazel run --config=opt //tests/emul_diff:emul_diff_run -- --cases 1000000 --seed 1
 *   bazel run //tests/emul_diff:emul_diff_run -- --case SEED        # one case, in detail
 *   bazel run //tests/emul_diff:emul_diff_run -- --input FILE -v     # a fuzz input, in detail
 *   EMUL_DIFF_TRACE=1 ... prints each case seed before running it (a case that crashes)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emul_diff.h"
#include "tools/bench/bench.h"

/* The seed of case i of a run: every case reproduces alone from it. */
static uint64_t case_seed(uint64_t seed, uint64_t i)
{
    uint64_t z = seed * 0x100000001b3ull + i + 1;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void print_regs(const char *side, const struct ed_outcome *o)
{
    printf("  %-8s kind %d vector %u ec %#x cr2 %#llx rip %#llx rflags %#llx\n", side, o->kind,
           o->vector, o->error_code, (unsigned long long)o->cr2, (unsigned long long)o->regs.rip,
           (unsigned long long)o->regs.rflags);
    for (unsigned i = 0; i < X86_GPR_COUNT; i++)
        printf("%s%016llx", i % 8 ? " " : "    ", (unsigned long long)o->regs.gpr[i]),
            (void)(i % 8 == 7 && printf("\n"));
    if (o->why)
        printf("    why: %s\n", o->why);
}

static void report(const struct ed_runner *r, uint64_t seed, bool detail)
{
    char line[256];
    ed_format_case(r->c, line, sizeof line);
    printf("DIFFERENT seed=%#llx %s | %s\n", (unsigned long long)seed, line, r->cmp.detail);
    if (!detail)
        return;
    const struct ed_case *c = r->c;
    printf("  input: cr0 %#llx cr3 %#llx cr4 %#llx efer %#llx fs %#llx gs %#llx rflags %#llx\n",
           (unsigned long long)c->cr0, (unsigned long long)c->cr3, (unsigned long long)c->cr4,
           (unsigned long long)c->efer, (unsigned long long)c->fs_base,
           (unsigned long long)c->gs_base, (unsigned long long)c->regs.rflags);
    for (unsigned i = 0; i < X86_GPR_COUNT; i++)
        printf("%s%016llx", i % 8 ? " " : "    ", (unsigned long long)c->regs.gpr[i]),
            (void)(i % 8 == 7 && printf("\n"));
    for (unsigned i = 0; i < 16; i++)
        if (memcmp(r->out_emu.regs.xmm[i], r->out_uc.regs.xmm[i], 16) != 0)
            printf("    xmm%u before: %016llx%016llx\n", i, (unsigned long long)c->regs.xmm[i][1],
                   (unsigned long long)c->regs.xmm[i][0]);
    print_regs("emulator", &r->out_emu);
    print_regs("unicorn", &r->out_uc);
}

int main(int argc, char **argv)
{
    uint64_t cases = 100000, seed = 1, one = 0, show = 50;
    bool have_one = false, verbose = false;
    const char *input = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--cases") && i + 1 < argc)
            cases = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--case") && i + 1 < argc)
            one = strtoull(argv[++i], NULL, 0), have_one = true;
        else if (!strcmp(argv[i], "--input") && i + 1 < argc)
            input = argv[++i], have_one = true;
        else if (!strcmp(argv[i], "--show") && i + 1 < argc)
            show = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "-v"))
            verbose = true;
        else {
            fprintf(stderr, "usage: %s [--cases N] [--seed S] [--case CASE_SEED | --input FUZZ_INPUT] [--show N] [-v]\n", argv[0]);
            return 2;
        }
    }
    struct ed_runner r;
    char err[256] = "";
    if (ed_runner_open(&r, err, sizeof err) != 0) {
        fprintf(stderr, "emul_diff_run: %s\n", err);
        return 2;
    }
    if (!ed_uc_has_error_codes(r.uc))
        printf("note: not Unicorn 2.1.1-2+b2's context layout; error codes are not compared\n");
    struct ed_src src;
    static uint8_t data[ED_MAX_RECORD * 4];
    if (have_one) {
        if (input) {
            FILE *f = fopen(input, "rb");
            size_t n = f ? fread(data, 1, sizeof data, f) : 0;
            if (!f) {
                fprintf(stderr, "emul_diff_run: cannot read %s\n", input);
                return 2;
            }
            fclose(f);
            ed_src_bytes(&src, data, n);
        } else {
            ed_src_prng(&src, one);
        }
        ed_generate(&src, r.c);
        if (verbose) {
            char line[256];
            ed_format_case(r.c, line, sizeof line);
            printf("case %#llx: %s\n", (unsigned long long)one, line);
            fflush(stdout);
        }
        enum ed_verdict v = ed_runner_run(&r);
        if (v == ED_DIFFERENT || verbose)
            report(&r, one, true);
        printf("verdict %d (%s)%s%s\n", v, r.cmp.detail,
               v == ED_EXPLAINED ? " known: " : "",
               v == ED_EXPLAINED ? ed_known_name(r.cmp.known) : "");
        ed_runner_close(&r);
        return v == ED_DIFFERENT;
    }
    uint64_t reported = 0;
    bool trace = getenv("EMUL_DIFF_TRACE") != NULL;
    double t0 = bench_wall_seconds();
    for (uint64_t i = 0; i < cases; i++) {
        uint64_t cs = case_seed(seed, i);
        ed_src_prng(&src, cs);
        ed_generate(&src, r.c);
        if (trace)
            printf("case %#llx\n", (unsigned long long)cs), fflush(stdout);
        if (ed_runner_run(&r) == ED_DIFFERENT && reported++ < show)
            report(&r, cs, verbose);
    }
    double dt = bench_wall_seconds() - t0;
    printf("%llu cases in %.2f s: %.0f cases/s (seed %llu)\n", (unsigned long long)cases, dt,
           (double)cases / dt, (unsigned long long)seed);
    ed_stats_print(&r.stats, stdout);
    int rc = r.stats.different ? 1 : 0;
    ed_runner_close(&r);
    return rc;
}
