/* SPDX-License-Identifier: Apache-2.0 */
/* Predicates of the VM-execution control checks (checks/exec_ctls.def). */
#ifndef VMM_PRED_EXEC_CTLS_H
#define VMM_PRED_EXEC_CTLS_H

#include "ctx.h"

/* The control word `kind` as VM entry sees it. */
static inline uint64_t ctl_word(const struct vmx_check_ctx *c, enum vmm_ctl_kind kind)
{
    switch (kind) {
    case VMM_CTL_PIN: return c->pin;
    case VMM_CTL_PROC: return c->proc;
    case VMM_CTL_PROC2: return c->proc2;
    case VMM_CTL_PROC3: return c->proc3;
    case VMM_CTL_EXIT: return c->exit;
    case VMM_CTL_EXIT2: return c->exit2;
    case VMM_CTL_ENTRY: return c->entry;
    case VMM_CTL_VMFUNC: return c->vmfunc;
    default: return 0;
    }
}

/* Every must-be-1 bit (allowed-0 = 1) of the word is 1. */
static inline bool ctl_word_has_required_bits(const struct vmx_check_ctx *c, unsigned kind)
{
    uint64_t required = c->caps->ctl[kind].allowed0;
    return (ctl_word(c, (enum vmm_ctl_kind)kind) & required) == required;
}

/* No bit with allowed-1 = 0 is set. */
static inline bool ctl_word_has_only_allowed_bits(const struct vmx_check_ctx *c, unsigned kind)
{
    return (ctl_word(c, (enum vmm_ctl_kind)kind) & ~c->caps->ctl[kind].allowed1) == 0;
}

#endif
