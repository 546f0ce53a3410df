/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Predicates of checks/guest_nonreg.def: guest non-register state (SDM
 * x.3.1.5: activity state, interruptibility state, pending debug
 * exceptions, VMCS link pointer, UINV) and the PDPTEs of a PAE guest
 * (x.3.1.6).
 */
#ifndef VMM_PRED_GUEST_NONREG_H
#define VMM_PRED_GUEST_NONREG_H

#include "ctx.h"

/* Activity states. */
enum { ACTIVITY_ACTIVE = 0, ACTIVITY_HLT = 1, ACTIVITY_SHUTDOWN = 2, ACTIVITY_WAIT_SIPI = 3 };

/* Interruptibility-state bits. */
#define INTERRUPTIBILITY_STI (1ull << 0)
#define INTERRUPTIBILITY_MOV_SS (1ull << 1)
#define INTERRUPTIBILITY_SMI (1ull << 2)
#define INTERRUPTIBILITY_NMI (1ull << 3)
#define INTERRUPTIBILITY_ENCLAVE (1ull << 4)

/* Pending-debug-exceptions bits. */
#define PENDING_DBG_BS (1ull << 14)
#define PENDING_DBG_ENABLED_BP (1ull << 12)
#define PENDING_DBG_RTM (1ull << 16)
/* Reserved: 11:4, 13, 15, 63:17. */
#define PENDING_DBG_RESERVED 0xfffffffffffeaff0ull
/* With RTM = 1 only bits 12 and 16 may be set (11:0, 15:13 and 63:17 are 0). */
#define PENDING_DBG_RTM_ZERO 0xfffffffffffeefffull

#define NONREG_RFLAGS_TF (1ull << 8)
#define NONREG_RFLAGS_IF (1ull << 9)
#define NONREG_DEBUGCTL_BTF (1ull << 1)
#define NONREG_CR4_FRED (1ull << 32)
#define NONREG_LINK_NONE 0xffffffffffffffffull

static inline uint64_t nonreg_activity(const struct vmx_check_ctx *c)
{
    return FIELD(c, GUEST_ACTIVITY_STATE);
}

static inline uint64_t nonreg_intr(const struct vmx_check_ctx *c)
{
    return FIELD(c, GUEST_INTERRUPTIBILITY_INFO);
}

static inline bool nonreg_injecting(const struct vmx_check_ctx *c, unsigned type)
{
    return c->inject && c->inj_type == type;
}

/* ---- activity state ---- */

/* 0-3, and a non-active state only if IA32_VMX_MISC[8:6] enumerates it. */
static inline bool nonreg_activity_supported(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    uint64_t s = nonreg_activity(c);
    if (s == ACTIVITY_ACTIVE)
        return true;
    return s <= ACTIVITY_WAIT_SIPI && (c->caps->activity_states & (VMX_MISC_ACTIVITY_HLT << (s - 1)));
}

static inline bool nonreg_hlt_needs_ss_dpl0(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return nonreg_activity(c) != ACTIVITY_HLT || bits(FIELD(c, GUEST_SS_AR_BYTES), 6, 5) == 0;
}

static inline bool nonreg_blocking_needs_active(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(nonreg_intr(c) & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)) ||
           nonreg_activity(c) == ACTIVITY_ACTIVE;
}

/* HLT wakes for external interrupts, NMIs, #DB, #MC and a pending MTF exit. */
static inline bool nonreg_hlt_event_allowed(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    if (!c->inject || nonreg_activity(c) != ACTIVITY_HLT)
        return true;
    switch (c->inj_type) {
    case INTR_TYPE_EXT_INTR:
    case INTR_TYPE_NMI: return true;
    case INTR_TYPE_HW_EXCEPTION: return c->inj_vector == 1 || c->inj_vector == 18;
    case INTR_TYPE_OTHER: return c->inj_vector == 0;
    default: return false;
    }
}

/* Shutdown admits only NMIs and machine checks. */
static inline bool nonreg_shutdown_event_allowed(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    if (!c->inject || nonreg_activity(c) != ACTIVITY_SHUTDOWN)
        return true;
    return c->inj_type == INTR_TYPE_NMI ||
           (c->inj_type == INTR_TYPE_HW_EXCEPTION && c->inj_vector == 18);
}

static inline bool nonreg_wait_sipi_no_event(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->inject || nonreg_activity(c) != ACTIVITY_WAIT_SIPI;
}

static inline bool nonreg_smm_entry_not_wait_sipi(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(c->entry & VMX_ENTRY_ENTRY_TO_SMM) || nonreg_activity(c) != ACTIVITY_WAIT_SIPI;
}

/* ---- interruptibility state ---- */

static inline bool nonreg_intr_reserved_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return bits(nonreg_intr(c), 31, 5) == 0;
}

static inline bool nonreg_not_sti_and_mov_ss(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    uint64_t both = INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS;
    return (nonreg_intr(c) & both) != both;
}

