/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded text formatting for a core without libc. */
#include "vmm/textbuf.h"

void tb_init(struct vmm_textbuf *tb, char *buf, size_t cap)
{
    tb->buf = buf;
    tb->cap = buf ? cap : 0;
    tb->len = 0;
    tb->line_start = 0;
    if (tb->cap)
        tb->buf[0] = '\0';
}

void tb_putc(struct vmm_textbuf *tb, char c)
{
    if (tb->len + 1 < tb->cap) {
        tb->buf[tb->len] = c;
        tb->buf[tb->len + 1] = '\0';
    }
    tb->len++;
    if (c == '\n')
        tb->line_start = tb->len;
}

void tb_puts(struct vmm_textbuf *tb, const char *s)
{
    while (*s)
        tb_putc(tb, *s++);
}

void tb_hex(struct vmm_textbuf *tb, uint64_t v, unsigned digits)
{
    static const char hex[] = "0123456789abcdef";
    unsigned n = 1;
    while (n < 16 && (v >> (4 * n)) != 0)
        n++;
    if (digits > 16)
        digits = 16;
    if (n < digits)
        n = digits;
    tb_puts(tb, "0x");
    while (n--)
        tb_putc(tb, hex[(v >> (4 * n)) & 0xf]);
}

void tb_dec(struct vmm_textbuf *tb, uint64_t v)
{
    char digits[20];
    unsigned n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n--)
        tb_putc(tb, digits[n]);
}

void tb_pad_to(struct vmm_textbuf *tb, size_t column)
{
    while (tb->len - tb->line_start < column)
        tb_putc(tb, ' ');
}
