/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The EPT builder: map, unmap and protect on a hierarchy in seam pages.
 *
 * Every request runs twice over the same recursive range visit: a dry run
 * that changes nothing, finds the request's errors and counts the table
 * pages it needs (new tables, large pages to split), then - after those
 * pages are allocated and indexed - the real run, which cannot fail. So a
 * refused request leaves every entry as it was.
 *
 * Invariant: no table other than the root is ever empty (unmap frees
 * tables it empties), so an unmapped, aligned range always finds a
 * non-present slot where a large page can go.
 */
#include "page_index.h"

#define ENTRIES 512u
#define PRESENT_BITS (EPTE_READ | EPTE_WRITE | EPTE_EXEC | EPTE_USER_EXEC)
/* Non-leaf entries allow everything; the leaves decide. */
#define TABLE_BITS PRESENT_BITS

enum op_kind { OP_MAP, OP_UNMAP, OP_PROTECT };

/* Pages taken for a request, threaded through their own first bytes. */
struct reserve_link {
    void *next_hva;
    vmm_hpa_t next_hpa;
};

struct op {
    enum op_kind kind;
    vmm_gpa_t lo, hi;   /* the range [lo, hi) */
    vmm_hpa_t hpa_lo;   /* OP_MAP: HPA that lo maps to */
    uint64_t leaf_bits; /* OP_MAP: perms, memtype, ignore-PAT; OP_PROTECT: perms */
    bool dry;
    size_t need;        /* dry run: pages the request needs */
    void *res_hva;      /* real run: the reserve list */
    vmm_hpa_t res_hpa;
};

static uint64_t perm_bits(unsigned perms)
{
    return (perms & (EPT_R | EPT_W | EPT_X)) | ((perms & EPT_XU) ? EPTE_USER_EXEC : 0);
}

static bool present(uint64_t e)
{
    return (e & PRESENT_BITS) != 0;
}

static bool is_leaf(uint64_t e, unsigned level)
{
    return level == 1 || (e & EPTE_LARGE);
}

static bool large_ok(const struct ept *ept, unsigned level)
{
    return (level == 2 && ept->large_2m) || (level == 3 && ept->large_1g);
}

/* Entry i of the table that splits leaf `parent` (at level + 1) into `level` pages. */
static uint64_t split_child(uint64_t parent, unsigned level, unsigned i)
{
    uint64_t addr = (parent & EPTE_ADDR_MASK) + i * ept_level_size(level);
    uint64_t e = (parent & ~(EPTE_ADDR_MASK | EPTE_LARGE)) | addr;
    return level > 1 ? e | EPTE_LARGE : e;
}

/* ---- pages ---- */

/* Takes a reserved page for a new table (dry run: counts one). */
static uint64_t *take_table(struct op *op, vmm_hpa_t *hpa)
{
    if (op->dry) {
        op->need++;
        *hpa = 0;
        return NULL;
    }
    struct reserve_link *link = op->res_hva;
    *hpa = op->res_hpa;
    op->res_hva = link->next_hva;
    op->res_hpa = link->next_hpa;
    *link = (struct reserve_link){0};
    return (uint64_t *)(void *)link;
}

static void release_page(struct ept *ept, vmm_hpa_t hpa)
{
    ept_index_remove(&ept->index, hpa);
    (void)ept->cpu->ops->free_page(ept->cpu, hpa); /* a page we allocated: cannot fail */
    ept->table_pages--;
}

/* Returns the unused reserve to the seam. */
static void drop_reserve(struct ept *ept, struct op *op)
{
    while (op->res_hva) {
        struct reserve_link *link = op->res_hva;
        vmm_hpa_t hpa = op->res_hpa;
        op->res_hva = link->next_hva;
        op->res_hpa = link->next_hpa;
        release_page(ept, hpa);
    }
}

