/* SPDX-License-Identifier: Apache-2.0 */
/* The run loop: entry kinds, dispatch, budget, and every way it stops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/cpu/cpu_test_double_vmx.h"
#include "vmm/textbuf.h"
#include "vmm/vcpu.h"

struct fixture {
    struct cpu_test_double td;
    struct cpu_td_vmx vmx;
    struct vmm_vcpu vcpu;
};

/* A handler's context: what it does and what it saw. */
struct probe {
    enum vmm_exit_action action;
    unsigned calls;
    uint16_t last_reason;
    uint64_t rax_seen;
    uint64_t set_rbx;
};

static enum vmm_exit_action probe_handler(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    struct probe *p = ctx;
    p->calls++;
    p->last_reason = e->reason;
    p->rax_seen = v->gprs.rax;
    if (p->set_rbx)
        v->gprs.rbx = p->set_rbx;
    if (p->action == VMM_EXIT_UNHANDLED)
        return vmm_vcpu_unhandled(v, "probe cannot handle this");
    if (p->action == VMM_EXIT_ERROR)
        return vmm_vcpu_fail(v, VMM_E_FAULT, "probe failed");
    return p->action;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct vmx_raw_caps raw = {0};
    cpu_test_double_init(&f->td, &raw);
    cpu_test_double_enable_vmx(&f->td, &f->vmx, NULL, 0);
    vmm_vcpu_init(&f->vcpu, &f->td.cpu);
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_RIP, 0x7c00);
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_CR0, 0x11);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void first_entry_launches_later_entries_resume(void **state)
{
    struct fixture *f = *state;
    struct probe p = {.action = VMM_EXIT_RESUME};
    vmm_vcpu_bind(&f->vcpu, VMX_EXIT_CPUID, probe_handler, &p);
    for (int i = 0; i < 3; i++)
        cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 3), VMM_STOP_BUDGET);
    assert_int_equal(p.calls, 3);
    assert_int_equal(f->vmx.nentries, 3);
    assert_int_equal(f->vmx.entries[0].kind, VMM_LAUNCH);
    assert_int_equal(f->vmx.entries[1].kind, VMM_RESUME);
    assert_int_equal(f->vmx.entries[2].kind, VMM_RESUME);
    assert_int_equal(f->vcpu.stats.exits[VMX_EXIT_CPUID], 3);
    assert_int_equal(f->vcpu.stats.entries, 3);
    assert_string_equal(f->vcpu.dump, ""); /* a budget stop is normal */
}

static void zero_budget_does_not_enter(void **state)
{
    struct fixture *f = *state;
    cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 0), VMM_STOP_BUDGET);
    assert_int_equal(f->vmx.nentries, 0);
}

static void dispatch_goes_to_the_handler_bound_to_the_reason(void **state)
{
    struct fixture *f = *state;
    struct probe cpuid = {.action = VMM_EXIT_RESUME}, hlt = {.action = VMM_EXIT_STOP};
    vmm_vcpu_bind(&f->vcpu, VMX_EXIT_CPUID, probe_handler, &cpuid);
    vmm_vcpu_bind(&f->vcpu, VMX_EXIT_HLT, probe_handler, &hlt);
    cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    cpu_td_queue_exit(&f->td, VMX_EXIT_HLT, 0, 1);
    cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 100), VMM_STOP_HANDLER);
    assert_int_equal(cpuid.calls, 2);
    assert_int_equal(hlt.calls, 1);
    assert_int_equal(hlt.last_reason, VMX_EXIT_HLT);
    assert_string_equal(f->vcpu.dump, "");
    /* Running again resumes where it stopped. */
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 1), VMM_STOP_BUDGET);
    assert_int_equal(cpuid.calls, 3);
    assert_int_equal(f->vmx.entries[3].kind, VMM_RESUME);
    assert_int_equal(vmm_vcpu_bind(&f->vcpu, 86, probe_handler, NULL), VMM_E_RANGE);
}

static void handlers_see_and_change_guest_registers(void **state)
{
    struct fixture *f = *state;
    struct probe p = {.action = VMM_EXIT_RESUME, .set_rbx = 0x1234};
    vmm_vcpu_bind(&f->vcpu, VMX_EXIT_CPUID, probe_handler, &p);
    struct cpu_td_exit *e = cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    e->set_gprs = true;
    e->gprs.rax = 0x40000000;
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 1), VMM_STOP_BUDGET);
    assert_int_equal(p.rax_seen, 0x40000000);
    /* the next entry carries the handler's result */
    cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 1), VMM_STOP_BUDGET);
    assert_int_equal(f->vmx.entries[1].gprs.rbx, 0x1234);
}

