/* SPDX-License-Identifier: Apache-2.0 */
/* In-image tests of physical memory: the ranges from the real memory map,
 * the identity map, and the page allocator run to exhaustion. */
#include "libos/cpu.h"
#include "libos/mem.h"
#include "libos/string.h"
#include "libos/test.h"
#include "libos/trap.h"

#define MIB (1ull << 20)

static bool in_ranges(uint64_t a)
{
    const struct libos_mem_range *r;
    unsigned n = libos_mem_ranges(&r);
    for (unsigned i = 0; i < n; i++)
        if (a >= r[i].base && a < r[i].end) return true;
    return false;
}

LIBOS_TEST(mem_ranges_lie_in_ram_outside_the_kernel)
{
    const struct libos_mem_range *r;
    unsigned n = libos_mem_ranges(&r);
    TEST_ASSERT(n > 0);
    TEST_ASSERT(libos_mem_top() > libos_kernel_end());
    for (unsigned i = 0; i < n; i++) {
        TEST_ASSERT(r[i].base < r[i].end);
        TEST_ASSERT_EQ(r[i].base % LIBOS_PAGE_SIZE, 0);
        TEST_ASSERT_EQ(r[i].end % LIBOS_PAGE_SIZE, 0);
        TEST_ASSERT(r[i].base >= MIB);
        TEST_ASSERT(r[i].end <= libos_mem_top());
        TEST_ASSERT(r[i].end <= libos_kernel_start() || r[i].base >= libos_kernel_end());
        for (unsigned j = 0; j < i; j++)
            TEST_ASSERT(r[i].end <= r[j].base || r[i].base >= r[j].end);
    }
}

static void touch(void *p)
{
    volatile uint64_t *q = p;
    *q = 0x5a5a5a5a5a5a5a5aull;
    TEST_ASSERT_EQ(*q, 0x5a5a5a5a5a5a5a5aull);
}

LIBOS_TEST(mem_identity_map_covers_every_range)
{
    const struct libos_mem_range *r;
    unsigned n = libos_mem_ranges(&r);
    for (unsigned i = 0; i < n; i++) {
        struct libos_fault f;
        void *first = (void *)(uintptr_t)r[i].base;
        void *last = (void *)(uintptr_t)(r[i].end - 8);
        if (libos_catch(touch, first, &f) || libos_catch(touch, last, &f))
            test_fail("range 0x%llx-0x%llx: %s at 0x%llx", (unsigned long long)r[i].base,
                      (unsigned long long)r[i].end, libos_trap_name(f.vector),
                      (unsigned long long)f.cr2);
    }
}

/* Allocated pages form a chain: word 0 points to the previous page,
 * word 1 holds the page's index, the rest must be zero when handed out. */
struct chain {
    uint64_t *last;
    uint64_t count;
};

static void allocate_all(struct chain *c)
{
    c->last = NULL;
    c->count = 0;
    for (uint64_t *p; (p = page_alloc()) != NULL;) {
        uint64_t a = (uint64_t)(uintptr_t)p;
        if (a % LIBOS_PAGE_SIZE || !in_ranges(a))
            test_fail("page_alloc returned 0x%llx outside the usable ranges",
                      (unsigned long long)a);
        for (unsigned i = 0; i < LIBOS_PAGE_SIZE / 8; i += 64)
            if (p[i] || p[i + 63]) test_fail("page 0x%llx is not zeroed", (unsigned long long)a);
        p[0] = (uint64_t)(uintptr_t)c->last;
        p[1] = c->count++;
        c->last = p;
    }
}

static void check_and_free_all(struct chain *c)
{
    uint64_t expect = c->count;
    for (uint64_t *p = c->last; p;) {
        uint64_t *prev = (uint64_t *)(uintptr_t)p[0];
        TEST_ASSERT_EQ(p[1], --expect); /* a page handed out twice breaks the chain */
        page_free(p);
        p = prev;
    }
    TEST_ASSERT_EQ(expect, 0);
}

LIBOS_TEST(mem_allocator_hands_out_every_page_once_and_reuses_freed_pages)
{
    uint64_t available = libos_mem_free_pages();
    TEST_ASSERT(available > 0);
    struct chain c;
    allocate_all(&c);
    TEST_ASSERT_EQ(c.count, available);
    TEST_ASSERT_EQ(libos_mem_free_pages(), 0);
    TEST_ASSERT(page_alloc() == NULL);
    check_and_free_all(&c);
    TEST_ASSERT_EQ(libos_mem_free_pages(), available);
    /* Freed pages come back zeroed (allocate_all checks), all of them. */
    allocate_all(&c);
    TEST_ASSERT_EQ(c.count, available);
    check_and_free_all(&c);
}

LIBOS_TEST(mem_page_free_ignores_foreign_pointers)
{
    uint64_t before = libos_mem_free_pages();
    page_free(NULL);
    page_free((void *)(uintptr_t)libos_kernel_start()); /* not an allocator page */
    uint8_t *page = page_alloc();
    TEST_ASSERT(page != NULL);
    page_free(page + 12); /* unaligned */
    TEST_ASSERT_EQ(libos_mem_free_pages(), before - 1);
    page_free(page);
    TEST_ASSERT_EQ(libos_mem_free_pages(), before);
}
