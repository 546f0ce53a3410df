/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest's CPUID: a policy object holding a fixed leaf table copied
 * from a named profile, with features masked by the VMM, the VMX feature
 * hidden, the hypervisor-present bit set (CPUID.1:ECX[31]) and libvmm's
 * hypervisor leaves:
 *   40000000H  EAX = 40000001H (highest hypervisor leaf),
 *              EBX, ECX, EDX = "libvmm" followed by six NUL bytes
 *              (EBX = 7662696CH "libv", ECX = 00006D6DH "mm", EDX = 0)
 *   40000001H  EAX = VMM_HYPERCALL_ABI_VERSION (vmm/hypercall.h), rest 0
 *
 * Queries follow the SDM's rules: a leaf above the highest basic leaf
 * (CPUID.0:EAX), above the highest extended leaf (CPUID.80000000H:EAX) or
 * in the hypervisor range past 40000001H returns the data of the highest
 * basic leaf; a leaf or subleaf inside the ranges that the table lacks
 * returns zeros (leaves 0BH/1FH then echo the subleaf in ECX[7:0]). Bits
 * that follow the guest's state are filled in per query: the initial APIC
 * ID (CPUID.1:EBX[31:24], 0BH/1FH:EDX), OSXSAVE (CPUID.1:ECX[27] =
 * CR4.OSXSAVE) and OSPKE (CPUID.7.0:ECX[4] = CR4.PKE).
 */
#ifndef VMM_CPUID_H
#define VMM_CPUID_H

#include "vmm/types.h"

struct vmm_cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

enum vmm_cpuid_reg { VMM_CPUID_EAX, VMM_CPUID_EBX, VMM_CPUID_ECX, VMM_CPUID_EDX };

struct vmm_cpuid_leaf {
    uint32_t leaf;
    uint32_t subleaf; /* 0 unless `indexed` */
    bool indexed;     /* ECX selects a subleaf */
    struct vmm_cpuid_regs r;
};

struct vmm_cpuid_profile {
    const char *name;
    const char *description;
    const struct vmm_cpuid_leaf *leaves;
    size_t count;
};

/* Built-in profiles ("generic-intel64", "minimal-i686"). */
extern const struct vmm_cpuid_profile vmm_cpuid_profiles[];
extern const size_t vmm_cpuid_profile_count;
/* The profile with that name, or NULL. */
const struct vmm_cpuid_profile *vmm_cpuid_profile_find(const char *name);

#define VMM_CPUID_MAX_LEAVES 48

struct vmm_cpuid_policy {
    struct vmm_cpuid_leaf leaf[VMM_CPUID_MAX_LEAVES]; /* sorted by (leaf, subleaf) */
    size_t count;
    uint32_t apic_id;
};

/* CPUID feature bits the policy and handlers refer to. */
#define VMM_CPUID_1_ECX_VMX (1u << 5)
#define VMM_CPUID_1_ECX_XSAVE (1u << 26)
#define VMM_CPUID_1_ECX_OSXSAVE (1u << 27)
#define VMM_CPUID_1_ECX_HYPERVISOR (1u << 31)
#define VMM_CPUID_7_ECX_PKU (1u << 3)
#define VMM_CPUID_7_ECX_OSPKE (1u << 4)
#define VMM_CPUID_HV_BASE 0x40000000u
#define VMM_CPUID_HV_LAST 0x40000001u

/*
 * Fills the policy from `profile` (which must have leaf 0), then hides VMX,
 * sets the hypervisor bit and adds the hypervisor leaves. VMM_E_INVAL for
 * a profile without leaf 0, VMM_E_NOMEM if the leaves do not fit.
 */
int vmm_cpuid_policy_init(struct vmm_cpuid_policy *p, const struct vmm_cpuid_profile *profile,
                          uint32_t apic_id);

/* Adds or replaces one leaf (subleaf ignored unless indexed). VMM_E_NOMEM when full. */
int vmm_cpuid_set(struct vmm_cpuid_policy *p, const struct vmm_cpuid_leaf *leaf);

/* Clears `bits` in one register of a leaf; VMM_E_NOENT if the policy lacks it. */
int vmm_cpuid_mask(struct vmm_cpuid_policy *p, uint32_t leaf, uint32_t subleaf,
                   enum vmm_cpuid_reg reg, uint32_t bits);

/* The table entry for (leaf, subleaf) as stored, or NULL. */
const struct vmm_cpuid_leaf *vmm_cpuid_find(const struct vmm_cpuid_policy *p, uint32_t leaf,
                                            uint32_t subleaf);

/* What the guest's CPUID returns for EAX = leaf, ECX = subleaf with CR4 = guest_cr4. */
void vmm_cpuid_query(const struct vmm_cpuid_policy *p, uint32_t leaf, uint32_t subleaf,
                     uint64_t guest_cr4, struct vmm_cpuid_regs *out);

/* XCR0 bits the guest may enable: CPUID.(EAX=0DH,ECX=0):EDX:EAX. */
uint64_t vmm_cpuid_xcr0_supported(const struct vmm_cpuid_policy *p);

/* CR4 bits the guest may set, from the features it is shown (PCE always). */
uint64_t vmm_cpuid_cr4_allowed(const struct vmm_cpuid_policy *p);

#endif /* VMM_CPUID_H */
