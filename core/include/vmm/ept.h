/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Extended page tables (SDM Vol. 3C "The Extended Page Table Mechanism"):
 *
 *  - the walker translates a guest-physical address for one access the
 *    way the processor does, reading the tables only through a
 *    caller-provided accessor on host-physical addresses, and reports a
 *    translation, an EPT violation (exit 48) or an EPT misconfiguration
 *    (exit 49) with what the exit needs. One walker serves the simulated
 *    backend, the exit handlers and the instruction emulator.
 *  - the builder constructs 4- or 5-level EPT paging structures in host
 *    pages obtained through the seam (cpu->ops->alloc_page) and changes
 *    them: map, unmap, protect. Every request is checked in full and the
 *    pages it needs are allocated before the first entry changes, so a
 *    refused request leaves the structure exactly as it was.
 *
 * Neither allocates on the translate path. The builder does not invalidate
 * TLBs: after unmap or protect the caller issues INVEPT.
 */
#ifndef VMM_EPT_H
#define VMM_EPT_H

#include "vmm/caps.h"
#include "vmm/cpu.h"
#include "vmm/types.h"

/* ---- formats ---- */

/* Bits of an EPT paging-structure entry. */
#define EPTE_READ (1ull << 0)
#define EPTE_WRITE (1ull << 1)
#define EPTE_EXEC (1ull << 2) /* supervisor-mode execute under MBEC */
#define EPTE_MEMTYPE_SHIFT 3  /* leaves: memory type in bits 5:3 */
#define EPTE_MEMTYPE_MASK (7ull << 3)
#define EPTE_IGNORE_PAT (1ull << 6) /* leaves */
#define EPTE_LARGE (1ull << 7)      /* PDE: 2 MiB page; PDPTE: 1 GiB page */
#define EPTE_ACCESSED (1ull << 8)   /* with EPTP bit 6 */
#define EPTE_DIRTY (1ull << 9)      /* leaves, with EPTP bit 6 */
#define EPTE_USER_EXEC (1ull << 10) /* user-mode execute under MBEC */
#define EPTE_SUPPRESS_VE (1ull << 63)
#define EPTE_ADDR_MASK 0x000ffffffffff000ull /* bits 51:12 */

/* EPTP (VMCS field 0x201A). */
#define EPTP_MEMTYPE_MASK 7ull
#define EPTP_WALK_SHIFT 3 /* bits 5:3: walk length - 1 */
#define EPTP_AD (1ull << 6)
#define EPTP_SSS (1ull << 7)

/*
 * Permissions, as the builder takes them and the walker reports them. The
 * values are chosen so that `perms << 3` lands on bits 6:3 of the EPT
 * violation exit qualification.
 */
#define EPT_R 1u  /* read */
#define EPT_W 2u  /* write (requires read) */
#define EPT_X 4u  /* execute; supervisor-mode execute under MBEC */
#define EPT_XU 8u /* user-mode execute under MBEC (entry bit 10) */
#define EPT_PERMS_ALL (EPT_R | EPT_W | EPT_X | EPT_XU)

/* EPT memory types of leaves (bits 5:3) and of the EPTP. */
enum ept_memtype {
    EPT_MT_UC = 0,
    EPT_MT_WC = 1,
    EPT_MT_WT = 4,
    EPT_MT_WP = 5,
    EPT_MT_WB = 6,
};

/* True for 0, 1, 4, 5, 6: the memory types a leaf may hold. */
static inline bool ept_memtype_valid(unsigned mt)
{
    return mt < 8 && ((0x73u >> mt) & 1);
}

/* Bytes mapped by one entry at `level` (1 = PTE ... 5 = PML5E). */
static inline uint64_t ept_level_size(unsigned level)
{
    return 1ull << (12 + 9 * (level - 1));
}

/* ---- the walker ---- */

/*
 * The access being translated; bits 2:0 are bits 2:0 of the EPT violation
 * qualification. A read-modify-write is READ | WRITE. With EPT A/D flags
 * enabled the processor treats its accesses to guest paging structures as
 * writes: the caller passes WRITE for those.
 */
#define EPT_ACCESS_READ 1u
#define EPT_ACCESS_WRITE 2u
#define EPT_ACCESS_FETCH 4u
#define EPT_ACCESS_USER 8u /* the fetch is from a user-mode linear address (MBEC) */

/*
 * Host-physical memory as the walker sees it. Each callback moves one
 * 8-byte, 8-aligned paging-structure entry and returns 0 or a negative
 * error, which ept_translate hands back unchanged.
 */
struct ept_mem {
    int (*read)(void *ctx, vmm_hpa_t hpa, uint64_t *value);
    int (*write)(void *ctx, vmm_hpa_t hpa, uint64_t value); /* A/D updates only */
    void *ctx;
};

