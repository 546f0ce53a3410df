/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The debug console port (E9H, as in Bochs and QEMU): every byte written
 * goes to the host's byte sink; a read returns E9H so a guest can detect
 * the port.
 */
#ifndef VMM_DEBUGPORT_H
#define VMM_DEBUGPORT_H

#include "vmm/bytesink.h"
#include "vmm/portio.h"

#define VMM_DEBUGPORT_PORT 0xe9u

struct vmm_debugport {
    struct vmm_byte_sink *out;
};

/* Port callbacks for vmm_port_bus_add(bus, 0xe9, 1, true, &vmm_debugport_ops, dp, ...). */
extern const struct vmm_port_ops vmm_debugport_ops;

void vmm_debugport_init(struct vmm_debugport *dp, struct vmm_byte_sink *out);

#endif /* VMM_DEBUGPORT_H */
