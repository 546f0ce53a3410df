/* SPDX-License-Identifier: Apache-2.0 */
/* The MMIO registry: disjoint regions, lookup, accesses that fit a region. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmm/mmio.h"

struct reg64 {
    uint64_t value;
    uint64_t last_offset;
    unsigned last_size;
};

static int r_read(void *dev, uint64_t offset, unsigned size, uint64_t *value)
{
    struct reg64 *r = dev;
    r->last_offset = offset;
    r->last_size = size;
    *value = r->value;
    return VMM_OK;
}

static int r_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    struct reg64 *r = dev;
    r->last_offset = offset;
    r->last_size = size;
    r->value = value;
    return VMM_OK;
}

static const struct vmm_mmio_ops ops = {r_read, r_write};

static void regions_are_disjoint_and_do_not_wrap(void **state)
{
    (void)state;
    struct vmm_mmio_bus bus;
    struct reg64 r = {0};
    vmm_mmio_bus_init(&bus);
    assert_int_equal(vmm_mmio_register(&bus, 0xfee00000, 0x1000, &ops, &r, "lapic"), VMM_OK);
    assert_int_equal(vmm_mmio_register(&bus, 0xfee00fff, 1, &ops, &r, "x"), VMM_E_INVAL);
    assert_int_equal(vmm_mmio_register(&bus, 0xfedff000, 0x1001, &ops, &r, "x"), VMM_E_INVAL);
    assert_int_equal(vmm_mmio_register(&bus, 0xfee01000, 0x1000, &ops, &r, "next"), VMM_OK);
    assert_int_equal(vmm_mmio_register(&bus, 0, 0, &ops, &r, "x"), VMM_E_INVAL);
    assert_int_equal(vmm_mmio_register(&bus, ~0ull - 0xfff, 0x2000, &ops, &r, "x"), VMM_E_INVAL);
    assert_int_equal(vmm_mmio_register(&bus, ~0ull - 0xfff, 0x1000, &ops, &r, "top"), VMM_OK);
    assert_string_equal(vmm_mmio_find(&bus, ~0ull)->name, "top");
    assert_string_equal(vmm_mmio_find(&bus, 0xfee00fff)->name, "lapic");
    assert_string_equal(vmm_mmio_find(&bus, 0xfee01000)->name, "next");
    assert_null(vmm_mmio_find(&bus, 0xfedfffff));
    struct vmm_mmio_ops half = {r_read, NULL};
    assert_int_equal(vmm_mmio_register(&bus, 0x1000, 1, &half, &r, "x"), VMM_E_INVAL);
}

static void accesses_reach_the_device_when_they_fit(void **state)
{
    (void)state;
    struct vmm_mmio_bus bus;
    struct reg64 r = {.value = 0x1122334455667788ull};
    vmm_mmio_bus_init(&bus);
    assert_int_equal(vmm_mmio_register(&bus, 0xfed00000, 0x400, &ops, &r, "hpet"), VMM_OK);
    uint64_t v;
    assert_int_equal(vmm_mmio_read(&bus, 0xfed000f0, 8, &v), VMM_OK);
    assert_int_equal(v, 0x1122334455667788ull);
    assert_int_equal(r.last_offset, 0xf0);
    assert_int_equal(r.last_size, 8);
    assert_int_equal(vmm_mmio_write(&bus, 0xfed00010, 4, 3), VMM_OK);
    assert_int_equal(r.value, 3);
    /* crossing the end, outside, bad sizes */
    assert_int_equal(vmm_mmio_read(&bus, 0xfed003fc, 8, &v), VMM_E_NOENT);
    assert_int_equal(vmm_mmio_read(&bus, 0xfed00400, 1, &v), VMM_E_NOENT);
    assert_int_equal(vmm_mmio_read(&bus, 0xfed00000, 3, &v), VMM_E_INVAL);
    assert_int_equal(vmm_mmio_write(&bus, 0xfed00000, 16, 0), VMM_E_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(regions_are_disjoint_and_do_not_wrap),
        cmocka_unit_test(accesses_reach_the_device_when_they_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
