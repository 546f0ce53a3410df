/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMLAUNCH / VMRESUME: the basic checks, launch-state transitions, each
 * failure class of the validator, and the hand-off to an executor.
 */
#include <stdlib.h>

#include "testing/fixture.h"

/* An executor that records its call and reports a VM exit with `exit_reason`. */
struct exec_log {
    unsigned calls;
    enum vmm_entry_kind kind;
    struct vmm_guest_gprs seen;
    uint32_t exit_reason;
};

static struct vmx_status exit_at_once(void *ctx, struct sim *sim, enum vmm_entry_kind kind,
                                      struct vmm_guest_gprs *gprs)
{
    struct exec_log *log = ctx;
    log->calls++;
    log->kind = kind;
    log->seen = *gprs;
    gprs->rax = 0xfeed;
    vmcs_set(sim_vmcs(sim), VMCS_VM_EXIT_REASON, log->exit_reason);
    return (struct vmx_status){.outcome = VMX_SUCCEED};
}

#define EXIT_HLT 12u

struct entry_env {
    struct fixture f;
    struct test_entry *t;
    struct exec_log log;
};

/* Baseline b, optionally changed by `change`, loaded into a sim with the executor. */
static void env_load(struct entry_env *e, enum baseline b, void (*change)(struct test_entry *))
{
    e->t = malloc(sizeof *e->t);
    assert_non_null(e->t);
    baseline_build(b, e->t);
    if (change)
        change(e->t);
    e->log = (struct exec_log){.exit_reason = EXIT_HLT};
    fixture_load_entry(&e->f, e->t, b == BASE_LONG64_FULL ? "modern" : "bochs-skylake-x",
                       exit_at_once, &e->log);
}

static void env_free(struct entry_env *e)
{
    fixture_destroy(&e->f);
    free(e->t);
}

static struct vmx_status enter(struct entry_env *e, enum vmm_entry_kind kind)
{
    struct vmm_guest_gprs gprs = {.rbx = 0xb0b};
    return e->f.cpu->ops->enter_guest(e->f.cpu, kind, &gprs);
}

/* The validator's own verdict for the state in e->t. */
static struct vmx_entry_verdict validator_verdict(const struct entry_env *e)
{
    struct vmx_entry_verdict v;
    assert_int_equal(vmx_entry_check(&e->t->in, &v), VMM_OK);
    return v;
}

/* ---- basic checks and launch state ---- */

static void vmlaunch_without_a_current_vmcs_fails_invalid(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_vmxon(&f);
    struct vmm_guest_gprs gprs = {0};
    assert_vmx(f.cpu->ops->enter_guest(f.cpu, VMM_LAUNCH, &gprs), VMX_FAIL_INVALID, 0);
    assert_vmx(f.cpu->ops->enter_guest(f.cpu, VMM_RESUME, &gprs), VMX_FAIL_INVALID, 0);
    assert_int_equal(sim_last_entry(f.sim)->check, VMX_CHECK_BASIC_VMCS_NONE);
    fixture_destroy(&f);
}

static void shadow_current(struct test_entry *t) { t->in.current_is_shadow = true; }

static void vmlaunch_of_a_shadow_vmcs_fails_invalid(void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, shadow_current);
    assert_vmx(enter(&e, VMM_LAUNCH), VMX_FAIL_INVALID, 0);
    assert_int_equal(sim_last_entry(e.f.sim)->check, VMX_CHECK_BASIC_VMCS_SHADOW);
    env_free(&e);
}

static void vmlaunch_after_mov_ss_fails_with_error_26_for_that_one_instruction(void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, NULL);
    sim_set_mov_ss_blocking(e.f.sim, true);
    assert_vmx(enter(&e, VMM_LAUNCH), VMX_FAIL_VALID, VMXERR_ENTRY_MOV_SS_BLOCKING);
    assert_int_equal(fixture_vmread(&e.f, VMCS_ENC_VM_INSTRUCTION_ERROR), 26);
    assert_int_equal(e.log.calls, 0);
    assert_vmx_ok(enter(&e, VMM_LAUNCH)); /* the blocking is gone */
    env_free(&e);
}

