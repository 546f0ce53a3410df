/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Completing an emulated instruction (SDM Vol. 3C: a VMM that emulates an
 * instruction must do what its retirement would have done): RIP moves past
 * it, the STI / MOV-SS shadow ends, and a single-step trap becomes a
 * pending debug exception that VM entry delivers.
 */
#include "vmm/vcpu.h"
#include "vmm/vmcs_access.h"

#define INTR_BLOCK_STI (1ull << 0)
#define INTR_BLOCK_MOV_SS (1ull << 1)
#define RFLAGS_TF (1ull << 8)
#define DEBUGCTL_BTF (1ull << 1)
#define PENDING_DBG_BS (1ull << 14)
#define AR_DB (1ull << 14)

/* The instruction pointer's width: 64-bit mode, else CS.D/B picks 32 or 16. */
static int rip_mask(struct vmm_vcpu *v, uint64_t *mask)
{
    bool is64;
    uint64_t cs_ar;
    int rc = vmm_vcpu_in_64bit_mode(v, &is64);
    if (rc != VMM_OK)
        return rc;
    if (is64) {
        *mask = ~0ull;
        return VMM_OK;
    }
    if ((rc = vmm_vmread(v->cpu, VMCS_GUEST_CS_AR_BYTES, &cs_ar)) != VMM_OK)
        return rc;
    *mask = (cs_ar & AR_DB) ? 0xffffffffull : 0xffffull;
    return VMM_OK;
}

#define TRY(expr)          \
    do {                   \
        int rc_ = (expr);  \
        if (rc_ != VMM_OK) \
            return rc_;    \
    } while (0)

int vmm_vcpu_skip_instruction(struct vmm_vcpu *v)
{
    const struct vmm_exit *e = &v->exit;
    if (!(e->have & VMM_EXIT_HAVE_LEN) || e->instr_len == 0 || e->instr_len > 15)
        return VMM_E_STATE;
    uint64_t rip, mask, intr, rflags;
    TRY(vmm_vmread(v->cpu, VMCS_GUEST_RIP, &rip));
    TRY(rip_mask(v, &mask));
    TRY(vmm_vmread(v->cpu, VMCS_GUEST_INTERRUPTIBILITY_INFO, &intr));
    TRY(vmm_vmread(v->cpu, VMCS_GUEST_RFLAGS, &rflags));

    if (intr & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS))
        TRY(vmm_vmwrite(v->cpu, VMCS_GUEST_INTERRUPTIBILITY_INFO,
                        intr & ~(INTR_BLOCK_STI | INTR_BLOCK_MOV_SS)));
    if (rflags & RFLAGS_TF) {
        /* With BTF = 1 only taken branches trap, and these never branch. */
        uint64_t debugctl, pending;
        TRY(vmm_vmread(v->cpu, VMCS_GUEST_IA32_DEBUGCTL, &debugctl));
        if (!(debugctl & DEBUGCTL_BTF)) {
            TRY(vmm_vmread(v->cpu, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, &pending));
            TRY(vmm_vmwrite(v->cpu, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, pending | PENDING_DBG_BS));
        }
    }
    return vmm_vmwrite(v->cpu, VMCS_GUEST_RIP, (rip + e->instr_len) & mask);
}
