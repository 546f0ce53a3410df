/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bounded byte buffer the host reads: where a guest's serial or debug
 * console output lands. Storage belongs to the caller; bytes past the
 * capacity are counted as dropped, never written.
 */
#ifndef VMM_BYTESINK_H
#define VMM_BYTESINK_H

#include "vmm/types.h"

struct vmm_byte_sink {
    uint8_t *buf;
    size_t cap;
    size_t len;       /* bytes held: buf[0 .. len) */
    uint64_t dropped; /* bytes that did not fit */
};

void vmm_byte_sink_init(struct vmm_byte_sink *sink, uint8_t *buf, size_t cap);
/* Appends one byte; false (and counted as dropped) when full. */
bool vmm_byte_sink_put(struct vmm_byte_sink *sink, uint8_t byte);
/* Appends n bytes; returns how many fit. */
size_t vmm_byte_sink_write(struct vmm_byte_sink *sink, const uint8_t *data, size_t n);
/* Empties the buffer (the dropped count stays). */
void vmm_byte_sink_clear(struct vmm_byte_sink *sink);

#endif /* VMM_BYTESINK_H */
