/* SPDX-License-Identifier: Apache-2.0 */
/* Reading Linux KVM dump_vmcs() output: labels, prefixes, wraps, MSR lists, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

static void reads_every_labelled_item_of_a_timestamped_dump(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_file_ok("001-kvm-dosemu2-ldt-ds-not-accessed.txt", VMXDUMP_KVM, &d);
    assert_int_equal(given_value(&d, VMCS_GUEST_CR0), 0x80000031);
    assert_int_equal(given_value(&d, VMCS_CR0_READ_SHADOW), 0xe0000031);
    assert_int_equal(given_value(&d, VMCS_CR0_GUEST_HOST_MASK), 0xfffffffffffffff7ull);
    assert_int_equal(given_value(&d, VMCS_GUEST_CR4), 0x2041);
    assert_int_equal(given_value(&d, VMCS_GUEST_RSP), 0xeff0);
    assert_int_equal(given_value(&d, VMCS_GUEST_RIP), 0x17c);
    assert_int_equal(given_value(&d, VMCS_GUEST_RFLAGS), 0x80202);
    assert_int_equal(given_value(&d, VMCS_GUEST_DR7), 0x400);
    assert_int_equal(given_value(&d, VMCS_GUEST_SYSENTER_CS), 0);
    /* "CS: sel=..., attr=..., limit=..., \nbase=..." is one wrapped record. */
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_SELECTOR), 0x97);
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_AR_BYTES), 0x40fb);
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_LIMIT), 0x1a0);
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_BASE), 0x2110000);
    assert_int_equal(given_value(&d, VMCS_GUEST_DS_AR_BYTES), 0xc0f2);
    assert_int_equal(given_value(&d, VMCS_GUEST_GDTR_BASE), 0xa708100);
    assert_int_equal(given_value(&d, VMCS_GUEST_LDTR_AR_BYTES), 0x82);
    assert_int_equal(given_value(&d, VMCS_GUEST_TR_LIMIT), 0x2088);
    assert_int_equal(given_value(&d, VMCS_GUEST_IA32_PAT), 0x0007040600070406ull);
    /* "DebugExceptions = \n0x..." */
    assert_int_equal(given_value(&d, VMCS_GUEST_PENDING_DBG_EXCEPTIONS), 0);
    /* Host block: same labels, other fields. */
    assert_int_equal(given_value(&d, VMCS_HOST_RIP), 0xffffffffc12525b0ull);
    assert_int_equal(given_value(&d, VMCS_HOST_TR_SELECTOR), 0x40);
    assert_int_equal(given_value(&d, VMCS_HOST_TR_BASE), 0xfffffe0000102000ull);
    assert_int_equal(given_value(&d, VMCS_HOST_CR4), 0x1626e0);
    assert_int_equal(given_value(&d, VMCS_HOST_IA32_SYSENTER_CS), 0x10);
    assert_int_equal(given_value(&d, VMCS_HOST_IA32_SYSENTER_EIP), 0xffffffffbd001720ull);
    assert_int_equal(given_value(&d, VMCS_HOST_IA32_EFER), 0xd01);
    /* Control block. */
    assert_int_equal(given_value(&d, VMCS_PIN_BASED_VM_EXEC_CONTROL), 0x7f);
    assert_int_equal(given_value(&d, VMCS_SECONDARY_VM_EXEC_CONTROL), 0x2c6a);
    assert_int_equal(given_value(&d, VMCS_VM_ENTRY_CONTROLS), 0xd1ff);
    assert_int_equal(given_value(&d, VMCS_PAGE_FAULT_ERROR_CODE_MATCH), 0);
    assert_int_equal(given_value(&d, VMCS_VM_ENTRY_INTR_INFO_FIELD), 0x4e6);
    assert_int_equal(given_value(&d, VMCS_VM_ENTRY_INSTRUCTION_LEN), 2);
    assert_int_equal(given_value(&d, VMCS_VM_EXIT_INSTRUCTION_LEN), 1);
    assert_int_equal(given_value(&d, VMCS_VM_EXIT_REASON), 0x80000021);
    assert_int_equal(given_value(&d, VMCS_TSC_OFFSET), 0xffa686ee1681acf4ull);
    assert_int_equal(given_value(&d, VMCS_EPT_POINTER), 0x5fcec605eull);
    assert_int_equal(given_value(&d, VMCS_PLE_WINDOW), 0x1000);
    assert_int_equal(given_value(&d, VMCS_VIRTUAL_PROCESSOR_ID), 1);
    assert_false(vmxdump_given(&d, VMCS_VMCS_LINK_POINTER));
    assert_int_equal(d.line_of[VMCS_GUEST_DS_AR_BYTES], 12);
}

static void reads_kvm_intel_prefixes_and_the_msr_autoload_lists(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_file_ok("011-kvm-nvmx-ve-exit-not-an-entry-failure.txt", VMXDUMP_KVM, &d);
    assert_int_equal(given_value(&d, VMCS_GUEST_IA32_EFER), 0x500);
    assert_int_equal(given_value(&d, VMCS_CPU_BASED_VM_EXEC_CONTROL), 0xa5986dfa);
    assert_int_equal(given_value(&d, VMCS_TERTIARY_VM_EXEC_CONTROL), 0);
    assert_int_equal(given_value(&d, VMCS_VE_INFORMATION_ADDRESS), 0x135a04000ull);
    assert_int_equal(given_value(&d, VMCS_TSC_MULTIPLIER), 0x0001000000000000ull);
    const struct vmxdump_msrs *in = &d.msrs[VMXDUMP_MSRS_ENTRY_LOAD];
    assert_int_equal(in->n, 1);
    assert_int_equal(in->e[0].index, 0x600);
    assert_int_equal(given_value(&d, VMCS_VM_ENTRY_MSR_LOAD_COUNT), 1);
    assert_int_equal(d.msrs[VMXDUMP_MSRS_EXIT_LOAD].e[0].value, 0xfffffe5926da0000ull);
    assert_int_equal(given_value(&d, VMCS_VM_EXIT_MSR_LOAD_COUNT), 1);
}

