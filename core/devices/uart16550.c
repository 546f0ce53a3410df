/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A 16550-compatible UART, register by register (National Semiconductor
 * PC16550D data sheet layout; see vmm/uart16550.h for what is modelled).
 */
#include "vmm/uart16550.h"

enum reg { RBR_THR, IER, IIR_FCR, LCR, MCR, LSR, MSR, SCR };

#define LCR_DLAB 0x80
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define IER_RDA 0x01
#define IER_THRE 0x02
#define IER_RLS 0x04
#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define IIR_NONE 0x01
#define IIR_RLS 0x06
#define IIR_RDA 0x04
#define IIR_THRE 0x02
#define IIR_FIFO 0xc0
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

void vmm_uart16550_init(struct vmm_uart16550 *u, struct vmm_byte_sink *tx)
{
    *u = (struct vmm_uart16550){.tx = tx, .dll = 12};
}

int vmm_uart16550_receive(struct vmm_uart16550 *u, uint8_t byte)
{
    if (u->rx_count >= VMM_UART_RX_FIFO) {
        u->overrun = true;
        return VMM_E_NOMEM;
    }
    u->rx[(u->rx_head + u->rx_count) % VMM_UART_RX_FIFO] = byte;
    u->rx_count++;
    return VMM_OK;
}

static uint8_t pop_rx(struct vmm_uart16550 *u)
{
    if (!u->rx_count)
        return 0;
    uint8_t b = u->rx[u->rx_head];
    u->rx_head = (uint8_t)((u->rx_head + 1) % VMM_UART_RX_FIFO);
    u->rx_count--;
    return b;
}

uint8_t vmm_uart16550_iir(const struct vmm_uart16550 *u)
{
    uint8_t fifo = (u->fcr & FCR_ENABLE) ? IIR_FIFO : 0;
    if ((u->ier & IER_RLS) && u->overrun)
        return fifo | IIR_RLS;
    if ((u->ier & IER_RDA) && u->rx_count)
        return fifo | IIR_RDA;
    if ((u->ier & IER_THRE) && u->thre_pending)
        return fifo | IIR_THRE;
    return fifo | IIR_NONE;
}

/* In loopback the modem inputs follow the modem outputs. */
static uint8_t modem_status(const struct vmm_uart16550 *u)
{
    if (!(u->mcr & MCR_LOOP))
        return MSR_DCD | MSR_DSR | MSR_CTS; /* a connected terminal */
    uint8_t m = 0;
    m |= (u->mcr & MCR_RTS) ? MSR_CTS : 0;
    m |= (u->mcr & MCR_DTR) ? MSR_DSR : 0;
    m |= (u->mcr & MCR_OUT1) ? MSR_RI : 0;
    m |= (u->mcr & MCR_OUT2) ? MSR_DCD : 0;
    return m;
}

static int uart_read(void *dev, uint16_t offset, unsigned size, uint32_t *value)
{
    struct vmm_uart16550 *u = dev;
    if (size != 1 || offset > SCR)
        return VMM_E_INVAL;
    bool dlab = u->lcr & LCR_DLAB;
    uint8_t v = 0;
    switch ((enum reg)offset) {
    case RBR_THR: v = dlab ? u->dll : pop_rx(u); break;
    case IER: v = dlab ? u->dlm : u->ier; break;
    case IIR_FCR:
        v = vmm_uart16550_iir(u);
        if ((v & 0x0f) == IIR_THRE)
            u->thre_pending = false; /* reading IIR acknowledges THR empty */
        break;
    case LCR: v = u->lcr; break;
    case MCR: v = u->mcr; break;
    case LSR:
        v = LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0) | (u->overrun ? LSR_OE : 0);
        u->overrun = false;
        break;
    case MSR: v = modem_status(u); break;
    case SCR: v = u->scr; break;
    }
    *value = v;
    return VMM_OK;
}

static void transmit(struct vmm_uart16550 *u, uint8_t byte)
{
    if (u->mcr & MCR_LOOP)
        vmm_uart16550_receive(u, byte);
    else if (u->tx)
        vmm_byte_sink_put(u->tx, byte);
    u->thre_pending = true; /* sent at once: the holding register is empty again */
}

static int uart_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
    struct vmm_uart16550 *u = dev;
    if (size != 1 || offset > SCR)
        return VMM_E_INVAL;
    bool dlab = u->lcr & LCR_DLAB;
    uint8_t v = (uint8_t)value;
    switch ((enum reg)offset) {
    case RBR_THR:
        if (dlab)
            u->dll = v;
        else
            transmit(u, v);
        break;
    case IER:
        if (dlab) {
            u->dlm = v;
        } else {
            /* Enabling the THR-empty interrupt with THR empty raises it. */
            if ((v & IER_THRE) && !(u->ier & IER_THRE))
                u->thre_pending = true;
            u->ier = v & 0x0f;
        }
        break;
    case IIR_FCR:
        if (v & FCR_CLEAR_RX)
            u->rx_count = 0;
        u->fcr = v & 0xc9; /* bits 1, 2 clear themselves */
        break;
    case LCR: u->lcr = v; break;
    case MCR: u->mcr = v & 0x1f; break;
    case LSR:
    case MSR: break; /* read-only (factory test writes ignored) */
    case SCR: u->scr = v; break;
    }
    return VMM_OK;
}

const struct vmm_port_ops vmm_uart16550_ops = {.read = uart_read, .write = uart_write};
