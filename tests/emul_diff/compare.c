/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Comparison of the two outcomes: kind, exception vector, error code and
 * CR2, general registers, RIP, the flags the instruction defines, XMM
 * registers, and every page either side wrote or the case defined. A
 * difference is then matched against the known-difference predicates
 * (KNOWN_DIFFERENCES.md); the first that matches explains it.
 */
#include <stdio.h>
#include <string.h>

#include "emul_diff.h"
#include "layout.h"

#define FL_CF 0x001u
#define FL_PF 0x004u
#define FL_AF 0x010u
#define FL_ZF 0x040u
#define FL_SF 0x080u
#define FL_OF 0x800u

uint64_t ed_undefined_flags(const struct x86_insn *in)
{
    uint8_t op = in->opcode;
    unsigned ext = (in->modrm >> 3) & 7;
    if (in->encoding != X86_ENC_LEGACY)
        return 0;
    if (in->map == X86_MAP_PRIMARY) {
        /* OR, AND, XOR, TEST: AF undefined */
        if ((op < 0x40 && (op & 7) < 6 && ((op >> 3) == 1 || (op >> 3) == 4 || (op >> 3) == 6)) ||
            ((op >= 0x80 && op <= 0x83) && (ext == 1 || ext == 4 || ext == 6)) || op == 0x84 ||
            op == 0x85 || op == 0xa8 || op == 0xa9 || ((op == 0xf6 || op == 0xf7) && ext < 2))
            return FL_AF;
        if ((op == 0xf6 || op == 0xf7) && (ext == 4 || ext == 5)) /* MUL, IMUL */
            return FL_SF | FL_ZF | FL_AF | FL_PF;
        if ((op == 0xf6 || op == 0xf7) && ext >= 6) /* DIV, IDIV */
            return FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF;
        if (op == 0xc0 || op == 0xc1 || (op >= 0xd0 && op <= 0xd3)) /* shifts and rotates */
            return FL_OF | FL_AF;
        return 0;
    }
    if (in->map == X86_MAP_0F) {
        if (op == 0xa3 || op == 0xab || op == 0xb3 || op == 0xbb || op == 0xba) /* BT* */
            return FL_OF | FL_SF | FL_AF | FL_PF;
        if (op == 0xaf) /* IMUL */
            return FL_SF | FL_ZF | FL_AF | FL_PF;
        if (op == 0xbc || op == 0xbd) /* BSF, BSR */
            return FL_CF | FL_OF | FL_SF | FL_AF | FL_PF;
    }
    return 0;
}

static const char *const known_names[] = {
#define ED_KNOWN_NAME(id, text) #id,
    ED_KNOWN_LIST(ED_KNOWN_NAME)
#undef ED_KNOWN_NAME
};

static const char *const known_texts[] = {
#define ED_KNOWN_TEXT(id, text) text,
    ED_KNOWN_LIST(ED_KNOWN_TEXT)
#undef ED_KNOWN_TEXT
};

const char *ed_known_name(enum ed_known k)
{
    return k < ED_KNOWN_COUNT ? known_names[k] : "?";
}

const char *ed_known_text(enum ed_known k)
{
    return k < ED_KNOWN_COUNT ? known_texts[k] : "?";
}

/* ---- the known-difference predicates ---- */

void ed_scan_opcode(const uint8_t *b, unsigned len, struct ed_opcode *o)
{
    memset(o, 0, sizeof *o);
    unsigned i = 0;
    for (; i < len; i++) {
        uint8_t x = b[i];
        if (x == 0xf0)
            o->lock = true;
        else if (x == 0x66)
            o->opsize = true;
        else if (x == 0xf3)
            o->rep = true;
        else if (x == 0xf2)
            o->repne = true;
        else if ((x & 0xf0) == 0x40)
            o->rex = x;
        else if (!(x == 0x26 || x == 0x2e || x == 0x36 || x == 0x3e || x == 0x64 || x == 0x65 ||
                   x == 0x67))
            break;
        if ((x & 0xf0) != 0x40)
            o->rex = 0; /* a REX before a legacy prefix is ignored */
    }
    if (i < len && (b[i] == 0xc4 || b[i] == 0xc5)) {
        o->vex = true;
        unsigned at = i + (b[i] == 0xc4 ? 3 : 2);
        o->map = b[i] == 0xc4 && i + 1 < len ? (b[i + 1] & 0x1f) : X86_MAP_0F;
        i = at;
    } else if (i + 1 < len && b[i] == 0x0f) {
        o->map = b[i + 1] == 0x38 ? X86_MAP_0F38 : b[i + 1] == 0x3a ? X86_MAP_0F3A : X86_MAP_0F;
        i += o->map == X86_MAP_0F ? 1 : 2;
    }
    if (i < len)
        o->opcode = b[i];
    o->has_modrm = i + 1 < len;
    o->modrm = o->has_modrm ? b[i + 1] : 0;
}

