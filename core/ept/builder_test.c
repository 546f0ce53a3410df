/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The EPT builder: page-size choice, splitting, freeing of empty tables,
 * refused requests (which must change nothing, allocation failures
 * included), the EPTP and the life cycle.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ept_fixture.h"

#define KiB4 0x1000ull
#define MiB2 0x200000ull
#define GiB1 0x40000000ull

static const struct ept_attr RWX_WB = {EPT_R | EPT_W | EPT_X, EPT_MT_WB, false};

static struct ept_fixture fx;

static int setup_all(void **state)
{
    (void)state;
    fixture_setup(&fx, FIXTURE_EPT_CAP_ALL, 46);
    assert_int_equal(ept_init(&fx.ept, &fx.td.cpu, &fx.caps, 4, true), VMM_OK);
    return 0;
}

static int teardown_live(void **state)
{
    (void)state;
    fixture_teardown(&fx, true);
    return 0;
}

/* Translates through the builder's own accessor; asserts the walk completed. */
static struct ept_translation walk(vmm_gpa_t gpa, unsigned access)
{
    struct ept_walk_cfg cfg;
    struct ept_mem mem;
    struct ept_translation t;
    ept_own_walk_cfg(&fx.ept, true, &cfg);
    ept_own_mem(&fx.ept, &mem);
    assert_int_equal(ept_translate(&cfg, &mem, gpa, access, &t), VMM_OK);
    return t;
}

static void expect_mapped(vmm_gpa_t gpa, vmm_hpa_t hpa, uint64_t page_size, unsigned perms)
{
    struct ept_translation t = walk(gpa, EPT_ACCESS_READ);
    assert_int_equal(t.outcome, EPT_TRANSLATED);
    assert_int_equal(t.hpa, hpa);
    assert_int_equal(t.page_size, page_size);
    assert_int_equal(t.perms, perms);
}

static void expect_unmapped(vmm_gpa_t gpa)
{
    struct ept_translation t = walk(gpa, EPT_ACCESS_READ);
    assert_int_equal(t.outcome, EPT_VIOLATION);
    assert_true(t.not_present);
}

/* ---- page sizes ---- */

static void uses_the_largest_pages_alignment_and_size_allow(void **state)
{
    (void)state;
    /* 4K + 2M + 1G + 2M + 4K, GPA and HPA equally aligned. */
    vmm_gpa_t gpa = GiB1 - MiB2 - KiB4;
    vmm_hpa_t hpa = 5 * GiB1 - MiB2 - KiB4;
    uint64_t size = KiB4 + MiB2 + GiB1 + MiB2 + KiB4;
    assert_int_equal(ept_map(&fx.ept, gpa, hpa, size, RWX_WB), VMM_OK);
    unsigned rwx = EPT_R | EPT_W | EPT_X;
    expect_mapped(gpa, hpa, KiB4, rwx);
    expect_mapped(gpa + KiB4, hpa + KiB4, MiB2, rwx);
    expect_mapped(GiB1, 5 * GiB1, GiB1, rwx);
    expect_mapped(GiB1 + 0x12345678, 5 * GiB1 + 0x12345678, GiB1, rwx);
    expect_mapped(2 * GiB1, 6 * GiB1, MiB2, rwx);
    expect_mapped(2 * GiB1 + MiB2, 6 * GiB1 + MiB2, KiB4, rwx);
    expect_unmapped(gpa - KiB4);
    expect_unmapped(2 * GiB1 + MiB2 + KiB4);
    /* root, 1 PDPT, 2 PDs, 2 PTs */
    assert_int_equal(fx.ept.table_pages, 6);
}

static void misaligned_host_addresses_get_small_pages(void **state)
{
    (void)state;
    assert_int_equal(ept_map(&fx.ept, GiB1, GiB1 + KiB4, GiB1, RWX_WB), VMM_OK);
    expect_mapped(GiB1, GiB1 + KiB4, KiB4, EPT_R | EPT_W | EPT_X);
    expect_mapped(2 * GiB1 - KiB4, 2 * GiB1, KiB4, EPT_R | EPT_W | EPT_X);
    assert_int_equal(fx.ept.table_pages, 1 + 1 + 1 + 512);
}

