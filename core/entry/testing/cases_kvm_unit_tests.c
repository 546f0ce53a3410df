/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VM-entry scenarios of kvm-unit-tests' x86/vmx_tests.c (test_vm_entry_*,
 * test_host_*, test_guest_*, control-field and event-injection cases),
 * re-implemented from their intent as validator cases.
 */
#include "cases.h"

const struct mutation_case cases_kvm_unit_tests[] = {
    {VMX_CHECK_COUNT, BASE_LONG64, {{0}}, NULL, NULL}, /* placeholder: removed once the section has cases */
};
const size_t cases_kvm_unit_tests_count = 0;
