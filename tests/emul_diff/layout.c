/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The memory layout of a case: 4-level page tables built in the case's
 * guest-physical image (the same tables on both sides, so both page walks
 * run), a code region and data regions at varied linear addresses, some
 * pages not present, read-only, user or with a reserved bit set.
 */
#include "layout.h"

#include <string.h>

#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_US 0x4ull
#define PTE_A 0x20ull
#define PTE_D 0x40ull
#define PTE_PS 0x80ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
#define PTE_RSVD_BIT (1ull << 45) /* above the 40-bit physical-address width */

static void mark_used(struct ed_case *c, uint64_t page)
{
    c->used[page / 64] |= 1ull << (page % 64);
}

static uint64_t *entry(struct ed_case *c, uint64_t table_pa, unsigned idx)
{
    return (uint64_t *)(c->mem + table_pa) + idx;
}

static uint64_t alloc_table(struct ed_layout *l, struct ed_case *c)
{
    if (l->next_table >= ED_TABLE_LAST)
        return 0;
    uint64_t page = l->next_table++;
    mark_used(c, page);
    memset(c->mem + page * ED_PAGE, 0, ED_PAGE);
    return page * ED_PAGE;
}

void ed_layout_init(struct ed_layout *l, struct ed_case *c)
{
    memset(l, 0, sizeof *l);
    l->next_table = ED_TABLE_FIRST;
    c->cr3 = alloc_table(l, c);
}

/*
 * Maps `va` to `pa` with a leaf at `leaf_level` (1: 4 KiB PTE, 2: 2 MiB
 * PDE). Fails when a table cannot be allocated or the slot is taken.
 */
bool ed_map(struct ed_layout *l, struct ed_case *c, uint64_t va, uint64_t pa, uint64_t leaf_flags,
            unsigned leaf_level, uint64_t table_flags)
{
    uint64_t table = c->cr3;
    for (unsigned level = 4; level > leaf_level; level--) {
        unsigned idx = (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
        uint64_t *e = entry(c, table, idx);
        if (!(*e & PTE_P)) {
            uint64_t t = alloc_table(l, c);
            if (!t)
                return false;
            *e = t | PTE_P | PTE_RW | PTE_US | table_flags;
        } else if (*e & PTE_PS) {
            return false;
        }
        table = *e & PTE_ADDR;
    }
    unsigned idx = (unsigned)(va >> (12 + 9 * (leaf_level - 1))) & 511;
    uint64_t *e = entry(c, table, idx);
    if (*e)
        return false;
    *e = pa | leaf_flags | (leaf_level > 1 ? PTE_PS : 0);
    return true;
}

bool ed_translate(const struct ed_case *c, uint64_t va, uint64_t *pa)
{
    uint64_t table = c->cr3;
    for (unsigned level = 4; level >= 1; level--) {
        unsigned shift = 12 + 9 * (level - 1);
        uint64_t e = *entry((struct ed_case *)c, table, (unsigned)(va >> shift) & 511);
        if (!(e & PTE_P))
            return false;
        if (level == 1 || (e & PTE_PS)) {
            uint64_t mask = (1ull << shift) - 1;
            *pa = ((e & PTE_ADDR) & ~mask) | (va & mask);
            return *pa < ED_PHYS_SIZE;
        }
        table = e & PTE_ADDR;
        if (table >= ED_PHYS_SIZE)
            return false;
    }
    return false;
}

bool ed_is_mapped(const struct ed_layout *l, uint64_t va)
{
    for (unsigned i = 0; i < l->nregions; i++) {
        const struct ed_region *r = &l->regions[i];
        if (va - r->va < r->size)
            return true;
    }
    return false;
}

/* Leaf flags: present, mostly writable, sometimes user / NX / A+D / a reserved bit. */
uint64_t ed_leaf_flags(struct ed_src *s, bool code)
{
    uint64_t f = PTE_P;
    if (ed_chance(s, 7, 8))
        f |= PTE_RW;
    if (ed_chance(s, 1, 4))
        f |= PTE_US;
    if (ed_chance(s, code ? 1 : 3, code ? 16 : 8))
        f |= PTE_NX;
    if (ed_chance(s, 1, 2))
        f |= PTE_A | (ed_chance(s, 1, 2) ? PTE_D : 0);
    if (ed_chance(s, 1, 64))
        f |= PTE_RSVD_BIT;
    return f;
}

uint64_t ed_table_flags(struct ed_src *s)
{
    return ed_chance(s, 1, 2) ? PTE_A : 0;
}
