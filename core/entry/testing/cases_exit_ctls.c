/* SPDX-License-Identifier: Apache-2.0 */
/* Mutation cases: checks/exit_ctls.def. */
#include "cases.h"

const struct mutation_case cases_exit_ctls[] = {
    {VMX_CHECK_COUNT, BASE_LONG64, {{0}}, NULL, NULL}, /* placeholder: removed once the section has cases */
};
const size_t cases_exit_ctls_count = 0;
