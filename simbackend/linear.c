/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest-linear to host-physical translation as the model makes it: the
 * core's guest page walker (vmm/paging.h) over the guest's paging state as
 * Unicorn holds it, then, when EPT is on, the core's EPT walker (vmm/ept.h)
 * for every guest-physical address — the paging-structure entries the walk
 * reads and the final one. Without EPT guest-physical is host-physical.
 *
 * Used for the model's own accesses (reading a block's code for the
 * pre-scan, the reads and writes of event delivery) and by the TLB-fill
 * hook (translate.c). Data moves through uc_mem_read/uc_mem_write so that
 * Unicorn drops translated code the model overwrites.
 */
#include <string.h>

#include "engine_internal.h"

void lin_paging_state(struct sim_engine *e, struct paging_state *ps)
{
    uc_x86_msr efer = {VMM_MSR_IA32_EFER, 0};
    uc_reg_read(e->uc, UC_X86_REG_MSR, &efer);
    *ps = (struct paging_state){
        .cr0 = eng_reg(e, UC_X86_REG_CR0),
        .cr3 = eng_reg(e, UC_X86_REG_CR3),
        .cr4 = eng_reg(e, UC_X86_REG_CR4),
        .efer = efer.value,
        .rflags = eng_reg(e, UC_X86_REG_RFLAGS),
        .maxphyaddr = e->sim->caps.phys_addr_width,
        .gbpages = true, /* Unicorn translates 1 GiB pages on every CPU model */
    };
    if (paging_mode_of(ps) != PAGING_PAE)
        return;
    /* With EPT the model's PDPTE registers; without, memory, as Unicorn's own walk reads it. */
    if (e->ept_on)
        memcpy(ps->pdpte, e->pdpte, sizeof ps->pdpte);
    else
        sim_phys_read(e->sim, ps->cr3 & 0xffffffe0ull, ps->pdpte, sizeof ps->pdpte);
}

bool lin_pae(struct sim_engine *e)
{
    struct paging_state ps = {0};
    uc_x86_msr efer = {VMM_MSR_IA32_EFER, 0};
    uc_reg_read(e->uc, UC_X86_REG_MSR, &efer);
    ps.cr0 = eng_reg(e, UC_X86_REG_CR0);
    ps.cr4 = eng_reg(e, UC_X86_REG_CR4);
    ps.efer = efer.value;
    return paging_mode_of(&ps) == PAGING_PAE;
}

/* ---- EPT ---- */

static int ept_read(void *ctx, vmm_hpa_t hpa, uint64_t *value)
{
    sim_phys_read(ctx, hpa, value, 8);
    return VMM_OK;
}

static int ept_write(void *ctx, vmm_hpa_t hpa, uint64_t value)
{
    sim_phys_write(ctx, hpa, &value, 8);
    return VMM_OK;
}

/*
 * Guest-physical to host-physical through EPT (identity without it). On a
 * violation or misconfiguration e->ept_fault describes it and false is
 * returned; `gla` is the linear address being translated, `final` whether
 * this is its final translation (else a paging-structure access).
 */
static bool gpa_to_hpa(struct sim_engine *e, uint64_t gpa, unsigned access, uint64_t gla,
                       bool final, const struct paging_result *guest, uint64_t *hpa,
                       unsigned *perms)
{
    if (!e->ept_on) {
        *hpa = gpa;
        if (perms)
            *perms = EPT_R | EPT_W | EPT_X;
        return true;
    }
    struct ept_mem mem = {ept_read, ept_write, e->sim};
    struct ept_translation t;
    int rc = ept_translate(&e->ept_cfg, &mem, gpa, access, &t);
    if (rc == VMM_OK && t.outcome == EPT_TRANSLATED) {
        *hpa = t.hpa;
        if (perms)
            *perms = t.perms;
        return true;
    }
    bool misconfig = rc == VMM_OK && t.outcome == EPT_MISCONFIG;
    uint64_t qual = 0;
    if (!misconfig) {
        /* A GPA beyond the walk's width is a violation with no rights. */
        qual = rc == VMM_OK ? ept_violation_qualification(&t) : (access & 7u);
        qual |= 1u << 7 | (final ? 1u << 8 : 0);
        /* Advanced information (IA32_VMX_EPT_VPID_CAP[22]): the guest paging's view of the page. */
        if (final && (e->sim->caps.ept_vpid_cap & VMX_EPT_CAP_ADV_EXIT_INFO)) {
            bool paged = guest != NULL;
            qual |= (!paged || guest->user ? 1u << 9 : 0) |
                    (!paged || guest->writable ? 1u << 10 : 0) |
                    (paged && guest->nx ? 1u << 11 : 0);
        }
    }
    e->ept_fault = (struct ept_fault){
        .pending = true,
        .reason = misconfig ? VMX_EXIT_EPT_MISCONFIG : VMX_EXIT_EPT_VIOLATION,
        .qual = qual,
        .gpa = gpa,
        .gla = gla,
        .final = final,
    };
    return false;
}

struct walk_ctx {
    struct sim_engine *e;
    uint64_t gla;
};

/* Paging-structure entries: guest-physical, through EPT (A/D updates are writes). */
static int walk_read(void *ctx, vmm_gpa_t gpa, unsigned size, uint64_t *value)
{
    struct walk_ctx *w = ctx;
    unsigned access = w->e->ept_cfg.ad ? EPT_ACCESS_WRITE : EPT_ACCESS_READ;
    uint64_t hpa, v = 0;
    if (!gpa_to_hpa(w->e, gpa, access, w->gla, false, NULL, &hpa, NULL))
        return VMM_E_FAULT;
    sim_phys_read(w->e->sim, hpa, &v, size);
    *value = v;
    return VMM_OK;
}

