/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VEX opcode maps as tables: one 16-bit word per (opcode, VEX.pp) in
 * each of the maps 0F, 0F38 and 0F3A, transcribed from the SDM's opcode
 * lines (AVX, AVX2, FMA, F16C, BMI1/2, AES/PCLMUL/GFNI/VAES, AVX-VNNI,
 * the AVX-512 mask instructions, AMX). A zero word: no instruction.
 * AMD-only VEX opcodes (FMA4, VPERMIL2PS/PD) are not listed: #UD on Intel.
 */
#include "decode_vex.h"

#define V_OK (1u << 0)
#define NV (1u << 1)   /* VEX.vvvv must be 1111b (no register there) */
#define NVM (1u << 2)  /* ... for the memory form only (VMOVSS/VMOVSD) */
#define L0 (1u << 3)   /* VEX.L must be 0 */
#define L1 (1u << 4)   /* VEX.L must be 1 (256-bit only) */
#define W0 (1u << 5)   /* VEX.W must be 0 */
#define W1 (1u << 6)   /* VEX.W must be 1 */
#define ME (1u << 7)   /* memory operand only */
#define RE (1u << 8)   /* register operand only */
#define GR (1u << 9)   /* ModRM.reg selects: see group_ok() */
#define K (1u << 10)   /* opmask / tile registers only: vvvv and ModRM.reg below 8 (VEX.B is
                          ignored for an opmask in ModRM.rm) */
#define SIB (1u << 11) /* memory operand must use a SIB byte (AMX tiles) */
#define KREG (1u << 12) /* ModRM.reg names an opmask register (below 8) */
#define O64 (1u << 13)  /* 64-bit mode only (AMX) */

#define E(op, pp, f) [(op) * 4 + (pp)] = (uint16_t)(V_OK | (f))
#define N_(op, f) E(op, 0, f)
#define P66(op, f) E(op, 1, f)
#define F3(op, f) E(op, 2, f)
#define F2(op, f) E(op, 3, f)
/* The same flags for every pp in a mask: a = NP, b = 66, c = F3, d = F2 (1: present). */
#define ALL4(op, f) N_(op, f), P66(op, f), F3(op, f), F2(op, f)
#define PSPD(op, f) N_(op, f), P66(op, f)

