/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Physical memory: the identity map above 4 GiB (the boot code maps the
 * first 4 GiB), a guard page under the boot stack, and the page
 * allocator. The allocator hands out never-used pages from the usable
 * ranges in address order, and reuses freed pages first (a list threaded
 * through the free pages themselves).
 */
#include "libos/mem.h"

#include <stddef.h>

#include "libos/console.h"
#include "libos/cpu.h"
#include "libos/string.h"
#include "libos_internal.h"
#include "ranges.h"

#define PAGE_SIZE LIBOS_PAGE_SIZE
#define LOW_MEMORY_END 0x100000ull  /* BIOS data, the boot sector, VGA */
#define BOOT_MAPPED_END (4ull << 30) /* what boot.S identity-maps */
#define GIB (1ull << 30)
#define MIB2 (2ull << 20)
#define PTE_PRESENT 0x1ull
#define PTE_WRITABLE 0x2ull
#define PTE_LARGE 0x80ull
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ull
#define ENTRIES 512

extern uint64_t libos_boot_pml4[ENTRIES], libos_boot_pdpt[ENTRIES];
extern uint64_t libos_boot_pd[4][ENTRIES];
extern char __kernel_start[], __kernel_end[], libos_boot_stack_guard[];

/* Every reported range, plus the splits that carving out the kernel, the
 * boot information and the page directories can cause. */
_Static_assert(LIBOS_RANGE_SET_MAX >= LIBOS_MAX_RAM_RANGES + 8, "range set too small");
static struct libos_range_set usable;
static unsigned next_range;  /* the range fresh pages come from */
static uint64_t next_fresh;  /* the next never-used page in it */
static void *free_list;      /* freed pages; each holds the next pointer */
static uint64_t free_list_pages;
static uint64_t mem_top;
static uint64_t guard_pt[ENTRIES] __attribute__((aligned(PAGE_SIZE)));

uint64_t libos_mem_top(void) { return mem_top; }
uint64_t libos_kernel_start(void) { return (uint64_t)(uintptr_t)__kernel_start; }
uint64_t libos_kernel_end(void) { return (uint64_t)(uintptr_t)__kernel_end; }

unsigned libos_mem_ranges(const struct libos_mem_range **out)
{
    *out = usable.r;
    return usable.count;
}

static bool has_1g_pages(void)
{
    uint32_t max_ext, edx;
    cpuid(0x80000000, 0, &max_ext, NULL, NULL, NULL);
    if (max_ext < 0x80000001) return false;
    cpuid(0x80000001, 0, NULL, NULL, NULL, &edx);
    return edx & (1u << 26);
}

/* Identity-maps [4 GiB, top) with 1 GiB pages, or 2 MiB pages in page
 * directories taken from the (already mapped) low memory. */
static uint64_t map_above_4g(uint64_t top)
{
    uint64_t limit = (uint64_t)ENTRIES * GIB; /* one PDPT */
    if (top > limit) {
        kprintf("libos: RAM above 512 GiB is not used\n");
        top = limit;
    }
    bool large = has_1g_pages();
    for (uint64_t gib = BOOT_MAPPED_END / GIB; gib * GIB < top; gib++) {
        if (large) {
            libos_boot_pdpt[gib] = gib * GIB | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE;
            continue;
        }
        uint64_t *pd = page_alloc();
        if (!pd) return gib * GIB;
        for (unsigned i = 0; i < ENTRIES; i++)
            pd[i] = (gib * GIB + i * MIB2) | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE;
        libos_boot_pdpt[gib] = (uint64_t)(uintptr_t)pd | PTE_PRESENT | PTE_WRITABLE;
    }
    write_cr3(read_cr3());
    return top;
}

/* Splits the 2 MiB page holding the boot stack's guard page into 4 KiB
 * pages and unmaps the guard, so that a stack overflow faults (and ends
 * in #DF on its own stack) instead of overwriting the page tables. */
