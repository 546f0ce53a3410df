/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Predicates of checks/host_state.def: host control registers, MSRs and
 * SSP (x.2.2), host segment and descriptor-table registers (x.2.3) and
 * address-space size (x.2.4). Every processor libvmm models supports
 * Intel 64, so the rules the SDM states "on processors that support Intel
 * 64 architecture" always apply.
 */
#ifndef VMM_PRED_HOST_STATE_H
#define VMM_PRED_HOST_STATE_H

#include "ctx.h"
#include "msr_bits.h"

#define HS_CR0_WP (1ull << 16)
#define HS_CR4_PAE (1ull << 5)
#define HS_CR4_PCIDE (1ull << 17)
#define HS_CR4_CET (1ull << 23)
#define HS_SEL_RPL_TI 0x7ull
#define HS_SSP_ALIGN_MASK 0x3ull

static inline bool host_asz(const struct vmx_check_ctx *c)
{
    return (c->exit & VMX_EXIT_HOST_ADDR_SPACE_SIZE) != 0;
}

static inline bool host_loads_cet(const struct vmx_check_ctx *c)
{
    return (c->exit & VMX_EXIT_LOAD_CET) != 0;
}

static inline bool host_loads_fred(const struct vmx_check_ctx *c)
{
    return (c->exit2 & VMX_EXIT2_LOAD_FRED) != 0;
}

/* ---- x.2.2 control registers, MSRs and SSP ---- */

static inline bool host_cr0_has_fixed1_bits(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (FIELD(c, HOST_CR0) & c->caps->cr0_fixed0) == c->caps->cr0_fixed0;
}

static inline bool host_cr0_has_no_fixed0_bits(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (FIELD(c, HOST_CR0) & ~c->caps->cr0_fixed1) == 0;
}

static inline bool host_cr4_has_fixed1_bits(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (FIELD(c, HOST_CR4) & c->caps->cr4_fixed0) == c->caps->cr4_fixed0;
}

static inline bool host_cr4_has_no_fixed0_bits(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (FIELD(c, HOST_CR4) & ~c->caps->cr4_fixed1) == 0;
}

/*
 * Bits 63:52 and bits 51:32 beyond the processor's physical-address width
 * are 0: together, no bit at or above MAXPHYADDR (which is at least 32).
 * MAXPHYADDR itself, not the VMX address width of IA32_VMX_BASIC[48].
 */
static inline bool host_cr3_within_maxphyaddr(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (FIELD(c, HOST_CR3) >> c->caps->raw.phys_addr_width) == 0;
}

/* CR4.CET = 1 requires CR0.WP = 1 (checked whatever "load CET state" is). */
static inline bool host_cr4_cet_needs_cr0_wp(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(FIELD(c, HOST_CR4) & HS_CR4_CET) || (FIELD(c, HOST_CR0) & HS_CR0_WP);
}

/* The host field `arg` holds a canonical address. */
static inline bool host_field_canonical(const struct vmx_check_ctx *c, unsigned arg)
{
    return is_canonical(c, c->f[arg]);
}

static inline bool host_perf_global_ctrl_reserved_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(c->exit & VMX_EXIT_LOAD_PERF_GLOBAL_CTRL) ||
           (FIELD(c, HOST_IA32_PERF_GLOBAL_CTRL) & MSR_PERF_GLOBAL_CTRL_RESERVED) == 0;
}

static inline bool host_pat_valid(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(c->exit & VMX_EXIT_LOAD_PAT) || vmm_pat_valid(FIELD(c, HOST_IA32_PAT));
}

static inline bool host_efer_reserved_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(c->exit & VMX_EXIT_LOAD_EFER) || (FIELD(c, HOST_IA32_EFER) & MSR_EFER_RESERVED) == 0;
}

/* With "load IA32_EFER", EFER bit `arg` (LMA or LME) equals "host address-space size". */
static inline bool host_efer_bit_matches_asz(const struct vmx_check_ctx *c, unsigned arg)
{
    if (!(c->exit & VMX_EXIT_LOAD_EFER))
        return true;
    bool set = (FIELD(c, HOST_IA32_EFER) >> arg) & 1;
    return set == host_asz(c);
}

/* With "load CET state", the host field `arg` holds a canonical address. */
static inline bool host_cet_field_canonical(const struct vmx_check_ctx *c, unsigned arg)
{
    return !host_loads_cet(c) || is_canonical(c, c->f[arg]);
}

static inline bool host_s_cet_reserved_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !host_loads_cet(c) || (FIELD(c, HOST_S_CET) & MSR_CET_RESERVED) == 0;
}

