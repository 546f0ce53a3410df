/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RDMSR and WRMSR: a VM exit (31/32) when MSR bitmaps are off, the MSR lies
 * outside both bitmap ranges, or its bit is set; otherwise the model does
 * the access. Unicorn reads unknown MSRs as 0 and never faults, so the
 * model answers only the MSRs it knows and raises #GP(0) for the rest;
 * whether a write faults is the core's WRMSR model (vmm_wrmsr_check).
 * Values live in Unicorn where it holds them, else here: the TSC (the
 * instruction count), APIC base, feature control, the VMX capability MSRs
 * (the profile's), IA32_SPEC_CTRL, IA32_DEBUGCTL.
 */
#include "engine_internal.h"

/* MSRs Unicorn stores and acts on. */
static const uint32_t unicorn_msrs[] = {
    VMM_MSR_IA32_SYSENTER_CS, VMM_MSR_IA32_SYSENTER_ESP, VMM_MSR_IA32_SYSENTER_EIP,
    VMM_MSR_IA32_PAT, VMM_MSR_IA32_EFER, VMM_MSR_IA32_STAR, VMM_MSR_IA32_LSTAR,
    VMM_MSR_IA32_CSTAR, VMM_MSR_IA32_FMASK, VMM_MSR_IA32_FS_BASE, VMM_MSR_IA32_GS_BASE,
    VMM_MSR_IA32_KERNEL_GS_BASE, VMM_MSR_IA32_TSC_AUX,
};

#define MSR_APIC_BASE 0x1bu
#define MSR_FEATURE_CONTROL 0x3au
#define APIC_BASE_VALUE 0xfee00900ull /* xAPIC enabled, BSP, at FEE00000H */

static bool held_by_unicorn(uint32_t index)
{
    for (size_t i = 0; i < sizeof unicorn_msrs / sizeof unicorn_msrs[0]; i++)
        if (unicorn_msrs[i] == index)
            return true;
    return false;
}

bool msr_read(struct sim_engine *e, uint32_t index, uint64_t *value)
{
    const struct vmx_caps *caps = &e->sim->caps;
    uint32_t cap = index - VMX_CAP_MSR_BASE;
    if (index >= VMX_CAP_MSR_BASE && cap < VMX_CAP_MSR_COUNT) {
        *value = caps->raw.msr[cap];
        return caps->raw.msr_present & (1u << cap);
    }
    switch (index) {
    case VMM_MSR_IA32_TSC: *value = eng_guest_tsc(e); return true;
    case MSR_APIC_BASE: *value = APIC_BASE_VALUE; return true;
    case MSR_FEATURE_CONTROL: *value = sim_feature_control(e->sim); return true;
    case VMM_MSR_IA32_SPEC_CTRL: *value = e->spec_ctrl; return true;
    case VMM_MSR_IA32_DEBUGCTL: *value = e->debugctl; return true;
    default: break;
    }
    if (!held_by_unicorn(index))
        return false;
    uc_x86_msr m = {index, 0};
    uc_reg_read(e->uc, UC_X86_REG_MSR, &m);
    *value = m.value;
    return true;
}

bool msr_write(struct sim_engine *e, uint32_t index, uint64_t value)
{
    struct vmm_msr_model model = vmm_msr_model_intel64(e->sim->caps.linear_addr_width);
    uint64_t efer = 0;
    msr_read(e, VMM_MSR_IA32_EFER, &efer);
    struct vmm_msr_state state = {.cr0 = eng_reg(e, UC_X86_REG_CR0), .efer = efer};
    if (vmm_wrmsr_check(&model, &state, index, value) != VMM_WRMSR_OK)
        return false;
    e->msr_dirty = true;
    switch (index) {
    case VMM_MSR_IA32_TSC: e->tsc_adjust = value - e->icount; return true;
    case VMM_MSR_IA32_SPEC_CTRL: e->spec_ctrl = value; return true;
    case VMM_MSR_IA32_DEBUGCTL: e->debugctl = value; return true;
    default: break;
    }
    if (!held_by_unicorn(index))
        return true; /* accepted and without effect in the model (LER_FROM/TO_LIP) */
    if (index == VMM_MSR_IA32_EFER) /* LMA is the processor's; a write keeps it */
        value = (value & ~VMM_EFER_LMA) | (efer & VMM_EFER_LMA);
    uc_x86_msr m = {index, value};
    uc_reg_write(e->uc, UC_X86_REG_MSR, &m);
    if (index == VMM_MSR_IA32_EFER)
        e->plan.tlb_gen++;
    return true;
}

/* Whether RDMSR (write = false) or WRMSR of `index` exits. */
static bool msr_exits(struct sim_engine *e, uint32_t index, bool write)
{
    if (!(e->ctl.proc & VMX_PROC_USE_MSR_BITMAPS))
        return true;
    uint32_t off;
    if (index <= 0x1fff)
        off = 0;
    else if (index >= 0xc0000000u && index <= 0xc0001fffu)
        off = 0x400;
    else
        return true;
    uint32_t n = index & 0x1fff;
    uint8_t byte;
    sim_phys_read(e->sim, e->ctl.msr_bitmap + off + (write ? 0x800 : 0) + n / 8, &byte, 1);
    return (byte >> (n % 8)) & 1;
}

enum insn_action insn_msr(struct sim_engine *e, const struct insn *in)
{
    bool write = in->kind == INSN_WRMSR;
    uint32_t index = (uint32_t)eng_reg(e, UC_X86_REG_RCX);
    if (msr_exits(e, index, write))
        return insn_exit(e, in, write ? VMX_EXIT_MSR_WRITE : VMX_EXIT_MSR_READ, 0, 0);
    if (!write) {
        uint64_t v;
        if (!msr_read(e, index, &v))
            return insn_fault(e, VMX_VEC_GP, true, 0);
        eng_set(e, UC_X86_REG_RAX, (uint32_t)v);
        eng_set(e, UC_X86_REG_RDX, v >> 32);
        return insn_done(e, in);
    }
    uint64_t v = (eng_reg(e, UC_X86_REG_RDX) << 32) | (uint32_t)eng_reg(e, UC_X86_REG_RAX);
    if (!msr_write(e, index, v))
        return insn_fault(e, VMX_VEC_GP, true, 0);
    return insn_done(e, in);
}