static void entry_failure_stops_with_a_dump_and_launches_again(void **state)
{
    struct fixture *f = *state;
    struct probe p = {.action = VMM_EXIT_RESUME};
    vmm_vcpu_bind(&f->vcpu, VMX_EXIT_INVALID_STATE, probe_handler, &p);
    cpu_td_queue_exit(&f->td, 0x80000021, 0, 0);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 10), VMM_STOP_ENTRY_FAILURE);
    assert_int_equal(p.calls, 0); /* entry failures are never dispatched */
    assert_false(f->vcpu.launched);
    assert_int_equal(f->vcpu.stats.entry_failures, 1);
    const char *d = f->vcpu.dump;
    assert_non_null(strstr(d, "VM-entry failure"));
    assert_non_null(strstr(d, "INVALID_STATE"));
    assert_non_null(strstr(d, "no further information"));
    assert_non_null(strstr(d, "GUEST_RIP                       (0x681e) = 0x0000000000007c00"));
    assert_non_null(strstr(d, "RAX"));
    cpu_td_queue_exit(&f->td, VMX_EXIT_INVALID_STATE | (1u << 31), 4, 0);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 10), VMM_STOP_ENTRY_FAILURE);
    assert_int_equal(f->vmx.entries[1].kind, VMM_LAUNCH);
    assert_non_null(strstr(f->vcpu.dump, "invalid VMCS link pointer"));
}

static void vmfail_valid_stops_with_the_error_number(void **state)
{
    struct fixture *f = *state;
    cpu_td_queue_vmfail(&f->td, VMX_FAIL_VALID, VMXERR_ENTRY_INVALID_CTLS);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 10), VMM_STOP_VMFAIL);
    assert_int_equal(f->vcpu.entry_status.outcome, VMX_FAIL_VALID);
    assert_int_equal(f->vcpu.entry_status.error, 7);
    assert_non_null(strstr(f->vcpu.dump, "VMfailValid, VM-instruction error 7"));
    assert_int_equal(f->vcpu.stats.vmfails, 1);
}

static void vmfail_invalid_and_an_ended_script_stop(void **state)
{
    struct fixture *f = *state;
    struct probe p = {.action = VMM_EXIT_RESUME};
    vmm_vcpu_bind(&f->vcpu, VMX_EXIT_CPUID, probe_handler, &p);
    cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    /* A handler that always resumes cannot make the loop run forever. */
    assert_int_equal(vmm_vcpu_run(&f->vcpu, UINT64_MAX), VMM_STOP_VMFAIL);
    assert_int_equal(f->vcpu.entry_status.outcome, VMX_FAIL_INVALID);
    assert_non_null(strstr(f->vcpu.dump, "VMfailInvalid"));
}

static void resume_of_a_clear_vmcs_is_refused(void **state)
{
    struct fixture *f = *state;
    struct probe p = {.action = VMM_EXIT_RESUME};
    vmm_vcpu_bind(&f->vcpu, VMX_EXIT_CPUID, probe_handler, &p);
    cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 1), VMM_STOP_BUDGET);
    f->td.cpu.ops->vmclear(&f->td.cpu, 0); /* behind the vCPU's back */
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 1), VMM_STOP_VMFAIL);
    assert_int_equal(f->vcpu.entry_status.error, VMXERR_VMRESUME_NONLAUNCHED);
    vmm_vcpu_mark_clear(&f->vcpu);
    cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 1), VMM_STOP_BUDGET);
}

static void unknown_and_unbound_reasons_stop_with_a_dump(void **state)
{
    struct fixture *f = *state;
    cpu_td_queue_exit(&f->td, 90, 0x77, 0);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 10), VMM_STOP_UNKNOWN_EXIT);
    assert_int_equal(f->vcpu.stats.unknown_reasons, 1);
    assert_non_null(strstr(f->vcpu.dump, "exit reason above 85"));
    assert_non_null(strstr(f->vcpu.dump, "0x77"));
    cpu_td_queue_exit(&f->td, VMX_EXIT_RDPMC, 0, 2);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 10), VMM_STOP_UNKNOWN_EXIT);
    assert_int_equal(f->vcpu.stats.exits[VMX_EXIT_RDPMC], 1);
    assert_non_null(strstr(f->vcpu.dump, "no handler bound"));
    assert_non_null(strstr(f->vcpu.dump, "RDPMC"));
}

