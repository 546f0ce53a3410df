/* SPDX-License-Identifier: Apache-2.0 */
/* Predicates of checks/exit_ctls.def. */
#ifndef VMM_PRED_EXIT_CTLS_H
#define VMM_PRED_EXIT_CTLS_H

#include "ctx.h"

#endif
