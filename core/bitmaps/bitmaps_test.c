/* SPDX-License-Identifier: Apache-2.0 */
/* MSR and I/O bitmaps: bit positions checked against the SDM layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "core/cpu/cpu_test_double.h"
#include "vmm/bitmaps.h"

static int setup(void **state)
{
    struct cpu_test_double *td = calloc(1, sizeof *td);
    struct vmx_raw_caps raw = {0};
    cpu_test_double_init(td, &raw);
    assert_int_equal(cpu_test_double_enable_pages(td, 8), VMM_OK);
    *state = td;
    return 0;
}

static int teardown(void **state)
{
    struct cpu_test_double *td = *state;
    assert_int_equal(td->pages_live, 0);
    cpu_test_double_fini(td);
    free(td);
    return 0;
}

static unsigned bits_set(const uint8_t *page)
{
    unsigned n = 0;
    for (unsigned i = 0; i < 4096; i++)
        n += (unsigned)__builtin_popcount(page[i]);
    return n;
}

static void msr_bits_sit_in_the_sdm_quarters(void **state)
{
    struct cpu_test_double *td = *state;
    struct vmm_msr_bitmap bm;
    assert_int_equal(vmm_msr_bitmap_init(&bm, &td->cpu, false), VMM_OK);
    const uint8_t *p = bm.page.hva;
    assert_int_equal(bits_set(p), 0);

    /* read low: MSR 10H -> byte 0x002 bit 0 */
    assert_int_equal(vmm_msr_bitmap_set(&bm, 0x10, VMM_MSR_ACCESS_READ, true), VMM_OK);
    assert_int_equal(p[0x002], 0x01);
    /* read high: MSR C0001FFFH -> byte 0x400 + 0x3ff bit 7 */
    assert_int_equal(vmm_msr_bitmap_set(&bm, 0xc0001fff, VMM_MSR_ACCESS_READ, true), VMM_OK);
    assert_int_equal(p[0x7ff], 0x80);
    /* write low: MSR 1FFFH -> byte 0x800 + 0x3ff bit 7 */
    assert_int_equal(vmm_msr_bitmap_set(&bm, 0x1fff, VMM_MSR_ACCESS_WRITE, true), VMM_OK);
    assert_int_equal(p[0xbff], 0x80);
    /* write high: EFER C0000080H -> byte 0xc00 + 0x10 bit 0 */
    assert_int_equal(vmm_msr_bitmap_set(&bm, 0xc0000080, VMM_MSR_ACCESS_WRITE, true), VMM_OK);
    assert_int_equal(p[0xc10], 0x01);
    /* both halves: MSR 3AH -> bytes 0x007 and 0x807, bit 2 */
    assert_int_equal(vmm_msr_bitmap_set(&bm, 0x3a, VMM_MSR_ACCESS_RW, true), VMM_OK);
    assert_int_equal(p[0x007], 0x04);
    assert_int_equal(p[0x807], 0x04);
    assert_int_equal(bits_set(p), 6);

    assert_true(vmm_msr_bitmap_intercepts(&bm, 0xc0000080, VMM_MSR_ACCESS_WRITE));
    assert_false(vmm_msr_bitmap_intercepts(&bm, 0xc0000080, VMM_MSR_ACCESS_READ));
    assert_true(vmm_msr_bitmap_intercepts(&bm, 0x10, VMM_MSR_ACCESS_READ));
    assert_false(vmm_msr_bitmap_intercepts(&bm, 0x10, VMM_MSR_ACCESS_WRITE));

    assert_int_equal(vmm_msr_bitmap_set(&bm, 0x3a, VMM_MSR_ACCESS_READ, false), VMM_OK);
    assert_int_equal(p[0x007], 0);
    assert_int_equal(p[0x807], 0x04);
    assert_int_equal(vmm_msr_bitmap_free(&bm, &td->cpu), VMM_OK);
}

static void msrs_outside_the_ranges_always_exit(void **state)
{
    struct cpu_test_double *td = *state;
    struct vmm_msr_bitmap bm;
    assert_int_equal(vmm_msr_bitmap_init(&bm, &td->cpu, false), VMM_OK);
    const uint32_t outside[] = {0x2000, 0x4b564d00, 0xbfffffff, 0xc0002000, 0xffffffff};
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        assert_true(vmm_msr_bitmap_intercepts(&bm, outside[i], VMM_MSR_ACCESS_READ));
        assert_true(vmm_msr_bitmap_intercepts(&bm, outside[i], VMM_MSR_ACCESS_WRITE));
        assert_int_equal(vmm_msr_bitmap_set(&bm, outside[i], VMM_MSR_ACCESS_RW, false),
                         VMM_E_RANGE);
        assert_int_equal(vmm_msr_bitmap_set(&bm, outside[i], VMM_MSR_ACCESS_RW, true), VMM_OK);
    }
    assert_int_equal(bits_set(bm.page.hva), 0);
    assert_int_equal(vmm_msr_bitmap_set(&bm, 0x10, 0, true), VMM_E_INVAL);
    assert_int_equal(vmm_msr_bitmap_set(&bm, 0x10, 4, true), VMM_E_INVAL);
    assert_int_equal(vmm_msr_bitmap_free(&bm, &td->cpu), VMM_OK);
}

