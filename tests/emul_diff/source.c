/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The generator's choice source: a PRNG that records the bytes it hands
 * out, or a fuzz input read as the same bytes. A recorded PRNG case is
 * therefore a fuzz input that regenerates it (the harness's seeds).
 */
#include "emul_diff.h"

#include <string.h>

void ed_src_prng(struct ed_src *s, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->state = seed ^ 0x9e3779b97f4a7c15ull;
}

void ed_src_bytes(struct ed_src *s, const uint8_t *data, size_t len)
{
    memset(s, 0, sizeof *s);
    s->in = data;
    s->len = len;
}

static uint8_t next_byte(struct ed_src *s)
{
    if (s->in)
        return s->pos < s->len ? s->in[s->pos++] : 0;
    /* splitmix64, one byte at a time */
    uint64_t z = (s->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    uint8_t b = (uint8_t)(z ^ (z >> 31));
    if (s->recorded < ED_MAX_RECORD)
        s->record[s->recorded++] = b;
    return b;
}

uint64_t ed_draw(struct ed_src *s, uint64_t n)
{
    if (n <= 1)
        return 0;
    uint64_t v = 0;
    unsigned bytes = n <= 0x100 ? 1 : n <= 0x10000 ? 2 : n <= 0x100000000ull ? 4 : 8;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)next_byte(s) << (8 * i);
    return (n & (n - 1)) == 0 ? v & (n - 1) : v % n;
}

bool ed_chance(struct ed_src *s, unsigned num, unsigned den)
{
    return ed_draw(s, den) < num;
}
