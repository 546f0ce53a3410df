/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VM's environment at work: tiny guests run on the simulated
 * processor's engine (Unicorn) through the vCPU run loop and the standard
 * handlers. A guest that exits by hypercall gets its status through; a
 * fault is delivered through the VM's IDT (on IST1) to its stub, which
 * ends the guest with VMM_VM_EXCEPTION_EXIT(vector), the faulting RIP in
 * RCX and the error code in RDX.
 */
#include <stdlib.h>

#include "simbackend/engine.h"
#include "vm_fixture.h"
#include "vmm/handlers.h"

struct run {
    struct vmfix *f;
    struct sim_engine *eng;
    struct vmm_platform platform;
    struct vmm_vcpu vcpu;
};

/* A VM without EPT (the engine's phase 1) running `code` at its entry point. */
static struct run *run_new(const uint8_t *code, size_t len)
{
    struct run *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->f = vmfix_new("bochs-skylake-x", false);
    assert_int_equal(sim_engine_create(r->f->sim, NULL, &r->eng), VMM_OK);
    assert_int_equal(vmfix_create(r->f), VMM_OK);
    assert_int_equal(vmm_vm_load(&r->f->vm, r->f->cfg.entry, code, len), VMM_OK);
    assert_int_equal(vmm_platform_init(&r->platform, &r->f->caps,
                                       vmm_cpuid_profile_find("generic-intel64"), 0),
                     VMM_OK);
    vmm_vcpu_init(&r->vcpu, &r->f->cpu);
    vmm_platform_install(&r->platform, &r->vcpu);
    return r;
}

static void run_free(struct run *r)
{
    assert_int_equal(vmm_vm_destroy(&r->f->vm), VMM_OK);
    sim_engine_destroy(r->eng);
    vmfix_free(r->f, false);
    free(r);
}

/* Runs to the exit hypercall; returns its status. */
static uint64_t run_to_exit(struct run *r)
{
    int stop = vmm_vcpu_run(&r->vcpu, 100);
    if (stop != VMM_STOP_HANDLER)
        fail_msg("stopped: %s\n%s", vmm_stop_name((enum vmm_stop)stop), r->vcpu.dump);
    assert_true(r->platform.hc.exited);
    return r->platform.hc.exit_status;
}

static void a_guest_starts_in_64_bit_mode_and_exits_by_hypercall(void **state)
{
    (void)state;
    const uint8_t code[] = {
        0xb8, 0x02, 0x00, 0x00, 0x00, /* mov eax, VMM_HC_EXIT */
        0x48, 0x89, 0xe3,             /* mov rbx, rsp: 64-bit register, the stack VM set */
        0x0f, 0x01, 0xc1,             /* vmcall */
    };
    struct run *r = run_new(code, sizeof code);
    assert_int_equal(run_to_exit(r), r->f->cfg.rsp);
    assert_int_equal(r->vcpu.stats.exits[VMX_EXIT_VMCALL], 1);
    run_free(r);
}

static void an_invalid_opcode_ends_the_guest_through_its_idt_stub(void **state)
{
    (void)state;
    const uint8_t code[] = {0x90, 0x0f, 0x0b}; /* nop; ud2 */
    struct run *r = run_new(code, sizeof code);
    assert_int_equal(run_to_exit(r), VMM_VM_EXCEPTION_EXIT(6));
    assert_int_equal(r->vcpu.gprs.rcx, r->f->cfg.entry + 1); /* the ud2 */
    assert_int_equal(r->vcpu.gprs.rdx, 0);
    run_free(r);
}

static void a_page_fault_reports_its_error_code_even_with_a_broken_stack(void **state)
{
    (void)state;
    const uint8_t code[] = {
        0x31, 0xe4,                                     /* xor esp, esp: no usable stack */
        0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x40, /* mov rax, [0x40000000]: not mapped */
    };
    struct run *r = run_new(code, sizeof code);
    assert_int_equal(run_to_exit(r), VMM_VM_EXCEPTION_EXIT(14));
    assert_int_equal(r->vcpu.gprs.rcx, r->f->cfg.entry + 2);
    assert_int_equal(r->vcpu.gprs.rdx, 0); /* not present, read, supervisor */
    run_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_guest_starts_in_64_bit_mode_and_exits_by_hypercall),
        cmocka_unit_test(an_invalid_opcode_ends_the_guest_through_its_idt_stub),
        cmocka_unit_test(a_page_fault_reports_its_error_code_even_with_a_broken_stack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
