/* SPDX-License-Identifier: Apache-2.0 */
/* The memory layout of a case: page-table builder and mapped regions (internal). */
#ifndef LIBVMM_EMUL_DIFF_LAYOUT_H
#define LIBVMM_EMUL_DIFF_LAYOUT_H

#include "emul_diff.h"

/* Guest-physical plan of the image (page numbers). */
#define ED_TABLE_FIRST 1u   /* page-table pool */
#define ED_TABLE_LAST 64u
#define ED_CODE_PAGE 64u    /* code page and the page after it */
#define ED_DATA_PAGE 66u    /* two pages per 4 KiB data region */
#define ED_LARGE_PAGE 512u  /* the 2 MiB page at 2 MiB */

#define ED_MAX_REGIONS 8

/* A linear range the case maps (both pages, even when the second is not present). */
struct ed_region {
    uint64_t va, size;
    uint64_t pa;    /* of the first page */
    bool below_2g;  /* reachable by 32-bit addresses and RIP-relative displacements */
};

struct ed_layout {
    unsigned next_table;
    struct ed_region regions[ED_MAX_REGIONS];
    unsigned nregions;
};

void ed_layout_init(struct ed_layout *l, struct ed_case *c);
bool ed_map(struct ed_layout *l, struct ed_case *c, uint64_t va, uint64_t pa, uint64_t leaf_flags,
            unsigned leaf_level, uint64_t table_flags);
bool ed_is_mapped(const struct ed_layout *l, uint64_t va);
/* The physical address `va` maps to through the case's tables; false if not present. */
bool ed_translate(const struct ed_case *c, uint64_t va, uint64_t *pa);
uint64_t ed_leaf_flags(struct ed_src *s, bool code);
uint64_t ed_table_flags(struct ed_src *s);

#endif
