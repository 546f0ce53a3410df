/* SPDX-License-Identifier: Apache-2.0 */
/*
 * INVLPG exits. With EPT there is no shadow page table to update; the
 * exit only means the processor did not invalidate the guest's TLB entry,
 * so with VPID the core invalidates that address for the guest's VPID
 * (single-context if the address form is not supported).
 */
#include "handler_util.h"

enum vmm_exit_action vmm_handle_invlpg(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    (void)ctx;
    if (secondary_controls(v->cpu) & VMX_PROC2_ENABLE_VPID) {
        uint64_t vpid;
        HTRY(v, vmm_vmread(v->cpu, VMCS_VIRTUAL_PROCESSOR_ID, &vpid), "reading the VPID failed");
        struct vmx_status s =
            v->cpu->ops->invvpid(v->cpu, VMX_INVVPID_ADDR, (uint16_t)vpid, e->qualification);
        if (s.outcome != VMX_SUCCEED)
            s = v->cpu->ops->invvpid(v->cpu, VMX_INVVPID_SINGLE, (uint16_t)vpid, 0);
        if (s.outcome != VMX_SUCCEED)
            return vmm_vcpu_fail(v, VMM_E_STATE, "INVVPID failed");
    }
    return complete(v);
}
