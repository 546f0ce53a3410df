/* SPDX-License-Identifier: Apache-2.0 */
/* The port registry: ranges, routing and splitting, unclaimed ports; the E9H port; the sink. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/debugport.h"
#include "vmm/portio.h"

/* A device that records accesses and answers (offset + 0x10) * size. */
struct recorder {
    unsigned reads, writes;
    uint16_t last_offset;
    unsigned last_size;
    uint32_t last_value;
    int fail;
};

static int rec_read(void *dev, uint16_t offset, unsigned size, uint32_t *value)
{
    struct recorder *r = dev;
    if (r->fail)
        return r->fail;
    r->reads++;
    r->last_offset = offset;
    r->last_size = size;
    *value = (offset + 0x10u) * size;
    return VMM_OK;
}

static int rec_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
    struct recorder *r = dev;
    if (r->fail)
        return r->fail;
    r->writes++;
    r->last_offset = offset;
    r->last_size = size;
    r->last_value = value;
    return VMM_OK;
}

static const struct vmm_port_ops rec_ops = {rec_read, rec_write};

static void ranges_must_be_disjoint_and_inside_the_port_space(void **state)
{
    (void)state;
    struct vmm_port_bus bus;
    struct recorder r = {0};
    vmm_port_bus_init(&bus);
    assert_int_equal(vmm_port_bus_add(&bus, 0x3f8, 8, true, &rec_ops, &r, "uart"), VMM_OK);
    assert_int_equal(vmm_port_bus_add(&bus, 0x3f0, 9, true, &rec_ops, &r, "x"), VMM_E_INVAL);
    assert_int_equal(vmm_port_bus_add(&bus, 0x3ff, 1, true, &rec_ops, &r, "x"), VMM_E_INVAL);
    assert_int_equal(vmm_port_bus_add(&bus, 0x400, 1, true, &rec_ops, &r, "x"), VMM_OK);
    assert_int_equal(vmm_port_bus_add(&bus, 0xfff0, 0x11, true, &rec_ops, &r, "x"), VMM_E_RANGE);
    assert_int_equal(vmm_port_bus_add(&bus, 0xfff0, 0x10, true, &rec_ops, &r, "x"), VMM_OK);
    assert_int_equal(vmm_port_bus_add(&bus, 0x10, 0, true, &rec_ops, &r, "x"), VMM_E_INVAL);
    struct vmm_port_ops half = {rec_read, NULL};
    assert_int_equal(vmm_port_bus_add(&bus, 0x10, 1, true, &half, &r, "x"), VMM_E_INVAL);
    for (uint16_t p = 0; bus.count < VMM_PORT_BUS_MAX; p++)
        assert_int_equal(vmm_port_bus_add(&bus, (uint16_t)(0x1000 + p), 1, true, &rec_ops, &r, "x"),
                         VMM_OK);
    assert_int_equal(vmm_port_bus_add(&bus, 0x2000, 1, true, &rec_ops, &r, "x"), VMM_E_NOMEM);
    assert_string_equal(vmm_port_bus_find(&bus, 0x3ff)->name, "uart");
    assert_null(vmm_port_bus_find(&bus, 0x3f7));
}

static void wide_device_gets_the_whole_access(void **state)
{
    (void)state;
    struct vmm_port_bus bus;
    struct recorder r = {0};
    vmm_port_bus_init(&bus);
    assert_int_equal(vmm_port_bus_add(&bus, 0xcf8, 8, false, &rec_ops, &r, "pci"), VMM_OK);
    uint32_t v;
    assert_int_equal(vmm_port_bus_in(&bus, 0xcfc, 4, &v), VMM_OK);
    assert_int_equal(r.reads, 1);
    assert_int_equal(r.last_offset, 4);
    assert_int_equal(r.last_size, 4);
    assert_int_equal(v, (4 + 0x10) * 4);
    assert_int_equal(vmm_port_bus_out(&bus, 0xcf8, 4, 0x80000000), VMM_OK);
    assert_int_equal(r.last_value, 0x80000000);
    assert_int_equal(r.last_size, 4);
}

