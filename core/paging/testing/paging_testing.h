/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test support for the guest page walk: a small guest-physical memory with
 * an accessor that counts and can fail, processor states per mode, and
 * helpers that build one translation path. The table for level L lives in
 * page L (PAE PDPTEs in the state's array).
 */
#ifndef VMM_PAGING_TESTING_H
#define VMM_PAGING_TESTING_H

#include "vmm/paging.h"

#define OK (-1) /* an expected outcome: translated */

/* State flags for state_for. */
#define F_WP 1u
#define F_SMEP 2u
#define F_SMAP 4u
#define F_AC 8u
#define F_NXE 16u
#define F_PKE 32u
#define F_PKS 64u
#define F_NO_GBPAGES 128u

#define LEAF_GPA 0x12345000ull
#define LEAF_GPA_LARGE 0xc0000000ull /* aligned for 2M, 4M and 1G pages, below 4G */
#define TEST_PAGES 8

struct test_memory {
    uint8_t bytes[TEST_PAGES * 4096];
    unsigned reads, writes, last_write_size;
    vmm_gpa_t fail_gpa; /* an access here fails with fail_rc, when fail_rc != 0 */
    int fail_rc;
    bool fail_writes_only;
};

extern struct test_memory tmem;

/* A state in mode m with MAXPHYADDR 46, 1 GiB pages and the F_* flags. */
struct paging_state state_for(enum paging_mode m, unsigned flags);
/* A linear address with a distinct index at every level of mode m. */
vmm_gva_t gva_for(enum paging_mode m);
unsigned top_level(enum paging_mode m);
/* Where the level-`level` entry for gva lies (0 for a PAE PDPTE). */
vmm_gpa_t entry_gpa(enum paging_mode m, vmm_gva_t gva, unsigned level);

/*
 * Clears the memory and builds the path for gva: every entry above
 * leaf_level references the next table with `upper`, the leaf is `leaf`
 * (P is added to all).
 */
void build_path(struct paging_state *s, vmm_gva_t gva, unsigned leaf_level, uint64_t upper,
                uint64_t leaf);
uint64_t get_entry(const struct paging_state *s, enum paging_mode m, vmm_gva_t gva,
                   unsigned level);
void set_entry(struct paging_state *s, enum paging_mode m, vmm_gva_t gva, unsigned level,
               uint64_t value);
void poke(vmm_gpa_t gpa, unsigned size, uint64_t value);
uint64_t peek(vmm_gpa_t gpa, unsigned size);

struct paging_mem test_mem(void);
/* Resets the counters, translates, and asserts that the walk ran. */
struct paging_result translate(const struct paging_state *s, vmm_gva_t gva, unsigned access);

#endif