/* Allocates and indexes op->need pages, or nothing. */
static int fill_reserve(struct ept *ept, struct op *op)
{
    op->res_hva = NULL;
    op->res_hpa = 0;
    for (size_t i = 0; i < op->need; i++) {
        struct vmm_host_page page;
        int rc = ept->cpu->ops->alloc_page(ept->cpu, &page);
        if (!rc) {
            rc = ept_index_insert(&ept->index, page.hpa, page.hva);
            if (rc)
                (void)ept->cpu->ops->free_page(ept->cpu, page.hpa);
        }
        if (rc) {
            drop_reserve(ept, op);
            return rc;
        }
        ept->table_pages++;
        struct reserve_link *link = page.hva;
        link->next_hva = op->res_hva;
        link->next_hpa = op->res_hpa;
        op->res_hva = page.hva;
        op->res_hpa = page.hpa;
    }
    return VMM_OK;
}

/* ---- the range visit ---- */

static int visit(struct ept *ept, struct op *op, uint64_t *table, uint64_t split_of, unsigned level,
                 vmm_gpa_t base);

static bool table_empty(const uint64_t *table)
{
    for (unsigned i = 0; i < ENTRIES; i++)
        if (table[i])
            return false;
    return true;
}

/*
 * Descends into a new table at *slot: empty for a map, the pieces of leaf
 * `old` for a split. In the dry run the table is virtual (NULL, described
 * by `old`).
 */
static int descend_new(struct ept *ept, struct op *op, uint64_t *slot, uint64_t old,
                       unsigned level, vmm_gpa_t base)
{
    vmm_hpa_t hpa;
    uint64_t *child = take_table(op, &hpa);
    if (!op->dry) {
        if (!child)
            return VMM_E_STATE; /* the dry run undercounted: a bug, never a guest */
        for (unsigned i = 0; old && i < ENTRIES; i++)
            child[i] = split_child(old, level - 1, i);
        *slot = hpa | TABLE_BITS;
    }
    return visit(ept, op, child, old, level - 1, base);
}

static int visit_entry(struct ept *ept, struct op *op, uint64_t *slot, uint64_t e, unsigned level,
                       vmm_gpa_t base)
{
    uint64_t size = ept_level_size(level);
    bool whole = op->lo <= base && base + size <= op->hi;

    if (present(e) && !is_leaf(e, level)) {
        uint64_t *child = ept_index_lookup(&ept->index, e & EPTE_ADDR_MASK);
        if (!child)
            return VMM_E_STATE; /* an entry we did not write */
        int rc = visit(ept, op, child, 0, level - 1, base);
        if (!rc && !op->dry && op->kind == OP_UNMAP && table_empty(child)) {
            *slot = 0;
            release_page(ept, e & EPTE_ADDR_MASK);
        }
        return rc;
    }

    if (op->kind == OP_MAP) {
        if (present(e))
            return VMM_E_STATE;
        vmm_hpa_t hpa = op->hpa_lo + (base - op->lo);
        if (whole && (level == 1 || (large_ok(ept, level) && (hpa & (size - 1)) == 0))) {
            if (!op->dry)
                *slot = hpa | op->leaf_bits | (level > 1 ? EPTE_LARGE : 0);
            return VMM_OK;
        }
        return descend_new(ept, op, slot, 0, level, base);
    }

    if (!present(e))
        return VMM_E_NOENT;
    if (!whole)
        return descend_new(ept, op, slot, e, level, base);
    if (!op->dry)
        *slot = op->kind == OP_UNMAP ? 0 : (e & ~PRESENT_BITS) | op->leaf_bits;
    return VMM_OK;
}

/*
 * Applies op to the entries of `table` (level `level`, mapping from `base`)
 * that the range touches. A NULL table (dry run only) is a table not yet
 * made: empty, or the pieces of leaf `split_of`.
 */