struct view {
    const struct ed_case *c;
    const struct ed_outcome *emu, *uc;
    const struct x86_insn *in;
    bool decoded;
    struct ed_opcode op;
};

static bool is_exc(const struct ed_outcome *o, uint8_t vector)
{
    return o->kind == ED_EXCEPTION && o->vector == vector;
}

static bool same_exception(const struct view *v)
{
    return v->emu->kind == ED_EXCEPTION && v->uc->kind == ED_EXCEPTION &&
           v->emu->vector == v->uc->vector && v->emu->cr2 == v->uc->cr2;
}

/* The memory operand's linear address in 64-bit mode (no segment checks). */
static uint64_t operand_address(const struct view *v)
{
    const struct x86_insn *in = v->in;
    const uint64_t *r = v->c->regs.gpr;
    uint64_t ea = (uint64_t)in->disp;
    if (in->mem_base == X86_REG_RIP)
        ea += v->c->regs.rip + in->len;
    else if (in->mem_base < X86_GPR_COUNT)
        ea += r[in->mem_base];
    if (in->mem_index < X86_GPR_COUNT)
        ea += r[in->mem_index] * in->mem_scale;
    if (in->addrsize == 4)
        ea &= 0xffffffffull;
    if (in->seg == X86_FS)
        ea += v->c->fs_base;
    else if (in->seg == X86_GS)
        ea += v->c->gs_base;
    return ea;
}

/* LOCK is legal only on these, with a memory destination (SDM Vol. 2A, LOCK). */
static bool lockable(const struct ed_opcode *o)
{
    unsigned ext = (o->modrm >> 3) & 7;
    uint8_t op = o->opcode;
    if (o->vex || !o->has_modrm || (o->modrm >> 6) == 3)
        return false;
    if (o->map == X86_MAP_PRIMARY)
        return (op < 0x38 && (op & 7) < 2) || (op >= 0x80 && op <= 0x83 && ext != 7) ||
               op == 0x86 || op == 0x87 || ((op == 0xf6 || op == 0xf7) && (ext == 2 || ext == 3)) ||
               ((op == 0xfe || op == 0xff) && ext < 2);
    if (o->map == X86_MAP_0F)
        return op == 0xab || op == 0xb3 || op == 0xbb || (op == 0xba && ext >= 5) || op == 0xb0 ||
               op == 0xb1 || op == 0xc0 || op == 0xc1 || (op == 0xc7 && ext == 1);
    return false;
}

/* The memory operand is read, then written (the access is checked as a write). */
static bool read_modify_write(const struct view *v)
{
    const struct x86_insn *in = v->in;
    unsigned ext = (in->modrm >> 3) & 7;
    uint8_t op = in->opcode;
    if (!v->decoded || !in->has_mem || in->encoding != X86_ENC_LEGACY)
        return false;
    if (in->map == X86_MAP_PRIMARY)
        return (op < 0x40 && (op & 7) < 2 && (op >> 3) != 7) ||
               (op >= 0x80 && op <= 0x83 && ext != 7) || op == 0x86 || op == 0x87 ||
               ((op == 0xf6 || op == 0xf7) && (ext == 2 || ext == 3)) ||
               ((op == 0xfe || op == 0xff) && ext < 2) || op == 0xc0 || op == 0xc1 ||
               (op >= 0xd0 && op <= 0xd3);
    if (in->map == X86_MAP_0F)
        return op == 0xab || op == 0xb3 || op == 0xbb || (op == 0xba && ext >= 5) || op == 0xb0 ||
               op == 0xb1 || op == 0xc0 || op == 0xc1;
    return false;
}

