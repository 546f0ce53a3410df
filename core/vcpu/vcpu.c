/* SPDX-License-Identifier: Apache-2.0 */
/* The vCPU object: handler table, register access, handler shorthands. */
#include "vmm/events.h"
#include "vmm/vcpu.h"
#include "vmm/vmcs_access.h"

void vmm_vcpu_init(struct vmm_vcpu *v, struct vmm_cpu *cpu)
{
    unsigned char *p = (unsigned char *)v;
    for (size_t i = 0; i < sizeof *v; i++)
        p[i] = 0;
    v->cpu = cpu;
}

int vmm_vcpu_bind(struct vmm_vcpu *v, uint32_t reason, vmm_exit_handler_fn fn, void *ctx)
{
    if (reason >= VMX_EXIT_REASON_COUNT)
        return VMM_E_RANGE;
    v->handler[reason] = (struct vmm_exit_binding){fn, ctx};
    return VMM_OK;
}

void vmm_vcpu_mark_clear(struct vmm_vcpu *v)
{
    v->launched = false;
}

/* Where each GPR lives in struct vmm_guest_gprs, by SDM register number (RSP: in the VMCS). */
#define GPR(name) offsetof(struct vmm_guest_gprs, name)
static const size_t gpr_offset[16] = {
    GPR(rax), GPR(rcx), GPR(rdx), GPR(rbx), 0,        GPR(rbp), GPR(rsi), GPR(rdi),
    GPR(r8),  GPR(r9),  GPR(r10), GPR(r11), GPR(r12), GPR(r13), GPR(r14), GPR(r15),
};

static uint64_t *gpr_slot(struct vmm_guest_gprs *g, unsigned index)
{
    return (uint64_t *)((char *)g + gpr_offset[index]);
}

int vmm_vcpu_get_gpr(struct vmm_vcpu *v, unsigned index, uint64_t *value)
{
    if (index > 15)
        return VMM_E_INVAL;
    if (index == 4)
        return vmm_vmread(v->cpu, VMCS_GUEST_RSP, value);
    *value = *gpr_slot(&v->gprs, index);
    return VMM_OK;
}

int vmm_vcpu_set_gpr(struct vmm_vcpu *v, unsigned index, uint64_t value)
{
    if (index > 15)
        return VMM_E_INVAL;
    if (index == 4)
        return vmm_vmwrite(v->cpu, VMCS_GUEST_RSP, value);
    *gpr_slot(&v->gprs, index) = value;
    return VMM_OK;
}

#define ENTRY_IA32E_MODE (1ull << 9)
#define AR_L (1ull << 13)
#define AR_DPL_SHIFT 5

int vmm_vcpu_in_64bit_mode(struct vmm_vcpu *v, bool *is64)
{
    uint64_t entry, cs_ar;
    int rc = vmm_vmread(v->cpu, VMCS_VM_ENTRY_CONTROLS, &entry);
    if (rc == VMM_OK)
        rc = vmm_vmread(v->cpu, VMCS_GUEST_CS_AR_BYTES, &cs_ar);
    if (rc == VMM_OK)
        *is64 = (entry & ENTRY_IA32E_MODE) && (cs_ar & AR_L);
    return rc;
}

int vmm_vcpu_cpl(struct vmm_vcpu *v, unsigned *cpl)
{
    uint64_t ss_ar;
    int rc = vmm_vmread(v->cpu, VMCS_GUEST_SS_AR_BYTES, &ss_ar);
    if (rc == VMM_OK)
        *cpl = (unsigned)(ss_ar >> AR_DPL_SHIFT) & 3;
    return rc;
}

enum vmm_exit_action vmm_vcpu_raise(struct vmm_vcpu *v, uint8_t vector, uint32_t error_code)
{
    int rc = vmm_inject_exception(v->cpu, vector, error_code);
    if (rc < 0)
        return vmm_vcpu_fail(v, rc, "injecting an exception failed");
    if (rc == VMM_INJECT_TRIPLE_FAULT)
        return vmm_vcpu_fatal(v, "exception during double-fault delivery: triple fault");
    return VMM_EXIT_RESUME;
}

enum vmm_exit_action vmm_vcpu_unhandled(struct vmm_vcpu *v, const char *note)
{
    v->note = note;
    return VMM_EXIT_UNHANDLED;
}

enum vmm_exit_action vmm_vcpu_fatal(struct vmm_vcpu *v, const char *note)
{
    v->note = note;
    return VMM_EXIT_FATAL;
}

enum vmm_exit_action vmm_vcpu_fail(struct vmm_vcpu *v, int err, const char *note)
{
    v->error = err;
    v->note = note;
    return VMM_EXIT_ERROR;
}
