/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host-physical memory: one flat, page-aligned buffer for HPA 0 up to the
 * configured size. Guest RAM is its first guest_ram_size bytes (so a guest
 * at GPA 0 without EPT sees the same addresses); the rest, except page 0,
 * is the pool alloc_page hands out, lowest free page first, so runs are
 * reproducible. A bitmap records which pool pages are out.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE under -std=c11 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim_internal.h"

int sim_hostmem_init(struct sim *s, const struct sim_config *cfg)
{
    /* Anonymous memory: zeroed, page-aligned, committed only when touched. */
    void *mem = mmap(NULL, (size_t)cfg->host_mem_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED)
        return VMM_E_NOMEM;
    uint64_t pages = cfg->host_mem_size / SIM_PAGE_SIZE;
    uint64_t first = cfg->guest_ram_size ? cfg->guest_ram_size / SIM_PAGE_SIZE : 1;
    s->pool_first = first;
    s->pool_pages = pages - first;
    s->page_used = calloc((size_t)((s->pool_pages + 63) / 64), sizeof *s->page_used);
    if (!s->page_used) {
        munmap(mem, (size_t)cfg->host_mem_size);
        return VMM_E_NOMEM;
    }
    s->mem = mem;
    s->mem_size = cfg->host_mem_size;
    s->pool_hint = 0;
    s->ram = (struct sim_guest_ram){
        .gpa = cfg->guest_ram_gpa, .hpa = 0, .size = cfg->guest_ram_size};
    return VMM_OK;
}

void sim_hostmem_fini(struct sim *s)
{
    if (s->mem)
        munmap(s->mem, (size_t)s->mem_size);
    free(s->page_used);
    s->mem = NULL;
    s->page_used = NULL;
}

/* ---- physical accesses ---- */

/* How many of `len` bytes from `hpa` lie inside host memory (a prefix). */
static size_t backed_prefix(const struct sim *s, uint64_t hpa, size_t len)
{
    if (hpa >= s->mem_size)
        return 0;
    uint64_t room = s->mem_size - hpa;
    return len < room ? len : (size_t)room;
}

void sim_phys_read(const struct sim *s, uint64_t hpa, void *buf, size_t len)
{
    size_t n = backed_prefix(s, hpa, len);
    if (n)
        memcpy(buf, s->mem + hpa, n);
    memset((uint8_t *)buf + n, 0xff, len - n);
}

void sim_phys_write(struct sim *s, uint64_t hpa, const void *buf, size_t len)
{
    size_t n = backed_prefix(s, hpa, len);
    if (n) {
        memcpy(s->mem + hpa, buf, n);
        sim_mark_written(s, hpa, n);
        sim_mark_stale(s, hpa, n);
    }
}

uint32_t sim_phys_read32(const struct sim *s, uint64_t hpa)
{
    uint8_t b[4];
    sim_phys_read(s, hpa, b, sizeof b);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

void sim_phys_write32(struct sim *s, uint64_t hpa, uint32_t value)
{
    uint8_t b[4] = {(uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16),
                    (uint8_t)(value >> 24)};
    sim_phys_write(s, hpa, b, sizeof b);
}

/* ---- the page pool ---- */

static bool page_is_used(const struct sim *s, uint64_t i)
{
    return (s->page_used[i / 64] >> (i % 64)) & 1;
}

int sim_alloc_page(struct vmm_cpu *cpu, struct vmm_host_page *page)
{
    struct sim *s = sim_of(cpu);
    if (!page)
        return VMM_E_INVAL;
    for (uint64_t w = s->pool_hint / 64; w * 64 < s->pool_pages; w++) {
        if (s->page_used[w] == ~0ull)
            continue;
        uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(~s->page_used[w]);
        if (i >= s->pool_pages)
            break;
        s->page_used[w] |= 1ull << (i % 64);
        s->pool_hint = i + 1;
        vmm_hpa_t hpa = (s->pool_first + i) * SIM_PAGE_SIZE;
        memset(s->mem + hpa, 0, SIM_PAGE_SIZE);
        sim_mark_written(s, hpa, SIM_PAGE_SIZE);
        sim_mark_stale(s, hpa, SIM_PAGE_SIZE);
        *page = (struct vmm_host_page){.hpa = hpa, .hva = s->mem + hpa};
        return VMM_OK;
    }
    s->pool_hint = s->pool_pages;
    return VMM_E_NOMEM;
}

int sim_free_page(struct vmm_cpu *cpu, vmm_hpa_t hpa)
{
    struct sim *s = sim_of(cpu);
    if ((hpa & SIM_PAGE_MASK) || hpa / SIM_PAGE_SIZE < s->pool_first)
        return VMM_E_INVAL;
    uint64_t i = hpa / SIM_PAGE_SIZE - s->pool_first;
    if (i >= s->pool_pages || !page_is_used(s, i))
        return VMM_E_INVAL;
    s->page_used[i / 64] &= ~(1ull << (i % 64));
    if (i < s->pool_hint)
        s->pool_hint = i;
    return VMM_OK;
}

/* ---- guest RAM ---- */

/* The host address of [gpa, gpa + len) if it lies inside guest RAM, else NULL. */
static uint8_t *guest_span(struct sim *s, vmm_gpa_t gpa, size_t len)
{
    if (gpa < s->ram.gpa)
        return NULL;
    uint64_t off = gpa - s->ram.gpa;
    if (off > s->ram.size || len > s->ram.size - off)
        return NULL;
    return s->mem + s->ram.hpa + off;
}

int sim_gpa_read(struct vmm_cpu *cpu, vmm_gpa_t gpa, void *buf, size_t len)
{
    if (len == 0)
        return VMM_OK;
    if (!buf)
        return VMM_E_INVAL;
    uint8_t *p = guest_span(sim_of(cpu), gpa, len);
    if (!p)
        return VMM_E_RANGE;
    memcpy(buf, p, len);
    return VMM_OK;
}

int sim_gpa_write(struct vmm_cpu *cpu, vmm_gpa_t gpa, const void *buf, size_t len)
{
    if (len == 0)
        return VMM_OK;
    if (!buf)
        return VMM_E_INVAL;
    struct sim *s = sim_of(cpu);
    uint8_t *p = guest_span(s, gpa, len);
    if (!p)
        return VMM_E_RANGE;
    memcpy(p, buf, len);
    sim_mark_written(s, (uint64_t)(p - s->mem), len);
    sim_mark_stale(s, (uint64_t)(p - s->mem), len);
    return VMM_OK;
}