static void reads_a_dump_without_prefixes(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_file_ok("004-kvm-custom-vmm-garbage-sregs-gdtr-tr.txt", VMXDUMP_KVM, &d);
    assert_int_equal(given_value(&d, VMCS_GUEST_GDTR_BASE), 0x001f000000000200ull);
    assert_int_equal(given_value(&d, VMCS_GUEST_TR_AR_BYTES), 0x10021);
    assert_int_equal(given_value(&d, VMCS_GUEST_PDPTR3), 0);
    assert_int_equal(given_value(&d, VMCS_GUEST_BNDCFGS), 0);
    assert_int_equal(given_value(&d, VMCS_VM_ENTRY_INTR_INFO_FIELD), 0x80000044);
}

static void joins_a_value_wrapped_onto_the_next_line(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_ok("*** Guest State ***\n"
             "RSP = 0x0000000000001000  RIP =\n"
             "0x0000000000002000\n"
             "CR0: actual=0x0000000080000031,\n"
             "shadow=0x0000000000000011, gh_mask=fffffffffffffff7\n",
             VMXDUMP_KVM, &d);
    assert_int_equal(given_value(&d, VMCS_GUEST_RIP), 0x2000);
    assert_int_equal(given_value(&d, VMCS_CR0_READ_SHADOW), 0x11);
    assert_int_equal(given_value(&d, VMCS_CR0_GUEST_HOST_MASK), 0xfffffffffffffff7ull);
}

static void a_dump_cut_inside_a_record_is_an_error_on_its_line(void **state)
{
    (void)state;
    parse_fails_at("*** Guest State ***\nCR3 = 0x1000\nCS:   sel=0x0010, attr=0x0a09b,", VMXDUMP_KVM, 3);
    /* A wrapped value followed by a new record: the record was cut off. */
    parse_fails_at("*** Guest State ***\nRIP =\nCR3 = 0x1000\n", VMXDUMP_KVM, 2);
}

static void a_bad_value_is_an_error_on_its_line(void **state)
{
    (void)state;
    const char *m = parse_fails_at("*** Guest State ***\nCR3 = 0x1000\nRSP = 0xzz  RIP = 0x1\n",
                                   VMXDUMP_KVM, 3);
    assert_non_null(strstr(m, "RSP"));
    /* A value wider than its field. */
    parse_fails_at("*** Guest State ***\nCS:   sel=0x12345, attr=0x0a09b\n", VMXDUMP_KVM, 2);
}

static void uses_the_last_of_several_dumps(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_ok("[1.0] *** Guest State ***\n[1.0] CR3 = 0x1000\n[1.0] RIP = 0x1 RSP = 0x2\n"
             "[2.0] *** Guest State ***\n[2.0] CR3 = 0x2000\n",
             VMXDUMP_KVM, &d);
    assert_int_equal(given_value(&d, VMCS_GUEST_CR3), 0x2000);
    assert_false(vmxdump_given(&d, VMCS_GUEST_RIP));
    assert_true(d.nnotes >= 1);
}

static void an_effective_efer_is_not_the_vmcs_field(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_ok("*** Guest State ***\nCR3 = 0x1000\nEFER= 0x0000000000000500 (effective)\n"
             "SVI|RVI = 10|22\n",
             VMXDUMP_KVM, &d);
    assert_false(vmxdump_given(&d, VMCS_GUEST_IA32_EFER));
    assert_int_equal(given_value(&d, VMCS_GUEST_INTR_STATUS), 0x1022);
}

static void unrelated_log_lines_are_skipped(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_ok("kvm: vcpu0 something happened, see below,\n"
             "kvm_intel: VMCS 00000000deadbeef, last attempted VM-entry on CPU 3\n"
             "kvm_intel: *** Guest State ***\n"
             "kvm_intel: CR3 = 0x0000000000001000\n"
             "some other driver: value = 7\n",
             VMXDUMP_KVM, &d);
    assert_int_equal(d.nfields, 1);
    assert_int_equal(given_value(&d, VMCS_GUEST_CR3), 0x1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_every_labelled_item_of_a_timestamped_dump),
        cmocka_unit_test(reads_kvm_intel_prefixes_and_the_msr_autoload_lists),
        cmocka_unit_test(reads_a_dump_without_prefixes),
        cmocka_unit_test(joins_a_value_wrapped_onto_the_next_line),
        cmocka_unit_test(a_dump_cut_inside_a_record_is_an_error_on_its_line),
        cmocka_unit_test(a_bad_value_is_an_error_on_its_line),
        cmocka_unit_test(uses_the_last_of_several_dumps),
        cmocka_unit_test(an_effective_efer_is_not_the_vmcs_field),
        cmocka_unit_test(unrelated_log_lines_are_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
