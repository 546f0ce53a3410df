/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The validator-vs-processor differential inside the image, in three
 * parts: prepare.c turns a packed state (state_blob.h) into a VMCS image and
 * test memory this processor can launch, judge.c predicts with the
 * validator and compares with what the processor did, diff_test.c launches
 * and reports.
 */
#ifndef HWBACKEND_VALIDATOR_DIFF_DIFF_H
#define HWBACKEND_VALIDATOR_DIFF_DIFF_H

#include "core/entry/testing/baseline.h"
#include "hwbackend/validator_diff/state_blob.h"
#include "vmm/entry.h"
#include "vmm/vmcs_fields.h"

/* Why a state was not launched. */
enum diff_not_run {
    DIFF_RUN,             /* prepared: launch it */
    DIFF_NOT_TRAMPOLINE,  /* it changes HOST_RSP/HOST_RIP, which the entry trampoline writes */
    DIFF_NOT_HOST,        /* a VM exit would load a host state that is not this host's */
    DIFF_NOT_SIPI,        /* accepted into wait-for-SIPI, which Bochs never leaves */
    DIFF_NOT_PANIC,       /* Bochs stops the emulator on it (BOCHS_DEVIATIONS.md) */
    DIFF_NOT_COUNT
};

/* What the processor did, in the validator's terms (VMX_ENTRY_OK: the guest ran and exited). */
struct diff_observed {
    enum vmx_entry_outcome outcome;
    uint32_t error, exit_reason;
    uint64_t qualification;
};

struct diff_run {
    struct vmx_caps caps;          /* the prediction's capabilities */
    bool with_profile;             /* caps are the processor's bochs-* profile, not its own reading */
    uint64_t vmxon_hpa, vmcs_hpa;  /* inside the test memory, where the baselines put them */
    struct vmcs_image img;         /* the state being run */
    struct vmx_entry_input in;     /* the validator's input for it (judge.c) */
    uint32_t patched[TEST_MEM_SIZE / 8]; /* test-memory offsets the last state wrote */
    uint32_t npatched;
    /* Counts. */
    uint32_t not_run[DIFF_NOT_COUNT];
    uint32_t compared, agree, agree_other_rule, agree_cases, own_check, known, pending, stale;
    uint32_t adjusted;             /* accepted states that fail once the timer is armed */
    uint32_t vmwrite_failures;
    uint32_t mismatch_by_check[VMX_CHECK_COUNT + 1];
};

/* prepare.c: the host-physical address of test-memory address `test_pa`. */
uint64_t diff_mem_hpa(uint64_t test_pa);

/*
 * prepare.c: builds r->img and the test memory for `s`, judges it
 * (diff_predict) into *v, and says whether to launch it.
 */
enum diff_not_run diff_prepare(struct diff_run *r, const struct diff_state *s,
                               struct vmx_entry_verdict *v);

/* judge.c: the validator's verdict on r->img for `s` (fills r->in). */
void diff_predict(struct diff_run *r, const struct diff_state *s, struct vmx_entry_verdict *v);

/* judge.c: counts the comparison of *v with *o and prints a mismatch. */
void diff_judge(struct diff_run *r, const struct diff_state *s, const struct vmx_entry_verdict *v,
                const struct diff_observed *o);

#endif
