/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Predicates of checks/guest_regs.def (SDM x.3.1.1, checks on guest control
 * registers, debug registers and MSRs). MSR rules apply only when the
 * VM-entry control that loads the MSR is 1; the reserved-bit layouts are
 * shared with the host-state rules (msr_bits.h). Rows that cover several
 * fields (SYSENTER, FRED stack pointers) pass the field id as arg.
 */
#ifndef VMM_PRED_GUEST_REGS_H
#define VMM_PRED_GUEST_REGS_H

#include "ctx.h"
#include "msr_bits.h"

/* Guest control-register bits the rules name. */
#define GREG_CR0_PE (1ull << 0)
#define GREG_CR0_WP (1ull << 16)
#define GREG_CR0_NW (1ull << 29)
#define GREG_CR0_CD (1ull << 30)
#define GREG_CR0_PG (1ull << 31)
#define GREG_CR4_PAE (1ull << 5)
#define GREG_CR4_PCIDE (1ull << 17)
#define GREG_CR4_CET (1ull << 23)
#define GREG_CR4_FRED (1ull << 32)

/*
 * IA32_DEBUGCTL (1D9H): LBR (0), BTF (1), BLD (2, bus-lock detection),
 * TR (6), BTS (7), BTINT (8), BTS_OFF_OS (9), BTS_OFF_USR (10),
 * FREEZE_LBRS_ON_PMI (11), FREEZE_PERFMON_ON_PMI (12), ENABLE_UNCORE_PMI
 * (13), FREEZE_WHILE_SMM (14), RTM_DEBUG (15); bits 5:3 and 63:16 are
 * reserved. BLD exists only with its CPUID enumeration, which libvmm's
 * capabilities do not describe: it is accepted (the widest layout).
 */
#define GREG_DEBUGCTL_RESERVED (~0xffc7ull)

/* IA32_BNDCFGS (D90H): EN (0), BNDPRESERVE (1), bits 11:2 reserved, 63:12 the base. */
#define GREG_BNDCFGS_RESERVED 0xffcull
#define GREG_BNDCFGS_BASE (~0xfffull)

/* True when VM entry loads the MSR the entry control `bit` names. */
static inline bool greg_loads(const struct vmx_check_ctx *c, uint64_t bit)
{
    return (c->entry & bit) != 0;
}

/* ---- CR0, CR4 ---- */

/* CR0 bits exempt from the fixed-bit rules: NW and CD always, PE and PG with unrestricted guest. */
static inline uint64_t greg_cr0_exempt(const struct vmx_check_ctx *c)
{
    return GREG_CR0_NW | GREG_CR0_CD | (c->unrestricted ? GREG_CR0_PE | GREG_CR0_PG : 0);
}

/* Every bit IA32_VMX_CR0_FIXED0 requires is 1. */
static inline bool greg_cr0_fixed0(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    uint64_t required = c->caps->cr0_fixed0 & ~greg_cr0_exempt(c);
    return (FIELD(c, GUEST_CR0) & required) == required;
}

/* No bit IA32_VMX_CR0_FIXED1 forbids (including bits 63:32) is 1. */
static inline bool greg_cr0_fixed1(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (FIELD(c, GUEST_CR0) & ~c->caps->cr0_fixed1 & ~greg_cr0_exempt(c)) == 0;
}

/* Paging requires protection (reachable with unrestricted guest, which exempts both). */
static inline bool greg_cr0_pg_needs_pe(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    uint64_t cr0 = FIELD(c, GUEST_CR0);
    return !(cr0 & GREG_CR0_PG) || (cr0 & GREG_CR0_PE);
}

static inline bool greg_cr4_fixed0(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    uint64_t required = c->caps->cr4_fixed0;
    return (FIELD(c, GUEST_CR4) & required) == required;
}

static inline bool greg_cr4_fixed1(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (FIELD(c, GUEST_CR4) & ~c->caps->cr4_fixed1) == 0;
}

/* CR4.CET = 1 requires CR0.WP = 1. */
static inline bool greg_cet_needs_wp(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(FIELD(c, GUEST_CR4) & GREG_CR4_CET) || (FIELD(c, GUEST_CR0) & GREG_CR0_WP);
}

/* ---- debug controls ---- */

static inline bool greg_debugctl_rsvd_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !greg_loads(c, VMX_ENTRY_LOAD_DEBUG_CTLS) ||
           !(FIELD(c, GUEST_IA32_DEBUGCTL) & GREG_DEBUGCTL_RESERVED);
}

/* ---- guest mode versus CR0 and CR4 ---- */

static inline bool greg_ia32e_has_pg(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->ia32e_guest || (FIELD(c, GUEST_CR0) & GREG_CR0_PG);
}

static inline bool greg_ia32e_has_pae(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->ia32e_guest || (FIELD(c, GUEST_CR4) & GREG_CR4_PAE);
}

static inline bool greg_legacy_no_pcide(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return c->ia32e_guest || !(FIELD(c, GUEST_CR4) & GREG_CR4_PCIDE);
}

static inline bool greg_legacy_no_fred(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return c->ia32e_guest || !(FIELD(c, GUEST_CR4) & GREG_CR4_FRED);
}

/* ---- CR3, DR7, SYSENTER ---- */

/* CR3 bits 63:MAXPHYADDR are 0 (the CPU's width, not VMX's 32-bit address limit). */
static inline bool greg_cr3_within_maxphyaddr(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (FIELD(c, GUEST_CR3) >> c->caps->raw.phys_addr_width) == 0;
}

static inline bool greg_dr7_hi_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !greg_loads(c, VMX_ENTRY_LOAD_DEBUG_CTLS) || (FIELD(c, GUEST_DR7) >> 32) == 0;
}

