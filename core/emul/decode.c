/* SPDX-License-Identifier: Apache-2.0 */
/*
 * x86_decode: prefixes, REX/VEX/EVEX, opcode, ModRM/SIB, displacement and
 * immediate, then the validity rules (SDM Vol. 2 chapter 2 and Appendix A).
 * The opcode maps are tables (decode_tables.c); this file holds the format
 * logic and the few irregular groups; VEX validity is decode_vex.c, EVEX
 * disp8*N decode_evex.c. One pass over at most 15 bytes.
 */
#include "decode_evex.h"
#include "decode_tables.h"
#include "decode_vex.h"
#include "vmm/x86_insn.h"

/* Reads an n-byte little-endian value (n <= 8). */
static inline uint64_t read_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

static inline int64_t sign_extend(uint64_t v, unsigned bytes)
{
    unsigned shift = 64u - 8u * bytes;
    return bytes >= 8 ? (int64_t)v : (int64_t)(v << shift) >> shift;
}

/* The bytes ended at `p`: past 15 it is #GP, before that the input was short. */
static enum x86_decode_status ran_out(struct x86_insn *o, size_t p, size_t lim)
{
    o->len = (uint8_t)p;
    return lim >= X86_MAX_INSN_LEN ? X86_DECODE_GP : X86_DECODE_TRUNCATED;
}

static const uint8_t base16[8] = {X86_RBX, X86_RBX, X86_RBP, X86_RBP,
                                  X86_RSI, X86_RDI, X86_RBP, X86_RBX};
static const uint8_t index16[8] = {X86_RSI, X86_RDI, X86_RSI, X86_RDI,
                                   X86_REG_NONE, X86_REG_NONE, X86_REG_NONE, X86_REG_NONE};

/* VSIB (gathers/scatters): the SIB index is a vector register, never "none". */
static bool is_vsib(const struct x86_insn *o)
{
    if (o->encoding == X86_ENC_LEGACY || o->map != X86_MAP_0F38)
        return false;
    uint8_t op = o->opcode;
    return (op >= 0x90 && op <= 0x93) ||
           (o->encoding == X86_ENC_EVEX && ((op >= 0xA0 && op <= 0xA3) || op == 0xC6 || op == 0xC7));
}

/* LOCK is allowed on this opcode with ModRM.reg = reg (memory destination checked by the caller). */
static bool lockable(uint8_t map, uint8_t op, uint8_t reg, uint32_t attr)
{
    if (attr & DA_LK)
        return true;
    if (!(attr & DA_LKG))
        return false;
    reg &= 7;
    if (map == X86_MAP_PRIMARY) {
        if (op >= 0x80 && op <= 0x83)
            return reg != 7;
        if (op == 0xF6 || op == 0xF7)
            return reg == 2 || reg == 3;
        return reg <= 1; /* FE, FF: INC, DEC */
    }
    if (op == 0xBA)
        return reg >= 5; /* BTS, BTR, BTC */
    return reg == 1;     /* 0F C7 /1: CMPXCHG8B/16B */
}

/* 0, 66, F3, F2 as 0..3 (the DA_P_* and prefix-mask bit order). */
static unsigned prefix_index(uint8_t mand)
{
    return mand == 0 ? 0 : mand == 0x66 ? 1 : mand == 0xF3 ? 2 : 3;
}

/* Group 7 register forms that exist only in 64-bit mode: SWAPGS, the SEAM ones (66 0F 01 CD-CF),
 * the user-interrupt ones (F3 0F 01 EC-EF), the SEV-SNP ones (F3/F2 0F 01 FE/FF) but PVALIDATE. */
static bool grp7_64bit_only(uint8_t modrm, uint8_t mand)
{
    return modrm == 0xF8 || (mand == 0x66 && modrm >= 0xCD && modrm <= 0xCF) ||
           (mand == 0xF3 && modrm >= 0xEC && modrm <= 0xEF) ||
           ((mand == 0xF3 || mand == 0xF2) && modrm >= 0xFE && !(mand == 0xF2 && modrm == 0xFF));
}

