/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmm/textbuf.h"

static void formats_hex_decimal_and_columns(void **state)
{
    (void)state;
    char buf[64];
    struct vmm_textbuf tb;
    tb_init(&tb, buf, sizeof buf);
    tb_puts(&tb, "ab");
    tb_pad_to(&tb, 5);
    tb_hex(&tb, 0x2b, 4);
    tb_putc(&tb, ' ');
    tb_dec(&tb, 18446744073709551615ull);
    tb_putc(&tb, '\n');
    tb_puts(&tb, "x");
    tb_pad_to(&tb, 3);
    tb_hex(&tb, 0, 0);
    assert_string_equal(buf, "ab   0x002b 18446744073709551615\nx  0x0");
    assert_true(tb_complete(&tb));
}

static void truncates_without_overflow_and_counts_the_full_length(void **state)
{
    (void)state;
    char buf[8] = {'#', '#', '#', '#', '#', '#', '#', '#'};
    struct vmm_textbuf tb;
    tb_init(&tb, buf, 5);
    tb_puts(&tb, "hello world");
    assert_string_equal(buf, "hell");
    assert_int_equal(tb.len, 11);
    assert_false(tb_complete(&tb));
    assert_int_equal(buf[5], '#');
    tb_init(&tb, NULL, 0);
    tb_hex(&tb, 0xffffffffffffffffull, 0);
    assert_int_equal(tb.len, 18);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(formats_hex_decimal_and_columns),
        cmocka_unit_test(truncates_without_overflow_and_counts_the_full_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
