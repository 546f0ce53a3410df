/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The case generator: picks an instruction of the emulated set from a
 * table, encodes it with random prefixes, REX/VEX and ModRM/SIB forms,
 * lays out code and data pages under real page tables, and solves the
 * address registers so that the memory operand mostly lands in mapped
 * memory (sometimes across a page edge, in a page not present, at a
 * non-canonical address). All choices come from an ed_src.
 */
#include <stdio.h>
#include <string.h>

#include "emul_diff.h"
#include "layout.h"

enum form {
    F_RM,       /* ModRM: a register operand and r/m */
    F_RM_MEM,   /* ModRM, r/m must be memory (mod = 3 is #UD) */
    F_EXT,      /* ModRM.reg is an opcode extension (/digit) */
    F_MOFFS,    /* A0-A3: absolute address */
    F_STRING,   /* MOVS/CMPS/STOS/LODS/SCAS */
    F_ACC_IMM,  /* AL/eAX, imm */
    F_REG_IMM,  /* B0+r / B8+r */
    F_VEX_RM,   /* VEX-encoded ModRM form */
};

enum imm { I_NONE, I_8, I_Z, I_V };

/* attributes */
#define A_BYTE 0x01u   /* byte operand */
#define A_LOCK 0x02u   /* LOCK legal with a memory destination */
#define A_ALU 0x04u    /* the ALU operation (0-7) goes into opcode bits 5:3 or /digit */
#define A_CC 0x08u     /* the condition (0-15) goes into the opcode's low bits */
#define A_ALIGN 0x10u  /* a 16-byte aligned memory operand */
#define A_BITOFF 0x20u /* the register operand is a bit offset into memory */
#define A_SREG 0x40u   /* ModRM.reg is a segment register */
#define A_SSE 0x80u    /* no random 66/F2/F3 (they select another instruction) */

struct insn_def {
    const char *name;
    uint8_t map, opcode;
    int8_t ext;
    uint8_t mand;
    uint8_t form, imm;
    uint8_t attrs;
};

#define P X86_MAP_PRIMARY
#define M0F X86_MAP_0F
#define M38 X86_MAP_0F38

