/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SSE and AVX data moves that guests use on MMIO: MOVD/MOVQ between GPRs
 * or memory and XMM, MOVQ, MOVDQA/MOVDQU, MOVAPS/MOVUPS, MOVAPD/MOVUPD,
 * and their VEX forms (VMOVD/VMOVQ; VMOVDQA/VMOVDQU/VMOVAPS/VMOVUPS/
 * VMOVAPD/VMOVUPD with 128 or 256 bits).
 *
 * One table row per opcode, one column per mandatory prefix. A legacy SSE
 * move into an XMM register keeps bits 255:128 of the YMM register; a VEX
 * move zeroes every bit above what it writes. The aligned forms raise
 * #GP(0) on a misaligned address; the unaligned 16- and 32-byte forms do
 * not raise #AC (the SDM leaves that to the implementation); 4- and 8-byte
 * accesses are alignment-checked like any other.
 */
#include "emul_internal.h"

enum vec_kind {
    VEC_NONE,
    VEC_LOAD,      /* xmm(reg) <- xmm(rm) or memory */
    VEC_STORE,     /* xmm(rm) or memory <- xmm(reg) */
    VEC_FROM_GPR,  /* xmm(reg) <- r/m32 or r/m64 (W) */
    VEC_TO_GPR,    /* r/m32 or r/m64 (W) <- xmm(reg) */
};

struct vec_form {
    uint8_t kind;
    uint8_t width;   /* bytes moved; 0: 16, or 32 for VEX.L = 1 */
    uint8_t zero_to; /* legacy encoding: a register destination is zeroed up to this byte */
    bool aligned;    /* #GP(0) unless aligned to the width */
};

#define LOAD16(al) {VEC_LOAD, 0, 16, al}
#define STORE16(al) {VEC_STORE, 0, 16, al}

/* Rows (emul_op.arg), columns: no prefix, 66, F3, F2. */
static const struct vec_form forms[][4] = {
    [0] = {LOAD16(false), LOAD16(false), {0}, {0}},      /* 0F 10 MOVUPS, MOVUPD */
    [1] = {STORE16(false), STORE16(false), {0}, {0}},    /* 0F 11 */
    [2] = {LOAD16(true), LOAD16(true), {0}, {0}},        /* 0F 28 MOVAPS, MOVAPD */
    [3] = {STORE16(true), STORE16(true), {0}, {0}},      /* 0F 29 */
    [4] = {{0}, {VEC_FROM_GPR, 4, 16, false}, {0}, {0}}, /* 0F 6E MOVD/MOVQ xmm, r/m */
    [5] = {{0}, LOAD16(true), LOAD16(false), {0}},       /* 0F 6F MOVDQA, MOVDQU */
    [6] = {{0}, {VEC_TO_GPR, 4, 16, false}, {VEC_LOAD, 8, 16, false}, {0}}, /* 0F 7E */
    [7] = {{0}, STORE16(true), STORE16(false), {0}},     /* 0F 7F */
    [8] = {{0}, {VEC_STORE, 8, 16, false}, {0}, {0}},    /* 0F D6 MOVQ xmm/m64, xmm */
};

static unsigned prefix_column(uint8_t mandatory)
{
    switch (mandatory) {
    case 0x66: return 1;
    case 0xF3: return 2;
    case 0xF2: return 3;
    default: return 0;
    }
}

/* #UD and #NM as the SDM orders them for SSE and AVX instructions. */
static int state_checks(struct emul_ctx *c, bool vex)
{
    const struct x86_cpu_state *st = c->st;
    if (vex) {
        if (!(st->cr4 & EMUL_CR4_OSXSAVE) || (st->xcr0 & EMUL_XCR0_SSE_AVX) != EMUL_XCR0_SSE_AVX ||
            c->in->vex_vvvv != 0)
            return emul_ud(c);
    } else if ((st->cr0 & EMUL_CR0_EM) || !(st->cr4 & EMUL_CR4_OSFXSR)) {
        return emul_ud(c);
    }
    if (st->cr0 & EMUL_CR0_TS)
        return emul_exception(c, EMUL_VEC_NM, false, 0);
    return 0;
}

/* Writes `width` bytes into vector register r and zeroes it from there to `zero_to`. */
static void vec_write(struct emul_ctx *c, unsigned r, const uint8_t *src, unsigned width,
                      unsigned zero_to)
{
    uint8_t *v = c->st->vec[r & 15].b;
    emul_copy(v, src, width);
    for (unsigned i = width; i < zero_to; i++)
        v[i] = 0;
}

int emul_h_vec(struct emul_ctx *c, const struct emul_op *op)
{
    const struct x86_insn *in = c->in;
    const struct vec_form *f = &forms[op->arg][prefix_column(in->mandatory)];
    bool vex = in->encoding == X86_ENC_VEX;
    if (f->kind == VEC_NONE)
        return emul_unsupported(c, "this SSE form is not emulated");
    bool wide = vex ? in->vex_w : (in->rex & 8) != 0;
    unsigned width = f->width;
    if (f->kind == VEC_FROM_GPR || f->kind == VEC_TO_GPR)
        width = (wide && c->mode == X86_MODE_LONG64) ? 8 : 4;
    if (width == 0)
        width = (vex && in->vex_l) ? 32 : 16;
    else if (vex && in->vex_l)
        return emul_ud(c);
    if (state_checks(c, vex))
        return EMUL_STOP;
    unsigned zero_to = vex ? 32 : f->zero_to;
    unsigned acc = (f->kind == VEC_STORE || f->kind == VEC_TO_GPR) ? EMUL_ACC_WRITE
                                                                    : EMUL_ACC_READ;
    if (width > 8)
        acc |= EMUL_ACC_NO_AC;
    struct emul_ref ref;
    if (in->has_mem && emul_prepare(c, in->seg, emul_effective_address(c), width, acc,
                                    f->aligned ? width : 0, &ref))
        return EMUL_STOP;

    uint8_t buf[32];
    switch (f->kind) {
    case VEC_LOAD:
    case VEC_FROM_GPR:
        if (in->has_mem) {
            if (emul_ref_read(c, &ref, buf))
                return EMUL_STOP;
        } else if (f->kind == VEC_LOAD) {
            emul_copy(buf, c->st->vec[in->rm & 15].b, width);
        } else {
            emul_put_le(buf, width, emul_reg_get(c, in->rm, width));
        }
        vec_write(c, in->reg, buf, width, zero_to);
        break;
    case VEC_STORE:
        emul_copy(buf, c->st->vec[in->reg & 15].b, width);
        if (in->has_mem) {
            if (emul_ref_write(c, &ref, buf))
                return EMUL_STOP;
        } else {
            vec_write(c, in->rm, buf, width, zero_to);
        }
        break;
    default: /* VEC_TO_GPR */
        emul_copy(buf, c->st->vec[in->reg & 15].b, width);
        if (in->has_mem) {
            if (emul_ref_write(c, &ref, buf))
                return EMUL_STOP;
        } else {
            emul_reg_set(c, in->rm, width, emul_get_le(buf, width));
        }
        break;
    }
    return emul_done(c);
}
