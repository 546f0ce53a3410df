/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decoder's opcode maps (SDM Vol. 2 Appendix A, Tables ),
 * laid out as the SDM prints them: one row per high nibble, one column per
 * low nibble. Prefix bytes and escapes (0F, 0F 38, 0F 3A, C4/C5/62 in
 * their VEX/EVEX roles) never reach a lookup; their cells are 0.
 */
#include "decode_tables.h"

/* Cell shorthands, local to the tables. */
#define __ 0u
#define M_ DA_M
#define MB (DA_M | IMM_B)
#define MZ (DA_M | IMM_Z)
#define IB IMM_B
#define IW IMM_W
#define IZ IMM_Z
#define UD DA_UD
#define X6 DA_I64
#define D6 DA_D64
#define F6 DA_F64
#define LK (DA_M | DA_LK)
#define LG DA_LKG
#define GR DA_GRP
#define ME DA_MEM
#define RE DA_REG
#define BR (IMM_B | DA_F64)       /* jump with rel8 */
#define BZ (IMM_Z | DA_F64)       /* jump / call with rel16/32 */
#define PS (DA_SSE | DA_P_NP | DA_P_66) /* packed single / packed double or MMX / SSE2 */
#define P66 (DA_SSE | DA_P_66)
#define PALL DA_SSE /* all four forms exist */
#define P(m) (DA_SSE | (m))
#define NP DA_P_NP
#define O66 DA_P_66
#define OF3 DA_P_F3
#define OF2 DA_P_F2

const uint32_t decode_tab_primary[256] = {
    /* 0 */ LK, LK, M_, M_, IB, IZ, X6, X6, LK, LK, M_, M_, IB, IZ, X6, __,
    /* 1 */ LK, LK, M_, M_, IB, IZ, X6, X6, LK, LK, M_, M_, IB, IZ, X6, X6,
    /* 2 */ LK, LK, M_, M_, IB, IZ, __, X6, LK, LK, M_, M_, IB, IZ, __, X6,
    /* 3 */ LK, LK, M_, M_, IB, IZ, __, X6, M_, M_, M_, M_, IB, IZ, __, X6,
    /* 4 */ __, __, __, __, __, __, __, __, __, __, __, __, __, __, __, __,
    /* 5 */ D6, D6, D6, D6, D6, D6, D6, D6, D6, D6, D6, D6, D6, D6, D6, D6,
    /* 6 */ X6, X6, M_ | ME | X6, M_, __, __, __, __, IZ | D6, MZ, IB | D6, MB, __, __, __, __,
    /* 7 */ BR, BR, BR, BR, BR, BR, BR, BR, BR, BR, BR, BR, BR, BR, BR, BR,
    /* 8 */ MB | LG, MZ | LG, MB | LG | X6, MB | LG, M_, M_, LK, LK,
            M_, M_, M_, M_, M_ | GR, M_ | ME, M_ | GR, M_ | GR | D6,
    /* 9 */ __, __, __, __, __, __, __, __, __, __, IMM_FAR | X6, __, D6, D6, __, __,
    /* A */ IMM_MOFFS, IMM_MOFFS, IMM_MOFFS, IMM_MOFFS, __, __, __, __, IB, IZ, __, __, __, __, __, __,
    /* B */ IB, IB, IB, IB, IB, IB, IB, IB,
            IMM_V, IMM_V, IMM_V, IMM_V, IMM_V, IMM_V, IMM_V, IMM_V,
    /* C */ MB, MB, IW | F6, F6, M_ | ME | X6, M_ | ME | X6, MB | GR, MZ | GR,
            IMM_ENTER | D6, D6, IW, __, __, IB, X6, __,
    /* D */ M_, M_, M_, M_, IB | X6, IB | X6, X6, __,
            M_ | GR, M_ | GR, M_ | GR, M_ | GR, M_ | GR, M_ | GR, M_ | GR, M_ | GR,
    /* E */ BR, BR, BR, BR, IB, IB, IB, IB, BZ, BZ, IMM_FAR | X6, BR, __, __, __, __,
    /* F */ __, __, __, __, __, __, M_ | IMM_G3B | LG, M_ | IMM_G3Z | LG,
            __, __, __, __, __, __, M_ | LG | GR, M_ | LG | GR,
};

