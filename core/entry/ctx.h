/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a check predicate sees: the VMCS values, the capabilities, the
 * entry input, and facts derived once per validation (effective control
 * words, guest mode, the event being injected). Predicates live in
 * pred_*.h as static inline functions so that the validator, which
 * expands the check table into straight-line code, inlines them all.
 */
#ifndef VMM_ENTRY_CTX_H
#define VMM_ENTRY_CTX_H

#include "vmm/entry.h"

struct vmx_check_ctx {
    const struct vmx_entry_input *in;
    const struct vmx_caps *caps;
    const uint64_t *f; /* VMCS values by enum vmcs_field_id */

    /* Control words as VM entry uses them: a word that is not activated
     * (secondary, tertiary, secondary exit, VM functions) reads as 0. */
    uint64_t pin, proc, proc2, proc3, exit, exit2, entry, vmfunc;

    /* Guest facts many rules share. */
    bool ia32e_guest;  /* "IA-32e mode guest" entry control */
    bool unrestricted; /* "unrestricted guest" (effective) */
    bool v8086;        /* guest RFLAGS.VM */
    bool inject;       /* VM-entry interruption information valid (bit 31) */
    uint8_t inj_type;  /* bits 10:8 */
    uint8_t inj_vector;

    /* MSR-load rows: the entry being checked. */
    uint32_t msr_entry; /* 1-based */
    uint32_t msr_index;
    uint32_t msr_reserved;
    uint64_t msr_value;

    /* Set when a rule needed memory it could not read (rule then passes). */
    bool *memory_unchecked;
};

/* Prepares a context for validating `in` (which has a VMCS). */
void vmx_check_ctx_init(struct vmx_check_ctx *c, const struct vmx_entry_input *in, bool *unchecked);

/* Reads VM-entry MSR-load entry i (0-based) into c->msr_*; false if unreadable. */
bool vmx_check_ctx_load_msr_entry(struct vmx_check_ctx *c, uint32_t i);

/* The value of a VMCS field: FIELD(c, GUEST_RIP). */
#define FIELD(c, name) ((c)->f[VMCS_##name])

/* Event types of the interruption-information field. */
enum {
    INTR_TYPE_EXT_INTR = 0,
    INTR_TYPE_RESERVED = 1,
    INTR_TYPE_NMI = 2,
    INTR_TYPE_HW_EXCEPTION = 3,
    INTR_TYPE_SW_INTR = 4,
    INTR_TYPE_PRIV_SW_EXCEPTION = 5,
    INTR_TYPE_SW_EXCEPTION = 6,
    INTR_TYPE_OTHER = 7,
};

/* Canonical for the processor's linear-address width (48 or 57). */
static inline bool is_canonical(const struct vmx_check_ctx *c, uint64_t v)
{
    return vmm_canonical(v, c->caps->linear_addr_width);
}

/* No bit at or above the physical-address width is set. */
static inline bool within_phys_width(const struct vmx_check_ctx *c, uint64_t addr)
{
    return (addr >> c->caps->phys_addr_width) == 0;
}

/* Bits [hi:lo] of v. */
static inline uint64_t bits(uint64_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((hi - lo >= 63) ? ~0ull : ((1ull << (hi - lo + 1)) - 1));
}

/*
 * Reads physical memory for a rule. False when there is no reader or the
 * read fails; the caller then lets the rule pass and the verdict says
 * memory went unchecked.
 */
static inline bool read_phys(const struct vmx_check_ctx *c, uint64_t addr, void *buf, size_t len)
{
    if (c->in->read_phys && c->in->read_phys(c->in->read_opaque, addr, buf, len) == VMM_OK)
        return true;
    *c->memory_unchecked = true;
    return false;
}

#endif /* VMM_ENTRY_CTX_H */
