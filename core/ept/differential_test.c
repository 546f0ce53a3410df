/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Builder + walker against a flat reference map: thousands of random map,
 * unmap and protect requests (fixed seed), some refused, some hit by
 * allocation failures; the reference predicts every result code, and every
 * page a request ever touched is translated and compared - HPA, permissions,
 * memory type, and that a large page never covers a page the reference
 * maps differently.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "ept_fixture.h"

#define KiB4 0x1000ull
#define MiB2 0x200000ull
#define GiB1 0x40000000ull
#define WINDOW (4 * GiB1)
#define WINDOW_PAGES (WINDOW / KiB4)
#define OPS 5000
#define FULL_CHECK_EVERY 1000

struct ref_page {
    uint64_t hpa;
    uint8_t perms; /* 0: not mapped */
    uint8_t memtype;
    bool ignore_pat;
    bool touched;
};

struct run {
    struct ept_fixture f;
    vmm_gpa_t base; /* the window's GPA */
    struct ref_page *ref;
    uint64_t rng;
    /* successful maps, to aim unmap/protect at mapped space */
    struct {
        uint64_t first, pages;
    } recent[64];
    unsigned recent_count;
    /* what happened, so the test can insist each path ran */
    unsigned ok[3], refused[3], nomem, translated[4];
};

static struct run r;

static uint64_t rnd(void)
{
    r.rng ^= r.rng << 13;
    r.rng ^= r.rng >> 7;
    r.rng ^= r.rng << 17;
    return r.rng;
}

static uint64_t below(uint64_t n)
{
    return rnd() % n;
}

static const uint8_t perm_choices[] = {
    EPT_R, EPT_R | EPT_W, EPT_R | EPT_X, EPT_R | EPT_W | EPT_X, EPT_X,
    EPT_R | EPT_XU, EPT_R | EPT_W | EPT_X | EPT_XU, EPT_XU, EPT_X | EPT_XU,
};
static const uint8_t memtypes[] = {EPT_MT_UC, EPT_MT_WC, EPT_MT_WT, EPT_MT_WP, EPT_MT_WB};

static uint8_t random_perms(void)
{
    return perm_choices[below(sizeof perm_choices)];
}

/* ---- the reference ---- */

static bool range_all(uint64_t first, uint64_t pages, bool mapped)
{
    for (uint64_t i = first; i < first + pages; i++)
        if ((r.ref[i].perms != 0) != mapped)
            return false;
    return true;
}

static void touch(uint64_t first, uint64_t pages)
{
    for (uint64_t i = first; i < first + pages; i++)
        r.ref[i].touched = true;
}

/* ---- checking one page ---- */

static unsigned size_slot(uint64_t size)
{
    return size == KiB4 ? 0 : size == MiB2 ? 1 : size == GiB1 ? 2 : 3;
}

/* A large page at `first` must match the reference on every page it covers. */
static void check_large_page(uint64_t first, uint64_t pages, const struct ref_page *lead)
{
    for (uint64_t i = 0; i < pages; i++) {
        const struct ref_page *p = &r.ref[first + i];
        assert_int_equal(p->perms, lead->perms);
        assert_int_equal(p->hpa, lead->hpa + i * KiB4);
        assert_int_equal(p->memtype, lead->memtype);
        assert_int_equal(p->ignore_pat, lead->ignore_pat);
    }
}