const uint32_t decode_tab_0f[256] = {
    /* 0 */ M_ | GR, M_ | GR, M_, M_, UD, __, __, __, __, __, UD, UD, UD, M_, __, M_ | IMM_3DNOW,
    /* 1 */ M_ | PALL, M_ | PALL, M_ | GR | PALL, M_ | ME | PS, M_ | PS, M_ | PS, M_ | GR | P(NP | O66 | OF3),
            M_ | ME | PS, M_, M_, M_, M_, M_, M_, M_, M_,
    /* 2 */ M_ | DA_MREG | F6 | GR, M_ | DA_MREG | F6 | GR, M_ | DA_MREG | F6 | GR,
            M_ | DA_MREG | F6 | GR, UD, UD, UD, UD,
            M_ | PS, M_ | PS, M_ | PALL, M_ | ME | PALL, M_ | PALL, M_ | PALL, M_ | PS, M_ | PS,
    /* 3 */ __, __, __, __, __, __, UD, NP, __, UD, __, UD, UD, UD, UD, UD,
    /* 4 */ M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_,
    /* 5 */ M_ | RE | PS, M_ | PALL, M_ | P(NP | OF3), M_ | P(NP | OF3),
            M_ | PS, M_ | PS, M_ | PS, M_ | PS,
            M_ | PALL, M_ | PALL, M_ | PALL, M_ | P(NP | O66 | OF3),
            M_ | PALL, M_ | PALL, M_ | PALL, M_ | PALL,
    /* 6 */ M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS,
            M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | P66, M_ | P66, M_ | PS, M_ | P(NP | O66 | OF3),
    /* 7 */ MB | PALL, MB | RE | GR | PS, MB | RE | GR | PS, MB | RE | GR | PS,
            M_ | PS, M_ | PS, M_ | PS, DA_SSE | NP,
            M_ | F6 | GR, M_ | F6 | GR, UD, UD,
            M_ | P(O66 | OF2), M_ | P(O66 | OF2), M_ | P(NP | O66 | OF3), M_ | P(NP | O66 | OF3),
    /* 8 */ BZ, BZ, BZ, BZ, BZ, BZ, BZ, BZ, BZ, BZ, BZ, BZ, BZ, BZ, BZ, BZ,
    /* 9 */ M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_, M_,
    /* A */ D6, D6, __, M_, MB, M_, UD, UD, D6, D6, __, LK, MB, M_, M_ | GR, M_,
    /* B */ LK, LK, M_ | ME, LK, M_ | ME, M_ | ME, M_, M_,
            M_ | OF3, M_ | UD, MB | LG | GR, LK, M_, M_, M_, M_,
    /* C */ LK, LK, MB | PALL, M_ | ME | P(NP), MB | PS, MB | RE | PS, MB | PS, M_ | LG | GR,
            __, __, __, __, __, __, __, __,
    /* D */ M_ | P(O66 | OF2), M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS,
            M_ | GR | P(O66 | OF3 | OF2), M_ | RE | PS,
            M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS,
    /* E */ M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | P(O66 | OF3 | OF2), M_ | ME | PS,
            M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS,
    /* F */ M_ | ME | P(OF2), M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | RE | PS,
            M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | UD,
};

/* 0F 38: SSSE3/SSE4, VMX/PCID invalidations, SHA, AES, Key Locker, MOVBE/CRC32, ADX, CET, MOVDIR. */
#define U UD
#define S66 (M_ | P66)
const uint32_t decode_tab_0f38[256] = {
    /* 0 */ M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS, M_ | PS,
            M_ | PS, M_ | PS, M_ | PS, M_ | PS, U, U, U, U,
    /* 1 */ S66, U, U, U, S66, S66, U, S66, U, U, U, U, M_ | PS, M_ | PS, M_ | PS, U,
    /* 2 */ S66, S66, S66, S66, S66, S66, U, U, S66, S66, S66 | ME, S66, U, U, U, U,
    /* 3 */ S66, S66, S66, S66, S66, S66, U, S66, S66, S66, S66, S66, S66, S66, S66, S66,
    /* 4 */ S66, S66, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* 5 */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* 6 */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* 7 */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* 8 */ M_ | ME | F6 | O66, M_ | ME | F6 | O66, M_ | ME | F6 | O66, U, U, U, U, U,
            U, U, U, U, U, U, U, U,
    /* 9 */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* A */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* B */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* C */ U, U, U, U, U, U, U, U, M_ | P(NP), M_ | P(NP), M_ | P(NP), M_ | P(NP),
            M_ | P(NP), M_ | P(NP), U, S66,
    /* D */ U, U, U, U, U, U, U, U, M_ | ME | GR | P(OF3), U, U, S66,
            M_ | GR | P(O66 | OF3), M_ | GR | P(O66 | OF3), M_ | GR | P(O66 | OF3), M_ | GR | P(O66 | OF3),
    /* E */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* F */ M_ | GR | NP | O66 | OF2, M_ | GR | NP | O66 | OF2, U, U, U, M_ | ME | O66,
            M_ | GR | NP | O66 | OF3, U,
            M_ | ME | O66 | OF2 | OF3, M_ | ME | NP, M_ | RE | OF3, M_ | RE | OF3, U, U, U, U,
};

/* 0F 3A: every opcode takes ModRM and an ib. */
#define T66 (MB | P66)
const uint32_t decode_tab_0f3a[256] = {
    /* 0 */ U, U, U, U, U, U, U, U, T66, T66, T66, T66, T66, T66, T66, MB | PS,
    /* 1 */ U, U, U, U, T66, T66, T66, T66, U, U, U, U, U, U, U, U,
    /* 2 */ T66, T66, T66, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* 3 */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* 4 */ T66, T66, T66, U, T66, U, U, U, U, U, U, U, U, U, U, U,
    /* 5 */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* 6 */ T66, T66, T66, T66, U, U, U, U, U, U, U, U, U, U, U, U,
    /* 7 */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* 8 */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* 9 */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* A */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* B */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* C */ U, U, U, U, U, U, U, U, U, U, U, U, MB | P(NP), U, T66, T66,
    /* D */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, T66,
    /* E */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* F */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
};

