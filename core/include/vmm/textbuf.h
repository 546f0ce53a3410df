/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bounded text buffer for dumps and reports, since the core has no libc.
 * Appending never overflows: output past the capacity is dropped, but
 * `len` keeps counting, so a caller can retry with len + 1 bytes.
 */
#ifndef VMM_TEXTBUF_H
#define VMM_TEXTBUF_H

#include "vmm/types.h"

struct vmm_textbuf {
    char *buf;
    size_t cap;        /* bytes available, including the terminating NUL */
    size_t len;        /* bytes the full text needs, excluding the NUL */
    size_t line_start; /* offset of the current line, for tb_pad_to */
};

/* Starts an empty text in buf[cap] (buf may be NULL when cap is 0). */
void tb_init(struct vmm_textbuf *tb, char *buf, size_t cap);
void tb_putc(struct vmm_textbuf *tb, char c);
void tb_puts(struct vmm_textbuf *tb, const char *s);
/* "0x" followed by at least `digits` lowercase hex digits. */
void tb_hex(struct vmm_textbuf *tb, uint64_t v, unsigned digits);
void tb_dec(struct vmm_textbuf *tb, uint64_t v);
/* Appends spaces until the current line is `column` characters long. */
void tb_pad_to(struct vmm_textbuf *tb, size_t column);
/* True if everything appended fit. */
static inline bool tb_complete(const struct vmm_textbuf *tb)
{
    return tb->len < tb->cap;
}

#endif /* VMM_TEXTBUF_H */
