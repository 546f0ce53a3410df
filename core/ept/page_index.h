/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HPA -> HVA index of the pages an EPT hierarchy holds: a radix tree over
 * the page-frame number, 8 bits per level, whose nodes are seam pages of
 * 256 {hva, hpa} slots. Lookups are a few loads and never allocate;
 * inserting may allocate nodes (which then stay, empty or not, until
 * ept_index_destroy).
 */
#ifndef VMM_EPT_PAGE_INDEX_H
#define VMM_EPT_PAGE_INDEX_H

#include "vmm/ept.h"

/* An empty index for HPAs below 2^phys_addr_width (one node page). */
int ept_index_init(struct ept_page_index *ix, struct vmm_cpu *cpu, unsigned phys_addr_width);

/* Records that page `hpa` (4 KiB aligned) lies at `hva`. VMM_E_NOMEM, VMM_E_RANGE. */
int ept_index_insert(struct ept_page_index *ix, vmm_hpa_t hpa, void *hva);

/* Forgets page `hpa` (no-op when absent). */
void ept_index_remove(struct ept_page_index *ix, vmm_hpa_t hpa);

/* The HVA of page `hpa` (any address inside it maps to its page start), or NULL. */
void *ept_index_lookup(const struct ept_page_index *ix, vmm_hpa_t hpa);

/*
 * Frees every registered page and every node through the seam. Returns
 * the first free_page error; frees the rest regardless.
 */
int ept_index_destroy(struct ept_page_index *ix);

#endif