static void unmap_stack_guard(void)
{
    uint64_t guard = (uint64_t)(uintptr_t)libos_boot_stack_guard;
    uint64_t *pde = &libos_boot_pd[guard / GIB][(guard % GIB) / MIB2];
    uint64_t big = guard & ~(MIB2 - 1);
    for (unsigned i = 0; i < ENTRIES; i++)
        guard_pt[i] = (big + (uint64_t)i * PAGE_SIZE) | PTE_PRESENT | PTE_WRITABLE;
    guard_pt[(guard - big) / PAGE_SIZE] = 0;
    *pde = (uint64_t)(uintptr_t)guard_pt | PTE_PRESENT | PTE_WRITABLE;
    write_cr3(read_cr3());
}

static void restart_allocation(void)
{
    next_range = 0;
    next_fresh = usable.count ? usable.r[0].base : 0;
}

void libos_mem_init(const struct libos_boot_facts *facts)
{
    uint64_t top = 0;
    for (unsigned i = 0; i < facts->ram_count; i++) {
        if (facts->ram[i].end > top) top = facts->ram[i].end;
        libos_range_set_add(&usable, facts->ram[i].base, facts->ram[i].end);
    }
    libos_range_set_carve(&usable, 0, LOW_MEMORY_END);
    libos_range_set_carve(&usable, libos_kernel_start(), libos_kernel_end());
    libos_range_set_carve(&usable, facts->info_start, facts->info_end);
    /* Page directories for the memory above 4 GiB come from below it, the
     * only memory mapped so far. */
    struct libos_range_set all = usable;
    libos_range_set_carve(&usable, BOOT_MAPPED_END, UINT64_MAX);
    restart_allocation();
    mem_top = top < BOOT_MAPPED_END ? top : BOOT_MAPPED_END;
    if (top > BOOT_MAPPED_END) {
        uint64_t mapped = map_above_4g(top);
        usable = all;
        libos_range_set_carve(&usable, mapped, UINT64_MAX);
        for (uint64_t gib = BOOT_MAPPED_END / GIB; gib * GIB < mapped; gib++) {
            uint64_t e = libos_boot_pdpt[gib];
            if (!(e & PTE_LARGE)) /* keep the page directory map_above_4g took */
                libos_range_set_carve(&usable, e & PTE_ADDR_MASK,
                                      (e & PTE_ADDR_MASK) + PAGE_SIZE);
        }
        mem_top = mapped < top ? mapped : top;
    }
    restart_allocation();
    unmap_stack_guard();
}

void *page_alloc(void)
{
    void *p = free_list;
    if (p) {
        free_list = *(void **)p;
        free_list_pages--;
    } else {
        while (next_range < usable.count && next_fresh >= usable.r[next_range].end) {
            if (++next_range < usable.count) next_fresh = usable.r[next_range].base;
        }
        if (next_range >= usable.count) return NULL;
        p = (void *)(uintptr_t)next_fresh;
        next_fresh += PAGE_SIZE;
    }
    memset(p, 0, PAGE_SIZE);
    return p;
}

void page_free(void *p)
{
    if (!p) return;
    uint64_t a = (uint64_t)(uintptr_t)p;
    /* Only pages already handed out: ranges before the current one, and
     * the current one below next_fresh. */
    bool known = false;
    for (unsigned i = 0; i < usable.count && i <= next_range && !known; i++) {
        uint64_t end = i == next_range ? next_fresh : usable.r[i].end;
        known = a >= usable.r[i].base && a < end;
    }
    if (!known || a % PAGE_SIZE) {
        kprintf("libos: page_free(%p): not a page of the allocator; ignored\n", p);
        return;
    }
    *(void **)p = free_list;
    free_list = p;
    free_list_pages++;
}

uint64_t libos_mem_free_pages(void)
{
    uint64_t n = free_list_pages;
    for (unsigned i = next_range; i < usable.count; i++) {
        uint64_t from = i == next_range ? next_fresh : usable.r[i].base;
        if (from < usable.r[i].end) n += (usable.r[i].end - from) / PAGE_SIZE;
    }
    return n;
}
