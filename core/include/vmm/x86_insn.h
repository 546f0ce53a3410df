/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The x86 instruction decoder (SDM Vol. 2 chapter 2, "Instruction Format"):
 * bytes in, the instruction's format out. It knows every legacy, REX, VEX
 * and EVEX encoding to the correct length, opcode map and memory operand,
 * and rejects what the processor rejects (#UD for invalid opcodes and
 * misused LOCK, #GP for instructions longer than 15 bytes; for EVEX only
 * the opcode-independent rules: core/emul/DECODER_ORACLES.md). It does not
 * know what an instruction does: the emulator (vmm/x86_emul.h) owns
 * semantics, and the simulated backend's pre-scan uses the format only.
 *
 * Table-driven, no allocation, no global mutable state; safe on any bytes.
 */
#ifndef VMM_X86_INSN_H
#define VMM_X86_INSN_H

#include "vmm/types.h"

#define X86_MAX_INSN_LEN 15

/* The mode the bytes are decoded in: the code segment's default sizes. */
enum x86_mode {
    X86_MODE_REAL,   /* CR0.PE = 0: 16-bit, no VEX/EVEX (C4/C5 are LES/LDS) */
    X86_MODE_VM86,   /* RFLAGS.VM = 1: 16-bit, no VEX/EVEX */
    X86_MODE_PROT16, /* protected or compatibility mode, CS.D = 0 */
    X86_MODE_PROT32, /* protected or compatibility mode, CS.D = 1 */
    X86_MODE_LONG64, /* 64-bit mode: EFER.LMA = 1 and CS.L = 1 */
};

/* General-purpose register numbers (ModRM/SIB/REX numbering). */
enum x86_gpr {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
    X86_GPR_COUNT,
    X86_REG_NONE = 0x7e, /* no base / no index */
    X86_REG_RIP = 0x7f,  /* RIP-relative base (64-bit mode, mod = 0, rm = 5) */
};

/* Segment registers, in the encoding order of the Sreg field. */
enum x86_seg_reg { X86_ES, X86_CS, X86_SS, X86_DS, X86_FS, X86_GS, X86_SEG_COUNT };

/* Opcode maps. For VEX/EVEX this is the map field (1 = 0F, 2 = 0F38, 3 = 0F3A). */
enum x86_map { X86_MAP_PRIMARY, X86_MAP_0F, X86_MAP_0F38, X86_MAP_0F3A };

enum x86_encoding { X86_ENC_LEGACY, X86_ENC_VEX, X86_ENC_EVEX };

/* Legacy prefixes seen (any order, any repetition). */
#define X86_PFX_LOCK (1u << 0)  /* F0 */
#define X86_PFX_REPNE (1u << 1) /* F2 */
#define X86_PFX_REP (1u << 2)   /* F3 */
#define X86_PFX_OPSIZE (1u << 3) /* 66 */
#define X86_PFX_ADSIZE (1u << 4) /* 67 */
#define X86_PFX_SEG (1u << 5)   /* any segment override; the last one wins */

struct x86_insn {
    uint8_t len;       /* 1..15 */
    uint8_t encoding;  /* enum x86_encoding */
    uint8_t map;       /* enum x86_map */
    uint8_t opcode;    /* the opcode byte within its map */
    uint8_t prefixes;  /* X86_PFX_* */
    uint8_t last_rep;  /* 0, 0xF2 or 0xF3: the last of F2/F3 (it wins when both appear) */
    uint8_t mandatory; /* 0, 0x66, 0xF2 or 0xF3 selecting the SSE form (VEX/EVEX: from pp) */
    uint8_t seg;       /* enum x86_seg_reg of the memory operand: the last override, else DS or
                          SS (rSP/rBP base); in 64-bit mode ES/CS/SS/DS prefixes are ignored */
    uint8_t rex;       /* the REX byte in effect (0x40..0x4F) or 0 */

    /* VEX and EVEX fields, decoded (R, X, B, W are folded into the register numbers below). */
    uint8_t vex_w;     /* W */
    uint8_t vex_l;     /* vector length: 0 = 128, 1 = 256, 2 = 512 bits */
    uint8_t vex_vvvv;  /* the extra register operand, un-inverted (0..31 with EVEX V') */
    uint8_t evex_aaa;  /* opmask register */
    bool evex_z;       /* zeroing masking */
    bool evex_b;       /* broadcast / rounding / SAE */

    uint8_t opsize;    /* effective operand size in bytes: 2, 4 or 8 (byte forms: see the opcode) */
    uint8_t addrsize;  /* effective address size in bytes: 2, 4 or 8 */

    bool has_modrm;
    uint8_t modrm;
    uint8_t mod;       /* ModRM.mod */
    uint8_t reg;       /* ModRM.reg extended by REX.R / VEX.R (and EVEX R' : 0..31) */
    uint8_t rm;        /* ModRM.rm extended by REX.B / VEX.B (EVEX: and X, 0..31) when mod = 3
                          (register operand); the raw 3 bits otherwise */
    bool has_sib;
    uint8_t sib;

    /* The memory operand, when there is one (ModRM with mod != 3, or moffs). */
    bool has_mem;
    uint8_t mem_base;  /* enum x86_gpr, X86_REG_NONE or X86_REG_RIP */
    uint8_t mem_index; /* enum x86_gpr or X86_REG_NONE (SIB index 4 without REX.X: none) */
    uint8_t mem_scale; /* 1, 2, 4 or 8 */
    int64_t disp;      /* sign-extended (moffs: the zero-extended offset) */
    uint8_t disp_size; /* 0, 1, 2, 4 or 8 (8: moffs in 64-bit mode) */
    uint8_t disp_offset; /* byte offset of the displacement in the instruction */
    uint8_t disp_scale;  /* EVEX compressed disp8: the N disp was multiplied by (disp8*N); 1 for
                            every other form; 0 for an EVEX disp8 whose N the decoder does not
                            know: disp then holds the raw signed byte */

    /* Immediates: imm is sign-extended from imm_size to 64 bits, except the unsigned ones
     * (RET/RETF iw, ENTER iw, INT/IN/OUT/AAM/AAD ib, the 3DNow! opcode byte): zero-extended.
     * imm2 is ENTER's second immediate, a far pointer's selector or EXTRQ/INSERTQ's index. */
    uint64_t imm;
    uint8_t imm_size;  /* 0, 1, 2, 4 or 8 (in bytes as encoded) */
    uint8_t imm_offset;
    uint16_t imm2;     /* ENTER's level byte, or a far pointer's selector */
    uint8_t imm2_size;
};

enum x86_decode_status {
    X86_DECODE_OK,
    X86_DECODE_TRUNCATED, /* the bytes ended before the instruction did (fewer than 15 given) */
    X86_DECODE_UD,        /* invalid opcode, invalid in this mode, or LOCK where it is not allowed */
    X86_DECODE_GP,        /* longer than 15 bytes: #GP(0) */
};

/*
 * Decodes the instruction at `bytes` (at most `avail` readable, only the
 * first 15 ever read) in `mode` into *out. On X86_DECODE_OK every field is
 * set; on the other results *out holds what was decoded so far (len is
 * the number of bytes consumed) and is for diagnostics only.
 */
enum x86_decode_status x86_decode(const uint8_t *bytes, size_t avail, enum x86_mode mode,
                                  struct x86_insn *out);

/* A short name for a decode status ("ok", "truncated", "#UD", "#GP"). */
const char *x86_decode_status_name(enum x86_decode_status s);

#endif /* VMM_X86_INSN_H */