static void vmlaunch_runs_the_executor_and_makes_the_vmcs_launched(void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, NULL);
    assert_false(sim_vmcs_launched(e.f.sim));
    assert_vmx_ok(enter(&e, VMM_LAUNCH));
    assert_int_equal(e.log.calls, 1);
    assert_int_equal(e.log.kind, VMM_LAUNCH);
    assert_int_equal(e.log.seen.rbx, 0xb0b);
    assert_true(sim_vmcs_launched(e.f.sim));
    assert_int_equal(fixture_vmread(&e.f, VMCS_ENC_VM_EXIT_REASON), EXIT_HLT);
    assert_int_equal(sim_last_entry(e.f.sim)->outcome, VMX_ENTRY_OK);
    assert_vmx_ok(enter(&e, VMM_RESUME));
    assert_int_equal(e.log.calls, 2);
    assert_int_equal(e.log.kind, VMM_RESUME);
    env_free(&e);
}

static void vmlaunch_of_a_launched_vmcs_fails_with_error_4(void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, NULL);
    assert_vmx_ok(enter(&e, VMM_LAUNCH));
    assert_vmx(enter(&e, VMM_LAUNCH), VMX_FAIL_VALID, VMXERR_VMLAUNCH_NONCLEAR);
    assert_int_equal(fixture_vmread(&e.f, VMCS_ENC_VM_INSTRUCTION_ERROR), 4);
    assert_int_equal(sim_last_entry(e.f.sim)->check, VMX_CHECK_BASIC_LAUNCH);
    assert_int_equal(e.log.calls, 1);
    env_free(&e);
}

static void vmresume_of_a_clear_vmcs_fails_with_error_5(void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, NULL);
    assert_vmx(enter(&e, VMM_RESUME), VMX_FAIL_VALID, VMXERR_VMRESUME_NONLAUNCHED);
    assert_int_equal(sim_last_entry(e.f.sim)->check, VMX_CHECK_BASIC_RESUME);
    env_free(&e);
}

static void vmclear_makes_a_launched_vmcs_clear_so_vmresume_fails_with_error_5(void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, NULL);
    assert_vmx_ok(enter(&e, VMM_LAUNCH));
    assert_vmx_ok(e.f.cpu->ops->vmclear(e.f.cpu, PA_CURRENT_VMCS));
    assert_vmx_ok(e.f.cpu->ops->vmptrld(e.f.cpu, PA_CURRENT_VMCS));
    assert_false(sim_vmcs_launched(e.f.sim));
    assert_vmx(enter(&e, VMM_RESUME), VMX_FAIL_VALID, VMXERR_VMRESUME_NONLAUNCHED);
    assert_vmx_ok(enter(&e, VMM_LAUNCH)); /* and it can be launched again */
    env_free(&e);
}

static void the_launch_state_travels_with_the_vmcs_between_vmptrlds(void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, NULL);
    assert_vmx_ok(enter(&e, VMM_LAUNCH));
    struct vmm_host_page other = fixture_page(&e.f, fixture_revision(&e.f));
    assert_vmx_ok(e.f.cpu->ops->vmclear(e.f.cpu, other.hpa));
    assert_vmx_ok(e.f.cpu->ops->vmptrld(e.f.cpu, other.hpa));
    assert_false(sim_vmcs_launched(e.f.sim));
    assert_vmx_ok(e.f.cpu->ops->vmptrld(e.f.cpu, PA_CURRENT_VMCS));
    assert_true(sim_vmcs_launched(e.f.sim));
    assert_vmx_ok(enter(&e, VMM_RESUME));
    env_free(&e);
}