static void capabilities_limit_the_page_sizes(void **state)
{
    (void)state;
    static const struct {
        uint64_t drop;
        uint64_t expect;
    } rows[] = {
        {0, GiB1},
        {VMX_EPT_CAP_1G, MiB2},
        {VMX_EPT_CAP_1G | VMX_EPT_CAP_2M, KiB4},
    };
    fixture_teardown(&fx, true);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        fixture_setup(&fx, FIXTURE_EPT_CAP_ALL & ~rows[i].drop, 46);
        assert_int_equal(ept_init(&fx.ept, &fx.td.cpu, &fx.caps, 4, false), VMM_OK);
        assert_int_equal(ept_map(&fx.ept, 0, 0, GiB1, RWX_WB), VMM_OK);
        expect_mapped(0x3ffff000, 0x3ffff000, rows[i].expect, EPT_R | EPT_W | EPT_X);
        fixture_teardown(&fx, true);
    }
    fixture_setup(&fx, FIXTURE_EPT_CAP_ALL, 46); /* for the teardown */
    assert_int_equal(ept_init(&fx.ept, &fx.td.cpu, &fx.caps, 4, false), VMM_OK);
}

/* ---- splitting ---- */

static void protect_splits_a_1g_page_down_to_the_range(void **state)
{
    (void)state;
    struct ept_attr attr = {EPT_R | EPT_W | EPT_X | EPT_XU, EPT_MT_WT, true};
    assert_int_equal(ept_map(&fx.ept, GiB1, 3 * GiB1, GiB1, attr), VMM_OK);
    size_t before = fx.ept.table_pages;
    vmm_gpa_t page = GiB1 + 5 * MiB2 + 7 * KiB4;
    assert_int_equal(ept_protect(&fx.ept, page, KiB4, EPT_R), VMM_OK);
    assert_int_equal(fx.ept.table_pages, before + 2); /* a PD and a PT */
    expect_mapped(page, 3 * GiB1 + 5 * MiB2 + 7 * KiB4, KiB4, EPT_R);
    unsigned all = EPT_R | EPT_W | EPT_X | EPT_XU;
    expect_mapped(page + KiB4, 3 * GiB1 + 5 * MiB2 + 8 * KiB4, KiB4, all);
    expect_mapped(GiB1 + 4 * MiB2, 3 * GiB1 + 4 * MiB2, MiB2, all);
    expect_mapped(2 * GiB1 - KiB4, 4 * GiB1 - KiB4, MiB2, all);
    /* Memory type and ignore-PAT survive the split and the protect. */
    struct ept_translation t = walk(page, EPT_ACCESS_READ);
    assert_int_equal(t.memtype, EPT_MT_WT);
    assert_true(t.ignore_pat);
    t = walk(page, EPT_ACCESS_WRITE);
    assert_int_equal(t.outcome, EPT_VIOLATION);
    assert_int_equal(ept_violation_qualification(&t), 0x2 | (EPT_R << 3));
}

static void splitting_keeps_accessed_and_dirty_flags(void **state)
{
    (void)state;
    assert_int_equal(ept_map(&fx.ept, 0, 0, MiB2, RWX_WB), VMM_OK);
    struct ept_translation t = walk(0x1000, EPT_ACCESS_WRITE); /* sets A and D on the 2M leaf */
    assert_int_equal(t.page_size, MiB2);
    assert_int_equal(ept_protect(&fx.ept, 0, KiB4, EPT_R | EPT_X), VMM_OK);
    t = walk(0x5000, EPT_ACCESS_READ);
    assert_int_equal(t.page_size, KiB4);
    assert_int_equal(t.entry & (EPTE_ACCESSED | EPTE_DIRTY), EPTE_ACCESSED | EPTE_DIRTY);
}

