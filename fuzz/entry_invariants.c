/* SPDX-License-Identifier: Apache-2.0 */
#include "entry_invariants.h"

#include <stdio.h>
#include <stdlib.h>

#define EXIT_ENTRY_FAIL_GUEST (0x80000000u | 33u)
#define EXIT_ENTRY_FAIL_MSR (0x80000000u | 34u)

static const char *check_name(enum vmx_check_id id)
{
    return (unsigned)id < VMX_CHECK_COUNT ? vmx_check_table[id].id : "(none)";
}

_Noreturn void entry_invariants_fail(const char *who, const char *what,
                                     const struct vmx_entry_verdict *v)
{
    fprintf(stderr, "%s: INVARIANT VIOLATED: %s\n", who, what);
    if (v)
        fprintf(stderr, "  verdict: outcome %d error %u exit %#x qualification %llu check %s%s\n",
                (int)v->outcome, v->error, v->exit_reason, (unsigned long long)v->qualification,
                check_name(v->check), v->memory_unchecked ? " (memory unchecked)" : "");
    abort();
}

static bool same_verdict(const struct vmx_entry_verdict *a, const struct vmx_entry_verdict *b)
{
    return a->outcome == b->outcome && a->error == b->error && a->exit_reason == b->exit_reason &&
           a->qualification == b->qualification && a->check == b->check &&
           a->memory_unchecked == b->memory_unchecked;
}

/* The outcome the failing row's class names. */
static bool matches_class(const struct vmx_entry_verdict *v, uint64_t msr_count)
{
    const struct vmx_check_info *row = &vmx_check_table[v->check];
    switch (row->cls) {
    case VMX_CLASS_FAIL_INVALID:
        return v->outcome == VMX_ENTRY_FAIL_INVALID;
    case VMX_CLASS_VMFAIL:
        return v->outcome == VMX_ENTRY_FAIL_VALID && v->error == row->number;
    case VMX_CLASS_GUEST:
        return v->outcome == VMX_ENTRY_FAIL_EXIT && v->exit_reason == EXIT_ENTRY_FAIL_GUEST &&
               v->qualification == row->number;
    case VMX_CLASS_MSR_LOAD:
        return v->outcome == VMX_ENTRY_FAIL_EXIT && v->exit_reason == EXIT_ENTRY_FAIL_MSR &&
               v->qualification >= 1 && v->qualification <= msr_count;
    }
    return false;
}

/* Every failure vmx_entry_check_all() lists; the count (may exceed what fits). */
static size_t list_all(const struct vmx_entry_input *in, const struct vmx_check_failure **out)
{
    /* Room for every state row and one entry's MSR-load rows. */
    static struct vmx_check_failure all[2 * VMX_CHECK_COUNT];
    *out = all;
    return vmx_entry_check_all(in, all, sizeof all / sizeof all[0]);
}

struct vmx_entry_verdict entry_invariants_check_depth(const struct vmx_entry_input *in,
                                                      const char *who, bool thorough)
{
    struct vmx_entry_verdict v, again;
    if (vmx_entry_check(in, &v) != VMM_OK)
        entry_invariants_fail(who, "vmx_entry_check refused a complete input", NULL);
    if (thorough && (vmx_entry_check(in, &again) != VMM_OK || !same_verdict(&v, &again)))
        entry_invariants_fail(who, "two validations of the same input disagree", &v);

    const struct vmx_check_failure *all;
    if (v.check == VMX_CHECK_COUNT) {
        if (v.outcome != VMX_ENTRY_OK || v.error || v.exit_reason || v.qualification)
            entry_invariants_fail(who, "a verdict without a failing check is not a success", &v);
        if (!thorough)
            return v;
        size_t n = list_all(in, &all);
        if (n != 0) {
            fprintf(stderr, "%s: vmx_entry_check_all lists %zu failures, first %s (entry %u)\n",
                    who, n, check_name(all[0].check), all[0].msr_entry);
            entry_invariants_fail(who, "the entry succeeds but some check fails", &v);
        }
        return v;
    }
    if ((unsigned)v.check > VMX_CHECK_COUNT)
        entry_invariants_fail(who, "the verdict names no check of the table", &v);

    uint64_t msr_count = in->vmcs ? vmcs_get(in->vmcs, VMCS_VM_ENTRY_MSR_LOAD_COUNT) : 0;
    if (!matches_class(&v, msr_count))
        entry_invariants_fail(who, "the outcome is not what the failing row's class names", &v);
    if (!thorough)
        return v;

    size_t n = list_all(in, &all);
    size_t listed = n < 2 * VMX_CHECK_COUNT ? n : 2 * VMX_CHECK_COUNT;
    uint32_t entry = vmx_check_table[v.check].cls == VMX_CLASS_MSR_LOAD ? (uint32_t)v.qualification : 0;
    bool among = false;
    for (size_t i = 0; i < listed; i++)
        among |= all[i].check == v.check && all[i].msr_entry == entry;
    if (!among)
        entry_invariants_fail(who, "the first failure is not among vmx_entry_check_all's", &v);
    /* The first failure in the SDM's order is the first that all failures list. */
    if (all[0].check != v.check || all[0].msr_entry != entry) {
        fprintf(stderr, "%s: vmx_entry_check_all's first failure is %s (entry %u)\n", who,
                check_name(all[0].check), all[0].msr_entry);
        entry_invariants_fail(who, "the verdict is not the first failure", &v);
    }
    return v;
}

struct vmx_entry_verdict entry_invariants_check(const struct vmx_entry_input *in, const char *who)
{
    return entry_invariants_check_depth(in, who, true);
}
