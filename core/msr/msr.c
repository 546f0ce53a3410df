/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The WRMSR model: one row per MSR, sorted by index, found by binary
 * search. Each row names the rule the written value must satisfy; the
 * rules are facts of the SDM (Vol. 3 "Paging" for EFER.LME, Vol. 4 for
 * reserved bits and the address MSRs' canonical check).
 */
#include "vmm/msr.h"

enum msr_rule {
    RULE_ANY,       /* every 64-bit value is accepted */
    RULE_RESERVED,  /* the row's reserved bits must be 0 */
    RULE_CANONICAL, /* a linear address: canonical (Intel 64 processors) */
    RULE_PAT,       /* eight memory types, each 0, 1, 4, 5, 6 or 7 */
    RULE_EFER,      /* reserved bits by feature; LME fixed while paging */
    RULE_SPEC_CTRL, /* the bits the processor implements */
};

struct msr_row {
    uint32_t index;
    uint8_t rule;        /* enum msr_rule */
    uint32_t feature;    /* VMM_MSR_FEAT_* the MSR needs; 0: always there */
    uint64_t reserved;   /* RULE_RESERVED: bits that must be 0 */
    const char *name;
};

#define HI32 0xffffffff00000000ull
/* IA32_DEBUGCTL: LBR, BTF (1:0) and TR ... RTM_DEBUG (15:6) are defined. */
#define DEBUGCTL_RESERVED (~0xffc3ull)

static const struct msr_row msr_table[] = {
    {VMM_MSR_IA32_TSC, RULE_ANY, 0, 0, "IA32_TIME_STAMP_COUNTER"},
    {VMM_MSR_IA32_SPEC_CTRL, RULE_SPEC_CTRL, 0, 0, "IA32_SPEC_CTRL"},
    {VMM_MSR_IA32_SYSENTER_CS, RULE_ANY, 0, 0, "IA32_SYSENTER_CS"},
    {VMM_MSR_IA32_SYSENTER_ESP, RULE_CANONICAL, 0, 0, "IA32_SYSENTER_ESP"},
    {VMM_MSR_IA32_SYSENTER_EIP, RULE_CANONICAL, 0, 0, "IA32_SYSENTER_EIP"},
    {VMM_MSR_IA32_DEBUGCTL, RULE_RESERVED, 0, DEBUGCTL_RESERVED, "IA32_DEBUGCTL"},
    {VMM_MSR_LER_FROM_LIP, RULE_CANONICAL, 0, 0, "MSR_LER_FROM_LIP"},
    {VMM_MSR_LER_TO_LIP, RULE_CANONICAL, 0, 0, "MSR_LER_TO_LIP"},
    {VMM_MSR_IA32_PAT, RULE_PAT, 0, 0, "IA32_PAT"},
    {VMM_MSR_IA32_EFER, RULE_EFER, 0, 0, "IA32_EFER"},
    {VMM_MSR_IA32_STAR, RULE_ANY, VMM_MSR_FEAT_LM, 0, "IA32_STAR"},
    {VMM_MSR_IA32_LSTAR, RULE_CANONICAL, VMM_MSR_FEAT_LM, 0, "IA32_LSTAR"},
    {VMM_MSR_IA32_CSTAR, RULE_CANONICAL, VMM_MSR_FEAT_LM, 0, "IA32_CSTAR"},
    {VMM_MSR_IA32_FMASK, RULE_RESERVED, VMM_MSR_FEAT_LM, HI32, "IA32_FMASK"},
    {VMM_MSR_IA32_FS_BASE, RULE_CANONICAL, VMM_MSR_FEAT_LM, 0, "IA32_FS_BASE"},
    {VMM_MSR_IA32_GS_BASE, RULE_CANONICAL, VMM_MSR_FEAT_LM, 0, "IA32_GS_BASE"},
    {VMM_MSR_IA32_KERNEL_GS_BASE, RULE_CANONICAL, VMM_MSR_FEAT_LM, 0, "IA32_KERNEL_GS_BASE"},
    {VMM_MSR_IA32_TSC_AUX, RULE_RESERVED, VMM_MSR_FEAT_TSC_AUX, HI32, "IA32_TSC_AUX"},
};
#define MSR_ROWS (sizeof msr_table / sizeof msr_table[0])

static const struct msr_row *find_row(uint32_t index)
{
    size_t lo = 0, hi = MSR_ROWS;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (msr_table[mid].index == index)
            return &msr_table[mid];
        if (msr_table[mid].index < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

struct vmm_msr_model vmm_msr_model_intel64(uint8_t linear_addr_width)
{
    return (struct vmm_msr_model){
        .features = VMM_MSR_FEAT_LM | VMM_MSR_FEAT_NX | VMM_MSR_FEAT_TSC_AUX,
        .linear_addr_width = linear_addr_width,
        .spec_ctrl_bits = VMM_SPEC_CTRL_DEFINED,
    };
}

static enum vmm_wrmsr_fault efer_check(const struct vmm_msr_model *m,
                                       const struct vmm_msr_state *s, uint64_t v)
{
    /* LMA is read-only: writes to it are ignored, whatever the value. */
    uint64_t allowed = VMM_EFER_LMA;
    if (m->features & VMM_MSR_FEAT_LM)
        allowed |= VMM_EFER_SCE | VMM_EFER_LME;
    if (m->features & VMM_MSR_FEAT_NX)
        allowed |= VMM_EFER_NXE;
    if (v & ~allowed)
        return VMM_WRMSR_RESERVED;
    /* SDM Vol. 3 "Paging": LME cannot be modified while CR0.PG = 1. */
    if ((s->cr0 & (1ull << 31)) && ((v ^ s->efer) & VMM_EFER_LME))
        return VMM_WRMSR_EFER_LME_PAGING;
    return VMM_WRMSR_OK;
}

enum vmm_wrmsr_fault vmm_wrmsr_check(const struct vmm_msr_model *model,
                                     const struct vmm_msr_state *state, uint32_t index,
                                     uint64_t value)
{
    const struct msr_row *row = find_row(index);
    if (!row || (row->feature & ~model->features))
        return VMM_WRMSR_UNKNOWN;
    switch ((enum msr_rule)row->rule) {
    case RULE_ANY:
        return VMM_WRMSR_OK;
    case RULE_RESERVED:
        return (value & row->reserved) ? VMM_WRMSR_RESERVED : VMM_WRMSR_OK;
    case RULE_CANONICAL:
        /* Without Intel 64 there is no canonical form to check. */
        if (!(model->features & VMM_MSR_FEAT_LM))
            return VMM_WRMSR_OK;
        return vmm_canonical(value, model->linear_addr_width) ? VMM_WRMSR_OK
                                                          : VMM_WRMSR_NONCANONICAL;
    case RULE_PAT:
        return vmm_pat_valid(value) ? VMM_WRMSR_OK : VMM_WRMSR_PAT_TYPE;
    case RULE_EFER:
        if (!(model->features & (VMM_MSR_FEAT_LM | VMM_MSR_FEAT_NX)))
            return VMM_WRMSR_UNKNOWN;
        return efer_check(model, state, value);
    case RULE_SPEC_CTRL:
        if (!model->spec_ctrl_bits)
            return VMM_WRMSR_UNKNOWN;
        return (value & ~model->spec_ctrl_bits) ? VMM_WRMSR_RESERVED : VMM_WRMSR_OK;
    }
    return VMM_WRMSR_UNKNOWN;
}

const char *vmm_msr_name(uint32_t index)
{
    const struct msr_row *row = find_row(index);
    return row ? row->name : 0;
}

const char *vmm_wrmsr_fault_text(enum vmm_wrmsr_fault fault)
{
    switch (fault) {
    case VMM_WRMSR_OK: return "no fault";
    case VMM_WRMSR_UNKNOWN: return "MSR not implemented or not writable";
    case VMM_WRMSR_RESERVED: return "reserved bit set";
    case VMM_WRMSR_NONCANONICAL: return "address not canonical";
    case VMM_WRMSR_PAT_TYPE: return "PAT entry with a reserved memory type";
    case VMM_WRMSR_EFER_LME_PAGING: return "EFER.LME changed while CR0.PG = 1";
    }
    return "?";
}
