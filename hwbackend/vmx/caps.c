/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capability reads: the VMX capability MSRs (only those the processor
 * has, decided from the MSRs that announce them, so RDMSR never faults)
 * and the CPUID facts vmx_caps_parse needs.
 */
#include "hwvmx_internal.h"
#include "libos/cpu.h"

#define BASIC_TRUE_CTLS (1ull << 55)
/* A control bit the capability MSR value lets be 1. */
#define ALLOWED1(msr_value, ctl) ((((msr_value) >> 32) & (ctl)) != 0)

/* Whether RDMSR of capability MSR 0x480 + i succeeds (SDM appendix A). */
static bool cap_msr_present(unsigned i)
{
    uint64_t basic = rdmsr(VMX_CAP_MSR_BASE + VMX_MSR_BASIC);
    uint64_t proc = rdmsr(VMX_CAP_MSR_BASE + VMX_MSR_PROCBASED_CTLS);
    uint64_t exit = rdmsr(VMX_CAP_MSR_BASE + VMX_MSR_EXIT_CTLS);
    bool secondary = ALLOWED1(proc, VMX_PROC_ACTIVATE_SECONDARY);
    uint64_t proc2 = secondary ? rdmsr(VMX_CAP_MSR_BASE + VMX_MSR_PROCBASED_CTLS2) : 0;
    switch ((enum vmx_cap_msr)i) {
    case VMX_MSR_PROCBASED_CTLS2:
        return secondary;
    case VMX_MSR_EPT_VPID_CAP:
        return ALLOWED1(proc2, VMX_PROC2_ENABLE_EPT) || ALLOWED1(proc2, VMX_PROC2_ENABLE_VPID);
    case VMX_MSR_TRUE_PINBASED_CTLS:
    case VMX_MSR_TRUE_PROCBASED_CTLS:
    case VMX_MSR_TRUE_EXIT_CTLS:
    case VMX_MSR_TRUE_ENTRY_CTLS:
        return basic & BASIC_TRUE_CTLS;
    case VMX_MSR_VMFUNC:
        return ALLOWED1(proc2, VMX_PROC2_ENABLE_VMFUNC);
    case VMX_MSR_PROCBASED_CTLS3:
        return ALLOWED1(proc, VMX_PROC_ACTIVATE_TERTIARY);
    case VMX_MSR_EXIT_CTLS2:
        return ALLOWED1(exit, VMX_EXIT_ACTIVATE_SECONDARY);
    default:
        return i < VMX_CAP_MSR_COUNT; /* 480H-48AH: every VMX processor */
    }
}

int hwvmx_read_cap_msr(struct vmm_cpu *cpu, uint32_t msr, uint64_t *value)
{
    (void)cpu;
    if (!value)
        return VMM_E_INVAL;
    uint32_t i = msr - VMX_CAP_MSR_BASE;
    if (msr < VMX_CAP_MSR_BASE || i >= VMX_CAP_MSR_COUNT || !cap_msr_present(i))
        return VMM_E_NOENT;
    *value = rdmsr(msr);
    return VMM_OK;
}

/* Where CPUID reports each feature of enum vmm_cpuid_feature. */
struct cpuid_bit {
    uint32_t leaf, subleaf;
    uint8_t reg; /* 0 EAX, 1 EBX, 2 ECX, 3 EDX */
    uint8_t bit;
};

static const struct cpuid_bit feature_bits[VMM_CPUID_FEATURE_COUNT] = {
    [VMM_CPUID_FRED] = {7, 1, 0, 17},
    [VMM_CPUID_LA57] = {7, 0, 2, 16},
    [VMM_CPUID_PCID] = {1, 0, 2, 17},
    [VMM_CPUID_RTM] = {7, 0, 1, 11},
    [VMM_CPUID_CET_SS] = {7, 0, 2, 7},
    [VMM_CPUID_CET_IBT] = {7, 0, 3, 20},
    [VMM_CPUID_PKS] = {7, 0, 2, 31},
    [VMM_CPUID_MPX] = {7, 0, 1, 14},
    [VMM_CPUID_PT] = {7, 0, 1, 25},
    [VMM_CPUID_ARCH_LBR] = {7, 0, 3, 19},
    [VMM_CPUID_SGX] = {7, 0, 1, 2},
    [VMM_CPUID_SMX] = {1, 0, 2, 6},
    [VMM_CPUID_UINTR] = {7, 0, 3, 5},
    [VMM_CPUID_SPEC_CTRL] = {7, 0, 3, 26},
};

/* CPUID leaf/subleaf as EAX, EBX, ECX, EDX. */
static void cpuid_regs(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    cpuid(leaf, subleaf, &r[0], &r[1], &r[2], &r[3]);
}

int hwvmx_read_cpu_facts(struct vmm_cpu *cpu, struct vmx_raw_caps *raw)
{
    (void)cpu;
    if (!raw)
        return VMM_E_INVAL;
    uint32_t r[4];
    cpuid_regs(0, 0, r);
    uint32_t basic_max = r[0], leaf7_max = 0;
    if (basic_max >= 7) {
        cpuid_regs(7, 0, r);
        leaf7_max = r[0];
    }
    cpuid_regs(0x80000000u, 0, r);
    uint32_t ext_max = r[0];
    raw->phys_addr_width = 36; /* the SDM's value without leaf 80000008H */
    raw->linear_addr_width = 48;
    if (ext_max >= 0x80000008u) {
        cpuid_regs(0x80000008u, 0, r);
        raw->phys_addr_width = (uint8_t)r[0];
        raw->linear_addr_width = (uint8_t)(r[0] >> 8);
    }
    raw->cpuid_features = 0;
    for (unsigned f = 0; f < VMM_CPUID_FEATURE_COUNT; f++) {
        const struct cpuid_bit *b = &feature_bits[f];
        if (b->leaf > basic_max)
            continue;
        if (b->leaf == 7 && b->subleaf > leaf7_max)
            continue;
        cpuid_regs(b->leaf, b->subleaf, r);
        if (r[b->reg] & (1u << b->bit))
            raw->cpuid_features |= VMM_CPUID_BIT(f);
    }
    return VMM_OK;
}
