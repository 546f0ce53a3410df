/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registers and operands: general-purpose registers by size (AH..BH
 * without REX, 32-bit writes zero-extend, 8- and 16-bit writes merge), the
 * ModRM r/m operand as a register or a checked memory reference, loaded
 * and stored as little-endian guest bytes.
 */
#include "emul_internal.h"

/* Byte registers 4..7 are AH, CH, DH, BH unless a REX prefix is present. */
static bool high_byte(const struct emul_ctx *c, unsigned reg, unsigned size)
{
    return size == 1 && !c->in->rex && reg >= 4 && reg < 8;
}

uint64_t emul_reg_get(const struct emul_ctx *c, unsigned reg, unsigned size)
{
    if (high_byte(c, reg, size))
        return (c->st->gpr[reg - 4] >> 8) & 0xff;
    return c->st->gpr[reg & 15] & emul_mask(size);
}

void emul_reg_set(struct emul_ctx *c, unsigned reg, unsigned size, uint64_t v)
{
    if (high_byte(c, reg, size)) {
        uint64_t *r = &c->st->gpr[reg - 4];
        *r = (*r & ~0xff00ull) | ((v & 0xff) << 8);
        return;
    }
    uint64_t *r = &c->st->gpr[reg & 15];
    if (size >= 4)
        *r = v & emul_mask(size);
    else
        *r = (*r & ~emul_mask(size)) | (v & emul_mask(size));
}

void emul_addr_reg_set(struct emul_ctx *c, unsigned reg, unsigned asize, uint64_t v)
{
    uint64_t *r = &c->st->gpr[reg & 15];
    if (asize == 2)
        *r = (*r & ~0xffffull) | (v & 0xffff);
    else
        *r = v & emul_mask(asize);
}

int emul_rm_opnd(struct emul_ctx *c, unsigned size, unsigned acc, struct emul_opnd *o)
{
    o->size = (uint8_t)size;
    o->is_mem = c->in->has_mem;
    if (!o->is_mem) {
        o->reg = c->in->rm;
        return 0;
    }
    return emul_prepare(c, c->in->seg, emul_effective_address(c), size, acc, 0, &o->ref);
}

void emul_reg_opnd(unsigned reg, unsigned size, struct emul_opnd *o)
{
    o->is_mem = false;
    o->size = (uint8_t)size;
    o->reg = (uint8_t)reg;
}

int emul_opnd_load(struct emul_ctx *c, const struct emul_opnd *o, uint64_t *v)
{
    if (!o->is_mem) {
        *v = emul_reg_get(c, o->reg, o->size);
        return 0;
    }
    uint8_t b[8];
    if (emul_ref_read(c, &o->ref, b))
        return EMUL_STOP;
    *v = emul_get_le(b, o->size);
    return 0;
}

int emul_opnd_store(struct emul_ctx *c, const struct emul_opnd *o, uint64_t v)
{
    if (!o->is_mem) {
        emul_reg_set(c, o->reg, o->size, v);
        return 0;
    }
    uint8_t b[8];
    emul_put_le(b, o->size, v);
    return emul_ref_write(c, &o->ref, b);
}
