/* SPDX-License-Identifier: Apache-2.0 */
/* Predicates of checks/msr_load.def. */
#ifndef VMM_PRED_MSR_LOAD_H
#define VMM_PRED_MSR_LOAD_H

#include "ctx.h"

#endif
