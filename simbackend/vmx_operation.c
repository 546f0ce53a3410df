/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Entering and leaving VMX operation: VMXON and VMXOFF as the SDM's VMX
 * instruction reference specifies them. The host is always 64-bit code at
 * CPL 0 with CR0/CR4 set up for VMX (the backend does that before VMXON on
 * hardware), so the only host prerequisite modelled is IA32_FEATURE_CONTROL.
 */
#include "sim_internal.h"

#define REVISION_SHADOW (1u << 31)

/*
 * What a hypervisor's start-up does before VMXON: an unlocked feature
 * control is locked with VMX outside SMX enabled. False when firmware
 * locked it with VMX outside SMX disabled (VMXON then faults #GP).
 */
static bool feature_control_allows_vmx(struct sim *s)
{
    if (!(s->feature_control & SIM_FEATURE_CONTROL_LOCK))
        s->feature_control |= SIM_FEATURE_CONTROL_LOCK | SIM_FEATURE_CONTROL_VMX_OUTSIDE_SMX;
    return (s->feature_control & SIM_FEATURE_CONTROL_VMX_OUTSIDE_SMX) != 0;
}

struct vmx_status sim_vmxon(struct vmm_cpu *cpu, vmm_hpa_t region)
{
    struct sim *s = sim_of(cpu);
    if (s->in_vmx)
        return sim_vmfail(s, VMXERR_VMXON_IN_ROOT);
    if (!feature_control_allows_vmx(s))
        return vmx_status(VMX_FAULT_GP, 0);
    if (!sim_vmx_addr_valid(s, region))
        return vmx_status(VMX_FAIL_INVALID, 0);
    uint32_t revision = sim_phys_read32(s, region);
    if ((revision & REVISION_SHADOW) || revision != s->caps.revision_id)
        return vmx_status(VMX_FAIL_INVALID, 0);
    s->in_vmx = true;
    s->vmxon_ptr = region;
    s->vmxon_epoch++;
    s->current = SIM_NO_VMCS;
    return vmx_succeed();
}

struct vmx_status sim_vmxoff(struct vmm_cpu *cpu)
{
    struct sim *s = sim_of(cpu);
    if (!s->in_vmx)
        return vmx_status(VMX_FAULT_UD, 0);
    /* No SMM model, so never under the dual-monitor treatment (error 23). */
    sim_vmcs_flush(s);
    s->current = SIM_NO_VMCS;
    s->vmxon_ptr = SIM_NO_VMCS;
    s->in_vmx = false;
    return vmx_succeed();
}
