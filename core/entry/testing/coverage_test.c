/* SPDX-License-Identifier: Apache-2.0 */
/* Every check of the table is the expected first failure of some case. */
#include "cases.h"

#include <stdio.h>

int main(void)
{
    static unsigned covered[VMX_CHECK_COUNT];
#define COUNT_CASES(s) \
    for (size_t i = 0; i < cases_##s##_count; i++) \
        if ((unsigned)cases_##s[i].check < VMX_CHECK_COUNT) \
            covered[cases_##s[i].check]++;
    CASE_TABLES(COUNT_CASES)
#undef COUNT_CASES
    unsigned missing = 0;
    for (unsigned i = 0; i < VMX_CHECK_COUNT; i++)
        if (!covered[i]) {
            printf("no mutation case makes %s fail first\n", vmx_check_table[i].id);
            missing++;
        }
    printf("%u checks, %u without a case\n", (unsigned)VMX_CHECK_COUNT, missing);
    return missing ? 1 : 0;
}
