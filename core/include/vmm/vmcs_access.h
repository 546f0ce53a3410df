/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMREAD/VMWRITE of one table field through the seam, with the VMX outcome
 * turned into an enum vmm_err: the form core code (run loop, handlers,
 * event injection) uses. Header-only so every core folder can use it.
 */
#ifndef VMM_VMCS_ACCESS_H
#define VMM_VMCS_ACCESS_H

#include "vmm/cpu.h"
#include "vmm/vmcs_fields.h"

/*
 * VMM_OK on success; VMM_E_NOENT for VMfailValid(12) (the processor lacks
 * the field); VMM_E_INVAL for VMfailValid(13) (read-only field); VMM_E_STATE
 * for every other failure (no current VMCS, not in VMX operation).
 */
static inline int vmm_vmx_status_err(struct vmx_status s)
{
    if (s.outcome == VMX_SUCCEED)
        return VMM_OK;
    if (s.outcome == VMX_FAIL_VALID && s.error == VMXERR_UNSUPPORTED_FIELD)
        return VMM_E_NOENT;
    if (s.outcome == VMX_FAIL_VALID && s.error == VMXERR_VMWRITE_READ_ONLY)
        return VMM_E_INVAL;
    return VMM_E_STATE;
}

/* VMREAD of field `id` of the current VMCS; *value is untouched on failure. */
static inline int vmm_vmread(struct vmm_cpu *cpu, enum vmcs_field_id id, uint64_t *value)
{
    if (id >= VMCS_FIELD_COUNT)
        return VMM_E_INVAL;
    uint64_t v = 0;
    int rc = vmm_vmx_status_err(cpu->ops->vmread(cpu, vmcs_field_table[id].encoding, &v));
    if (rc == VMM_OK)
        *value = v;
    return rc;
}

/* VMWRITE of field `id` of the current VMCS. */
static inline int vmm_vmwrite(struct vmm_cpu *cpu, enum vmcs_field_id id, uint64_t value)
{
    if (id >= VMCS_FIELD_COUNT)
        return VMM_E_INVAL;
    return vmm_vmx_status_err(cpu->ops->vmwrite(cpu, vmcs_field_table[id].encoding, value));
}

#endif /* VMM_VMCS_ACCESS_H */
