/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A mailbox: the smallest MMIO device, one 32-bit register at offset 0
 * that keeps the last value written and counts the writes. The demo and
 * the backends' tests use it to see a guest's store arrive through an EPT
 * violation and the x86 emulator. Any other offset or size is refused.
 */
#ifndef VMM_MAILBOX_H
#define VMM_MAILBOX_H

#include "vmm/mmio.h"

struct vmm_mailbox {
    uint32_t value;
    unsigned writes;
};

/* MMIO callbacks for vmm_mmio_register(bus, gpa, size, &vmm_mailbox_ops, box, name). */
extern const struct vmm_mmio_ops vmm_mailbox_ops;

#endif /* VMM_MAILBOX_H */
