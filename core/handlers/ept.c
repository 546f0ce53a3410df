/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EPT violations and misconfigurations. A violation inside an MMIO region
 * is a device access the x86 emulator will perform; until it exists the
 * exit is reported unhandled, the region remembered in the platform and
 * the qualification, GPA and GLA decoded in the vCPU's dump. A violation
 * elsewhere is an access to memory the guest does not have.
 */
#include "handler_util.h"

enum vmm_exit_action vmm_handle_ept_violation(struct vmm_vcpu *v, const struct vmm_exit *e,
                                              void *ctx)
{
    struct vmm_platform *p = ctx;
    struct vmx_qual_ept q;
    if (vmx_qual_ept_decode(e->qualification, &q) != VMM_OK)
        return vmm_vcpu_unhandled(v, "malformed EPT-violation qualification");
    p->last_mmio = vmm_mmio_find(&p->mmio, e->guest_physical);
    if (p->last_mmio)
        return vmm_vcpu_unhandled(v, "MMIO access: needs the instruction emulator");
    return vmm_vcpu_unhandled(v, "EPT violation outside guest RAM and MMIO regions");
}

enum vmm_exit_action vmm_handle_ept_misconfig(struct vmm_vcpu *v, const struct vmm_exit *e,
                                              void *ctx)
{
    (void)e, (void)ctx;
    return vmm_vcpu_unhandled(v, "EPT misconfiguration: an EPT entry is malformed");
}