/* The irregular groups: true if this ModRM form exists. */
static bool group_valid(const struct x86_insn *o, enum x86_mode mode)
{
    const uint8_t r = (uint8_t)((o->modrm >> 3) & 7);
    const bool reg_form = o->mod == 3;
    const uint8_t mand = o->mandatory;
    if (o->map == X86_MAP_PRIMARY) {
        switch (o->opcode) {
        case 0x8C: return r <= 5;            /* MOV r/m, Sreg */
        case 0x8E: return r <= 5 && r != 1;  /* MOV Sreg, r/m: not CS */
        case 0x8F: return r == 0;            /* POP r/m (XOP is AMD's, not decoded) */
        case 0xC6:
        case 0xC7: return r == 0 || o->modrm == 0xF8; /* MOV, XABORT / XBEGIN */
        case 0xFE: return r <= 1;
        case 0xFF: return r != 7 && !(reg_form && (r == 3 || r == 5)); /* far forms need memory */
        default: /* D8-DF: x87 */
            if (reg_form)
                return (decode_x87_reg_ok[o->opcode - 0xD8] >> (o->modrm - 0xC0)) & 1;
            switch (o->opcode) {
            case 0xD9: return r != 1;
            case 0xDB: return r != 4 && r != 6;
            case 0xDD: return r != 5;
            default: return true;
            }
        }
    }
    if (o->map == X86_MAP_0F38) {
        switch (o->opcode) {
        case 0xD8: return r <= 3;                        /* AESENCWIDE128KL .. AESDECWIDE256KL */
        case 0xF6: return !(mand == 0 && reg_form);      /* WRSS needs memory */
        case 0xF0: case 0xF1: return !(mand != 0xF2 && reg_form); /* MOVBE needs memory, CRC32 not */
        case 0xDC: return true;                          /* AESENC / LOADIWKEY (F3, registers) */
        default: return !(mand == 0xF3 && reg_form);     /* DD-DF: Key Locker needs memory */
        }
    }
    switch (o->opcode) {
    case 0x00: return r <= 5; /* SLDT, STR, LLDT, LTR, VERR, VERW */
    case 0x01:
        if (reg_form)
            return ((decode_grp7_reg_pfx[o->modrm - 0xC0] >> prefix_index(mand)) & 1) &&
                   (mode == X86_MODE_LONG64 || !grp7_64bit_only(o->modrm, mand));
        return r != 5 || mand == 0xF3;                             /* RSTORSSP */
    case 0x12:
    case 0x16: return !(mand == 0x66 && reg_form); /* MOVLPD / MOVHPD need memory */
    case 0x20:
    case 0x22: { /* MOV CR: CR0, CR2, CR3, CR4, CR8 (64-bit, REX.R) */
        uint8_t cr = o->reg;
        return cr == 0 || cr == 2 || cr == 3 || cr == 4 || cr == 8;
    }
    case 0x21:
    case 0x23: return o->reg <= 7; /* MOV DR: DR0-DR7 */
    case 0x71:
    case 0x72: return r == 2 || r == 4 || r == 6;
    case 0x73: return r == 2 || r == 6 || ((r == 3 || r == 7) && mand == 0x66);
    case 0x78: /* VMREAD; AMD EXTRQ / INSERTQ with ib, ib */
    case 0x79: return mand == 0 || ((mand == 0x66 || mand == 0xF2) && reg_form &&
                                    (o->opcode == 0x79 || mand == 0xF2 || r == 0));
    case 0xAE:
        if (!reg_form)
            return mand == 0 || (mand == 0x66 && r >= 6) || (mand == 0xF3 && (r == 4 || r == 6));
        switch (mand) {
        case 0: return r >= 5; /* LFENCE, MFENCE, SFENCE */
        case 0xF3: return (r <= 3 && mode == X86_MODE_LONG64) || r == 4 || r == 5 || r == 6;
        default: return r == 6; /* TPAUSE, UMWAIT */
        }
    case 0xBA: return r >= 4;
    case 0xC7:
        if (reg_form)
            return (r >= 6 && mand != 0xF2 && mand != 0xF3) ||         /* RDRAND, RDSEED */
                   (r == 6 && mand == 0xF3 && mode == X86_MODE_LONG64) || /* SENDUIPI */
                   (r == 7 && mand == 0xF3);                             /* RDPID */
        switch (r) {
        case 1: return true;
        case 3: case 4: case 5: return mand == 0;
        case 6: return mand == 0 || mand == 0x66 || mand == 0xF3;
        case 7: return mand == 0;
        default: return false;
        }
    case 0xD6: return mand == 0x66 || reg_form; /* MOVQ; MOVDQ2Q / MOVQ2DQ need registers */
    default: return true;
    }
}

