/* SPDX-License-Identifier: Apache-2.0 */
/* HLT exits: the instruction completes; the policy says stop or run on. */
#include "handler_util.h"

enum vmm_exit_action vmm_handle_hlt(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    struct vmm_platform *p = ctx;
    (void)e;
    enum vmm_exit_action a = complete(v);
    if (a != VMM_EXIT_RESUME)
        return a;
    return p->hlt == VMM_HLT_RESUME ? VMM_EXIT_RESUME : VMM_EXIT_STOP;
}