static const struct insn_def defs[] = {
    {"mov r/m,r", P, 0x88, -1, 0, F_RM, I_NONE, A_BYTE},
    {"mov r/m,r", P, 0x89, -1, 0, F_RM, I_NONE, 0},
    {"mov r,r/m", P, 0x8a, -1, 0, F_RM, I_NONE, A_BYTE},
    {"mov r,r/m", P, 0x8b, -1, 0, F_RM, I_NONE, 0},
    {"mov r/m,imm", P, 0xc6, 0, 0, F_EXT, I_8, A_BYTE},
    {"mov r/m,imm", P, 0xc7, 0, 0, F_EXT, I_Z, 0},
    {"mov moffs", P, 0xa0, -1, 0, F_MOFFS, I_NONE, A_BYTE},
    {"mov moffs", P, 0xa1, -1, 0, F_MOFFS, I_NONE, 0},
    {"mov moffs", P, 0xa2, -1, 0, F_MOFFS, I_NONE, A_BYTE},
    {"mov moffs", P, 0xa3, -1, 0, F_MOFFS, I_NONE, 0},
    {"mov r,imm", P, 0xb0, -1, 0, F_REG_IMM, I_8, A_BYTE},
    {"mov r,imm", P, 0xb8, -1, 0, F_REG_IMM, I_V, 0},
    {"mov r/m,sreg", P, 0x8c, -1, 0, F_RM, I_NONE, A_SREG},
    {"movzx", M0F, 0xb6, -1, 0, F_RM, I_NONE, 0},
    {"movzx", M0F, 0xb7, -1, 0, F_RM, I_NONE, 0},
    {"movsx", M0F, 0xbe, -1, 0, F_RM, I_NONE, 0},
    {"movsx", M0F, 0xbf, -1, 0, F_RM, I_NONE, 0},
    {"movsxd", P, 0x63, -1, 0, F_RM, I_NONE, 0},
    {"movs", P, 0xa4, -1, 0, F_STRING, I_NONE, A_BYTE},
    {"movs", P, 0xa5, -1, 0, F_STRING, I_NONE, 0},
    {"cmps", P, 0xa6, -1, 0, F_STRING, I_NONE, A_BYTE},
    {"cmps", P, 0xa7, -1, 0, F_STRING, I_NONE, 0},
    {"stos", P, 0xaa, -1, 0, F_STRING, I_NONE, A_BYTE},
    {"stos", P, 0xab, -1, 0, F_STRING, I_NONE, 0},
    {"lods", P, 0xac, -1, 0, F_STRING, I_NONE, A_BYTE},
    {"lods", P, 0xad, -1, 0, F_STRING, I_NONE, 0},
    {"scas", P, 0xae, -1, 0, F_STRING, I_NONE, A_BYTE},
    {"scas", P, 0xaf, -1, 0, F_STRING, I_NONE, 0},
    {"alu r/m,r", P, 0x00, -1, 0, F_RM, I_NONE, A_BYTE | A_ALU | A_LOCK},
    {"alu r/m,r", P, 0x01, -1, 0, F_RM, I_NONE, A_ALU | A_LOCK},
    {"alu r,r/m", P, 0x02, -1, 0, F_RM, I_NONE, A_BYTE | A_ALU},
    {"alu r,r/m", P, 0x03, -1, 0, F_RM, I_NONE, A_ALU},
    {"alu acc,imm", P, 0x04, -1, 0, F_ACC_IMM, I_8, A_BYTE | A_ALU},
    {"alu acc,imm", P, 0x05, -1, 0, F_ACC_IMM, I_Z, A_ALU},
    {"alu r/m,imm", P, 0x80, 0, 0, F_EXT, I_8, A_BYTE | A_ALU | A_LOCK},
    {"alu r/m,imm", P, 0x81, 0, 0, F_EXT, I_Z, A_ALU | A_LOCK},
    {"alu r/m,imm8", P, 0x83, 0, 0, F_EXT, I_8, A_ALU | A_LOCK},
    {"test", P, 0x84, -1, 0, F_RM, I_NONE, A_BYTE},
    {"test", P, 0x85, -1, 0, F_RM, I_NONE, 0},
    {"test acc,imm", P, 0xa8, -1, 0, F_ACC_IMM, I_8, A_BYTE},
    {"test acc,imm", P, 0xa9, -1, 0, F_ACC_IMM, I_Z, 0},
    {"test r/m,imm", P, 0xf6, 0, 0, F_EXT, I_8, A_BYTE},
    {"test r/m,imm", P, 0xf7, 0, 0, F_EXT, I_Z, 0},
    {"not", P, 0xf6, 2, 0, F_EXT, I_NONE, A_BYTE | A_LOCK},
    {"not", P, 0xf7, 2, 0, F_EXT, I_NONE, A_LOCK},
    {"neg", P, 0xf6, 3, 0, F_EXT, I_NONE, A_BYTE | A_LOCK},
    {"neg", P, 0xf7, 3, 0, F_EXT, I_NONE, A_LOCK},
    {"inc", P, 0xfe, 0, 0, F_EXT, I_NONE, A_BYTE | A_LOCK},
    {"dec", P, 0xfe, 1, 0, F_EXT, I_NONE, A_BYTE | A_LOCK},
    {"inc", P, 0xff, 0, 0, F_EXT, I_NONE, A_LOCK},
    {"dec", P, 0xff, 1, 0, F_EXT, I_NONE, A_LOCK},
    {"xchg", P, 0x86, -1, 0, F_RM, I_NONE, A_BYTE | A_LOCK},
    {"xchg", P, 0x87, -1, 0, F_RM, I_NONE, A_LOCK},
    {"cmpxchg", M0F, 0xb0, -1, 0, F_RM, I_NONE, A_BYTE | A_LOCK},
    {"cmpxchg", M0F, 0xb1, -1, 0, F_RM, I_NONE, A_LOCK},
    {"xadd", M0F, 0xc0, -1, 0, F_RM, I_NONE, A_BYTE | A_LOCK},
    {"xadd", M0F, 0xc1, -1, 0, F_RM, I_NONE, A_LOCK},
    {"bt", M0F, 0xa3, -1, 0, F_RM, I_NONE, A_BITOFF},
    {"bts", M0F, 0xab, -1, 0, F_RM, I_NONE, A_BITOFF | A_LOCK},
    {"btr", M0F, 0xb3, -1, 0, F_RM, I_NONE, A_BITOFF | A_LOCK},
    {"btc", M0F, 0xbb, -1, 0, F_RM, I_NONE, A_BITOFF | A_LOCK},
    {"bt imm", M0F, 0xba, 4, 0, F_EXT, I_8, 0},
    {"bts imm", M0F, 0xba, 5, 0, F_EXT, I_8, A_LOCK},
    {"btr imm", M0F, 0xba, 6, 0, F_EXT, I_8, A_LOCK},
    {"btc imm", M0F, 0xba, 7, 0, F_EXT, I_8, A_LOCK},
    {"setcc", M0F, 0x90, -1, 0, F_RM, I_NONE, A_BYTE | A_CC},
    {"push r/m", P, 0xff, 6, 0, F_EXT, I_NONE, 0},
    {"pop r/m", P, 0x8f, 0, 0, F_EXT, I_NONE, 0},
    {"movnti", M0F, 0xc3, -1, 0, F_RM_MEM, I_NONE, 0},
    {"movbe load", M38, 0xf0, -1, 0, F_RM_MEM, I_NONE, 0},
    {"movbe store", M38, 0xf1, -1, 0, F_RM_MEM, I_NONE, 0},
    {"movd xmm,r/m", M0F, 0x6e, -1, 0x66, F_RM, I_NONE, A_SSE},
    {"movd r/m,xmm", M0F, 0x7e, -1, 0x66, F_RM, I_NONE, A_SSE},
    {"movq xmm,xmm/m", M0F, 0x7e, -1, 0xf3, F_RM, I_NONE, A_SSE},
    {"movq xmm/m,xmm", M0F, 0xd6, -1, 0x66, F_RM, I_NONE, A_SSE},
    {"movdqa load", M0F, 0x6f, -1, 0x66, F_RM, I_NONE, A_SSE | A_ALIGN},
    {"movdqa store", M0F, 0x7f, -1, 0x66, F_RM, I_NONE, A_SSE | A_ALIGN},
    {"movdqu load", M0F, 0x6f, -1, 0xf3, F_RM, I_NONE, A_SSE},
    {"movdqu store", M0F, 0x7f, -1, 0xf3, F_RM, I_NONE, A_SSE},
    {"movaps load", M0F, 0x28, -1, 0, F_RM, I_NONE, A_SSE | A_ALIGN},
    {"movaps store", M0F, 0x29, -1, 0, F_RM, I_NONE, A_SSE | A_ALIGN},
    {"movups load", M0F, 0x10, -1, 0, F_RM, I_NONE, A_SSE},
    {"movups store", M0F, 0x11, -1, 0, F_RM, I_NONE, A_SSE},
    {"vmovdqu load", M0F, 0x6f, -1, 0xf3, F_VEX_RM, I_NONE, A_SSE},
    {"vmovdqu store", M0F, 0x7f, -1, 0xf3, F_VEX_RM, I_NONE, A_SSE},
};

