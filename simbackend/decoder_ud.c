/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pre-scan's #UD oracle: libvmm's decoder, which owns the rules for
 * LOCK and invalid encodings (see decoder_ud.h for when it is asked).
 */
#include "decoder_ud.h"
#include "vmm/x86_insn.h"

bool plan_decoder_ud(const uint8_t *bytes, size_t n, unsigned code_bytes)
{
    enum x86_mode mode = code_bytes == 8   ? X86_MODE_LONG64
                         : code_bytes == 4 ? X86_MODE_PROT32
                                           : X86_MODE_PROT16;
    struct x86_insn d;
    return x86_decode(bytes, n, mode, &d) == X86_DECODE_UD;
}
