/* SPDX-License-Identifier: Apache-2.0 */
/* The E9H debug console port. */
#include "vmm/debugport.h"

void vmm_debugport_init(struct vmm_debugport *dp, struct vmm_byte_sink *out)
{
    dp->out = out;
}

static int debug_read(void *dev, uint16_t offset, unsigned size, uint32_t *value)
{
    (void)dev, (void)offset, (void)size;
    *value = VMM_DEBUGPORT_PORT;
    return VMM_OK;
}

static int debug_write(void *dev, uint16_t offset, unsigned size, uint32_t value)
{
    struct vmm_debugport *dp = dev;
    (void)offset, (void)size;
    if (dp->out)
        vmm_byte_sink_put(dp->out, (uint8_t)value);
    return VMM_OK;
}

const struct vmm_port_ops vmm_debugport_ops = {.read = debug_read, .write = debug_write};