static void check_page(uint64_t i, bool own_mem, uint64_t *large_checked_until)
{
    const struct ref_page *p = &r.ref[i];
    vmm_gpa_t offset = (i * 0x18) & 0xff8;
    vmm_gpa_t gpa = r.base + i * KiB4 + offset;
    unsigned access = EPT_ACCESS_READ;
    if (!(p->perms & EPT_R))
        access = (p->perms & EPT_X) ? EPT_ACCESS_FETCH : EPT_ACCESS_FETCH | EPT_ACCESS_USER;
    struct ept_walk_cfg cfg;
    struct ept_mem mem;
    struct ept_translation t;
    ept_own_walk_cfg(&r.f.ept, true, &cfg);
    if (own_mem)
        ept_own_mem(&r.f.ept, &mem);
    else
        fixture_mem(&r.f, &mem);
    assert_int_equal(ept_translate(&cfg, &mem, gpa, access, &t), VMM_OK);
    if (!p->perms) {
        assert_int_equal(t.outcome, EPT_VIOLATION);
        assert_true(t.not_present);
        assert_int_equal(ept_violation_qualification(&t), access & 7);
        return;
    }
    assert_int_equal(t.outcome, EPT_TRANSLATED);
    assert_int_equal(t.hpa, p->hpa + offset);
    assert_int_equal(t.perms, p->perms);
    assert_int_equal(t.memtype, p->memtype);
    assert_int_equal(t.ignore_pat, p->ignore_pat);
    r.translated[size_slot(t.page_size)]++;
    if (t.page_size > KiB4) {
        uint64_t pages = t.page_size / KiB4;
        uint64_t first = i & ~(pages - 1);
        assert_true((r.base / KiB4 + first) % pages == 0);
        if (first + pages > *large_checked_until) {
            assert_true(first + pages <= WINDOW_PAGES);
            check_large_page(first, pages, &r.ref[first]);
            *large_checked_until = first + pages;
        }
    }
}

static void check_range(uint64_t first, uint64_t pages)
{
    uint64_t until = 0;
    for (uint64_t i = first; i < first + pages; i++)
        check_page(i, (i & 7) == 0, &until);
}

static void check_all_touched(void)
{
    uint64_t until = 0;
    for (uint64_t i = 0; i < WINDOW_PAGES; i++)
        if (r.ref[i].touched)
            check_page(i, (i & 7) == 0, &until);
}

/* ---- random requests ---- */

enum kind { MAP, UNMAP, PROTECT };

/* Hot spots straddle 2 MiB and 1 GiB boundaries, so ranges cross tables. */
static const uint64_t hot[] = {0, GiB1 - 4 * MiB2, GiB1 + 17 * MiB2, 3 * GiB1 - MiB2};

static void random_range(enum kind kind, uint64_t *first, uint64_t *pages, uint64_t *align)
{
    uint64_t roll = below(100);
    *align = KiB4;
    if (kind != MAP && r.recent_count && roll < 50) {
        unsigned k = (unsigned)below(r.recent_count);
        uint64_t skip = below(r.recent[k].pages);
        *first = r.recent[k].first + skip;
        *pages = 1 + below(r.recent[k].pages - skip);
        return;
    }
    if (roll < 70) {
        uint64_t start = hot[below(sizeof hot / sizeof hot[0])] / KiB4 + below(8 * MiB2 / KiB4);
        *first = start;
        *pages = 1 + below(48);
    } else if (roll < 97) {
        *align = MiB2;
        *first = below(WINDOW / MiB2 - 4) * (MiB2 / KiB4);
        *pages = (1 + below(3)) * (MiB2 / KiB4) + (below(4) == 0 ? below(16) : 0);
    } else {
        *align = GiB1;
        *first = below(WINDOW / GiB1) * (GiB1 / KiB4);
        *pages = GiB1 / KiB4;
    }
    if (*first + *pages > WINDOW_PAGES)
        *pages = WINDOW_PAGES - *first;
}

static int apply(enum kind kind, uint64_t first, uint64_t pages, uint64_t hpa, struct ept_attr a)
{
    vmm_gpa_t gpa = r.base + first * KiB4;
    uint64_t size = pages * KiB4;
    switch (kind) {
    case MAP: return ept_map(&r.f.ept, gpa, hpa, size, a);
    case UNMAP: return ept_unmap(&r.f.ept, gpa, size);
    case PROTECT: return ept_protect(&r.f.ept, gpa, size, a.perms);
    }
    return VMM_E_INVAL;
}

static void update_reference(enum kind kind, uint64_t first, uint64_t pages, uint64_t hpa,
                             struct ept_attr a)
{
    for (uint64_t i = 0; i < pages; i++) {
        struct ref_page *p = &r.ref[first + i];
        if (kind == MAP)
            *p = (struct ref_page){hpa + i * KiB4, a.perms, a.memtype, a.ignore_pat, true};
        else if (kind == UNMAP)
            *p = (struct ref_page){.touched = true};
        else
            p->perms = a.perms;
    }
    if (kind == MAP) {
        r.recent[r.recent_count % 64].first = first;
        r.recent[r.recent_count % 64].pages = pages;
        if (r.recent_count < 64)
            r.recent_count++;
    }
}

