/* SPDX-License-Identifier: Apache-2.0 */
/* Host tests of the page-aligned range sets behind the page allocator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ranges.h"

#define KIB 1024ull
#define MIB (1024 * KIB)
#define GIB (1024 * MIB)

static void assert_ranges(const struct libos_range_set *s, unsigned count,
                          const uint64_t (*want)[2])
{
    assert_int_equal(s->count, count);
    for (unsigned i = 0; i < count; i++) {
        assert_int_equal(s->r[i].base, want[i][0]);
        assert_int_equal(s->r[i].end, want[i][1]);
    }
}

static void add_shrinks_to_whole_pages(void **state)
{
    (void)state;
    struct libos_range_set s = {.count = 0};
    assert_true(libos_range_set_add(&s, 0x1001, 0x5fff));
    assert_true(libos_range_set_add(&s, 0x9001, 0x9fff)); /* no whole page */
    const uint64_t want[][2] = {{0x2000, 0x5000}};
    assert_ranges(&s, 1, want);
    assert_int_equal(libos_range_set_pages(&s), 3);
}

static void carve_splits_and_grows_to_whole_pages(void **state)
{
    (void)state;
    struct libos_range_set s = {.count = 0};
    libos_range_set_add(&s, 1 * MIB, 128 * MIB);
    libos_range_set_carve(&s, 2 * MIB + 1, 3 * MIB - 1);
    const uint64_t want[][2] = {{1 * MIB, 2 * MIB}, {3 * MIB, 128 * MIB}};
    assert_ranges(&s, 2, want);
}

static void carve_removes_covered_and_clips_overlapping_ranges(void **state)
{
    (void)state;
    struct libos_range_set s = {.count = 0};
    libos_range_set_add(&s, 0, 640 * KIB);
    libos_range_set_add(&s, 1 * MIB, 8 * MIB);
    libos_range_set_add(&s, 16 * MIB, 32 * MIB);
    libos_range_set_carve(&s, 0, 1 * MIB);          /* covers the first */
    libos_range_set_carve(&s, 6 * MIB, 20 * MIB);   /* clips two */
    const uint64_t want[][2] = {{1 * MIB, 6 * MIB}, {20 * MIB, 32 * MIB}};
    assert_ranges(&s, 2, want);
}

static void carve_to_the_end_of_the_address_space_does_not_wrap(void **state)
{
    (void)state;
    struct libos_range_set s = {.count = 0};
    libos_range_set_add(&s, 1 * MIB, 3 * GIB);
    libos_range_set_add(&s, 4 * GIB, 6 * GIB);
    libos_range_set_carve(&s, 4 * GIB, UINT64_MAX);
    const uint64_t want[][2] = {{1 * MIB, 3 * GIB}};
    assert_ranges(&s, 1, want);
}

static void a_full_set_refuses_more_and_drops_split_tails(void **state)
{
    (void)state;
    struct libos_range_set s = {.count = 0};
    for (unsigned i = 0; i < LIBOS_RANGE_SET_MAX; i++)
        assert_true(libos_range_set_add(&s, i * 2 * MIB, i * 2 * MIB + MIB));
    assert_false(libos_range_set_add(&s, GIB, GIB + MIB));
    assert_int_equal(s.count, LIBOS_RANGE_SET_MAX);
    /* A split of the first range: the lower part stays, the upper is lost
     * (memory is never invented). */
    libos_range_set_carve(&s, 256 * KIB, 512 * KIB);
    assert_int_equal(s.r[0].base, 0);
    assert_int_equal(s.r[0].end, 256 * KIB);
    assert_int_equal(libos_range_set_pages(&s),
                     (LIBOS_RANGE_SET_MAX - 1) * (MIB / 4096) + 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_shrinks_to_whole_pages),
        cmocka_unit_test(carve_splits_and_grows_to_whole_pages),
        cmocka_unit_test(carve_removes_covered_and_clips_overlapping_ranges),
        cmocka_unit_test(carve_to_the_end_of_the_address_space_does_not_wrap),
        cmocka_unit_test(a_full_set_refuses_more_and_drops_split_tails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