static void unmap_splits_and_frees_tables_it_empties(void **state)
{
    (void)state;
    assert_int_equal(ept_map(&fx.ept, 0, 0, 2 * GiB1, RWX_WB), VMM_OK);
    assert_int_equal(fx.ept.table_pages, 2);
    assert_int_equal(ept_unmap(&fx.ept, GiB1 + MiB2, KiB4), VMM_OK);
    assert_int_equal(fx.ept.table_pages, 4);
    expect_unmapped(GiB1 + MiB2);
    expect_mapped(GiB1 + MiB2 + KiB4, GiB1 + MiB2 + KiB4, KiB4, EPT_R | EPT_W | EPT_X);
    expect_mapped(GiB1, GiB1, MiB2, EPT_R | EPT_W | EPT_X);
    expect_mapped(0, 0, GiB1, EPT_R | EPT_W | EPT_X);
    /* Unmapping the rest of the split GiB frees its PT and PD. */
    assert_int_equal(ept_unmap(&fx.ept, GiB1, MiB2), VMM_OK);
    assert_int_equal(ept_unmap(&fx.ept, GiB1 + MiB2 + KiB4, GiB1 - MiB2 - KiB4), VMM_OK);
    assert_int_equal(fx.ept.table_pages, 2);
    assert_int_equal(ept_unmap(&fx.ept, 0, GiB1), VMM_OK);
    assert_int_equal(fx.ept.table_pages, 1);
    /* The freed space maps again, with a large page. */
    assert_int_equal(ept_map(&fx.ept, GiB1, 0, GiB1, RWX_WB), VMM_OK);
    expect_mapped(GiB1, 0, GiB1, EPT_R | EPT_W | EPT_X);
}

/* ---- refusals ---- */

static void refuses_bad_requests_with_distinct_errors(void **state)
{
    (void)state;
    struct ept *e = &fx.ept;
    assert_int_equal(ept_map(e, 0x10000, 0, 0x4000, RWX_WB), VMM_OK);
    size_t pages = fx.td.pages_live;
    static const struct ept_attr bad_perms[] = {
        {0, EPT_MT_WB, false},
        {EPT_W, EPT_MT_WB, false},
        {EPT_W | EPT_X, EPT_MT_WB, false},
        {EPT_R | 16, EPT_MT_WB, false},
        {EPT_R, 2, false},
        {EPT_R, 3, false},
        {EPT_R, 7, false},
        {EPT_R, 9, false},
    };
    for (size_t i = 0; i < sizeof bad_perms / sizeof bad_perms[0]; i++)
        assert_int_equal(ept_map(e, 0x100000, 0, KiB4, bad_perms[i]), VMM_E_INVAL);
    assert_int_equal(ept_map(e, 0x100800, 0, KiB4, RWX_WB), VMM_E_INVAL);
    assert_int_equal(ept_map(e, 0x100000, 0x800, KiB4, RWX_WB), VMM_E_INVAL);
    assert_int_equal(ept_map(e, 0x100000, 0, 0x800, RWX_WB), VMM_E_INVAL);
    assert_int_equal(ept_map(e, 0x100000, 0, 0, RWX_WB), VMM_E_INVAL);
    assert_int_equal(ept_map(e, 1ull << 48, 0, KiB4, RWX_WB), VMM_E_RANGE);
    assert_int_equal(ept_map(e, (1ull << 48) - KiB4, 0, 2 * KiB4, RWX_WB), VMM_E_RANGE);
    assert_int_equal(ept_map(e, KiB4, 0, ~0xfffull, RWX_WB), VMM_E_RANGE); /* wraps */
    assert_int_equal(ept_map(e, 0x100000, 1ull << 46, KiB4, RWX_WB), VMM_E_RANGE);
    assert_int_equal(ept_map(e, 0x100000, (1ull << 46) - KiB4, 2 * KiB4, RWX_WB), VMM_E_RANGE);
    /* Overlaps: exact, partial at either end, enclosing. */
    assert_int_equal(ept_map(e, 0x10000, 0, KiB4, RWX_WB), VMM_E_STATE);
    assert_int_equal(ept_map(e, 0xf000, 0, 2 * KiB4, RWX_WB), VMM_E_STATE);
    assert_int_equal(ept_map(e, 0x13000, 0, 2 * KiB4, RWX_WB), VMM_E_STATE);
    assert_int_equal(ept_map(e, 0, 0, GiB1, RWX_WB), VMM_E_STATE);
    /* Unmap and protect need every page mapped. */
    assert_int_equal(ept_unmap(e, 0x14000, KiB4), VMM_E_NOENT);
    assert_int_equal(ept_unmap(e, 0x13000, 2 * KiB4), VMM_E_NOENT);
    assert_int_equal(ept_protect(e, 0xf000, 2 * KiB4, EPT_R), VMM_E_NOENT);
    assert_int_equal(ept_protect(e, 0x10000, KiB4, EPT_W), VMM_E_INVAL);
    assert_int_equal(ept_unmap(e, 0x10000, 0), VMM_E_INVAL);
    assert_int_equal(ept_unmap(e, 1ull << 48, KiB4), VMM_E_RANGE);
    /* Nothing changed. */
    assert_int_equal(fx.td.pages_live, pages);
    for (vmm_gpa_t g = 0x10000; g < 0x14000; g += KiB4)
        expect_mapped(g, g - 0x10000, KiB4, EPT_R | EPT_W | EPT_X);
    expect_unmapped(0xf000);
    expect_unmapped(0x14000);
}

