/* SPDX-License-Identifier: Apache-2.0 */
/* Exits the guest cannot come back from, and reasons reported as unhandled. */
#include "handler_util.h"

enum vmm_exit_action vmm_handle_triple_fault(struct vmm_vcpu *v, const struct vmm_exit *e,
                                             void *ctx)
{
    (void)e, (void)ctx;
    return vmm_vcpu_fatal(v, "triple fault: the guest shut down");
}

enum vmm_exit_action vmm_handle_unhandled(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    (void)e, (void)ctx;
    return vmm_vcpu_unhandled(v, "exit reason has no emulation");
}
