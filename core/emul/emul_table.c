/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The dispatch table: (opcode map, opcode, ModRM.reg for groups) to the
 * handler of the instruction family with its argument and operand form.
 * An entry without a handler is an instruction the emulator does not
 * perform (it returns X86_EMUL_UNSUPPORTED).
 */
#include "emul_internal.h"

enum { G_NONE, G_1, G_3, G_4, G_5, G_1A, G_11, G_8, G_COUNT };

#define BIN(alu, f) {emul_h_binary, (alu), (f), 0}
#define GROUP(g, f) {0, 0, (f), (g)}
#define H(fn, arg, f) {(fn), (arg), (f), 0}

/* 00-05, 08-0D, ... 38-3D: r/m8,r8  r/m,r  r8,r/m8  r,r/m  AL,imm8  rAX,imm */
#define ALU_ROW(op)                                                                      \
    BIN(op, OPF_BYTE | OPF_DST_RM), BIN(op, OPF_DST_RM), BIN(op, OPF_BYTE | OPF_SRC_RM), \
        BIN(op, OPF_SRC_RM), BIN(op, OPF_BYTE | OPF_DST_ACC | OPF_SRC_IMM),             \
        BIN(op, OPF_DST_ACC | OPF_SRC_IMM)

#define RM_IMM (OPF_DST_RM | OPF_SRC_IMM)

static const struct emul_op primary[256] = {
    [0x00] = ALU_ROW(ALU_ADD),
    [0x08] = ALU_ROW(ALU_OR),
    [0x10] = ALU_ROW(ALU_ADC),
    [0x18] = ALU_ROW(ALU_SBB),
    [0x20] = ALU_ROW(ALU_AND),
    [0x28] = ALU_ROW(ALU_SUB),
    [0x30] = ALU_ROW(ALU_XOR),
    [0x38] = ALU_ROW(ALU_CMP),
    [0x63] = H(emul_h_movx, 4 | MOVX_SIGN, 0), /* MOVSXD (64-bit mode) */
    [0x80] = GROUP(G_1, OPF_BYTE),
    [0x81] = GROUP(G_1, 0),
    [0x82] = GROUP(G_1, OPF_BYTE), /* outside 64-bit mode */
    [0x83] = GROUP(G_1, 0),
    [0x84] = BIN(ALU_TEST, OPF_BYTE | OPF_DST_RM),
    [0x85] = BIN(ALU_TEST, OPF_DST_RM),
    [0x86] = H(emul_h_xchg, 0, OPF_BYTE),
    [0x87] = H(emul_h_xchg, 0, 0),
    [0x88] = BIN(ALU_MOV, OPF_BYTE | OPF_DST_RM),
    [0x89] = BIN(ALU_MOV, OPF_DST_RM),
    [0x8A] = BIN(ALU_MOV, OPF_BYTE | OPF_SRC_RM),
    [0x8B] = BIN(ALU_MOV, OPF_SRC_RM),
    [0x8F] = GROUP(G_1A, 0),
    [0xA0] = BIN(ALU_MOV, OPF_BYTE | OPF_DST_ACC | OPF_SRC_RM), /* moffs */
    [0xA1] = BIN(ALU_MOV, OPF_DST_ACC | OPF_SRC_RM),
    [0xA2] = BIN(ALU_MOV, OPF_BYTE | OPF_DST_RM | OPF_SRC_ACC),
    [0xA3] = BIN(ALU_MOV, OPF_DST_RM | OPF_SRC_ACC),
    [0xA4] = H(emul_h_string, STR_MOVS, OPF_BYTE),
    [0xA5] = H(emul_h_string, STR_MOVS, 0),
    [0xA6] = H(emul_h_string, STR_CMPS, OPF_BYTE),
    [0xA7] = H(emul_h_string, STR_CMPS, 0),
    [0xA8] = BIN(ALU_TEST, OPF_BYTE | OPF_DST_ACC | OPF_SRC_IMM),
    [0xA9] = BIN(ALU_TEST, OPF_DST_ACC | OPF_SRC_IMM),
    [0xAA] = H(emul_h_string, STR_STOS, OPF_BYTE),
    [0xAB] = H(emul_h_string, STR_STOS, 0),
    [0xAC] = H(emul_h_string, STR_LODS, OPF_BYTE),
    [0xAD] = H(emul_h_string, STR_LODS, 0),
    [0xAE] = H(emul_h_string, STR_SCAS, OPF_BYTE),
    [0xAF] = H(emul_h_string, STR_SCAS, 0),
    [0xC6] = GROUP(G_11, OPF_BYTE),
    [0xC7] = GROUP(G_11, 0),
    [0xF6] = GROUP(G_3, OPF_BYTE),
    [0xF7] = GROUP(G_3, 0),
    [0xFE] = GROUP(G_4, OPF_BYTE),
    [0xFF] = GROUP(G_5, 0),
};

