/* SPDX-License-Identifier: Apache-2.0 */
/* RDTSC/RDTSCP: the caller's counter with the TSC offset and multiplier applied. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

static int setup(void **state)
{
    struct hfix *f = hfix_new(NULL);
    *state = f;
    return f ? 0 : -1;
}

static int teardown(void **state)
{
    hfix_free(*state);
    return 0;
}

static uint64_t rdtsc(struct hfix *f)
{
    f->vcpu.gprs.rax = f->vcpu.gprs.rdx = ~0ull;
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_RDTSC, 0, 2), VMM_STOP_BUDGET);
    assert_true(f->vcpu.gprs.rax <= 0xffffffffu && f->vcpu.gprs.rdx <= 0xffffffffu);
    return f->vcpu.gprs.rdx << 32 | f->vcpu.gprs.rax;
}

static void without_offsetting_the_counter_is_the_tsc(void **state)
{
    struct hfix *f = *state;
    f->counter = 0x123456789ull;
    hfix_set(f, VMCS_TSC_OFFSET, 5); /* ignored: offsetting is off */
    assert_int_equal(rdtsc(f), 0x123456789ull);
    assert_int_equal(rdtsc(f), 0x12345678aull);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1004);
}

static void the_offset_is_added_and_wraps(void **state)
{
    struct hfix *f = *state;
    hfix_set(f, VMCS_CPU_BASED_VM_EXEC_CONTROL,
             VMX_PROC_ACTIVATE_SECONDARY | VMX_PROC_USE_TSC_OFFSETTING);
    f->counter = 100;
    hfix_set(f, VMCS_TSC_OFFSET, (uint64_t)-40);
    assert_int_equal(rdtsc(f), 60);
}

static void the_multiplier_scales_before_the_offset(void **state)
{
    struct hfix *f = *state;
    hfix_set(f, VMCS_CPU_BASED_VM_EXEC_CONTROL,
             VMX_PROC_ACTIVATE_SECONDARY | VMX_PROC_USE_TSC_OFFSETTING);
    hfix_set(f, VMCS_SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT | VMX_PROC2_USE_TSC_SCALING);
    hfix_set(f, VMCS_TSC_MULTIPLIER, 3ull << 47); /* 1.5 */
    hfix_set(f, VMCS_TSC_OFFSET, 7);
    f->counter = 1000;
    assert_int_equal(rdtsc(f), 1507);
    /* the product needs all 128 bits: 2^62 * 1.5 */
    f->counter = 1ull << 62;
    hfix_set(f, VMCS_TSC_OFFSET, 0);
    assert_int_equal(rdtsc(f), 0x6000000000000000ull);
    hfix_set(f, VMCS_TSC_MULTIPLIER, ~0ull);
    f->counter = ~0ull;
    /* (2^64 - 1)^2 >> 48 = 2^80 - 2^17, of which the low 64 bits count */
    assert_int_equal(rdtsc(f), 0xfffffffffffe0000ull);
}

static void rdtscp_adds_tsc_aux_in_ecx(void **state)
{
    struct hfix *f = *state;
    vmm_guest_msrs_find(&f->platform.msrs, 0xc0000103)->value = 0x2a;
    f->counter = 77;
    f->vcpu.gprs.rcx = ~0ull;
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_RDTSCP, 0, 3), VMM_STOP_BUDGET);
    assert_int_equal(f->vcpu.gprs.rax, 77);
    assert_int_equal(f->vcpu.gprs.rcx, 0x2a);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1003);
}

static void without_a_source_rdtsc_is_unhandled(void **state)
{
    struct hfix *f = *state;
    f->platform.tsc.read = NULL;
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_RDTSC, 0, 2), VMM_STOP_UNHANDLED);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1000);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(without_offsetting_the_counter_is_the_tsc),
        T(the_offset_is_added_and_wraps),
        T(the_multiplier_scales_before_the_offset),
        T(rdtscp_adds_tsc_aux_in_ecx),
        T(without_a_source_rdtsc_is_unhandled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
