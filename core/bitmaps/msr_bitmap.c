/* SPDX-License-Identifier: Apache-2.0 */
/* The MSR bitmap: four 1-KiB quarters of one page (layout in vmm/bitmaps.h). */
#include "vmm/bitmaps.h"

#define PAGE_SIZE 4096u
#define READ_LOW 0x000u
#define READ_HIGH 0x400u
#define WRITE_HALF 0x800u /* write quarters follow their read quarters by 2 KiB */

static void fill(uint8_t *p, uint8_t value)
{
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        p[i] = value;
}

int vmm_msr_bitmap_init(struct vmm_msr_bitmap *bm, struct vmm_cpu *cpu, bool intercept_all)
{
    int rc = cpu->ops->alloc_page(cpu, &bm->page);
    if (rc != VMM_OK)
        return rc;
    fill(bm->page.hva, intercept_all ? 0xff : 0);
    return VMM_OK;
}

int vmm_msr_bitmap_free(struct vmm_msr_bitmap *bm, struct vmm_cpu *cpu)
{
    int rc = cpu->ops->free_page(cpu, bm->page.hpa);
    if (rc == VMM_OK)
        bm->page = (struct vmm_host_page){0};
    return rc;
}

/* Byte offset of the read-half quarter and bit index of `msr`; false outside the ranges. */
static bool locate(uint32_t msr, unsigned *quarter, unsigned *bit)
{
    if (msr <= VMM_MSR_LOW_LAST) {
        *quarter = READ_LOW;
        *bit = msr;
        return true;
    }
    if (msr >= VMM_MSR_HIGH_FIRST && msr <= VMM_MSR_HIGH_LAST) {
        *quarter = READ_HIGH;
        *bit = msr - VMM_MSR_HIGH_FIRST;
        return true;
    }
    return false;
}

static void put_bit(uint8_t *page, unsigned offset, unsigned bit, bool on)
{
    uint8_t *byte = &page[offset + bit / 8];
    uint8_t mask = (uint8_t)(1u << (bit % 8));
    *byte = on ? (uint8_t)(*byte | mask) : (uint8_t)(*byte & ~mask);
}

int vmm_msr_bitmap_set(struct vmm_msr_bitmap *bm, uint32_t msr, unsigned access, bool intercept)
{
    unsigned quarter, bit;
    if (!(access & VMM_MSR_ACCESS_RW) || (access & ~(unsigned)VMM_MSR_ACCESS_RW))
        return VMM_E_INVAL;
    if (!locate(msr, &quarter, &bit))
        return intercept ? VMM_OK : VMM_E_RANGE;
    uint8_t *page = bm->page.hva;
    if (access & VMM_MSR_ACCESS_READ)
        put_bit(page, quarter, bit, intercept);
    if (access & VMM_MSR_ACCESS_WRITE)
        put_bit(page, quarter + WRITE_HALF, bit, intercept);
    return VMM_OK;
}

bool vmm_msr_bitmap_intercepts(const struct vmm_msr_bitmap *bm, uint32_t msr,
                               enum vmm_msr_access access)
{
    unsigned quarter, bit;
    if (!locate(msr, &quarter, &bit))
        return true;
    if (access == VMM_MSR_ACCESS_WRITE)
        quarter += WRITE_HALF;
    const uint8_t *page = bm->page.hva;
    return (page[quarter + bit / 8] >> (bit % 8)) & 1;
}
