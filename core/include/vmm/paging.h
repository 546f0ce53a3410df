/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest's own paging (SDM Vol. 3A chapter "Paging"): translation of a
 * guest-linear address to a guest-physical address under 32-bit paging
 * (with 4 MiB pages), PAE paging, 4-level and 5-level paging, with the
 * access rights of "Access Rights" (U/S, R/W, XD, CR0.WP, SMEP, SMAP with
 * RFLAGS.AC and implicit supervisor accesses, protection keys from PKRU and
 * IA32_PKRS), the reserved-bit checks, the page-fault error code, and the
 * accessed and dirty flags.
 *
 * The walker reads and writes guest paging structures only through a
 * caller-provided accessor on guest-physical addresses, which may fail
 * with a status of its own (the simulated backend fails an access that hits
 * an EPT violation, and turns it into exit 48 for "an access to a paging
 * structure"). It never allocates. Shadow-stack accesses, HLAT, LASS and
 * linear-address masking are not modelled; the error code's SS bit is 0.
 */
#ifndef VMM_PAGING_H
#define VMM_PAGING_H

#include "vmm/types.h"

/* Control-register and MSR bits the walk depends on. */
#define PG_CR0_WP (1ull << 16)
#define PG_CR0_PG (1ull << 31)
#define PG_CR4_PSE (1ull << 4)
#define PG_CR4_PAE (1ull << 5)
#define PG_CR4_LA57 (1ull << 12)
#define PG_CR4_SMEP (1ull << 20)
#define PG_CR4_SMAP (1ull << 21)
#define PG_CR4_PKE (1ull << 22)
#define PG_CR4_PKS (1ull << 24)
#define PG_EFER_LMA (1ull << 10)
#define PG_EFER_NXE (1ull << 11)
#define PG_RFLAGS_AC (1ull << 18)

/* Bits of a paging-structure entry (all modes). */
#define GPTE_P (1ull << 0)
#define GPTE_RW (1ull << 1)
#define GPTE_US (1ull << 2)
#define GPTE_A (1ull << 5)
#define GPTE_D (1ull << 6)  /* leaves */
#define GPTE_PS (1ull << 7) /* PDE / PDPTE: maps a page */
#define GPTE_XD (1ull << 63) /* 8-byte entries, with EFER.NXE */
#define GPTE_PKEY_SHIFT 59   /* 4-/5-level leaves: protection key in bits 62:59 */

/* The page-fault error code. */
#define PF_EC_P (1u << 0)    /* 0: not present; 1: protection or reserved bit */
#define PF_EC_W (1u << 1)    /* write access */
#define PF_EC_U (1u << 2)    /* user-mode access */
#define PF_EC_RSVD (1u << 3) /* reserved bit set in some entry */
#define PF_EC_I (1u << 4)    /* instruction fetch (with SMEP, or PAE and NXE) */
#define PF_EC_PK (1u << 5)   /* protection-key violation */

enum paging_mode {
    PAGING_OFF,    /* CR0.PG = 0: linear = physical */
    PAGING_32BIT,  /* CR4.PAE = 0 */
    PAGING_PAE,    /* CR4.PAE = 1, EFER.LMA = 0 */
    PAGING_4LEVEL, /* EFER.LMA = 1, CR4.LA57 = 0 */
    PAGING_5LEVEL, /* EFER.LMA = 1, CR4.LA57 = 1 */
};

/* Everything about the guest's processor that a walk depends on. */
struct paging_state {
    uint64_t cr0, cr3, cr4, efer;
    uint64_t rflags;    /* AC decides SMAP for explicit supervisor accesses */
    uint32_t pkru;      /* PKRU: AD/WD pairs for user-mode pages */
    uint32_t pkrs;      /* IA32_PKRS bits 31:0: AD/WD pairs for supervisor pages */
    uint64_t pdpte[4];  /* PAE paging: the PDPTEs as loaded at MOV CR3 / VM entry */
    uint8_t maxphyaddr; /* the guest's physical-address width (32..52) */
    bool gbpages;       /* 1 GiB pages (CPUID 80000001H:EDX[26]) */
};

/* The paging mode `s` selects (from CR0.PG, CR4.PAE, EFER.LMA, CR4.LA57). */
enum paging_mode paging_mode_of(const struct paging_state *s);

/*
 * The access. Values match the error-code bits where one exists. A data
 * read is 0. USER is a user-mode access (CPL 3, not implicit); IMPLICIT is
 * an implicit supervisor-mode access (descriptor tables, TSS, ... at any
 * CPL), which SMAP checks whatever RFLAGS.AC says. A read-modify-write is
 * WRITE.
 */
#define PAGING_ACCESS_WRITE (1u << 1)
#define PAGING_ACCESS_USER (1u << 2)
#define PAGING_ACCESS_FETCH (1u << 4)
#define PAGING_ACCESS_IMPLICIT (1u << 8)

/*
 * Guest-physical memory as the walker sees it. Each callback moves one
 * `size`-byte (4 or 8) little-endian paging-structure entry, zero-extended
 * into *value. Returning anything but 0 fails the access: the walk stops
 * and the status comes back in the result (PAGING_MEM_FAILED).
 */
struct paging_mem {
    int (*read)(void *ctx, vmm_gpa_t gpa, unsigned size, uint64_t *value);
    int (*write)(void *ctx, vmm_gpa_t gpa, unsigned size, uint64_t value); /* A/D updates */
    void *ctx;
};

enum paging_outcome {
    PAGING_TRANSLATED,
    PAGING_PAGE_FAULT, /* #PF with error_code; CR2 is the linear address */
    PAGING_MEM_FAILED, /* the accessor refused an access to a paging structure */
};

struct paging_result {
    enum paging_outcome outcome;
    uint8_t level;       /* last level walked (1 = PTE ... 5 = PML5E; PAE PDPTE = 3) */
    uint64_t entry;      /* the last entry read */
    vmm_gpa_t entry_gpa; /* its address (0 for a PAE PDPTE: it comes from the array) */
    /* PAGING_TRANSLATED (also filled when an A/D update then failed) */
    vmm_gpa_t gpa;
    uint64_t page_size;  /* 4 KiB, 2 MiB, 4 MiB or 1 GiB */
    bool user;           /* U/S = 1 in every entry: a user-mode address */
    bool writable;       /* R/W = 1 in every entry */
    bool nx;             /* XD = 1 in some entry (with EFER.NXE) */
    uint8_t pkey;        /* 4-/5-level leaves: bits 62:59 */
    /* PAGING_PAGE_FAULT */
    uint32_t error_code;
    /* PAGING_MEM_FAILED: entry_gpa is the address the accessor refused */
    int mem_status;      /* what the accessor returned */
    bool mem_write;      /* the refused access was an A/D update */
};

/*
 * Translates `gva` for `access` (PAGING_ACCESS_*). The walk goes top-down;
 * the first not-present entry or present entry with a reserved bit set
 * ends it with a #PF; otherwise the access is checked against the rights
 * ANDed over the walk and the protection key. A translation that succeeds
 * sets the accessed flag of every entry used (not of PAE PDPTEs) and, for
 * a write, the dirty flag of the leaf, in that order through mem->write; a
 * refused walk writes nothing.
 *
 * Returns 0 with the outcome in *r; VMM_E_INVAL for a bad argument (access
 * bits: FETCH with WRITE, IMPLICIT with USER or FETCH, unknown bits; a
 * maxphyaddr outside 32..52; missing callbacks); VMM_E_RANGE for an address
 * that is not canonical (4-/5-level) or above 4 GiB (other modes), which
 * the processor faults on before paging.
 */
int paging_translate(const struct paging_state *s, const struct paging_mem *mem, vmm_gva_t gva,
                     unsigned access, struct paging_result *r);

#endif /* VMM_PAGING_H */
