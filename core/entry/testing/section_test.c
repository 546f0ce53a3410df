/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One section's mutation cases as a test binary; CASES names the table
 * (set by the BUILD rule).
 */
#include "cases.h"

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)

int main(void)
{
    return run_mutation_cases(CASE_NAME, CAT(cases_, CASES), CAT(CAT(cases_, CASES), _count)) ? 1 : 0;
}