/* ARPL, LAR, LSL and group 6 (SLDT .. VERW) do not exist in real-address and virtual-8086 mode. */
static bool protected_mode_only(const struct x86_insn *o)
{
    if (o->map == X86_MAP_PRIMARY)
        return o->opcode == 0x63;
    return o->map == X86_MAP_0F && o->opcode <= 0x03 && o->opcode != 0x01;
}

static uint8_t compute_opsize(uint32_t attr, enum x86_mode mode, bool opsize_pfx, uint8_t rex)
{
    if (mode == X86_MODE_LONG64) {
        if (attr & DA_F64)
            return 8;
        if (rex & 8)
            return 8;
        if (opsize_pfx)
            return 2;
        return (attr & DA_D64) ? 8 : 4;
    }
    return ((mode != X86_MODE_PROT32) != opsize_pfx) ? 2 : 4;
}

/* Immediate size in bytes (and imm2, ENTER's and far pointers' second part). */
static unsigned imm_size(uint32_t attr, const struct x86_insn *o, unsigned *imm2)
{
    *imm2 = 0;
    switch (attr & DA_IMM_MASK) {
    case IMM_B: return 1;
    case IMM_W: return 2;
    case IMM_Z: return o->opsize == 2 ? 2 : 4;
    case IMM_V: return o->opsize;
    case IMM_ENTER: *imm2 = 1; return 2;
    case IMM_FAR: *imm2 = 2; return o->opsize == 2 ? 2 : 4;
    case IMM_G3B: return ((o->modrm >> 3) & 7) <= 1 ? 1 : 0;
    case IMM_G3Z: return ((o->modrm >> 3) & 7) <= 1 ? (o->opsize == 2 ? 2 : 4) : 0;
    case IMM_3DNOW: return 1;
    default: return 0;
    }
}

/* Immediates that are unsigned: port and vector numbers, RET/ENTER counts. */
static bool imm_unsigned(const struct x86_insn *o)
{
    if (o->map != X86_MAP_PRIMARY || o->encoding != X86_ENC_LEGACY)
        return o->map == X86_MAP_0F && o->opcode == 0x0F;
    switch (o->opcode) {
    case 0xC2: case 0xCA: case 0xC8: case 0xCD: case 0xE4: case 0xE5: case 0xE6: case 0xE7:
    case 0xD4: case 0xD5:
        return true;
    default:
        return false;
    }
}

const char *x86_decode_status_name(enum x86_decode_status s)
{
    switch (s) {
    case X86_DECODE_OK: return "ok";
    case X86_DECODE_TRUNCATED: return "truncated";
    case X86_DECODE_UD: return "#UD";
    case X86_DECODE_GP: return "#GP";
    }
    return "?";
}

/* The next n bytes must exist (at most 15 in all). */
#define NEED(n)                                                                                    \
    do {                                                                                           \
        if (p + (n) > lim)                                                                         \
            return ran_out(o, p, lim);                                                             \
    } while (0)

enum x86_decode_status x86_decode(const uint8_t *bytes, size_t avail, enum x86_mode mode,
                                  struct x86_insn *o)
{
    const size_t lim = avail < X86_MAX_INSN_LEN ? avail : X86_MAX_INSN_LEN;
    const bool m64 = mode == X86_MODE_LONG64;
    size_t p = 0;
    uint8_t seg_override = X86_SEG_COUNT;
    uint8_t rex = 0;
    bool ud = false;

    *o = (struct x86_insn){.mem_base = X86_REG_NONE, .mem_index = X86_REG_NONE, .mem_scale = 1,
                             .disp_scale = 1};

