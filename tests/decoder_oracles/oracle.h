/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The two reference decoders of the differential, Zydis 4.0.0 and Capstone
 * 4.0.2 (Debian's), seen through one small view: validity, length and the
 * explicit memory operand, in x86_insn.h's numbering.
 */
#ifndef LIBVMM_TESTS_DECODER_ORACLES_ORACLE_H
#define LIBVMM_TESTS_DECODER_ORACLES_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oracle_view.h"
#include "vmm/x86_insn.h"


/* Zydis's and Capstone's machine modes for ours (REAL and VM86 as 16-bit). */
void oracle_zydis(const uint8_t *bytes, size_t n, enum x86_mode mode, struct oracle_view *v);
void oracle_capstone(const uint8_t *bytes, size_t n, enum x86_mode mode, struct oracle_view *v);

/* The view of our own decoder (UD, GP and truncation all read as invalid). */
void oracle_ours(const uint8_t *bytes, size_t n, enum x86_mode mode, struct oracle_view *v,
                 struct x86_insn *insn);

/* The same view of an instruction already decoded with status s. */
void oracle_view_of(enum x86_decode_status s, const struct x86_insn *insn, struct oracle_view *v);

#endif
