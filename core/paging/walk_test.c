/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest page walk in every mode: translations at every page size,
 * reserved bits, not-present entries, accessed/dirty updates, accessor
 * failures and argument checks. Page tables live in a small test memory.
 * The access-rights matrix is in rights_test.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "paging_testing.h"

static void translates_4k_pages_in_every_mode(void **state)
{
    (void)state;
    static const enum paging_mode modes[] = {PAGING_32BIT, PAGING_PAE, PAGING_4LEVEL,
                                             PAGING_5LEVEL};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        enum paging_mode m = modes[i];
        struct paging_state s = state_for(m, 0);
        vmm_gva_t gva = gva_for(m);
        build_path(&s, gva, 1, GPTE_RW | GPTE_US, LEAF_GPA | GPTE_RW | GPTE_US);
        struct paging_result r = translate(&s, gva, PAGING_ACCESS_USER);
        assert_int_equal(r.outcome, PAGING_TRANSLATED);
        assert_int_equal(r.gpa, LEAF_GPA | (gva & 0xfff));
        assert_int_equal(r.page_size, 0x1000);
        assert_int_equal(r.level, 1);
        assert_true(r.user && r.writable);
        assert_false(r.nx);
        assert_int_equal(r.entry_gpa, entry_gpa(m, gva, 1));
        assert_int_equal(tmem.reads, m == PAGING_PAE ? 2 : top_level(m));
    }
}

static void translates_large_pages_in_every_mode(void **state)
{
    (void)state;
    static const struct {
        enum paging_mode m;
        unsigned level;
        uint64_t size;
    } rows[] = {
        {PAGING_32BIT, 2, 1ull << 22}, {PAGING_PAE, 2, 1ull << 21},   {PAGING_4LEVEL, 2, 1ull << 21},
        {PAGING_4LEVEL, 3, 1ull << 30}, {PAGING_5LEVEL, 2, 1ull << 21}, {PAGING_5LEVEL, 3, 1ull << 30},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct paging_state s = state_for(rows[i].m, 0);
        vmm_gva_t gva = gva_for(rows[i].m);
        /* Bit 12 is PAT in a large-page entry, never an address bit. */
        build_path(&s, gva, rows[i].level, GPTE_RW,
                   LEAF_GPA_LARGE | GPTE_PS | GPTE_RW | (1ull << 12));
        struct paging_result r = translate(&s, gva, PAGING_ACCESS_WRITE);
        assert_int_equal(r.outcome, PAGING_TRANSLATED);
        assert_int_equal(r.page_size, rows[i].size);
        assert_int_equal(r.gpa, LEAF_GPA_LARGE | (gva & (rows[i].size - 1)));
        assert_int_equal(r.level, rows[i].level);
        assert_false(r.user);
    }
}

static void pse36_supplies_physical_bits_above_4g(void **state)
{
    (void)state;
    struct paging_state s = state_for(PAGING_32BIT, 0);
    s.maxphyaddr = 40;
    vmm_gva_t gva = gva_for(PAGING_32BIT);
    build_path(&s, gva, 2, GPTE_RW, 0xffc00000u | (0x81u << 13) | GPTE_PS | GPTE_RW);
    struct paging_result r = translate(&s, gva, 0);
    assert_int_equal(r.outcome, PAGING_TRANSLATED);
    assert_int_equal(r.gpa, 0x81ffc00000ull | (gva & 0x3fffff));
    /* With MAXPHYADDR 36, PDE bits 20:17 are reserved. */
    s.maxphyaddr = 36;
    r = translate(&s, gva, 0);
    assert_int_equal(r.outcome, PAGING_PAGE_FAULT);
    assert_int_equal(r.error_code, PF_EC_P | PF_EC_RSVD);
    build_path(&s, gva, 2, GPTE_RW, (0xfu << 13) | GPTE_PS);
    r = translate(&s, gva, 0);
    assert_int_equal(r.outcome, PAGING_TRANSLATED);
    assert_int_equal(r.gpa >> 32, 0xf);
}

static void without_cr4_pse_a_32bit_pde_always_references_a_table(void **state)
{
    (void)state;
    struct paging_state s = state_for(PAGING_32BIT, 0);
    s.cr4 &= ~PG_CR4_PSE;
    vmm_gva_t gva = gva_for(PAGING_32BIT);
    build_path(&s, gva, 1, GPTE_RW | GPTE_PS, LEAF_GPA | GPTE_RW);
    struct paging_result r = translate(&s, gva, 0);
    assert_int_equal(r.outcome, PAGING_TRANSLATED);
    assert_int_equal(r.page_size, 0x1000);
    assert_int_equal(r.gpa, LEAF_GPA | (gva & 0xfff));
}

