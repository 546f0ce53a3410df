/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pieces of the guest page walker: the shape of each paging mode and the
 * meaning of an entry (formats.c), and the access-rights decision with its
 * error code (rights.c).
 */
#ifndef VMM_PAGING_INTERNAL_H
#define VMM_PAGING_INTERNAL_H

#include "vmm/paging.h"

/* The shape of a paging mode. */
struct paging_geometry {
    uint8_t levels;      /* top level (PAE: 3, its PDPTEs come from the state) */
    uint8_t entry_bytes; /* 4 or 8 */
    uint8_t index_bits;  /* per level: 10 or 9 */
    uint8_t linear_bits; /* 32, 48 or 57 */
    bool pkeys;          /* leaves carry protection keys */
};

/* NULL for PAGING_OFF. */
const struct paging_geometry *paging_geometry_of(enum paging_mode m);

/* What a present entry at `level` is. */
struct paging_entry_kind {
    bool leaf;
    uint64_t page_size; /* leaves */
    uint64_t reserved;  /* bits that must be 0 */
};

void paging_classify(const struct paging_state *s, enum paging_mode m, unsigned level, uint64_t e,
                     struct paging_entry_kind *k);

/* The physical address a leaf maps, without the offset. */
vmm_gpa_t paging_leaf_address(enum paging_mode m, uint64_t e, uint64_t page_size);

/* The physical address of the table a non-leaf entry references. */
vmm_gpa_t paging_table_address(enum paging_mode m, uint64_t e);

/* The address of the top-level table (not used by PAE paging). */
vmm_gpa_t paging_root_address(const struct paging_state *s, enum paging_mode m);

/* The rights of a translation, combined over the walk. */
struct paging_rights {
    bool user;     /* U/S = 1 everywhere */
    bool writable; /* R/W = 1 everywhere */
    bool nx;       /* XD = 1 somewhere, with EFER.NXE */
    uint8_t pkey;
};

/* The W, U and I bits a #PF error code has for `access` in mode `m`. */
uint32_t paging_access_error_bits(const struct paging_state *s, enum paging_mode m,
                                  unsigned access);

/* 0 when `access` is allowed, else the #PF error code (P set). */
uint32_t paging_check_rights(const struct paging_state *s, enum paging_mode m,
                             const struct paging_rights *r, unsigned access);

#endif
