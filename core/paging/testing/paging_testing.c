/* SPDX-License-Identifier: Apache-2.0 */
#include "paging_testing.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

struct test_memory tmem;

#define PAGE(n) ((vmm_gpa_t)(n) << 12)

struct paging_state state_for(enum paging_mode m, unsigned flags)
{
    struct paging_state s = {
        .cr0 = (m == PAGING_OFF ? 0 : PG_CR0_PG) | ((flags & F_WP) ? PG_CR0_WP : 0),
        .cr4 = ((flags & F_SMEP) ? PG_CR4_SMEP : 0) | ((flags & F_SMAP) ? PG_CR4_SMAP : 0) |
               ((flags & F_PKE) ? PG_CR4_PKE : 0) | ((flags & F_PKS) ? PG_CR4_PKS : 0),
        .efer = (flags & F_NXE) ? PG_EFER_NXE : 0,
        .rflags = 2 | ((flags & F_AC) ? PG_RFLAGS_AC : 0),
        .maxphyaddr = 46,
        .gbpages = !(flags & F_NO_GBPAGES),
    };
    if (m == PAGING_32BIT)
        s.cr4 |= PG_CR4_PSE;
    if (m >= PAGING_PAE)
        s.cr4 |= PG_CR4_PAE;
    if (m >= PAGING_4LEVEL)
        s.efer |= PG_EFER_LMA | (1ull << 8);
    if (m == PAGING_5LEVEL)
        s.cr4 |= PG_CR4_LA57;
    s.cr3 = PAGE(top_level(m)) | 0x18; /* PWT/PCD bits are not address bits */
    return s;
}

vmm_gva_t gva_for(enum paging_mode m)
{
    switch (m) {
    case PAGING_32BIT: return (0x2c5ull << 22) | (0x1a3ull << 12) | 0x456;
    case PAGING_PAE: return (2ull << 30) | (0x1b7ull << 21) | (0x0cdull << 12) | 0x789;
    case PAGING_4LEVEL:
        return 0xffff800000000000ull | (3ull << 39) | (5ull << 30) | (7ull << 21) | (9ull << 12) |
               0x321;
    case PAGING_5LEVEL:
        return 0xfe00000000000000ull | (0x1a5ull << 48) | (0x1c3ull << 39) | (5ull << 30) |
               (0x1e7ull << 21) | (9ull << 12) | 0x654;
    default: return 0x1234;
    }
}

unsigned top_level(enum paging_mode m)
{
    static const unsigned top[] = {0, 2, 3, 4, 5};
    return top[m];
}

vmm_gpa_t entry_gpa(enum paging_mode m, vmm_gva_t gva, unsigned level)
{
    if (m == PAGING_PAE && level == 3)
        return 0;
    unsigned bits = m == PAGING_32BIT ? 10 : 9;
    unsigned size = m == PAGING_32BIT ? 4 : 8;
    uint64_t index = (gva >> (12 + bits * (level - 1))) & ((1u << bits) - 1);
    return PAGE(level) + index * size;
}

static unsigned entry_size(enum paging_mode m)
{
    return m == PAGING_32BIT ? 4 : 8;
}

void poke(vmm_gpa_t gpa, unsigned size, uint64_t value)
{
    assert_true(gpa + size <= sizeof tmem.bytes);
    memcpy(&tmem.bytes[gpa], &value, size); /* little-endian host */
}

uint64_t peek(vmm_gpa_t gpa, unsigned size)
{
    uint64_t v = 0;
    assert_true(gpa + size <= sizeof tmem.bytes);
    memcpy(&v, &tmem.bytes[gpa], size);
    return v;
}

uint64_t get_entry(const struct paging_state *s, enum paging_mode m, vmm_gva_t gva,
                   unsigned level)
{
    if (m == PAGING_PAE && level == 3)
        return s->pdpte[(gva >> 30) & 3];
    return peek(entry_gpa(m, gva, level), entry_size(m));
}

void set_entry(struct paging_state *s, enum paging_mode m, vmm_gva_t gva, unsigned level,
               uint64_t value)
{
    if (m == PAGING_PAE && level == 3)
        s->pdpte[(gva >> 30) & 3] = value;
    else
        poke(entry_gpa(m, gva, level), entry_size(m), value);
}

void build_path(struct paging_state *s, vmm_gva_t gva, unsigned leaf_level, uint64_t upper,
                uint64_t leaf)
{
    enum paging_mode m = paging_mode_of(s);
    memset(&tmem, 0, sizeof tmem);
    memset(s->pdpte, 0, sizeof s->pdpte);
    for (unsigned level = top_level(m); level > leaf_level; level--) {
        uint64_t bits = (m == PAGING_PAE && level == 3) ? 0 : upper; /* PDPTEs have only P */
        set_entry(s, m, gva, level, PAGE(level - 1) | bits | GPTE_P);
    }
    set_entry(s, m, gva, leaf_level, leaf | GPTE_P);
}

static int mem_read(void *ctx, vmm_gpa_t gpa, unsigned size, uint64_t *value)
{
    (void)ctx;
    assert_true(size == 4 || size == 8);
    if (tmem.fail_rc && !tmem.fail_writes_only && gpa == tmem.fail_gpa)
        return tmem.fail_rc;
    if (gpa + size > sizeof tmem.bytes || (gpa & (size - 1)))
        return -999;
    tmem.reads++;
    *value = peek(gpa, size);
    return 0;
}

static int mem_write(void *ctx, vmm_gpa_t gpa, unsigned size, uint64_t value)
{
    (void)ctx;
    assert_true(size == 4 || size == 8);
    if (tmem.fail_rc && gpa == tmem.fail_gpa)
        return tmem.fail_rc;
    if (gpa + size > sizeof tmem.bytes || (gpa & (size - 1)))
        return -999;
    tmem.writes++;
    tmem.last_write_size = size;
    poke(gpa, size, value);
    return 0;
}

struct paging_mem test_mem(void)
{
    return (struct paging_mem){.read = mem_read, .write = mem_write};
}

struct paging_result translate(const struct paging_state *s, vmm_gva_t gva, unsigned access)
{
    struct paging_mem mem = test_mem();
    struct paging_result r;
    tmem.reads = tmem.writes = tmem.last_write_size = 0;
    assert_int_equal(paging_translate(s, &mem, gva, access, &r), VMM_OK);
    return r;
}
