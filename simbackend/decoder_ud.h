/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pre-scan's question to libvmm's decoder, in a header of its own:
 * vmm/x86_insn.h and Capstone's headers both name x86_insn.
 */
#ifndef SIM_DECODER_UD_H
#define SIM_DECODER_UD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Whether libvmm's decoder finds the instruction at `bytes`, in code of
 * `code_bytes` (2, 4, 8), invalid (#UD): asked where Unicorn is known to
 * run what the processor refuses (a LOCK prefix outside the lockable
 * instructions, which Unicorn ignores; encodings Capstone cannot decode).
 */
bool plan_decoder_ud(const uint8_t *bytes, size_t n, unsigned code_bytes);

#endif
