/* SPDX-License-Identifier: Apache-2.0 */
/* Predicates of checks/guest_dtr_rip.def. */
#ifndef VMM_PRED_GUEST_DTR_RIP_H
#define VMM_PRED_GUEST_DTR_RIP_H

#include "ctx.h"

#endif
