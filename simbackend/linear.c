/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The model's own accesses to guest-linear memory: reading a block's code
 * for the pre-scan, and the reads and writes of event delivery (IDT, GDT,
 * TSS, the stack). Translation is the core's guest page walker
 * (vmm/paging.h) over the guest's paging state as Unicorn holds it; without
 * EPT the resulting guest-physical address is the host-physical one. Data
 * moves through uc_mem_read/uc_mem_write so that Unicorn drops translated
 * code the model overwrites.
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
}

/* Paging-structure entries live in host memory (GPA = HPA); beyond it, all ones. */
static int walk_read(void *ctx, vmm_gpa_t gpa, unsigned size, uint64_t *value)
{
    uint64_t v = 0;
    sim_phys_read(ctx, gpa, &v, size);
    *value = v;
    return VMM_OK;
}

static int walk_write(void *ctx, vmm_gpa_t gpa, unsigned size, uint64_t value)
{
    sim_phys_write(ctx, gpa, &value, size);
    return VMM_OK;
}

/* Translates one page's worth of an access; VMM_OK, VMM_E_FAULT (*pf) or VMM_E_RANGE. */
static int translate(struct sim_engine *e, const struct paging_state *ps, uint64_t gva,
                     unsigned access, uint64_t *gpa, struct event *pf)
{
    if (!(ps->cr0 & PG_CR0_PG)) {
        *gpa = gva;
        return VMM_OK;
    }
    struct paging_mem mem = {walk_read, walk_write, e->sim};
    struct paging_result r;
    int rc = paging_translate(ps, &mem, gva, access, &r);
    if (rc != VMM_OK)
        return VMM_E_RANGE;
    if (r.outcome != PAGING_TRANSLATED) {
        if (pf)
            *pf = (struct event){.type = VMX_EVENT_HW_EXCEPTION, .vector = 14, .has_error = true,
                                 .error = r.error_code, .cr2 = gva};
        return VMM_E_FAULT;
    }
    *gpa = r.gpa;
    return VMM_OK;
}

static int lin_access(struct sim_engine *e, uint64_t gva, uint8_t *buf, size_t len,
                      unsigned access, struct event *pf, bool write)
{
    struct paging_state ps;
    lin_paging_state(e, &ps);
    /* Translate every page first: a fault moves no byte. */
    uint64_t gpa[2];
    size_t first = 4096 - (gva & 4095);
    unsigned pages = len > first ? 2 : 1;
    if (len > 4096)
        return VMM_E_RANGE;
    for (unsigned i = 0; i < pages; i++) {
        uint64_t at = i ? (gva & ~4095ull) + 4096 : gva;
        int rc = translate(e, &ps, at, access, &gpa[i], pf);
        if (rc != VMM_OK)
            return rc;
    }
    for (unsigned i = 0; i < pages; i++) {
        size_t n = i ? len - first : (len < first ? len : first);
        uint8_t *p = buf + (i ? first : 0);
        if (write) {
            if (uc_mem_write(e->uc, gpa[i], p, n) != UC_ERR_OK)
                continue; /* nothing there: the write is lost, as on a bus */
        } else if (uc_mem_read(e->uc, gpa[i], p, n) != UC_ERR_OK) {
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
    uint64_t gpa;
    if (translate(e, &ps, gva, access, &gpa, NULL) != VMM_OK)
        return NO_ADDR;
    return gpa;
}