static void byte_wide_device_gets_one_access_per_byte(void **state)
{
    (void)state;
    struct vmm_port_bus bus;
    struct recorder r = {0};
    vmm_port_bus_init(&bus);
    assert_int_equal(vmm_port_bus_add(&bus, 0x3f8, 8, true, &rec_ops, &r, "uart"), VMM_OK);
    uint32_t v;
    assert_int_equal(vmm_port_bus_in(&bus, 0x3f9, 2, &v), VMM_OK);
    assert_int_equal(r.reads, 2);
    assert_int_equal(v, 0x1211); /* offsets 1 and 2 */
    assert_int_equal(vmm_port_bus_out(&bus, 0x3f8, 2, 0xbeef), VMM_OK);
    assert_int_equal(r.writes, 2);
    assert_int_equal(r.last_offset, 1);
    assert_int_equal(r.last_value, 0xbe);
}

static void unclaimed_bytes_float_high_unless_strict(void **state)
{
    (void)state;
    struct vmm_port_bus bus;
    struct recorder r = {0};
    vmm_port_bus_init(&bus);
    assert_int_equal(vmm_port_bus_add(&bus, 0x3f8, 8, true, &rec_ops, &r, "uart"), VMM_OK);
    uint32_t v;
    assert_int_equal(vmm_port_bus_in(&bus, 0x80, 1, &v), VMM_OK);
    assert_int_equal(v, 0xff);
    /* the last UART register and the unclaimed port after it */
    assert_int_equal(vmm_port_bus_in(&bus, 0x3ff, 2, &v), VMM_OK);
    assert_int_equal(v, 0xff17);
    assert_int_equal(vmm_port_bus_out(&bus, 0x80, 1, 0x12), VMM_OK);
    assert_int_equal(bus.unclaimed, 3);
    bus.strict = true;
    r.reads = 0;
    assert_int_equal(vmm_port_bus_in(&bus, 0x3ff, 2, &v), VMM_E_NOENT);
    assert_int_equal(r.reads, 0);
    assert_int_equal(vmm_port_bus_out(&bus, 0x80, 1, 0), VMM_E_NOENT);
    assert_int_equal(vmm_port_bus_in(&bus, 0x3f8, 3, &v), VMM_E_INVAL);
}

static void device_errors_reach_the_caller(void **state)
{
    (void)state;
    struct vmm_port_bus bus;
    struct recorder r = {.fail = VMM_E_FAULT};
    vmm_port_bus_init(&bus);
    assert_int_equal(vmm_port_bus_add(&bus, 0x60, 1, false, &rec_ops, &r, "kbd"), VMM_OK);
    uint32_t v;
    assert_int_equal(vmm_port_bus_in(&bus, 0x60, 1, &v), VMM_E_FAULT);
    assert_int_equal(vmm_port_bus_out(&bus, 0x60, 1, 0), VMM_E_FAULT);
}

static void debug_port_writes_bytes_and_reads_e9(void **state)
{
    (void)state;
    uint8_t buf[4];
    struct vmm_byte_sink sink;
    struct vmm_debugport dp;
    struct vmm_port_bus bus;
    vmm_byte_sink_init(&sink, buf, sizeof buf);
    vmm_debugport_init(&dp, &sink);
    vmm_port_bus_init(&bus);
    assert_int_equal(vmm_port_bus_add(&bus, VMM_DEBUGPORT_PORT, 1, true, &vmm_debugport_ops, &dp,
                                      "debug"),
                     VMM_OK);
    const char *msg = "hello";
    for (const char *c = msg; *c; c++)
        assert_int_equal(vmm_port_bus_out(&bus, 0xe9, 1, (uint8_t)*c), VMM_OK);
    assert_int_equal(sink.len, 4);
    assert_memory_equal(buf, "hell", 4);
    assert_int_equal(sink.dropped, 1);
    uint32_t v;
    assert_int_equal(vmm_port_bus_in(&bus, 0xe9, 1, &v), VMM_OK);
    assert_int_equal(v, 0xe9);
    vmm_byte_sink_clear(&sink);
    assert_int_equal(vmm_byte_sink_write(&sink, (const uint8_t *)"abcdef", 6), 4);
    assert_int_equal(sink.dropped, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ranges_must_be_disjoint_and_inside_the_port_space),
        cmocka_unit_test(wide_device_gets_the_whole_access),
        cmocka_unit_test(byte_wide_device_gets_one_access_per_byte),
        cmocka_unit_test(unclaimed_bytes_float_high_unless_strict),
        cmocka_unit_test(device_errors_reach_the_caller),
        cmocka_unit_test(debug_port_writes_bytes_and_reads_e9),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