    /* Legacy prefixes, any order and repetition; a REX counts only right before the opcode. */
    for (;; p++) {
        NEED(1);
        uint8_t c = bytes[p];
        switch (c) {
        case 0x26: case 0x2E: case 0x36: case 0x3E:
            if (!m64) /* null prefixes in 64-bit mode: they do not undo an FS/GS override */
                seg_override = (uint8_t)((c >> 3) & 3);
            o->prefixes |= X86_PFX_SEG;
            break;
        case 0x64: case 0x65:
            seg_override = (uint8_t)(c - 0x64 + X86_FS);
            o->prefixes |= X86_PFX_SEG;
            break;
        case 0x66: o->prefixes |= X86_PFX_OPSIZE; break;
        case 0x67: o->prefixes |= X86_PFX_ADSIZE; break;
        case 0xF0: o->prefixes |= X86_PFX_LOCK; break;
        case 0xF2: o->prefixes |= X86_PFX_REPNE; o->last_rep = c; break;
        case 0xF3: o->prefixes |= X86_PFX_REP; o->last_rep = c; break;
        default:
            if (m64 && (c & 0xF0) == 0x40) {
                rex = c;
                continue;
            }
            goto opcode;
        }
        rex = 0;
    }
opcode:;
    const bool opsize_pfx = o->prefixes & X86_PFX_OPSIZE;
    const bool adsize_pfx = o->prefixes & X86_PFX_ADSIZE;
    uint8_t op = bytes[p++];
    uint32_t attr;
    uint8_t ext_r = 0, ext_x = 0, ext_b = 0, ext_r2 = 0, ext_v2 = 0; /* register extensions */
    uint8_t raw_vvvv = 0; /* VEX/EVEX.vvvv as encoded (un-inverted, 4 bits) */
    bool evex_v_high = false; /* EVEX.V' set (inverted bit clear), whatever the mode */

    if (m64)
        o->addrsize = adsize_pfx ? 4 : 8;
    else
        o->addrsize = ((mode == X86_MODE_PROT32) != adsize_pfx) ? 4 : 2;

    const bool vex_possible = mode == X86_MODE_PROT16 || mode == X86_MODE_PROT32 || m64;
    bool vex = false;
    if ((op == 0xC4 || op == 0xC5 || op == 0x62) && vex_possible) {
        NEED(1); /* outside 64-bit mode, ModRM.mod = 3 tells VEX/EVEX from LES/LDS/BOUND */
        vex = m64 || bytes[p] >= 0xC0;
    }
    if (vex) {
        /* VEX / EVEX: a prefix before it other than segment / 67 is #UD. */
        if (rex || (o->prefixes & (X86_PFX_OPSIZE | X86_PFX_LOCK | X86_PFX_REP | X86_PFX_REPNE)))
            ud = true;
        uint8_t p0 = bytes[p], p1, map, pp, vvvv, w, l;
        if (op == 0xC5) {
            p++;
            o->encoding = X86_ENC_VEX;
            ext_r = !(p0 & 0x80);
            map = 1;
            w = 0;
            vvvv = (uint8_t)(~p0 >> 3) & 15;
            l = (p0 >> 2) & 1;
            pp = p0 & 3;
        } else if (op == 0xC4) {
            NEED(2);
            p1 = bytes[p + 1];
            p += 2;
            o->encoding = X86_ENC_VEX;
            ext_r = !(p0 & 0x80);
            ext_x = !(p0 & 0x40);
            ext_b = !(p0 & 0x20);
            map = p0 & 0x1F;
            w = p1 >> 7;
            vvvv = (uint8_t)(~p1 >> 3) & 15;
            l = (p1 >> 2) & 1;
            pp = p1 & 3;
            if (map == 0 || map > 3)
                ud = true;
        } else {
            NEED(3);
            p1 = bytes[p + 1];
            uint8_t p2 = bytes[p + 2];
            p += 3;
            o->encoding = X86_ENC_EVEX;
            ext_r = !(p0 & 0x80);
            ext_x = !(p0 & 0x40);
            ext_b = !(p0 & 0x20);
            ext_r2 = !(p0 & 0x10);
            map = p0 & 7;
            w = p1 >> 7;
            vvvv = (uint8_t)(~p1 >> 3) & 15;
            pp = p1 & 3;
            l = (p2 >> 5) & 3;
            ext_v2 = !(p2 & 0x08);
            evex_v_high = ext_v2;
            o->evex_z = p2 >> 7;
            o->evex_b = (p2 >> 4) & 1;
            o->evex_aaa = p2 & 7;
            if ((p0 & 0x08) || !(p1 & 0x04) || map == 0 || map == 4 || map == 7)
                ud = true;
        }
        raw_vvvv = vvvv;
        if (!m64) { /* the extensions do not exist outside 64-bit mode */
            ext_r = ext_x = ext_b = ext_r2 = ext_v2 = 0;
            vvvv &= 7;
        }
        static const uint8_t pp_prefix[4] = {0, 0x66, 0xF3, 0xF2};
        o->mandatory = pp_prefix[pp];
        o->map = map;
        o->vex_w = w;
        o->vex_l = l;
        o->vex_vvvv = (uint8_t)(vvvv | ext_v2 << 4);
        o->opsize = (m64 && w) ? 8 : 4;
        NEED(1);
        op = bytes[p++];
        o->opcode = op;
        bool has_modrm = !(o->encoding == X86_ENC_VEX && map == 1 && op == 0x77);
        unsigned isz = 0;
        if (map == 3 || (map == 1 && ((op >= 0x70 && op <= 0x73) || op == 0xC2 ||
                                      (op >= 0xC4 && op <= 0xC6))))
            isz = 1;
        attr = (has_modrm ? DA_M : 0) | (isz ? IMM_B : 0);
    } else {
        o->mandatory = 0;
        const uint32_t *tab = decode_tab_primary;
        if (op == 0x0F) {
            NEED(1);
            op = bytes[p++];
            if (op == 0x38 || op == 0x3A) {
                o->map = op == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
                tab = op == 0x38 ? decode_tab_0f38 : decode_tab_0f3a;
                NEED(1);
                op = bytes[p++];
            } else {
                o->map = X86_MAP_0F;
                tab = decode_tab_0f;
            }
            o->mandatory = o->last_rep ? o->last_rep : (opsize_pfx ? 0x66 : 0);
        }
        o->opcode = op;
        o->rex = rex;
        ext_r = (rex >> 2) & 1;
        ext_x = (rex >> 1) & 1;
        ext_b = rex & 1;
        attr = tab[op];
    }