static void vmresume_after_vmxoff_without_vmclear_fails_with_error_6(void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, NULL);
    assert_vmx_ok(enter(&e, VMM_LAUNCH));
    assert_vmx_ok(e.f.cpu->ops->vmxoff(e.f.cpu));
    assert_vmx_ok(e.f.cpu->ops->vmxon(e.f.cpu, PA_VMXON));
    assert_vmx_ok(e.f.cpu->ops->vmptrld(e.f.cpu, PA_CURRENT_VMCS));
    assert_vmx(enter(&e, VMM_RESUME), VMX_FAIL_VALID, VMXERR_VMRESUME_AFTER_VMXOFF);
    assert_int_equal(fixture_vmread(&e.f, VMCS_ENC_VM_INSTRUCTION_ERROR), 6);
    assert_int_equal(e.log.calls, 1);
    /* VMCLEAR is the cure: the VMCS is clear again and launches. */
    assert_vmx_ok(e.f.cpu->ops->vmclear(e.f.cpu, PA_CURRENT_VMCS));
    assert_vmx_ok(e.f.cpu->ops->vmptrld(e.f.cpu, PA_CURRENT_VMCS));
    assert_vmx_ok(enter(&e, VMM_LAUNCH));
    assert_vmx_ok(enter(&e, VMM_RESUME));
    env_free(&e);
}

static void a_vmcs_cleared_before_vmxoff_resumes_normally_after_relaunch(void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, NULL);
    assert_vmx_ok(enter(&e, VMM_LAUNCH));
    assert_vmx_ok(e.f.cpu->ops->vmclear(e.f.cpu, PA_CURRENT_VMCS));
    assert_vmx_ok(e.f.cpu->ops->vmxoff(e.f.cpu));
    assert_vmx_ok(e.f.cpu->ops->vmxon(e.f.cpu, PA_VMXON));
    assert_vmx_ok(e.f.cpu->ops->vmptrld(e.f.cpu, PA_CURRENT_VMCS));
    assert_vmx(enter(&e, VMM_RESUME), VMX_FAIL_VALID, VMXERR_VMRESUME_NONLAUNCHED);
    assert_vmx_ok(enter(&e, VMM_LAUNCH));
    assert_vmx_ok(enter(&e, VMM_RESUME));
    env_free(&e);
}

/* ---- the validator's failure classes ---- */

static void bad_pin_controls(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_PIN_BASED_VM_EXEC_CONTROL, 0);
}

static void vm_entry_with_an_invalid_control_field_fails_with_error_7(void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, bad_pin_controls);
    struct vmx_entry_verdict v = validator_verdict(&e);
    assert_vmx(enter(&e, VMM_LAUNCH), VMX_FAIL_VALID, VMXERR_ENTRY_INVALID_CTLS);
    assert_int_equal(fixture_vmread(&e.f, VMCS_ENC_VM_INSTRUCTION_ERROR), 7);
    assert_int_equal(sim_last_entry(e.f.sim)->check, v.check);
    assert_false(sim_vmcs_launched(e.f.sim));
    assert_int_equal(e.log.calls, 0);
    env_free(&e);
}

static void bad_host_cr0(struct test_entry *t) { vmcs_set(&t->vmcs, VMCS_HOST_CR0, 0x33); }

static void vm_entry_with_an_invalid_host_state_field_fails_with_error_8(void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, bad_host_cr0);
    struct vmx_entry_verdict v = validator_verdict(&e);
    assert_vmx(enter(&e, VMM_LAUNCH), VMX_FAIL_VALID, VMXERR_ENTRY_INVALID_HOST);
    assert_int_equal(fixture_vmread(&e.f, VMCS_ENC_VM_INSTRUCTION_ERROR), 8);
    assert_int_equal(sim_last_entry(e.f.sim)->check, v.check);
    env_free(&e);
}

static void bad_guest_cr0(struct test_entry *t) { vmcs_set(&t->vmcs, VMCS_GUEST_CR0, 0x33); }

