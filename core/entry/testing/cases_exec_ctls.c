/* SPDX-License-Identifier: Apache-2.0 */
/* Mutation cases: VM-execution control checks (checks/exec_ctls.def). */
#include "cases.h"

const struct mutation_case cases_exec_ctls[] = {
    {VMX_CHECK_CTL_PIN_RSVD0, BASE_LONG64, {CLRF(PIN_BASED_VM_EXEC_CONTROL, 0x16)}, NULL,
     "pin-based must-be-1 bits cleared"},
    {VMX_CHECK_CTL_PIN_RSVD1, BASE_LONG64, {ORF(PIN_BASED_VM_EXEC_CONTROL, 1u << 8)}, NULL,
     "pin-based reserved bit 8 set"},
};
const size_t cases_exec_ctls_count = sizeof cases_exec_ctls / sizeof cases_exec_ctls[0];
