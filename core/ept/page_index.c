/* SPDX-License-Identifier: Apache-2.0 */
/* The HPA -> HVA radix index of an EPT hierarchy's pages. */
#include "page_index.h"

#define FANOUT 256u
#define KEY_BITS_PER_LEVEL 8u

struct slot {
    void *hva;     /* child node, or (last level) the registered page */
    vmm_hpa_t hpa;
};

_Static_assert(sizeof(struct slot) * FANOUT == 4096, "a node fills one page");

static unsigned key_index(vmm_hpa_t hpa, unsigned depth, unsigned level)
{
    uint64_t pfn = hpa >> 12;
    return (unsigned)(pfn >> (KEY_BITS_PER_LEVEL * (depth - 1 - level))) & (FANOUT - 1);
}

static bool in_range(const struct ept_page_index *ix, vmm_hpa_t hpa)
{
    return (hpa >> 12) >> (KEY_BITS_PER_LEVEL * ix->depth) == 0;
}

int ept_index_init(struct ept_page_index *ix, struct vmm_cpu *cpu, unsigned phys_addr_width)
{
    if (phys_addr_width <= 12 || phys_addr_width > 52)
        return VMM_E_INVAL;
    struct vmm_host_page page;
    int rc = cpu->ops->alloc_page(cpu, &page);
    if (rc)
        return rc;
    unsigned key_bits = phys_addr_width - 12;
    *ix = (struct ept_page_index){
        .cpu = cpu,
        .root = page.hva,
        .root_hpa = page.hpa,
        .depth = (uint8_t)((key_bits + KEY_BITS_PER_LEVEL - 1) / KEY_BITS_PER_LEVEL),
        .node_pages = 1,
    };
    return VMM_OK;
}

int ept_index_insert(struct ept_page_index *ix, vmm_hpa_t hpa, void *hva)
{
    if ((hpa & 0xfff) || !hva)
        return VMM_E_INVAL;
    if (!in_range(ix, hpa))
        return VMM_E_RANGE;
    struct slot *node = ix->root;
    for (unsigned level = 0; level + 1 < ix->depth; level++) {
        struct slot *s = &node[key_index(hpa, ix->depth, level)];
        if (!s->hva) {
            struct vmm_host_page page;
            int rc = ix->cpu->ops->alloc_page(ix->cpu, &page);
            if (rc)
                return rc;
            s->hva = page.hva;
            s->hpa = page.hpa;
            ix->node_pages++;
        }
        node = s->hva;
    }
    struct slot *leaf = &node[key_index(hpa, ix->depth, ix->depth - 1u)];
    if (!leaf->hva)
        ix->entries++;
    leaf->hva = hva;
    leaf->hpa = hpa;
    return VMM_OK;
}

static struct slot *find(const struct ept_page_index *ix, vmm_hpa_t hpa)
{
    if (!in_range(ix, hpa))
        return NULL;
    struct slot *node = ix->root;
    for (unsigned level = 0; level + 1 < ix->depth; level++) {
        node = node[key_index(hpa, ix->depth, level)].hva;
        if (!node)
            return NULL;
    }
    struct slot *leaf = &node[key_index(hpa, ix->depth, ix->depth - 1u)];
    return leaf->hva ? leaf : NULL;
}

void ept_index_remove(struct ept_page_index *ix, vmm_hpa_t hpa)
{
    struct slot *leaf = find(ix, hpa);
    if (leaf) {
        *leaf = (struct slot){0};
        ix->entries--;
    }
}

void *ept_index_lookup(const struct ept_page_index *ix, vmm_hpa_t hpa)
{
    struct slot *leaf = find(ix, hpa);
    return leaf ? leaf->hva : NULL;
}

static void keep_first(int *first, int rc)
{
    if (rc && !*first)
        *first = rc;
}

/* Frees what node (at `level`) refers to; the depth is at most 5. */
static void free_below(struct ept_page_index *ix, struct slot *node, unsigned level, int *first)
{
    for (unsigned i = 0; i < FANOUT; i++) {
        if (!node[i].hva)
            continue;
        if (level + 1 < ix->depth)
            free_below(ix, node[i].hva, level + 1, first);
        keep_first(first, ix->cpu->ops->free_page(ix->cpu, node[i].hpa));
    }
}

int ept_index_destroy(struct ept_page_index *ix)
{
    int first = VMM_OK;
    if (!ix->root)
        return first;
    free_below(ix, ix->root, 0, &first);
    keep_first(&first, ix->cpu->ops->free_page(ix->cpu, ix->root_hpa));
    *ix = (struct ept_page_index){0};
    return first;
}
