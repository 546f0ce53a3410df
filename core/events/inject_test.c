/* SPDX-License-Identifier: Apache-2.0 */
/* Event injection: the entry fields written, the SDM's rules enforced. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "core/cpu/cpu_test_double_vmx.h"
#include "vmm/events.h"

struct fixture {
    struct cpu_test_double td;
    struct cpu_td_vmx vmx;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct vmx_raw_caps raw = {0};
    cpu_test_double_init(&f->td, &raw);
    cpu_test_double_enable_vmx(&f->td, &f->vmx, NULL, 0);
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_CR0, 0x80000031); /* PG, NE, ET, PE */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static uint64_t info(struct fixture *f)
{
    return cpu_td_vmcs(&f->td, VMCS_VM_ENTRY_INTR_INFO_FIELD);
}

static void gp_delivers_its_error_code_in_protected_mode(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_GP, 0x18), VMM_INJECTED);
    assert_int_equal(info(f), 0x80000b0d); /* valid, error, type 3, vector 13 */
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE), 0x18);
}

static void real_mode_exceptions_push_no_error_code(void **state)
{
    struct fixture *f = *state;
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_CR0, 0x10);
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_GP, 0x18), VMM_INJECTED);
    assert_int_equal(info(f), 0x8000030d);
}

static void vectors_without_error_code_ignore_the_argument(void **state)
{
    struct fixture *f = *state;
    for (unsigned v = 0; v < 32; v++) {
        bool expect = v == 8 || v == 10 || v == 11 || v == 12 || v == 13 || v == 14 ||
                      v == 17 || v == 21;
        assert_int_equal(vmx_exception_has_error_code(v), expect);
    }
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_UD, 0x55), VMM_INJECTED);
    assert_int_equal(info(f), 0x80000306);
    assert_int_equal(vmm_inject_exception(&f->td.cpu, 32, 0), VMM_E_INVAL);
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_NMI, 0), VMM_E_INVAL);
}

static void nmi_and_external_interrupt(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(vmm_inject_nmi(&f->td.cpu), VMM_OK);
    assert_int_equal(info(f), 0x80000202);
    /* One event at a time. */
    assert_int_equal(vmm_inject_external_interrupt(&f->td.cpu, 0x30), VMM_E_STATE);
    cpu_td_set_vmcs(&f->td, VMCS_VM_ENTRY_INTR_INFO_FIELD, 0);
    assert_int_equal(vmm_inject_external_interrupt(&f->td.cpu, 0x30), VMM_OK);
    assert_int_equal(info(f), 0x80000030);
}

static void software_events_carry_the_instruction_length(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(vmm_inject_software_interrupt(&f->td.cpu, 0x80, 2), VMM_OK);
    assert_int_equal(info(f), 0x80000480);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_VM_ENTRY_INSTRUCTION_LEN), 2);
    cpu_td_set_vmcs(&f->td, VMCS_VM_ENTRY_INTR_INFO_FIELD, 0);
    assert_int_equal(vmm_inject_software_exception(&f->td.cpu, VMX_VEC_BP, 1), VMM_OK);
    assert_int_equal(info(f), 0x80000603);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_VM_ENTRY_INSTRUCTION_LEN), 1);
    cpu_td_set_vmcs(&f->td, VMCS_VM_ENTRY_INTR_INFO_FIELD, 0);
    assert_int_equal(vmm_inject_software_interrupt(&f->td.cpu, 0x80, 0), VMM_E_INVAL);
    assert_int_equal(vmm_inject_software_interrupt(&f->td.cpu, 0x80, 16), VMM_E_INVAL);
    assert_int_equal(vmm_inject_software_exception(&f->td.cpu, VMX_VEC_GP, 1), VMM_E_INVAL);
    assert_int_equal(info(f), 0);
}