static void without_paging_linear_is_physical(void **state)
{
    (void)state;
    struct paging_state s = state_for(PAGING_OFF, 0);
    struct paging_result r = translate(&s, 0xfedcb123, PAGING_ACCESS_USER | PAGING_ACCESS_WRITE);
    assert_int_equal(r.outcome, PAGING_TRANSLATED);
    assert_int_equal(r.gpa, 0xfedcb123);
    assert_int_equal(tmem.reads, 0);
    struct paging_mem mem = test_mem();
    assert_int_equal(paging_translate(&s, &mem, 1ull << 32, 0, &r), VMM_E_RANGE);
}

/* ---- reserved bits and not-present entries ---- */

struct fault_case {
    const char *name;
    enum paging_mode mode;
    unsigned leaf_level;
    unsigned level;    /* the entry the row changes */
    uint64_t set;      /* bits added to it */
    uint64_t clear;    /* bits removed from it */
    unsigned flags;    /* F_* */
    unsigned access;
    int64_t expect;    /* error code, or OK */
};

#define P GPTE_P
static const struct fault_case fault_cases[] = {
    {"32-bit 4 MiB PDE bit 21", PAGING_32BIT, 2, 2, 1u << 21, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"32-bit PTE has no reserved bits", PAGING_32BIT, 1, 1, 0xfffff000u, 0, 0, 0, OK},
    {"32-bit PDE not present", PAGING_32BIT, 1, 2, 0, P, 0, PAGING_ACCESS_WRITE, PF_EC_W},
    {"PAE PDPTE bit 1", PAGING_PAE, 1, 3, 1u << 1, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"PAE PDPTE bit 5", PAGING_PAE, 1, 3, 1u << 5, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"PAE PDPTE bit 7", PAGING_PAE, 1, 3, 1u << 7, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"PAE PDPTE bit 63, even with NXE", PAGING_PAE, 1, 3, 1ull << 63, 0, F_NXE, 0,
     PF_EC_P | PF_EC_RSVD},
    {"PAE PDPTE bit MAXPHYADDR", PAGING_PAE, 1, 3, 1ull << 46, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"PAE PDPTE not present", PAGING_PAE, 1, 3, 0, P, 0, PAGING_ACCESS_USER, PF_EC_U},
    {"PAE PDE bit 62", PAGING_PAE, 1, 2, 1ull << 62, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"PAE PTE bit 52", PAGING_PAE, 1, 1, 1ull << 52, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"PAE PTE XD without NXE", PAGING_PAE, 1, 1, GPTE_XD, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"PAE PTE XD with NXE", PAGING_PAE, 1, 1, GPTE_XD, 0, F_NXE, 0, OK},
    {"PAE 2 MiB PDE bit 13", PAGING_PAE, 2, 2, 1u << 13, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"PAE PTE not present, fetch with NXE", PAGING_PAE, 1, 1, 0, P, F_NXE, PAGING_ACCESS_FETCH,
     PF_EC_I},
    {"4-level PML4E PS", PAGING_4LEVEL, 1, 4, GPTE_PS, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"4-level 1 GiB page without 1 GiB support", PAGING_4LEVEL, 3, 3, 0, 0, F_NO_GBPAGES, 0,
     PF_EC_P | PF_EC_RSVD},
    {"4-level PDE bit 51", PAGING_4LEVEL, 1, 2, 1ull << 51, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"4-level PTE bit MAXPHYADDR", PAGING_4LEVEL, 1, 1, 1ull << 46, 0, 0, 0,
     PF_EC_P | PF_EC_RSVD},
    {"4-level PTE bit MAXPHYADDR-1 is an address bit", PAGING_4LEVEL, 1, 1, 1ull << 45, 0, 0, 0,
     OK},
    {"4-level 2 MiB page bit 13", PAGING_4LEVEL, 2, 2, 1u << 13, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"4-level 2 MiB page bit 20", PAGING_4LEVEL, 2, 2, 1u << 20, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"4-level 1 GiB page bit 29", PAGING_4LEVEL, 3, 3, 1u << 29, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"4-level PDPTE XD without NXE", PAGING_4LEVEL, 1, 3, GPTE_XD, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"4-level PTE bits 62:52 are ignored", PAGING_4LEVEL, 1, 1, 0x7ffull << 52, 0, 0, 0, OK},
    {"4-level PML4E not present, user write", PAGING_4LEVEL, 1, 4, 0, P, 0,
     PAGING_ACCESS_USER | PAGING_ACCESS_WRITE, PF_EC_W | PF_EC_U},
    {"4-level reserved bit, user write", PAGING_4LEVEL, 1, 1, 1ull << 51, 0, 0,
     PAGING_ACCESS_USER | PAGING_ACCESS_WRITE, PF_EC_P | PF_EC_W | PF_EC_U | PF_EC_RSVD},
    {"4-level reserved bit, fetch with SMEP", PAGING_4LEVEL, 1, 2, 1ull << 51, 0, F_SMEP,
     PAGING_ACCESS_FETCH, PF_EC_P | PF_EC_I | PF_EC_RSVD},
    {"not-present entry's reserved bits do not matter", PAGING_4LEVEL, 1, 2, 1ull << 51, P, 0, 0,
     0},
    {"5-level PML5E PS", PAGING_5LEVEL, 1, 5, GPTE_PS, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"5-level PML5E bit 51", PAGING_5LEVEL, 1, 5, 1ull << 51, 0, 0, 0, PF_EC_P | PF_EC_RSVD},
    {"5-level PML5E not present", PAGING_5LEVEL, 1, 5, 0, P, 0, 0, 0},
};

