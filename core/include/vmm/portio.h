/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest's I/O-port space: a registry of port devices, each owning a
 * range of ports and answering reads and writes through callbacks. The
 * I/O-instruction exit handler routes IN/OUT here.
 *
 * Routing: an access goes whole to the device owning its first port when
 * the device takes accesses of any width and the access fits its range;
 * a byte-wide device (like a 16550 UART) gets one byte access per port, as
 * the bus splits wide cycles for 8-bit devices, each byte routed on its
 * own. Bytes no device claims read as FFH and writes to them are dropped
 * (the floating bus of a PC), unless the bus is strict.
 */
#ifndef VMM_PORTIO_H
#define VMM_PORTIO_H

#include "vmm/types.h"

/*
 * Device callbacks. `offset` is the port minus the device's base, `size`
 * 1, 2 or 4 (always 1 for a byte-wide device). Return 0, or a negative
 * vmm_err when the device refuses the access (the exit is then reported
 * as unhandled).
 */
struct vmm_port_ops {
    int (*read)(void *dev, uint16_t offset, unsigned size, uint32_t *value);
    int (*write)(void *dev, uint16_t offset, unsigned size, uint32_t value);
};

struct vmm_port_device {
    uint16_t base;
    uint32_t count;    /* ports base .. base + count - 1 */
    bool byte_wide;    /* only 1-byte accesses (the bus splits wider ones) */
    const struct vmm_port_ops *ops;
    void *dev;
    const char *name;  /* static text, for dumps */
};

#define VMM_PORT_BUS_MAX 16

struct vmm_port_bus {
    struct vmm_port_device dev[VMM_PORT_BUS_MAX];
    size_t count;
    bool strict;        /* unclaimed ports make the access unhandled */
    uint64_t unclaimed; /* accesses (bytes) no device claimed */
};

void vmm_port_bus_init(struct vmm_port_bus *bus);

/*
 * Adds a device on ports base .. base + count - 1. VMM_E_INVAL for a count
 * of 0, missing callbacks, or a range that overlaps another device;
 * VMM_E_RANGE past port FFFFH; VMM_E_NOMEM when the bus is full.
 */
int vmm_port_bus_add(struct vmm_port_bus *bus, uint16_t base, uint32_t count, bool byte_wide,
                     const struct vmm_port_ops *ops, void *dev, const char *name);

/* The device owning `port`, or NULL. */
const struct vmm_port_device *vmm_port_bus_find(const struct vmm_port_bus *bus, uint16_t port);

/*
 * IN / OUT of `size` bytes (1, 2, 4) at `port`. VMM_E_INVAL for another
 * size; VMM_E_NOENT when a strict bus has an unclaimed byte in the access
 * (nothing is done then); a device's error as it returned it.
 */
int vmm_port_bus_in(struct vmm_port_bus *bus, uint16_t port, unsigned size, uint32_t *value);
int vmm_port_bus_out(struct vmm_port_bus *bus, uint16_t port, unsigned size, uint32_t value);

#endif /* VMM_PORTIO_H */