static int visit(struct ept *ept, struct op *op, uint64_t *table, uint64_t split_of, unsigned level,
                 vmm_gpa_t base)
{
    uint64_t size = ept_level_size(level);
    vmm_gpa_t lo = op->lo > base ? op->lo : base;
    unsigned first = (unsigned)((lo - base) / size);
    /* Cap in 64 bits: a range of 16 TiB or more is 2^32 4-KiB entries (found by //fuzz:ept). */
    uint64_t last_entry = (op->hi - 1 - base) / size;
    unsigned last = last_entry >= ENTRIES ? ENTRIES - 1 : (unsigned)last_entry;
    for (unsigned i = first; i <= last; i++) {
        uint64_t e = table ? table[i] : split_of ? split_child(split_of, level, i) : 0;
        int rc = visit_entry(ept, op, table ? &table[i] : NULL, e, level, base + i * size);
        if (rc)
            return rc;
    }
    return VMM_OK;
}

/* ---- requests ---- */

static int check_perms(const struct ept *ept, unsigned perms)
{
    if (!perms || (perms & ~EPT_PERMS_ALL) || (perms & (EPT_R | EPT_W)) == EPT_W)
        return VMM_E_INVAL;
    if (!(perms & EPT_R) && !ept->exec_only)
        return VMM_E_UNSUPPORTED;
    return VMM_OK;
}

static int check_range(const struct ept *ept, vmm_gpa_t gpa, uint64_t size)
{
    if (!size || ((gpa | size) & 0xfff))
        return VMM_E_INVAL;
    uint64_t limit = 1ull << (12 + 9 * ept->levels);
    if (gpa >= limit || size > limit - gpa)
        return VMM_E_RANGE;
    return VMM_OK;
}

static int run(struct ept *ept, struct op *op)
{
    op->dry = true;
    op->need = 0;
    int rc = visit(ept, op, ept->root, 0, ept->levels, 0);
    if (rc)
        return rc;
    rc = fill_reserve(ept, op);
    if (rc)
        return rc;
    op->dry = false;
    rc = visit(ept, op, ept->root, 0, ept->levels, 0);
    drop_reserve(ept, op);
    return rc;
}

int ept_map(struct ept *ept, vmm_gpa_t gpa, vmm_hpa_t hpa, uint64_t size, struct ept_attr attr)
{
    int rc = check_range(ept, gpa, size);
    if (rc)
        return rc;
    if (hpa & 0xfff)
        return VMM_E_INVAL;
    rc = check_perms(ept, attr.perms);
    if (rc)
        return rc;
    if (!ept_memtype_valid(attr.memtype))
        return VMM_E_INVAL;
    uint64_t hpa_limit = 1ull << ept->phys_addr_width;
    if (hpa >= hpa_limit || size > hpa_limit - hpa)
        return VMM_E_RANGE;
    struct op op = {
        .kind = OP_MAP,
        .lo = gpa,
        .hi = gpa + size,
        .hpa_lo = hpa,
        .leaf_bits = perm_bits(attr.perms) | ((uint64_t)attr.memtype << EPTE_MEMTYPE_SHIFT) |
                     (attr.ignore_pat ? EPTE_IGNORE_PAT : 0),
    };
    return run(ept, &op);
}

int ept_unmap(struct ept *ept, vmm_gpa_t gpa, uint64_t size)
{
    int rc = check_range(ept, gpa, size);
    if (rc)
        return rc;
    struct op op = {.kind = OP_UNMAP, .lo = gpa, .hi = gpa + size};
    return run(ept, &op);
}

int ept_protect(struct ept *ept, vmm_gpa_t gpa, uint64_t size, unsigned perms)
{
    int rc = check_range(ept, gpa, size);
    if (rc)
        return rc;
    rc = check_perms(ept, perms);
    if (rc)
        return rc;
    struct op op = {.kind = OP_PROTECT, .lo = gpa, .hi = gpa + size, .leaf_bits = perm_bits(perms)};
    return run(ept, &op);
}

/* ---- life cycle ---- */