static void reserved_bits_and_absent_entries_fault_with_the_exact_error_code(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof fault_cases / sizeof fault_cases[0]; i++) {
        const struct fault_case *c = &fault_cases[i];
        print_message("case: %s\n", c->name);
        struct paging_state s = state_for(c->mode, c->flags);
        vmm_gva_t gva = gva_for(c->mode);
        uint64_t leaf = (c->leaf_level > 1 ? LEAF_GPA_LARGE | GPTE_PS : LEAF_GPA) | GPTE_RW |
                        GPTE_US;
        build_path(&s, gva, c->leaf_level, GPTE_RW | GPTE_US, leaf);
        set_entry(&s, c->mode, gva, c->level, (get_entry(&s, c->mode, gva, c->level) | c->set) &
                                                   ~c->clear);
        struct paging_result r = translate(&s, gva, c->access);
        if (c->expect == OK) {
            assert_int_equal(r.outcome, PAGING_TRANSLATED);
            continue;
        }
        assert_int_equal(r.outcome, PAGING_PAGE_FAULT);
        assert_int_equal(r.error_code, (uint32_t)c->expect);
        assert_int_equal(r.level, c->level);
        assert_int_equal(tmem.writes, 0);
    }
}

static void the_walk_stops_at_the_first_bad_entry_from_the_top(void **state)
{
    (void)state;
    struct paging_state s = state_for(PAGING_4LEVEL, 0);
    vmm_gva_t gva = gva_for(PAGING_4LEVEL);
    build_path(&s, gva, 1, GPTE_RW, LEAF_GPA);
    set_entry(&s, PAGING_4LEVEL, gva, 3, get_entry(&s, PAGING_4LEVEL, gva, 3) | (1ull << 50));
    set_entry(&s, PAGING_4LEVEL, gva, 1, 0); /* not present, below the reserved bit */
    struct paging_result r = translate(&s, gva, 0);
    assert_int_equal(r.error_code, PF_EC_P | PF_EC_RSVD);
    assert_int_equal(r.level, 3);
    assert_int_equal(tmem.reads, 2);
}

/* ---- accessed and dirty flags ---- */

static void a_read_sets_accessed_on_every_entry_and_a_write_sets_dirty_on_the_leaf(void **state)
{
    (void)state;
    struct paging_state s = state_for(PAGING_4LEVEL, 0);
    vmm_gva_t gva = gva_for(PAGING_4LEVEL);
    build_path(&s, gva, 1, GPTE_RW, LEAF_GPA | GPTE_RW);
    struct paging_result r = translate(&s, gva, 0);
    assert_int_equal(r.outcome, PAGING_TRANSLATED);
    for (unsigned level = 4; level >= 1; level--)
        assert_int_equal(get_entry(&s, PAGING_4LEVEL, gva, level) & (GPTE_A | GPTE_D), GPTE_A);
    assert_int_equal(tmem.writes, 4);
    r = translate(&s, gva, PAGING_ACCESS_WRITE);
    assert_int_equal(r.outcome, PAGING_TRANSLATED);
    assert_int_equal(tmem.writes, 1); /* only the leaf changes */
    assert_int_equal(get_entry(&s, PAGING_4LEVEL, gva, 1) & (GPTE_A | GPTE_D), GPTE_A | GPTE_D);
    for (unsigned level = 4; level >= 2; level--)
        assert_false(get_entry(&s, PAGING_4LEVEL, gva, level) & GPTE_D);
    r = translate(&s, gva, PAGING_ACCESS_WRITE);
    assert_int_equal(tmem.writes, 0);
}