/* Whole-outcome classes: Unicorn takes another outcome altogether. */

static bool known_UNICORN_LOCK_IGNORED(const struct view *v)
{
    return v->op.lock && !lockable(&v->op) && is_exc(v->emu, 6) && !is_exc(v->uc, 6) &&
           v->uc->kind != ED_NOT_RUN;
}

/*
 * Processors check a read-modify-write destination for write access before
 * reading it; Unicorn reads first, so a #PF reports a read (and, for an
 * operand across a page edge, may be on the other page).
 */
static bool known_UNICORN_RMW_READ_FAULT(const struct view *v)
{
    return is_exc(v->emu, 14) && is_exc(v->uc, 14) && (v->emu->error_code & 2) &&
           !(v->uc->error_code & 2) && read_modify_write(v);
}

/* Opcode extensions the SDM leaves undefined (#UD); XABORT/XBEGIN (C6 F8, C7 F8) excepted. */
static bool known_UNICORN_RESERVED_EXT(const struct view *v)
{
    const struct ed_opcode *o = &v->op;
    unsigned ext = (o->modrm >> 3) & 7;
    if (o->vex || o->map != X86_MAP_PRIMARY || !is_exc(v->emu, 6) || is_exc(v->uc, 6))
        return false;
    return (o->opcode == 0x8f && ext) || (o->opcode == 0xff && ext == 7) ||
           ((o->opcode == 0xc6 || o->opcode == 0xc7) && ext && o->modrm != 0xf8);
}

/* SDM Vol. 3A 6.9: a fault fetching the instruction comes before a fault decoding it. */
static bool known_UNICORN_DECODE_BEFORE_FETCH(const struct view *v)
{
    uint64_t rip = v->c->regs.rip, next_page = (rip | 0xfff) + 1;
    return is_exc(v->emu, 14) && v->emu->cr2 == next_page && next_page - rip < X86_MAX_INSN_LEN &&
           is_exc(v->uc, 6);
}


static bool known_UNICORN_TEST_ALIAS(const struct view *v)
{
    const struct ed_opcode *o = &v->op;
    if (o->vex || o->map != X86_MAP_PRIMARY || (o->opcode != 0xf6 && o->opcode != 0xf7) ||
        ((o->modrm >> 3) & 7) != 1)
        return false;
    /* #UD for the register form; the memory form leaves the immediate out of RIP + disp */
    bool rip_relative = v->decoded && v->in->mem_base == X86_REG_RIP;
    return (is_exc(v->uc, 6) && !is_exc(v->emu, 6)) || rip_relative;
}

/* Unicorn never ran it: the emulator must raise #UD, or a fetch #PF before decoding. */
static bool known_UNICORN_LOCK_BT_REG_ABORT(const struct view *v)
{
    uint64_t rip = v->c->regs.rip;
    const struct ed_opcode *o = &v->op;
    uint8_t op = o->opcode;
    bool bt = op == 0xa3 || op == 0xab || op == 0xb3 || op == 0xbb || op == 0xba;
    return v->uc->kind == ED_NOT_RUN && o->lock && !o->vex && o->map == X86_MAP_0F && bt &&
           (o->modrm >> 6) == 3 &&
           (is_exc(v->emu, 6) || (is_exc(v->emu, 14) && v->emu->cr2 - rip < X86_MAX_INSN_LEN));
}

static bool known_UNICORN_MOV_DR_CRASH(const struct view *v)
{
    return v->uc->kind == ED_NOT_RUN && !v->op.vex && v->op.map == X86_MAP_0F && v->op.opcode == 0x23;
}

/* Unicorn's run stopped after a store into the code pages (the emulator is not checked). */
static bool known_UNICORN_SELF_MODIFYING(const struct view *v)
{
    bool code_written = false;
    for (unsigned p = ED_CODE_PAGE; p < ED_CODE_PAGE + 2; p++)
        code_written |= (v->uc->written[p / 64] >> (p % 64)) & 1;
    return v->uc->kind == ED_NOT_RUN && code_written;
}

