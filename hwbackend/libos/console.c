/* SPDX-License-Identifier: Apache-2.0 */
/* The console: COM1 (16550, 115200 8N1) and the 0xE9 debug port. */
#include "libos/console.h"

#include <stdbool.h>

#include "format.h"
#include "libos/cpu.h"
#include "libos_internal.h"

#define COM1 0x3F8
#define UART_THR 0
#define UART_IER 1
#define UART_DLL 0
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define DEBUG_PORT 0xE9
/* Polls before giving up on a UART that never drains (no hang on a
 * machine whose COM1 is absent or wedged). */
#define UART_SPIN_LIMIT 1000000u

/* Set once at boot, before anything is printed; read-only afterwards. */
static bool com1_present;
static bool debug_port_present;

bool libos_debug_port_present(void) { return debug_port_present; }

void libos_console_init(void)
{
    /* Bochs' and QEMU's debug console read back 0xE9; real machines do
     * not, and get no writes to a port that may belong to something. */
    debug_port_present = inb(DEBUG_PORT) == DEBUG_PORT;
    /* A missing UART reads back 0xFF; the scratch register proves one. */
    outb(COM1 + UART_SCR, 0x5A);
    com1_present = inb(COM1 + UART_SCR) == 0x5A;
    if (!com1_present) return;
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x80); /* divisor latch */
    outb(COM1 + UART_DLL, 0x01); /* 115200 baud */
    outb(COM1 + UART_DLM, 0x00);
    outb(COM1 + UART_LCR, 0x03); /* 8N1; Bochs masks to 5 bits otherwise */
    outb(COM1 + UART_FCR, 0x07); /* FIFO on, cleared */
    outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

static void uart_wait(uint8_t lsr_bit)
{
    for (unsigned i = 0; i < UART_SPIN_LIMIT; i++) {
        if (inb(COM1 + UART_LSR) & lsr_bit) return;
        cpu_pause();
    }
}

void kputc(char c)
{
    if (c == '\n') kputc('\r');
    if (debug_port_present) outb(DEBUG_PORT, (uint8_t)c);
    if (com1_present) {
        uart_wait(LSR_THRE);
        outb(COM1 + UART_THR, (uint8_t)c);
    }
}

void kputs(const char *s)
{
    while (*s) kputc(*s++);
}

static void put_console(char c, void *ctx)
{
    (void)ctx;
    kputc(c);
}

void kvprintf(const char *fmt, va_list ap)
{
    libos_format(put_console, 0, fmt, ap);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

struct buffer {
    char *buf;
    size_t size, used;
};

static void put_buffer(char c, void *ctx)
{
    struct buffer *b = ctx;
    if (b->used + 1 < b->size) b->buf[b->used] = c;
    b->used++;
}

size_t kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buffer b = {buf, size, 0};
    size_t n = libos_format(put_buffer, &b, fmt, ap);
    if (size) buf[b.used < size ? b.used : size - 1] = '\0';
    return n;
}

size_t ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void libos_console_flush(void)
{
    if (com1_present) uart_wait(LSR_TEMT);
}