static void large_leaves_get_dirty_and_pae_pdptes_are_never_written(void **state)
{
    (void)state;
    struct paging_state s = state_for(PAGING_PAE, 0);
    vmm_gva_t gva = gva_for(PAGING_PAE);
    build_path(&s, gva, 2, GPTE_RW, LEAF_GPA_LARGE | GPTE_PS | GPTE_RW);
    uint64_t pdptes[4];
    memcpy(pdptes, s.pdpte, sizeof pdptes);
    struct paging_result r = translate(&s, gva, PAGING_ACCESS_WRITE);
    assert_int_equal(r.outcome, PAGING_TRANSLATED);
    assert_int_equal(tmem.writes, 1);
    assert_int_equal(get_entry(&s, PAGING_PAE, gva, 2) & (GPTE_A | GPTE_D), GPTE_A | GPTE_D);
    assert_memory_equal(pdptes, s.pdpte, sizeof pdptes);
}

static void thirty_two_bit_updates_write_four_bytes(void **state)
{
    (void)state;
    struct paging_state s = state_for(PAGING_32BIT, 0);
    vmm_gva_t gva = gva_for(PAGING_32BIT);
    build_path(&s, gva, 1, GPTE_RW, LEAF_GPA | GPTE_RW);
    vmm_gpa_t pte = entry_gpa(PAGING_32BIT, gva, 1);
    poke(pte + 4, 4, 0xdeadbeef); /* the next PTE */
    struct paging_result r = translate(&s, gva, PAGING_ACCESS_WRITE);
    assert_int_equal(r.outcome, PAGING_TRANSLATED);
    assert_int_equal(peek(pte, 4) & (GPTE_A | GPTE_D), GPTE_A | GPTE_D);
    assert_int_equal(peek(pte + 4, 4), 0xdeadbeef);
    assert_int_equal(tmem.last_write_size, 4);
}

static void faults_set_no_flags(void **state)
{
    (void)state;
    struct paging_state s = state_for(PAGING_4LEVEL, F_WP);
    vmm_gva_t gva = gva_for(PAGING_4LEVEL);
    build_path(&s, gva, 1, GPTE_RW, LEAF_GPA); /* read-only leaf */
    struct paging_result r = translate(&s, gva, PAGING_ACCESS_WRITE);
    assert_int_equal(r.outcome, PAGING_PAGE_FAULT);
    assert_int_equal(r.error_code, PF_EC_P | PF_EC_W);
    assert_int_equal(tmem.writes, 0);
    for (unsigned level = 4; level >= 1; level--)
        assert_false(get_entry(&s, PAGING_4LEVEL, gva, level) & GPTE_A);
}

/* ---- accessor failures ---- */

static void a_failed_table_read_reports_its_gpa_and_status(void **state)
{
    (void)state;
    for (unsigned level = 5; level >= 1; level--) {
        struct paging_state s = state_for(PAGING_5LEVEL, 0);
        vmm_gva_t gva = gva_for(PAGING_5LEVEL);
        build_path(&s, gva, 1, GPTE_RW, LEAF_GPA | GPTE_RW);
        tmem.fail_gpa = entry_gpa(PAGING_5LEVEL, gva, level);
        tmem.fail_rc = -1000 - (int)level;
        struct paging_result r = translate(&s, gva, 0);
        assert_int_equal(r.outcome, PAGING_MEM_FAILED);
        assert_int_equal(r.entry_gpa, tmem.fail_gpa);
        assert_int_equal(r.mem_status, -1000 - (int)level);
        assert_false(r.mem_write);
        assert_int_equal(r.level, level == 5 ? 0 : level + 1);
        assert_int_equal(tmem.writes, 0);
    }
}

static void a_failed_flag_update_reports_a_write(void **state)
{
    (void)state;
    struct paging_state s = state_for(PAGING_4LEVEL, 0);
    vmm_gva_t gva = gva_for(PAGING_4LEVEL);
    build_path(&s, gva, 1, GPTE_RW, LEAF_GPA | GPTE_RW);
    tmem.fail_gpa = entry_gpa(PAGING_4LEVEL, gva, 2);
    tmem.fail_rc = 7; /* any non-zero status, passed through */
    tmem.fail_writes_only = true;
    struct paging_result r = translate(&s, gva, 0);
    assert_int_equal(r.outcome, PAGING_MEM_FAILED);
    assert_true(r.mem_write);
    assert_int_equal(r.mem_status, 7);
    assert_int_equal(r.entry_gpa, tmem.fail_gpa);
    assert_int_equal(r.gpa, LEAF_GPA | (gva & 0xfff)); /* the translation itself was found */
    assert_int_equal(tmem.writes, 2);                 /* PML4E and PDPTE got A first */
}