/* Bit n set: ModRM C0+n is a valid register form. */
#define BITS(first, last) ((~0ull >> (63 - ((last) - (first)))) << (first))
#define AT(modrm) (1ull << ((modrm) - 0xC0))
#define RANGE(a, b) BITS((a) - 0xC0, (b) - 0xC0)

const uint64_t decode_x87_reg_ok[8] = {
    /* D8 */ ~0ull,
    /* D9: FLD, FXCH, FNOP, FSTP1 (reserved alias), FCHS..FXAM, constants, F0-FF */
    RANGE(0xC0, 0xD0) | RANGE(0xD8, 0xE1) | RANGE(0xE4, 0xE5) | RANGE(0xE8, 0xEE) | RANGE(0xF0, 0xFF),
    /* DA: FCMOVcc, FUCOMPP */
    RANGE(0xC0, 0xDF) | AT(0xE9),
    /* DB: FCMOVNcc, FNENI/FNDISI/FNCLEX/FNINIT/FNSETPM, FUCOMI, FCOMI */
    RANGE(0xC0, 0xDF) | RANGE(0xE0, 0xE4) | RANGE(0xE8, 0xF7),
    /* DC */ ~0ull,
    /* DD: FFREE, FXCH4, FST, FSTP, FUCOM, FUCOMP */
    RANGE(0xC0, 0xEF),
    /* DE: FADDP, FMULP, FCOMP5, FCOMPP, FSUB(R)P, FDIV(R)P */
    RANGE(0xC0, 0xD7) | AT(0xD9) | RANGE(0xE0, 0xFF),
    /* DF: FFREEP, FXCH7, FSTP8/9, FNSTSW AX, FUCOMIP, FCOMIP */
    RANGE(0xC0, 0xDF) | AT(0xE0) | RANGE(0xE8, 0xF7),
};

/*
 * 0F 01 register forms (ModRM C0-FF): the mandatory prefixes each accepts
 * (bit 0 none, 1 66, 2 F3, 3 F2; 0: no instruction). The SDM marks most
 * of them NP; the TDX ones take 66, the CET/UINTR ones F3, TSXLDTRK F2;
 * SMSW, LMSW, SWAPGS, RDTSCP and the SVM group ignore prefixes.
 */
#define NPx 1u
#define X66 2u
#define XF3 4u
#define XF2 8u
#define ANY 15u
const uint8_t decode_grp7_reg_pfx[64] = {
    /* C0 ENCLV VMCALL VMLAUNCH VMRESUME VMXOFF PCONFIG - - */
    NPx, NPx, NPx, NPx, NPx, NPx, 0, 0,
    /* C8 MONITOR MWAIT CLAC STAC TDCALL SEAMRET SEAMOPS ENCLS/SEAMCALL */
    NPx, NPx, NPx, NPx, X66, X66, X66, NPx | X66,
    /* D0 XGETBV XSETBV - - VMFUNC XEND XTEST ENCLU */
    NPx, NPx, 0, 0, NPx, NPx, NPx, NPx,
    /* D8 VMRUN VMMCALL VMLOAD VMSAVE STGI CLGI SKINIT INVLPGA */
    ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY,
    /* E0 SMSW */
    ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY,
    /* E8 SERIALIZE/SETSSBSY/XSUSLDTRK XRESLDTRK SAVEPREVSSP - UIRET TESTUI RDPKRU/CLUI WRPKRU/STUI */
    NPx | XF3 | XF2, XF2, XF3, 0, XF3, XF3, NPx | XF3, NPx | XF3,
    /* F0 LMSW */
    ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY,
    /* F8 SWAPGS RDTSCP MONITORX/MCOMMIT MWAITX CLZERO RDPRU INVLPGB/RMPADJUST.. TLBSYNC/PSMASH.. */
    ANY, ANY, NPx | XF3, NPx, ANY, ANY, NPx | XF3 | XF2, NPx | XF3 | XF2,
};

/* 3DNow! (AMD): the opcode bytes that name an instruction. */
#define B3(x) (1ull << ((x) & 63))
const uint64_t decode_3dnow_ok[4] = {
    /* 00-3F */ B3(0x0C) | B3(0x0D) | B3(0x1C) | B3(0x1D),
    /* 40-7F */ 0,
    /* 80-BF */ B3(0x8A) | B3(0x8E) | B3(0x90) | B3(0x94) | B3(0x96) | B3(0x97) | B3(0x9A) |
        B3(0x9E) | B3(0xA0) | B3(0xA4) | B3(0xA6) | B3(0xA7) | B3(0xAA) | B3(0xAE) | B3(0xB0) |
        B3(0xB4) | B3(0xB6) | B3(0xB7) | B3(0xBB) | B3(0xBF),
    /* C0-FF */ 0,
};