static void raw_events_that_vm_entry_would_refuse_are_refused(void **state)
{
    struct fixture *f = *state;
    struct vmm_event bad[] = {
        {.type = VMX_EVENT_RESERVED, .vector = 0},
        {.type = VMX_EVENT_NMI, .vector = 3},
        {.type = VMX_EVENT_HW_EXCEPTION, .vector = 40},
        {.type = VMX_EVENT_OTHER, .vector = 1},
        {.type = VMX_EVENT_HW_EXCEPTION, .vector = VMX_VEC_GP},             /* error code missing */
        {.type = VMX_EVENT_HW_EXCEPTION, .vector = VMX_VEC_UD, .has_error = true},
        {.type = VMX_EVENT_EXT_INTR, .vector = 0x20, .has_error = true},
        {.type = VMX_EVENT_HW_EXCEPTION, .vector = VMX_VEC_GP, .has_error = true,
         .error_code = 0x10000},                                            /* bits 31:16 */
        {.type = VMX_EVENT_PRIV_SW_EXCEPTION, .vector = 1, .instr_len = 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(vmm_inject_event(&f->td.cpu, &bad[i]), VMM_E_INVAL);
    assert_int_equal(info(f), 0);
    struct vmm_event mtf = {.type = VMX_EVENT_OTHER, .vector = 0};
    assert_int_equal(vmm_inject_event(&f->td.cpu, &mtf), VMM_OK);
    assert_int_equal(info(f), 0x80000700);
}

static void contributory_after_contributory_is_a_double_fault(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_GP, 0), VMM_INJECTED);
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_NP, 0x20), VMM_INJECTED_DOUBLE_FAULT);
    assert_int_equal(info(f), 0x80000b08);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE), 0);
}

static void page_fault_then_contributory_is_a_double_fault(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_PF, 2), VMM_INJECTED);
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_GP, 0), VMM_INJECTED_DOUBLE_FAULT);
    assert_int_equal(info(f), 0x80000b08);
}

static void contributory_then_page_fault_is_handled_serially(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_GP, 0), VMM_INJECTED);
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_PF, 4), VMM_INJECTED_REPLACING);
    assert_int_equal(info(f), 0x80000b0e);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE), 4);
}

static void fault_during_double_fault_is_a_triple_fault(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_DF, 0), VMM_INJECTED);
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_GP, 0), VMM_INJECT_TRIPLE_FAULT);
    assert_int_equal(info(f) & (1u << 31), 0);
}

static void benign_pending_event_is_replaced(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_DB, 0), VMM_INJECTED);
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_GP, 0), VMM_INJECTED_REPLACING);
    assert_int_equal(info(f), 0x80000b0d);
    cpu_td_set_vmcs(&f->td, VMCS_VM_ENTRY_INTR_INFO_FIELD, 0);
    assert_int_equal(vmm_inject_external_interrupt(&f->td.cpu, 0x40), VMM_OK);
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_PF, 0), VMM_INJECTED_REPLACING);
    assert_int_equal(info(f), 0x80000b0e);
}

static void interrupted_delivery_is_reinjected(void **state)
{
    struct fixture *f = *state;
    struct vmm_exit e = {.have = VMM_EXIT_HAVE_IDT | VMM_EXIT_HAVE_LEN,
                         .idt_info = 0x80000480, .instr_len = 2};
    assert_int_equal(vmm_event_reinject(&f->td.cpu, &e), 1);
    assert_int_equal(info(f), 0x80000480);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_VM_ENTRY_INSTRUCTION_LEN), 2);

    cpu_td_set_vmcs(&f->td, VMCS_VM_ENTRY_INTR_INFO_FIELD, 0);
    e = (struct vmm_exit){.have = VMM_EXIT_HAVE_IDT, .idt_info = 0x80000b0e, .idt_error = 6};
    assert_int_equal(vmm_event_reinject(&f->td.cpu, &e), 1);
    assert_int_equal(info(f), 0x80000b0e);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE), 6);

    cpu_td_set_vmcs(&f->td, VMCS_VM_ENTRY_INTR_INFO_FIELD, 0);
    e = (struct vmm_exit){.have = VMM_EXIT_HAVE_IDT, .idt_info = 0x0000030e};
    assert_int_equal(vmm_event_reinject(&f->td.cpu, &e), 0);
    /* a software event without a length cannot be re-injected */
    e = (struct vmm_exit){.have = VMM_EXIT_HAVE_IDT, .idt_info = 0x80000480};
    assert_int_equal(vmm_event_reinject(&f->td.cpu, &e), VMM_E_INVAL);
    assert_int_equal(info(f), 0);
}

