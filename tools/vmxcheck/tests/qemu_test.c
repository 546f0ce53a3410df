/* SPDX-License-Identifier: Apache-2.0 */
/* Reading QEMU's register dump: segment flags to access rights, CR0/CR4 as shadows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

static void reads_a_real_mode_dump_after_hardware_error_7(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_file_ok("015-qemu-err7-bad-vmexit-ctls-perf-global-ctrl.txt", VMXDUMP_QEMU, &d);
    assert_true(d.stated.vmfail);
    assert_int_equal(d.stated.error, 7);
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_SELECTOR), 0xf000);
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_BASE), 0xffff0000);
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_AR_BYTES), 0x9b);
    assert_int_equal(given_value(&d, VMCS_GUEST_LDTR_AR_BYTES), 0x82);
    assert_int_equal(given_value(&d, VMCS_GUEST_TR_AR_BYTES), 0x8b);
    assert_int_equal(given_value(&d, VMCS_GUEST_GDTR_LIMIT), 0xffff);
    assert_int_equal(given_value(&d, VMCS_GUEST_RIP), 0xfff0);
    assert_int_equal(given_value(&d, VMCS_GUEST_RFLAGS), 2);
    assert_int_equal(given_value(&d, VMCS_CR0_READ_SHADOW), 0x60000010);
    assert_false(vmxdump_given(&d, VMCS_GUEST_CR0));
    assert_int_equal(given_value(&d, VMCS_GUEST_DR7), 0x400);
    assert_int_equal(given_value(&d, VMCS_GUEST_IA32_EFER), 0);
    assert_true(d.has_cpl);
}

static void a_segment_without_p_is_unusable_and_exit_reasons_are_kept(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_ok("KVM: entry failed, hardware error 0x80000021\n"
             "RAX=0000000000000000 RBX=0000000000000000\n"
             "RIP=ffffffff81000000 RFL=00000246 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=0\n"
             "ES =0000 0000000000000000 00000000 00000000\n"
             "CS =0010 0000000000000000 ffffffff 00a09b00 DPL=0 CS64 [-RA]\n"
             "GDT=     fffffe0000001000 0000007f\n"
             "CR0=80050033 CR2=0000000000000000 CR3=0000000001000000 CR4=000006f0\n"
             "EFER=0000000000000d01\n",
             VMXDUMP_QEMU, &d);
    assert_true(d.stated.exit);
    assert_int_equal(d.stated.exit_reason, 0x80000021);
    assert_int_equal(given_value(&d, VMCS_GUEST_ES_AR_BYTES), 0x10000);
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_AR_BYTES), 0xa09b);
    assert_int_equal(given_value(&d, VMCS_GUEST_GDTR_BASE), 0xfffffe0000001000ull);
    assert_int_equal(given_value(&d, VMCS_GUEST_RIP), 0xffffffff81000000ull);
    assert_int_equal(given_value(&d, VMCS_CR4_READ_SHADOW), 0x6f0);
}

static void a_malformed_segment_line_is_an_error_on_its_line(void **state)
{
    (void)state;
    parse_fails_at("EAX=00000000 EBX=00000000\nCS =f000 ffff0000\n", VMXDUMP_QEMU, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_a_real_mode_dump_after_hardware_error_7),
        cmocka_unit_test(a_segment_without_p_is_unusable_and_exit_reasons_are_kept),
        cmocka_unit_test(a_malformed_segment_line_is_an_error_on_its_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