static void handler_outcomes_map_to_stops(void **state)
{
    struct fixture *f = *state;
    struct probe p = {.action = VMM_EXIT_UNHANDLED};
    vmm_vcpu_bind(&f->vcpu, VMX_EXIT_CPUID, probe_handler, &p);
    cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 10), VMM_STOP_UNHANDLED);
    assert_non_null(strstr(f->vcpu.dump, "probe cannot handle this"));

    p.action = VMM_EXIT_FATAL;
    cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 10), VMM_STOP_FATAL);
    assert_true(strlen(f->vcpu.dump) > 0);

    p.action = VMM_EXIT_ERROR;
    cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 10), VMM_STOP_ERROR);
    assert_int_equal(f->vcpu.error, VMM_E_FAULT);
    assert_non_null(strstr(f->vcpu.dump, "probe failed"));

    p.action = (enum vmm_exit_action)42;
    cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 10), VMM_STOP_ERROR);
}

static void unreadable_exit_information_stops_with_an_error(void **state)
{
    struct fixture *f = *state;
    cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    f->vmx.missing = VMCS_VM_EXIT_INSTRUCTION_LEN;
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 10), VMM_STOP_ERROR);
    assert_int_equal(f->vcpu.error, VMM_E_NOENT);
    assert_non_null(strstr(f->vcpu.dump, "reading the exit information failed"));
}

static void interrupted_event_is_reinjected_before_the_handler(void **state)
{
    struct fixture *f = *state;
    struct probe p = {.action = VMM_EXIT_RESUME};
    vmm_vcpu_bind(&f->vcpu, VMX_EXIT_EPT_VIOLATION, probe_handler, &p);
    struct cpu_td_exit *e = cpu_td_queue_exit(&f->td, VMX_EXIT_EPT_VIOLATION, 0x181, 0);
    cpu_td_exit_set(e, VMCS_IDT_VECTORING_INFO_FIELD, 0x80000020); /* external interrupt 0x20 */
    cpu_td_queue_exit(&f->td, VMX_EXIT_EPT_VIOLATION, 0x181, 0);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 2), VMM_STOP_BUDGET);
    assert_int_equal(f->vmx.entries[0].injected, 0);
    assert_int_equal(f->vmx.entries[1].injected, 0x80000020);
    assert_int_equal(f->vcpu.stats.reinjections, 1);
}

static void stats_dump_lists_reasons_seen(void **state)
{
    struct fixture *f = *state;
    struct probe p = {.action = VMM_EXIT_RESUME};
    vmm_vcpu_bind(&f->vcpu, VMX_EXIT_CPUID, probe_handler, &p);
    vmm_vcpu_bind(&f->vcpu, VMX_EXIT_IO_INSTRUCTION, probe_handler, &p);
    cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    cpu_td_queue_exit(&f->td, VMX_EXIT_IO_INSTRUCTION, 0x03f80000, 1);
    cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 3), VMM_STOP_BUDGET);
    char buf[2048];
    struct vmm_textbuf tb;
    tb_init(&tb, buf, sizeof buf);
    vmm_vcpu_stats_dump(&f->vcpu, &tb);
    assert_non_null(strstr(buf, "CPUID                       2\n"));
    assert_non_null(strstr(buf, "IO_INSTRUCTION              1\n"));
    assert_non_null(strstr(buf, "entries                     3\n"));
    assert_null(strstr(buf, "HLT"));
}

static void run_refuses_a_vcpu_without_backend(void **state)
{
    (void)state;
    struct vmm_vcpu *v = calloc(1, sizeof *v);
    assert_int_equal(vmm_vcpu_run(v, 1), VMM_E_INVAL);
    assert_int_equal(vmm_vcpu_run(NULL, 1), VMM_E_INVAL);
    free(v);
    assert_string_equal(vmm_stop_name(VMM_STOP_BUDGET), "exit budget used up");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(first_entry_launches_later_entries_resume),
        T(zero_budget_does_not_enter),
        T(dispatch_goes_to_the_handler_bound_to_the_reason),
        T(handlers_see_and_change_guest_registers),
        T(entry_failure_stops_with_a_dump_and_launches_again),
        T(vmfail_valid_stops_with_the_error_number),
        T(vmfail_invalid_and_an_ended_script_stop),
        T(resume_of_a_clear_vmcs_is_refused),
        T(unknown_and_unbound_reasons_stop_with_a_dump),
        T(handler_outcomes_map_to_stops),
        T(unreadable_exit_information_stops_with_an_error),
        T(interrupted_event_is_reinjected_before_the_handler),
        T(stats_dump_lists_reasons_seen),
        T(run_refuses_a_vcpu_without_backend),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
