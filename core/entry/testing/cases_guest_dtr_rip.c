/* SPDX-License-Identifier: Apache-2.0 */
/* Mutation cases: checks/guest_dtr_rip.def. */
#include "cases.h"

const struct mutation_case cases_guest_dtr_rip[] = {
    {VMX_CHECK_COUNT, BASE_LONG64, {{0}}, NULL, NULL}, /* placeholder: removed once the section has cases */
};
const size_t cases_guest_dtr_rip_count = 0;