#define NDEFS (sizeof defs / sizeof defs[0])

/* ---- values ---- */

static uint64_t rand64(struct ed_src *s)
{
    uint64_t lo = ed_draw(s, 1ull << 32);
    return lo | ed_draw(s, 1ull << 32) << 32;
}

static const uint64_t interesting[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
    0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, ~0ull - 1,
};

static uint64_t rand_value(struct ed_src *s)
{
    switch (ed_draw(s, 4)) {
    case 0:
        return interesting[ed_draw(s, sizeof interesting / sizeof interesting[0])];
    case 1:
        return ed_draw(s, 256) - 128;
    default:
        return rand64(s);
    }
}

/* ---- layout ---- */

struct gen {
    struct ed_src *s;
    struct ed_case *c;
    struct ed_layout l;
    uint64_t code_va;
};

/* Random page contents: 512 random bytes, repeated (cheap enough per fuzz input). */
static void fill_random(uint8_t *p, size_t n, uint64_t seed)
{
    uint64_t x = seed | 1, block[64];
    for (unsigned i = 0; i < 64; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        block[i] = x;
    }
    for (size_t i = 0; i < n; i += sizeof block)
        memcpy(p + i, block, n - i < sizeof block ? n - i : sizeof block);
}

static void add_region(struct gen *g, uint64_t va, uint64_t size, uint64_t pa)
{
    if (g->l.nregions < ED_MAX_REGIONS)
        g->l.regions[g->l.nregions++] = (struct ed_region){va, size, pa, va + size <= 0x80000000ull};
}

/* Two 4 KiB pages at va (the second sometimes not present) backed by phys pages pp, pp+1. */
static bool map_pair(struct gen *g, uint64_t va, unsigned pp, bool code)
{
    struct ed_case *c = g->c;
    uint64_t tf = ed_table_flags(g->s);
    if (!ed_map(&g->l, c, va, (uint64_t)pp * ED_PAGE, ed_leaf_flags(g->s, code), 1, tf))
        return false;
    bool second = ed_chance(g->s, 7, 8);
    uint64_t f2 = second ? ed_leaf_flags(g->s, code) : 0;
    if (!second || !ed_map(&g->l, c, va + ED_PAGE, (uint64_t)(pp + 1) * ED_PAGE, f2, 1, tf))
        ; /* left not present */
    for (unsigned i = 0; i < 2; i++) {
        c->used[(pp + i) / 64] |= 1ull << ((pp + i) % 64);
        fill_random(c->mem + (uint64_t)(pp + i) * ED_PAGE, ED_PAGE, ed_draw(g->s, 1ull << 32) + pp + i);
    }
    add_region(g, va, 2 * ED_PAGE, (uint64_t)pp * ED_PAGE);
    return true;
}

