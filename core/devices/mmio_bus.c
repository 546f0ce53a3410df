/* SPDX-License-Identifier: Apache-2.0 */
/* The guest-physical MMIO registry (vmm/mmio.h). */
#include "vmm/mmio.h"

void vmm_mmio_bus_init(struct vmm_mmio_bus *bus)
{
    bus->count = 0;
}

/* Last byte of a region (no overflow: size >= 1 and base + size - 1 fits). */
static uint64_t last(const struct vmm_mmio_region *r)
{
    return r->base + (r->size - 1);
}

int vmm_mmio_register(struct vmm_mmio_bus *bus, vmm_gpa_t base, uint64_t size,
                      const struct vmm_mmio_ops *ops, void *dev, const char *name)
{
    if (size == 0 || size - 1 > ~0ull - base || !ops || !ops->read || !ops->write)
        return VMM_E_INVAL;
    struct vmm_mmio_region r = {.base = base, .size = size, .ops = ops, .dev = dev, .name = name};
    for (size_t i = 0; i < bus->count; i++)
        if (r.base <= last(&bus->region[i]) && bus->region[i].base <= last(&r))
            return VMM_E_INVAL;
    if (bus->count >= VMM_MMIO_MAX_REGIONS)
        return VMM_E_NOMEM;
    bus->region[bus->count++] = r;
    return VMM_OK;
}

const struct vmm_mmio_region *vmm_mmio_find(const struct vmm_mmio_bus *bus, vmm_gpa_t gpa)
{
    for (size_t i = 0; i < bus->count; i++)
        if (gpa >= bus->region[i].base && gpa <= last(&bus->region[i]))
            return &bus->region[i];
    return 0;
}

static const struct vmm_mmio_region *holding(const struct vmm_mmio_bus *bus, vmm_gpa_t gpa,
                                             unsigned size)
{
    const struct vmm_mmio_region *r = vmm_mmio_find(bus, gpa);
    if (!r || size - 1 > last(r) - gpa)
        return 0;
    return r;
}

static bool valid_size(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

int vmm_mmio_read(const struct vmm_mmio_bus *bus, vmm_gpa_t gpa, unsigned size, uint64_t *value)
{
    if (!valid_size(size))
        return VMM_E_INVAL;
    const struct vmm_mmio_region *r = holding(bus, gpa, size);
    return r ? r->ops->read(r->dev, gpa - r->base, size, value) : VMM_E_NOENT;
}

int vmm_mmio_write(const struct vmm_mmio_bus *bus, vmm_gpa_t gpa, unsigned size, uint64_t value)
{
    if (!valid_size(size))
        return VMM_E_INVAL;
    const struct vmm_mmio_region *r = holding(bus, gpa, size);
    return r ? r->ops->write(r->dev, gpa - r->base, size, value) : VMM_E_NOENT;
}
