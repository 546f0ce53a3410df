/* SPDX-License-Identifier: Apache-2.0 */
/* CPUID exits: the policy answers, with the guest's CR4 for the OS bits. */
#include "handler_util.h"

enum vmm_exit_action vmm_handle_cpuid(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    struct vmm_platform *p = ctx;
    (void)e;
    uint64_t cr4;
    HTRY(v, visible_cr4(v->cpu, &cr4), "reading guest CR4 failed");
    struct vmm_cpuid_regs r;
    vmm_cpuid_query(&p->cpuid, (uint32_t)v->gprs.rax, (uint32_t)v->gprs.rcx, cr4, &r);
    v->gprs.rax = r.eax;
    v->gprs.rbx = r.ebx;
    v->gprs.rcx = r.ecx;
    v->gprs.rdx = r.edx;
    return complete(v);
}
