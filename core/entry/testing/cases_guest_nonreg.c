/* SPDX-License-Identifier: Apache-2.0 */
/* Mutation cases: checks/guest_nonreg.def. */
#include "cases.h"

const struct mutation_case cases_guest_nonreg[] = {
    {VMX_CHECK_COUNT, BASE_LONG64, {{0}}, NULL, NULL}, /* placeholder: removed once the section has cases */
};
const size_t cases_guest_nonreg_count = 0;
