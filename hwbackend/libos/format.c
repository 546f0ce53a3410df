/* SPDX-License-Identifier: Apache-2.0 */
/* The printf subset of the library OS (freestanding; also built on the
 * host for its unit test). */
#include "format.h"

#include <stdbool.h>
#include <stdint.h>

struct spec {
    bool left;      /* '-' */
    bool zero;      /* '0' */
    unsigned width;
    int precision;  /* -1 when absent; only %s uses it (at most this many bytes) */
    int length;     /* 0, 1 = l, 2 = ll or z */
};

struct out {
    libos_put_fn put;
    void *ctx;
    size_t count;
};

static void emit(struct out *o, char c)
{
    o->put(c, o->ctx);
    o->count++;
}

static void emit_padded(struct out *o, const struct spec *s, const char *text,
                        size_t len, const char *sign)
{
    size_t sign_len = sign ? 1 : 0;
    size_t pad = s->width > len + sign_len ? s->width - len - sign_len : 0;
    if (!s->left && !s->zero)
        while (pad--) emit(o, ' ');
    if (sign) emit(o, *sign);
    if (!s->left && s->zero)
        while (pad--) emit(o, '0');
    for (size_t i = 0; i < len; i++) emit(o, text[i]);
    if (s->left)
        while (pad--) emit(o, ' ');
}

static size_t utoa(uint64_t v, unsigned base, bool upper, char *buf)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    for (size_t i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    return n;
}

static uint64_t take_unsigned(va_list *ap, int length)
{
    if (length == 2) return va_arg(*ap, unsigned long long);
    if (length == 1) return va_arg(*ap, unsigned long);
    return va_arg(*ap, unsigned int);
}

static int64_t take_signed(va_list *ap, int length)
{
    if (length == 2) return va_arg(*ap, long long);
    if (length == 1) return va_arg(*ap, long);
    return va_arg(*ap, int);
}

size_t libos_format(libos_put_fn put, void *ctx, const char *fmt, va_list ap_in)
{
    struct out o = {put, ctx, 0};
    va_list ap;
    va_copy(ap, ap_in);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            emit(&o, *p);
            continue;
        }
        struct spec s = {.precision = -1};
        for (p++;; p++) {
            if (*p == '-') s.left = true;
            else if (*p == '0') s.zero = true;
            else break;
        }
        if (*p == '*') {
            int w = va_arg(ap, int);
            if (w < 0) {
                s.left = true;
                w = -w;
            }
            s.width = (unsigned)w;
            p++;
        } else {
            while (*p >= '0' && *p <= '9') s.width = s.width * 10 + (unsigned)(*p++ - '0');
        }
        if (*p == '.') {
            p++;
            s.precision = 0;
            if (*p == '*') {
                int prec = va_arg(ap, int);
                s.precision = prec < 0 ? -1 : prec;
                p++;
            } else {
                while (*p >= '0' && *p <= '9') s.precision = s.precision * 10 + (*p++ - '0');
            }
        }
        if (s.left) s.zero = false;
        if (*p == 'z') {
            s.length = 2;
            p++;
        } else {
            while (*p == 'l' && s.length < 2) {
                s.length++;
                p++;
            }
        }
        char buf[24];
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v = take_signed(&ap, s.length);
            uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
            emit_padded(&o, &s, buf, utoa(mag, 10, false, buf), v < 0 ? "-" : NULL);
            break;
        }
        case 'u':
            emit_padded(&o, &s, buf, utoa(take_unsigned(&ap, s.length), 10, false, buf), NULL);
            break;
        case 'x':
        case 'X':
            emit_padded(&o, &s, buf,
                        utoa(take_unsigned(&ap, s.length), 16, *p == 'X', buf), NULL);
            break;
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(ap, void *);
            buf[0] = '0';
            buf[1] = 'x';
            emit_padded(&o, &s, buf, 2 + utoa(v, 16, false, buf + 2), NULL);
            break;
        }
        case 'c':
            buf[0] = (char)va_arg(ap, int);
            emit_padded(&o, &s, buf, 1, NULL);
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str) str = "(null)";
            size_t len = 0;
            while ((s.precision < 0 || len < (size_t)s.precision) && str[len]) len++;
            struct spec plain = s;
            plain.zero = false;
            emit_padded(&o, &plain, str, len, NULL);
            break;
        }
        case '%':
            emit(&o, '%');
            break;
        case '\0':
            p--; /* a lone '%' at the end: stop at the terminator */
            break;
        default: /* unknown conversion: show it verbatim */
            emit(&o, '%');
            emit(&o, *p);
            break;
        }
    }
    va_end(ap);
    return o.count;
}