static uint64_t region_va(struct gen *g, unsigned kind)
{
    uint64_t page = ed_draw(g->s, 1ull << 32);
    switch (kind) {
    case 0: /* low: 64 KiB .. 2 GiB */
        return 0x10000ull + (page % 0x7ffe0ull) * ED_PAGE;
    case 1: /* anywhere in the lower half */
        return (rand64(g->s) & 0x00007ffffffff000ull) | 0x1000;
    default: /* the upper half */
        return 0xffff800000000000ull | (rand64(g->s) & 0x00007ffffffff000ull);
    }
}

static void build_layout(struct gen *g)
{
    struct ed_case *c = g->c;
    ed_layout_init(&g->l, c);
    /* code: two pages, the instruction may cross into the second */
    for (int tries = 0; tries < 4; tries++) {
        g->code_va = tries < 3 && ed_chance(g->s, 3, 4) ? 0x400000ull + ed_draw(g->s, 1024) * ED_PAGE
                                                      : region_va(g, 2);
        if (map_pair(g, g->code_va, ED_CODE_PAGE, true))
            break;
    }
    /* data regions: two low, one anywhere, one high; the last sometimes a 2 MiB page */
    static const unsigned kinds[] = {0, 0, 1, 2, 0, 2};
    for (unsigned i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        for (int tries = 0; tries < 3; tries++)
            if (map_pair(g, region_va(g, kinds[i]), ED_DATA_PAGE + 2 * i, false))
                break;
    }
    if (ed_chance(g->s, 1, 4)) {
        uint64_t va = region_va(g, (unsigned)ed_draw(g->s, 3)) & ~0x1fffffull;
        if (va && ed_map(&g->l, c, va, (uint64_t)ED_LARGE_PAGE * ED_PAGE,
                         ed_leaf_flags(g->s, false) & ~(1ull << 45), 2, ed_table_flags(g->s))) {
            unsigned off = (unsigned)ed_draw(g->s, 510);
            unsigned pp = ED_LARGE_PAGE + off;
            for (unsigned i = 0; i < 2; i++) {
                c->used[(pp + i) / 64] |= 1ull << ((pp + i) % 64);
                fill_random(c->mem + (uint64_t)(pp + i) * ED_PAGE, ED_PAGE, pp + i);
            }
            add_region(g, va + (uint64_t)off * ED_PAGE, 2 * ED_PAGE, (uint64_t)pp * ED_PAGE);
        }
    }
}

/* ---- targets ---- */

/* A linear address for a memory operand: mostly inside a data region. */
static uint64_t pick_target(struct gen *g, unsigned asize, bool align16)
{
    unsigned roll = (unsigned)ed_draw(g->s, 100);
    if (roll < 84 && g->l.nregions) {
        const struct ed_region *r = NULL;
        for (int tries = 0; tries < 8 && !r && g->l.nregions > 1; tries++) {
            /* not region 0, the code: stores there are self-modifying code, which
               Unicorn restarts */
            r = &g->l.regions[1 + ed_draw(g->s, g->l.nregions - 1)];
            if (asize == 4 && r->va + r->size > 0x100000000ull)
                r = NULL;
        }
        if (r) {
            uint64_t page = ed_chance(g->s, 1, 5) ? ED_PAGE : 0;
            uint64_t off;
            if (ed_chance(g->s, 1, 6))
                off = ED_PAGE - 1 - ed_draw(g->s, 16); /* the access may cross into the next page */
            else
                off = ed_draw(g->s, ED_PAGE - 48) + 16;
            if (align16 && ed_chance(g->s, 7, 8))
                off &= ~15ull;
            return r->va + page + off;
        }
    }
    if (roll < 92) /* unmapped, low */
        return ed_draw(g->s, 0x80000000ull);
    if (roll < 96) /* non-canonical */
        return 0x0000800000000000ull + ed_draw(g->s, 1ull << 32) * 8;
    return rand64(g->s);
}

/* ---- encoding ---- */

struct enc {
    uint8_t b[X86_MAX_INSN_LEN + 16];
    unsigned n;
};

static void put(struct enc *e, uint8_t v)
{
    if (e->n < sizeof e->b)
        e->b[e->n++] = v;
}

static void put_le(struct enc *e, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        put(e, (uint8_t)(v >> (8 * i)));
}

static const uint8_t seg_prefix[] = {0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65};

