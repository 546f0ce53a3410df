/* SPDX-License-Identifier: Apache-2.0 */
/*
 * x86_decode over a code stream, for bench_decode.c.
 */
#include "bench_decode_ours.h"

#include "vmm/x86_insn.h"

size_t bench_decode_stream(const uint8_t *bytes, size_t size)
{
    struct x86_insn insn;
    size_t off = 0, count = 0;
    while (off < size) {
        if (x86_decode(bytes + off, size - off, X86_MODE_LONG64, &insn) != X86_DECODE_OK)
            return 0;
        off += insn.len;
        count++;
    }
    return count;
}
