/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deterministic generator of realistic instruction byte strings for the
 * decoder differential: a few legacy prefixes, a REX (64-bit mode), then a
 * legacy opcode of any map or a VEX/EVEX prefix with a plausible payload,
 * a ModRM biased to memory forms, and random SIB/displacement/immediate
 * bytes. The same seed gives the same strings on every host.
 */
#ifndef LIBVMM_TESTS_DECODER_ORACLES_GEN_H
#define LIBVMM_TESTS_DECODER_ORACLES_GEN_H

#include <stdint.h>

#include "vmm/x86_insn.h"

#define GEN_BYTES 16

struct gen {
    uint64_t state;
};

void gen_seed(struct gen *g, uint64_t seed);
uint64_t gen_next(struct gen *g);

/* Fills out[GEN_BYTES] with one instruction (and trailing random bytes). */
void gen_insn(struct gen *g, enum x86_mode mode, uint8_t out[GEN_BYTES]);

#endif