struct plan {
    const struct insn_def *d;
    unsigned opsize, asize;
    uint8_t rex;
    bool rex_early;    /* a REX followed by a legacy prefix: ignored */
    uint8_t seg;       /* 0 or an override byte */
    bool lock, rep_f2, rep_f3, opsize_pfx, asize_pfx;
    uint8_t opcode;
    int ext;
    /* ModRM */
    bool has_modrm, mem;
    unsigned mod, reg, rm;
    bool sib;
    unsigned sib_scale, sib_index, sib_base;
    int base, index; /* register numbers, -1 none; base -2: RIP */
    unsigned scale;
    unsigned disp_size;
    int64_t disp;
    unsigned imm_size;
    uint64_t imm;
    unsigned vex_l;
    bool vex3;
};

static uint64_t seg_base(const struct gen *g, uint8_t seg)
{
    return seg == 0x64 ? g->c->fs_base : seg == 0x65 ? g->c->gs_base : 0;
}

static void choose_prefixes(struct gen *g, struct plan *p)
{
    const struct insn_def *d = p->d;
    struct ed_src *s = g->s;
    bool sse = d->attrs & A_SSE;
    p->opsize_pfx = !sse && ed_chance(s, 1, 5);
    p->asize_pfx = ed_chance(s, 1, 6);
    p->seg = ed_chance(s, 1, 3) ? seg_prefix[ed_draw(s, 6)] : 0;
    p->lock = (d->attrs & A_LOCK) ? ed_chance(s, 1, 4) : ed_chance(s, 1, 64);
    if (d->form == F_STRING) {
        p->rep_f3 = ed_chance(s, 1, 2);
        p->rep_f2 = !p->rep_f3 && ed_chance(s, 1, 4);
    } else if (!sse && d->map == X86_MAP_PRIMARY) {
        p->rep_f3 = ed_chance(s, 1, 32);
        p->rep_f2 = ed_chance(s, 1, 32);
    }
    if (d->form != F_VEX_RM && ed_chance(s, 1, 2))
        p->rex = (uint8_t)(0x40 | ed_draw(s, 16));
    p->rex_early = p->rex && ed_chance(s, 1, 32);
    bool rex_w = p->rex && !p->rex_early && (p->rex & 8);
    p->opsize = rex_w ? 8 : p->opsize_pfx ? 2 : 4;
    p->asize = p->asize_pfx ? 4 : 8;
}

static void choose_modrm(struct gen *g, struct plan *p)
{
    struct ed_src *s = g->s;
    const struct insn_def *d = p->d;
    uint8_t rex = p->rex_early ? 0 : p->rex;
    p->has_modrm = true;
    bool reg_ok = d->form != F_RM_MEM;
    p->mem = !(ed_chance(s, 1, reg_ok ? 6 : 48));
    p->reg = d->ext >= 0 ? (unsigned)d->ext : (unsigned)ed_draw(s, 8);
    if (d->attrs & A_SREG)
        p->reg = (unsigned)ed_draw(s, 6);
    p->base = p->index = -1;
    p->scale = 1;
    p->disp_size = 0;
    if (!p->mem) {
        p->mod = 3;
        p->rm = (unsigned)ed_draw(s, 8);
        return;
    }
    p->mod = (unsigned)ed_draw(s, 3);
    p->rm = (unsigned)ed_draw(s, 8);
    if (p->rm == 4) {
        p->sib = true;
        p->sib_scale = (unsigned)ed_draw(s, 4);
        p->sib_index = (unsigned)ed_draw(s, 8);
        p->sib_base = (unsigned)ed_draw(s, 8);
        p->scale = 1u << p->sib_scale;
        unsigned idx = p->sib_index | ((rex & 2) ? 8 : 0);
        p->index = idx == 4 ? -1 : (int)idx;
        if (p->mod == 0 && p->sib_base == 5) {
            p->base = -1;
            p->disp_size = 4;
        } else {
            p->base = (int)(p->sib_base | ((rex & 1) ? 8 : 0));
        }
    } else if (p->mod == 0 && p->rm == 5) {
        p->base = -2; /* RIP */
        p->disp_size = 4;
    } else {
        p->base = (int)(p->rm | ((rex & 1) ? 8 : 0));
    }
    if (p->mod == 1)
        p->disp_size = 1;
    else if (p->mod == 2)
        p->disp_size = 4;
}

static unsigned imm_bytes(const struct plan *p)
{
    switch (p->d->imm) {
    case I_8:
        return 1;
    case I_Z:
        return p->opsize == 2 ? 2 : 4;
    case I_V:
        return p->opsize;
    default:
        return 0;
    }
}

