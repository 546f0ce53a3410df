/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark: full VM-entry validations per second, single core.
 *
 *   bazel run --config=opt //core/entry:bench_validator
 *
 * Measures the validator (the check table expanded into straight-line
 * code with inlined predicates) on valid baselines and on one-field
 * mutants failing early (controls) and late (guest state), next to a peer
 * built from the same table in the same run: a loop over a table of
 * predicate function pointers, the shape a first implementation takes.
 * Prints min/median of several runs and the speed ratio.
 */
#include "ctx.h"
#include "pred_basic.h"
#include "pred_entry_ctls.h"
#include "pred_exec_ctls.h"
#include "pred_exit_ctls.h"
#include "pred_guest_dtr_rip.h"
#include "pred_guest_nonreg.h"
#include "pred_guest_regs.h"
#include "pred_guest_segs.h"
#include "pred_host_state.h"
#include "tools/bench/bench.h"
#include "pred_msr_load.h"
#include "baseline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the peer: the same table walked through function pointers ---- */

typedef bool (*predicate_fn)(const struct vmx_check_ctx *, unsigned);
struct peer_row {
    predicate_fn pred;
    unsigned arg;
    uint8_t cls;
};
static const struct peer_row peer_table[] = {
#define VMX_CHECK(name, id, sec, cls, num, pred, arg, ...) {pred, (unsigned)(arg), VMX_CLASS_##cls},
#include "vmm/checks/all.def"
#undef VMX_CHECK
};

static unsigned peer_first_failure(const struct vmx_check_ctx *c, bool msr_rows)
{
    for (unsigned i = 0; i < sizeof peer_table / sizeof peer_table[0]; i++)
        if ((peer_table[i].cls == VMX_CLASS_MSR_LOAD) == msr_rows &&
            !peer_table[i].pred(c, peer_table[i].arg))
            return i;
    return VMX_CHECK_COUNT;
}

/* Same work as vmx_entry_check: state checks, then each MSR-load entry. */
static unsigned peer_check(const struct vmx_entry_input *in)
{
    bool unchecked = false;
    struct vmx_check_ctx c;
    vmx_check_ctx_init(&c, in, &unchecked); /* shared with the validator */
    unsigned failed = peer_first_failure(&c, false);
    if (failed != VMX_CHECK_COUNT)
        return failed;
    uint64_t count = FIELD(&c, VM_ENTRY_MSR_LOAD_COUNT);
    for (uint32_t i = 0; i < count && i < 4096; i++) {
        if (!vmx_check_ctx_load_msr_entry(&c, i))
            break;
        failed = peer_first_failure(&c, true);
        if (failed != VMX_CHECK_COUNT)
            return failed;
    }
    return VMX_CHECK_COUNT;
}

/* ---- measurement ---- */

static volatile unsigned sink;

enum impl { IMPL_VALIDATOR, IMPL_PEER };

static double ns_per_validation(const struct test_entry *t, enum impl impl, unsigned iters)
{
    struct vmx_entry_verdict v;
    double start = (bench_wall_seconds() * 1e9);
    for (unsigned i = 0; i < iters; i++) {
        if (impl == IMPL_VALIDATOR) {
            vmx_entry_check(&t->in, &v);
            sink += v.check;
        } else {
            sink += peer_check(&t->in);
        }
    }
    return ((bench_wall_seconds() * 1e9) - start) / iters;
}

#define RUNS 7

struct scenario {
    const char *name;
    enum baseline base;
    enum vmcs_field_id field;
    uint64_t value;
    bool mutate;
};

int main(int argc, char **argv)
{
    unsigned iters = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 200000;
    const struct scenario scenarios[] = {
        {"valid 64-bit guest", BASE_LONG64, 0, 0, false},
        {"valid 64-bit guest, all controls on", BASE_LONG64_FULL, 0, 0, false},
        {"valid 32-bit PAE guest (PDPTEs from memory)", BASE_PROT32_PAE, 0, 0, false},
        {"mutant: pin-based controls 0 (first check)", BASE_LONG64, VMCS_PIN_BASED_VM_EXEC_CONTROL, 0, true},
        {"mutant: guest RFLAGS 0 (late check)", BASE_LONG64, VMCS_GUEST_RFLAGS, 0, true},
    };
    struct test_entry *t = malloc(sizeof *t);
    if (!t)
        return 1;
    printf("VM-entry validator: %u checks in the table, %u validations per run, %d runs\n",
           (unsigned)VMX_CHECK_COUNT, iters, RUNS);
    printf("%-46s %12s %12s %14s %10s\n", "scenario (verdict)", "min ns", "median ns", "median /s", "vs peer");
    for (size_t s = 0; s < sizeof scenarios / sizeof scenarios[0]; s++) {
        baseline_build(scenarios[s].base, t);
        if (scenarios[s].mutate)
            vmcs_set(&t->vmcs, scenarios[s].field, scenarios[s].value);
        struct vmx_entry_verdict v;
        vmx_entry_check(&t->in, &v);
        if (v.check != peer_check(&t->in)) {
            printf("%s: validator and peer disagree\n", scenarios[s].name);
            return 1;
        }
        double mine[RUNS], peer[RUNS];
        for (int r = 0; r < RUNS; r++) {
            mine[r] = ns_per_validation(t, IMPL_VALIDATOR, iters);
            peer[r] = ns_per_validation(t, IMPL_PEER, iters);
        }
        bench_sort(mine, RUNS);
        bench_sort(peer, RUNS);
        printf("%-46s %12.1f %12.1f %14.0f %9.2fx\n", scenarios[s].name, mine[0], mine[RUNS / 2],
               1e9 / mine[RUNS / 2], peer[RUNS / 2] / mine[RUNS / 2]);
        printf("%-46s %12.1f %12.1f %14.0f\n", "  peer: function-pointer table walk", peer[0],
               peer[RUNS / 2], 1e9 / peer[RUNS / 2]);
        printf("  verdict: %s\n", v.check == VMX_CHECK_COUNT ? "valid" : vmx_check_table[v.check].id);
    }
    free(t);
    return 0;
}
