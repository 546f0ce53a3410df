/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Physical memory of the library OS. All RAM reported usable by the
 * multiboot2 memory map is identity-mapped read/write (virtual ==
 * physical, 2 MiB pages, and the whole first 4 GiB including MMIO), so a
 * pointer from page_alloc() is also its physical address.
 */
#ifndef LIBOS_MEM_H
#define LIBOS_MEM_H

#include <stdint.h>

#define LIBOS_PAGE_SIZE 4096u

/* One zeroed, 4 KiB-aligned page; NULL when memory is exhausted. */
void *page_alloc(void);
/* Returns a page from page_alloc(); NULL is ignored. */
void page_free(void *p);
/* One past the highest usable RAM byte of the memory map. */
uint64_t libos_mem_top(void);
/* Pages page_alloc() can still hand out (free list + untouched ranges). */
uint64_t libos_mem_free_pages(void);

/* The usable RAM ranges the allocator manages (after removing the kernel
 * image, the boot information and the first MiB). */
struct libos_mem_range {
    uint64_t base, end; /* [base, end), page-aligned */
};
unsigned libos_mem_ranges(const struct libos_mem_range **ranges);

/* The kernel image in memory: [start, end). */
uint64_t libos_kernel_start(void);
uint64_t libos_kernel_end(void);

#endif
