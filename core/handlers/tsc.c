/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest's time-stamp counter, derived from the caller's deterministic
 * counter as the processor derives it from its own TSC (SDM Vol. 3C "Time-
 * Stamp Counter Offset and Multiplier"): with "use TSC offsetting", the
 * counter times the multiplier (when "use TSC scaling" is on) shifted right
 * by 48, plus the TSC offset. RDTSC/RDTSCP exits return that value.
 */
#include "handler_util.h"

/* (a * b) >> 48 over the full 128-bit product, in 32-bit pieces. */
static uint64_t mul_shift48(uint64_t a, uint64_t b)
{
    uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32, b_lo = b & 0xffffffffu, b_hi = b >> 32;
    uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
    uint64_t mid = (lo_lo >> 32) + (hi_lo & 0xffffffffu) + (lo_hi & 0xffffffffu);
    uint64_t low = (mid << 32) | (lo_lo & 0xffffffffu);
    uint64_t high = hi_hi + (hi_lo >> 32) + (lo_hi >> 32) + (mid >> 32);
    return (high << 16) | (low >> 48);
}

/* The counter as the guest's TSC sees it before the offset. */
static int scaled_counter(struct vmm_vcpu *v, const struct vmm_tsc_source *src, uint64_t *value,
                          bool *offsetting)
{
    if (!src->read)
        return VMM_E_UNSUPPORTED;
    uint64_t counter = src->read(src->opaque);
    *offsetting = control(v->cpu, VMCS_CPU_BASED_VM_EXEC_CONTROL) & VMX_PROC_USE_TSC_OFFSETTING;
    if (*offsetting && (secondary_controls(v->cpu) & VMX_PROC2_USE_TSC_SCALING)) {
        uint64_t multiplier;
        int rc = vmm_vmread(v->cpu, VMCS_TSC_MULTIPLIER, &multiplier);
        if (rc != VMM_OK)
            return rc;
        counter = mul_shift48(counter, multiplier);
    }
    *value = counter;
    return VMM_OK;
}

int vmm_guest_tsc(struct vmm_vcpu *v, const struct vmm_tsc_source *src, uint64_t *tsc)
{
    uint64_t counter, offset = 0;
    bool offsetting;
    int rc = scaled_counter(v, src, &counter, &offsetting);
    if (rc == VMM_OK && offsetting)
        rc = vmm_vmread(v->cpu, VMCS_TSC_OFFSET, &offset);
    if (rc == VMM_OK)
        *tsc = counter + offset;
    return rc;
}

int guest_tsc_set(struct vmm_vcpu *v, const struct vmm_tsc_source *src, uint64_t value)
{
    uint64_t counter;
    bool offsetting;
    int rc = scaled_counter(v, src, &counter, &offsetting);
    if (rc != VMM_OK)
        return rc;
    if (!offsetting)
        return VMM_E_UNSUPPORTED;
    return vmm_vmwrite(v->cpu, VMCS_TSC_OFFSET, value - counter);
}

static enum vmm_exit_action read_tsc(struct vmm_vcpu *v, struct vmm_platform *p)
{
    uint64_t tsc;
    int rc = vmm_guest_tsc(v, &p->tsc, &tsc);
    if (rc == VMM_E_UNSUPPORTED)
        return vmm_vcpu_unhandled(v, "RDTSC without a TSC source");
    if (rc != VMM_OK)
        return vmm_vcpu_fail(v, rc, "reading the TSC controls failed");
    set_edx_eax(v, tsc);
    return VMM_EXIT_RESUME;
}

enum vmm_exit_action vmm_handle_rdtsc(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    (void)e;
    enum vmm_exit_action a = read_tsc(v, ctx);
    return a == VMM_EXIT_RESUME ? complete(v) : a;
}

enum vmm_exit_action vmm_handle_rdtscp(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    struct vmm_platform *p = ctx;
    (void)e;
    enum vmm_exit_action a = read_tsc(v, p);
    if (a != VMM_EXIT_RESUME)
        return a;
    const struct vmm_gmsr *aux = vmm_guest_msrs_find(&p->msrs, VMM_MSR_IA32_TSC_AUX);
    v->gprs.rcx = aux ? (aux->value & 0xffffffffu) : 0;
    return complete(v);
}
