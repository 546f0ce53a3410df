/* SPDX-License-Identifier: Apache-2.0 */
/* Page-aligned range sets (see ranges.h). */
#include "ranges.h"

#define PAGE_MASK ((uint64_t)LIBOS_PAGE_SIZE - 1)

static uint64_t page_down(uint64_t a) { return a & ~PAGE_MASK; }

/* Rounds up, saturating at the last page boundary instead of wrapping. */
static uint64_t page_up(uint64_t a)
{
    return a > ~PAGE_MASK ? ~PAGE_MASK : (a + PAGE_MASK) & ~PAGE_MASK;
}

static bool append(struct libos_range_set *s, uint64_t base, uint64_t end)
{
    if (base >= end) return true;
    if (s->count == LIBOS_RANGE_SET_MAX) return false;
    s->r[s->count++] = (struct libos_mem_range){base, end};
    return true;
}

bool libos_range_set_add(struct libos_range_set *s, uint64_t base, uint64_t end)
{
    return append(s, page_up(base), page_down(end));
}

void libos_range_set_carve(struct libos_range_set *s, uint64_t lo, uint64_t hi)
{
    lo = page_down(lo);
    hi = page_up(hi);
    unsigned n = s->count;
    for (unsigned i = 0; i < n; i++) {
        struct libos_mem_range r = s->r[i];
        if (hi <= r.base || lo >= r.end) continue;
        s->r[i].end = lo > r.base ? lo : r.base; /* the part below lo */
        append(s, hi > r.base ? hi : r.base, r.end); /* the part above hi */
    }
    unsigned kept = 0;
    for (unsigned i = 0; i < s->count; i++)
        if (s->r[i].base < s->r[i].end) s->r[kept++] = s->r[i];
    s->count = kept;
}

uint64_t libos_range_set_pages(const struct libos_range_set *s)
{
    uint64_t pages = 0;
    for (unsigned i = 0; i < s->count; i++)
        pages += (s->r[i].end - s->r[i].base) / LIBOS_PAGE_SIZE;
    return pages;
}