static void emit(const struct gen *g, const struct plan *p, struct enc *e)
{
    (void)g;
    const struct insn_def *d = p->d;
    if (p->rex_early)
        put(e, p->rex);
    if (p->lock)
        put(e, 0xf0);
    if (p->seg)
        put(e, p->seg);
    if (p->asize_pfx)
        put(e, 0x67);
    if (p->opsize_pfx)
        put(e, 0x66);
    if (p->rep_f2)
        put(e, 0xf2);
    if (p->rep_f3)
        put(e, 0xf3);
    if (d->form == F_VEX_RM) {
        unsigned pp = d->mand == 0x66 ? 1 : d->mand == 0xf3 ? 2 : d->mand == 0xf2 ? 3 : 0;
        unsigned r = (p->reg >> 3) & 1, x = p->index >= 8, b = p->base >= 8 ||
                                                                 (p->mod == 3 && p->rm >= 8);
        if (p->vex3 || x || b) {
            put(e, 0xc4);
            put(e, (uint8_t)((!r) << 7 | (!x) << 6 | (!b) << 5 | d->map));
            put(e, (uint8_t)(0x78 | p->vex_l << 2 | pp));
        } else {
            put(e, 0xc5);
            put(e, (uint8_t)((!r) << 7 | 0x78 | p->vex_l << 2 | pp));
        }
    } else {
        if (d->mand)
            put(e, d->mand);
        if (p->rex && !p->rex_early)
            put(e, p->rex);
        if (d->map == X86_MAP_0F)
            put(e, 0x0f);
        if (d->map == X86_MAP_0F38)
            put(e, 0x0f), put(e, 0x38);
    }
    put(e, p->opcode);
    if (p->has_modrm) {
        put(e, (uint8_t)(p->mod << 6 | (p->reg & 7) << 3 | (p->rm & 7)));
        if (p->sib)
            put(e, (uint8_t)(p->sib_scale << 6 | p->sib_index << 3 | p->sib_base));
        put_le(e, (uint64_t)p->disp, p->disp_size);
    }
    put_le(e, p->imm, p->imm_size);
}

/* Sets the address registers (or displacement) so that the operand's linear address is `t`. */
static void solve_address(struct gen *g, struct plan *p, uint64_t t, unsigned len)
{
    struct ed_src *s = g->s;
    uint64_t *r = g->c->regs.gpr;
    uint64_t amask = p->asize == 4 ? 0xffffffffull : ~0ull;
    uint64_t ea = t - seg_base(g, p->seg);
    int64_t disp = 0;
    if (p->disp_size == 1)
        disp = (int8_t)ed_draw(s, 256);
    else if (p->disp_size == 4)
        disp = (int32_t)ed_draw(s, 1ull << 32);
    if (p->disp_size == 4 && ed_chance(s, 1, 2))
        disp = (int16_t)disp;
    uint64_t hi = p->asize == 4 ? rand64(s) & ~amask : 0; /* ignored upper halves */
    if (p->base == -2) {
        uint64_t next = g->c->regs.rip + len;
        int64_t want = (int64_t)((ea - next) & amask);
        if (p->asize == 4)
            want = (int32_t)want;
        if (want == (int32_t)want)
            disp = want;
    } else if (p->base >= 0 && p->base != p->index) {
        uint64_t idx = 0;
        if (p->index >= 0) {
            idx = ed_chance(s, 1, 2) ? ed_draw(s, 64) - 32 : rand_value(s);
            r[p->index] = idx | (p->asize == 4 ? rand64(s) & ~amask : 0);
        }
        r[p->base] = ((ea - idx * p->scale - (uint64_t)disp) & amask) | hi;
    } else if (p->base >= 0 || p->index >= 0) {
        unsigned k = p->base >= 0 ? p->scale + 1 : p->scale;
        int reg = p->index;
        uint64_t v = (ea - (uint64_t)disp) & amask;
        r[reg] = (v / k) | hi; /* lands up to k-1 bytes below the target */
    } else if (p->disp_size == 4) {
        int64_t want = (int64_t)(ea & amask);
        if (p->asize == 4)
            want = (int32_t)want;
        if (want == (int32_t)want)
            disp = want;
    }
    p->disp = disp;
}

static void set_stack(struct gen *g)
{
    if (g->l.nregions < 2)
        return;
    const struct ed_region *r = &g->l.regions[1 + ed_draw(g->s, g->l.nregions - 1)];
    uint64_t rsp = r->va + 64 + ed_draw(g->s, ED_PAGE * 2 - 128);
    g->c->regs.gpr[X86_RSP] = ed_chance(g->s, 7, 8) ? rsp & ~7ull : rsp;
}

