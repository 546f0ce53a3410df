/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The library OS console: every byte goes to COM1 (0x3F8, 115200 8N1) and
 * to port 0xE9 (Bochs' and QEMU's debug console). Output is synchronous;
 * libos_console_flush() waits until COM1 has sent its last bit.
 */
#ifndef LIBOS_CONSOLE_H
#define LIBOS_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

void kputs(const char *s);
void kputc(char c);
/*
 * printf subset: %s %c %d %i %u %x %X %p %%, with flags '-' '0', a width
 * (or '*'), a precision for %s (".N" or ".*"), and the length modifiers
 * l, ll, z (e.g. %016llx, %-8s, %.*s, %lu).
 */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);

/* Formats into buf (always NUL-terminated when size > 0); returns the
 * length the full output would have had. */
size_t ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
size_t kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Waits until COM1's transmitter is empty (LSR.TEMT). */
void libos_console_flush(void);

#endif
