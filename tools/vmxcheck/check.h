/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running the validator on a completed dump, and sorting what fails into
 * findings (the rule reads a value the dump gave) and checks that fail
 * only through assumed values.
 */
#ifndef VMXCHECK_CHECK_H
#define VMXCHECK_CHECK_H

#include "assume.h"
#include "capspec.h"
#include "dump.h"
#include "vmm/entry.h"

struct vmxcheck_failure {
    enum vmx_check_id check;
    uint32_t msr_entry; /* MSR-load rows: the dump's 1-based entry number; else 0 */
    bool given;         /* the rule reads at least one value the dump gave */
    bool guessed_caps;  /* it fails only under the guessed capability restrictions */
};

#define VMXCHECK_MAX_FAILURES 512

struct vmxcheck_result {
    struct vmx_entry_verdict verdict; /* what hardware would do: the first failing check */
    uint32_t verdict_msr_entry;       /* exit 34: the dump's entry number */
    bool verdict_given;               /* the first failing check is a finding */
    size_t n;                         /* failing checks (all of them, up to the maximum) */
    struct vmxcheck_failure f[VMXCHECK_MAX_FAILURES];
    size_t nfindings;                 /* of which read a given value */
    bool truncated;                   /* more failures than fit */
};

/* True if check `id` reads a value the dump gave. */
bool vmxcheck_reads_given(const struct assumed *a, enum vmx_check_id id);

/* Completes the dump under `caps` into *a and runs the validator into *r. */
int vmxcheck_run(const struct vmxdump *d, const struct capspec *caps, struct assumed *a,
                 struct vmxcheck_result *r);

/* 0: no finding; 1: findings. (2, unreadable input, is the caller's.) */
int vmxcheck_exit_code(const struct vmxcheck_result *r);

/* "26.3.1.2 (29.3.1.2 in 2026 editions)", or just "29.3.1.2" for chapter 29. */
void vmxcheck_section(enum vmx_check_id id, unsigned chapter, char *buf, size_t len);

#endif /* VMXCHECK_CHECK_H */
