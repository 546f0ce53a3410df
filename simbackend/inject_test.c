/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event injection on VM entry: the event is delivered through the guest's
 * IDT before the first instruction (frame, error code, software-event
 * instruction length, RFLAGS), wakes a halted guest, sets NMI blocking, is
 * cleared from the VMCS by the exit, is never subject to the exception
 * bitmap itself, and a fault during its delivery exits with the injected
 * event as IDT-vectoring information. "Other event" 0 is a pending MTF exit.
 */
#include "testing/guest.h"

#define IF (1ull << 9)

static void inject(struct guest *g, uint32_t info, uint32_t error, uint32_t len)
{
    guest_set(g, VMCS_VM_ENTRY_INTR_INFO_FIELD, info);
    guest_set(g, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE, error);
    guest_set(g, VMCS_VM_ENTRY_INSTRUCTION_LEN, len);
}

static uint64_t stack_slot(struct guest *g, unsigned i)
{
    return guest_peek64(g, guest_get(g, VMCS_GUEST_RSP) + 8ull * i);
}

static void injected_gp_is_delivered_with_its_error_code(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    static const uint8_t code[] = {0x0f, 0xa2};
    guest_code(&g, code, sizeof code);
    guest_set(&g, VMCS_EXCEPTION_BITMAP, 1u << 13); /* the injected event itself never exits */
    guest_set(&g, VMCS_GUEST_RFLAGS, 0x2 | IF);
    inject(&g, 0x80000b0d, 0x1234, 0);
    assert_int_equal(guest_run(&g), VMX_EXIT_HLT);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_HANDLERS + 16 * 13);
    assert_int_equal(stack_slot(&g, 0), 0x1234);     /* error code */
    assert_int_equal(stack_slot(&g, 1), GUEST_CODE); /* RIP of the guest */
    assert_int_equal(stack_slot(&g, 2), 8);
    assert_int_equal(stack_slot(&g, 3), 0x2 | IF);   /* injection pushes RFLAGS as loaded */
    assert_int_equal(stack_slot(&g, 4), GUEST_STACK);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RFLAGS) & IF, 0);
    /* The exit cleared the valid bit. */
    assert_int_equal(guest_get(&g, VMCS_VM_ENTRY_INTR_INFO_FIELD), 0x00000b0d);
    guest_teardown(&g);
}

static void injected_software_interrupt_returns_past_the_instruction(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    inject(&g, 0x80000480, 0, 2); /* INT 0x80, length 2 */
    assert_int_equal(guest_run(&g), VMX_EXIT_HLT);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_HANDLERS + 16 * 0x80);
    assert_int_equal(stack_slot(&g, 0), GUEST_CODE + 2);
    guest_teardown(&g);
}

static void injection_wakes_a_halted_guest(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    guest_set(&g, VMCS_GUEST_ACTIVITY_STATE, 1);
    guest_set(&g, VMCS_GUEST_RFLAGS, 0x2 | IF); /* VM entry requires IF for an external interrupt */
    inject(&g, 0x80000030, 0, 0);
    assert_int_equal(guest_run(&g), VMX_EXIT_HLT);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_HANDLERS + 16 * 0x30);
    assert_int_equal(guest_get(&g, VMCS_GUEST_ACTIVITY_STATE), 0);
    guest_teardown(&g);
}

static void injected_nmi_blocks_nmis(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    inject(&g, 0x80000202, 0, 0);
    assert_int_equal(guest_run(&g), VMX_EXIT_HLT);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_HANDLERS + 16 * 2);
    assert_int_equal(guest_get(&g, VMCS_GUEST_INTERRUPTIBILITY_INFO), 8);
    guest_teardown(&g);
}

static void fault_delivering_an_injected_event_reports_it(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    static const uint8_t absent[16] = {[2] = 8, [5] = 0x0e}; /* interrupt gate, not present */
    guest_poke(&g, GUEST_IDT + 16 * 0x80, absent, 16);
    guest_set(&g, VMCS_EXCEPTION_BITMAP, 1u << 11);
    inject(&g, 0x80000480, 0, 2);
    assert_int_equal(guest_run(&g), VMX_EXIT_EXCEPTION_NMI);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.intr_info, 0x80000b0b);          /* #NP */
    assert_int_equal(x.intr_error, 0x80 * 8 + 2);       /* IDT, vector 0x80, not external */
    assert_int_equal(x.idt_info, 0x80000480);
    assert_int_equal(x.len, 2);                         /* the VM-entry instruction length */
    assert_int_equal(x.rip, GUEST_CODE);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RSP), GUEST_STACK);
    guest_teardown(&g);
}

static void injected_hardware_exception_fault_sets_ext(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    static const uint8_t absent[16] = {[2] = 8, [5] = 0x0e};
    guest_poke(&g, GUEST_IDT + 16 * 6, absent, 16);
    guest_set(&g, VMCS_EXCEPTION_BITMAP, 1u << 11);
    inject(&g, 0x80000306, 0, 0); /* #UD */
    assert_int_equal(guest_run(&g), VMX_EXIT_EXCEPTION_NMI);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.intr_error, 6 * 8 + 2 + 1); /* EXT: the event came from outside */
    assert_int_equal(x.idt_info, 0x80000306);
    assert_int_equal(x.len, 0);
    guest_teardown(&g);
}

static void pending_mtf_injection_exits_before_any_instruction(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_MONITOR_TRAP_FLAG, 0);
    inject(&g, 0x80000700, 0, 0);
    assert_int_equal(guest_run(&g), VMX_EXIT_MONITOR_TRAP_FLAG);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE);
    guest_teardown(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(injected_gp_is_delivered_with_its_error_code),
        cmocka_unit_test(injected_software_interrupt_returns_past_the_instruction),
        cmocka_unit_test(injection_wakes_a_halted_guest),
        cmocka_unit_test(injected_nmi_blocks_nmis),
        cmocka_unit_test(fault_delivering_an_injected_event_reports_it),
        cmocka_unit_test(injected_hardware_exception_fault_sets_ext),
        cmocka_unit_test(pending_mtf_injection_exits_before_any_instruction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