static bool known_UNICORN_MOVBE_REG(const struct view *v)
{
    const struct ed_opcode *o = &v->op;
    return !o->vex && o->map == X86_MAP_0F38 && (o->opcode == 0xf0 || o->opcode == 0xf1) &&
           !o->repne && (o->modrm >> 6) == 3 && is_exc(v->emu, 6) && !is_exc(v->uc, 6);
}

/*
 * Both operands of CMPS fault: Unicorn reports the fault of ES:rDI, the
 * emulator that of DS:rSI (segment overrides apply), which it checks first
 * as Bochs does (it reads [rSI] then [rDI]); the SDM sets no order. The
 * operands may overlap, so the emulator's CR2 may lie in both.
 */
static bool known_UNICORN_CMPS_ORDER(const struct view *v)
{
    const struct ed_opcode *o = &v->op;
    if (o->vex || o->map != X86_MAP_PRIMARY || (o->opcode != 0xa6 && o->opcode != 0xa7) ||
        !v->decoded || v->emu->kind != ED_EXCEPTION)
        return false;
    uint64_t am = v->in->addrsize == 8 ? ~0ull : v->in->addrsize == 4 ? 0xffffffffull : 0xffffull;
    uint64_t di = v->c->regs.gpr[X86_RDI] & am;
    uint64_t size = o->opcode == 0xa6 ? 1 : v->in->opsize;
    unsigned width = (v->c->cr4 & (1ull << 12)) ? 57 : 48;
    bool dst_noncanonical = !vmm_canonical(di, width) || !vmm_canonical(di + size - 1, width);
    bool uc_at_dst = is_exc(v->uc, 14) ? v->uc->cr2 - di < size
                                        : is_exc(v->uc, 13) && dst_noncanonical;
    uint64_t si = v->c->regs.gpr[X86_RSI] & am;
    if (v->in->seg == X86_FS)
        si += v->c->fs_base;
    else if (v->in->seg == X86_GS)
        si += v->c->gs_base;
    bool emu_at_dst = is_exc(v->emu, 14) && v->emu->cr2 - di < size;
    bool emu_at_src = is_exc(v->emu, 14) && v->emu->cr2 - si < size;
    return uc_at_dst && (emu_at_src || !emu_at_dst);
}

static bool known_UNICORN_REX_R_OPCODE_EXT(const struct view *v)
{
    const struct ed_opcode *o = &v->op;
    return !o->vex && o->map == X86_MAP_PRIMARY && (o->opcode == 0xc6 || o->opcode == 0xc7) &&
           (o->rex & 4) && ((o->modrm >> 3) & 7) == 0 && is_exc(v->uc, 6) && !is_exc(v->emu, 6);
}

static bool known_UNICORN_NP_PREFIX(const struct view *v)
{
    const struct ed_opcode *o = &v->op;
    return !o->vex && o->map == X86_MAP_0F && o->opcode == 0xc3 &&
           (o->opsize || o->rep || o->repne) && is_exc(v->emu, 6) && !is_exc(v->uc, 6);
}

static bool known_UNICORN_VEX_STATE(const struct view *v)
{
    const struct ed_case *c = v->c;
    bool enabled = (c->cr4 & (1u << 18)) && (c->xcr0 & 6) == 6;
    return v->op.vex && !enabled && is_exc(v->emu, 6) && !is_exc(v->uc, 6);
}

/*
 * x86_decode says #UD (e.g. a VEX form of an opcode without one, MOVMSKPS
 * with a memory operand) and Unicorn executes something. The decoder's
 * verdicts are checked against Zydis and Capstone by its own oracle.
 */
static bool known_UNICORN_ACCEPTS_UD(const struct view *v)
{
    struct x86_insn in;
    return x86_decode(v->c->bytes, v->c->len, X86_MODE_LONG64, &in) == X86_DECODE_UD &&
           is_exc(v->emu, 6) && !is_exc(v->uc, 6);
}

static bool known_UNICORN_NO_AVX(const struct view *v)
{
    return v->decoded && v->in->encoding == X86_ENC_VEX && v->in->vex_l == 1 && is_exc(v->uc, 6) &&
           !is_exc(v->emu, 6);
}