    /* ModRM, SIB, displacement. */
    if (attr & DA_M) {
        NEED(1);
        uint8_t m = bytes[p++];
        o->has_modrm = true;
        o->modrm = m;
        o->mod = (attr & DA_MREG) ? 3 : m >> 6;
        o->reg = (uint8_t)(((m >> 3) & 7) | ext_r << 3 | ext_r2 << 4);
        const uint8_t rm = m & 7;
        if (o->mod == 3) {
            o->rm = (uint8_t)(rm | ext_b << 3 | (o->encoding == X86_ENC_EVEX ? ext_x << 4 : 0));
        } else {
            o->rm = rm;
            o->has_mem = true;
            unsigned dsz;
            if (o->addrsize == 2) {
                if (o->mod == 0 && rm == 6) {
                    dsz = 2;
                } else {
                    o->mem_base = base16[rm];
                    o->mem_index = index16[rm];
                    dsz = o->mod; /* 0, 1 or 2 bytes */
                }
            } else {
                dsz = o->mod == 1 ? 1 : o->mod == 2 ? 4 : 0;
                if (rm == 4) {
                    NEED(1);
                    uint8_t sib = bytes[p++];
                    o->has_sib = true;
                    o->sib = sib;
                    o->mem_scale = (uint8_t)(1u << (sib >> 6));
                    uint8_t idx = (uint8_t)(((sib >> 3) & 7) | ext_x << 3);
                    if (is_vsib(o))
                        o->mem_index = (uint8_t)(idx | ext_v2 << 4);
                    else if (idx != X86_RSP)
                        o->mem_index = idx;
                    if ((sib & 7) == 5 && o->mod == 0)
                        dsz = 4;
                    else
                        o->mem_base = (uint8_t)((sib & 7) | ext_b << 3);
                } else if (rm == 5 && o->mod == 0) {
                    o->mem_base = m64 ? X86_REG_RIP : X86_REG_NONE;
                    dsz = 4;
                } else {
                    o->mem_base = (uint8_t)(rm | ext_b << 3);
                }
            }
            if (dsz) {
                NEED(dsz);
                o->disp_offset = (uint8_t)p;
                o->disp_size = (uint8_t)dsz;
                o->disp = sign_extend(read_le(bytes + p, dsz), dsz);
                p += dsz;
                if (o->encoding == X86_ENC_EVEX && dsz == 1) {
                    o->disp_scale = decode_evex_disp8_n(o);
                    if (o->disp_scale)
                        o->disp *= o->disp_scale;
                }
            }
        }
        if (o->mem_index == X86_REG_NONE)
            o->mem_scale = 1; /* a SIB scale without an index means nothing */
    } else if ((attr & DA_IMM_MASK) == IMM_MOFFS) {
        unsigned dsz = o->addrsize;
        NEED(dsz);
        o->has_mem = true;
        o->disp_offset = (uint8_t)p;
        o->disp_size = (uint8_t)dsz;
        o->disp = (int64_t)read_le(bytes + p, dsz);
        p += dsz;
    }

