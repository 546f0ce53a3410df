/* SPDX-License-Identifier: Apache-2.0 */
/* Predicates of the basic VM-entry checks (checks/basic.def). */
#ifndef VMM_PRED_BASIC_H
#define VMM_PRED_BASIC_H

#include "ctx.h"

static inline bool basic_has_current_vmcs(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return c->in->vmcs != NULL;
}

static inline bool basic_current_not_shadow(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->in->current_is_shadow;
}

static inline bool basic_no_mov_ss_blocking(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->in->mov_ss_blocking;
}

static inline bool basic_launch_state_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return c->in->kind != VMM_LAUNCH || !c->in->launched;
}

static inline bool basic_launch_state_launched(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return c->in->kind != VMM_RESUME || c->in->launched;
}

#endif