static bool known_UNICORN_SSE_ALIGN(const struct view *v)
{
    const struct x86_insn *in = v->in;
    if (!v->decoded || in->encoding != X86_ENC_LEGACY || in->map != X86_MAP_0F || !in->has_mem)
        return false;
    bool movdqa = in->mandatory == 0x66 && (in->opcode == 0x6f || in->opcode == 0x7f);
    bool movaps = in->mandatory == 0 && (in->opcode == 0x28 || in->opcode == 0x29);
    return (movdqa || movaps) && (operand_address(v) & 15) && is_exc(v->emu, 13) &&
           v->emu->error_code == 0 && !is_exc(v->uc, 13);
}

/* #SS(0) and #GP(0) both say "non-canonical": the emulator's is the SS-based one. */
static bool known_UNICORN_STACK_CANONICAL(const struct view *v)
{
    const struct x86_insn *in = v->in;
    if (!v->decoded || !is_exc(v->emu, 12) || v->emu->error_code || !is_exc(v->uc, 13) ||
        v->uc->error_code)
        return false;
    bool stack_base = in->has_mem && (in->mem_base == X86_RSP || in->mem_base == X86_RBP);
    bool push_pop = in->map == X86_MAP_PRIMARY && (in->opcode == 0xff || in->opcode == 0x8f);
    return stack_base || push_pop || (in->has_mem && in->seg == X86_SS);
}

static bool spans_canonical_edge(uint64_t a)
{
    const uint64_t edge = 0x800000000000ull;
    return a < edge && a + 32 > edge;
}

/* An operand (ModRM, string rSI/rDI) starts below 2^47 and ends above: the emulator faults. */
static bool known_UNICORN_CANONICAL_SPAN(const struct view *v)
{
    const struct x86_insn *in = v->in;
    if (!v->decoded || !(is_exc(v->emu, 13) || is_exc(v->emu, 12)) || v->emu->error_code ||
        (v->uc->kind == v->emu->kind && v->uc->vector == v->emu->vector))
        return false;
    bool string = in->map == X86_MAP_PRIMARY && in->opcode >= 0xa4 && in->opcode <= 0xaf &&
                  in->opcode != 0xa8 && in->opcode != 0xa9;
    const uint64_t *r = v->c->regs.gpr;
    return (in->has_mem && spans_canonical_edge(operand_address(v))) ||
           (string && (spans_canonical_edge(r[X86_RDI]) || spans_canonical_edge(r[X86_RSI])));
}

/* x86_decode says longer than 15 bytes: #GP(0); Unicorn decodes on into the next byte. */
static bool known_UNICORN_LONG_INSN(const struct view *v)
{
    struct x86_insn in;
    return x86_decode(v->c->bytes, v->c->len, X86_MODE_LONG64, &in) == X86_DECODE_GP &&
           is_exc(v->emu, 13) && v->emu->error_code == 0 && !is_exc(v->uc, 13);
}

/* An FS/GS prefix followed by a CS/DS/ES/SS prefix, which 64-bit mode ignores. */
static bool known_UNICORN_NULL_SEG_PREFIX(const struct view *v)
{
    bool fs_gs = false;
    for (unsigned i = 0; i < v->c->len; i++) {
        uint8_t b = v->c->bytes[i];
        if (b == 0x64 || b == 0x65)
            fs_gs = true;
        else if (fs_gs && (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e))
            return v->emu->kind != v->uc->kind || v->emu->vector != v->uc->vector ||
                   v->emu->cr2 != v->uc->cr2;
        else if (!(b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3))
            break;
    }
    return false;
}

/* Detail classes: the outcomes agree once the difference is taken out. */

struct fixup {
    struct ed_outcome emu, uc;
    uint64_t table_bits_ignored; /* in page-table entries: A (5), D (6) */
    bool split_store;            /* differences allowed from split_off to a page's end */
    unsigned split_off;
};

static bool known_WALK_FLAGS_ON_FAULT(const struct view *v, struct fixup *f)
{
    if (!same_exception(v))
        return false;
    f->table_bits_ignored |= 0x60;
    return true;
}

/* The instruction ends within 15 bytes of its page's end: Unicorn goes on translating there. */
static bool known_UNICORN_TRANSLATES_AHEAD(const struct view *v, struct fixup *f)
{
    uint64_t rip = v->c->regs.rip, len = v->c->len;
    if (v->decoded && v->in->len > len)
        len = v->in->len;
    if (v->emu->kind != v->uc->kind || ((rip + len + 15) >> 12) == (rip >> 12))
        return false;
    f->table_bits_ignored |= 0x20;
    return true;
}

