/* SPDX-License-Identifier: Apache-2.0 */
/* Predicates of checks/guest_regs.def. */
#ifndef VMM_PRED_GUEST_REGS_H
#define VMM_PRED_GUEST_REGS_H

#include "ctx.h"

#endif
