/* SPDX-License-Identifier: Apache-2.0 */
/* Mutation cases: checks/host_state.def. */
#include "cases.h"

const struct mutation_case cases_host_state[] = {
    {VMX_CHECK_COUNT, BASE_LONG64, {{0}}, NULL, NULL}, /* placeholder: removed once the section has cases */
};
const size_t cases_host_state_count = 0;