/* 0F */
static const uint16_t map1[1024] = {
    N_(0x10, NV), P66(0x10, NV), F3(0x10, NVM), F2(0x10, NVM),
    N_(0x11, NV), P66(0x11, NV), F3(0x11, NVM), F2(0x11, NVM),
    N_(0x12, L0), P66(0x12, L0 | ME), F3(0x12, NV), F2(0x12, NV),  /* VMOVHLPS/LPS/LPD, SLDUP, DDUP */
    PSPD(0x13, NV | L0 | ME), PSPD(0x14, 0), PSPD(0x15, 0),
    N_(0x16, L0), P66(0x16, L0 | ME), F3(0x16, NV), PSPD(0x17, NV | L0 | ME),
    PSPD(0x28, NV), PSPD(0x29, NV), F3(0x2A, 0), F2(0x2A, 0), PSPD(0x2B, NV | ME),
    F3(0x2C, NV), F2(0x2C, NV), F3(0x2D, NV), F2(0x2D, NV), PSPD(0x2E, NV), PSPD(0x2F, NV),
    /* AVX-512 opmask logic: KANDW/Q (NP), KANDB/D (66) ... */
    PSPD(0x41, K | L1 | RE), PSPD(0x42, K | L1 | RE), PSPD(0x44, K | NV | L0 | RE),
    PSPD(0x45, K | L1 | RE), PSPD(0x46, K | L1 | RE), PSPD(0x47, K | L1 | RE),
    PSPD(0x4A, K | L1 | RE), N_(0x4B, K | L1 | RE), P66(0x4B, K | L1 | W0 | RE),
    PSPD(0x50, NV | RE), PSPD(0x51, NV), F3(0x51, 0), F2(0x51, 0),
    N_(0x52, NV), F3(0x52, 0), N_(0x53, NV), F3(0x53, 0),
    PSPD(0x54, 0), PSPD(0x55, 0), PSPD(0x56, 0), PSPD(0x57, 0),
    ALL4(0x58, 0), ALL4(0x59, 0), PSPD(0x5A, NV), F3(0x5A, 0), F2(0x5A, 0),
    PSPD(0x5B, NV), F3(0x5B, NV), ALL4(0x5C, 0), ALL4(0x5D, 0), ALL4(0x5E, 0), ALL4(0x5F, 0),
    P66(0x60, 0), P66(0x61, 0), P66(0x62, 0), P66(0x63, 0), P66(0x64, 0), P66(0x65, 0),
    P66(0x66, 0), P66(0x67, 0), P66(0x68, 0), P66(0x69, 0), P66(0x6A, 0), P66(0x6B, 0),
    P66(0x6C, 0), P66(0x6D, 0), P66(0x6E, NV | L0), P66(0x6F, NV), F3(0x6F, NV),
    P66(0x70, NV), F3(0x70, NV), F2(0x70, NV),
    P66(0x71, RE | GR), P66(0x72, RE | GR), P66(0x73, RE | GR), /* vvvv is the destination */
    P66(0x74, 0), P66(0x75, 0), P66(0x76, 0), N_(0x77, NV),      /* VZEROUPPER / VZEROALL */
    P66(0x7C, 0), F2(0x7C, 0), P66(0x7D, 0), F2(0x7D, 0),
    P66(0x7E, NV | L0), F3(0x7E, NV | L0), P66(0x7F, NV), F3(0x7F, NV),
    PSPD(0x90, K | NV | L0), PSPD(0x91, K | NV | L0 | ME),        /* KMOV */
    PSPD(0x92, NV | L0 | RE | W0 | KREG), F2(0x92, NV | L0 | RE | KREG),           /* KMOV k, r32 */
    PSPD(0x93, NV | L0 | RE | W0), F2(0x93, NV | L0 | RE),                          /* KMOV r32, k */ PSPD(0x98, K | NV | L0 | RE), PSPD(0x99, K | NV | L0 | RE),
    N_(0xAE, NV | L0 | ME | GR),                                  /* VLDMXCSR, VSTMXCSR */
    ALL4(0xC2, 0), P66(0xC4, L0), P66(0xC5, NV | L0 | RE), PSPD(0xC6, 0),
    P66(0xD0, 0), F2(0xD0, 0), P66(0xD1, 0), P66(0xD2, 0), P66(0xD3, 0), P66(0xD4, 0),
    P66(0xD5, 0), P66(0xD6, NV | L0), P66(0xD7, NV | RE), P66(0xD8, 0), P66(0xD9, 0),
    P66(0xDA, 0), P66(0xDB, 0), P66(0xDC, 0), P66(0xDD, 0), P66(0xDE, 0), P66(0xDF, 0),
    P66(0xE0, 0), P66(0xE1, 0), P66(0xE2, 0), P66(0xE3, 0), P66(0xE4, 0), P66(0xE5, 0),
    P66(0xE6, NV), F3(0xE6, NV), F2(0xE6, NV), P66(0xE7, NV | ME), P66(0xE8, 0), P66(0xE9, 0),
    P66(0xEA, 0), P66(0xEB, 0), P66(0xEC, 0), P66(0xED, 0), P66(0xEE, 0), P66(0xEF, 0),
    F2(0xF0, NV | ME), P66(0xF1, 0), P66(0xF2, 0), P66(0xF3, 0), P66(0xF4, 0), P66(0xF5, 0),
    P66(0xF6, 0), P66(0xF7, NV | L0 | RE), P66(0xF8, 0), P66(0xF9, 0), P66(0xFA, 0),
    P66(0xFB, 0), P66(0xFC, 0), P66(0xFD, 0), P66(0xFE, 0),
};

