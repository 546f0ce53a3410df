/* SPDX-License-Identifier: Apache-2.0 */
/* The exit-reason table: complete, uniquely named, and saying what the SDM says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/exits.h"

static void every_reason_0_to_85_has_a_row(void **state)
{
    (void)state;
    for (uint32_t r = 0; r < VMX_EXIT_REASON_COUNT; r++) {
        const struct vmx_exit_info *e = vmx_exit_info_of(r);
        assert_non_null(e);
        assert_non_null(e->name);
        assert_non_null(e->title);
        assert_true(strlen(e->name) > 0);
    }
    assert_null(vmx_exit_info_of(86));
    assert_null(vmx_exit_info_of(0xffff));
    assert_string_equal(vmx_exit_name(86), "?");
}

static void names_are_unique(void **state)
{
    (void)state;
    for (uint32_t a = 0; a < VMX_EXIT_REASON_COUNT; a++)
        for (uint32_t b = a + 1; b < VMX_EXIT_REASON_COUNT; b++)
            assert_string_not_equal(vmx_exit_table[a].name, vmx_exit_table[b].name);
}

static void enum_values_are_the_sdm_numbers(void **state)
{
    (void)state;
    assert_int_equal(VMX_EXIT_CPUID, 10);
    assert_int_equal(VMX_EXIT_CR_ACCESS, 28);
    assert_int_equal(VMX_EXIT_IO_INSTRUCTION, 30);
    assert_int_equal(VMX_EXIT_EPT_VIOLATION, 48);
    assert_int_equal(VMX_EXIT_XSETBV, 55);
    assert_int_equal(VMX_EXIT_MSR_WRITE_IMM, 85);
    assert_string_equal(vmx_exit_name(18), "VMCALL");
    assert_string_equal(vmx_exit_name(2), "TRIPLE_FAULT");
}

static void only_33_34_41_are_entry_failures(void **state)
{
    (void)state;
    for (uint32_t r = 0; r < VMX_EXIT_REASON_COUNT; r++) {
        bool ef = vmx_exit_table[r].extra & VMX_EXIT_EXTRA_ENTRY_FAIL;
        assert_int_equal(ef, r == 33 || r == 34 || r == 41);
    }
}

static void reserved_reasons_are_35_38_42_82_83(void **state)
{
    (void)state;
    for (uint32_t r = 0; r < VMX_EXIT_REASON_COUNT; r++) {
        bool reserved = vmx_exit_table[r].qual == VMX_QUAL_RESERVED;
        assert_int_equal(reserved, r == 35 || r == 38 || r == 42 || r == 82 || r == 83);
        if (reserved) {
            assert_int_equal(vmx_exit_table[r].len, VMX_EXIT_LEN_NO);
            assert_int_equal(vmx_exit_table[r].info, VMX_INFO_NONE);
        }
    }
}

static void instruction_length_validity_follows_the_sdm(void **state)
{
    (void)state;
    /* Instruction exits report a length; events and traps do not. */
    const uint32_t yes[] = {10, 12, 14, 16, 18, 28, 30, 31, 32, 51, 55};
    const uint32_t no[] = {1, 2, 7, 8, 33, 37, 43, 49, 52};
    const uint32_t cond[] = {0, 9, 44, 48};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        assert_int_equal(vmx_exit_table[yes[i]].len, VMX_EXIT_LEN_YES);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_int_equal(vmx_exit_table[no[i]].len, VMX_EXIT_LEN_NO);
    for (size_t i = 0; i < sizeof cond / sizeof cond[0]; i++)
        assert_int_equal(vmx_exit_table[cond[i]].len, VMX_EXIT_LEN_COND);
}

static void instruction_information_layouts_match_their_instructions(void **state)
{
    (void)state;
    assert_int_equal(vmx_exit_table[VMX_EXIT_VMREAD].info, VMX_INFO_VMREAD_WRITE);
    assert_int_equal(vmx_exit_table[VMX_EXIT_VMWRITE].info, VMX_INFO_VMREAD_WRITE);
    assert_int_equal(vmx_exit_table[VMX_EXIT_VMPTRLD].info, VMX_INFO_VMX_MEM);
    assert_int_equal(vmx_exit_table[VMX_EXIT_XSAVES].info, VMX_INFO_VMX_MEM);
    assert_int_equal(vmx_exit_table[VMX_EXIT_INVEPT].info, VMX_INFO_INVALIDATE);
    assert_int_equal(vmx_exit_table[VMX_EXIT_INVPCID].info, VMX_INFO_INVALIDATE);
    assert_int_equal(vmx_exit_table[VMX_EXIT_GDTR_IDTR].info, VMX_INFO_GDT_IDT);
    assert_int_equal(vmx_exit_table[VMX_EXIT_LDTR_TR].info, VMX_INFO_LDT_TR);
    assert_int_equal(vmx_exit_table[VMX_EXIT_RDSEED].info, VMX_INFO_RDRAND);
    assert_int_equal(vmx_exit_table[VMX_EXIT_IO_INSTRUCTION].info, VMX_INFO_INS_OUTS);
    assert_int_equal(vmx_exit_table[VMX_EXIT_CPUID].info, VMX_INFO_NONE);
    assert_int_equal(vmx_exit_table[VMX_EXIT_CR_ACCESS].info, VMX_INFO_NONE);
}

static void qualification_kinds_and_extra_fields(void **state)
{
    (void)state;
    assert_int_equal(vmx_exit_table[VMX_EXIT_CR_ACCESS].qual, VMX_QUAL_CR);
    assert_int_equal(vmx_exit_table[VMX_EXIT_IO_INSTRUCTION].qual, VMX_QUAL_IO);
    assert_int_equal(vmx_exit_table[VMX_EXIT_EPT_VIOLATION].qual, VMX_QUAL_EPT_VIOLATION);
    assert_int_equal(vmx_exit_table[VMX_EXIT_CPUID].qual, VMX_QUAL_NONE);
    assert_int_equal(vmx_exit_table[VMX_EXIT_EPT_VIOLATION].extra, VMX_EXIT_EXTRA_GPA_GLA);
    assert_int_equal(vmx_exit_table[VMX_EXIT_EPT_MISCONFIG].extra, VMX_EXIT_EXTRA_GPA);
    assert_int_equal(vmx_exit_table[VMX_EXIT_EXCEPTION_NMI].extra, VMX_EXIT_EXTRA_INTR);
    assert_int_equal(vmx_exit_table[VMX_EXIT_EXTERNAL_INTERRUPT].extra, VMX_EXIT_EXTRA_INTR);
    /* Only the EPT exits report a guest-physical address. */
    for (uint32_t r = 0; r < VMX_EXIT_REASON_COUNT; r++)
        if (vmx_exit_table[r].extra & VMX_EXIT_EXTRA_GPA)
            assert_true(r == 48 || r == 49 || r == 66);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_reason_0_to_85_has_a_row),
        cmocka_unit_test(names_are_unique),
        cmocka_unit_test(enum_values_are_the_sdm_numbers),
        cmocka_unit_test(only_33_34_41_are_entry_failures),
        cmocka_unit_test(reserved_reasons_are_35_38_42_82_83),
        cmocka_unit_test(instruction_length_validity_follows_the_sdm),
        cmocka_unit_test(instruction_information_layouts_match_their_instructions),
        cmocka_unit_test(qualification_kinds_and_extra_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
