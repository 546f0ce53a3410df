/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest-physical MMIO regions: ranges of the guest-physical address space
 * that are not RAM but devices, answering reads and writes through
 * callbacks. EPT leaves them unmapped, so a guest access is an EPT
 * violation; the handler finds the region here. Performing the access
 * needs the instruction that made it, which the x86 emulator will decode;
 * until then the handler reports such exits as unhandled, with the region
 * and the decoded exit.
 */
#ifndef VMM_MMIO_H
#define VMM_MMIO_H

#include "vmm/types.h"

/* Callbacks; `offset` is the GPA minus the region base, `size` 1, 2, 4 or 8. */
struct vmm_mmio_ops {
    int (*read)(void *dev, uint64_t offset, unsigned size, uint64_t *value);
    int (*write)(void *dev, uint64_t offset, unsigned size, uint64_t value);
};

struct vmm_mmio_region {
    vmm_gpa_t base;
    uint64_t size;
    const struct vmm_mmio_ops *ops;
    void *dev;
    const char *name; /* static text, for dumps */
};

#define VMM_MMIO_MAX_REGIONS 16

struct vmm_mmio_bus {
    struct vmm_mmio_region region[VMM_MMIO_MAX_REGIONS];
    size_t count;
};

void vmm_mmio_bus_init(struct vmm_mmio_bus *bus);

/*
 * Adds a region [base, base + size). VMM_E_INVAL for size 0, a range that
 * wraps past 2^64, missing callbacks or an overlap; VMM_E_NOMEM when full.
 */
int vmm_mmio_register(struct vmm_mmio_bus *bus, vmm_gpa_t base, uint64_t size,
                      const struct vmm_mmio_ops *ops, void *dev, const char *name);

/* The region holding `gpa`, or NULL. */
const struct vmm_mmio_region *vmm_mmio_find(const struct vmm_mmio_bus *bus, vmm_gpa_t gpa);

/*
 * Performs a `size`-byte access (1, 2, 4, 8) at `gpa` on the region that
 * holds all of it: for the emulator. VMM_E_NOENT when no region holds the
 * whole access, VMM_E_INVAL for another size, else the device's result.
 */
int vmm_mmio_read(const struct vmm_mmio_bus *bus, vmm_gpa_t gpa, unsigned size, uint64_t *value);
int vmm_mmio_write(const struct vmm_mmio_bus *bus, vmm_gpa_t gpa, unsigned size, uint64_t value);

#endif /* VMM_MMIO_H */