static void msr_bitmap_can_start_intercepting_everything(void **state)
{
    struct cpu_test_double *td = *state;
    struct vmm_msr_bitmap bm;
    assert_int_equal(vmm_msr_bitmap_init(&bm, &td->cpu, true), VMM_OK);
    assert_int_equal(bits_set(bm.page.hva), 4096 * 8);
    assert_int_equal(vmm_msr_bitmap_set(&bm, 0xc0000100, VMM_MSR_ACCESS_RW, false), VMM_OK);
    assert_false(vmm_msr_bitmap_intercepts(&bm, 0xc0000100, VMM_MSR_ACCESS_READ));
    assert_true(vmm_msr_bitmap_intercepts(&bm, 0xc0000101, VMM_MSR_ACCESS_READ));
    assert_int_equal(vmm_msr_bitmap_free(&bm, &td->cpu), VMM_OK);
}

static void io_bits_sit_in_pages_a_and_b(void **state)
{
    struct cpu_test_double *td = *state;
    struct vmm_io_bitmap bm;
    assert_int_equal(vmm_io_bitmap_init(&bm, &td->cpu, false), VMM_OK);
    const uint8_t *a = bm.a.hva, *b = bm.b.hva;
    assert_int_equal(vmm_io_bitmap_set(&bm, 0x3f8, 8, true), VMM_OK); /* COM1: A byte 0x7f */
    assert_int_equal(a[0x7f], 0xff);
    assert_int_equal(vmm_io_bitmap_set(&bm, 0x8000, 1, true), VMM_OK); /* B byte 0 bit 0 */
    assert_int_equal(b[0], 0x01);
    assert_int_equal(vmm_io_bitmap_set(&bm, 0xffff, 1, true), VMM_OK); /* B byte 0xfff bit 7 */
    assert_int_equal(b[0xfff], 0x80);
    assert_int_equal(vmm_io_bitmap_set(&bm, 0x0e9, 1, true), VMM_OK);  /* A byte 0x1d bit 1 */
    assert_int_equal(a[0x1d], 0x02);
    assert_int_equal(bits_set(a) + bits_set(b), 8 + 1 + 1 + 1);

    /* a range across the A/B boundary */
    assert_int_equal(vmm_io_bitmap_set(&bm, 0x7ffe, 4, true), VMM_OK);
    assert_int_equal(a[0xfff], 0xc0);
    assert_int_equal(b[0], 0x03);
    assert_int_equal(vmm_io_bitmap_set(&bm, 0xfff0, 0x11, true), VMM_E_RANGE);
    assert_int_equal(vmm_io_bitmap_set(&bm, 0x3f8, 1, false), VMM_OK);
    assert_false(vmm_io_bitmap_port_intercepted(&bm, 0x3f8));
    assert_true(vmm_io_bitmap_port_intercepted(&bm, 0x3f9));
    assert_int_equal(vmm_io_bitmap_free(&bm, &td->cpu), VMM_OK);
}

static void io_access_exits_if_any_byte_is_intercepted_or_it_wraps(void **state)
{
    struct cpu_test_double *td = *state;
    struct vmm_io_bitmap bm;
    assert_int_equal(vmm_io_bitmap_init(&bm, &td->cpu, false), VMM_OK);
    assert_int_equal(vmm_io_bitmap_set(&bm, 0x71, 1, true), VMM_OK);
    assert_false(vmm_io_bitmap_intercepts(&bm, 0x70, 1));
    assert_true(vmm_io_bitmap_intercepts(&bm, 0x70, 2));
    assert_true(vmm_io_bitmap_intercepts(&bm, 0x6e, 4));
    assert_false(vmm_io_bitmap_intercepts(&bm, 0x6c, 4));
    assert_false(vmm_io_bitmap_intercepts(&bm, 0xfffe, 2));
    assert_true(vmm_io_bitmap_intercepts(&bm, 0xffff, 2));
    assert_true(vmm_io_bitmap_intercepts(&bm, 0xfffd, 4));
    assert_int_equal(vmm_io_bitmap_free(&bm, &td->cpu), VMM_OK);
}

static void io_init_gives_back_page_a_when_b_fails(void **state)
{
    struct cpu_test_double *td = *state;
    struct vmm_io_bitmap bm;
    td->allocs_until_fail = 2;
    assert_int_equal(vmm_io_bitmap_init(&bm, &td->cpu, true), VMM_E_NOMEM);
    assert_int_equal(td->pages_live, 0);
    assert_int_equal(vmm_io_bitmap_init(&bm, &td->cpu, true), VMM_OK);
    assert_true(vmm_io_bitmap_intercepts(&bm, 0, 1));
    assert_true(vmm_io_bitmap_intercepts(&bm, 0xffff, 1));
    assert_int_equal(vmm_io_bitmap_free(&bm, &td->cpu), VMM_OK);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(msr_bits_sit_in_the_sdm_quarters),
        T(msrs_outside_the_ranges_always_exit),
        T(msr_bitmap_can_start_intercepting_everything),
        T(io_bits_sit_in_pages_a_and_b),
        T(io_access_exits_if_any_byte_is_intercepted_or_it_wraps),
        T(io_init_gives_back_page_a_when_b_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