static void execute_only_mappings_need_the_capability(void **state)
{
    (void)state;
    struct ept_attr xo = {EPT_X, EPT_MT_WB, false};
    struct ept_attr xu = {EPT_XU, EPT_MT_WB, false};
    assert_int_equal(ept_map(&fx.ept, 0, 0, KiB4, xo), VMM_OK);
    assert_int_equal(ept_map(&fx.ept, KiB4, 0, KiB4, xu), VMM_OK);
    struct ept_translation t = walk(KiB4, EPT_ACCESS_FETCH | EPT_ACCESS_USER);
    assert_int_equal(t.outcome, EPT_TRANSLATED);
    assert_int_equal(t.perms, EPT_XU);
    assert_int_equal(ept_destroy(&fx.ept), VMM_OK);
    fixture_teardown(&fx, false);

    fixture_setup(&fx, FIXTURE_EPT_CAP_ALL & ~VMX_EPT_CAP_EXEC_ONLY, 46);
    assert_int_equal(ept_init(&fx.ept, &fx.td.cpu, &fx.caps, 4, false), VMM_OK);
    assert_int_equal(ept_map(&fx.ept, 0, 0, KiB4, xo), VMM_E_UNSUPPORTED);
    assert_int_equal(ept_map(&fx.ept, 0, 0, KiB4, xu), VMM_E_UNSUPPORTED);
    assert_int_equal(ept_map(&fx.ept, 0, 0, KiB4, RWX_WB), VMM_OK);
    assert_int_equal(ept_protect(&fx.ept, 0, KiB4, EPT_X | EPT_XU), VMM_E_UNSUPPORTED);
}

static void five_levels_accept_the_57_bit_space(void **state)
{
    (void)state;
    fixture_teardown(&fx, true);
    fixture_setup(&fx, FIXTURE_EPT_CAP_ALL, 46);
    assert_int_equal(ept_init(&fx.ept, &fx.td.cpu, &fx.caps, 5, false), VMM_OK);
    vmm_gpa_t high = (1ull << 57) - GiB1;
    assert_int_equal(ept_map(&fx.ept, high, 0, GiB1, RWX_WB), VMM_OK);
    assert_int_equal(ept_map(&fx.ept, 1ull << 48, 0, KiB4, RWX_WB), VMM_OK);
    assert_int_equal(ept_map(&fx.ept, 1ull << 57, 0, KiB4, RWX_WB), VMM_E_RANGE);
    expect_mapped(high + 0x1234, 0x1234, GiB1, EPT_R | EPT_W | EPT_X);
    expect_mapped(1ull << 48, 0, KiB4, EPT_R | EPT_W | EPT_X);
    assert_int_equal(ept_eptp(&fx.ept) & 0x7f, (4 << 3) | EPT_MT_WB);
}

/* Snapshot of what a set of probe GPAs translate to, for before/after checks. */
#define PROBES 6
static const vmm_gpa_t probes[PROBES] = {0, 0x5000, MiB2, GiB1, GiB1 + 3 * MiB2 + 0x7000,
                                         2 * GiB1 - KiB4};