static int walk_write(void *ctx, vmm_gpa_t gpa, unsigned size, uint64_t value)
{
    struct walk_ctx *w = ctx;
    uint64_t hpa;
    if (!gpa_to_hpa(w->e, gpa, EPT_ACCESS_WRITE, w->gla, false, NULL, &hpa, NULL))
        return VMM_E_FAULT;
    sim_phys_write(w->e->sim, hpa, &value, size);
    return VMM_OK;
}

int lin_translate(struct sim_engine *e, const struct paging_state *ps, uint64_t gva,
                  unsigned access, uint64_t *hpa, struct event *pf, unsigned *perms)
{
    uint64_t gpa = gva;
    unsigned guest = EPT_R | EPT_W | EPT_X;
    struct paging_result r;
    const struct paging_result *paged = NULL;
    if (ps->cr0 & PG_CR0_PG) {
        struct walk_ctx w = {e, gva};
        struct paging_mem mem = {walk_read, walk_write, &w};
        if (paging_translate(ps, &mem, gva, access, &r) != VMM_OK)
            return VMM_E_RANGE;
        if (r.outcome == PAGING_MEM_FAILED)
            return VMM_E_STATE;
        if (r.outcome == PAGING_PAGE_FAULT) {
            if (pf)
                *pf = (struct event){.type = VMX_EVENT_HW_EXCEPTION, .vector = VMX_VEC_PF,
                                     .has_error = true, .error = r.error_code, .cr2 = gva,
                                     .raised_fault = true};
            return VMM_E_FAULT;
        }
        gpa = r.gpa;
        guest = EPT_R | (r.writable ? EPT_W : 0) | (r.nx ? 0 : EPT_X);
        paged = &r;
    }
    unsigned ept_access = access & PAGING_ACCESS_FETCH ? EPT_ACCESS_FETCH
                          : access & PAGING_ACCESS_WRITE ? EPT_ACCESS_WRITE
                                                          : EPT_ACCESS_READ;
    unsigned ept_perms;
    if (!gpa_to_hpa(e, gpa, ept_access, gva, true, paged, hpa, &ept_perms))
        return VMM_E_STATE;
    if (perms)
        *perms = guest & ept_perms;
    return VMM_OK;
}

int lin_load_pdptes(struct sim_engine *e, uint64_t cr3)
{
    uint64_t table = cr3 & 0xffffffe0ull, pdpte[4];
    for (unsigned i = 0; i < 4; i++) {
        uint64_t hpa;
        if (!gpa_to_hpa(e, table + 8 * i, EPT_ACCESS_READ, 0, false, NULL, &hpa, NULL)) {
            /* Not an access to a linear address: bits 7 and 8 clear, no guest-linear address. */
            e->ept_fault.qual &= ~(uint64_t)(3u << 7);
            return VMM_E_STATE;
        }
        sim_phys_read(e->sim, hpa, &pdpte[i], 8);
        uint64_t reserved = 0x1e6ull | ~0ull << e->sim->caps.phys_addr_width;
        if ((pdpte[i] & 1) && (pdpte[i] & reserved))
            return VMM_E_FAULT;
    }
    memcpy(e->pdpte, pdpte, sizeof pdpte);
    return VMM_OK;
}

static int lin_access(struct sim_engine *e, uint64_t gva, uint8_t *buf, size_t len,
                      unsigned access, struct event *pf, bool write)
{
    struct paging_state ps;
    lin_paging_state(e, &ps);
    /* Translate every page first: a fault moves no byte. */
    uint64_t hpa[2];
    size_t first = 4096 - (gva & 4095);
    unsigned pages = len > first ? 2 : 1;
    if (len > 4096)
        return VMM_E_RANGE;
    for (unsigned i = 0; i < pages; i++) {
        uint64_t at = i ? (gva & ~4095ull) + 4096 : gva;
        int rc = lin_translate(e, &ps, at, access, &hpa[i], pf, NULL);
        if (rc != VMM_OK)
            return rc;
    }
    for (unsigned i = 0; i < pages; i++) {
        size_t n = i ? len - first : (len < first ? len : first);
        uint8_t *p = buf + (i ? first : 0);
        if (write) {
            if (uc_mem_write(e->uc, hpa[i], p, n) != UC_ERR_OK)
                continue; /* nothing there: the write is lost, as on a bus */
            sim_mark_written(e->sim, hpa[i], n);
            sim_mark_stale(e->sim, hpa[i], n);
        } else if (uc_mem_read(e->uc, hpa[i], p, n) != UC_ERR_OK) {
            memset(p, 0xff, n);
        }
    }
    return VMM_OK;
}

int lin_read(struct sim_engine *e, uint64_t gva, void *buf, size_t len, unsigned access,
             struct event *pf)
{
    return lin_access(e, gva, buf, len, access, pf, false);
}

int lin_write(struct sim_engine *e, uint64_t gva, const void *buf, size_t len, unsigned access,
              struct event *pf)
{
    return lin_access(e, gva, (uint8_t *)buf, len, access | PAGING_ACCESS_WRITE, pf, true);
}

uint64_t lin_fetch_hpa(struct sim_engine *e, uint64_t gva)
{
    struct paging_state ps;
    lin_paging_state(e, &ps);
    unsigned access = PAGING_ACCESS_FETCH | (eng_cpl(e) == 3 ? PAGING_ACCESS_USER : 0);
    uint64_t hpa;
    struct ept_fault keep = e->ept_fault; /* a look-up only: no exit comes of it */
    int rc = lin_translate(e, &ps, gva, access, &hpa, NULL, NULL);
    e->ept_fault = keep;
    return rc == VMM_OK ? hpa : NO_ADDR;
}
