/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VM-entry states the Bochs differential runs, as a blob the host-side
 * generator (gen_states.c) writes and the image (diff_test.c) reads: the
 * validator's one-mutation cases and a sample of the vmcs_validator fuzz
 * corpus, each a VMCS image plus its physical memory, in the test memory
 * layout of core/entry/testing/baseline.h. Little-endian, 8-byte aligned;
 * shared by both sides, so plain C with fixed-width types only.
 *
 *   struct diff_blob_header
 *   count x { struct diff_state, nfields x struct diff_field,
 *             npatches x struct diff_patch }
 */
#ifndef HWBACKEND_VALIDATOR_DIFF_STATE_BLOB_H
#define HWBACKEND_VALIDATOR_DIFF_STATE_BLOB_H

#include <stdint.h>

#define DIFF_BLOB_MAGIC 0x3146464944584d56ull /* "VMXDIFF1" */

/* Why the generator left a state out: Bochs cannot be put in its situation. */
enum diff_skip {
    DIFF_SKIP_LAUNCHED,   /* needs a launched current VMCS */
    DIFF_SKIP_SHADOW,     /* the current VMCS is a shadow VMCS */
    DIFF_SKIP_MOV_SS,     /* VM entry right after MOV SS */
    DIFF_SKIP_SMM,        /* executed in SMM */
    DIFF_SKIP_HOST_32BIT, /* a host outside IA-32e mode */
    DIFF_SKIP_NO_MEMORY,  /* the validator was given no memory */
    DIFF_SKIP_POINTERS,   /* current-VMCS / VMXON pointers moved */
    DIFF_SKIP_CAPS,       /* edited capabilities no processor reports */
    DIFF_SKIP_COUNT
};

struct diff_blob_header {
    uint64_t magic;
    uint32_t count;          /* states that follow */
    uint32_t field_count;    /* VMCS_FIELD_COUNT of the generator: must match the image's */
    uint32_t skipped[DIFF_SKIP_COUNT];
    uint32_t cases, fuzz;    /* how many states are mutation cases / fuzz inputs */
};

enum diff_state_flags {
    DIFF_RESUME = 1u << 0,  /* VMRESUME (of a clear VMCS) instead of VMLAUNCH */
    DIFF_NO_VMCS = 1u << 1, /* no current VMCS */
};

#define DIFF_NOT_A_CASE 0xffffffffu

struct diff_state {
    uint32_t size;     /* bytes of this record, fields and patches included */
    uint32_t flags;    /* enum diff_state_flags */
    uint32_t nfields;  /* non-zero fields */
    uint32_t npatches; /* non-zero 8-byte words of test memory */
    uint32_t check;    /* mutation cases: the check the case makes fail first; else DIFF_NOT_A_CASE */
    uint32_t base;     /* enum baseline the state started from */
    char name[48];     /* "exec_ctls#12", "fuzz:ASZ.H0.CET" */
};

enum diff_field_flags {
    DIFF_FIELD_MUTATED = 1u << 0, /* the state changed the field from its baseline's value */
};

struct diff_field {
    uint16_t id;    /* enum vmcs_field_id */
    uint16_t flags; /* enum diff_field_flags */
    uint32_t reserved;
    uint64_t value;
    uint64_t changed; /* bits that differ from the baseline's value */
};

struct diff_patch {
    uint32_t offset; /* from TEST_MEM_BASE, 8-byte aligned */
    uint32_t flags;  /* DIFF_FIELD_MUTATED: the word differs from the baseline's memory */
    uint64_t value;
};

#endif
