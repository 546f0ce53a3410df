/* SPDX-License-Identifier: Apache-2.0 */
/* Predicates of checks/entry_ctls.def. */
#ifndef VMM_PRED_ENTRY_CTLS_H
#define VMM_PRED_ENTRY_CTLS_H

#include "ctx.h"

#endif