/* Moves [first, first + pages) onto the unmapped run at or after first, if one is near. */
static void first_free_run(uint64_t *first, uint64_t *pages)
{
    uint64_t i = *first, end = *first + 4096 < WINDOW_PAGES ? *first + 4096 : WINDOW_PAGES;
    while (i < end && r.ref[i].perms)
        i++;
    uint64_t n = 0;
    while (i + n < end && n < *pages && !r.ref[i + n].perms)
        n++;
    if (n) {
        *first = i;
        *pages = n;
    }
}

/* Empties one 1 GiB slot (as the reference says) and maps it with a 1 GiB page. */
static void one_gib_cycle(void)
{
    uint64_t first = below(WINDOW / GiB1) * (GiB1 / KiB4), end = first + GiB1 / KiB4;
    struct ept_attr a = {EPT_R | EPT_W | EPT_X, EPT_MT_WB, false};
    for (uint64_t i = first; i < end;) {
        uint64_t n = 0;
        while (i + n < end && r.ref[i + n].perms)
            n++;
        if (n) {
            assert_int_equal(apply(UNMAP, i, n, 0, a), VMM_OK);
            update_reference(UNMAP, i, n, 0, a);
            r.ok[UNMAP]++;
        }
        i += n ? n : 1;
    }
    vmm_hpa_t hpa = (1 + below(1000)) * GiB1;
    touch(first, end - first);
    assert_int_equal(apply(MAP, first, end - first, hpa, a), VMM_OK);
    update_reference(MAP, first, end - first, hpa, a);
    r.ok[MAP]++;
    uint64_t until = 0;
    check_page(first + below(end - first), false, &until);
    assert_int_equal(r.translated[2] > 0, true);
}

static void one_request(void)
{
    uint64_t roll = below(100);
    enum kind kind = roll < 45 ? MAP : roll < 70 ? UNMAP : PROTECT;
    uint64_t first, pages, align;
    random_range(kind, &first, &pages, &align);
    uint64_t hpa_align = below(5) ? align : KiB4; /* mostly as aligned as the GPA */
    uint64_t hpa = below((1ull << 46) / GiB1 - 8) * GiB1 + below(GiB1 / hpa_align) * hpa_align;
    struct ept_attr a = {random_perms(), memtypes[below(sizeof memtypes)], below(2) == 0};
    if (kind == MAP && below(2))
        first_free_run(&first, &pages);
    touch(first, pages);

    int expect = VMM_OK;
    if (kind == MAP && !range_all(first, pages, false))
        expect = VMM_E_STATE;
    if (kind != MAP && !range_all(first, pages, true))
        expect = VMM_E_NOENT;

    bool inject = below(100) < 10;
    if (inject)
        r.f.td.allocs_until_fail = 1 + below(4);
    int rc = apply(kind, first, pages, hpa, a);
    r.f.td.allocs_until_fail = 0;

    if (rc == VMM_E_NOMEM && inject && expect == VMM_OK) {
        r.nomem++;
    } else {
        assert_int_equal(rc, expect);
        if (rc == VMM_OK) {
            update_reference(kind, first, pages, hpa, a);
            r.ok[kind]++;
        } else {
            r.refused[kind]++;
        }
    }
    assert_int_equal(r.f.td.pages_live, ept_pages_held(&r.f.ept));
    /* The request's range, and a little around it, right away. */
    uint64_t lo = first > 2 ? first - 2 : 0;
    uint64_t hi = first + pages + 2 > WINDOW_PAGES ? WINDOW_PAGES : first + pages + 2;
    check_range(lo, hi - lo > 1024 ? 1024 : hi - lo);
}

