/* SPDX-License-Identifier: Apache-2.0 */
/* The 16550 UART, register by register, through the port bus as a guest sees it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmm/uart16550.h"

#define COM1 0x3f8

struct fixture {
    uint8_t out[64];
    struct vmm_byte_sink sink;
    struct vmm_uart16550 uart;
    struct vmm_port_bus bus;
};

static struct fixture fx;

static int setup(void **state)
{
    vmm_byte_sink_init(&fx.sink, fx.out, sizeof fx.out);
    vmm_uart16550_init(&fx.uart, &fx.sink);
    vmm_port_bus_init(&fx.bus);
    assert_int_equal(vmm_port_bus_add(&fx.bus, COM1, 8, true, &vmm_uart16550_ops, &fx.uart, "com1"),
                     VMM_OK);
    *state = &fx;
    return 0;
}

static uint8_t in(unsigned reg)
{
    uint32_t v;
    assert_int_equal(vmm_port_bus_in(&fx.bus, (uint16_t)(COM1 + reg), 1, &v), VMM_OK);
    return (uint8_t)v;
}

static void out(unsigned reg, uint8_t v)
{
    assert_int_equal(vmm_port_bus_out(&fx.bus, (uint16_t)(COM1 + reg), 1, v), VMM_OK);
}

static void thr_bytes_reach_the_host_and_the_transmitter_is_always_empty(void **state)
{
    (void)state;
    assert_int_equal(in(5), 0x60); /* LSR: THRE | TEMT */
    out(0, 'o');
    out(0, 'k');
    assert_int_equal(fx.sink.len, 2);
    assert_memory_equal(fx.out, "ok", 2);
    assert_int_equal(in(5) & 0x60, 0x60);
}

static void dlab_switches_to_the_divisor_latch(void **state)
{
    (void)state;
    assert_int_equal(in(0 + 3), 0);
    out(3, 0x83); /* DLAB, 8N1 */
    out(0, 0x01); /* 115200 baud */
    out(1, 0x00);
    assert_int_equal(fx.sink.len, 0); /* divisor writes do not transmit */
    assert_int_equal(in(0), 0x01);
    assert_int_equal(in(1), 0x00);
    assert_int_equal(in(3), 0x83);
    out(3, 0x03);
    out(1, 0x0f);
    assert_int_equal(in(1), 0x0f); /* IER again */
    out(1, 0xff);
    assert_int_equal(in(1), 0x0f); /* bits 7:4 read 0 */
    out(3, 0x83);
    assert_int_equal(in(0), 0x01); /* divisor kept */
    assert_int_equal(in(1), 0x00);
}

static void scratch_register_holds_a_byte(void **state)
{
    (void)state;
    out(7, 0x5a);
    assert_int_equal(in(7), 0x5a);
    out(7, 0xa5);
    assert_int_equal(in(7), 0xa5);
}

static void iir_reports_thr_empty_once_enabled_until_read(void **state)
{
    (void)state;
    assert_int_equal(in(2), 0x01); /* nothing pending */
    out(2, 0x07);                  /* FCR: enable and clear FIFOs */
    assert_int_equal(in(2), 0xc1);
    out(1, 0x02); /* IER: THR empty */
    assert_int_equal(in(2), 0xc2);
    assert_int_equal(in(2), 0xc1); /* the read acknowledged it */
    out(0, 'x');
    assert_int_equal(vmm_uart16550_iir(&fx.uart), 0xc2);
    assert_int_equal(in(2), 0xc2);
}

static void received_bytes_come_out_of_rbr_in_order(void **state)
{
    (void)state;
    assert_int_equal(in(5) & 1, 0);
    assert_int_equal(vmm_uart16550_receive(&fx.uart, 'a'), VMM_OK);
    assert_int_equal(vmm_uart16550_receive(&fx.uart, 'b'), VMM_OK);
    assert_int_equal(in(5) & 1, 1); /* data ready */
    out(1, 0x03);                   /* RDA beats THRE */
    assert_int_equal(in(2), 0x04);
    assert_int_equal(in(0), 'a');
    assert_int_equal(in(0), 'b');
    assert_int_equal(in(5) & 1, 0);
    assert_int_equal(in(2), 0x02);
}

static void a_full_fifo_overruns(void **state)
{
    (void)state;
    for (int i = 0; i < VMM_UART_RX_FIFO; i++)
        assert_int_equal(vmm_uart16550_receive(&fx.uart, (uint8_t)i), VMM_OK);
    assert_int_equal(vmm_uart16550_receive(&fx.uart, 0xff), VMM_E_NOMEM);
    out(1, 0x04); /* line-status interrupt */
    assert_int_equal(in(2), 0x06);
    assert_int_equal(in(5) & 0x03, 0x03); /* DR | OE */
    assert_int_equal(in(5) & 0x02, 0);    /* OE clears on read */
    out(2, 0x03);                         /* FCR: clear receive FIFO */
    assert_int_equal(in(5) & 1, 0);
}

static void loopback_returns_bytes_and_mirrors_modem_lines(void **state)
{
    (void)state;
    assert_int_equal(in(6), 0xb0); /* DCD, DSR, CTS */
    out(4, 0x10);                  /* loop, all outputs low */
    assert_int_equal(in(6), 0x00);
    out(4, 0x1f); /* loop + DTR RTS OUT1 OUT2 */
    assert_int_equal(in(6), 0xf0);
    out(4, 0x1a); /* loop + RTS + OUT2: CTS, DCD (Linux's probe) */
    assert_int_equal(in(6), 0x90);
    out(0, 'L');
    assert_int_equal(fx.sink.len, 0);
    assert_int_equal(in(0), 'L');
    assert_int_equal(in(4), 0x1a);
    out(4, 0xff);
    assert_int_equal(in(4), 0x1f);
}

static void wide_accesses_are_refused_by_the_device(void **state)
{
    (void)state;
    uint32_t v;
    assert_int_equal(vmm_uart16550_ops.read(&fx.uart, 0, 2, &v), VMM_E_INVAL);
    assert_int_equal(vmm_uart16550_ops.write(&fx.uart, 8, 1, 0), VMM_E_INVAL);
    /* but the bus splits them for it */
    assert_int_equal(vmm_port_bus_in(&fx.bus, COM1 + 5, 2, &v), VMM_OK);
    assert_int_equal(v, 0xb060);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(thr_bytes_reach_the_host_and_the_transmitter_is_always_empty),
        T(dlab_switches_to_the_divisor_latch),
        T(scratch_register_holds_a_byte),
        T(iir_reports_thr_empty_once_enabled_until_read),
        T(received_bytes_come_out_of_rbr_in_order),
        T(a_full_fifo_overruns),
        T(loopback_returns_bytes_and_mirrors_modem_lines),
        T(wide_accesses_are_refused_by_the_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
