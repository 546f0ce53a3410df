/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sim's state and the functions its files share. Private to
 * simbackend/ (the executor that runs guests lives here too and uses it).
 */
#ifndef VMM_SIMBACKEND_INTERNAL_H
#define VMM_SIMBACKEND_INTERNAL_H

#include "sim.h"

#define SIM_PAGE_SIZE 4096ull
#define SIM_PAGE_MASK (SIM_PAGE_SIZE - 1)

/* Pages a VM entry drops translated code for one by one; beyond, all of it. */
#define SIM_STALE_MAX 32

/* The current-VMCS pointer when there is no current VMCS. */
#define SIM_NO_VMCS (~0ull)

struct sim {
    struct vmm_cpu cpu; /* ops + backend = this sim */
    struct vmx_caps caps;

    /* ---- host memory (hostmem.c) ---- */
    uint8_t *mem;             /* HPA 0 .. mem_size - 1 */
    uint64_t mem_size;
    uint64_t *page_used;      /* bitmap over pool pages */
    uint64_t pool_first;      /* page number of the first allocatable page */
    uint64_t pool_pages;
    uint64_t pool_hint;       /* no free pool page below this index */
    struct sim_guest_ram ram;

    /* ---- VMX operation ---- */
    uint64_t feature_control;
    bool in_vmx;              /* in VMX root operation */
    vmm_hpa_t vmxon_ptr;
    uint32_t vmxon_epoch;     /* counts VMXONs; marks VMCSs active across a VMXOFF */
    vmm_hpa_t current;        /* current-VMCS pointer, SIM_NO_VMCS if none */
    bool current_shadow;      /* its header had the shadow-VMCS indicator */
    bool current_launched;
    bool current_stale;       /* it was active when VMX operation last ended */
    struct vmcs_image vmcs;   /* the current VMCS, as cached by the processor */

    /* ---- VM entry ---- */
    bool mov_ss_blocking;
    struct vmx_entry_verdict last_entry;
    sim_execute_fn execute;
    void *execute_ctx;

    struct sim_invalidations invalidations;

    /*
     * Host pages whose bytes changed behind Unicorn's back (host writes,
     * the model's own stores) since the executor last dropped the code
     * Unicorn translated from them (execute.c): Unicorn's stores are the
     * only ones it notices itself. Past SIM_STALE_MAX pages, after an
     * untracked write or a snapshot restore, all code goes.
     */
    uint64_t stale[SIM_STALE_MAX];
    unsigned nstale;
    bool stale_all;

    /* ---- snapshots (snapshot.c): what changed since the last take or restore ---- */
    uint64_t *written;        /* bit per host page; NULL while no snapshot exists */
    bool written_anywhere;    /* sim_note_host_write: somewhere, untracked */
};

static inline struct sim *sim_of(struct vmm_cpu *cpu)
{
    return (struct sim *)cpu->backend;
}

static inline struct vmx_status vmx_status(enum vmx_outcome outcome, uint32_t error)
{
    return (struct vmx_status){.outcome = outcome, .error = error};
}

static inline struct vmx_status vmx_succeed(void)
{
    return vmx_status(VMX_SUCCEED, 0);
}

/*
 * VMfail(error) of the SDM's pseudocode: VMfailValid with the error stored
 * in the current VMCS's VM-instruction error field, or VMfailInvalid when
 * there is no current VMCS.
 */
struct vmx_status sim_vmfail(struct sim *s, enum vmx_insn_error error);

/* 4 KiB aligned and below the physical-address width VMX checks addresses against. */
bool sim_vmx_addr_valid(const struct sim *s, uint64_t addr);

/* ---- host memory (hostmem.c) ---- */

/*
 * Records that [hpa, hpa + len) of host memory was written (for snapshot
 * restore); nothing while no snapshot exists. Every writer the sim or the
 * engine can see calls it.
 */
static inline void sim_mark_written(struct sim *s, uint64_t hpa, uint64_t len)
{
    if (!s->written || !len || hpa >= s->mem_size)
        return;
    uint64_t last = hpa + len - 1 < s->mem_size ? hpa + len - 1 : s->mem_size - 1;
    for (uint64_t p = hpa / SIM_PAGE_SIZE; p <= last / SIM_PAGE_SIZE; p++)
        s->written[p / 64] |= 1ull << (p % 64);
}