static void random_state(struct gen *g)
{
    struct ed_case *c = g->c;
    struct ed_src *s = g->s;
    for (unsigned i = 0; i < X86_GPR_COUNT; i++)
        c->regs.gpr[i] = rand_value(s);
    for (unsigned i = 0; i < 16; i++)
        for (unsigned j = 0; j < 2; j++)
            c->regs.xmm[i][j] = rand64(s);
    /* CF PF AF ZF SF DF OF, and AC (SMAP) */
    c->regs.rflags = 0x2 | (ed_draw(s, 1ull << 16) & 0x0cd5) | (ed_chance(s, 1, 4) ? 0x40000 : 0);
    c->fs_base = ed_chance(s, 1, 2) ? 0 : rand64(s) & 0x00007ffffffff000ull;
    c->gs_base = ed_chance(s, 1, 2) ? 0 : 0xffff800000000000ull | (rand64(s) & 0x00007fffffff0000ull);
    c->cr0 = 0x80000033ull | (ed_chance(s, 7, 8) ? 0x10000 : 0);
    c->cr4 = 0x20 | 0x200 | 0x400;
    if (ed_chance(s, 3, 4))
        c->cr4 |= 1u << 18; /* OSXSAVE */
    c->xcr0 = ed_chance(s, 7, 8) ? 7 : 3; /* x87 SSE AVX, or no AVX state */
    if (ed_chance(s, 1, 6))
        c->cr4 |= 1u << 20; /* SMEP */
    if (ed_chance(s, 1, 6))
        c->cr4 |= 1u << 21; /* SMAP */
    c->efer = 0x500 | (ed_chance(s, 15, 16) ? 0x800 : 0);
    c->max_rep = ed_chance(s, 1, 2) ? 1024 : 1 + (uint32_t)ed_draw(s, 4);
}

static void gen_insn(struct gen *g)
{
    struct ed_case *c = g->c;
    struct ed_src *s = g->s;
    struct plan p = {0};
    p.d = &defs[ed_draw(s, NDEFS)];
    const struct insn_def *d = p.d;
    snprintf(c->name, sizeof c->name, "%s", d->name);
    choose_prefixes(g, &p);
    p.opcode = d->opcode;
    p.ext = d->ext;
    if (d->attrs & A_ALU) {
        unsigned op = (unsigned)ed_draw(s, 8);
        if (d->ext >= 0)
            p.ext = (int)op;
        else
            p.opcode = (uint8_t)(d->opcode + 8 * op);
        static const char *const alu[] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
        snprintf(c->name, sizeof c->name, "%s %s", alu[op], strchr(d->name, ' ') + 1);
        if (op == 7)
            p.lock = ed_chance(s, 1, 64);
    }
    if (d->attrs & A_CC)
        p.opcode = (uint8_t)(d->opcode + ed_draw(s, 16));
    uint8_t rex = p.rex_early ? 0 : p.rex;
    switch (d->form) {
    case F_RM:
    case F_RM_MEM:
    case F_EXT:
    case F_VEX_RM: {
        choose_modrm(g, &p);
        if (d->attrs & A_ALU && d->ext >= 0)
            p.reg = (unsigned)p.ext;
        if (d->form == F_VEX_RM) {
            p.vex_l = (unsigned)ed_draw(s, 2);
            p.vex3 = ed_chance(s, 1, 3);
            p.reg |= (unsigned)ed_draw(s, 2) << 3;
            if (!p.mem)
                p.rm |= (unsigned)ed_draw(s, 2) << 3;
        } else {
            if (rex & 4)
                p.reg |= 8;
            if (!p.mem && (rex & 1))
                p.rm |= 8;
        }
        break;
    }
    case F_MOFFS:
        p.imm_size = p.asize;
        break;
    case F_REG_IMM:
        p.opcode = (uint8_t)(d->opcode + ed_draw(s, 8));
        break;
    default:
        break;
    }
    if (d->form != F_MOFFS) {
        p.imm_size = imm_bytes(&p);
        p.imm = rand_value(s);
    }
    /* RIP: mostly inside the code page, sometimes so that the bytes cross into the next */
    struct enc e = {0};
    emit(g, &p, &e);
    unsigned len = e.n;
    uint64_t off = ed_chance(s, 1, 8) ? ED_PAGE - 1 - ed_draw(s, len > 1 ? len - 1 : 1)
                                      : ed_draw(s, ED_PAGE - 16);
    if (off + len == ED_PAGE)
        off--; /* ending on the page's last byte: Unicorn would fetch the next page first */
    c->regs.rip = g->code_va + off;
    bool align = d->attrs & A_ALIGN;
    if (p.has_modrm && p.mem) {
        uint64_t t = pick_target(g, p.asize, align);
        solve_address(g, &p, t, len);
        if ((d->attrs & A_BITOFF) && p.reg != (unsigned)p.base && (int)p.reg != p.index)
            c->regs.gpr[p.reg] = ed_draw(s, 256) - 64; /* bit offsets near the operand */
    } else if (d->form == F_MOFFS) {
        uint64_t t = pick_target(g, p.asize, false) - seg_base(g, p.seg);
        p.imm = p.asize == 4 ? t & 0xffffffffull : t;
    } else if (d->form == F_STRING) {
        uint64_t amask = p.asize == 4 ? 0xffffffffull : ~0ull;
        uint64_t src = pick_target(g, p.asize, false) - seg_base(g, p.seg);
        uint64_t dst = pick_target(g, p.asize, false);
        uint64_t hi = p.asize == 4 ? rand64(s) & ~amask : 0;
        c->regs.gpr[X86_RSI] = (src & amask) | hi;
        c->regs.gpr[X86_RDI] = (dst & amask) | (p.asize == 4 ? rand64(s) & ~amask : 0);
        if (p.rep_f2 || p.rep_f3)
            c->regs.gpr[X86_RCX] = ed_draw(s, 9) | (ed_chance(s, 1, 4) ? rand64(s) & ~amask : 0);
    }
    e.n = 0;
    emit(g, &p, &e);
    if (e.n > X86_MAX_INSN_LEN)
        e.n = X86_MAX_INSN_LEN; /* too long: both sides must raise #GP(0) */
    memcpy(c->bytes, e.b, e.n);
    c->len = (uint8_t)e.n;
}

