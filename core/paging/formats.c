/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Paging-structure formats per mode (SDM Vol. 3A "32-Bit Paging", "PAE
 * Paging", "4-Level Paging and 5-Level Paging"): which entries map pages,
 * which bits are reserved, where the addresses are.
 */
#include "paging_internal.h"

static const struct paging_geometry geometries[] = {
    [PAGING_32BIT] = {.levels = 2, .entry_bytes = 4, .index_bits = 10, .linear_bits = 32},
    [PAGING_PAE] = {.levels = 3, .entry_bytes = 8, .index_bits = 9, .linear_bits = 32},
    [PAGING_4LEVEL] = {.levels = 4, .entry_bytes = 8, .index_bits = 9, .linear_bits = 48,
                       .pkeys = true},
    [PAGING_5LEVEL] = {.levels = 5, .entry_bytes = 8, .index_bits = 9, .linear_bits = 57,
                       .pkeys = true},
};

const struct paging_geometry *paging_geometry_of(enum paging_mode m)
{
    return m == PAGING_OFF || (unsigned)m >= sizeof geometries / sizeof geometries[0]
               ? NULL
               : &geometries[m];
}

/* Bits hi..lo set; empty when hi < lo. */
static uint64_t bits(unsigned hi, unsigned lo)
{
    if (hi < lo)
        return 0;
    return ((~0ull) >> (63 - hi)) & ~((1ull << lo) - 1);
}

static uint64_t page_size_at(enum paging_mode m, unsigned level)
{
    if (m == PAGING_32BIT)
        return level == 2 ? 1ull << 22 : 1ull << 12;
    return 1ull << (12 + 9 * (level - 1));
}

/* 32-bit paging: only a 4 MiB PDE has reserved bits (PSE-36 address bits above M). */
static void classify_32bit(const struct paging_state *s, unsigned level, uint64_t e,
                           struct paging_entry_kind *k)
{
    k->leaf = level == 1 || ((s->cr4 & PG_CR4_PSE) && (e & GPTE_PS));
    if (level == 2 && k->leaf) {
        unsigned m = s->maxphyaddr > 40 ? 40 : s->maxphyaddr; /* bits 20:13 hold 39:32 */
        k->reserved = bits(21, 13 + (m - 32));
    }
}

/* PAE paging: PDPTEs reserve 63:M, 8:5, 2:1; other entries 62:M (and XD without NXE). */
static void classify_pae(const struct paging_state *s, unsigned level, uint64_t e,
                         struct paging_entry_kind *k)
{
    unsigned m = s->maxphyaddr;
    if (level == 3) {
        k->reserved = bits(63, m) | bits(8, 5) | bits(2, 1);
        return;
    }
    k->leaf = level == 1 || (e & GPTE_PS);
    k->reserved = bits(62, m) | ((s->efer & PG_EFER_NXE) ? 0 : GPTE_XD);
    if (level == 2 && k->leaf)
        k->reserved |= bits(20, 13);
}

/* 4- and 5-level paging: 51:M (and XD without NXE); PS only in PDEs and (1 GiB) PDPTEs. */
static void classify_long(const struct paging_state *s, unsigned level, uint64_t e,
                          struct paging_entry_kind *k)
{
    k->reserved = bits(51, s->maxphyaddr) | ((s->efer & PG_EFER_NXE) ? 0 : GPTE_XD);
    bool ps_allowed = level == 2 || (level == 3 && s->gbpages);
    if (level > 1 && (e & GPTE_PS) && !ps_allowed) {
        k->reserved |= GPTE_PS;
        return;
    }
    k->leaf = level == 1 || (e & GPTE_PS);
    if (level > 1 && k->leaf)
        k->reserved |= bits(12 + 9 * (level - 1) - 1, 13); /* bit 12 is PAT */
}

void paging_classify(const struct paging_state *s, enum paging_mode m, unsigned level, uint64_t e,
                     struct paging_entry_kind *k)
{
    *k = (struct paging_entry_kind){0};
    if (m == PAGING_32BIT)
        classify_32bit(s, level, e, k);
    else if (m == PAGING_PAE)
        classify_pae(s, level, e, k);
    else
        classify_long(s, level, e, k);
    if (k->leaf)
        k->page_size = page_size_at(m, level);
}

vmm_gpa_t paging_leaf_address(enum paging_mode m, uint64_t e, uint64_t page_size)
{
    if (m == PAGING_32BIT) {
        if (page_size == 1ull << 12)
            return e & 0xfffff000u;
        return (e & 0xffc00000u) | (((e >> 13) & 0xff) << 32);
    }
    return e & bits(51, 12) & ~(page_size - 1);
}

vmm_gpa_t paging_table_address(enum paging_mode m, uint64_t e)
{
    return m == PAGING_32BIT ? (e & 0xfffff000u) : (e & bits(51, 12));
}

vmm_gpa_t paging_root_address(const struct paging_state *s, enum paging_mode m)
{
    if (m == PAGING_32BIT)
        return s->cr3 & 0xfffff000u;
    return s->cr3 & bits(s->maxphyaddr - 1u, 12);
}
