/* SPDX-License-Identifier: Apache-2.0 */
/* The guest CPUID policy: a sorted leaf table and the SDM's query rules. */
#include "vmm/cpuid.h"
#include "vmm/hypercall.h"

static uint64_t key(uint32_t leaf, uint32_t subleaf)
{
    return (uint64_t)leaf << 32 | subleaf;
}

static uint64_t key_of(const struct vmm_cpuid_leaf *l)
{
    return key(l->leaf, l->indexed ? l->subleaf : 0);
}

/* First entry whose key is >= k. */
static size_t lower_bound(const struct vmm_cpuid_policy *p, uint64_t k)
{
    size_t lo = 0, hi = p->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_of(&p->leaf[mid]) < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const struct vmm_cpuid_leaf *vmm_cpuid_find(const struct vmm_cpuid_policy *p, uint32_t leaf,
                                            uint32_t subleaf)
{
    size_t i = lower_bound(p, key(leaf, 0));
    if (i >= p->count || p->leaf[i].leaf != leaf)
        return 0;
    if (!p->leaf[i].indexed)
        return &p->leaf[i];
    i = lower_bound(p, key(leaf, subleaf));
    if (i < p->count && key_of(&p->leaf[i]) == key(leaf, subleaf))
        return &p->leaf[i];
    return 0;
}

int vmm_cpuid_set(struct vmm_cpuid_policy *p, const struct vmm_cpuid_leaf *l)
{
    struct vmm_cpuid_leaf row = *l;
    if (!row.indexed)
        row.subleaf = 0;
    size_t i = lower_bound(p, key_of(&row));
    if (i < p->count && key_of(&p->leaf[i]) == key_of(&row)) {
        p->leaf[i] = row;
        return VMM_OK;
    }
    if (p->count >= VMM_CPUID_MAX_LEAVES)
        return VMM_E_NOMEM;
    for (size_t j = p->count; j > i; j--)
        p->leaf[j] = p->leaf[j - 1];
    p->leaf[i] = row;
    p->count++;
    return VMM_OK;
}

static uint32_t *reg_of(struct vmm_cpuid_regs *r, enum vmm_cpuid_reg reg)
{
    switch (reg) {
    case VMM_CPUID_EAX: return &r->eax;
    case VMM_CPUID_EBX: return &r->ebx;
    case VMM_CPUID_ECX: return &r->ecx;
    case VMM_CPUID_EDX: return &r->edx;
    }
    return 0;
}

int vmm_cpuid_mask(struct vmm_cpuid_policy *p, uint32_t leaf, uint32_t subleaf,
                   enum vmm_cpuid_reg reg, uint32_t bits)
{
    struct vmm_cpuid_leaf *l = (struct vmm_cpuid_leaf *)vmm_cpuid_find(p, leaf, subleaf);
    uint32_t *r = l ? reg_of(&l->r, reg) : 0;
    if (!r)
        return VMM_E_NOENT;
    *r &= ~bits;
    return VMM_OK;
}

#define CHARS4(a, b, c, d) \
    ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

int vmm_cpuid_policy_init(struct vmm_cpuid_policy *p, const struct vmm_cpuid_profile *profile,
                          uint32_t apic_id)
{
    p->count = 0;
    p->apic_id = apic_id;
    for (size_t i = 0; i < profile->count; i++) {
        int rc = vmm_cpuid_set(p, &profile->leaves[i]);
        if (rc != VMM_OK)
            return rc;
    }
    if (!vmm_cpuid_find(p, 0, 0))
        return VMM_E_INVAL;
    /* The guest runs on a hypervisor that does not offer VMX to it. */
    struct vmm_cpuid_leaf *one = (struct vmm_cpuid_leaf *)vmm_cpuid_find(p, 1, 0);
    if (one) {
        one->r.ecx &= ~VMM_CPUID_1_ECX_VMX;
        one->r.ecx |= VMM_CPUID_1_ECX_HYPERVISOR;
    }
    const struct vmm_cpuid_leaf hv[] = {
        {VMM_CPUID_HV_BASE, 0, false,
         {VMM_CPUID_HV_LAST, CHARS4('l', 'i', 'b', 'v'), CHARS4('m', 'm', 0, 0), 0}},
        {VMM_CPUID_HV_BASE + 1, 0, false, {VMM_HYPERCALL_ABI_VERSION, 0, 0, 0}},
    };
    for (size_t i = 0; i < 2; i++) {
        int rc = vmm_cpuid_set(p, &hv[i]);
        if (rc != VMM_OK)
            return rc;
    }
    return VMM_OK;
}

static uint32_t max_of(const struct vmm_cpuid_policy *p, uint32_t base)
{
    const struct vmm_cpuid_leaf *l = vmm_cpuid_find(p, base, 0);
    return l ? l->r.eax : 0;
}

/* The SDM: a leaf above its range's maximum reads as the highest basic leaf. */
static uint32_t effective_leaf(const struct vmm_cpuid_policy *p, uint32_t leaf)
{
    uint32_t max_basic = max_of(p, 0);
    bool in_range;
    if (leaf < VMM_CPUID_HV_BASE) {
        in_range = leaf <= max_basic;
    } else if (leaf < 0x80000000u) {
        const struct vmm_cpuid_leaf *hv = vmm_cpuid_find(p, VMM_CPUID_HV_BASE, 0);
        in_range = hv && leaf <= hv->r.eax && leaf <= VMM_CPUID_HV_BASE + 0xffu;
    } else {
        in_range = vmm_cpuid_find(p, 0x80000000u, 0) && leaf <= max_of(p, 0x80000000u);
    }
    return in_range ? leaf : max_basic;
}

#define CR4_OSXSAVE (1ull << 18)
#define CR4_PKE (1ull << 22)

void vmm_cpuid_query(const struct vmm_cpuid_policy *p, uint32_t leaf, uint32_t subleaf,
                     uint64_t guest_cr4, struct vmm_cpuid_regs *out)
{
    leaf = effective_leaf(p, leaf);
    const struct vmm_cpuid_leaf *l = vmm_cpuid_find(p, leaf, subleaf);
    *out = l ? l->r : (struct vmm_cpuid_regs){0};
    switch (leaf) {
    case 1:
        out->ebx = (out->ebx & 0x00ffffffu) | (p->apic_id << 24);
        out->ecx &= ~VMM_CPUID_1_ECX_OSXSAVE;
        if ((out->ecx & VMM_CPUID_1_ECX_XSAVE) && (guest_cr4 & CR4_OSXSAVE))
            out->ecx |= VMM_CPUID_1_ECX_OSXSAVE;
        break;
    case 7:
        if (subleaf == 0) {
            out->ecx &= ~VMM_CPUID_7_ECX_OSPKE;
            if ((out->ecx & VMM_CPUID_7_ECX_PKU) && (guest_cr4 & CR4_PKE))
                out->ecx |= VMM_CPUID_7_ECX_OSPKE;
        }
        break;
    case 0xb:
    case 0x1f:
        if (!l)
            out->ecx = subleaf & 0xffu; /* an invalid level echoes its number */
        out->edx = p->apic_id;
        break;
    }
}

uint64_t vmm_cpuid_xcr0_supported(const struct vmm_cpuid_policy *p)
{
    const struct vmm_cpuid_leaf *l = vmm_cpuid_find(p, 0xd, 0);
    return l ? ((uint64_t)l->r.edx << 32 | l->r.eax) : 0;
}

/* Which CPUID bit makes each CR4 bit settable (SDM Vol. 3A "CR4"). */
static const struct {
    uint8_t cr4_bit;
    uint8_t leaf; /* 1 or 7 (subleaf 0); 0: always */
    uint8_t reg;  /* enum vmm_cpuid_reg */
    uint8_t bit;
} cr4_features[] = {
    {0, 1, VMM_CPUID_EDX, 1},   /* VME: VME */
    {1, 1, VMM_CPUID_EDX, 1},   /* PVI: VME */
    {2, 1, VMM_CPUID_EDX, 4},   /* TSD: TSC */
    {3, 1, VMM_CPUID_EDX, 2},   /* DE */
    {4, 1, VMM_CPUID_EDX, 3},   /* PSE */
    {5, 1, VMM_CPUID_EDX, 6},   /* PAE */
    {6, 1, VMM_CPUID_EDX, 7},   /* MCE */
    {7, 1, VMM_CPUID_EDX, 13},  /* PGE */
    {8, 0, 0, 0},               /* PCE */
    {9, 1, VMM_CPUID_EDX, 24},  /* OSFXSR: FXSR */
    {10, 1, VMM_CPUID_EDX, 25}, /* OSXMMEXCPT: SSE */
    {11, 7, VMM_CPUID_ECX, 2},  /* UMIP */
    {12, 7, VMM_CPUID_ECX, 16}, /* LA57 */
    {13, 1, VMM_CPUID_ECX, 5},  /* VMXE: VMX */
    {14, 1, VMM_CPUID_ECX, 6},  /* SMXE: SMX */
    {16, 7, VMM_CPUID_EBX, 0},  /* FSGSBASE */
    {17, 1, VMM_CPUID_ECX, 17}, /* PCIDE: PCID */
    {18, 1, VMM_CPUID_ECX, 26}, /* OSXSAVE: XSAVE */
    {20, 7, VMM_CPUID_EBX, 7},  /* SMEP */
    {21, 7, VMM_CPUID_EBX, 20}, /* SMAP */
    {22, 7, VMM_CPUID_ECX, 3},  /* PKE: PKU */
    {23, 7, VMM_CPUID_ECX, 7},  /* CET: CET_SS */
    {24, 7, VMM_CPUID_ECX, 31}, /* PKS */
};

uint64_t vmm_cpuid_cr4_allowed(const struct vmm_cpuid_policy *p)
{
    uint64_t allowed = 0;
    for (size_t i = 0; i < sizeof cr4_features / sizeof cr4_features[0]; i++) {
        bool has = true;
        if (cr4_features[i].leaf) {
            const struct vmm_cpuid_leaf *l = vmm_cpuid_find(p, cr4_features[i].leaf, 0);
            struct vmm_cpuid_regs r = l ? l->r : (struct vmm_cpuid_regs){0};
            has = (*reg_of(&r, (enum vmm_cpuid_reg)cr4_features[i].reg) >> cr4_features[i].bit) & 1;
        }
        if (has)
            allowed |= 1ull << cr4_features[i].cr4_bit;
    }
    return allowed;
}
