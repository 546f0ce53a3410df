/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The differential's instruction generator (gen.h). splitmix64 keeps it
 * deterministic; the weights favour what real code contains (few
 * prefixes, ModRM memory forms, maps 1-3 for VEX/EVEX) while still
 * reaching conflicting prefixes and malformed VEX/EVEX payloads.
 */
#include "gen.h"

void gen_seed(struct gen *g, uint64_t seed)
{
    g->state = seed;
}

uint64_t gen_next(struct gen *g)
{
    uint64_t z = (g->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static unsigned below(struct gen *g, unsigned n)
{
    return (unsigned)(gen_next(g) % n);
}

static bool is_prefix_or_rex(uint8_t b, enum x86_mode mode)
{
    switch (b) {
    case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65: case 0x66: case 0x67:
    case 0xF0: case 0xF2: case 0xF3:
        return true;
    default:
        return mode == X86_MODE_LONG64 && (b & 0xF0) == 0x40;
    }
}

/* A ModRM byte: a register form about a third of the time. */
static uint8_t modrm(struct gen *g)
{
    uint8_t m = (uint8_t)gen_next(g);
    if (below(g, 100) < 35)
        return m | 0xC0;
    return (uint8_t)((m & 0x3F) | (below(g, 3) << 6));
}

void gen_insn(struct gen *g, enum x86_mode mode, uint8_t out[GEN_BYTES])
{
    static const uint8_t prefixes[] = {0x66, 0x66, 0x66, 0xF2, 0xF3, 0xF3, 0x67, 0xF0,
                                       0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65};
    const bool m64 = mode == X86_MODE_LONG64;
    unsigned n = 0;
    for (unsigned i = 0; i < GEN_BYTES; i++)
        out[i] = (uint8_t)gen_next(g);

    unsigned r = below(g, 100);
    unsigned npfx = r < 60 ? 0 : r < 85 ? 1 : r < 95 ? 2 : 3 + below(g, 3);
    for (unsigned i = 0; i < npfx; i++)
        out[n++] = prefixes[below(g, sizeof prefixes)];
    if (m64 && below(g, 100) < 35)
        out[n++] = (uint8_t)(0x40 | below(g, 16));

    unsigned kind = below(g, 100);
    if (kind < 82) {
        if (kind >= 45)
            out[n++] = 0x0F;
        if (kind >= 70 && kind < 77)
            out[n++] = 0x38;
        else if (kind >= 77)
            out[n++] = 0x3A;
        uint8_t op;
        do
            op = (uint8_t)gen_next(g);
        while (kind < 45 && (is_prefix_or_rex(op, mode) || op == 0x0F));
        out[n++] = op;
    } else {
        /* Outside 64-bit mode VEX/EVEX need their first payload byte >= C0. */
        uint8_t top = m64 ? 0 : 0xC0;
        unsigned map = below(g, 100) < 95 ? 1 + below(g, 3) : below(g, 32);
        if (kind < 86) {
            out[n++] = 0xC5;
            out[n++] = (uint8_t)gen_next(g) | top;
        } else if (kind < 92) {
            out[n++] = 0xC4;
            out[n++] = (uint8_t)((gen_next(g) & 0xE0) | map | top);
            out[n++] = (uint8_t)gen_next(g);
        } else {
            out[n++] = 0x62;
            uint8_t p0 = (uint8_t)((gen_next(g) & 0xF0) | (map & 7) | top);
            if (below(g, 100) < 5)
                p0 |= 0x08;
            uint8_t p1 = (uint8_t)gen_next(g);
            if (below(g, 100) < 95)
                p1 |= 0x04;
            out[n++] = p0;
            out[n++] = p1;
            out[n++] = (uint8_t)gen_next(g);
        }
        out[n++] = (uint8_t)gen_next(g);
    }
    if (n < GEN_BYTES)
        out[n] = modrm(g);
}
