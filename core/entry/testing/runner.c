/* SPDX-License-Identifier: Apache-2.0 */
/* Runs mutation-case tables against the validator. */
#include "cases.h"

#include <stdio.h>
#include <stdlib.h>

static void apply(struct test_entry *t, const struct mutation *m)
{
    uint64_t v = vmcs_get(&t->vmcs, m->field);
    switch (m->op) {
    case MUT_SET: v = m->value; break;
    case MUT_OR: v |= m->value; break;
    case MUT_CLEAR: v &= ~m->value; break;
    case MUT_NONE: return;
    }
    vmcs_set(&t->vmcs, m->field, v);
}

void mutation_case_prepare(const struct mutation_case *mc, struct test_entry *t)
{
    baseline_build(mc->base, t);
    for (size_t i = 0; i < sizeof mc->mut / sizeof mc->mut[0] && mc->mut[i].op != MUT_NONE; i++)
        apply(t, &mc->mut[i]);
    if (mc->tweak)
        mc->tweak(t);
}

static const char *name_of(enum vmx_check_id id)
{
    return (unsigned)id < VMX_CHECK_COUNT ? vmx_check_table[id].id : "(none)";
}

/* The outcome a check's class implies. */
static bool verdict_matches_class(const struct vmx_entry_verdict *v, enum vmx_check_id id)
{
    const struct vmx_check_info *info = &vmx_check_table[id];
    switch (info->cls) {
    case VMX_CLASS_FAIL_INVALID: return v->outcome == VMX_ENTRY_FAIL_INVALID;
    case VMX_CLASS_VMFAIL: return v->outcome == VMX_ENTRY_FAIL_VALID && v->error == info->number;
    case VMX_CLASS_GUEST:
        return v->outcome == VMX_ENTRY_FAIL_EXIT && v->exit_reason == 0x80000021u &&
               v->qualification == info->number;
    case VMX_CLASS_MSR_LOAD:
        return v->outcome == VMX_ENTRY_FAIL_EXIT && v->exit_reason == 0x80000022u &&
               v->qualification >= 1;
    }
    return false;
}

size_t run_mutation_cases(const char *table, const struct mutation_case *cases, size_t n)
{
    struct test_entry *t = malloc(sizeof *t);
    if (!t)
        abort();
    size_t failed = 0;
    struct vmx_entry_verdict v;

    for (int b = 0; b < BASE_COUNT; b++) {
        baseline_build((enum baseline)b, t);
        vmx_entry_check(&t->in, &v);
        if (v.outcome != VMX_ENTRY_OK || v.memory_unchecked) {
            printf("[%s] baseline \"%s\" is not valid: fails %s\n", table,
                   baseline_name((enum baseline)b), name_of(v.check));
            failed++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct mutation_case *mc = &cases[i];
        mutation_case_prepare(mc, t);
        vmx_entry_check(&t->in, &v);
        bool ok = v.check == mc->check && verdict_matches_class(&v, mc->check) &&
                  (mc->msr_entry == 0 || v.qualification == mc->msr_entry);
        struct vmx_check_failure all[64];
        size_t nall = vmx_entry_check_all(&t->in, all, 64);
        bool listed = false;
        for (size_t k = 0; k < nall && k < 64; k++)
            listed |= all[k].check == mc->check;
        if (!ok || !listed) {
            printf("[%s] case %zu (%s, on \"%s\"): expected %s first, got %s "
                   "(outcome %d error %u exit %#x qual %llu)%s\n",
                   table, i, mc->what ? mc->what : "", baseline_name(mc->base), name_of(mc->check),
                   name_of(v.check), (int)v.outcome, v.error, v.exit_reason,
                   (unsigned long long)v.qualification,
                   listed ? "" : "; not among all failures");
            failed++;
        }
    }
    free(t);
    printf("[%s] %zu cases, %zu failed\n", table, n, failed);
    return failed;
}
