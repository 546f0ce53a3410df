/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the differential compares of one decoded instruction, in
 * vmm/x86_insn.h's numbering but without its header (Capstone's register
 * enumerators clash with it): validity, length, the explicit memory operand.
 */
#ifndef LIBVMM_TESTS_DECODER_ORACLES_ORACLE_VIEW_H
#define LIBVMM_TESTS_DECODER_ORACLES_ORACLE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { ORACLE_RSP = 4, ORACLE_RBP = 5, ORACLE_REG_NONE = 0x7e, ORACLE_REG_RIP = 0x7f };
enum { ORACLE_ES, ORACLE_CS, ORACLE_SS, ORACLE_DS, ORACLE_FS, ORACLE_GS, ORACLE_SEG_COUNT };

struct oracle_view {
    bool valid;
    uint8_t len;
    bool has_mem;
    uint8_t base, index, scale, seg; /* GPR number / ORACLE_REG_*, 1..8, ORACLE_ES.. */
    int64_t disp;
    const char *mnemonic; /* static storage; "" when invalid */
    bool knc;             /* a Knights Corner instruction (Zydis decodes them in every mode) */
};

/* Capstone in 16-, 32- or 64-bit mode (oracle_capstone.c). */
void oracle_capstone_bits(const uint8_t *bytes, size_t n, int bits, struct oracle_view *v);

#endif
