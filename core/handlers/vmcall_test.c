/* SPDX-License-Identifier: Apache-2.0 */
/* VMCALL: the hypercall ABI (number in RAX, arguments in RBX/RCX/RDX, result in RAX). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "vmm/hypercall.h"

struct vc_fixture {
    struct hfix *f;
    uint8_t console_buf[8192];
    struct vmm_byte_sink console;
};

static int setup(void **state)
{
    struct vc_fixture *x = calloc(1, sizeof *x);
    x->f = hfix_new(NULL);
    vmm_byte_sink_init(&x->console, x->console_buf, sizeof x->console_buf);
    x->f->platform.hc.console = &x->console;
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct vc_fixture *x = *state;
    hfix_free(x->f);
    free(x);
    return 0;
}

static int hypercall(struct hfix *f, uint64_t nr, uint64_t a1, uint64_t a2)
{
    f->vcpu.gprs.rax = nr;
    f->vcpu.gprs.rbx = a1;
    f->vcpu.gprs.rcx = a2;
    return hfix_run_exit(f, VMX_EXIT_VMCALL, 0, 3);
}

static void version_returns_the_abi_version_and_completes_vmcall(void **state)
{
    struct vc_fixture *x = *state;
    assert_int_equal(hypercall(x->f, VMM_HC_VERSION, 0, 0), VMM_STOP_BUDGET);
    assert_int_equal(x->f->vcpu.gprs.rax, VMM_HYPERCALL_ABI_VERSION);
    assert_int_equal(hfix_vmcs(x->f, VMCS_GUEST_RIP), 0x1003);
    assert_int_equal(x->f->platform.hc.calls, 1);
}

static void print_copies_guest_memory_to_the_console(void **state)
{
    struct vc_fixture *x = *state;
    memcpy(x->f->ram + 0x500, "hello, host", 11);
    assert_int_equal(hypercall(x->f, VMM_HC_PRINT, 0x500, 11), VMM_STOP_BUDGET);
    assert_int_equal(x->f->vcpu.gprs.rax, 11);
    assert_int_equal(x->console.len, 11);
    assert_memory_equal(x->console_buf, "hello, host", 11);
    /* longer than one internal chunk, ending at the last byte of RAM */
    memset(x->f->ram + HFIX_RAM_SIZE - 700, 'x', 700);
    assert_int_equal(hypercall(x->f, VMM_HC_PRINT, HFIX_RAM_SIZE - 700, 700), VMM_STOP_BUDGET);
    assert_int_equal(x->f->vcpu.gprs.rax, 700);
    assert_int_equal(x->console.len, 711);
}

static void print_arguments_are_bounds_checked(void **state)
{
    struct vc_fixture *x = *state;
    assert_int_equal(hypercall(x->f, VMM_HC_PRINT, 0, VMM_HC_PRINT_MAX + 1), VMM_STOP_BUDGET);
    assert_int_equal(x->f->vcpu.gprs.rax, VMM_HC_E_INVAL);
    assert_int_equal(hypercall(x->f, VMM_HC_PRINT, ~0ull - 3, 8), VMM_STOP_BUDGET);
    assert_int_equal(x->f->vcpu.gprs.rax, VMM_HC_E_INVAL);
    assert_int_equal(hypercall(x->f, VMM_HC_PRINT, HFIX_RAM_SIZE - 4, 8), VMM_STOP_BUDGET);
    assert_int_equal(x->f->vcpu.gprs.rax, VMM_HC_E_FAULT);
    assert_int_equal(hypercall(x->f, VMM_HC_PRINT, 0x100000, 1), VMM_STOP_BUDGET);
    assert_int_equal(x->f->vcpu.gprs.rax, VMM_HC_E_FAULT);
    assert_int_equal(x->console.len, 0);
    assert_int_equal(hypercall(x->f, VMM_HC_PRINT, 0, 0), VMM_STOP_BUDGET);
    assert_int_equal(x->f->vcpu.gprs.rax, 0);
}

static void exit_stops_the_run_loop_with_the_status(void **state)
{
    struct vc_fixture *x = *state;
    assert_int_equal(hypercall(x->f, VMM_HC_EXIT, 42, 0), VMM_STOP_HANDLER);
    assert_true(x->f->platform.hc.exited);
    assert_int_equal(x->f->platform.hc.exit_status, 42);
    assert_int_equal(x->f->vcpu.gprs.rax, 0);
    assert_int_equal(hfix_vmcs(x->f, VMCS_GUEST_RIP), 0x1003);
    assert_string_equal(x->f->vcpu.dump, ""); /* a requested stop, not an error */
}

static void unknown_numbers_and_user_mode_callers_get_errors(void **state)
{
    struct vc_fixture *x = *state;
    assert_int_equal(hypercall(x->f, 77, 0, 0), VMM_STOP_BUDGET);
    assert_int_equal(x->f->vcpu.gprs.rax, VMM_HC_E_NOSYS);
    hfix_set(x->f, VMCS_GUEST_SS_AR_BYTES, 0xc0f3); /* DPL 3 */
    assert_int_equal(hypercall(x->f, VMM_HC_EXIT, 1, 0), VMM_STOP_BUDGET);
    assert_int_equal(x->f->vcpu.gprs.rax, VMM_HC_E_PERM);
    assert_false(x->f->platform.hc.exited);
}

static void outside_64bit_mode_only_the_low_halves_count(void **state)
{
    struct vc_fixture *x = *state;
    hfix_protected_mode(x->f);
    memcpy(x->f->ram + 0x40, "ok", 2);
    assert_int_equal(hypercall(x->f, 0xffffffff00000000ull | VMM_HC_PRINT,
                               0x1234567800000040ull, 0xffffffff00000002ull),
                     VMM_STOP_BUDGET);
    assert_int_equal(x->f->vcpu.gprs.rax, 2);
    assert_memory_equal(x->console_buf, "ok", 2);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(version_returns_the_abi_version_and_completes_vmcall),
        T(print_copies_guest_memory_to_the_console),
        T(print_arguments_are_bounds_checked),
        T(exit_stops_the_run_loop_with_the_status),
        T(unknown_numbers_and_user_mode_callers_get_errors),
        T(outside_64bit_mode_only_the_low_halves_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
