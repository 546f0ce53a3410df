/* SPDX-License-Identifier: Apache-2.0 */
/* I/O exits: IN/OUT through the port bus to the UART and debug port; string forms unhandled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "vmm/debugport.h"
#include "vmm/uart16550.h"

struct io_fixture {
    struct hfix *f;
    uint8_t serial_out[64], debug_out[64];
    struct vmm_byte_sink serial, debug;
    struct vmm_uart16550 uart;
    struct vmm_debugport dp;
};

static int setup(void **state)
{
    struct io_fixture *x = calloc(1, sizeof *x);
    x->f = hfix_new(NULL);
    vmm_byte_sink_init(&x->serial, x->serial_out, sizeof x->serial_out);
    vmm_byte_sink_init(&x->debug, x->debug_out, sizeof x->debug_out);
    vmm_uart16550_init(&x->uart, &x->serial);
    vmm_debugport_init(&x->dp, &x->debug);
    struct vmm_port_bus *bus = &x->f->platform.ports;
    assert_int_equal(vmm_port_bus_add(bus, 0x3f8, 8, true, &vmm_uart16550_ops, &x->uart, "com1"), 0);
    assert_int_equal(vmm_port_bus_add(bus, 0xe9, 1, true, &vmm_debugport_ops, &x->dp, "e9"), 0);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct io_fixture *x = *state;
    hfix_free(x->f);
    free(x);
    return 0;
}

/* Qualification: size in bytes, IN or OUT, port in DX. */
static uint64_t io_qual(unsigned size, bool in, uint16_t port)
{
    return (uint64_t)(size - 1) | (in ? 8u : 0u) | (uint64_t)port << 16;
}

static void out_to_the_uart_reaches_the_host(void **state)
{
    struct io_fixture *x = *state;
    const char *msg = "hi\n";
    for (const char *c = msg; *c; c++) {
        x->f->vcpu.gprs.rax = 0x4100 | (uint8_t)*c; /* only AL is written */
        assert_int_equal(hfix_run_exit(x->f, VMX_EXIT_IO_INSTRUCTION, io_qual(1, false, 0x3f8), 1),
                         VMM_STOP_BUDGET);
    }
    assert_int_equal(x->serial.len, 3);
    assert_memory_equal(x->serial_out, "hi\n", 3);
    assert_int_equal(hfix_vmcs(x->f, VMCS_GUEST_RIP), 0x1003);
}

static void in_merges_al_and_ax_but_zero_extends_eax(void **state)
{
    struct io_fixture *x = *state;
    x->f->vcpu.gprs.rax = 0x1122334455667788ull;
    assert_int_equal(hfix_run_exit(x->f, VMX_EXIT_IO_INSTRUCTION, io_qual(1, true, 0x3fd), 1),
                     VMM_STOP_BUDGET);
    assert_int_equal(x->f->vcpu.gprs.rax, 0x1122334455667760ull); /* LSR: THRE | TEMT */
    assert_int_equal(hfix_run_exit(x->f, VMX_EXIT_IO_INSTRUCTION, io_qual(2, true, 0x80), 1),
                     VMM_STOP_BUDGET);
    assert_int_equal(x->f->vcpu.gprs.rax, 0x112233445566ffffull); /* unclaimed: all ones */
    assert_int_equal(hfix_run_exit(x->f, VMX_EXIT_IO_INSTRUCTION, io_qual(4, true, 0x80), 1),
                     VMM_STOP_BUDGET);
    assert_int_equal(x->f->vcpu.gprs.rax, 0xffffffffull);
}

static void debug_port_collects_bytes(void **state)
{
    struct io_fixture *x = *state;
    x->f->vcpu.gprs.rax = 'Z';
    uint64_t q = io_qual(1, false, 0xe9) | 0x40; /* OUT imm8, AL */
    assert_int_equal(hfix_run_exit(x->f, VMX_EXIT_IO_INSTRUCTION, q, 2), VMM_STOP_BUDGET);
    assert_int_equal(x->debug.len, 1);
    assert_int_equal(x->debug_out[0], 'Z');
    assert_int_equal(hfix_run_exit(x->f, VMX_EXIT_IO_INSTRUCTION, io_qual(1, true, 0xe9), 1),
                     VMM_STOP_BUDGET);
    assert_int_equal(x->f->vcpu.gprs.rax & 0xff, 0xe9);
}

static void string_and_rep_forms_are_unhandled_with_the_exit_decoded(void **state)
{
    struct io_fixture *x = *state;
    uint64_t outsb = io_qual(1, false, 0x3f8) | 0x10;
    struct cpu_td_exit *e = cpu_td_queue_exit(&x->f->td, VMX_EXIT_IO_INSTRUCTION, outsb, 1);
    cpu_td_exit_set(e, VMCS_GUEST_LINEAR_ADDRESS, 0x7000);
    assert_int_equal(vmm_vcpu_run(&x->f->vcpu, 1), VMM_STOP_UNHANDLED);
    assert_non_null(strstr(x->f->vcpu.dump, "(INS/OUTS) is not emulated"));
    assert_non_null(strstr(x->f->vcpu.dump, "OUTS, 1 byte, port 0x03f8 (DX)"));
    assert_non_null(strstr(x->f->vcpu.dump, "guest-linear      0x7000"));
    assert_int_equal(x->serial.len, 0);
    assert_int_equal(hfix_vmcs(x->f, VMCS_GUEST_RIP), 0x1000);
    uint64_t rep_in = io_qual(2, true, 0x1f0) | 0x30;
    assert_int_equal(hfix_run_exit(x->f, VMX_EXIT_IO_INSTRUCTION, rep_in, 2), VMM_STOP_UNHANDLED);
    assert_non_null(strstr(x->f->vcpu.dump, "REP INS, 2 bytes, port 0x01f0"));
}

static void strict_bus_and_malformed_exits_are_unhandled(void **state)
{
    struct io_fixture *x = *state;
    x->f->platform.ports.strict = true;
    assert_int_equal(hfix_run_exit(x->f, VMX_EXIT_IO_INSTRUCTION, io_qual(1, true, 0x80), 1),
                     VMM_STOP_UNHANDLED);
    assert_non_null(strstr(x->f->vcpu.dump, "claimed by no device"));
    assert_int_equal(hfix_run_exit(x->f, VMX_EXIT_IO_INSTRUCTION, 0x2 | (0x3f8u << 16), 1),
                     VMM_STOP_UNHANDLED);
    assert_non_null(strstr(x->f->vcpu.dump, "malformed I/O-instruction qualification"));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(out_to_the_uart_reaches_the_host),
        T(in_merges_al_and_ax_but_zero_extends_eax),
        T(debug_port_collects_bytes),
        T(string_and_rep_forms_are_unhandled_with_the_exit_decoded),
        T(strict_bus_and_malformed_exits_are_unhandled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
