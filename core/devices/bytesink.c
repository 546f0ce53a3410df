/* SPDX-License-Identifier: Apache-2.0 */
/* A bounded byte buffer for console output the host reads. */
#include "vmm/bytesink.h"

void vmm_byte_sink_init(struct vmm_byte_sink *s, uint8_t *buf, size_t cap)
{
    *s = (struct vmm_byte_sink){.buf = buf, .cap = buf ? cap : 0};
}

bool vmm_byte_sink_put(struct vmm_byte_sink *s, uint8_t byte)
{
    if (s->len >= s->cap) {
        s->dropped++;
        return false;
    }
    s->buf[s->len++] = byte;
    return true;
}

size_t vmm_byte_sink_write(struct vmm_byte_sink *s, const uint8_t *data, size_t n)
{
    size_t stored = 0;
    for (size_t i = 0; i < n; i++)
        stored += vmm_byte_sink_put(s, data[i]);
    return stored;
}

void vmm_byte_sink_clear(struct vmm_byte_sink *s)
{
    s->len = 0;
}
