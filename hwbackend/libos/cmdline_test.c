/* SPDX-License-Identifier: Apache-2.0 */
/* Host tests of the kernel command-line parser (test selection). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "libos_internal.h"

static void value(const char *cmdline, const char *key, const char *want)
{
    const char *v;
    unsigned len;
    bool found = libos_cmdline_value(cmdline, key, &v, &len);
    if (!want) {
        assert_false(found);
        return;
    }
    assert_true(found);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(v, want, len);
}

static void finds_values_among_words(void **state)
{
    (void)state;
    value("tests=a,b", "tests", "a,b");
    value("  quiet tests=x  filter=mem_ ", "filter", "mem_");
    value("quiet tests=x filter=mem_", "tests", "x");
    value("tests=", "tests", "");
}

static void needs_the_whole_key(void **state)
{
    (void)state;
    value("mytests=a", "tests", NULL);
    value("tests2=a", "tests", NULL);
    value("tests", "tests", NULL);
    value("", "tests", NULL);
}

struct items {
    char joined[64];
    int count;
};

static void collect(const char *item, unsigned len, void *ctx)
{
    struct items *it = ctx;
    strncat(it->joined, item, len);
    strcat(it->joined, "|");
    it->count++;
}

static void splits_lists_and_skips_empty_items(void **state)
{
    (void)state;
    struct items it = {{0}, 0};
    const char *list = "a,bc,,d,";
    libos_list_each(list, (unsigned)strlen(list), collect, &it);
    assert_string_equal(it.joined, "a|bc|d|");
    assert_int_equal(it.count, 3);
    /* Only the given length counts (the value ends at a space). */
    struct items part = {{0}, 0};
    libos_list_each("x,y z", 3, collect, &part);
    assert_string_equal(part.joined, "x|y|");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_values_among_words),
        cmocka_unit_test(needs_the_whole_key),
        cmocka_unit_test(splits_lists_and_skips_empty_items),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