/* Raw bytes: any instruction; registers pointing into the regions. */
static void gen_raw(struct gen *g)
{
    struct ed_case *c = g->c;
    struct ed_src *s = g->s;
    c->raw = true;
    snprintf(c->name, sizeof c->name, "raw");
    c->len = X86_MAX_INSN_LEN;
    for (unsigned i = 0; i < c->len; i++)
        c->bytes[i] = (uint8_t)ed_draw(s, 256);
    /* only the instruction: Unicorn translates on into the bytes after it */
    struct x86_insn in;
    if (x86_decode(c->bytes, c->len, X86_MODE_LONG64, &in) == X86_DECODE_OK)
        c->len = in.len;
    for (unsigned i = 0; i < X86_GPR_COUNT; i++)
        if (i != X86_RCX && g->l.nregions && ed_chance(s, 1, 2))
            c->regs.gpr[i] = g->l.regions[ed_draw(s, g->l.nregions)].va + ED_PAGE / 2 +
                             ed_draw(s, 256) - 128;
    c->regs.gpr[X86_RCX] = ed_draw(s, 9);
    c->regs.rip = g->code_va + ed_draw(s, ED_PAGE - 16);
}

/*
 * The instruction at RIP, a HLT after it: Unicorn translates on past the
 * instruction it single-steps, and a following instruction that crossed
 * into a page not present would raise a fetch #PF the processor never
 * raises; HLT ends the translation block.
 */
/*
 * Byte `off` of the code pair where a fetch finds it: a second code page
 * left not present may have been mapped by a data region since.
 */
static void place_byte(struct gen *g, uint64_t off, uint8_t byte)
{
    struct ed_case *c = g->c;
    uint64_t pa;
    if (!ed_translate(c, g->code_va + off, &pa))
        pa = (uint64_t)ED_CODE_PAGE * ED_PAGE + off;
    c->used[pa / ED_PAGE / 64] |= 1ull << (pa / ED_PAGE % 64);
    c->mem[pa] = byte;
}

static void place_code(struct gen *g)
{
    struct ed_case *c = g->c;
    uint64_t off = c->regs.rip - g->code_va;
    for (unsigned i = 0; i < c->len; i++)
        place_byte(g, off + i, c->bytes[i]);
    if (off + c->len < 2 * ED_PAGE)
        place_byte(g, off + c->len, 0xf4);
}

void ed_generate(struct ed_src *s, struct ed_case *c)
{
    uint8_t *mem = c->mem;
    /* zero what the previous case defined */
    for (unsigned w = 0; w < ED_BITMAP_WORDS; w++)
        for (uint64_t bits = c->used[w]; bits; bits &= bits - 1)
            memset(mem + ((uint64_t)w * 64 + (unsigned)__builtin_ctzll(bits)) * ED_PAGE, 0, ED_PAGE);
    memset(c, 0, sizeof *c);
    c->mem = mem;
    struct gen g = {.s = s, .c = c};
    random_state(&g);
    build_layout(&g);
    set_stack(&g);
    if (ed_chance(s, 1, 16))
        gen_raw(&g);
    else
        gen_insn(&g);
    place_code(&g);
}
