/* SPDX-License-Identifier: Apache-2.0 */
/* Predicates of checks/guest_segs.def. */
#ifndef VMM_PRED_GUEST_SEGS_H
#define VMM_PRED_GUEST_SEGS_H

#include "ctx.h"

#endif
