/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One-field mutation cases for the VM-entry checks: start from a valid
 * baseline, change one thing, and expect exactly the named check to be the
 * first failure (and to be among all failures). Every check of the table
 * must be the subject of at least one case (coverage_test).
 */
#ifndef VMM_ENTRY_TESTING_CASES_H
#define VMM_ENTRY_TESTING_CASES_H

#include "baseline.h"

enum mutation_op { MUT_NONE = 0, MUT_SET, MUT_OR, MUT_CLEAR };

struct mutation {
    enum mutation_op op;
    enum vmcs_field_id field;
    uint64_t value; /* SET: new value; OR: bits to set; CLEAR: bits to clear */
};

struct mutation_case {
    enum vmx_check_id check; /* the check that must fail first */
    enum baseline base;
    struct mutation mut[3];  /* applied in order; MUT_NONE ends the list */
    /* Optional: other changes (capabilities, entry input, memory). */
    void (*tweak)(struct test_entry *t);
    const char *what;        /* the scenario, for messages and docs */
    uint32_t msr_entry;      /* MSR-load checks: the expected exit-34 qualification (0: any) */
};

/* Shorthands for case tables. */
#define SETF(f, v) {MUT_SET, VMCS_##f, (v)}
#define ORF(f, v) {MUT_OR, VMCS_##f, (v)}
#define CLRF(f, v) {MUT_CLEAR, VMCS_##f, (v)}

/* Each section's table, defined in cases_<section>.c. */
#define CASE_TABLES(X) \
    X(basic) X(exec_ctls) X(exit_ctls) X(entry_ctls) X(host_state) X(guest_regs) \
    X(guest_segs) X(guest_dtr_rip) X(guest_nonreg) X(msr_load) X(kvm_unit_tests)
#define DECLARE_CASES(s) extern const struct mutation_case cases_##s[]; extern const size_t cases_##s##_count;
CASE_TABLES(DECLARE_CASES)
#undef DECLARE_CASES

/* Builds the case's baseline and applies its mutations and tweak. */
void mutation_case_prepare(const struct mutation_case *mc, struct test_entry *t);

/*
 * Runs a table: each baseline must pass, each mutated state must fail with
 * the case's check first. Returns the number of failed cases, printing
 * each failure.
 */
size_t run_mutation_cases(const char *table, const struct mutation_case *cases, size_t n);

#endif