/* 0F38 */
static const uint16_t map2[1024] = {
    P66(0x00, 0), P66(0x01, 0), P66(0x02, 0), P66(0x03, 0), P66(0x04, 0), P66(0x05, 0),
    P66(0x06, 0), P66(0x07, 0), P66(0x08, 0), P66(0x09, 0), P66(0x0A, 0), P66(0x0B, 0),
    P66(0x0C, W0), P66(0x0D, W0), P66(0x0E, NV | W0), P66(0x0F, NV | W0),      /* VPERMILPS/D, VTEST */
    P66(0x13, NV | W0), P66(0x16, L1 | W0), P66(0x17, NV), P66(0x18, NV | W0), /* VCVTPH2PS .. */
    P66(0x19, NV | L1 | W0), P66(0x1A, NV | L1 | W0 | ME), P66(0x1C, NV), P66(0x1D, NV),
    P66(0x1E, NV), P66(0x20, NV), P66(0x21, NV), P66(0x22, NV), P66(0x23, NV), P66(0x24, NV),
    P66(0x25, NV), P66(0x28, 0), P66(0x29, 0), P66(0x2A, NV | ME), P66(0x2B, 0),
    P66(0x2C, W0 | ME), P66(0x2D, W0 | ME), P66(0x2E, W0 | ME), P66(0x2F, W0 | ME), /* VMASKMOV */
    P66(0x30, NV), P66(0x31, NV), P66(0x32, NV), P66(0x33, NV), P66(0x34, NV), P66(0x35, NV),
    P66(0x36, L1 | W0), P66(0x37, 0), P66(0x38, 0), P66(0x39, 0), P66(0x3A, 0), P66(0x3B, 0),
    P66(0x3C, 0), P66(0x3D, 0), P66(0x3E, 0), P66(0x3F, 0), P66(0x40, 0), P66(0x41, NV | L0),
    P66(0x45, 0), P66(0x46, W0), P66(0x47, 0),                                     /* VPSRLV .. */
    N_(0x49, O64 | NV | L0 | W0 | GR), P66(0x49, O64 | NV | L0 | W0 | ME | GR),     /* AMX */
    F2(0x49, O64 | K | NV | L0 | W0 | RE | GR),
    P66(0x4B, O64 | K | NV | L0 | W0 | ME | SIB), F3(0x4B, O64 | K | NV | L0 | W0 | ME | SIB),
    F2(0x4B, O64 | K | NV | L0 | W0 | ME | SIB),
    P66(0x50, W0), P66(0x51, W0), P66(0x52, W0), P66(0x53, W0),                    /* AVX-VNNI */
    P66(0x58, NV | W0), P66(0x59, NV | W0), P66(0x5A, NV | L1 | W0 | ME),          /* broadcasts */
    F3(0x5C, O64 | K | L0 | W0 | RE), ALL4(0x5E, O64 | K | L0 | W0 | RE),          /* AMX dot products */
    P66(0x78, NV | W0), P66(0x79, NV | W0), P66(0x8C, ME), P66(0x8E, ME),
    P66(0x90, ME), P66(0x91, ME), P66(0x92, ME), P66(0x93, ME),                    /* gathers (VSIB) */
    P66(0x96, 0), P66(0x97, 0), P66(0x98, 0), P66(0x99, 0), P66(0x9A, 0), P66(0x9B, 0),
    P66(0x9C, 0), P66(0x9D, 0), P66(0x9E, 0), P66(0x9F, 0), P66(0xA6, 0), P66(0xA7, 0),
    P66(0xA8, 0), P66(0xA9, 0), P66(0xAA, 0), P66(0xAB, 0), P66(0xAC, 0), P66(0xAD, 0),
    P66(0xAE, 0), P66(0xAF, 0), P66(0xB6, 0), P66(0xB7, 0), P66(0xB8, 0), P66(0xB9, 0),
    P66(0xBA, 0), P66(0xBB, 0), P66(0xBC, 0), P66(0xBD, 0), P66(0xBE, 0), P66(0xBF, 0),
    P66(0xCF, W0), P66(0xDB, NV | L0), P66(0xDC, 0), P66(0xDD, 0), P66(0xDE, 0), P66(0xDF, 0),
    /* BMI1/BMI2 (general-purpose registers) */
    N_(0xF2, L0), N_(0xF3, L0 | GR), N_(0xF5, L0), F3(0xF5, L0), F2(0xF5, L0), F2(0xF6, L0),
    ALL4(0xF7, L0),
};

