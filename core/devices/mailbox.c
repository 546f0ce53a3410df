/* SPDX-License-Identifier: Apache-2.0 */
/* The mailbox MMIO device (vmm/mailbox.h). */
#include "vmm/mailbox.h"

static int mailbox_read(void *dev, uint64_t offset, unsigned size, uint64_t *value)
{
    struct vmm_mailbox *m = dev;
    if (offset != 0 || size != 4)
        return VMM_E_INVAL;
    *value = m->value;
    return VMM_OK;
}

static int mailbox_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    struct vmm_mailbox *m = dev;
    if (offset != 0 || size != 4)
        return VMM_E_INVAL;
    m->value = (uint32_t)value;
    m->writes++;
    return VMM_OK;
}

const struct vmm_mmio_ops vmm_mailbox_ops = {mailbox_read, mailbox_write};
