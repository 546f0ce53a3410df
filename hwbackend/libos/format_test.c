/* SPDX-License-Identifier: Apache-2.0 */
/* Host tests of the library OS formatter against the C library's printf
 * for the same formats and values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "format.h"

struct sink {
    char buf[256];
    size_t len;
};

static void put(char c, void *ctx)
{
    struct sink *s = ctx;
    if (s->len + 1 < sizeof(s->buf)) s->buf[s->len++] = c;
    s->buf[s->len] = '\0';
}

static size_t format(struct sink *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s->len = 0;
    s->buf[0] = '\0';
    size_t n = libos_format(put, s, fmt, ap);
    va_end(ap);
    return n;
}

#define ASSERT_LIKE_LIBC(fmt, ...)                                             \
    do {                                                                       \
        struct sink s;                                                         \
        char want[256];                                                        \
        int want_len = snprintf(want, sizeof(want), fmt, __VA_ARGS__);         \
        assert_int_equal(format(&s, fmt, __VA_ARGS__), (size_t)want_len);      \
        assert_string_equal(s.buf, want);                                      \
    } while (0)

static void integers_match_libc(void **state)
{
    (void)state;
    ASSERT_LIKE_LIBC("%d %d %d", 0, -1, 2147483647);
    ASSERT_LIKE_LIBC("%d", (int)-2147483647 - 1);
    ASSERT_LIKE_LIBC("%i|%u|%x|%X", -5, 4294967295u, 0xdeadbeefu, 0xabcu);
    ASSERT_LIKE_LIBC("%ld %lu %lx", -9223372036854775807l - 1, 18446744073709551615ul, 0x1ul);
    ASSERT_LIKE_LIBC("%lld %llu %llx", -1ll, 18446744073709551615ull, 0xfedcba9876543210ull);
    ASSERT_LIKE_LIBC("%zu %zx", (size_t)12345, (size_t)0xfff);
}

static void widths_and_flags_match_libc(void **state)
{
    (void)state;
    ASSERT_LIKE_LIBC("%016llx|%08x|%5d|%-5d|%05d", 0xabcull, 0x12u, 42, 42, -42);
    ASSERT_LIKE_LIBC("%-8s|%8s|%3s", "ab", "cd", "longer");
    ASSERT_LIKE_LIBC("%.3s|%.*s|%-6.2s|%.0s|%.9s", "abcdef", 2, "xyz", "pqr", "gone", "short");
    ASSERT_LIKE_LIBC("%*d|%-*d|%*s", 6, 1, 6, 2, -4, "x");
    ASSERT_LIKE_LIBC("%c%c|%3c|%%|%-3c|", 'a', 'b', 'c', 'd');
    ASSERT_LIKE_LIBC("%04x|%1x", 0xabcdefu, 0u);
}

static void pointers_print_as_hex(void **state)
{
    (void)state;
    struct sink s;
    assert_int_equal(format(&s, "%p", (void *)0x1000), 6);
    assert_string_equal(s.buf, "0x1000");
    format(&s, "%p", (void *)0);
    assert_string_equal(s.buf, "0x0");
}

static void odd_formats_do_not_crash(void **state)
{
    (void)state;
    struct sink s;
    format(&s, "%s", (const char *)NULL);
    assert_string_equal(s.buf, "(null)");
    format(&s, "100%", 0);
    assert_string_equal(s.buf, "100");
    format(&s, "%q %d", 3);
    assert_string_equal(s.buf, "%q 3");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integers_match_libc),
        cmocka_unit_test(widths_and_flags_match_libc),
        cmocka_unit_test(pointers_print_as_hex),
        cmocka_unit_test(odd_formats_do_not_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
