/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sim's VMLAUNCH/VMRESUME against the validator, on every mutation case
 * of the core's entry tests: each case's state is loaded into a sim and
 * entered, and the instruction's outcome (VMfailInvalid, VMfailValid with
 * its error number, or the entry-failure exit with reason and
 * qualification, or reaching the executor) and the failing check must be
 * exactly the validator's verdict. Cases the sim cannot reproduce from
 * outside (capabilities that are no profile, SMM, a 32-bit host, memory
 * the validator could not read) are counted and skipped. A case that needs
 * a launched VMCS gets one by launching the valid baseline first and then
 * putting the case's contents into the (now launched) current VMCS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "testing/fixture.h"

static struct vmx_status count_call(void *ctx, struct sim *sim, enum vmm_entry_kind kind,
                                    struct vmm_guest_gprs *gprs)
{
    (void)sim, (void)kind, (void)gprs;
    ++*(unsigned *)ctx;
    return (struct vmx_status){.outcome = VMX_SUCCEED};
}

/* The profile whose capabilities t has, or NULL if a case changed them. */
static const char *profile_of(const struct test_entry *t)
{
    for (size_t i = 0; i < vmx_profile_count; i++) {
        struct vmx_caps c;
        if (vmx_caps_parse(vmx_profiles[i].raw, &c, NULL) == VMM_OK &&
            fixture_caps_equal(&c, &t->caps))
            return vmx_profiles[i].name;
    }
    return NULL;
}

/* Whether the entry input is one a sim reaches through the seam and its knobs. */
static bool input_reproducible(const struct test_entry *t, const struct test_entry *ref)
{
    const struct vmx_entry_input *in = &t->in;
    return (in->vmcs == NULL || in->vmcs == &t->vmcs) && in->caps == &t->caps &&
           (!in->launched || in->vmcs) && !in->in_smm && in->host_lma && in->current_vmcs_ptr == PA_CURRENT_VMCS &&
           in->vmxon_ptr == PA_VMXON && in->read_phys == ref->in.read_phys &&
           in->read_opaque == t;
}

struct tally {
    size_t compared, skipped, mismatched;
};

static const char *check_name(enum vmx_check_id id)
{
    return (unsigned)id < VMX_CHECK_COUNT ? vmx_check_table[id].id : "(none)";
}

/* Makes the current VMCS launched by launching the valid baseline `ref`, then restores t's contents. */
static void launch_first(struct fixture *f, const struct test_entry *t, const struct test_entry *ref,
                         unsigned *calls)
{
    struct vmm_guest_gprs gprs = {0};
    *sim_vmcs(f->sim) = ref->vmcs;
    sim_set_mov_ss_blocking(f->sim, false);
    assert_vmx_ok(f->cpu->ops->enter_guest(f->cpu, VMM_LAUNCH, &gprs));
    assert_true(sim_vmcs_launched(f->sim));
    *sim_vmcs(f->sim) = t->vmcs;
    sim_set_mov_ss_blocking(f->sim, t->in.mov_ss_blocking);
    *calls = 0;
}

/* Runs one case on a sim; false (with a message) when it differs from v. */
static bool sim_agrees(const struct mutation_case *mc, const struct test_entry *t,
                       const struct test_entry *ref, const char *profile,
                       const struct vmx_entry_verdict *v)
{
    unsigned calls = 0;
    struct fixture f;
    fixture_load_entry(&f, t, profile, count_call, &calls);
    if (t->in.launched)
        launch_first(&f, t, ref, &calls);
    struct vmm_guest_gprs gprs = {0};
    struct vmx_status st = f.cpu->ops->enter_guest(f.cpu, t->in.kind, &gprs);
    bool same = sim_last_entry(f.sim)->check == v->check;
    switch (v->outcome) {
    case VMX_ENTRY_OK:
        same &= st.outcome == VMX_SUCCEED && calls == 1;
        break;
    case VMX_ENTRY_FAIL_INVALID:
        same &= st.outcome == VMX_FAIL_INVALID;
        break;
    case VMX_ENTRY_FAIL_VALID:
        same &= st.outcome == VMX_FAIL_VALID && st.error == v->error &&
                vmcs_get(sim_vmcs(f.sim), VMCS_VM_INSTRUCTION_ERROR) == v->error;
        break;
    case VMX_ENTRY_FAIL_EXIT:
        same &= st.outcome == VMX_SUCCEED && calls == 0 &&
                vmcs_get(sim_vmcs(f.sim), VMCS_VM_EXIT_REASON) == v->exit_reason &&
                vmcs_get(sim_vmcs(f.sim), VMCS_EXIT_QUALIFICATION) == v->qualification;
        break;
    }
    if (!same)
        printf("case \"%s\": validator %s (outcome %d, %u/%#x/%llu), sim %s (outcome %d, error %u)\n",
               mc->what, check_name(v->check), v->outcome, v->error, v->exit_reason,
               (unsigned long long)v->qualification, check_name(sim_last_entry(f.sim)->check),
               st.outcome, st.error);
    fixture_destroy(&f);
    return same;
}

static void run_table(const char *table, const struct mutation_case *cases, size_t n)
{
    struct test_entry *t = malloc(sizeof *t), *ref = malloc(sizeof *ref);
    assert_non_null(t);
    assert_non_null(ref);
    struct tally tally = {0};
    for (size_t i = 0; i < n; i++) {
        mutation_case_prepare(&cases[i], t);
        baseline_build(cases[i].base, ref);
        const char *profile = profile_of(t);
        struct vmx_entry_verdict v;
        assert_int_equal(vmx_entry_check(&t->in, &v), VMM_OK);
        if (!profile || !input_reproducible(t, ref) || v.memory_unchecked) {
            tally.skipped++;
            continue;
        }
        tally.compared++;
        tally.mismatched += !sim_agrees(&cases[i], t, ref, profile, &v);
    }
    printf("[%s] %zu cases: %zu compared, %zu skipped, %zu differ\n", table, n, tally.compared,
           tally.skipped, tally.mismatched);
    free(t);
    free(ref);
    assert_int_equal(tally.mismatched, 0);
    /* Most cases change only VMCS fields or memory; the sim must reproduce them. */
    assert_true(tally.compared * 10 >= n * 7);
}

#define TABLE_TEST(s) \
    static void sim_entry_matches_the_validator_on_##s##_cases(void **state) \
    { \
        (void)state; \
        run_table(#s, cases_##s, cases_##s##_count); \
    }
CASE_TABLES(TABLE_TEST)
#undef TABLE_TEST

int main(void)
{
#define TABLE_ENTRY(s) cmocka_unit_test(sim_entry_matches_the_validator_on_##s##_cases),
    const struct CMUnitTest tests[] = {CASE_TABLES(TABLE_ENTRY)};
#undef TABLE_ENTRY
    return cmocka_run_group_tests(tests, NULL, NULL);
}
