/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host pages (the library OS's, identity-mapped: HPA = HVA)
 * and guest RAM (one contiguous host range, guest-physical to host-physical
 * by a constant offset).
 */
#include "hwvmx_internal.h"
#include "libos/mem.h"

int hwvmx_alloc_page(struct vmm_cpu *cpu, struct vmm_host_page *page)
{
    struct hwvmx *hw = hwvmx_of(cpu);
    if (!page)
        return VMM_E_INVAL;
    uint8_t *p = page_alloc(); /* zeroed and page-aligned */
    if (!p)
        return VMM_E_NOMEM;
    hw->pages_live++;
    *page = (struct vmm_host_page){.hpa = (uintptr_t)p, .hva = p};
    return VMM_OK;
}

int hwvmx_free_page(struct vmm_cpu *cpu, vmm_hpa_t hpa)
{
    struct hwvmx *hw = hwvmx_of(cpu);
    if (hpa == 0 || (hpa & (HWVMX_PAGE_SIZE - 1)) || hw->pages_live == 0)
        return VMM_E_INVAL;
    hw->pages_live--;
    page_free((void *)(uintptr_t)hpa);
    return VMM_OK;
}

/* The host address of guest-physical [gpa, gpa + len), or NULL when not all in guest RAM. */
static uint8_t *ram_at(const struct hwvmx *hw, vmm_gpa_t gpa, size_t len)
{
    const struct hwvmx_config *c = &hw->cfg;
    if (gpa < c->ram_gpa || len > c->ram_size || gpa - c->ram_gpa > c->ram_size - len)
        return NULL;
    return (uint8_t *)(uintptr_t)(c->ram_hpa + (gpa - c->ram_gpa));
}

int hwvmx_gpa_read(struct vmm_cpu *cpu, vmm_gpa_t gpa, void *buf, size_t len)
{
    const uint8_t *src = ram_at(hwvmx_of(cpu), gpa, len);
    if (!src)
        return VMM_E_RANGE;
    uint8_t *dst = buf;
    for (size_t i = 0; i < len; i++)
        dst[i] = src[i];
    return VMM_OK;
}

int hwvmx_gpa_write(struct vmm_cpu *cpu, vmm_gpa_t gpa, const void *buf, size_t len)
{
    uint8_t *dst = ram_at(hwvmx_of(cpu), gpa, len);
    if (!dst)
        return VMM_E_RANGE;
    const uint8_t *src = buf;
    for (size_t i = 0; i < len; i++)
        dst[i] = src[i];
    return VMM_OK;
}