static inline bool host_s_cet_not_suppress_and_tracker(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    const uint64_t both = MSR_CET_SUPPRESS | MSR_CET_TRACKER;
    return !host_loads_cet(c) || (FIELD(c, HOST_S_CET) & both) != both;
}

static inline bool host_ssp_aligned(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !host_loads_cet(c) || (FIELD(c, HOST_SSP) & HS_SSP_ALIGN_MASK) == 0;
}

static inline bool host_pkrs_high_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(c->exit & VMX_EXIT_LOAD_PKRS) || (FIELD(c, HOST_IA32_PKRS) & MSR_PKRS_RESERVED) == 0;
}

static inline bool host_fred_config_reserved_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !host_loads_fred(c) || (FIELD(c, HOST_IA32_FRED_CONFIG) & MSR_FRED_CONFIG_RESERVED) == 0;
}

/* The entry-point page (bits 63:12) is canonical; the low bits are flags. */
static inline bool host_fred_config_entry_canonical(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !host_loads_fred(c) ||
           is_canonical(c, FIELD(c, HOST_IA32_FRED_CONFIG) & MSR_FRED_CONFIG_ENTRY_PAGE);
}

/* With "load FRED", the host field `arg` (an RSPi or SSPi) is canonical. */
static inline bool host_fred_field_canonical(const struct vmx_check_ctx *c, unsigned arg)
{
    return !host_loads_fred(c) || is_canonical(c, c->f[arg]);
}

/* The SSPi canonical rule applies on processors with CET shadow stacks. */
static inline bool host_fred_ssp_canonical(const struct vmx_check_ctx *c, unsigned arg)
{
    return !(c->caps->cpuid_features & VMM_CPUID_BIT(VMM_CPUID_CET_SS)) ||
           host_fred_field_canonical(c, arg);
}

static inline bool host_fred_rsp_aligned(const struct vmx_check_ctx *c, unsigned arg)
{
    return !host_loads_fred(c) || (c->f[arg] & MSR_FRED_RSP_ALIGN_MASK) == 0;
}

static inline bool host_fred_ssp_aligned(const struct vmx_check_ctx *c, unsigned arg)
{
    return !host_loads_fred(c) || (c->f[arg] & MSR_FRED_SSP_ALIGN_MASK) == 0;
}

static inline bool host_spec_ctrl_reserved_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(c->exit2 & VMX_EXIT2_LOAD_SPEC_CTRL) ||
           (FIELD(c, HOST_IA32_SPEC_CTRL) & MSR_SPEC_CTRL_RESERVED) == 0;
}

/* ---- x.2.3 segment and descriptor-table registers ---- */

/* The selector field `arg` has RPL = 0 and TI = 0. */
static inline bool host_selector_rpl_ti_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    return (c->f[arg] & HS_SEL_RPL_TI) == 0;
}

static inline bool host_selector_nonzero(const struct vmx_check_ctx *c, unsigned arg)
{
    return c->f[arg] != 0;
}

/* A null SS is allowed only for a 64-bit host. */
static inline bool host_ss_nonzero_unless_64bit(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return host_asz(c) || FIELD(c, HOST_SS_SELECTOR) != 0;
}

/* ---- x.2.4 address-space size ---- */

static inline bool asz_lma0_no_ia32e_guest(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return c->in->host_lma || !c->ia32e_guest;
}

static inline bool asz_lma0_no_64bit_host(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return c->in->host_lma || !host_asz(c);
}

static inline bool asz_lma1_64bit_host(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->in->host_lma || host_asz(c);
}

static inline bool asz_h0_no_ia32e_guest(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return host_asz(c) || !c->ia32e_guest;
}

static inline bool asz_h0_no_pcide(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return host_asz(c) || !(FIELD(c, HOST_CR4) & HS_CR4_PCIDE);
}

static inline bool asz_h0_rip_high_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return host_asz(c) || (FIELD(c, HOST_RIP) >> 32) == 0;
}

/* A 32-bit host loading CET state: bits 63:32 of IA32_S_CET and SSP are 0. */
static inline bool asz_h0_cet_high_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return host_asz(c) || !host_loads_cet(c) ||
           ((FIELD(c, HOST_S_CET) | FIELD(c, HOST_SSP)) >> 32) == 0;
}

static inline bool asz_h1_pae(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !host_asz(c) || (FIELD(c, HOST_CR4) & HS_CR4_PAE);
}

static inline bool asz_h1_rip_canonical(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !host_asz(c) || is_canonical(c, FIELD(c, HOST_RIP));
}

static inline bool asz_h1_ssp_canonical(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !host_asz(c) || !host_loads_cet(c) || is_canonical(c, FIELD(c, HOST_SSP));
}

#endif
