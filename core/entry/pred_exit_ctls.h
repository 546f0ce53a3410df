/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Predicates of checks/exit_ctls.def. The control-word and MSR-area rules
 * use the shared predicates of pred_exec_ctls.h (ctl_word_*, ctl_addr_*).
 */
#ifndef VMM_PRED_EXIT_CTLS_H
#define VMM_PRED_EXIT_CTLS_H

#include "ctx.h"
#include "pred_exec_ctls.h"

/* "save VMX-preemption timer value" needs "activate VMX-preemption timer". */
static inline bool exit_save_timer_needs_timer(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (c->pin & VMX_PIN_PREEMPTION_TIMER) || !(c->exit & VMX_EXIT_SAVE_PREEMPTION_TIMER);
}

#endif
