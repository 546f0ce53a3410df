/* SPDX-License-Identifier: Apache-2.0 */
/* Reading XMHF's dumps, its CR0-intercept trace, and gdb printouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

static void reads_guest_state_follows_with_base_limit_pairs(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_file_ok("021-other-xmhf-cr0-ne-cleared-on-reboot-bug007.txt", VMXDUMP_XMHF, &d);
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_AR_BYTES), 0x9b);
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_BASE), 0x9b000);
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_LIMIT), 0xffff);
    assert_int_equal(given_value(&d, VMCS_GUEST_TR_BASE), 0xff406000);
    assert_int_equal(given_value(&d, VMCS_GUEST_CR0), 0x11);
    assert_int_equal(given_value(&d, VMCS_GUEST_CR4), 0x1526d0);
    assert_int_equal(given_value(&d, VMCS_GUEST_CR3), 0x1c84000);
    assert_int_equal(given_value(&d, VMCS_GUEST_RFLAGS), 0x200006);
    assert_int_equal(d.stated.exit_reason, 0x80000021);
    assert_true(d.stated.has_qualification);
}

static void reads_the_vmlaunch_error_code(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_file_ok("027-other-xmhf-vmlaunch-err7-invpcid-unsupported-bug005.txt", VMXDUMP_XMHF, &d);
    assert_true(d.stated.vmfail);
    assert_int_equal(d.stated.error, 7);
    assert_int_equal(d.stated.insn, VMXDUMP_INSN_VMLAUNCH);
    assert_int_equal(given_value(&d, VMCS_GUEST_LDTR_AR_BYTES), 0x10000);
}

static void uses_the_vmcs02_of_a_nested_dump_and_skips_unavailable_fields(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_file_ok("025-other-xmhf-nested-vbox-msr-load-efer-bug093.txt", VMXDUMP_XMHF, &d);
    /* VMCS12 says host CS 0x10, VMCS02 says 0x08. */
    assert_int_equal(given_value(&d, VMCS_HOST_CS_SELECTOR), 0x8);
    assert_int_equal(given_value(&d, VMCS_VM_ENTRY_MSR_LOAD_COUNT), 3);
    assert_int_equal(given_value(&d, VMCS_VM_EXIT_REASON), 0x80000022);
    assert_int_equal(given_value(&d, VMCS_GUEST_PHYSICAL_ADDRESS), 0x45b000);
    assert_int_equal(given_value(&d, VMCS_GUEST_PDPTR3), 0x9caa001);
    assert_false(vmxdump_given(&d, VMCS_POSTED_INTR_NV)); /* unavailable */
    assert_true(d.nnotes >= 1);
}

static void an_encoding_decides_the_field(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_file_ok("028-other-xmhf-nested-vmcs02-swexc-zero-insn-len-bug088.txt", VMXDUMP_XMHF, &d);
    assert_int_equal(given_value(&d, VMCS_VM_ENTRY_INTR_INFO_FIELD), 0x80000603);
    assert_int_equal(given_value(&d, VMCS_VM_ENTRY_INSTRUCTION_LEN), 0);
    assert_int_equal(given_value(&d, VMCS_TPR_THRESHOLD), 0);
    assert_int_equal(given_value(&d, VMCS_SECONDARY_VM_EXEC_CONTROL), 0x10aa);
    /* A name that disagrees with its encoding is refused. */
    parse_fails_at("CPU(0x00): (0x681e) VMCS02.guest_RSP = 0x1\n", VMXDUMP_XMHF, 1);
}

static void takes_the_state_at_the_failure_from_a_trace(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_file_ok("024-other-xmhf-ap-tr-type3-ia32e-bug014-partial.txt", VMXDUMP_XMHF_TRACE, &d);
    assert_int_equal(given_value(&d, VMCS_VM_ENTRY_CONTROLS), 0x13ff);
    assert_int_equal(given_value(&d, VMCS_GUEST_CR0), 0x80010021);
    assert_int_equal(given_value(&d, VMCS_GUEST_IA32_EFER), 0x901);
    /* Only shown after the failure: the first later value. */
    assert_int_equal(given_value(&d, VMCS_GUEST_TR_AR_BYTES), 0x83);
    assert_int_equal(d.stated.exit_reason, 0x80000021);
}

static void recognises_a_control_word_by_its_allowed0_setting(void **state)
{
    (void)state;
    struct vmxdump d;
    parse_file_ok("029-other-xmhf-nested-hyperv-procbased-allowed1-bug104-partial.txt", VMXDUMP_GDB,
                  &d);
    assert_int_equal(given_value(&d, VMCS_CPU_BASED_VM_EXEC_CONTROL), 0xb6a06dfa);
    assert_true(d.ctl_hint[VMM_CTL_PROC].present);
    assert_int_equal(d.ctl_hint[VMM_CTL_PROC].allowed0, 0x4006172);
    assert_int_equal(d.ctl_hint[VMM_CTL_PROC].allowed1, 0xeff9fffe);
    /* By name, and an allowed-0 setting that fits no word. */
    parse_ok("(gdb) p/x vcpu->vmcs.guest_RIP\n$1 = 0xfff0\n", VMXDUMP_GDB, &d);
    assert_int_equal(given_value(&d, VMCS_GUEST_RIP), 0xfff0);
    parse_fails_at("(gdb) p/x val\n$1 = 0x1\n(gdb) p/x fixed0\n$2 = 0x5\n(gdb) p/x fixed1\n$3 = 0x7\n",
                   VMXDUMP_GDB, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_guest_state_follows_with_base_limit_pairs),
        cmocka_unit_test(reads_the_vmlaunch_error_code),
        cmocka_unit_test(uses_the_vmcs02_of_a_nested_dump_and_skips_unavailable_fields),
        cmocka_unit_test(an_encoding_decides_the_field),
        cmocka_unit_test(takes_the_state_at_the_failure_from_a_trace),
        cmocka_unit_test(recognises_a_control_word_by_its_allowed0_setting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
