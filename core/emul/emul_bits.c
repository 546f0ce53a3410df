/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BT, BTS, BTR and BTC with a register or an immediate bit offset. An
 * immediate offset is taken modulo the operand width. A register offset
 * with a memory operand is a signed bit string index: the operand-sized
 * word at EA + size * (offset SAR log2(width)) holds the bit, so the
 * access may lie far from EA (before it for a negative offset).
 *
 * CF is the selected bit; ZF is kept; OF, SF, AF and PF are undefined and
 * kept as they were.
 */
#include "emul_internal.h"

static unsigned log2_bits(unsigned size)
{
    return size == 2 ? 4 : size == 4 ? 5 : 6;
}

int emul_h_bt(struct emul_ctx *c, const struct emul_op *op)
{
    const struct x86_insn *in = c->in;
    unsigned size = in->opsize, bits = size * 8;
    unsigned acc = op->arg == BT_TEST ? EMUL_ACC_READ : EMUL_ACC_WRITE;
    unsigned bit;
    struct emul_opnd o;

    if (op->flags & OPF_SRC_IMM) {
        bit = (unsigned)in->imm & (bits - 1);
        if (emul_rm_opnd(c, size, acc, &o))
            return EMUL_STOP;
    } else {
        uint64_t raw = emul_reg_get(c, in->reg, size);
        bit = (unsigned)raw & (bits - 1);
        if (!in->has_mem) {
            emul_reg_opnd(in->rm, size, &o);
        } else {
            unsigned shift = 64 - bits;
            int64_t offset = (int64_t)(raw << shift) >> shift; /* sign-extend from the size */
            int64_t words = offset >> log2_bits(size);
            uint64_t ea = (emul_effective_address(c) + (uint64_t)words * size) &
                          emul_mask(in->addrsize);
            o.is_mem = true;
            o.size = (uint8_t)size;
            if (emul_prepare(c, in->seg, ea, size, acc, 0, &o.ref))
                return EMUL_STOP;
        }
    }
    uint64_t v;
    if (emul_opnd_load(c, &o, &v))
        return EMUL_STOP;
    uint64_t mask = 1ull << bit;
    bool old = (v & mask) != 0;
    if (op->arg != BT_TEST) {
        switch (op->arg) {
        case BT_SET: v |= mask; break;
        case BT_RESET: v &= ~mask; break;
        default: v ^= mask; break;
        }
        if (emul_opnd_store(c, &o, v))
            return EMUL_STOP;
    }
    c->st->rflags = (c->st->rflags & ~EMUL_CF) | (old ? EMUL_CF : 0);
    return emul_done(c);
}
