/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ALU flag helpers against the flags' definitions, computed here with
 * 128-bit arithmetic: CF is an unsigned result out of range, OF a signed
 * one, AF a carry or borrow out of bit 3, ZF/SF/PF read off the result.
 * Every operation, every size, edge operands and many generated ones.
 */
#include "emul_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

typedef __int128 i128;

#define CF 0x001u
#define PF 0x004u
#define AF 0x010u
#define ZF 0x040u
#define SF 0x080u
#define OF 0x800u

static int64_t sext(uint64_t v, unsigned size)
{
    unsigned shift = 64 - 8 * size;
    return (int64_t)(v << shift) >> shift;
}

static uint64_t result_flags(uint64_t r, unsigned size)
{
    uint64_t f = 0;
    if (r == 0)
        f |= ZF;
    if (sext(r, size) < 0)
        f |= SF;
    if (__builtin_popcount((unsigned)(r & 0xff)) % 2 == 0)
        f |= PF;
    return f;
}

/* The defined flags of dst op src (+/- carry) by definition. */
static uint64_t expected(unsigned op, uint64_t d, uint64_t s, bool cin, unsigned size,
                         uint64_t *result, uint64_t old)
{
    uint64_t m = emul_mask(size);
    i128 max_u = (i128)m;
    i128 min_s = -((i128)1 << (8 * size - 1)), max_s = ((i128)1 << (8 * size - 1)) - 1;
    i128 u, sg;
    unsigned nib;
    bool sub = false, keep_cf = false;
    switch (op) {
    case ALU_ADD: cin = false; /* fall through */
    case ALU_ADC:
        u = (i128)d + s + cin;
        sg = (i128)sext(d, size) + sext(s, size) + cin;
        nib = (unsigned)(d & 15) + (unsigned)(s & 15) + cin;
        break;
    case ALU_SUB:
    case ALU_CMP: cin = false; /* fall through */
    case ALU_SBB:
        sub = true;
        u = (i128)d - s - cin;
        sg = (i128)sext(d, size) - sext(s, size) - cin;
        nib = (unsigned)(d & 15) < (unsigned)(s & 15) + cin;
        break;
    case ALU_INC:
        keep_cf = true;
        u = (i128)d + 1;
        sg = (i128)sext(d, size) + 1;
        nib = (unsigned)(d & 15) + 1;
        break;
    case ALU_DEC:
        keep_cf = sub = true;
        u = (i128)d - 1;
        sg = (i128)sext(d, size) - 1;
        nib = (d & 15) < 1;
        break;
    case ALU_NEG:
        sub = true;
        u = -(i128)d;
        sg = -(i128)sext(d, size);
        nib = 0 < (d & 15);
        break;
    default: { /* AND OR XOR TEST: CF = OF = AF = 0 */
        uint64_t r = op == ALU_OR ? d | s : op == ALU_XOR ? d ^ s : d & s;
        *result = r;
        return result_flags(r, size);
    }
    }
    uint64_t r = (uint64_t)u & m;
    *result = r;
    uint64_t f = result_flags(r, size);
    if (keep_cf)
        f |= old & CF;
    else if (sub ? u < 0 : u > max_u)
        f |= CF;
    if (sg < min_s || sg > max_s)
        f |= OF;
    if (sub ? nib != 0 : nib > 15)
        f |= AF;
    return f;
}

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t operand(unsigned i, unsigned size)
{
    static const uint64_t edges[] = {0, 1, 2, 0x0f, 0x10, 0x7f, 0x80, 0xff, 0x7fff, 0x8000,
                                     0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
                                     0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull};
    uint64_t v = i < sizeof edges / sizeof edges[0] ? edges[i] : next();
    return v & emul_mask(size);
}

static void arithmetic_flags_match_their_definitions(void **state)
{
    (void)state;
    static const unsigned ops[] = {ALU_ADD, ALU_OR,  ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB,
                                   ALU_XOR, ALU_CMP, ALU_TEST, ALU_INC, ALU_DEC, ALU_NEG};
    static const unsigned sizes[] = {1, 2, 4, 8};
    for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++)
        for (unsigned z = 0; z < 4; z++)
            for (unsigned i = 0; i < 60; i++)
                for (unsigned j = 0; j < 60; j++)
                    for (unsigned cin = 0; cin < 2; cin++) {
                        unsigned size = sizes[z];
                        uint64_t d = operand(i, size), s = operand(j, size);
                        uint64_t old = 2 | (cin ? CF : 0) | 0x400; /* DF must survive */
                        uint64_t rflags = old, want;
                        uint64_t got = emul_alu(ops[k], d, s, size, &rflags);
                        uint64_t flags = expected(ops[k], d, s, cin, size, &want, old);
                        if (ops[k] != ALU_CMP && ops[k] != ALU_TEST)
                            assert_int_equal(got, want);
                        assert_int_equal(rflags & (CF | PF | AF | ZF | SF | OF), flags);
                        assert_int_equal(rflags & ~(uint64_t)(CF | PF | AF | ZF | SF | OF),
                                         old & ~(uint64_t)CF);
                    }
}

static void not_and_mov_change_no_flags(void **state)
{
    (void)state;
    uint64_t rflags = 0x8d7;
    assert_int_equal(emul_alu(ALU_NOT, 0x0f, 0, 1, &rflags), 0xf0);
    assert_int_equal(emul_alu(ALU_MOV, 5, 0x1234, 2, &rflags), 0x1234);
    assert_int_equal(rflags, 0x8d7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arithmetic_flags_match_their_definitions),
        cmocka_unit_test(not_and_mov_change_no_flags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
