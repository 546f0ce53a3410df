/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integer arithmetic with the SDM's flag results, shared by every
 * instruction that computes: ADD/ADC/SUB/SBB/CMP/NEG/INC/DEC (CF PF AF ZF
 * SF OF; INC and DEC keep CF), the logic operations and TEST (CF = OF = 0;
 * AF is undefined there and produced as 0), NOT and MOV (no flags), and
 * the Jcc/SETcc conditions.
 */
#include "emul_internal.h"

static uint64_t sign_bit(unsigned size)
{
    return 1ull << (size * 8 - 1);
}

/* ZF, SF and PF (even parity of the low byte) of a result. */
static uint64_t result_flags(uint64_t r, unsigned size)
{
    uint64_t f = 0;
    if (r == 0)
        f |= EMUL_ZF;
    if (r & sign_bit(size))
        f |= EMUL_SF;
    uint8_t p = (uint8_t)r;
    p ^= p >> 4;
    p ^= p >> 2;
    p ^= p >> 1;
    if (!(p & 1))
        f |= EMUL_PF;
    return f;
}

/* a + b (+ carry-in) = r; `carry` is the carry out of the top bit. */
static uint64_t add_flags(uint64_t a, uint64_t b, uint64_t r, bool carry, unsigned size)
{
    uint64_t f = result_flags(r, size);
    if ((a ^ b ^ r) & 0x10)
        f |= EMUL_AF;
    if (carry)
        f |= EMUL_CF;
    if ((a ^ r) & (b ^ r) & sign_bit(size))
        f |= EMUL_OF;
    return f;
}

/* a - b (- borrow-in) = r; `borrow` is the borrow into the top bit. */
static uint64_t sub_flags(uint64_t a, uint64_t b, uint64_t r, bool borrow, unsigned size)
{
    uint64_t f = result_flags(r, size);
    if ((a ^ b ^ r) & 0x10)
        f |= EMUL_AF;
    if (borrow)
        f |= EMUL_CF;
    if ((a ^ b) & (a ^ r) & sign_bit(size))
        f |= EMUL_OF;
    return f;
}

bool emul_alu_reads_dst(unsigned op)
{
    return op != ALU_MOV;
}

bool emul_alu_writes_dst(unsigned op)
{
    return op != ALU_CMP && op != ALU_TEST;
}

uint64_t emul_alu(unsigned op, uint64_t dst, uint64_t src, unsigned size, uint64_t *rflags)
{
    uint64_t m = emul_mask(size);
    uint64_t d = dst & m, s = src & m, r, f;
    uint64_t keep = EMUL_ARITH_FLAGS; /* the flags this operation replaces */
    bool cin;
    switch (op) {
    case ALU_ADD:
    case ALU_ADC:
        cin = op == ALU_ADC && (*rflags & EMUL_CF);
        r = (d + s + cin) & m;
        f = add_flags(d, s, r, cin ? r <= d : r < d, size);
        break;
    case ALU_SUB:
    case ALU_SBB:
    case ALU_CMP:
        cin = op == ALU_SBB && (*rflags & EMUL_CF);
        r = (d - s - cin) & m;
        f = sub_flags(d, s, r, cin ? d <= s : d < s, size);
        break;
    case ALU_OR:
        r = d | s;
        f = result_flags(r, size);
        break;
    case ALU_AND:
    case ALU_TEST:
        r = d & s;
        f = result_flags(r, size);
        break;
    case ALU_XOR:
        r = d ^ s;
        f = result_flags(r, size);
        break;
    case ALU_INC:
        r = (d + 1) & m;
        f = add_flags(d, 1, r, false, size);
        keep &= ~EMUL_CF;
        break;
    case ALU_DEC:
        r = (d - 1) & m;
        f = sub_flags(d, 1, r, false, size);
        keep &= ~EMUL_CF;
        break;
    case ALU_NEG:
        r = (0 - d) & m;
        f = sub_flags(0, d, r, d != 0, size);
        break;
    case ALU_NOT:
        return ~d & m;
    default: /* ALU_MOV */
        return s;
    }
    *rflags = (*rflags & ~keep) | f;
    return r;
}

bool emul_condition(unsigned cc, uint64_t f)
{
    bool sf_ne_of = !(f & EMUL_SF) != !(f & EMUL_OF);
    bool r;
    switch ((cc >> 1) & 7) {
    case 0: r = f & EMUL_OF; break;
    case 1: r = f & EMUL_CF; break;
    case 2: r = f & EMUL_ZF; break;
    case 3: r = f & (EMUL_CF | EMUL_ZF); break;
    case 4: r = f & EMUL_SF; break;
    case 5: r = f & EMUL_PF; break;
    case 6: r = sf_ne_of; break;
    default: r = (f & EMUL_ZF) || sf_ne_of; break;
    }
    return (cc & 1) ? !r : r;
}
