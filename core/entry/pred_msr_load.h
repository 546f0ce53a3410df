/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Predicates of checks/msr_load.def: one VM-entry MSR-load entry (the one
 * in c->msr_*) against the SDM's list of entries VM entry refuses.
 */
#ifndef VMM_PRED_MSR_LOAD_H
#define VMM_PRED_MSR_LOAD_H

#include "ctx.h"
#include "vmm/msr.h"

static inline bool msrload_not_fs_gs_base(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return c->msr_index != VMM_MSR_IA32_FS_BASE && c->msr_index != VMM_MSR_IA32_GS_BASE;
}

static inline bool msrload_not_x2apic(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (c->msr_index >> 8) != (VMM_MSR_X2APIC_FIRST >> 8);
}

static inline bool msrload_smm_only_in_smm(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return c->in->in_smm || c->msr_index != VMM_MSR_IA32_SMM_MONITOR_CTL;
}

/* Model-specific refusals: the microcode-update MSRs (as KVM models them). */
static inline bool msrload_not_model_refused(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return c->msr_index != VMM_MSR_IA32_BIOS_UPDT_TRIG && c->msr_index != VMM_MSR_IA32_BIOS_SIGN_ID;
}

static inline bool msrload_reserved_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return c->msr_reserved == 0;
}

/*
 * IA32_EFER as the guest-state load left it: the field with "load
 * IA32_EFER", else LMA = "IA-32e mode guest" and, under paging, LME too.
 * Only LME matters (it may not change while CR0.PG = 1), so earlier
 * entries of the list cannot change the verdict: under paging an entry
 * that changed LME would itself have failed.
 */
static inline uint64_t msrload_guest_efer(const struct vmx_check_ctx *c)
{
    if (c->entry & VMX_ENTRY_LOAD_EFER)
        return FIELD(c, GUEST_IA32_EFER);
    return c->ia32e_guest ? (VMM_EFER_LME | VMM_EFER_LMA) : 0;
}

/*
 * The processor: Intel 64 (VMX caps do not enumerate NX or RDTSCP; assumed),
 * with IA32_SPEC_CTRL only where CPUID enumerates it (Bochs' skylake_x has
 * none: WRMSR 48H faults there, so does the MSR-load entry).
 */
static inline bool msrload_wrmsr_would_succeed(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    struct vmm_msr_model model = vmm_msr_model_intel64(c->caps->linear_addr_width);
    if (!(c->caps->cpuid_features & VMM_CPUID_BIT(VMM_CPUID_SPEC_CTRL)))
        model.spec_ctrl_bits = 0;
    struct vmm_msr_state state = {.cr0 = FIELD(c, GUEST_CR0), .efer = msrload_guest_efer(c)};
    return vmm_wrmsr_check(&model, &state, c->msr_index, c->msr_value) == VMM_WRMSR_OK;
}

#endif
