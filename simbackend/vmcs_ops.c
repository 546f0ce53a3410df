/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VMCS-maintenance instructions: VMCLEAR, VMPTRLD, VMPTRST, VMREAD and
 * VMWRITE, in the order of checks of the SDM's VMX instruction reference.
 * Every one raises #UD outside VMX operation.
 */
#include "sim_internal.h"

#define REVISION_SHADOW (1u << 31)
#define REVISION_ID_MASK 0x7fffffffu

struct vmx_status sim_vmclear(struct vmm_cpu *cpu, vmm_hpa_t vmcs)
{
    struct sim *s = sim_of(cpu);
    if (!s->in_vmx)
        return vmx_status(VMX_FAULT_UD, 0);
    if (!sim_vmx_addr_valid(s, vmcs))
        return sim_vmfail(s, VMXERR_VMCLEAR_INVALID_ADDR);
    if (vmcs == s->vmxon_ptr)
        return sim_vmfail(s, VMXERR_VMCLEAR_VMXON_PTR);
    /* No revision check: VMCLEAR initialises whatever region it is given. */
    if (vmcs == s->current) {
        sim_vmcs_flush(s);
        s->current = SIM_NO_VMCS;
    }
    sim_vmcs_clear_region(s, vmcs);
    return vmx_succeed();
}

struct vmx_status sim_vmptrld(struct vmm_cpu *cpu, vmm_hpa_t vmcs)
{
    struct sim *s = sim_of(cpu);
    if (!s->in_vmx)
        return vmx_status(VMX_FAULT_UD, 0);
    if (!sim_vmx_addr_valid(s, vmcs))
        return sim_vmfail(s, VMXERR_VMPTRLD_INVALID_ADDR);
    if (vmcs == s->vmxon_ptr)
        return sim_vmfail(s, VMXERR_VMPTRLD_VMXON_PTR);
    uint32_t revision = sim_phys_read32(s, vmcs);
    bool shadow = (revision & REVISION_SHADOW) != 0;
    if ((revision & REVISION_ID_MASK) != s->caps.revision_id ||
        (shadow && !vmx_ctl_allowed1(&s->caps, VMM_CTL_PROC2, VMX_PROC2_VMCS_SHADOWING)))
        return sim_vmfail(s, VMXERR_VMPTRLD_BAD_REVISION);
    /* Loading the current VMCS again keeps the processor's copy. */
    if (vmcs != s->current) {
        sim_vmcs_flush(s);
        sim_vmcs_load(s, vmcs);
    }
    s->current_shadow = shadow;
    return vmx_succeed();
}

struct vmx_status sim_vmptrst(struct vmm_cpu *cpu, vmm_hpa_t *vmcs)
{
    struct sim *s = sim_of(cpu);
    if (!s->in_vmx)
        return vmx_status(VMX_FAULT_UD, 0);
    if (!vmcs) /* an unusable memory operand */
        return vmx_status(VMX_FAULT_GP, 0);
    *vmcs = s->current;
    return vmx_succeed();
}

/*
 * The field a VMREAD/VMWRITE names, if this processor has it: an encoding
 * that names no field, or a field the capabilities lack, is error 12.
 */
static bool supported_field(const struct sim *s, uint32_t encoding, enum vmcs_field_id *id)
{
    bool high;
    return vmcs_field_lookup(encoding, id, &high) == VMM_OK && vmcs_field_exists(&s->caps, *id);
}

struct vmx_status sim_vmread(struct vmm_cpu *cpu, uint32_t encoding, uint64_t *value)
{
    struct sim *s = sim_of(cpu);
    if (!s->in_vmx)
        return vmx_status(VMX_FAULT_UD, 0);
    if (!value)
        return vmx_status(VMX_FAULT_GP, 0);
    if (s->current == SIM_NO_VMCS)
        return vmx_status(VMX_FAIL_INVALID, 0);
    enum vmcs_field_id id;
    if (!supported_field(s, encoding, &id))
        return sim_vmfail(s, VMXERR_UNSUPPORTED_FIELD);
    vmcs_image_read(&s->vmcs, encoding, value);
    return vmx_succeed();
}

struct vmx_status sim_vmwrite(struct vmm_cpu *cpu, uint32_t encoding, uint64_t value)
{
    struct sim *s = sim_of(cpu);
    if (!s->in_vmx)
        return vmx_status(VMX_FAULT_UD, 0);
    if (s->current == SIM_NO_VMCS)
        return vmx_status(VMX_FAIL_INVALID, 0);
    enum vmcs_field_id id;
    if (!supported_field(s, encoding, &id))
        return sim_vmfail(s, VMXERR_UNSUPPORTED_FIELD);
    if (vmcs_field_table[id].type == VMCS_EXIT_INFO && !s->caps.vmwrite_exit_info)
        return sim_vmfail(s, VMXERR_VMWRITE_READ_ONLY);
    vmcs_image_write(&s->vmcs, encoding, value);
    return vmx_succeed();
}