    /* Operand size: FF /2 /4 are near branches, FF /6 a push. */
    if (o->encoding == X86_ENC_LEGACY) {
        if (o->map == X86_MAP_PRIMARY && op == 0xFF) {
            uint8_t r = (o->modrm >> 3) & 7;
            attr |= (r == 2 || r == 4) ? DA_F64 : r == 6 ? DA_D64 : 0;
        }
        bool sizing_66 = opsize_pfx && !((attr & DA_SSE) && o->mandatory == 0x66);
        o->opsize = compute_opsize(attr, mode, sizing_66, rex);
    }

    /* Immediates. */
    unsigned imm2;
    unsigned isz = imm_size(attr, o, &imm2);
    if (o->map == X86_MAP_0F && op == 0x78 && o->encoding == X86_ENC_LEGACY &&
        (o->mandatory == 0x66 || o->mandatory == 0xF2)) {
        isz = 1; /* EXTRQ / INSERTQ: ib, ib */
        imm2 = 1;
    }
    if (isz) {
        NEED(isz + imm2);
        o->imm_offset = (uint8_t)p;
        o->imm_size = (uint8_t)isz;
        uint64_t v = read_le(bytes + p, isz);
        o->imm = imm_unsigned(o) ? v : (uint64_t)sign_extend(v, isz);
        p += isz;
        if (imm2) {
            o->imm2 = (uint16_t)read_le(bytes + p, imm2);
            o->imm2_size = (uint8_t)imm2;
            p += imm2;
        }
    }
    o->len = (uint8_t)p;

    /* The memory operand's segment: the last override (64-bit mode: the last FS or GS one),
     * else SS for rSP/rBP bases, else DS. */
    if (seg_override != X86_SEG_COUNT)
        o->seg = seg_override;
    else
        o->seg = (o->mem_base == X86_RSP || o->mem_base == X86_RBP) ? X86_SS : X86_DS;

    /* Validity. */
    if (ud || (attr & DA_UD) || (m64 && (attr & DA_I64)))
        return X86_DECODE_UD;
    if (o->has_modrm && (((attr & DA_MEM) && o->mod == 3) || ((attr & DA_REG) && o->mod != 3)))
        return X86_DECODE_UD;
    if (o->encoding != X86_ENC_LEGACY) {
        if (is_vsib(o) && (o->mod == 3 || (o->modrm & 7) != 4 || o->addrsize == 2))
            return X86_DECODE_UD; /* VSIB needs a SIB byte: no register form, no 16-bit addressing */
        if (o->encoding == X86_ENC_VEX && !decode_vex_valid(o, raw_vvvv, mode))
            return X86_DECODE_UD;
        /* EVEX.L'L = 11b is reserved unless EVEX.b turns it into rounding control (register
         * forms); SDM "EVEX Embedded Broadcast/Rounding/SAE and Vector Length". */
        if (o->encoding == X86_ENC_EVEX && o->vex_l == 3 && !(o->evex_b && o->mod == 3))
            return X86_DECODE_UD;
        /* Zeroing needs an opmask: EVEX.z = 1 with k0 is #UD (Intel's XED rejects it as
         * "EVEX.Z without masking"; Zydis agrees). */
        if (o->encoding == X86_ENC_EVEX && o->evex_z && o->evex_aaa == 0)
            return X86_DECODE_UD;
        /* Outside 64-bit mode there are 8 vector registers: EVEX.V' must stay 1 (inverted). */
        if (o->encoding == X86_ENC_EVEX && !m64 && evex_v_high)
            return X86_DECODE_UD;
        return X86_DECODE_OK;
    }
    if (attr & DA_P_MASK) {
        if (!((attr >> 16) & (1u << prefix_index(o->mandatory))))
            return X86_DECODE_UD;
    }
    if ((mode == X86_MODE_REAL || mode == X86_MODE_VM86) && protected_mode_only(o))
        return X86_DECODE_UD;
    if (attr & DA_GRP) {
        if (!group_valid(o, mode))
            return X86_DECODE_UD;
    } else if (o->map == X86_MAP_0F && op == 0x0F) {
        if (!((decode_3dnow_ok[o->imm >> 6] >> (o->imm & 63)) & 1))
            return X86_DECODE_UD;
    }
    if ((o->prefixes & X86_PFX_LOCK) &&
        !(o->has_mem && lockable(o->map, op, o->reg, attr)))
        return X86_DECODE_UD;
    return X86_DECODE_OK;
}
