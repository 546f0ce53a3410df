/* SPDX-License-Identifier: Apache-2.0 */
/* Predicates of checks/guest_nonreg.def. */
#ifndef VMM_PRED_GUEST_NONREG_H
#define VMM_PRED_GUEST_NONREG_H

#include "ctx.h"

#endif