/* The field `field` holds a canonical address. */
static inline bool greg_field_canonical(const struct vmx_check_ctx *c, unsigned field)
{
    return is_canonical(c, c->f[field]);
}

/* ---- MSRs loaded on entry ---- */

static inline bool greg_perf_global_rsvd_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !greg_loads(c, VMX_ENTRY_LOAD_PERF_GLOBAL_CTRL) ||
           !(FIELD(c, GUEST_IA32_PERF_GLOBAL_CTRL) & MSR_PERF_GLOBAL_CTRL_RESERVED);
}

static inline bool greg_pat_valid(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !greg_loads(c, VMX_ENTRY_LOAD_PAT) || vmm_pat_valid(FIELD(c, GUEST_IA32_PAT));
}

static inline bool greg_efer_rsvd_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !greg_loads(c, VMX_ENTRY_LOAD_EFER) || !(FIELD(c, GUEST_IA32_EFER) & MSR_EFER_RESERVED);
}

/* EFER.LMA = "IA-32e mode guest". */
static inline bool greg_efer_lma_is_ia32e(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !greg_loads(c, VMX_ENTRY_LOAD_EFER) ||
           ((FIELD(c, GUEST_IA32_EFER) & VMM_EFER_LMA) != 0) == c->ia32e_guest;
}

/* With paging on, EFER.LME = EFER.LMA. */
static inline bool greg_efer_lme_is_lma(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    uint64_t efer = FIELD(c, GUEST_IA32_EFER);
    return !greg_loads(c, VMX_ENTRY_LOAD_EFER) || !(FIELD(c, GUEST_CR0) & GREG_CR0_PG) ||
           ((efer & VMM_EFER_LME) != 0) == ((efer & VMM_EFER_LMA) != 0);
}

static inline bool greg_bndcfgs_rsvd_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !greg_loads(c, VMX_ENTRY_LOAD_BNDCFGS) || !(FIELD(c, GUEST_BNDCFGS) & GREG_BNDCFGS_RESERVED);
}

/* The bound-directory base (bits 63:12) is canonical. */
static inline bool greg_bndcfgs_base_canonical(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !greg_loads(c, VMX_ENTRY_LOAD_BNDCFGS) ||
           is_canonical(c, FIELD(c, GUEST_BNDCFGS) & GREG_BNDCFGS_BASE);
}

/* "load CET state": the field `field` (IA32_S_CET, the SSP table address) is canonical. */
static inline bool greg_cet_field_canonical(const struct vmx_check_ctx *c, unsigned field)
{
    return !greg_loads(c, VMX_ENTRY_LOAD_CET) || is_canonical(c, c->f[field]);
}

static inline bool greg_s_cet_rsvd_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !greg_loads(c, VMX_ENTRY_LOAD_CET) || !(FIELD(c, GUEST_S_CET) & MSR_CET_RESERVED);
}

/* SUPPRESS (10) and TRACKER (11) are not both 1. */
static inline bool greg_s_cet_tracker_ok(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    const uint64_t both = MSR_CET_SUPPRESS | MSR_CET_TRACKER;
    return !greg_loads(c, VMX_ENTRY_LOAD_CET) || (FIELD(c, GUEST_S_CET) & both) != both;
}

static inline bool greg_pkrs_hi_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !greg_loads(c, VMX_ENTRY_LOAD_PKRS) || !(FIELD(c, GUEST_IA32_PKRS) & MSR_PKRS_RESERVED);
}

static inline bool greg_fred_config_rsvd_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !greg_loads(c, VMX_ENTRY_LOAD_FRED) ||
           !(FIELD(c, GUEST_IA32_FRED_CONFIG) & MSR_FRED_CONFIG_RESERVED);
}

/* The event-entry page (bits 63:12) is canonical. */
static inline bool greg_fred_config_canonical(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !greg_loads(c, VMX_ENTRY_LOAD_FRED) ||
           is_canonical(c, FIELD(c, GUEST_IA32_FRED_CONFIG) & MSR_FRED_CONFIG_ENTRY_PAGE);
}

/* "load FRED state": IA32_FRED_RSPn (the field `field`) is canonical. */
static inline bool greg_fred_rsp_canonical(const struct vmx_check_ctx *c, unsigned field)
{
    return !greg_loads(c, VMX_ENTRY_LOAD_FRED) || is_canonical(c, c->f[field]);
}

/* IA32_FRED_RSPn is 64-byte aligned. */
static inline bool greg_fred_rsp_aligned(const struct vmx_check_ctx *c, unsigned field)
{
    return !greg_loads(c, VMX_ENTRY_LOAD_FRED) || !(c->f[field] & MSR_FRED_RSP_ALIGN_MASK);
}

/* IA32_FRED_SSPn is canonical; checked on processors with CET shadow stacks. */
static inline bool greg_fred_ssp_canonical(const struct vmx_check_ctx *c, unsigned field)
{
    return !greg_loads(c, VMX_ENTRY_LOAD_FRED) ||
           !(c->caps->cpuid_features & VMM_CPUID_BIT(VMM_CPUID_CET_SS)) || is_canonical(c, c->f[field]);
}

/* IA32_FRED_SSPn is 8-byte aligned. */
static inline bool greg_fred_ssp_aligned(const struct vmx_check_ctx *c, unsigned field)
{
    return !greg_loads(c, VMX_ENTRY_LOAD_FRED) || !(c->f[field] & MSR_FRED_SSP_ALIGN_MASK);
}

static inline bool greg_spec_ctrl_rsvd_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !greg_loads(c, VMX_ENTRY_LOAD_SPEC_CTRL) ||
           !(FIELD(c, GUEST_IA32_SPEC_CTRL) & MSR_SPEC_CTRL_RESERVED);
}

#endif