/* Refused before any look at the tables: the reference does not change. */
static void one_malformed_request(void)
{
    vmm_gpa_t gpa = r.base + below(WINDOW / KiB4) * KiB4;
    struct ept_attr ok = {EPT_R, EPT_MT_WB, false};
    struct ept_attr bad_perms = {EPT_W, EPT_MT_WB, false};
    struct ept_attr bad_type = {EPT_R, 2, false};
    assert_int_equal(ept_map(&r.f.ept, gpa + 0x800, 0, KiB4, ok), VMM_E_INVAL);
    assert_int_equal(ept_map(&r.f.ept, gpa, 0x10, KiB4, ok), VMM_E_INVAL);
    assert_int_equal(ept_map(&r.f.ept, gpa, 0, KiB4, bad_perms), VMM_E_INVAL);
    assert_int_equal(ept_map(&r.f.ept, gpa, 0, KiB4, bad_type), VMM_E_INVAL);
    assert_int_equal(ept_protect(&r.f.ept, gpa, 0x1800, EPT_R), VMM_E_INVAL);
    assert_int_equal(ept_unmap(&r.f.ept, gpa, 0), VMM_E_INVAL);
    assert_int_equal(ept_map(&r.f.ept, gpa, 1ull << 46, KiB4, ok), VMM_E_RANGE);
}

static void run_differential(unsigned levels, vmm_gpa_t base, bool ad, uint64_t seed)
{
    r = (struct run){.base = base, .rng = seed};
    r.ref = calloc(WINDOW_PAGES, sizeof *r.ref);
    assert_non_null(r.ref);
    fixture_setup(&r.f, FIXTURE_EPT_CAP_ALL, 46);
    assert_int_equal(ept_init(&r.f.ept, &r.f.td.cpu, &r.f.caps, levels, ad), VMM_OK);

    for (unsigned op = 1; op <= OPS; op++) {
        if (op % 400 == 0)
            one_gib_cycle();
        else if (below(50) == 0)
            one_malformed_request();
        else
            one_request();
        if (op % FULL_CHECK_EVERY == 0)
            check_all_touched();
    }
    print_message("levels %u: ok map/unmap/protect %u/%u/%u, refused %u/%u/%u, nomem %u, "
                  "translations 4K/2M/1G %u/%u/%u, table pages %zu\n",
                  levels, r.ok[MAP], r.ok[UNMAP], r.ok[PROTECT], r.refused[MAP],
                  r.refused[UNMAP], r.refused[PROTECT], r.nomem, r.translated[0],
                  r.translated[1], r.translated[2], r.f.ept.table_pages);
    for (int k = 0; k < 3; k++) {
        assert_true(r.ok[k] > 100);
        assert_true(r.refused[k] > 10);
    }
    assert_true(r.nomem > 5);
    assert_true(r.translated[1] > 0 && r.translated[2] > 0);
    assert_int_equal(r.translated[3], 0);

    /* Unmap everything the reference maps; only the root stays. */
    for (uint64_t i = 0; i < WINDOW_PAGES;) {
        if (!r.ref[i].perms) {
            i++;
            continue;
        }
        uint64_t n = 1;
        while (i + n < WINDOW_PAGES && r.ref[i + n].perms)
            n++;
        assert_int_equal(ept_unmap(&r.f.ept, base + i * KiB4, n * KiB4), VMM_OK);
        for (uint64_t j = i; j < i + n; j++)
            r.ref[j].perms = 0;
        i += n;
    }
    check_all_touched();
    assert_int_equal(r.f.ept.table_pages, 1);
    fixture_teardown(&r.f, true);
    free(r.ref);
}

static void four_level_builder_and_walker_agree_with_a_flat_map(void **state)
{
    (void)state;
    run_differential(4, 0, true, 0x9e3779b97f4a7c15ull);
}

static void five_level_builder_and_walker_agree_with_a_flat_map(void **state)
{
    (void)state;
    /* A window above 2^56, so every PML5 index bit matters. */
    run_differential(5, (1ull << 56) + (0x1a5ull << 39), false, 0x243f6a8885a308d3ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(four_level_builder_and_walker_agree_with_a_flat_map),
        cmocka_unit_test(five_level_builder_and_walker_agree_with_a_flat_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