static inline bool nonreg_sti_needs_if(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(nonreg_intr(c) & INTERRUPTIBILITY_STI) || (FIELD(c, GUEST_RFLAGS) & NONREG_RFLAGS_IF);
}

static inline bool nonreg_extint_not_blocked(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !nonreg_injecting(c, INTR_TYPE_EXT_INTR) ||
           !(nonreg_intr(c) & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

static inline bool nonreg_nmi_not_mov_ss_blocked(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !nonreg_injecting(c, INTR_TYPE_NMI) || !(nonreg_intr(c) & INTERRUPTIBILITY_MOV_SS);
}

/*
 * "A processor may require" STI blocking to be 0 when injecting an NMI;
 * the SDM gives such a failure its own exit qualification (3). The model
 * is a processor that makes the check.
 */
static inline bool nonreg_nmi_not_sti_blocked(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !nonreg_injecting(c, INTR_TYPE_NMI) || !(nonreg_intr(c) & INTERRUPTIBILITY_STI);
}

static inline bool nonreg_smi_blocking_only_in_smm(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return c->in->in_smm || !(nonreg_intr(c) & INTERRUPTIBILITY_SMI);
}

static inline bool nonreg_smm_entry_blocks_smi(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(c->entry & VMX_ENTRY_ENTRY_TO_SMM) || (nonreg_intr(c) & INTERRUPTIBILITY_SMI);
}

/* With virtual NMIs, an injected NMI needs (virtual-)NMI blocking clear. */
static inline bool nonreg_vnmi_injection_unblocked(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(c->pin & VMX_PIN_VIRTUAL_NMIS) || !nonreg_injecting(c, INTR_TYPE_NMI) ||
           !(nonreg_intr(c) & INTERRUPTIBILITY_NMI);
}

static inline bool nonreg_enclave_not_mov_ss(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(nonreg_intr(c) & INTERRUPTIBILITY_ENCLAVE) || !(nonreg_intr(c) & INTERRUPTIBILITY_MOV_SS);
}

static inline bool nonreg_enclave_needs_sgx(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(nonreg_intr(c) & INTERRUPTIBILITY_ENCLAVE) ||
           (c->caps->cpuid_features & VMM_CPUID_BIT(VMM_CPUID_SGX));
}

/* A FRED guest at CPL 3 (SS DPL 3) cannot be in an STI shadow. */
static inline bool nonreg_fred_user_no_sti(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    bool fred_guest = c->ia32e_guest && (FIELD(c, GUEST_CR4) & NONREG_CR4_FRED);
    return !fred_guest || bits(FIELD(c, GUEST_SS_AR_BYTES), 6, 5) != 3 ||
           !(nonreg_intr(c) & INTERRUPTIBILITY_STI);
}

/* ---- pending debug exceptions ---- */

static inline uint64_t nonreg_pending_dbg(const struct vmx_check_ctx *c)
{
    return FIELD(c, GUEST_PENDING_DBG_EXCEPTIONS);
}

static inline bool nonreg_pending_dbg_reserved_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (nonreg_pending_dbg(c) & PENDING_DBG_RESERVED) == 0;
}

/*
 * The BS rules apply in an STI or MOV-SS shadow or in HLT; there a single
 * step is pending exactly when RFLAGS.TF = 1 and DEBUGCTL.BTF = 0.
 */
static inline bool nonreg_bs_rules_apply(const struct vmx_check_ctx *c)
{
    return (nonreg_intr(c) & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)) ||
           nonreg_activity(c) == ACTIVITY_HLT;
}

static inline bool nonreg_single_step_pending(const struct vmx_check_ctx *c)
{
    return (FIELD(c, GUEST_RFLAGS) & NONREG_RFLAGS_TF) &&
           !(FIELD(c, GUEST_IA32_DEBUGCTL) & NONREG_DEBUGCTL_BTF);
}

static inline bool nonreg_bs_set_when_stepping(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !nonreg_bs_rules_apply(c) || !nonreg_single_step_pending(c) ||
           (nonreg_pending_dbg(c) & PENDING_DBG_BS);
}

static inline bool nonreg_bs_clear_when_not_stepping(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !nonreg_bs_rules_apply(c) || nonreg_single_step_pending(c) ||
           !(nonreg_pending_dbg(c) & PENDING_DBG_BS);
}

static inline bool nonreg_rtm_other_bits_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(nonreg_pending_dbg(c) & PENDING_DBG_RTM) ||
           (nonreg_pending_dbg(c) & PENDING_DBG_RTM_ZERO) == 0;
}

static inline bool nonreg_rtm_enabled_bp(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(nonreg_pending_dbg(c) & PENDING_DBG_RTM) ||
           (nonreg_pending_dbg(c) & PENDING_DBG_ENABLED_BP);
}

static inline bool nonreg_rtm_supported(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(nonreg_pending_dbg(c) & PENDING_DBG_RTM) ||
           (c->caps->cpuid_features & VMM_CPUID_BIT(VMM_CPUID_RTM));
}