/* What one walk depends on: the EPTP, the controls and the processor. */
struct ept_walk_cfg {
    vmm_hpa_t root;          /* HPA of the PML4 table (4 levels) or PML5 table (5) */
    uint8_t levels;          /* 4 or 5 */
    uint8_t phys_addr_width; /* MAXPHYADDR: entry bits 51:width are reserved */
    bool ad;                 /* EPTP bit 6: set accessed and dirty flags */
    bool mbec;               /* "mode-based execute control for EPT" */
    bool exec_only;          /* execute-only entries allowed (EPT cap bit 0) */
    bool large_2m;           /* PDE bit 7 allowed (cap bit 16) */
    bool large_1g;           /* PDPTE bit 7 allowed (cap bit 17) */
};

/*
 * Fills *cfg from an EPTP value and the processor's capabilities. Refuses
 * (VMM_E_INVAL) an EPTP that VM entry would refuse: memory type other than
 * a supported UC or WB, walk length other than a supported 4 or 5, A/D bit
 * without A/D support, bit 7 without supervisor shadow-stack support, bits
 * 11:8 set, or an address beyond the physical-address width.
 */
int ept_walk_cfg_from_eptp(uint64_t eptp, const struct vmx_caps *caps, bool mbec,
                           struct ept_walk_cfg *cfg);

enum ept_outcome {
    EPT_TRANSLATED,
    EPT_VIOLATION,     /* exit reason 48 */
    EPT_MISCONFIG,     /* exit reason 49 */
};

/* Which rule of SDM "EPT Misconfigurations" an entry broke. */
enum ept_misconfig {
    EPT_MISCONFIG_NONE,
    EPT_MISCONFIG_WRITE_WITHOUT_READ, /* bits 2:0 = 010b or 110b */
    EPT_MISCONFIG_EXEC_ONLY,          /* execute-only, not supported */
    EPT_MISCONFIG_LARGE_PAGE,         /* bit 7 at a level that cannot map a page */
    EPT_MISCONFIG_RESERVED_BIT,       /* a reserved bit is set */
    EPT_MISCONFIG_MEMTYPE,            /* a leaf with memory type 2, 3 or 7 */
};

/* A short English description of a misconfiguration rule (static storage). */
const char *ept_misconfig_name(enum ept_misconfig m);

struct ept_translation {
    enum ept_outcome outcome;
    unsigned access; /* the request's EPT_ACCESS_* bits */
    /*
     * EPT_R/W/X/XU ANDed over the entries the walk used: 0 when it ended
     * at a non-present entry; XU only under MBEC. On EPT_TRANSLATED, the
     * effective permissions of the page.
     */
    uint8_t perms;
    uint8_t level;        /* level of the last entry read (1 = PTE ... 5 = PML5E) */
    uint64_t entry;       /* that entry's value */
    vmm_hpa_t entry_hpa;  /* and its address */
    /* EPT_TRANSLATED */
    vmm_hpa_t hpa;
    uint64_t page_size;   /* 4 KiB, 2 MiB or 1 GiB */
    uint8_t memtype;      /* enum ept_memtype of the leaf */
    bool ignore_pat;
    /* EPT_VIOLATION: the walk ended at a non-present entry */
    bool not_present;
    /* EPT_MISCONFIG */
    enum ept_misconfig misconfig;
};

/*
 * Translates `gpa` for `access` (EPT_ACCESS_*: at least one of READ, WRITE,
 * FETCH). An entry is present when any of bits 2:0 is set, or bit 10 under
 * MBEC; a misconfiguration anywhere on the walk wins over a permission
 * violation; the permissions are checked against the AND over the walk.
 * With cfg->ad, a successful translation sets the accessed flag of every
 * entry used and, for a write, the dirty flag of the leaf (through
 * mem->write; a refused walk changes nothing).
 *
 * Returns 0 with the outcome in *t; VMM_E_INVAL for a bad cfg or access
 * (or cfg->ad without mem->write); VMM_E_RANGE for a GPA beyond the walk's
 * 48 or 57 bits; an accessor's error unchanged (the walk stops there).
 */
int ept_translate(const struct ept_walk_cfg *cfg, const struct ept_mem *mem, vmm_gpa_t gpa,
                  unsigned access, struct ept_translation *t);

/*
 * Bits 6:0 of the EPT violation exit qualification for a violation: the
 * access (2:0), the permissions ANDed over the walk (5:3) and, under MBEC,
 * the user-execute AND (6). The caller adds bits 7 and up (GLA validity,
 * NMI unblocking, ...). 0 for any other outcome.
 */