/* 16- or 32-byte stores (MOVUPS/MOVAPS/MOVDQU/MOVDQA/VMOVDQU) across a page edge. */
static bool known_UNICORN_SPLIT_STORE(const struct view *v, struct fixup *f)
{
    const struct x86_insn *in = v->in;
    if (!v->decoded || !same_exception(v) || (v->emu->vector != 14 && v->emu->vector != 13) ||
        !in->has_mem || in->map != X86_MAP_0F ||
        !(in->opcode == 0x11 || in->opcode == 0x29 || in->opcode == 0x7f))
        return false;
    uint64_t a = operand_address(v);
    bool page_edge = v->emu->vector == 14 && v->emu->cr2 == ((a + 16) & ~0xfffull);
    bool canonical_edge = v->emu->vector == 13 && a < 0x800000000000ull && a + 16 > 0x800000000000ull;
    if (!(page_edge || canonical_edge) || (a & 0xfff) <= 0xff0)
        return false;
    f->split_store = true;
    f->split_off = (unsigned)(a & 0xfff);
    return true;
}

static bool known_UNICORN_LOCK_NEG_FLAGS(const struct view *v, struct fixup *f)
{
    const struct ed_opcode *o = &v->op;
    if (!o->lock || o->vex || o->map != X86_MAP_PRIMARY || (o->opcode != 0xf6 && o->opcode != 0xf7) ||
        ((o->modrm >> 3) & 7) != 3 || v->emu->kind != ED_DONE || v->uc->kind != ED_DONE)
        return false;
    f->uc.regs.rflags = f->emu.regs.rflags;
    return true;
}

static bool known_UNICORN_SSE_SPLIT_LOAD(const struct view *v, struct fixup *f)
{
    const struct x86_insn *in = v->in;
    if (!v->decoded || !same_exception(v) || (v->emu->vector != 14 && v->emu->vector != 13) ||
        !in->has_mem || in->encoding == X86_ENC_EVEX || in->map != X86_MAP_0F ||
        !(in->opcode == 0x10 || in->opcode == 0x28 || in->opcode == 0x6f))
        return false;
    unsigned r = in->reg & 15;
    const uint64_t *before = v->c->regs.xmm[r];
    if (memcmp(v->emu->regs.xmm[r], before, 16) != 0 || v->uc->regs.xmm[r][1] != before[1] ||
        (operand_address(v) & 0xfff) <= 0xff0)
        return false;
    memcpy(f->uc.regs.xmm[r], before, 16);
    return true;
}

/* A 2-byte MOVSXD operand in the last 3 bytes of a page: Unicorn reads 4 bytes. */
static bool known_UNICORN_MOVSXD_16(const struct view *v, struct fixup *f)
{
    const struct x86_insn *in = v->in;
    if (!v->decoded || in->map != X86_MAP_PRIMARY || in->opcode != 0x63 || in->opsize != 2 ||
        !in->has_mem || (operand_address(v) & 0xfff) <= 0xffc)
        return false;
    uint64_t next_page = (operand_address(v) | 0xfff) + 1;
    if (v->emu->kind == ED_DONE && is_exc(v->uc, 14) && v->uc->cr2 == next_page) {
        const uint8_t *mem = f->uc.mem;
        f->uc = f->emu;
        f->uc.mem = mem;
        memcpy(f->uc.written, v->uc->written, sizeof f->uc.written);
    }
    f->table_bits_ignored |= 0x20; /* and its walk of the next page */
    return true;
}

/* CMPXCHG r/m32 that found EAX equal: the accumulator is not written (SDM Vol. 2A, CMPXCHG). */
static bool known_UNICORN_CMPXCHG32_RAX(const struct view *v, struct fixup *f)
{
    const struct x86_insn *in = v->in;
    uint64_t e = v->emu->regs.gpr[X86_RAX];
    if (!v->decoded || in->map != X86_MAP_0F || in->opcode != 0xb1 || in->opsize != 4 ||
        v->emu->kind != ED_DONE || v->uc->kind != ED_DONE || !(v->emu->regs.rflags & 0x40) ||
        e != v->c->regs.gpr[X86_RAX] || v->uc->regs.gpr[X86_RAX] != (e & 0xffffffffu))
        return false;
    f->uc.regs.gpr[X86_RAX] = e;
    return true;
}

