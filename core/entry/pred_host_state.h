/* SPDX-License-Identifier: Apache-2.0 */
/* Predicates of checks/host_state.def. */
#ifndef VMM_PRED_HOST_STATE_H
#define VMM_PRED_HOST_STATE_H

#include "ctx.h"

#endif
