/* SPDX-License-Identifier: Apache-2.0 */
/* Reading JSON dumps: flat objects, the --json report, values, and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

static void reads_field_names_in_any_case_with_number_and_string_values(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_ok("{\"GUEST_RIP\": \"0xfff0\", \"guest_cr0\": 96, \"Vm_Entry_Controls\": \"4607\",\n"
             " \"TSC_OFFSET\": 18446744073709551615, \"TSC_OFFSET_HIGH\": \"0x12\",\n"
             " \"GUEST_CR3\": null, \"GUEST_CR4\": \"unavailable\"}",
             VMXDUMP_AUTO, &d);
    assert_int_equal(d.format, VMXDUMP_JSON);
    assert_int_equal(given_value(&d, VMCS_GUEST_RIP), 0xfff0);
    assert_int_equal(given_value(&d, VMCS_GUEST_CR0), 96);
    assert_int_equal(given_value(&d, VMCS_VM_ENTRY_CONTROLS), 4607);
    assert_int_equal(given_value(&d, VMCS_TSC_OFFSET), 0x00000012ffffffffull);
    assert_false(vmxdump_given(&d, VMCS_GUEST_CR3));
    assert_false(vmxdump_given(&d, VMCS_GUEST_CR4));
    assert_int_equal(d.line_of[VMCS_TSC_OFFSET], 2);
}

static void reads_the_report_form_with_statements_and_msr_lists(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_ok("{\"tool\": \"vmxcheck\", \"input\": \"x\", \"findings\": [{\"id\": \"A\"}],\n"
             " \"fields\": {\"GUEST_CR3\": \"0x1000\"},\n"
             " \"stated\": {\"instruction\": \"VMRESUME\", \"exit_reason\": \"0x80000022\", "
             "\"exit_qualification\": 1},\n"
             " \"msr_lists\": {\"entry_load\": [{\"slot\": 0, \"index\": \"0xc0000080\", "
             "\"value\": \"0xd01\"}]},\n"
             " \"capability_hints\": {\"proc\": {\"allowed0\": \"0x4006172\", \"allowed1\": "
             "\"0xeff9fffe\"}}}",
             VMXDUMP_JSON, &d);
    assert_int_equal(given_value(&d, VMCS_GUEST_CR3), 0x1000);
    assert_int_equal(d.stated.insn, VMXDUMP_INSN_VMRESUME);
    assert_int_equal(d.stated.exit_reason, 0x80000022);
    assert_int_equal(d.msrs[VMXDUMP_MSRS_ENTRY_LOAD].e[0].index, 0xc0000080);
    assert_true(d.ctl_hint[VMM_CTL_PROC].present);
    assert_int_equal(d.ctl_hint[VMM_CTL_PROC].allowed1, 0xeff9fffe);
}

static void an_unknown_name_is_an_error_on_its_line(void **state)
{
    (void)state;
    const char *m = parse_fails_at("{\n\"GUEST_RIP\": 1,\n\"GUEST_RIPP\": 2\n}", VMXDUMP_JSON, 3);
    assert_non_null(strstr(m, "GUEST_RIPP"));
}

static void malformed_json_is_an_error_with_its_line(void **state)
{
    (void)state;
    parse_fails_at("{\"GUEST_RIP\": -1}", VMXDUMP_JSON, 1);
    parse_fails_at("{\"GUEST_RIP\": 1.5}", VMXDUMP_JSON, 1);
    parse_fails_at("{\"GUEST_RIP\": \"0x1\"\n\"GUEST_CR3\": 1}", VMXDUMP_JSON, 2);
    parse_fails_at("{\"GUEST_RIP\": \"0x10000000000000000\"}", VMXDUMP_JSON, 1);
    parse_fails_at("{\"GUEST_CS_SELECTOR\": 65536}", VMXDUMP_JSON, 1);
    parse_fails_at("{\"GUEST_RIP\": 1} x", VMXDUMP_JSON, 1);
    parse_fails_at("{\"GUEST_RIP\": \"abc", VMXDUMP_JSON, 1);
    parse_fails_at("{}", VMXDUMP_JSON, 1); /* no fields */
    /* Deep nesting is refused, not recursed into. */
    char deep[4096] = "{\"x\": ";
    size_t n = strlen(deep);
    for (int i = 0; i < 1000; i++)
        deep[n++] = '[';
    deep[n] = '\0';
    parse_fails_at(deep, VMXDUMP_JSON, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_field_names_in_any_case_with_number_and_string_values),
        cmocka_unit_test(reads_the_report_form_with_statements_and_msr_lists),
        cmocka_unit_test(an_unknown_name_is_an_error_on_its_line),
        cmocka_unit_test(malformed_json_is_an_error_with_its_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