typedef bool (*whole_pred)(const struct view *v);
typedef bool (*detail_pred)(const struct view *v, struct fixup *f);

/* Each class's predicate is known_<ID>, defined above: one of the two kinds. */
static const struct {
    whole_pred whole;
    detail_pred detail;
} known_preds[ED_KNOWN_COUNT] = {
#define ED_KNOWN_PRED(id, text) [ED_KNOWN_##id] = {_Generic(known_##id, \
    whole_pred: known_##id, default: NULL), _Generic(known_##id, detail_pred: known_##id, default: NULL)},
    ED_KNOWN_LIST(ED_KNOWN_PRED)
#undef ED_KNOWN_PRED
};

/* ---- the comparison ---- */

static const char *const gpr_names[X86_GPR_COUNT] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};

static const char *kind_name(enum ed_kind k)
{
    static const char *const n[] = {"done", "exception", "unsupported", "failed", "not run"};
    return k <= ED_NOT_RUN ? n[k] : "?";
}

static void describe(const struct ed_outcome *o, char *buf, size_t len)
{
    if (o->kind == ED_EXCEPTION)
        snprintf(buf, len, "vector %u ec %#x cr2 %#llx", o->vector, o->error_code,
                 (unsigned long long)o->cr2);
    else if (o->why)
        snprintf(buf, len, "%s (%s)", kind_name(o->kind), o->why);
    else
        snprintf(buf, len, "%s", kind_name(o->kind));
}

/* The first difference, in words; false when the outcomes agree. */
/* Two table pages equal but for `bits` of their entries. */
static bool tables_equal_but(const uint8_t *pa, const uint8_t *pb, uint64_t bits)
{
    for (unsigned i = 0; i < ED_PAGE; i += 8) {
        uint64_t ea, eb;
        memcpy(&ea, pa + i, 8), memcpy(&eb, pb + i, 8);
        if ((ea ^ eb) & ~bits)
            return false;
    }
    return true;
}

static bool find_difference(const struct view *v, const struct fixup *f, uint64_t undefined,
                            char *d, size_t dl)
{
    const struct ed_outcome *a = &f->emu, *b = &f->uc;
    char da[96], db[96];
    if (a->kind != b->kind || (a->kind == ED_EXCEPTION && a->vector != b->vector)) {
        describe(a, da, sizeof da), describe(b, db, sizeof db);
        snprintf(d, dl, "outcome: emulator %s, unicorn %s", da, db);
        return true;
    }
    if (a->kind == ED_EXCEPTION) {
        if (b->has_error_code && a->error_code != b->error_code) {
            snprintf(d, dl, "error code: emulator %#x, unicorn %#x", a->error_code, b->error_code);
            return true;
        }
        if (a->vector == 14 && a->cr2 != b->cr2) {
            snprintf(d, dl, "cr2: emulator %#llx, unicorn %#llx", (unsigned long long)a->cr2,
                     (unsigned long long)b->cr2);
            return true;
        }
    }
    for (unsigned i = 0; i < X86_GPR_COUNT; i++)
        if (a->regs.gpr[i] != b->regs.gpr[i]) {
            snprintf(d, dl, "%s: emulator %#llx, unicorn %#llx", gpr_names[i],
                     (unsigned long long)a->regs.gpr[i], (unsigned long long)b->regs.gpr[i]);
            return true;
        }
    if (a->regs.rip != b->regs.rip) {
        snprintf(d, dl, "rip: emulator %#llx, unicorn %#llx", (unsigned long long)a->regs.rip,
                 (unsigned long long)b->regs.rip);
        return true;
    }
    uint64_t fa = a->regs.rflags & ~undefined, fb = b->regs.rflags & ~undefined;
    if (fa != fb) {
        snprintf(d, dl, "rflags: emulator %#llx, unicorn %#llx (undefined %#llx)",
                 (unsigned long long)a->regs.rflags, (unsigned long long)b->regs.rflags,
                 (unsigned long long)undefined);
        return true;
    }
    for (unsigned i = 0; i < 16; i++)
        if (memcmp(a->regs.xmm[i], b->regs.xmm[i], 16) != 0) {
            snprintf(d, dl, "xmm%u: emulator %016llx%016llx, unicorn %016llx%016llx", i,
                     (unsigned long long)a->regs.xmm[i][1], (unsigned long long)a->regs.xmm[i][0],
                     (unsigned long long)b->regs.xmm[i][1], (unsigned long long)b->regs.xmm[i][0]);
            return true;
        }
    for (unsigned w = 0; w < ED_BITMAP_WORDS; w++) {
        for (uint64_t bits = v->c->used[w] | a->written[w] | b->written[w]; bits; bits &= bits - 1) {
            uint64_t page = (uint64_t)w * 64 + (unsigned)__builtin_ctzll(bits);
            const uint8_t *pa = a->mem + page * ED_PAGE, *pb = b->mem + page * ED_PAGE;
            if (memcmp(pa, pb, ED_PAGE) == 0)
                continue;
            if (f->table_bits_ignored && page >= ED_TABLE_FIRST && page < ED_TABLE_LAST &&
                tables_equal_but(pa, pb, f->table_bits_ignored))
                continue;
            if (f->split_store && memcmp(pa, pb, f->split_off) == 0)
                continue;
            unsigned off = 0;
            while (pa[off] == pb[off])
                off++;
            snprintf(d, dl, "memory at gpa %#llx: emulator %02x, unicorn %02x",
                     (unsigned long long)(page * ED_PAGE + off), pa[off], pb[off]);
            return true;
        }
    }
    return false;
}

