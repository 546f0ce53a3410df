/* SPDX-License-Identifier: Apache-2.0 */
/* The I/O bitmaps: page A for ports 0000H-7FFFH, page B for 8000H-FFFFH. */
#include "vmm/bitmaps.h"

#define PAGE_SIZE 4096u
#define PORTS_PER_PAGE 0x8000u

static void fill(uint8_t *p, uint8_t value)
{
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        p[i] = value;
}

int vmm_io_bitmap_init(struct vmm_io_bitmap *bm, struct vmm_cpu *cpu, bool intercept_all)
{
    int rc = cpu->ops->alloc_page(cpu, &bm->a);
    if (rc != VMM_OK)
        return rc;
    rc = cpu->ops->alloc_page(cpu, &bm->b);
    if (rc != VMM_OK) {
        cpu->ops->free_page(cpu, bm->a.hpa);
        bm->a = (struct vmm_host_page){0};
        return rc;
    }
    fill(bm->a.hva, intercept_all ? 0xff : 0);
    fill(bm->b.hva, intercept_all ? 0xff : 0);
    return VMM_OK;
}

int vmm_io_bitmap_free(struct vmm_io_bitmap *bm, struct vmm_cpu *cpu)
{
    int rc_a = cpu->ops->free_page(cpu, bm->a.hpa);
    int rc_b = cpu->ops->free_page(cpu, bm->b.hpa);
    bm->a = bm->b = (struct vmm_host_page){0};
    return rc_a != VMM_OK ? rc_a : rc_b;
}

static uint8_t *byte_of(const struct vmm_io_bitmap *bm, uint16_t port)
{
    uint8_t *page = port < PORTS_PER_PAGE ? bm->a.hva : bm->b.hva;
    return &page[(port % PORTS_PER_PAGE) / 8];
}

int vmm_io_bitmap_set(struct vmm_io_bitmap *bm, uint16_t first, uint32_t count, bool intercept)
{
    if (count > 0x10000u - first)
        return VMM_E_RANGE;
    for (uint32_t p = first; p < (uint32_t)first + count; p++) {
        uint8_t *byte = byte_of(bm, (uint16_t)p);
        uint8_t mask = (uint8_t)(1u << (p % 8));
        *byte = intercept ? (uint8_t)(*byte | mask) : (uint8_t)(*byte & ~mask);
    }
    return VMM_OK;
}

bool vmm_io_bitmap_port_intercepted(const struct vmm_io_bitmap *bm, uint16_t port)
{
    return (*byte_of(bm, port) >> (port % 8)) & 1;
}

bool vmm_io_bitmap_intercepts(const struct vmm_io_bitmap *bm, uint16_t port, unsigned size)
{
    if ((uint32_t)port + size > 0x10000u)
        return true; /* wraps past FFFFH */
    for (unsigned i = 0; i < size; i++)
        if (vmm_io_bitmap_port_intercepted(bm, (uint16_t)(port + i)))
            return true;
    return false;
}
