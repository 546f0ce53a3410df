/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Completing a partial dump into a VMCS the validator can run on. Every
 * field the dump did not give is filled with a value consistent with the
 * ones it did (a valid 64-bit host when the host block is missing,
 * controls negotiated from the capabilities, the IA-32e mode guest control
 * from EFER.LMA, link pointer ~0, ...), and every such value is recorded
 * with the reason, so the report can print all of them. The MSR-load
 * entries the dump shows are served to the validator as guest memory.
 */
#ifndef VMXCHECK_ASSUME_H
#define VMXCHECK_ASSUME_H

#include "dump.h"
#include "vmm/entry.h"

enum field_origin { ORIGIN_GIVEN = 1, ORIGIN_ASSUMED = 2 };

/* Why a value was assumed (printed grouped by reason). */
enum assume_why {
    WHY_FEATURE_OFF,     /* 0: its control is off, VM entry does not read it */
    WHY_EXIT_INFO,       /* exit-information field: VM entry does not read it */
    WHY_DEFAULT_CTLS,    /* a control word negotiated from the capabilities */
    WHY_NO_EVENT,        /* no event injection */
    WHY_ADDRESS,         /* a page-aligned address below MAXPHYADDR */
    WHY_VALID_HOST,      /* a valid host state of the host's address-space size */
    WHY_GUEST_MODE,      /* follows the guest's mode (IA-32e/protected/real) */
    WHY_FROM_SHADOW,     /* the read shadow with the bits VMX forces */
    WHY_NEUTRAL,         /* a value no check objects to */
    WHY_MSR_LIST,        /* the MSR list as the dump shows it */
    WHY_COUNT
};

struct assumption {
    uint16_t field; /* enum vmcs_field_id */
    uint8_t why;    /* enum assume_why */
    uint64_t value;
};

/* A statement about the entry that is not a field value. */
#define ASSUME_MAX_FACTS 12
#define ASSUME_FACT_LEN 200

struct assumed {
    struct vmcs_image vmcs;
    uint8_t origin[VMCS_FIELD_COUNT]; /* enum field_origin */
    unsigned n;
    struct assumption a[VMCS_FIELD_COUNT];
    unsigned nfacts;
    char fact[ASSUME_MAX_FACTS][ASSUME_FACT_LEN];

    /* What the validator runs with. Points into this struct: do not copy it. */
    struct vmx_entry_input in;

    /* The VM-entry MSR-load area the validator reads (the dump's entries). */
    uint64_t msr_area;
    uint32_t msr_count;
    uint32_t msr_slot[VMXDUMP_MAX_MSRS]; /* the dump's 0-based slot of each entry */
    uint8_t msr_bytes[VMXDUMP_MAX_MSRS * 16];
};

/* Text of a reason ("its control is off: VM entry does not read it"). */
const char *assume_why_text(enum assume_why why);

/* Completes `d` for `caps` into *out (which must stay where it is while in use). */
void assume_complete(const struct vmxdump *d, const struct vmx_caps *caps, struct assumed *out);

/*
 * Takes the validator's 0-based MSR-load entry k out of the area (it is
 * then not checked), recording why in a fact.
 */
void assume_drop_msr(struct assumed *a, uint32_t k, const char *why);

/* The dump's 1-based MSR-load entry number for the validator's 1-based `entry`. */
uint32_t assume_msr_entry(const struct assumed *a, uint32_t entry);

#endif /* VMXCHECK_ASSUME_H */