int ept_init(struct ept *ept, struct vmm_cpu *cpu, const struct vmx_caps *caps, unsigned levels,
             bool ad)
{
    if (!ept || !cpu || !caps || (levels != 4 && levels != 5))
        return VMM_E_INVAL;
    uint64_t cap = caps->ept_vpid_cap;
    unsigned width = caps->raw.phys_addr_width;
    if (width < 32 || width > 52)
        return VMM_E_INVAL;
    if (!(cap & (levels == 4 ? VMX_EPT_CAP_PWL4 : VMX_EPT_CAP_PWL5)))
        return VMM_E_UNSUPPORTED;
    if (ad && !(cap & VMX_EPT_CAP_AD))
        return VMM_E_UNSUPPORTED;
    if (!(cap & (VMX_EPT_CAP_MT_WB | VMX_EPT_CAP_MT_UC)))
        return VMM_E_UNSUPPORTED;

    *ept = (struct ept){
        .cpu = cpu,
        .levels = (uint8_t)levels,
        .phys_addr_width = (uint8_t)width,
        .eptp_memtype = (cap & VMX_EPT_CAP_MT_WB) ? EPT_MT_WB : EPT_MT_UC,
        .ad = ad,
        .exec_only = (cap & VMX_EPT_CAP_EXEC_ONLY) != 0,
        .large_2m = (cap & VMX_EPT_CAP_2M) != 0,
        /* Only with 2 MiB pages too: splitting a 1 GiB page yields 2 MiB
         * leaves, which must be valid (found by //fuzz:ept). */
        .large_1g = (cap & VMX_EPT_CAP_1G) && (cap & VMX_EPT_CAP_2M),
    };
    int rc = ept_index_init(&ept->index, cpu, width);
    if (rc)
        return rc;
    struct vmm_host_page root;
    rc = cpu->ops->alloc_page(cpu, &root);
    if (!rc) {
        rc = ept_index_insert(&ept->index, root.hpa, root.hva);
        if (rc)
            (void)cpu->ops->free_page(cpu, root.hpa);
    }
    if (rc) {
        (void)ept_index_destroy(&ept->index);
        return rc;
    }
    ept->root = root.hva;
    ept->root_hpa = root.hpa;
    ept->table_pages = 1;
    return VMM_OK;
}

int ept_destroy(struct ept *ept)
{
    int rc = ept_index_destroy(&ept->index); /* every table page is indexed */
    ept->root = NULL;
    ept->table_pages = 0;
    return rc;
}

uint64_t ept_eptp(const struct ept *ept)
{
    return ept->root_hpa | ((uint64_t)(ept->levels - 1) << EPTP_WALK_SHIFT) |
           (ept->ad ? EPTP_AD : 0) | ept->eptp_memtype;
}

void ept_own_walk_cfg(const struct ept *ept, bool mbec, struct ept_walk_cfg *cfg)
{
    *cfg = (struct ept_walk_cfg){
        .root = ept->root_hpa,
        .levels = ept->levels,
        .phys_addr_width = ept->phys_addr_width,
        .ad = ept->ad,
        .mbec = mbec,
        .exec_only = ept->exec_only,
        .large_2m = ept->large_2m,
        .large_1g = ept->large_1g,
    };
}

/* ---- an accessor over the hierarchy's own pages ---- */

static uint64_t *own_entry(void *ctx, vmm_hpa_t hpa)
{
    const struct ept *ept = ctx;
    if (hpa & 7)
        return NULL;
    uint64_t *page = ept_index_lookup(&ept->index, hpa & ~0xfffull);
    return page ? &page[(hpa & 0xfff) / 8] : NULL;
}

static int own_read(void *ctx, vmm_hpa_t hpa, uint64_t *value)
{
    uint64_t *e = own_entry(ctx, hpa);
    if (!e)
        return VMM_E_FAULT;
    *value = *e;
    return VMM_OK;
}

static int own_write(void *ctx, vmm_hpa_t hpa, uint64_t value)
{
    uint64_t *e = own_entry(ctx, hpa);
    if (!e)
        return VMM_E_FAULT;
    *e = value;
    return VMM_OK;
}

void ept_own_mem(struct ept *ept, struct ept_mem *mem)
{
    *mem = (struct ept_mem){.read = own_read, .write = own_write, .ctx = ept};
}