/* 0F3A: every form takes an ib (VPBLENDV* and VBLENDV* an is4 register). */
static const uint16_t map3[1024] = {
    P66(0x00, NV | L1 | W1), P66(0x01, NV | L1 | W1), P66(0x02, W0), P66(0x04, NV | W0),
    P66(0x05, NV | W0), P66(0x06, L1 | W0), P66(0x08, NV), P66(0x09, NV), P66(0x0A, 0),
    P66(0x0B, 0), P66(0x0C, 0), P66(0x0D, 0), P66(0x0E, 0), P66(0x0F, 0),
    P66(0x14, NV | L0), P66(0x15, NV | L0), P66(0x16, NV | L0), P66(0x17, NV | L0),
    P66(0x18, L1 | W0), P66(0x19, NV | L1 | W0), P66(0x1D, NV | W0),
    P66(0x20, L0), P66(0x21, L0), P66(0x22, L0),
    P66(0x30, K | NV | L0 | RE), P66(0x31, K | NV | L0 | RE), P66(0x32, K | NV | L0 | RE),
    P66(0x33, K | NV | L0 | RE),                                                   /* KSHIFT */
    P66(0x38, L1 | W0), P66(0x39, NV | L1 | W0), P66(0x40, 0), P66(0x41, L0), P66(0x42, 0),
    P66(0x44, 0), P66(0x46, L1 | W0), P66(0x4A, W0), P66(0x4B, W0), P66(0x4C, W0),
    P66(0x60, NV | L0), P66(0x61, NV | L0), P66(0x62, NV | L0), P66(0x63, NV | L0),
    P66(0xCE, W1), P66(0xCF, W1), P66(0xDF, NV | L0), F2(0xF0, NV | L0),
};

static const uint16_t *const maps[3] = {map1, map2, map3};

/* ModRM.reg choices of the VEX groups. */
static bool group_ok(const struct x86_insn *o)
{
    const uint8_t r = (o->modrm >> 3) & 7;
    if (o->map == X86_MAP_0F) {
        switch (o->opcode) {
        case 0x71:
        case 0x72: return r == 2 || r == 4 || r == 6; /* VPSRL/VPSRA/VPSLL W/D */
        case 0x73: return r == 2 || r == 3 || r == 6 || r == 7;
        default: return r == 2 || r == 3;             /* 0F AE: VLDMXCSR, VSTMXCSR */
        }
    }
    if (o->opcode == 0xF3)
        return r >= 1 && r <= 3; /* BLSR, BLSMSK, BLSI */
    /* 0F38 49: LDTILECFG (NP, memory /0), TILERELEASE (NP, C0), STTILECFG (66, /0),
     * TILEZERO (F2, registers, rm 0) */
    if (o->mandatory == 0)
        return o->mod == 3 ? o->modrm == 0xC0 : r == 0;
    return o->mandatory == 0x66 ? r == 0 : (o->modrm & 7) == 0;
}

bool decode_vex_valid(const struct x86_insn *o, uint8_t vvvv, enum x86_mode mode)
{
    if (o->map < 1 || o->map > 3)
        return false;
    const unsigned pp = o->mandatory == 0 ? 0 : o->mandatory == 0x66 ? 1 : o->mandatory == 0xF3 ? 2 : 3;
    const uint16_t f = maps[o->map - 1][o->opcode * 4u + pp];
    const bool reg_form = o->has_modrm && o->mod == 3;
    if (!(f & V_OK))
        return false;
    if (((f & NV) || ((f & NVM) && !reg_form)) && vvvv != 0) /* all four bits, in every mode */
        return false;
    if (((f & L0) && o->vex_l != 0) || ((f & L1) && o->vex_l != 1))
        return false;
    /* W restrictions of vector instructions apply in every mode; W is ignored outside 64-bit
     * mode only for the general-purpose ones, which carry none. */
    if (((f & W0) && o->vex_w) || ((f & W1) && !o->vex_w))
        return false;
    if (((f & ME) && reg_form) || ((f & RE) && o->has_modrm && !reg_form))
        return false;
    if ((f & SIB) && !o->has_sib)
        return false;
    if (((f & K) && (o->vex_vvvv >= 8 || o->reg >= 8)) || ((f & KREG) && o->reg >= 8))
        return false;
    if ((f & O64) && (mode != X86_MODE_LONG64 || (reg_form && o->rm >= 8 && o->opcode != 0x49)))
        return false; /* AMX: 64-bit mode, tiles 0-7 (TILEZERO/TILERELEASE have no rm operand) */
    if (o->map == X86_MAP_0F38 && o->opcode >= 0x90 && o->opcode <= 0x93 &&
        (o->reg == o->mem_index || o->reg == o->vex_vvvv || o->mem_index == o->vex_vvvv))
        return false; /* gathers: destination, index and mask must differ */
    if (o->map == X86_MAP_0F38 && (o->opcode == 0x5C || o->opcode == 0x5E) &&
        (o->reg == o->rm || o->reg == o->vex_vvvv || o->rm == o->vex_vvvv))
        return false; /* tile dot products: three different tiles */
    if ((f & GR) && !group_ok(o))
        return false;
    return true;
}