static void pending_event_reads_back(void **state)
{
    struct fixture *f = *state;
    struct vmm_event ev;
    assert_int_equal(vmm_event_pending(&f->td.cpu, &ev), 0);
    assert_int_equal(vmm_inject_exception(&f->td.cpu, VMX_VEC_PF, 0x7), VMM_INJECTED);
    assert_int_equal(vmm_event_pending(&f->td.cpu, &ev), 1);
    assert_int_equal(ev.type, VMX_EVENT_HW_EXCEPTION);
    assert_int_equal(ev.vector, VMX_VEC_PF);
    assert_true(ev.has_error);
    assert_int_equal(ev.error_code, 7);
}

static void nmi_blocking_returns_after_a_fault_on_iret(void **state)
{
    struct fixture *f = *state;
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_INTERRUPTIBILITY_INFO, 0x1);
    /* #GP on IRET that had unblocked NMIs */
    struct vmm_exit e = {.reason = 0, .have = VMM_EXIT_HAVE_INTR | VMM_EXIT_HAVE_IDT,
                         .intr_info = 0x80001b0d};
    assert_int_equal(vmm_event_restore_nmi_blocking(&f->td.cpu, &e), 1);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_GUEST_INTERRUPTIBILITY_INFO), 0x9);
    /* EPT violation with qualification bit 12 */
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_INTERRUPTIBILITY_INFO, 0);
    e = (struct vmm_exit){.reason = 48, .have = VMM_EXIT_HAVE_QUAL | VMM_EXIT_HAVE_IDT,
                          .qualification = 0x1181};
    assert_int_equal(vmm_event_restore_nmi_blocking(&f->td.cpu, &e), 1);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_GUEST_INTERRUPTIBILITY_INFO), 0x8);
}

static void nmi_blocking_is_left_alone_where_the_bit_is_undefined(void **state)
{
    struct fixture *f = *state;
    struct vmm_exit cases[] = {
        /* during event delivery */
        {.reason = 48, .have = VMM_EXIT_HAVE_QUAL | VMM_EXIT_HAVE_IDT, .qualification = 0x1000,
         .idt_info = 0x80000020},
        /* double fault */
        {.reason = 0, .have = VMM_EXIT_HAVE_INTR | VMM_EXIT_HAVE_IDT, .intr_info = 0x80001b08},
        /* bit 12 clear */
        {.reason = 48, .have = VMM_EXIT_HAVE_QUAL | VMM_EXIT_HAVE_IDT, .qualification = 0x181},
        /* a reason whose qualification has no such bit */
        {.reason = 28, .have = VMM_EXIT_HAVE_QUAL | VMM_EXIT_HAVE_IDT, .qualification = 0x1000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(vmm_event_restore_nmi_blocking(&f->td.cpu, &cases[i]), 0);
    /* NMI exiting without virtual NMIs: undefined */
    cpu_td_set_vmcs(&f->td, VMCS_PIN_BASED_VM_EXEC_CONTROL, 1u << 3);
    struct vmm_exit e = {.reason = 48, .have = VMM_EXIT_HAVE_QUAL, .qualification = 0x1000};
    assert_int_equal(vmm_event_restore_nmi_blocking(&f->td.cpu, &e), 0);
    cpu_td_set_vmcs(&f->td, VMCS_PIN_BASED_VM_EXEC_CONTROL, (1u << 3) | (1u << 5));
    assert_int_equal(vmm_event_restore_nmi_blocking(&f->td.cpu, &e), 1);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_GUEST_INTERRUPTIBILITY_INFO), 0x8);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(gp_delivers_its_error_code_in_protected_mode),
        T(real_mode_exceptions_push_no_error_code),
        T(vectors_without_error_code_ignore_the_argument),
        T(nmi_and_external_interrupt),
        T(software_events_carry_the_instruction_length),
        T(raw_events_that_vm_entry_would_refuse_are_refused),
        T(contributory_after_contributory_is_a_double_fault),
        T(page_fault_then_contributory_is_a_double_fault),
        T(contributory_then_page_fault_is_handled_serially),
        T(fault_during_double_fault_is_a_triple_fault),
        T(benign_pending_event_is_replaced),
        T(interrupted_delivery_is_reinjected),
        T(pending_event_reads_back),
        T(nmi_blocking_returns_after_a_fault_on_iret),
        T(nmi_blocking_is_left_alone_where_the_bit_is_undefined),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