void ed_compare(const struct ed_case *c, const struct ed_outcome *emu, const struct ed_outcome *uc,
                struct ed_compare *r)
{
    struct x86_insn in;
    memset(&in, 0, sizeof in);
    struct view v = {c, emu, uc, &in, x86_decode(c->bytes, c->len, X86_MODE_LONG64, &in) == X86_DECODE_OK,
                     {0}};
    ed_scan_opcode(c->bytes, c->len, &v.op);
    uint64_t undefined = v.decoded ? ed_undefined_flags(&in) : 0;
    r->verdict = ED_SAME;
    r->known = ED_KNOWN_COUNT;
    r->detail[0] = 0;
    if (emu->kind == ED_UNSUPPORTED) {
        r->verdict = ED_SKIPPED;
        snprintf(r->detail, sizeof r->detail, "unsupported: %s", emu->why ? emu->why : "");
        return;
    }
    struct fixup f = {*emu, *uc, 0, false, 0};
    if (!find_difference(&v, &f, undefined, r->detail, sizeof r->detail))
        return;
    for (unsigned k = 0; k < ED_KNOWN_COUNT; k++) {
        if (known_preds[k].whole && known_preds[k].whole(&v)) {
            r->verdict = ED_EXPLAINED;
            r->known = (enum ed_known)k;
            return;
        }
    }
    /* detail classes: take out every difference that applies, then compare again */
    char rest[sizeof r->detail] = "";
    for (unsigned k = 0; k < ED_KNOWN_COUNT; k++) {
        if (known_preds[k].detail && known_preds[k].detail(&v, &f) &&
            !find_difference(&v, &f, undefined, rest, sizeof rest)) {
            r->verdict = ED_EXPLAINED; /* credited to the class that removed the last difference */
            r->known = (enum ed_known)k;
            return;
        }
    }
    if (strcmp(rest, r->detail) != 0 && rest[0]) {
        size_t n = strlen(r->detail);
        snprintf(r->detail + n, sizeof r->detail - n, "; then %s", rest);
    }
    r->verdict = ED_DIFFERENT;
}

void ed_format_case(const struct ed_case *c, char *buf, size_t len)
{
    size_t n = 0;
    n += (size_t)snprintf(buf + n, len - n, "bytes");
    for (unsigned i = 0; i < c->len && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, " %02x", c->bytes[i]);
    if (n < len)
        snprintf(buf + n, len - n, " | %s | rip %#llx", c->name, (unsigned long long)c->regs.rip);
}
