/* SPDX-License-Identifier: Apache-2.0 */
/* The table of MSRs emulated for the guest (vmm/guest_msrs.h). */
#include "vmm/guest_msrs.h"

static size_t lower_bound(const struct vmm_guest_msrs *m, uint32_t index)
{
    size_t lo = 0, hi = m->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->msr[mid].index < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct vmm_gmsr *vmm_guest_msrs_find(struct vmm_guest_msrs *m, uint32_t index)
{
    size_t i = lower_bound(m, index);
    return i < m->count && m->msr[i].index == index ? &m->msr[i] : 0;
}

int vmm_guest_msrs_add(struct vmm_guest_msrs *m, uint32_t index, enum vmm_gmsr_kind kind,
                       enum vmcs_field_id field, uint64_t value)
{
    if (kind > VMM_GMSR_TSC || (kind == VMM_GMSR_VMCS && field >= VMCS_FIELD_COUNT))
        return VMM_E_INVAL;
    struct vmm_gmsr row = {.index = index, .kind = (uint8_t)kind, .field = (uint16_t)field,
                           .value = value};
    size_t i = lower_bound(m, index);
    if (i < m->count && m->msr[i].index == index) {
        m->msr[i] = row;
        return VMM_OK;
    }
    if (m->count >= VMM_GUEST_MSRS_MAX)
        return VMM_E_NOMEM;
    for (size_t j = m->count; j > i; j--)
        m->msr[j] = m->msr[j - 1];
    m->msr[i] = row;
    m->count++;
    return VMM_OK;
}

int vmm_guest_msrs_remove(struct vmm_guest_msrs *m, uint32_t index)
{
    size_t i = lower_bound(m, index);
    if (i >= m->count || m->msr[i].index != index)
        return VMM_E_NOENT;
    for (size_t j = i; j + 1 < m->count; j++)
        m->msr[j] = m->msr[j + 1];
    m->count--;
    return VMM_OK;
}

#define MSR_FEATURE_CONTROL 0x3au
#define MSR_MISC_ENABLE 0x1a0u
#define FEATURE_CONTROL_LOCKED 1u
#define MISC_ENABLE_FAST_STRINGS 1u

int vmm_guest_msrs_init(struct vmm_guest_msrs *m, const struct vmm_msr_model *model)
{
    static const struct {
        uint32_t index;
        uint8_t kind;
        uint16_t field;
        uint64_t value;
    } defaults[] = {
        {VMM_MSR_IA32_TSC, VMM_GMSR_TSC, 0, 0},
        {MSR_FEATURE_CONTROL, VMM_GMSR_READ_ONLY, 0, FEATURE_CONTROL_LOCKED},
        {VMM_MSR_IA32_BIOS_SIGN_ID, VMM_GMSR_STORE, 0, 0},
        {VMM_MSR_IA32_SYSENTER_CS, VMM_GMSR_VMCS, VMCS_GUEST_SYSENTER_CS, 0},
        {VMM_MSR_IA32_SYSENTER_ESP, VMM_GMSR_VMCS, VMCS_GUEST_SYSENTER_ESP, 0},
        {VMM_MSR_IA32_SYSENTER_EIP, VMM_GMSR_VMCS, VMCS_GUEST_SYSENTER_EIP, 0},
        {MSR_MISC_ENABLE, VMM_GMSR_STORE, 0, MISC_ENABLE_FAST_STRINGS},
        {VMM_MSR_IA32_DEBUGCTL, VMM_GMSR_VMCS, VMCS_GUEST_IA32_DEBUGCTL, 0},
        {VMM_MSR_IA32_PAT, VMM_GMSR_VMCS, VMCS_GUEST_IA32_PAT, 0},
    };
    m->count = 0;
    m->model = *model;
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        int rc = vmm_guest_msrs_add(m, defaults[i].index, (enum vmm_gmsr_kind)defaults[i].kind,
                                    (enum vmcs_field_id)defaults[i].field, defaults[i].value);
        if (rc != VMM_OK)
            return rc;
    }
    /* EFER exists with long mode or execute-disable. */
    if (model->features & (VMM_MSR_FEAT_LM | VMM_MSR_FEAT_NX)) {
        int rc = vmm_guest_msrs_add(m, VMM_MSR_IA32_EFER, VMM_GMSR_EFER, 0, 0);
        if (rc != VMM_OK)
            return rc;
    }
    if (model->features & VMM_MSR_FEAT_LM) {
        int rc = vmm_guest_msrs_add(m, VMM_MSR_IA32_FS_BASE, VMM_GMSR_VMCS, VMCS_GUEST_FS_BASE, 0);
        if (rc == VMM_OK)
            rc = vmm_guest_msrs_add(m, VMM_MSR_IA32_GS_BASE, VMM_GMSR_VMCS, VMCS_GUEST_GS_BASE, 0);
        if (rc != VMM_OK)
            return rc;
    }
    if (model->features & VMM_MSR_FEAT_TSC_AUX)
        return vmm_guest_msrs_add(m, VMM_MSR_IA32_TSC_AUX, VMM_GMSR_STORE, 0, 0);
    return VMM_OK;
}
