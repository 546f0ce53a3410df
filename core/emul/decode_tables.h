/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decoder's opcode tables (decode_tables.c): one 32-bit attribute word
 * per opcode of the legacy maps (one-byte, 0F, 0F38, 0F3A), saying what
 * follows the opcode (ModRM, immediate kind), when it is invalid, how the
 * operand size behaves in 64-bit mode, whether LOCK is allowed and which
 * mandatory prefixes select a valid form. Irregular groups (reg-field
 * dependent validity) carry DA_GRP and are resolved in decode.c.
 */
#ifndef LIBVMM_CORE_EMUL_DECODE_TABLES_H
#define LIBVMM_CORE_EMUL_DECODE_TABLES_H

#include <stdint.h>

/* Immediate kinds (bits 0-3). */
enum decode_imm {
    IMM_NONE,
    IMM_B,     /* ib */
    IMM_W,     /* iw */
    IMM_Z,     /* iz: 2 bytes with a 16-bit operand size, else 4 */
    IMM_V,     /* iv: MOV r, imm (B8+r): 2, 4 or 8 bytes */
    IMM_ENTER, /* iw, ib */
    IMM_FAR,   /* ptr16:16 / ptr16:32: iz offset then a 2-byte selector */
    IMM_MOFFS, /* an offset of the address size (A0-A3) */
    IMM_G3B,   /* ib for F6 /0 and /1 only */
    IMM_G3Z,   /* iz for F7 /0 and /1 only */
    IMM_3DNOW, /* 0F 0F: the opcode byte follows ModRM and displacement */
};

#define DA_IMM_MASK 0x0000000fu
#define DA_M (1u << 4)    /* a ModRM byte follows */
#define DA_UD (1u << 5)   /* always #UD (reserved, UD0/UD1/UD2) */
#define DA_I64 (1u << 6)  /* #UD in 64-bit mode */
#define DA_MREG (1u << 7) /* ModRM.mod is ignored: always a register operand (MOV CR/DR) */
#define DA_D64 (1u << 8)  /* 64-bit mode: operand size 64 by default (66 gives 16) */
#define DA_F64 (1u << 9)  /* 64-bit mode: operand size 64, 66 ignored (near branches) */
#define DA_LK (1u << 10)  /* LOCK allowed with a memory destination */
#define DA_LKG (1u << 11) /* LOCK allowed for some ModRM.reg values (see decode.c) */
#define DA_GRP (1u << 12) /* validity depends on ModRM.reg / the ModRM byte (see decode.c) */
#define DA_MEM (1u << 13) /* #UD unless ModRM.mod != 3 */
#define DA_REG (1u << 14) /* #UD unless ModRM.mod == 3 */
#define DA_SSE (1u << 15) /* 66 selects the form, not the operand size */
/* Mandatory prefixes that select a valid form; none set: any prefix is fine. */
#define DA_P_NP (1u << 16) /* no 66/F2/F3 */
#define DA_P_66 (1u << 17)
#define DA_P_F3 (1u << 18)
#define DA_P_F2 (1u << 19)
#define DA_P_MASK (DA_P_NP | DA_P_66 | DA_P_F3 | DA_P_F2)

extern const uint32_t decode_tab_primary[256];
extern const uint32_t decode_tab_0f[256];
extern const uint32_t decode_tab_0f38[256];
extern const uint32_t decode_tab_0f3a[256];

/* Valid register forms (ModRM C0-FF, bit = ModRM - C0) of the x87 escapes D8-DF. */
extern const uint64_t decode_x87_reg_ok[8];
/* Group 7 (0F 01) register forms, ModRM C0-FF: the mandatory prefixes each accepts
 * (bit 0 none, bit 1 66, bit 2 F3, bit 3 F2; 0 = no such instruction). */
extern const uint8_t decode_grp7_reg_pfx[64];
/* Valid 3DNow! opcode bytes (the byte after 0F 0F ModRM), 256 bits. */
extern const uint64_t decode_3dnow_ok[4];

#endif