#define SETCC(cc) H(emul_h_setcc, (cc), 0)
#define VEC(row) H(emul_h_vec, (row), 0)

static const struct emul_op map_0f[256] = {
    [0x10] = VEC(0), [0x11] = VEC(1), [0x28] = VEC(2), [0x29] = VEC(3),
    [0x6E] = VEC(4), [0x6F] = VEC(5), [0x7E] = VEC(6), [0x7F] = VEC(7),
    [0xD6] = VEC(8),
    [0x90] = SETCC(0x0), SETCC(0x1), SETCC(0x2), SETCC(0x3), SETCC(0x4), SETCC(0x5),
    SETCC(0x6), SETCC(0x7), SETCC(0x8), SETCC(0x9), SETCC(0xA), SETCC(0xB),
    SETCC(0xC), SETCC(0xD), SETCC(0xE), SETCC(0xF),
    [0xA3] = H(emul_h_bt, BT_TEST, 0),
    [0xAB] = H(emul_h_bt, BT_SET, 0),
    [0xB0] = H(emul_h_cmpxchg, 0, OPF_BYTE),
    [0xB1] = H(emul_h_cmpxchg, 0, 0),
    [0xB3] = H(emul_h_bt, BT_RESET, 0),
    [0xB6] = H(emul_h_movx, 1, 0),
    [0xB7] = H(emul_h_movx, 2, 0),
    [0xBA] = GROUP(G_8, 0),
    [0xBB] = H(emul_h_bt, BT_COMPLEMENT, 0),
    [0xBE] = H(emul_h_movx, 1 | MOVX_SIGN, 0),
    [0xBF] = H(emul_h_movx, 2 | MOVX_SIGN, 0),
    [0xC0] = H(emul_h_xadd, 0, OPF_BYTE),
    [0xC1] = H(emul_h_xadd, 0, 0),
    [0xC3] = BIN(ALU_MOV, OPF_DST_RM | OPF_MEM_ONLY), /* MOVNTI */
};

/* 0F 38 F0 and F1 without F2 (F2 selects CRC32). */
static const struct emul_op movbe[2] = {
    H(emul_h_movbe, 0, OPF_MEM_ONLY),
    H(emul_h_movbe, 1, OPF_MEM_ONLY),
};

#define UNARY(op) H(emul_h_unary, (op), 0)

static const struct emul_op groups[G_COUNT][8] = {
    [G_1] = {BIN(ALU_ADD, RM_IMM), BIN(ALU_OR, RM_IMM), BIN(ALU_ADC, RM_IMM),
             BIN(ALU_SBB, RM_IMM), BIN(ALU_AND, RM_IMM), BIN(ALU_SUB, RM_IMM),
             BIN(ALU_XOR, RM_IMM), BIN(ALU_CMP, RM_IMM)},
    [G_3] = {BIN(ALU_TEST, RM_IMM), BIN(ALU_TEST, RM_IMM), UNARY(ALU_NOT), UNARY(ALU_NEG)},
    [G_4] = {UNARY(ALU_INC), UNARY(ALU_DEC)},
    [G_5] = {UNARY(ALU_INC), UNARY(ALU_DEC), [6] = H(emul_h_push, 0, 0)},
    [G_1A] = {H(emul_h_pop, 0, 0)},
    [G_11] = {BIN(ALU_MOV, RM_IMM)},
    [G_8] = {[4] = H(emul_h_bt, BT_TEST, OPF_SRC_IMM), H(emul_h_bt, BT_SET, OPF_SRC_IMM),
             H(emul_h_bt, BT_RESET, OPF_SRC_IMM), H(emul_h_bt, BT_COMPLEMENT, OPF_SRC_IMM)},
};

const struct emul_op *emul_lookup(const struct x86_insn *in, struct emul_op *scratch)
{
    static const struct emul_op none = {0};
    const struct emul_op *e;
    if (in->encoding == X86_ENC_EVEX)
        return &none;
    if (in->encoding == X86_ENC_VEX) {
        e = &map_0f[in->opcode];
        return in->map == X86_MAP_0F && e->fn == emul_h_vec ? e : &none;
    }
    switch (in->map) {
    case X86_MAP_PRIMARY:
        e = &primary[in->opcode];
        break;
    case X86_MAP_0F:
        e = &map_0f[in->opcode];
        break;
    case X86_MAP_0F38:
        if ((in->opcode & 0xFE) != 0xF0 || in->mandatory == 0xF2)
            return &none;
        e = &movbe[in->opcode & 1];
        break;
    default:
        return &none;
    }
    if (!e->group)
        return e;
    *scratch = groups[e->group][in->reg & 7];
    scratch->flags |= e->flags;
    return scratch;
}