static void snapshot(struct ept_translation *out)
{
    for (int i = 0; i < PROBES; i++)
        out[i] = walk(probes[i], EPT_ACCESS_READ);
}

static void expect_snapshot(const struct ept_translation *before)
{
    struct ept_translation now[PROBES];
    snapshot(now);
    for (int i = 0; i < PROBES; i++) {
        assert_int_equal(now[i].outcome, before[i].outcome);
        assert_int_equal(now[i].hpa, before[i].hpa);
        assert_int_equal(now[i].page_size, before[i].page_size);
        assert_int_equal(now[i].perms, before[i].perms);
    }
}

static void allocation_failures_leave_the_structure_unchanged(void **state)
{
    (void)state;
    assert_int_equal(ept_map(&fx.ept, GiB1, 0, GiB1, RWX_WB), VMM_OK);
    assert_int_equal(ept_map(&fx.ept, 0, 0, 0x4000, RWX_WB), VMM_OK);
    struct ept_translation before[PROBES];
    /* Each request fails at every allocation it makes before it succeeds. */
    enum { MAP, PROTECT, UNMAP } kinds[] = {MAP, PROTECT, UNMAP};
    for (size_t k = 0; k < 3; k++) {
        int rc = VMM_E_NOMEM;
        unsigned fails = 0;
        for (size_t n = 1; rc == VMM_E_NOMEM; n++) {
            snapshot(before);
            size_t tables = fx.ept.table_pages;
            fx.td.allocs_until_fail = n;
            if (kinds[k] == MAP) /* new PDPT entry's PD, a PT in it, ... */
                rc = ept_map(&fx.ept, 512 * GiB1 + 3 * MiB2, 0, KiB4, RWX_WB);
            else if (kinds[k] == PROTECT) /* split 1G -> PD + PT */
                rc = ept_protect(&fx.ept, GiB1 + 5 * MiB2 + KiB4, KiB4, EPT_R);
            else /* split the PT's neighbour 2M */
                rc = ept_unmap(&fx.ept, GiB1 + 7 * MiB2 + 0x3000, KiB4);
            fx.td.allocs_until_fail = 0;
            if (rc == VMM_E_NOMEM) {
                fails++;
                expect_snapshot(before);
                /* No table page stays (index nodes may) and none leaks. */
                assert_int_equal(fx.ept.table_pages, tables);
                assert_int_equal(fx.td.pages_live, ept_pages_held(&fx.ept));
            }
        }
        assert_int_equal(rc, VMM_OK);
        assert_true(fails >= 1);
    }
    expect_mapped(GiB1 + 5 * MiB2 + KiB4, 5 * MiB2 + KiB4, KiB4, EPT_R);
    expect_unmapped(GiB1 + 7 * MiB2 + 0x3000);
    expect_mapped(512 * GiB1 + 3 * MiB2, 0, KiB4, EPT_R | EPT_W | EPT_X);
}

/* ---- life cycle ---- */

static void the_eptp_names_the_root_walk_length_ad_and_memory_type(void **state)
{
    (void)state;
    uint64_t eptp = ept_eptp(&fx.ept);
    assert_int_equal(eptp & ~0xfffull, fx.ept.root_hpa);
    assert_int_equal(eptp & 0xfff, EPT_MT_WB | (3 << 3) | EPTP_AD);
    struct ept_walk_cfg cfg;
    assert_int_equal(ept_walk_cfg_from_eptp(eptp, &fx.caps, false, &cfg), VMM_OK);
    assert_int_equal(cfg.root, fx.ept.root_hpa);
    assert_true(cfg.ad);
    fixture_teardown(&fx, true);

    fixture_setup(&fx, VMX_EPT_CAP_PWL4 | VMX_EPT_CAP_MT_UC, 46);
    assert_int_equal(ept_init(&fx.ept, &fx.td.cpu, &fx.caps, 4, false), VMM_OK);
    assert_int_equal(ept_eptp(&fx.ept) & 0xfff, EPT_MT_UC | (3 << 3));
}

