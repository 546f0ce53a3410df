/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The configuration's rules and the system area: where the VM's page
 * tables, descriptor tables and exception stubs go (the top of guest RAM).
 */
#include "vm_internal.h"

#define PDPT_REACH (512ull * VM_1G) /* one PDPT maps 512 GiB */

static bool aligned(uint64_t v)
{
    return (v & (VM_PAGE - 1)) == 0;
}

/* [a, a + an) and [b, b + bn) share a byte (neither wraps). */
static bool overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
    return a < b + bn && b < a + an;
}

static int refuse(struct vmm_vm_error *err, int rc, const char *what)
{
    return vm_fail(err, VMM_VM_STEP_CONFIG, rc, what);
}

/* The end of the highest range the page tables must map. */
static int check_ranges(const struct vmx_caps *caps, const struct vmm_vm_config *c,
                        uint64_t *top, struct vmm_vm_error *err)
{
    if (c->ram_size == 0 || !aligned(c->ram_gpa) || !aligned(c->ram_hpa) || !aligned(c->ram_size))
        return refuse(err, VMM_E_INVAL, "guest RAM must be a non-empty range of whole 4 KiB pages");
    if (c->ram_gpa + c->ram_size < c->ram_gpa || c->ram_hpa + c->ram_size < c->ram_hpa)
        return refuse(err, VMM_E_INVAL, "guest RAM wraps past the end of the address space");
    if (caps->phys_addr_width < 64 && c->ram_hpa + c->ram_size > (1ull << caps->phys_addr_width))
        return refuse(err, VMM_E_RANGE, "guest RAM lies beyond the physical-address width");
    if (!c->use_ept && c->ram_gpa != c->ram_hpa)
        return refuse(err, VMM_E_INVAL,
                      "without EPT guest-physical is host-physical: ram_gpa != ram_hpa");
    if (!c->use_ept && c->unrestricted_guest)
        return refuse(err, VMM_E_INVAL, "unrestricted guest needs EPT");
    if (!c->use_ept && c->mmio_hole_count)
        return refuse(err, VMM_E_INVAL, "MMIO holes need EPT (nothing else makes accesses exit)");
    if (c->mmio_hole_count > VMM_VM_MAX_MMIO_HOLES)
        return refuse(err, VMM_E_INVAL, "more MMIO holes than VMM_VM_MAX_MMIO_HOLES");
    *top = c->ram_gpa + c->ram_size;
    for (size_t i = 0; i < c->mmio_hole_count; i++) {
        const struct vmm_vm_mmio_hole *h = &c->mmio_holes[i];
        if (h->size == 0 || !aligned(h->gpa) || !aligned(h->size) || h->gpa + h->size < h->gpa)
            return refuse(err, VMM_E_INVAL,
                          "an MMIO hole must be a non-empty range of whole 4 KiB pages");
        if (overlap(h->gpa, h->size, c->ram_gpa, c->ram_size))
            return refuse(err, VMM_E_INVAL, "an MMIO hole overlaps guest RAM");
        for (size_t j = 0; j < i; j++)
            if (overlap(h->gpa, h->size, c->mmio_holes[j].gpa, c->mmio_holes[j].size))
                return refuse(err, VMM_E_INVAL, "two MMIO holes overlap");
        if (h->gpa + h->size > *top)
            *top = h->gpa + h->size;
    }
    if (*top > PDPT_REACH)
        return refuse(err, VMM_E_RANGE, "guest RAM or an MMIO hole reaches beyond 512 GiB");
    return VMM_OK;
}

int vmm_vm_plan(const struct vmx_caps *caps, const struct vmm_vm_config *c,
                struct vmm_vm_layout *l, struct vmm_vm_error *err)
{
    if (!caps || !c || !l)
        return refuse(err, VMM_E_INVAL, "missing argument");
    uint64_t top;
    int rc = check_ranges(caps, c, &top, err);
    if (rc != VMM_OK)
        return rc;

    uint64_t map_end = (top + VM_2M - 1) & ~(VM_2M - 1);
    uint32_t pd_count = (uint32_t)((map_end + VM_1G - 1) / VM_1G);
    uint64_t sys_size = (VM_FIXED_SYS_PAGES + pd_count) * VM_PAGE;
    if (c->ram_size < sys_size + VM_PAGE)
        return refuse(err, VMM_E_RANGE,
                      "guest RAM too small: it must hold the system area and one more page");

    struct vmm_vm_layout out = {.end = c->ram_gpa + c->ram_size, .map_end = map_end,
                                .pd_count = pd_count};
    out.base = out.end - sys_size;
    out.pml4 = out.base;
    out.pdpt = out.pml4 + VM_PAGE;
    out.pd = out.pdpt + VM_PAGE;
    out.gdt = out.pd + pd_count * VM_PAGE;
    out.tss = out.gdt + VM_TSS_OFFSET;
    out.idt = out.gdt + VM_PAGE;
    out.stubs = out.idt + VM_PAGE;
    out.ist_top = out.stubs + 2 * VM_PAGE; /* the stack page follows the stubs */

    if (c->entry < c->ram_gpa || c->entry >= out.base)
        return refuse(err, VMM_E_INVAL,
                      "the entry point is not in guest RAM below the system area");
    if (c->rsp <= c->ram_gpa || c->rsp > out.base)
        return refuse(err, VMM_E_INVAL,
                      "the initial RSP is not in guest RAM below the system area");
    *l = out;
    return VMM_OK;
}
