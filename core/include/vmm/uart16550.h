/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A 16550-compatible UART (the PC's COM port, 8 byte-wide registers at
 * e.g. 3F8H), enough for a guest's serial console and for Linux's 8250
 * probe:
 *   +0 RBR (read) / THR (write); DLL when LCR.DLAB = 1
 *   +1 IER (bits 3:0);           DLM when LCR.DLAB = 1
 *   +2 IIR (read) / FCR (write)
 *   +3 LCR   +4 MCR (bits 4:0; bit 4 loopback)   +5 LSR   +6 MSR   +7 SCR
 * Transmission is instantaneous: LSR.THRE and LSR.TEMT are always set and
 * each THR byte goes to the host's byte sink (or, in loopback, to the
 * receive FIFO). The host can feed received bytes (16-byte FIFO, overrun
 * reported in LSR.OE). IIR reports the highest-priority pending condition
 * (line status, received data, THR empty) among those IER enables; no
 * interrupt is raised yet, since there is no interrupt controller.
 */
#ifndef VMM_UART16550_H
#define VMM_UART16550_H

#include "vmm/bytesink.h"
#include "vmm/portio.h"

#define VMM_UART_RX_FIFO 16

struct vmm_uart16550 {
    struct vmm_byte_sink *tx; /* where transmitted bytes go */
    uint8_t rx[VMM_UART_RX_FIFO];
    uint8_t rx_head, rx_count;
    bool overrun;             /* LSR.OE until LSR is read */
    bool thre_pending;        /* THR-empty condition, until IIR reports it or THR is written */
    uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
};

/* Port callbacks for vmm_port_bus_add(bus, base, 8, true, &vmm_uart16550_ops, uart, ...). */
extern const struct vmm_port_ops vmm_uart16550_ops;

/* Reset state (divisor 12: 9600 baud), transmitting into `tx`. */
void vmm_uart16550_init(struct vmm_uart16550 *uart, struct vmm_byte_sink *tx);

/* Delivers a received byte; VMM_E_NOMEM (and overrun) when the FIFO is full. */
int vmm_uart16550_receive(struct vmm_uart16550 *uart, uint8_t byte);

/* The IIR value a read would return (without the read's side effects). */
uint8_t vmm_uart16550_iir(const struct vmm_uart16550 *uart);

#endif /* VMM_UART16550_H */
