/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PUSH r/m (FF /6) and POP r/m (8F /0). The stack is SS:rSP with the
 * stack-address size (64 bits in 64-bit mode, else SS.B), the operand size
 * is 16 or 64 bits in 64-bit mode. PUSH computes its source address with
 * the old rSP; POP computes its destination address with the incremented
 * rSP, as the SDM specifies.
 */
#include "emul_internal.h"

static unsigned stack_operand_size(const struct emul_ctx *c)
{
    if (c->mode == X86_MODE_LONG64)
        return c->in->opsize == 2 ? 2 : 8;
    return c->in->opsize;
}

static unsigned stack_address_size(const struct emul_ctx *c)
{
    if (c->mode == X86_MODE_LONG64)
        return 8;
    return (c->st->seg[X86_SS].ar & EMUL_AR_DB) ? 4 : 2;
}

int emul_h_push(struct emul_ctx *c, const struct emul_op *op)
{
    (void)op;
    unsigned size = stack_operand_size(c), asize = stack_address_size(c);
    struct emul_opnd src;
    struct emul_ref top;
    uint64_t v;
    if (emul_rm_opnd(c, size, EMUL_ACC_READ, &src) || emul_opnd_load(c, &src, &v))
        return EMUL_STOP;
    uint64_t sp = (c->st->gpr[X86_RSP] - size) & emul_mask(asize);
    uint8_t b[8];
    emul_put_le(b, size, v);
    if (emul_prepare(c, X86_SS, sp, size, EMUL_ACC_WRITE, 0, &top) ||
        emul_ref_write(c, &top, b))
        return EMUL_STOP;
    emul_addr_reg_set(c, X86_RSP, asize, sp);
    return emul_done(c);
}

int emul_h_pop(struct emul_ctx *c, const struct emul_op *op)
{
    (void)op;
    unsigned size = stack_operand_size(c), asize = stack_address_size(c);
    struct x86_cpu_state *st = c->st;
    struct emul_ref top;
    uint8_t b[8];
    uint64_t sp = st->gpr[X86_RSP] & emul_mask(asize);
    if (emul_prepare(c, X86_SS, sp, size, EMUL_ACC_READ, 0, &top) || emul_ref_read(c, &top, b))
        return EMUL_STOP;
    uint64_t v = emul_get_le(b, size);
    uint64_t old_rsp = st->gpr[X86_RSP];
    emul_addr_reg_set(c, X86_RSP, asize, sp + size); /* the destination address sees it */
    uint64_t new_rsp = st->gpr[X86_RSP];
    struct emul_opnd dst;
    int stop = emul_rm_opnd(c, size, EMUL_ACC_WRITE, &dst);
    st->gpr[X86_RSP] = old_rsp;
    if (stop || (dst.is_mem && emul_opnd_store(c, &dst, v)))
        return EMUL_STOP;
    st->gpr[X86_RSP] = new_rsp;
    if (!dst.is_mem) /* POP rSP: the popped value wins */
        emul_opnd_store(c, &dst, v);
    return emul_done(c);
}
