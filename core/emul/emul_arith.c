/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integer instructions on a register or memory destination: the binary
 * forms of MOV, the ALU operations and TEST (one handler, the form comes
 * from the table), INC/DEC/NOT/NEG, MOVZX/MOVSX/MOVSXD, XCHG, CMPXCHG,
 * XADD, SETcc and MOVBE.
 *
 * Each handler checks and translates every memory operand, then reads,
 * computes, writes memory, and writes registers last, so a fault or a
 * refused memory callback leaves the registers as they were.
 */
#include "emul_internal.h"

static unsigned operand_size(const struct emul_ctx *c, const struct emul_op *op)
{
    return (op->flags & OPF_BYTE) ? 1 : c->in->opsize;
}

int emul_h_binary(struct emul_ctx *c, const struct emul_op *op)
{
    const struct x86_insn *in = c->in;
    unsigned size = operand_size(c, op);
    unsigned alu = op->arg;
    struct emul_opnd src, dst;
    uint64_t s, d = 0;

    if (op->flags & OPF_SRC_IMM) {
        s = in->imm;
    } else {
        if (op->flags & OPF_SRC_RM) {
            if (emul_rm_opnd(c, size, EMUL_ACC_READ, &src))
                return EMUL_STOP;
        } else {
            emul_reg_opnd((op->flags & OPF_SRC_ACC) ? X86_RAX : in->reg, size, &src);
        }
        if (emul_opnd_load(c, &src, &s))
            return EMUL_STOP;
    }
    if (op->flags & OPF_DST_RM) {
        unsigned acc = emul_alu_writes_dst(alu) ? EMUL_ACC_WRITE : EMUL_ACC_READ;
        if (emul_rm_opnd(c, size, acc, &dst))
            return EMUL_STOP;
    } else {
        emul_reg_opnd((op->flags & OPF_DST_ACC) ? X86_RAX : in->reg, size, &dst);
    }
    if (emul_alu_reads_dst(alu) && emul_opnd_load(c, &dst, &d))
        return EMUL_STOP;
    uint64_t rflags = c->st->rflags;
    uint64_t r = emul_alu(alu, d, s, size, &rflags);
    if (emul_alu_writes_dst(alu) && emul_opnd_store(c, &dst, r))
        return EMUL_STOP;
    c->st->rflags = rflags;
    return emul_done(c);
}

int emul_h_unary(struct emul_ctx *c, const struct emul_op *op)
{
    unsigned size = operand_size(c, op);
    struct emul_opnd dst;
    uint64_t d;
    if (emul_rm_opnd(c, size, EMUL_ACC_WRITE, &dst) || emul_opnd_load(c, &dst, &d))
        return EMUL_STOP;
    uint64_t rflags = c->st->rflags;
    uint64_t r = emul_alu(op->arg, d, 0, size, &rflags);
    if (emul_opnd_store(c, &dst, r))
        return EMUL_STOP;
    c->st->rflags = rflags;
    return emul_done(c);
}

int emul_h_movx(struct emul_ctx *c, const struct emul_op *op)
{
    const struct x86_insn *in = c->in;
    if (in->map == X86_MAP_PRIMARY && c->mode != X86_MODE_LONG64)
        return emul_unsupported(c, "ARPL is not emulated");
    unsigned dsize = in->opsize;
    unsigned ssize = op->arg & ~MOVX_SIGN;
    if (ssize > dsize) /* MOVSXD r16, MOVZX r16, r/m16: a plain move */
        ssize = dsize;
    struct emul_opnd src;
    uint64_t v;
    if (emul_rm_opnd(c, ssize, EMUL_ACC_READ, &src) || emul_opnd_load(c, &src, &v))
        return EMUL_STOP;
    if ((op->arg & MOVX_SIGN) && ssize < 8 && (v >> (ssize * 8 - 1)) & 1)
        v |= ~emul_mask(ssize);
    emul_reg_set(c, in->reg, dsize, v);
    return emul_done(c);
}

