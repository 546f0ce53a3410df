/* SPDX-License-Identifier: Apache-2.0 */
/* Mutation cases: checks/msr_load.def. */
#include "cases.h"

const struct mutation_case cases_msr_load[] = {
    {VMX_CHECK_COUNT, BASE_LONG64, {{0}}, NULL, NULL}, /* placeholder: removed once the section has cases */
};
const size_t cases_msr_load_count = 0;
