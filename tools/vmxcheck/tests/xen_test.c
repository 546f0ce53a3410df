/* SPDX-License-Identifier: Apache-2.0 */
/* Reading Xen VMCS dumps: the segment table, failure lines, wrapped lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

static void reads_the_segment_table_and_the_vmlaunch_error(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_file_ok("006-xen-nested-vmlaunch-err7-gp-reinject-no-errcode.txt", VMXDUMP_XEN, &d);
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_SELECTOR), 0xf000);
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_AR_BYTES), 0x9b);
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_LIMIT), 0xffff);
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_BASE), 0xffff0000);
    assert_int_equal(given_value(&d, VMCS_GUEST_GDTR_LIMIT), 0xffff);
    assert_int_equal(given_value(&d, VMCS_GUEST_TR_AR_BYTES), 0x8b);
    assert_int_equal(given_value(&d, VMCS_GUEST_IA32_EFER), 0); /* EFER(VMCS) */
    assert_int_equal(given_value(&d, VMCS_GUEST_INTR_STATUS), 0);
    /* "RSP = 0x... (0x...)  RIP = ..." and a symbol after the host RIP. */
    assert_int_equal(given_value(&d, VMCS_GUEST_RIP), 0xfff0);
    assert_int_equal(given_value(&d, VMCS_HOST_RSP), 0xffff8320259bff70ull);
    assert_int_equal(given_value(&d, VMCS_POSTED_INTR_NV), 0xf4);
    assert_int_equal(given_value(&d, VMCS_VIRTUAL_PROCESSOR_ID), 0x3540);
    assert_int_equal(given_value(&d, VMCS_VM_FUNCTION_CONTROL), 0);
    assert_int_equal(given_value(&d, VMCS_VM_ENTRY_INTR_INFO_FIELD), 0x8000030d);
    assert_int_equal(given_value(&d, VMCS_IDT_VECTORING_ERROR_CODE), 0xf000);
    assert_true(d.stated.vmfail);
    assert_int_equal(d.stated.error, 7);
    assert_int_equal(d.stated.insn, VMXDUMP_INSN_VMLAUNCH);
    /* The crash register dump after the VMCS dump is not read as fields. */
    assert_int_equal(given_value(&d, VMCS_GUEST_CR4), 0x2050);
}

static void reads_the_failing_msr_load_entry_numbered_from_zero(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_file_ok("008-xen-msr-load-fail-ler-from-lip-broadwell.txt", VMXDUMP_XEN, &d);
    assert_true(d.stated.exit);
    assert_int_equal(d.stated.exit_reason, 0x80000022);
    assert_int_equal(d.stated.qualification, 2);
    const struct vmxdump_msrs *l = &d.msrs[VMXDUMP_MSRS_ENTRY_LOAD];
    assert_int_equal(l->n, 1);
    assert_int_equal(l->e[0].slot, 1);
    assert_int_equal(l->e[0].index, 0x1dd);
    assert_int_equal(l->e[0].value, 0x1ffff80676f52be5ull);
    /* Wrapped: "RIP =\n0x..." and "GSBase=...\nTRBase=..." */
    assert_int_equal(given_value(&d, VMCS_GUEST_RIP), 0xfffff80676dc29d0ull);
    assert_int_equal(given_value(&d, VMCS_HOST_RSP), 0xffff8304204f7f70ull);
    assert_int_equal(given_value(&d, VMCS_HOST_TR_BASE), 0xffff83042bb02c80ull);
    assert_int_equal(given_value(&d, VMCS_CR0_GUEST_HOST_MASK), ~0ull);
    assert_int_equal(given_value(&d, VMCS_GUEST_SS_AR_BYTES), 0x1c000);
}

static void a_short_segment_row_is_an_error_on_its_line(void **state)
{
    (void)state;
    parse_fails_at("(XEN) *** Guest State ***\n"
                   "(XEN)        sel  attr  limit   base\n"
                   "(XEN)   CS: f000 0009b 0000ffff\n",
                   VMXDUMP_XEN, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_the_segment_table_and_the_vmlaunch_error),
        cmocka_unit_test(reads_the_failing_msr_load_entry_numbered_from_zero),
        cmocka_unit_test(a_short_segment_row_is_an_error_on_its_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
