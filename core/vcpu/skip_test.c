/* SPDX-License-Identifier: Apache-2.0 */
/* Instruction skipping: RIP, the STI/MOV-SS shadow and single-step, per the SDM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "core/cpu/cpu_test_double_vmx.h"
#include "vmm/vcpu.h"

struct fixture {
    struct cpu_test_double td;
    struct cpu_td_vmx vmx;
    struct vmm_vcpu vcpu;
};

#define CS_AR_64 0xa09b /* present code, L = 1 */
#define CS_AR_32 0xc09b /* D = 1 */
#define CS_AR_16 0x009b
#define ENTRY_IA32E (1u << 9)

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct vmx_raw_caps raw = {0};
    cpu_test_double_init(&f->td, &raw);
    cpu_test_double_enable_vmx(&f->td, &f->vmx, NULL, 0);
    vmm_vcpu_init(&f->vcpu, &f->td.cpu);
    cpu_td_set_vmcs(&f->td, VMCS_VM_ENTRY_CONTROLS, ENTRY_IA32E);
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_CS_AR_BYTES, CS_AR_64);
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_RFLAGS, 0x2);
    f->vcpu.exit = (struct vmm_exit){.reason = 10, .have = VMM_EXIT_HAVE_LEN, .instr_len = 3};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void rip_advances_by_the_instruction_length(void **state)
{
    struct fixture *f = *state;
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_RIP, 0xffffffff80001000ull);
    assert_int_equal(vmm_vcpu_skip_instruction(&f->vcpu), VMM_OK);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_GUEST_RIP), 0xffffffff80001003ull);
}

static void rip_wraps_at_the_code_size_outside_64bit_mode(void **state)
{
    struct fixture *f = *state;
    cpu_td_set_vmcs(&f->td, VMCS_VM_ENTRY_CONTROLS, 0);
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_CS_AR_BYTES, CS_AR_32);
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_RIP, 0xfffffffe);
    assert_int_equal(vmm_vcpu_skip_instruction(&f->vcpu), VMM_OK);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_GUEST_RIP), 1);

    cpu_td_set_vmcs(&f->td, VMCS_GUEST_CS_AR_BYTES, CS_AR_16);
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_RIP, 0xfffe);
    assert_int_equal(vmm_vcpu_skip_instruction(&f->vcpu), VMM_OK);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_GUEST_RIP), 1);

    /* CS.L without IA-32e mode is not 64-bit mode. */
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_CS_AR_BYTES, CS_AR_64 | 0x4000);
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_RIP, 0xffffffff);
    assert_int_equal(vmm_vcpu_skip_instruction(&f->vcpu), VMM_OK);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_GUEST_RIP), 2);
}

static void sti_and_mov_ss_blocking_end_other_state_stays(void **state)
{
    struct fixture *f = *state;
    /* STI (0), MOV SS (1), NMI blocking (3) */
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_INTERRUPTIBILITY_INFO, 0xb);
    assert_int_equal(vmm_vcpu_skip_instruction(&f->vcpu), VMM_OK);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_GUEST_INTERRUPTIBILITY_INFO), 0x8);
}

static void trap_flag_sets_the_pending_single_step(void **state)
{
    struct fixture *f = *state;
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_RFLAGS, 0x102);
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0x1); /* B0 already pending */
    assert_int_equal(vmm_vcpu_skip_instruction(&f->vcpu), VMM_OK);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_GUEST_PENDING_DBG_EXCEPTIONS), 0x4001);
}

static void no_single_step_without_tf_or_with_btf(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(vmm_vcpu_skip_instruction(&f->vcpu), VMM_OK);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_GUEST_PENDING_DBG_EXCEPTIONS), 0);
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_RFLAGS, 0x102);
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_IA32_DEBUGCTL, 0x2); /* BTF: trap on branches only */
    assert_int_equal(vmm_vcpu_skip_instruction(&f->vcpu), VMM_OK);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_GUEST_PENDING_DBG_EXCEPTIONS), 0);
}

static void exits_without_a_length_cannot_be_skipped(void **state)
{
    struct fixture *f = *state;
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_RIP, 0x1000);
    f->vcpu.exit.have = 0;
    assert_int_equal(vmm_vcpu_skip_instruction(&f->vcpu), VMM_E_STATE);
    f->vcpu.exit.have = VMM_EXIT_HAVE_LEN;
    f->vcpu.exit.instr_len = 16;
    assert_int_equal(vmm_vcpu_skip_instruction(&f->vcpu), VMM_E_STATE);
    assert_int_equal(cpu_td_vmcs(&f->td, VMCS_GUEST_RIP), 0x1000);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(rip_advances_by_the_instruction_length),
        T(rip_wraps_at_the_code_size_outside_64bit_mode),
        T(sti_and_mov_ss_blocking_end_other_state_stays),
        T(trap_flag_sets_the_pending_single_step),
        T(no_single_step_without_tf_or_with_btf),
        T(exits_without_a_length_cannot_be_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
