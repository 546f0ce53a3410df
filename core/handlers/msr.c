/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RDMSR/WRMSR exits against the emulated MSR set (vmm/guest_msrs.h):
 * ECX selects the MSR, EDX:EAX carries the value; an MSR the guest does
 * not have, or a value WRMSR would refuse, raises #GP(0) without
 * completing the instruction.
 */
#include "handler_util.h"

/* A failed VMREAD/VMWRITE is the VMM's problem, never the guest's #GP. */
static int seam(int rc)
{
    return rc == VMM_E_NOENT || rc == VMM_E_INVAL ? VMM_E_STATE : rc;
}

static int guest_efer(struct vmm_vcpu *v, uint64_t *efer)
{
    int rc = vmm_vmread(v->cpu, VMCS_GUEST_IA32_EFER, efer);
    if (rc == VMM_E_NOENT) { /* a processor without the field: no long mode */
        *efer = 0;
        return VMM_OK;
    }
    return rc;
}

/* VMM_E_INVAL when WRMSR would fault per the WRMSR model (MSRs it knows). */
static int check_write(struct vmm_vcpu *v, struct vmm_platform *p, uint32_t index, uint64_t value)
{
    if (!vmm_msr_name(index))
        return VMM_OK;
    struct vmm_msr_state state;
    int rc = visible_cr0(v->cpu, &state.cr0);
    if (rc == VMM_OK)
        rc = guest_efer(v, &state.efer);
    if (rc != VMM_OK)
        return seam(rc);
    return vmm_wrmsr_check(&p->msrs.model, &state, index, value) == VMM_WRMSR_OK ? VMM_OK
                                                                                 : VMM_E_INVAL;
}

/* VMM_E_NOENT: no such MSR for the guest. */
static int msr_read(struct vmm_vcpu *v, struct vmm_platform *p, uint32_t index, uint64_t *value)
{
    const struct vmm_gmsr *m = vmm_guest_msrs_find(&p->msrs, index);
    if (!m)
        return VMM_E_NOENT;
    switch ((enum vmm_gmsr_kind)m->kind) {
    case VMM_GMSR_STORE:
    case VMM_GMSR_READ_ONLY: *value = m->value; return VMM_OK;
    case VMM_GMSR_VMCS: return seam(vmm_vmread(v->cpu, (enum vmcs_field_id)m->field, value));
    case VMM_GMSR_EFER: return seam(vmm_vmread(v->cpu, VMCS_GUEST_IA32_EFER, value));
    case VMM_GMSR_TSC: {
        int rc = vmm_guest_tsc(v, &p->tsc, value);
        return rc == VMM_E_UNSUPPORTED ? rc : seam(rc);
    }
    }
    return VMM_E_NOENT;
}

/* VMM_E_NOENT: no such MSR; VMM_E_INVAL: the value is refused (#GP). */
static int msr_write(struct vmm_vcpu *v, struct vmm_platform *p, uint32_t index, uint64_t value)
{
    struct vmm_gmsr *m = vmm_guest_msrs_find(&p->msrs, index);
    if (!m)
        return VMM_E_NOENT;
    if (m->kind == VMM_GMSR_READ_ONLY)
        return VMM_E_INVAL;
    if (m->kind == VMM_GMSR_TSC) {
        int rc = guest_tsc_set(v, &p->tsc, value);
        return rc == VMM_E_UNSUPPORTED ? rc : seam(rc);
    }
    int rc = check_write(v, p, index, value);
    if (rc != VMM_OK)
        return rc;
    switch ((enum vmm_gmsr_kind)m->kind) {
    case VMM_GMSR_STORE:
        m->value = value;
        return VMM_OK;
    case VMM_GMSR_VMCS:
        return seam(vmm_vmwrite(v->cpu, (enum vmcs_field_id)m->field, value));
    case VMM_GMSR_EFER: {
        uint64_t old;
        if ((rc = vmm_vmread(v->cpu, VMCS_GUEST_IA32_EFER, &old)) != VMM_OK)
            return seam(rc);
        /* LMA is the processor's: it follows LME and CR0.PG, not the write. */
        uint64_t efer = (value & ~VMM_EFER_LMA) | (old & VMM_EFER_LMA);
        return seam(vmm_vmwrite(v->cpu, VMCS_GUEST_IA32_EFER, efer));
    }
    default:
        return VMM_E_NOENT;
    }
}

enum vmm_exit_action vmm_handle_rdmsr(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    (void)e;
    uint64_t value;
    int rc = msr_read(v, ctx, (uint32_t)v->gprs.rcx, &value);
    if (rc == VMM_E_NOENT)
        return vmm_vcpu_raise(v, 13, 0);
    if (rc == VMM_E_UNSUPPORTED)
        return vmm_vcpu_unhandled(v, "RDMSR of the TSC without a TSC source");
    if (rc != VMM_OK)
        return vmm_vcpu_fail(v, rc, "reading an emulated MSR failed");
    set_edx_eax(v, value);
    return complete(v);
}

enum vmm_exit_action vmm_handle_wrmsr(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    (void)e;
    int rc = msr_write(v, ctx, (uint32_t)v->gprs.rcx, edx_eax(v));
    if (rc == VMM_E_NOENT || rc == VMM_E_INVAL)
        return vmm_vcpu_raise(v, 13, 0);
    if (rc == VMM_E_UNSUPPORTED)
        return vmm_vcpu_unhandled(v, "WRMSR of the TSC without TSC offsetting or a TSC source");
    if (rc != VMM_OK)
        return vmm_vcpu_fail(v, rc, "writing an emulated MSR failed");
    return complete(v);
}
