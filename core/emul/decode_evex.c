/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EVEX disp8*N for the common AVX-512 forms: the moves, the packed and
 * scalar floating-point arithmetic, the integer add/sub/logic/compare
 * family and the broadcasts (SDM Vol. 2 Tables 2-34 and 2-35). Other EVEX
 * opcodes report N = 0 (unknown): the caller keeps the raw byte.
 */
#include "decode_evex.h"

/* Tuple types, as far as they fix N. */
enum tuple {
    T_UNKNOWN,
    T_FV,    /* full vector, broadcast with EVEX.b: N = b ? element : vector */
    T_FVM,   /* full vector memory, no broadcast: N = vector */
    T_T1S,   /* one scalar of EVEX.W's size */
    T_FV_S,  /* NP/66: full vector; F3/F2: scalar (T1S) */
    T_FVM_S, /* NP/66: full vector memory; F3/F2: scalar (the scalar moves) */
    T_N1,    /* one byte (VPBROADCASTB) */
    T_N2,    /* one word (VPBROADCASTW) */
    T_N4,    /* a dword (VBROADCASTSS, VPBROADCASTD) */
    T_N8,    /* a qword (VBROADCASTSD, VPBROADCASTQ) */
};

static enum tuple tuple_map1(uint8_t op)
{
    switch (op) {
    case 0x10: case 0x11: return T_FVM_S;                     /* MOVUPS/UPD/SS/SD */
    case 0x28: case 0x29: case 0x2B: case 0x6F: case 0x7F: case 0xE7:
        return T_FVM;                                         /* MOVAPS/APD, MOVNT*, MOVDQx */
    case 0x51: case 0x58: case 0x59: case 0x5C: case 0x5D: case 0x5E: case 0x5F: case 0xC2:
        return T_FV_S;                                        /* arithmetic, CMP */
    case 0x14: case 0x15: case 0x54: case 0x55: case 0x56: case 0x57: case 0xC6:
    case 0x66: case 0x76: case 0xD4: case 0xDB: case 0xDF: case 0xEB: case 0xEF: case 0xFA:
    case 0xFB: case 0xFE:
        return T_FV;                                          /* UNPCK, logic, dword/qword ops */
    case 0x74: case 0x75: case 0xD8: case 0xD9: case 0xDC: case 0xDD: case 0xE8: case 0xE9:
    case 0xEC: case 0xED: case 0xF8: case 0xF9: case 0xFC: case 0xFD:
        return T_FVM;                                         /* byte/word ops */
    default: return T_UNKNOWN;
    }
}

static enum tuple tuple_map2(uint8_t op)
{
    switch (op) {
    case 0x18: return T_N4;             /* VBROADCASTSS */
    case 0x19: return T_N8;             /* VBROADCASTSD (W1), VBROADCASTF32X2 (W0) */
    case 0x58: return T_N4;             /* VPBROADCASTD */
    case 0x59: return T_N8;             /* VPBROADCASTQ (W1), VBROADCASTI32X2 (W0) */
    case 0x78: return T_N1;             /* VPBROADCASTB */
    case 0x79: return T_N2;             /* VPBROADCASTW */
    case 0x16: case 0x36: case 0x40: return T_FV; /* VPERMPS/PD, VPERMD/Q, VPMULLD/Q */
    default: return T_UNKNOWN;
    }
}

uint8_t decode_evex_disp8_n(const struct x86_insn *o)
{
    if (o->vex_l > 2)
        return 0;
    const uint8_t vector = (uint8_t)(16u << o->vex_l);
    const uint8_t element = o->vex_w ? 8 : 4;
    const bool scalar = o->mandatory == 0xF3 || o->mandatory == 0xF2;
    enum tuple t = o->map == X86_MAP_0F     ? tuple_map1(o->opcode)
                   : o->map == X86_MAP_0F38 ? tuple_map2(o->opcode)
                                            : T_UNKNOWN;
    switch (t) {
    case T_FV: return o->evex_b ? element : vector;
    case T_FVM: return vector;
    case T_T1S: return element;
    case T_FV_S: return scalar ? element : o->evex_b ? element : vector;
    case T_FVM_S: return scalar ? element : vector;
    case T_N1: return 1;
    case T_N2: return 2;
    case T_N4: return 4;
    case T_N8: return 8;
    default: return 0;
    }
}
