/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers the standard handlers share (internal to core/handlers). */
#ifndef VMM_HANDLER_UTIL_H
#define VMM_HANDLER_UTIL_H

#include "vmm/handlers.h"
#include "vmm/vmcs_access.h"
#include "vmm/x86_emul.h"

/* Returns from a handler with ERROR when a seam operation fails. */
#define HTRY(v, expr, note)                      \
    do {                                         \
        int rc_ = (expr);                        \
        if (rc_ != VMM_OK)                       \
            return vmm_vcpu_fail((v), rc_, note); \
    } while (0)

/* Completes the emulated instruction and resumes the guest. */
static inline enum vmm_exit_action complete(struct vmm_vcpu *v)
{
    int rc = vmm_vcpu_skip_instruction(v);
    return rc == VMM_OK ? VMM_EXIT_RESUME : vmm_vcpu_fail(v, rc, "advancing RIP failed");
}

/* The guest's view of a control register: shadow bits where the host owns them. */
static inline int visible_cr(struct vmm_cpu *cpu, enum vmcs_field_id real,
                             enum vmcs_field_id shadow, enum vmcs_field_id mask, uint64_t *out)
{
    uint64_t r, s, m;
    int rc = vmm_vmread(cpu, real, &r);
    if (rc == VMM_OK)
        rc = vmm_vmread(cpu, shadow, &s);
    if (rc == VMM_OK)
        rc = vmm_vmread(cpu, mask, &m);
    if (rc == VMM_OK)
        *out = (r & ~m) | (s & m);
    return rc;
}

static inline int visible_cr0(struct vmm_cpu *cpu, uint64_t *out)
{
    return visible_cr(cpu, VMCS_GUEST_CR0, VMCS_CR0_READ_SHADOW, VMCS_CR0_GUEST_HOST_MASK, out);
}

static inline int visible_cr4(struct vmm_cpu *cpu, uint64_t *out)
{
    return visible_cr(cpu, VMCS_GUEST_CR4, VMCS_CR4_READ_SHADOW, VMCS_CR4_GUEST_HOST_MASK, out);
}

/* EDX:EAX = value, as RDMSR/RDTSC leave them (upper halves cleared). */
static inline void set_edx_eax(struct vmm_vcpu *v, uint64_t value)
{
    v->gprs.rax = value & 0xffffffffu;
    v->gprs.rdx = value >> 32;
}

/* The value in EDX:EAX, as WRMSR/XSETBV take it. */
static inline uint64_t edx_eax(const struct vmm_vcpu *v)
{
    return (v->gprs.rdx & 0xffffffffu) << 32 | (v->gprs.rax & 0xffffffffu);
}

/* A VMCS control word (0 when the field is absent). */
static inline uint64_t control(struct vmm_cpu *cpu, enum vmcs_field_id id)
{
    uint64_t value = 0;
    return vmm_vmread(cpu, id, &value) == VMM_OK ? value : 0;
}

/* The secondary controls in effect (0 unless the primary control activates them). */
static inline uint64_t secondary_controls(struct vmm_cpu *cpu)
{
    if (!(control(cpu, VMCS_CPU_BASED_VM_EXEC_CONTROL) & VMX_PROC_ACTIVATE_SECONDARY))
        return 0;
    return control(cpu, VMCS_SECONDARY_VM_EXEC_CONTROL);
}

/*
 * Sets the guest's TSC to `value` by moving the TSC offset (tsc.c);
 * VMM_E_UNSUPPORTED without a source or without TSC offsetting.
 */
int guest_tsc_set(struct vmm_vcpu *v, const struct vmm_tsc_source *src, uint64_t value);

/*
 * The x86 emulator's view of a vCPU (emul_bridge.c): its processor state
 * loaded from the VMCS and the vCPU's registers (vector registers are not
 * held, so SSE/AVX are disabled in the copy), stored back after an
 * emulated instruction (GPRs and RFLAGS; RIP by the caller), and guest
 * memory: MMIO regions through the platform's bus, the rest through the
 * seam.
 */
struct emul_mem_ctx {
    struct vmm_vcpu *vcpu;
    struct vmm_platform *platform;
};
int emul_state_load(struct vmm_vcpu *v, const struct vmm_platform *p, struct x86_cpu_state *st);
int emul_state_store(struct vmm_vcpu *v, const struct x86_cpu_state *st);
struct x86_emul_mem emul_mem_of(struct emul_mem_ctx *m);

#endif /* VMM_HANDLER_UTIL_H */