/* Host memory [hpa, hpa + len) changed outside Unicorn: its translated code must go. */
static inline void sim_mark_stale(struct sim *s, uint64_t hpa, uint64_t len)
{
    if (!len || hpa >= s->mem_size || s->stale_all)
        return;
    uint64_t last = hpa + len - 1 < s->mem_size ? hpa + len - 1 : s->mem_size - 1;
    for (uint64_t p = hpa / SIM_PAGE_SIZE; p <= last / SIM_PAGE_SIZE; p++) {
        if (s->nstale && s->stale[s->nstale - 1] == p)
            continue;
        if (s->nstale == SIM_STALE_MAX) {
            s->stale_all = true;
            return;
        }
        s->stale[s->nstale++] = p;
    }
}

/* Lays out host memory for `cfg` (already checked); VMM_E_NOMEM on failure. */
int sim_hostmem_init(struct sim *s, const struct sim_config *cfg);
void sim_hostmem_fini(struct sim *s);

/*
 * Physical reads and writes as the processor makes them: bytes outside
 * host memory read as all ones and ignore writes (nothing answers there).
 */
void sim_phys_read(const struct sim *s, uint64_t hpa, void *buf, size_t len);
void sim_phys_write(struct sim *s, uint64_t hpa, const void *buf, size_t len);
uint32_t sim_phys_read32(const struct sim *s, uint64_t hpa);
void sim_phys_write32(struct sim *s, uint64_t hpa, uint32_t value);

/* The seam's host-page and guest-memory operations. */
int sim_alloc_page(struct vmm_cpu *cpu, struct vmm_host_page *page);
int sim_free_page(struct vmm_cpu *cpu, vmm_hpa_t hpa);
int sim_gpa_read(struct vmm_cpu *cpu, vmm_gpa_t gpa, void *buf, size_t len);
int sim_gpa_write(struct vmm_cpu *cpu, vmm_gpa_t gpa, const void *buf, size_t len);

/* ---- VMCS regions (vmcs_region.c) ---- */

/* Bytes of a VMCS region the sim's layout uses. */
size_t sim_vmcs_region_size(void);

/* Writes the current VMCS (data, launch state, activity) to its region. */
void sim_vmcs_flush(struct sim *s);

/* Makes the VMCS at `hpa` current, reading it from its region. */
void sim_vmcs_load(struct sim *s, vmm_hpa_t hpa);

/* VMCLEAR's effect on a region that is not current: launch state clear, inactive. */
void sim_vmcs_clear_region(struct sim *s, vmm_hpa_t hpa);

/* ---- the VMX instructions (one file per group) ---- */

struct vmx_status sim_vmxon(struct vmm_cpu *cpu, vmm_hpa_t region);
struct vmx_status sim_vmxoff(struct vmm_cpu *cpu);
struct vmx_status sim_vmclear(struct vmm_cpu *cpu, vmm_hpa_t vmcs);
struct vmx_status sim_vmptrld(struct vmm_cpu *cpu, vmm_hpa_t vmcs);
struct vmx_status sim_vmptrst(struct vmm_cpu *cpu, vmm_hpa_t *vmcs);
struct vmx_status sim_vmread(struct vmm_cpu *cpu, uint32_t encoding, uint64_t *value);
struct vmx_status sim_vmwrite(struct vmm_cpu *cpu, uint32_t encoding, uint64_t value);
struct vmx_status sim_invept(struct vmm_cpu *cpu, enum vmx_invept_type type, uint64_t eptp);
struct vmx_status sim_invvpid(struct vmm_cpu *cpu, enum vmx_invvpid_type type, uint16_t vpid,
                              vmm_gva_t gla);
struct vmx_status sim_enter_guest(struct vmm_cpu *cpu, enum vmm_entry_kind kind,
                                  struct vmm_guest_gprs *gprs);

#endif /* VMM_SIMBACKEND_INTERNAL_H */
