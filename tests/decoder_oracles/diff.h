/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Comparing our decoder with an oracle on one byte string, and the triage
 * of the differences that are understood (DECODER_ORACLES.md lists each
 * class with its evidence). A difference no class explains is a failure.
 */
#ifndef LIBVMM_TESTS_DECODER_ORACLES_DIFF_H
#define LIBVMM_TESTS_DECODER_ORACLES_DIFF_H

#include "oracle.h"

enum diff_kind {
    DIFF_NONE,
    DIFF_WE_ACCEPT, /* we decode it, the oracle rejects it */
    DIFF_WE_REJECT, /* the oracle decodes it, we reject it */
    DIFF_LENGTH,
    DIFF_MEM,       /* presence, base, index, scale, displacement or segment */
    DIFF_KIND_COUNT,
};

enum oracle_id { ORACLE_ZYDIS, ORACLE_CAPSTONE, ORACLE_COUNT };

/* What differs between our view and the oracle's (addresses compared modulo the address size). */
enum diff_kind diff_views(const struct oracle_view *ours, const struct oracle_view *theirs,
                          const struct x86_insn *insn, enum x86_mode mode);

/*
 * The known-difference class that explains `kind` for these bytes, or NULL.
 * `insn` is our decode (valid or not: len, map, opcode and prefixes are set);
 * `zydis` is Zydis's view, the tie-breaker for Capstone's differences.
 */
const char *diff_triage(enum oracle_id oracle, enum diff_kind kind, const uint8_t *bytes,
                        enum x86_mode mode, const struct x86_insn *insn,
                        const struct oracle_view *ours, const struct oracle_view *theirs,
                        const struct oracle_view *zydis);

const char *diff_kind_name(enum diff_kind k);

#endif