static inline uint64_t ept_violation_qualification(const struct ept_translation *t)
{
    if (t->outcome != EPT_VIOLATION)
        return 0;
    return (t->access & 7u) | ((uint64_t)(t->perms & EPT_PERMS_ALL) << 3);
}

/* ---- the builder ---- */

/* Attributes of a mapping. */
struct ept_attr {
    uint8_t perms;   /* EPT_R/W/X/XU */
    uint8_t memtype; /* enum ept_memtype */
    bool ignore_pat;
};

/*
 * An EPT hierarchy owned by the caller. Fields are private; the hierarchy
 * keeps an index from HPA to its pages in further seam pages, so it can
 * find a table from the address in an entry.
 */
struct ept_page_index {
    struct vmm_cpu *cpu;
    void *root;          /* radix node of 256 {hva, hpa} slots */
    vmm_hpa_t root_hpa;
    uint8_t depth;       /* radix levels, 8 key bits each */
    size_t node_pages;   /* radix nodes held */
    size_t entries;      /* pages registered */
};

struct ept {
    struct vmm_cpu *cpu;
    struct ept_page_index index;
    uint64_t *root;      /* the PML4 or PML5 table */
    vmm_hpa_t root_hpa;
    uint8_t levels;
    uint8_t phys_addr_width;
    uint8_t eptp_memtype;
    bool ad, exec_only, large_2m, large_1g;
    size_t table_pages;  /* EPT paging-structure pages, root included */
};

/*
 * Prepares an empty hierarchy of `levels` (4 or 5) with A/D flags enabled
 * in the EPTP when `ad`. Page sizes, execute-only support and the EPTP
 * memory type (WB, else UC) come from caps->ept_vpid_cap; the address width
 * from caps->raw.phys_addr_width. VMM_E_UNSUPPORTED when the capabilities
 * lack what is asked (the walk length, A/D flags, a usable memory type);
 * VMM_E_INVAL for other bad arguments; VMM_E_NOMEM (nothing held) when
 * the seam has no pages.
 */
int ept_init(struct ept *ept, struct vmm_cpu *cpu, const struct vmx_caps *caps, unsigned levels,
             bool ad);

/*
 * Frees every page the hierarchy holds. Returns the first error free_page
 * reported (the rest are still freed); *ept is unusable afterwards.
 */
int ept_destroy(struct ept *ept);

/* The EPTP value for the VMCS: memory type, walk length, A/D bit, root. */
uint64_t ept_eptp(const struct ept *ept);

/*
 * Maps [gpa, gpa + size) to [hpa, hpa + size) with `attr`, using 1 GiB and
 * 2 MiB pages wherever both addresses are aligned, the range covers the
 * page and the capabilities allow it. Refuses, changing nothing:
 *  VMM_E_INVAL   size 0, an address or size not 4 KiB aligned, perms that
 *                are empty, outside EPT_PERMS_ALL or write without read, a
 *                memory type that is not UC/WC/WT/WP/WB;
 *  VMM_E_UNSUPPORTED  execute-only perms the processor lacks;
 *  VMM_E_RANGE   a GPA range beyond the 48/57-bit guest-physical space or an
 *                HPA range beyond the physical-address width;
 *  VMM_E_STATE   some page of the range is already mapped;
 *  VMM_E_NOMEM   the seam ran out of pages.
 */
int ept_map(struct ept *ept, vmm_gpa_t gpa, vmm_hpa_t hpa, uint64_t size, struct ept_attr attr);

/*
 * Unmaps [gpa, gpa + size), splitting large pages the range covers only in
 * part and freeing tables that become empty. Refuses as ept_map does
 * (alignment, range, VMM_E_NOMEM for a split) and with VMM_E_NOENT when some
 * page of the range is not mapped.
 */
int ept_unmap(struct ept *ept, vmm_gpa_t gpa, uint64_t size);

/*
 * Sets the permissions of every page in [gpa, gpa + size) to `perms`,
 * keeping memory type and A/D flags, splitting large pages as needed (large
 * pages are not merged back). Refuses as ept_map (perms) and ept_unmap.
 */
int ept_protect(struct ept *ept, vmm_gpa_t gpa, uint64_t size, unsigned perms);

/* A walker accessor that reads and writes this hierarchy's own pages. */
void ept_own_mem(struct ept *ept, struct ept_mem *mem);

/* The walk configuration for this hierarchy's EPTP. */
void ept_own_walk_cfg(const struct ept *ept, bool mbec, struct ept_walk_cfg *cfg);

/* Pages the hierarchy holds (tables and index), for accounting. */
static inline size_t ept_pages_held(const struct ept *ept)
{
    return ept->table_pages + ept->index.node_pages;
}

#endif /* VMM_EPT_H */