static void vm_entry_with_invalid_guest_state_exits_with_reason_33(void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, bad_guest_cr0);
    struct vmx_entry_verdict v = validator_verdict(&e);
    struct vmm_guest_gprs gprs = {.rbx = 0xb0b};
    assert_vmx_ok(e.f.cpu->ops->enter_guest(e.f.cpu, VMM_LAUNCH, &gprs));
    assert_int_equal(fixture_vmread(&e.f, VMCS_ENC_VM_EXIT_REASON), 0x80000021u);
    assert_int_equal(fixture_vmread(&e.f, VMCS_ENC_EXIT_QUALIFICATION), 0);
    assert_int_equal(fixture_vmread(&e.f, VMCS_ENC_VM_INSTRUCTION_ERROR), 0);
    assert_int_equal(sim_last_entry(e.f.sim)->check, v.check);
    /* The guest never ran and the launch state stays clear. */
    assert_int_equal(gprs.rbx, 0xb0b);
    assert_int_equal(gprs.rax, 0);
    assert_int_equal(e.log.calls, 0);
    assert_false(sim_vmcs_launched(e.f.sim));
    assert_vmx(enter(&e, VMM_RESUME), VMX_FAIL_VALID, VMXERR_VMRESUME_NONLAUNCHED);
    env_free(&e);
}

/* The link pointer names a page of host memory whose revision ID is wrong (0). */
static void link_pointer_to_a_zero_page(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_VMCS_LINK_POINTER, TEST_MEM_BASE + TEST_MEM_SIZE - 0x1000);
}

static void vm_entry_with_an_invalid_vmcs_link_pointer_exits_with_reason_33_qualification_4(
    void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, link_pointer_to_a_zero_page);
    struct vmx_entry_verdict v = validator_verdict(&e);
    assert_int_equal(v.qualification, 4);
    assert_vmx_ok(enter(&e, VMM_LAUNCH));
    assert_int_equal(fixture_vmread(&e.f, VMCS_ENC_VM_EXIT_REASON), 0x80000021u);
    assert_int_equal(fixture_vmread(&e.f, VMCS_ENC_EXIT_QUALIFICATION), 4);
    assert_int_equal(sim_last_entry(e.f.sim)->check, v.check);
    env_free(&e);
}

/* Entry 1 loads IA32_STAR (fine); entry 2 names IA32_FS_BASE, which may not be loaded. */
static void second_msr_load_entry_is_bad(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_VM_ENTRY_MSR_LOAD_ADDR, PA_ENTRY_MSR_LOAD);
    vmcs_set(&t->vmcs, VMCS_VM_ENTRY_MSR_LOAD_COUNT, 2);
    test_msr_entry(t, 0, 0xc0000081u, 0, 0x0023001000000000ull);
    test_msr_entry(t, 1, 0xc0000100u, 0, 0);
}

static void vm_entry_with_a_bad_msr_load_entry_exits_with_reason_34_and_its_index(void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, second_msr_load_entry_is_bad);
    struct vmx_entry_verdict v = validator_verdict(&e);
    assert_vmx_ok(enter(&e, VMM_LAUNCH));
    assert_int_equal(fixture_vmread(&e.f, VMCS_ENC_VM_EXIT_REASON), 0x80000022u);
    assert_int_equal(fixture_vmread(&e.f, VMCS_ENC_EXIT_QUALIFICATION), 2);
    assert_int_equal(sim_last_entry(e.f.sim)->check, v.check);
    assert_false(sim_vmcs_launched(e.f.sim));
    env_free(&e);
}

/* The MSR-load area lies outside host memory: the entries read as all ones. */
static void msr_load_area_outside_host_memory(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_VM_ENTRY_MSR_LOAD_ADDR, 1ull << 32);
    vmcs_set(&t->vmcs, VMCS_VM_ENTRY_MSR_LOAD_COUNT, 1);
}

static void unbacked_memory_reads_as_all_ones_during_entry_checks(void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, msr_load_area_outside_host_memory);
    assert_vmx_ok(enter(&e, VMM_LAUNCH));
    assert_int_equal(fixture_vmread(&e.f, VMCS_ENC_VM_EXIT_REASON), 0x80000022u);
    assert_int_equal(fixture_vmread(&e.f, VMCS_ENC_EXIT_QUALIFICATION), 1);
    assert_false(sim_last_entry(e.f.sim)->memory_unchecked);
    env_free(&e);
}

/* ---- no executor ---- */