static inline bool nonreg_rtm_not_mov_ss(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(nonreg_pending_dbg(c) & PENDING_DBG_RTM) || !(nonreg_intr(c) & INTERRUPTIBILITY_MOV_SS);
}

/* ---- VMCS link pointer (checked only when not FFFFFFFF_FFFFFFFFH) ---- */

static inline uint64_t nonreg_link(const struct vmx_check_ctx *c)
{
    return FIELD(c, VMCS_LINK_POINTER);
}

static inline bool nonreg_link_aligned(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return nonreg_link(c) == NONREG_LINK_NONE || bits(nonreg_link(c), 11, 0) == 0;
}

static inline bool nonreg_link_within_width(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return nonreg_link(c) == NONREG_LINK_NONE || within_phys_width(c, nonreg_link(c));
}

/*
 * The 4-byte header at the link pointer. False (rule passes) when the
 * pointer is unused or already fails alignment/width, or the memory
 * cannot be read (the verdict then says memory went unchecked).
 */
static inline bool nonreg_link_header(const struct vmx_check_ctx *c, uint32_t *header)
{
    uint64_t link = nonreg_link(c);
    if (link == NONREG_LINK_NONE || bits(link, 11, 0) != 0 || !within_phys_width(c, link))
        return false;
    uint8_t raw[4];
    if (!read_phys(c, link, raw, sizeof raw))
        return false;
    *header = (uint32_t)raw[0] | (uint32_t)raw[1] << 8 | (uint32_t)raw[2] << 16 | (uint32_t)raw[3] << 24;
    return true;
}

static inline bool nonreg_link_revision(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    uint32_t header;
    return !nonreg_link_header(c, &header) || (header & 0x7fffffffu) == c->caps->revision_id;
}

/* Header bit 31 (shadow VMCS) = the "VMCS shadowing" control. */
static inline bool nonreg_link_shadow_matches(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    uint32_t header;
    if (!nonreg_link_header(c, &header))
        return true;
    return ((header >> 31) != 0) == ((c->proc2 & VMX_PROC2_VMCS_SHADOWING) != 0);
}

static inline bool nonreg_link_not_current(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    bool applies = !c->in->in_smm || (c->entry & VMX_ENTRY_ENTRY_TO_SMM);
    return nonreg_link(c) == NONREG_LINK_NONE || !applies || nonreg_link(c) != c->in->current_vmcs_ptr;
}

static inline bool nonreg_link_not_executive(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    bool applies = c->in->in_smm && !(c->entry & VMX_ENTRY_ENTRY_TO_SMM);
    return nonreg_link(c) == NONREG_LINK_NONE || !applies ||
           nonreg_link(c) != FIELD(c, EXECUTIVE_VMCS_POINTER);
}

/* ---- UINV ---- */

static inline bool nonreg_uinv_is_vector(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(c->entry & VMX_ENTRY_LOAD_UINV) || bits(FIELD(c, GUEST_UINV), 15, 8) == 0;
}

/* ---- PDPTEs (x.3.1.6) ---- */

/* The guest will use PAE paging: CR0.PG = 1, CR4.PAE = 1, not IA-32e. */
static inline bool pdpte_guest_uses_pae(const struct vmx_check_ctx *c)
{
    return (FIELD(c, GUEST_CR0) & (1ull << 31)) && (FIELD(c, GUEST_CR4) & (1ull << 5)) &&
           !c->ia32e_guest;
}

/* A present PDPTE has bits 2:1, 8:5 and 63:MAXPHYADDR clear. */
static inline bool pdpte_valid(const struct vmx_check_ctx *c, uint64_t e)
{
    if (!(e & 1))
        return true;
    uint64_t reserved = 0x1e6ull | ~((1ull << c->caps->raw.phys_addr_width) - 1);
    return (e & reserved) == 0;
}

static inline bool pdpte_fields_valid(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    if (!(c->proc2 & VMX_PROC2_ENABLE_EPT) || !pdpte_guest_uses_pae(c))
        return true;
    return pdpte_valid(c, FIELD(c, GUEST_PDPTR0)) && pdpte_valid(c, FIELD(c, GUEST_PDPTR1)) &&
           pdpte_valid(c, FIELD(c, GUEST_PDPTR2)) && pdpte_valid(c, FIELD(c, GUEST_PDPTR3));
}

/* Without EPT, the PDPT is read from guest-physical = physical CR3[31:5]. */
static inline bool pdpte_memory_valid(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    if ((c->proc2 & VMX_PROC2_ENABLE_EPT) || !pdpte_guest_uses_pae(c))
        return true;
    uint8_t raw[32];
    if (!read_phys(c, FIELD(c, GUEST_CR3) & 0xffffffe0ull, raw, sizeof raw))
        return true;
    for (int i = 0; i < 4; i++) {
        uint64_t e = 0;
        for (int b = 7; b >= 0; b--)
            e = e << 8 | raw[8 * i + b];
        if (!pdpte_valid(c, e))
            return false;
    }
    return true;
}

#endif
