/* SPDX-License-Identifier: Apache-2.0 */
/* The guest platform: its parts set up from a profile, its handlers bound. */
#include "handler_util.h"

/* The WRMSR model of the features the guest is shown. */
static struct vmm_msr_model msr_model_of(const struct vmm_cpuid_policy *c)
{
    const struct vmm_cpuid_leaf *ext = vmm_cpuid_find(c, 0x80000001u, 0);
    const struct vmm_cpuid_leaf *widths = vmm_cpuid_find(c, 0x80000008u, 0);
    uint32_t edx = ext ? ext->r.edx : 0;
    struct vmm_msr_model m = {.linear_addr_width = widths ? (uint8_t)(widths->r.eax >> 8) : 32};
    m.features |= (edx & (1u << 29)) ? VMM_MSR_FEAT_LM : 0;
    m.features |= (edx & (1u << 20)) ? VMM_MSR_FEAT_NX : 0;
    m.features |= (edx & (1u << 27)) ? VMM_MSR_FEAT_TSC_AUX : 0;
    return m;
}

int vmm_platform_init(struct vmm_platform *p, const struct vmx_caps *caps,
                      const struct vmm_cpuid_profile *profile, uint32_t apic_id)
{
    if (!p || !caps || !profile)
        return VMM_E_INVAL;
    int rc = vmm_cpuid_policy_init(&p->cpuid, profile, apic_id);
    if (rc != VMM_OK)
        return rc;
    struct vmm_msr_model model = msr_model_of(&p->cpuid);
    if ((rc = vmm_guest_msrs_init(&p->msrs, &model)) != VMM_OK)
        return rc;
    vmm_port_bus_init(&p->ports);
    vmm_mmio_bus_init(&p->mmio);
    const struct vmm_cpuid_leaf *widths = vmm_cpuid_find(&p->cpuid, 0x80000008u, 0);
    p->cr = (struct vmm_cr_policy){
        .cr0_fixed0 = caps->cr0_fixed0,
        .cr0_fixed1 = caps->cr0_fixed1,
        .cr4_fixed0 = caps->cr4_fixed0,
        .cr4_fixed1 = caps->cr4_fixed1,
        /* A bit the processor cannot hold in VMX operation is not offered. */
        .cr4_allowed = vmm_cpuid_cr4_allowed(&p->cpuid) & caps->cr4_fixed1,
        .phys_bits = widths ? (uint8_t)widths->r.eax : 36,
    };
    p->tsc = (struct vmm_tsc_source){0};
    p->hc = (struct vmm_hypercall_state){0};
    p->hlt = VMM_HLT_STOP;
    p->xcr0 = 1; /* x87 only, the reset value */
    p->tpr = 0;
    p->last_mmio = 0;
    return VMM_OK;
}

void vmm_platform_install(struct vmm_platform *p, struct vmm_vcpu *v)
{
    static const struct {
        uint16_t reason;
        vmm_exit_handler_fn fn;
    } standard[] = {
        {VMX_EXIT_TRIPLE_FAULT, vmm_handle_triple_fault},
        {VMX_EXIT_CPUID, vmm_handle_cpuid},
        {VMX_EXIT_HLT, vmm_handle_hlt},
        {VMX_EXIT_INVLPG, vmm_handle_invlpg},
        {VMX_EXIT_RDTSC, vmm_handle_rdtsc},
        {VMX_EXIT_VMCALL, vmm_handle_vmcall},
        {VMX_EXIT_CR_ACCESS, vmm_handle_cr_access},
        {VMX_EXIT_IO_INSTRUCTION, vmm_handle_io},
        {VMX_EXIT_MSR_READ, vmm_handle_rdmsr},
        {VMX_EXIT_MSR_WRITE, vmm_handle_wrmsr},
        {VMX_EXIT_EPT_VIOLATION, vmm_handle_ept_violation},
        {VMX_EXIT_EPT_MISCONFIG, vmm_handle_ept_misconfig},
        {VMX_EXIT_RDTSCP, vmm_handle_rdtscp},
        {VMX_EXIT_XSETBV, vmm_handle_xsetbv},
    };
    for (size_t i = 0; i < sizeof standard / sizeof standard[0]; i++)
        vmm_vcpu_bind(v, standard[i].reason, standard[i].fn, p);
}