int emul_h_xchg(struct emul_ctx *c, const struct emul_op *op)
{
    unsigned size = operand_size(c, op);
    struct emul_opnd a, b;
    uint64_t va, vb;
    emul_reg_opnd(c->in->reg, size, &b);
    if (emul_rm_opnd(c, size, EMUL_ACC_WRITE, &a) || emul_opnd_load(c, &a, &va) ||
        emul_opnd_load(c, &b, &vb) || emul_opnd_store(c, &a, vb))
        return EMUL_STOP;
    emul_opnd_store(c, &b, va);
    return emul_done(c);
}

/*
 * The destination is written in both outcomes (the SDM's DEST := TEMP when
 * unequal), the accumulator only when unequal.
 */
int emul_h_cmpxchg(struct emul_ctx *c, const struct emul_op *op)
{
    unsigned size = operand_size(c, op);
    struct emul_opnd dst;
    uint64_t d;
    if (emul_rm_opnd(c, size, EMUL_ACC_WRITE, &dst) || emul_opnd_load(c, &dst, &d))
        return EMUL_STOP;
    uint64_t acc = emul_reg_get(c, X86_RAX, size);
    uint64_t rflags = c->st->rflags;
    emul_alu(ALU_CMP, acc, d, size, &rflags);
    bool equal = acc == d;
    if (emul_opnd_store(c, &dst, equal ? emul_reg_get(c, c->in->reg, size) : d))
        return EMUL_STOP;
    if (!equal)
        emul_reg_set(c, X86_RAX, size, d);
    c->st->rflags = rflags;
    return emul_done(c);
}

int emul_h_xadd(struct emul_ctx *c, const struct emul_op *op)
{
    unsigned size = operand_size(c, op);
    struct emul_opnd dst, src;
    uint64_t d, s;
    emul_reg_opnd(c->in->reg, size, &src);
    if (emul_rm_opnd(c, size, EMUL_ACC_WRITE, &dst) || emul_opnd_load(c, &dst, &d) ||
        emul_opnd_load(c, &src, &s))
        return EMUL_STOP;
    uint64_t rflags = c->st->rflags;
    uint64_t sum = emul_alu(ALU_ADD, d, s, size, &rflags);
    if (dst.is_mem && emul_opnd_store(c, &dst, sum))
        return EMUL_STOP;
    emul_opnd_store(c, &src, d);
    if (!dst.is_mem) /* a register destination is written last: XADD r, r keeps the sum */
        emul_opnd_store(c, &dst, sum);
    c->st->rflags = rflags;
    return emul_done(c);
}

int emul_h_setcc(struct emul_ctx *c, const struct emul_op *op)
{
    struct emul_opnd dst;
    if (emul_rm_opnd(c, 1, EMUL_ACC_WRITE, &dst) ||
        emul_opnd_store(c, &dst, emul_condition(op->arg, c->st->rflags)))
        return EMUL_STOP;
    return emul_done(c);
}

static uint64_t byte_swap(uint64_t v, unsigned size)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < size; i++, v >>= 8)
        r = (r << 8) | (v & 0xff);
    return r;
}

/* arg 0: MOVBE r, m (0F 38 F0); arg 1: MOVBE m, r (0F 38 F1). */
int emul_h_movbe(struct emul_ctx *c, const struct emul_op *op)
{
    unsigned size = c->in->opsize;
    struct emul_opnd m;
    uint64_t v;
    if (op->arg == 0) {
        if (emul_rm_opnd(c, size, EMUL_ACC_READ, &m) || emul_opnd_load(c, &m, &v))
            return EMUL_STOP;
        emul_reg_set(c, c->in->reg, size, byte_swap(v, size));
    } else {
        v = emul_reg_get(c, c->in->reg, size);
        if (emul_rm_opnd(c, size, EMUL_ACC_WRITE, &m) ||
            emul_opnd_store(c, &m, byte_swap(v, size)))
            return EMUL_STOP;
    }
    return emul_done(c);
}