static void init_refuses_what_the_capabilities_lack(void **state)
{
    (void)state;
    struct ept e;
    fixture_teardown(&fx, true);
    fixture_setup(&fx, VMX_EPT_CAP_PWL4 | VMX_EPT_CAP_MT_WB, 46);
    assert_int_equal(ept_init(&e, &fx.td.cpu, &fx.caps, 5, false), VMM_E_UNSUPPORTED);
    assert_int_equal(ept_init(&e, &fx.td.cpu, &fx.caps, 4, true), VMM_E_UNSUPPORTED);
    assert_int_equal(ept_init(&e, &fx.td.cpu, &fx.caps, 3, false), VMM_E_INVAL);
    fx.caps.ept_vpid_cap = VMX_EPT_CAP_PWL4;
    assert_int_equal(ept_init(&e, &fx.td.cpu, &fx.caps, 4, false), VMM_E_UNSUPPORTED);
    fx.caps.ept_vpid_cap = FIXTURE_EPT_CAP_ALL;
    fx.caps.raw.phys_addr_width = 0;
    assert_int_equal(ept_init(&e, &fx.td.cpu, &fx.caps, 4, false), VMM_E_INVAL);
    fx.caps.raw.phys_addr_width = 46;
    /* Every allocation init makes can fail; none leaks. */
    size_t n = 1;
    for (;; n++) {
        fx.td.allocs_until_fail = n;
        int rc = ept_init(&e, &fx.td.cpu, &fx.caps, 4, false);
        fx.td.allocs_until_fail = 0;
        if (rc == VMM_OK)
            break;
        assert_int_equal(rc, VMM_E_NOMEM);
        assert_int_equal(fx.td.pages_live, 0);
    }
    assert_true(n > 2); /* index root, EPT root, index nodes */
    assert_int_equal(ept_destroy(&e), VMM_OK);
    fixture_teardown(&fx, false);
    fixture_setup(&fx, FIXTURE_EPT_CAP_ALL, 46);
    assert_int_equal(ept_init(&fx.ept, &fx.td.cpu, &fx.caps, 4, true), VMM_OK);
}

static void destroy_frees_every_page(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 64; i++)
        assert_int_equal(ept_map(&fx.ept, (vmm_gpa_t)i * 3 * GiB1 + i * KiB4, 0, KiB4, RWX_WB),
                         VMM_OK);
    assert_int_equal(fx.td.pages_live, ept_pages_held(&fx.ept));
    assert_true(fx.td.pages_live > 64);
    /* teardown_live destroys and checks that no page is left */
}

static void the_own_accessor_refuses_addresses_outside_its_tables(void **state)
{
    (void)state;
    struct ept_mem mem;
    uint64_t v;
    ept_own_mem(&fx.ept, &mem);
    assert_int_equal(mem.read(mem.ctx, fx.ept.root_hpa + 8, &v), VMM_OK);
    assert_int_equal(mem.read(mem.ctx, fx.ept.root_hpa + 4, &v), VMM_E_FAULT);
    assert_int_equal(mem.read(mem.ctx, fx.ept.index.root_hpa, &v), VMM_E_FAULT);
    assert_int_equal(mem.write(mem.ctx, 0x1000, 1), VMM_E_FAULT);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup_all, teardown_live)
    const struct CMUnitTest tests[] = {
        T(uses_the_largest_pages_alignment_and_size_allow),
        T(misaligned_host_addresses_get_small_pages),
        T(capabilities_limit_the_page_sizes),
        T(protect_splits_a_1g_page_down_to_the_range),
        T(splitting_keeps_accessed_and_dirty_flags),
        T(unmap_splits_and_frees_tables_it_empties),
        T(refuses_bad_requests_with_distinct_errors),
        T(execute_only_mappings_need_the_capability),
        T(five_levels_accept_the_57_bit_space),
        T(allocation_failures_leave_the_structure_unchanged),
        T(the_eptp_names_the_root_walk_length_ad_and_memory_type),
        T(init_refuses_what_the_capabilities_lack),
        T(destroy_frees_every_page),
        T(the_own_accessor_refuses_addresses_outside_its_tables),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
