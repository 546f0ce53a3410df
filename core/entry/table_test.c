/* SPDX-License-Identifier: Apache-2.0 */
/* The check table is well formed: unique IDs, sane classes, fields, text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vmm/entry.h"

static void ids_are_unique_and_found_by_lookup(void **state)
{
    (void)state;
    for (unsigned i = 0; i < VMX_CHECK_COUNT; i++) {
        enum vmx_check_id id;
        assert_int_equal(vmx_check_by_id(vmx_check_table[i].id, &id), VMM_OK);
        if (id != i)
            fail_msg("duplicate check ID %s", vmx_check_table[i].id);
    }
    enum vmx_check_id id;
    assert_int_equal(vmx_check_by_id("NO.SUCH.CHECK", &id), VMM_E_NOENT);
}

static void classes_carry_the_numbers_hardware_reports(void **state)
{
    (void)state;
    for (unsigned i = 0; i < VMX_CHECK_COUNT; i++) {
        const struct vmx_check_info *c = &vmx_check_table[i];
        switch (c->cls) {
        case VMX_CLASS_FAIL_INVALID:
        case VMX_CLASS_MSR_LOAD:
            assert_int_equal(c->number, 0);
            break;
        case VMX_CLASS_VMFAIL:
            if (c->number != 4 && c->number != 5 && c->number != 7 && c->number != 8 &&
                c->number != 26)
                fail_msg("%s: VMfailValid %u is not an entry error", c->id, c->number);
            break;
        case VMX_CLASS_GUEST:
            if (c->number != 0 && c->number != 2 && c->number != 3 && c->number != 4)
                fail_msg("%s: exit-33 qualification %u", c->id, c->number);
            break;
        default:
            fail_msg("%s: class %u", c->id, c->cls);
        }
    }
}

static void every_row_has_text_section_and_valid_fields(void **state)
{
    (void)state;
    for (unsigned i = 0; i < VMX_CHECK_COUNT; i++) {
        const struct vmx_check_info *c = &vmx_check_table[i];
        assert_true(strlen(c->message) > 10);
        assert_true(strlen(c->hint) > 5);
        assert_true(c->section[0] >= '1' && c->section[0] <= '4');
        assert_true(c->nfields >= 1 && c->nfields <= 4);
        for (unsigned k = 0; k < c->nfields; k++)
            assert_true(c->fields[k] <= VMCS_NO_FIELD);
    }
}

static void sections_print_in_every_edition(void **state)
{
    (void)state;
    char buf[32];
    vmx_check_section(VMX_CHECK_CTL_PIN_RSVD0, 26, buf, sizeof buf);
    assert_string_equal(buf, "26.2.1.1");
    vmx_check_section(VMX_CHECK_CTL_PIN_RSVD0, 29, buf, sizeof buf);
    assert_string_equal(buf, "29.2.1.1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_are_unique_and_found_by_lookup),
        cmocka_unit_test(classes_carry_the_numbers_hardware_reports),
        cmocka_unit_test(every_row_has_text_section_and_valid_fields),
        cmocka_unit_test(sections_print_in_every_edition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