static void a_valid_vm_entry_without_an_executor_raises_ud_and_changes_nothing(void **state)
{
    (void)state;
    struct test_entry *t = malloc(sizeof *t);
    assert_non_null(t);
    baseline_build(BASE_LONG64, t);
    struct fixture f;
    fixture_load_entry(&f, t, "bochs-skylake-x", NULL, NULL);
    struct vmcs_image before = *sim_vmcs(f.sim);
    struct vmm_guest_gprs gprs = {.rax = 1};
    assert_vmx(f.cpu->ops->enter_guest(f.cpu, VMM_LAUNCH, &gprs), VMX_FAULT_UD, 0);
    assert_int_equal(sim_last_entry(f.sim)->outcome, VMX_ENTRY_OK);
    assert_int_equal(sim_last_entry(f.sim)->check, VMX_CHECK_COUNT);
    assert_memory_equal(sim_vmcs(f.sim), &before, sizeof before);
    assert_false(sim_vmcs_launched(f.sim));
    assert_int_equal(gprs.rax, 1);
    fixture_destroy(&f);
    free(t);
}

static void an_executor_reporting_an_entry_failure_leaves_the_launch_state_clear(void **state)
{
    (void)state;
    struct entry_env e;
    env_load(&e, BASE_LONG64, NULL);
    e.log.exit_reason = 0x80000021u; /* e.g. guest state the executor cannot represent */
    assert_vmx_ok(enter(&e, VMM_LAUNCH));
    assert_int_equal(e.log.calls, 1);
    assert_false(sim_vmcs_launched(e.f.sim));
    env_free(&e);
}

/* Every baseline passes every check on the sim, as in the validator's tests. */
static void every_baseline_reaches_the_executor(void **state)
{
    (void)state;
    for (int b = 0; b < BASE_COUNT; b++) {
        struct entry_env e;
        env_load(&e, (enum baseline)b, NULL);
        struct vmx_status st = enter(&e, VMM_LAUNCH);
        if (st.outcome != VMX_SUCCEED || e.log.calls != 1)
            fail_msg("baseline \"%s\": outcome %d, failed check %s", baseline_name((enum baseline)b),
                     st.outcome,
                     sim_last_entry(e.f.sim)->check < VMX_CHECK_COUNT
                         ? vmx_check_table[sim_last_entry(e.f.sim)->check].id
                         : "none");
        env_free(&e);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vmlaunch_without_a_current_vmcs_fails_invalid),
        cmocka_unit_test(vmlaunch_of_a_shadow_vmcs_fails_invalid),
        cmocka_unit_test(vmlaunch_after_mov_ss_fails_with_error_26_for_that_one_instruction),
        cmocka_unit_test(vmlaunch_runs_the_executor_and_makes_the_vmcs_launched),
        cmocka_unit_test(vmlaunch_of_a_launched_vmcs_fails_with_error_4),
        cmocka_unit_test(vmresume_of_a_clear_vmcs_fails_with_error_5),
        cmocka_unit_test(vmclear_makes_a_launched_vmcs_clear_so_vmresume_fails_with_error_5),
        cmocka_unit_test(the_launch_state_travels_with_the_vmcs_between_vmptrlds),
        cmocka_unit_test(vmresume_after_vmxoff_without_vmclear_fails_with_error_6),
        cmocka_unit_test(a_vmcs_cleared_before_vmxoff_resumes_normally_after_relaunch),
        cmocka_unit_test(vm_entry_with_an_invalid_control_field_fails_with_error_7),
        cmocka_unit_test(vm_entry_with_an_invalid_host_state_field_fails_with_error_8),
        cmocka_unit_test(vm_entry_with_invalid_guest_state_exits_with_reason_33),
        cmocka_unit_test(
            vm_entry_with_an_invalid_vmcs_link_pointer_exits_with_reason_33_qualification_4),
        cmocka_unit_test(vm_entry_with_a_bad_msr_load_entry_exits_with_reason_34_and_its_index),
        cmocka_unit_test(unbacked_memory_reads_as_all_ones_during_entry_checks),
        cmocka_unit_test(a_valid_vm_entry_without_an_executor_raises_ud_and_changes_nothing),
        cmocka_unit_test(an_executor_reporting_an_entry_failure_leaves_the_launch_state_clear),
        cmocka_unit_test(every_baseline_reaches_the_executor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
