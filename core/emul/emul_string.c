/* SPDX-License-Identifier: Apache-2.0 */
/*
 * String instructions MOVS, CMPS, STOS, LODS, SCAS with and without REP.
 * The source is seg:rSI (DS unless overridden), the destination ES:rDI
 * (never overridden); rSI, rDI and rCX are address-size registers (16-bit
 * ones wrap and merge). DF selects the direction. F3 and F2 both repeat
 * MOVS, STOS and LODS; for CMPS and SCAS F3 repeats while equal (REPE) and
 * F2 while not equal (REPNE).
 *
 * A repeated instruction runs at most max_rep_iterations iterations per
 * call. Each iteration is all-or-nothing and commits before the next one;
 * when the bound is reached before rCX or the condition ends it, RIP stays
 * on the instruction and rep_incomplete is set, so that the next emulation
 * continues it. A fault in a later iteration keeps the earlier ones, as
 * the processor does.
 */
#include "emul_internal.h"

struct str_step {
    unsigned kind, size, asize, src_seg;
    uint64_t delta; /* +size, or -size with DF */
};

static void advance(struct emul_ctx *c, const struct str_step *s, unsigned reg)
{
    emul_addr_reg_set(c, reg, s->asize, c->st->gpr[reg] + s->delta);
}

static void compare(struct emul_ctx *c, const struct str_step *s, uint64_t a, uint64_t b)
{
    emul_alu(ALU_CMP, a, b, s->size, &c->st->rflags);
}

/* One iteration: every check first, then the memory write, then registers. */
static int iterate(struct emul_ctx *c, const struct str_step *s)
{
    uint64_t am = emul_mask(s->asize);
    uint64_t si = c->st->gpr[X86_RSI] & am, di = c->st->gpr[X86_RDI] & am;
    bool uses_src = s->kind == STR_MOVS || s->kind == STR_CMPS || s->kind == STR_LODS;
    bool uses_dst = s->kind != STR_LODS;
    unsigned dst_acc = (s->kind == STR_MOVS || s->kind == STR_STOS) ? EMUL_ACC_WRITE
                                                                     : EMUL_ACC_READ;
    struct emul_ref src, dst;
    uint8_t a[8], b[8];
    if (uses_src && emul_prepare(c, s->src_seg, si, s->size, EMUL_ACC_READ, 0, &src))
        return EMUL_STOP;
    if (uses_dst && emul_prepare(c, X86_ES, di, s->size, dst_acc, 0, &dst))
        return EMUL_STOP;
    if (uses_src && emul_ref_read(c, &src, a))
        return EMUL_STOP;
    uint64_t acc = emul_reg_get(c, X86_RAX, s->size);
    switch (s->kind) {
    case STR_MOVS:
        if (emul_ref_write(c, &dst, a))
            return EMUL_STOP;
        break;
    case STR_STOS:
        emul_put_le(b, s->size, acc);
        if (emul_ref_write(c, &dst, b))
            return EMUL_STOP;
        break;
    case STR_LODS:
        emul_reg_set(c, X86_RAX, s->size, emul_get_le(a, s->size));
        break;
    default: /* CMPS: [rSI] - [rDI]; SCAS: rAX - [rDI] */
        if (emul_ref_read(c, &dst, b))
            return EMUL_STOP;
        compare(c, s, s->kind == STR_CMPS ? emul_get_le(a, s->size) : acc,
                emul_get_le(b, s->size));
        break;
    }
    if (uses_src)
        advance(c, s, X86_RSI);
    if (uses_dst)
        advance(c, s, X86_RDI);
    return 0;
}

int emul_h_string(struct emul_ctx *c, const struct emul_op *op)
{
    const struct x86_insn *in = c->in;
    struct x86_cpu_state *st = c->st;
    struct str_step s = {
        .kind = op->arg,
        .size = (op->flags & OPF_BYTE) ? 1 : in->opsize,
        .asize = in->addrsize,
        .src_seg = in->seg, /* DS unless overridden, as the decoder resolves it */
    };
    s.delta = (st->rflags & EMUL_DF) ? 0 - (uint64_t)s.size : s.size;
    bool compares = s.kind == STR_CMPS || s.kind == STR_SCAS;
    unsigned rep = in->last_rep;
    uint64_t am = emul_mask(s.asize);

    if (!rep)
        return iterate(c, &s) ? EMUL_STOP : emul_done(c);
    if ((st->gpr[X86_RCX] & am) == 0)
        return emul_done(c);
    for (uint32_t n = 1;; n++) {
        if (iterate(c, &s))
            return EMUL_STOP;
        uint64_t count = (st->gpr[X86_RCX] - 1) & am;
        emul_addr_reg_set(c, X86_RCX, s.asize, count);
        if (count == 0)
            return emul_done(c);
        if (compares && ((rep == 0xF3) != ((st->rflags & EMUL_ZF) != 0)))
            return emul_done(c);
        if (n >= c->max_rep) {
            c->res->rep_incomplete = true;
            return 0;
        }
    }
}
