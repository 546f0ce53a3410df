/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The benchmark's x86_decode loop, in its own file: vmm/x86_insn.h and
 * Capstone's header cannot share a translation unit (X86_REG_RIP).
 */
#ifndef LIBVMM_CORE_EMUL_BENCH_DECODE_OURS_H
#define LIBVMM_CORE_EMUL_BENCH_DECODE_OURS_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the 64-bit code stream instruction after instruction: their count, 0 on a failure. */
size_t bench_decode_stream(const uint8_t *bytes, size_t size);

#endif
