/* SPDX-License-Identifier: Apache-2.0 */
/* The I/O-port registry and its routing rules (vmm/portio.h). */
#include "vmm/portio.h"

void vmm_port_bus_init(struct vmm_port_bus *bus)
{
    bus->count = 0;
    bus->strict = false;
    bus->unclaimed = 0;
}

int vmm_port_bus_add(struct vmm_port_bus *bus, uint16_t base, uint32_t count, bool byte_wide,
                     const struct vmm_port_ops *ops, void *dev, const char *name)
{
    if (count == 0 || !ops || !ops->read || !ops->write)
        return VMM_E_INVAL;
    if (count > 0x10000u - base)
        return VMM_E_RANGE;
    for (size_t i = 0; i < bus->count; i++) {
        const struct vmm_port_device *d = &bus->dev[i];
        if (base < d->base + d->count && d->base < base + count)
            return VMM_E_INVAL;
    }
    if (bus->count >= VMM_PORT_BUS_MAX)
        return VMM_E_NOMEM;
    bus->dev[bus->count++] = (struct vmm_port_device){
        .base = base, .count = count, .byte_wide = byte_wide, .ops = ops, .dev = dev,
        .name = name,
    };
    return VMM_OK;
}

const struct vmm_port_device *vmm_port_bus_find(const struct vmm_port_bus *bus, uint16_t port)
{
    for (size_t i = 0; i < bus->count; i++) {
        const struct vmm_port_device *d = &bus->dev[i];
        if (port >= d->base && (uint32_t)port - d->base < d->count)
            return d;
    }
    return 0;
}

static bool valid_size(unsigned size)
{
    return size == 1 || size == 2 || size == 4;
}

/* The device that takes the whole access, or NULL when it must be split. */
static const struct vmm_port_device *whole(const struct vmm_port_bus *bus, uint16_t port,
                                           unsigned size)
{
    const struct vmm_port_device *d = vmm_port_bus_find(bus, port);
    if (d && !d->byte_wide && (uint32_t)port - d->base + size <= d->count)
        return d;
    return 0;
}

/* A strict bus refuses an access that touches an unclaimed port. */
static bool refused(const struct vmm_port_bus *bus, uint16_t port, unsigned size)
{
    if (!bus->strict)
        return false;
    for (unsigned i = 0; i < size; i++)
        if (!vmm_port_bus_find(bus, (uint16_t)(port + i)))
            return true;
    return false;
}

int vmm_port_bus_in(struct vmm_port_bus *bus, uint16_t port, unsigned size, uint32_t *value)
{
    if (!valid_size(size))
        return VMM_E_INVAL;
    const struct vmm_port_device *d = whole(bus, port, size);
    if (d)
        return d->ops->read(d->dev, (uint16_t)(port - d->base), size, value);
    if (refused(bus, port, size))
        return VMM_E_NOENT;
    uint32_t result = 0;
    for (unsigned i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        uint32_t byte = 0xff;
        const struct vmm_port_device *b = vmm_port_bus_find(bus, p);
        if (b) {
            int rc = b->ops->read(b->dev, (uint16_t)(p - b->base), 1, &byte);
            if (rc != VMM_OK)
                return rc;
        } else {
            bus->unclaimed++;
        }
        result |= (byte & 0xff) << (8 * i);
    }
    *value = result;
    return VMM_OK;
}

int vmm_port_bus_out(struct vmm_port_bus *bus, uint16_t port, unsigned size, uint32_t value)
{
    if (!valid_size(size))
        return VMM_E_INVAL;
    const struct vmm_port_device *d = whole(bus, port, size);
    if (d)
        return d->ops->write(d->dev, (uint16_t)(port - d->base), size, value);
    if (refused(bus, port, size))
        return VMM_E_NOENT;
    for (unsigned i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        const struct vmm_port_device *b = vmm_port_bus_find(bus, p);
        if (!b) {
            bus->unclaimed++;
            continue;
        }
        int rc = b->ops->write(b->dev, (uint16_t)(p - b->base), 1, (value >> (8 * i)) & 0xff);
        if (rc != VMM_OK)
            return rc;
    }
    return VMM_OK;
}