/* ---- arguments ---- */

static void refuses_non_canonical_addresses_and_bad_arguments(void **state)
{
    (void)state;
    struct paging_state s = state_for(PAGING_4LEVEL, 0);
    struct paging_mem mem = test_mem();
    struct paging_result r;
    tmem.reads = 0;
    assert_int_equal(paging_translate(&s, &mem, 1ull << 47, 0, &r), VMM_E_RANGE);
    assert_int_equal(paging_translate(&s, &mem, 0xfffe800000000000ull, 0, &r), VMM_E_RANGE);
    s = state_for(PAGING_5LEVEL, 0);
    assert_int_equal(paging_translate(&s, &mem, 1ull << 56, 0, &r), VMM_E_RANGE);
    s = state_for(PAGING_PAE, 0);
    assert_int_equal(paging_translate(&s, &mem, 1ull << 32, 0, &r), VMM_E_RANGE);
    s = state_for(PAGING_4LEVEL, 0);
    static const unsigned bad_access[] = {
        PAGING_ACCESS_FETCH | PAGING_ACCESS_WRITE,
        PAGING_ACCESS_IMPLICIT | PAGING_ACCESS_USER,
        PAGING_ACCESS_IMPLICIT | PAGING_ACCESS_FETCH,
        1u, 1u << 3, 1u << 9,
    };
    for (size_t i = 0; i < sizeof bad_access / sizeof bad_access[0]; i++)
        assert_int_equal(paging_translate(&s, &mem, 0, bad_access[i], &r), VMM_E_INVAL);
    s.maxphyaddr = 53;
    assert_int_equal(paging_translate(&s, &mem, 0, 0, &r), VMM_E_INVAL);
    s = state_for(PAGING_4LEVEL, 0);
    mem.write = NULL;
    assert_int_equal(paging_translate(&s, &mem, 0, 0, &r), VMM_E_INVAL);
    assert_int_equal(tmem.reads, 0);
}

static void the_mode_follows_cr0_cr4_and_efer(void **state)
{
    (void)state;
    static const struct {
        uint64_t cr0, cr4, efer;
        enum paging_mode m;
    } rows[] = {
        {0, PG_CR4_PAE, PG_EFER_LMA, PAGING_OFF},
        {PG_CR0_PG, PG_CR4_PSE, 0, PAGING_32BIT},
        {PG_CR0_PG, PG_CR4_LA57, PG_EFER_LMA, PAGING_32BIT},
        {PG_CR0_PG, PG_CR4_PAE, 0, PAGING_PAE},
        {PG_CR0_PG, PG_CR4_PAE | PG_CR4_LA57, 0, PAGING_PAE},
        {PG_CR0_PG, PG_CR4_PAE, PG_EFER_LMA, PAGING_4LEVEL},
        {PG_CR0_PG, PG_CR4_PAE | PG_CR4_LA57, PG_EFER_LMA, PAGING_5LEVEL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct paging_state s = {.cr0 = rows[i].cr0, .cr4 = rows[i].cr4, .efer = rows[i].efer};
        assert_int_equal(paging_mode_of(&s), rows[i].m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(translates_4k_pages_in_every_mode),
        cmocka_unit_test(translates_large_pages_in_every_mode),
        cmocka_unit_test(pse36_supplies_physical_bits_above_4g),
        cmocka_unit_test(without_cr4_pse_a_32bit_pde_always_references_a_table),
        cmocka_unit_test(without_paging_linear_is_physical),
        cmocka_unit_test(reserved_bits_and_absent_entries_fault_with_the_exact_error_code),
        cmocka_unit_test(the_walk_stops_at_the_first_bad_entry_from_the_top),
        cmocka_unit_test(a_read_sets_accessed_on_every_entry_and_a_write_sets_dirty_on_the_leaf),
        cmocka_unit_test(large_leaves_get_dirty_and_pae_pdptes_are_never_written),
        cmocka_unit_test(thirty_two_bit_updates_write_four_bytes),
        cmocka_unit_test(faults_set_no_flags),
        cmocka_unit_test(a_failed_table_read_reports_its_gpa_and_status),
        cmocka_unit_test(a_failed_flag_update_reports_a_write),
        cmocka_unit_test(refuses_non_canonical_addresses_and_bad_arguments),
        cmocka_unit_test(the_mode_follows_cr0_cr4_and_efer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
