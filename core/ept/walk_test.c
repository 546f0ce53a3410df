/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The EPT walker on hand-built entries: translations at every page size and
 * both walk lengths, each misconfiguration rule, violation qualification
 * bits, accessed/dirty updates, accessor failures and EPTP decoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vmm/ept.h"

#define NPAGES 8
#define PAGE(n) ((vmm_hpa_t)(n) << 12)
#define WB ((uint64_t)EPT_MT_WB << EPTE_MEMTYPE_SHIFT)
#define RWX (EPTE_READ | EPTE_WRITE | EPTE_EXEC)
#define LEAF_HPA (3ull << 30) /* aligned for every page size */

/* Host-physical memory of NPAGES pages at HPA 0; the table for level L is page L. */
struct phys {
    uint64_t page[NPAGES][512];
    unsigned reads, writes;
    vmm_hpa_t fail_hpa; /* an access here fails with fail_rc */
    int fail_rc;
    bool fail_writes_only;
};

static uint64_t *at(struct phys *m, vmm_hpa_t hpa)
{
    if ((hpa & 7) || hpa >= PAGE(NPAGES))
        return NULL;
    return &m->page[hpa >> 12][(hpa & 0xfff) / 8];
}

static int phys_read(void *ctx, vmm_hpa_t hpa, uint64_t *v)
{
    struct phys *m = ctx;
    if (m->fail_rc && !m->fail_writes_only && hpa == m->fail_hpa)
        return m->fail_rc;
    uint64_t *p = at(m, hpa);
    if (!p)
        return VMM_E_FAULT;
    m->reads++;
    *v = *p;
    return VMM_OK;
}

static int phys_write(void *ctx, vmm_hpa_t hpa, uint64_t v)
{
    struct phys *m = ctx;
    if (m->fail_rc && hpa == m->fail_hpa)
        return m->fail_rc;
    uint64_t *p = at(m, hpa);
    if (!p)
        return VMM_E_FAULT;
    m->writes++;
    *p = v;
    return VMM_OK;
}

/* A GPA with a different index at every level, bits 56:48 included. */
static const vmm_gpa_t GPA4 = (3ull << 39) | (5ull << 30) | (7ull << 21) | (9ull << 12) | 0x123;
static const vmm_gpa_t GPA5 = (0x1a5ull << 48) | GPA4;

static unsigned index_at(vmm_gpa_t gpa, unsigned level)
{
    return (unsigned)(gpa >> (12 + 9 * (level - 1))) & 511;
}

/* Address of the entry for `gpa` in the level-`level` table. */
static vmm_hpa_t entry_addr(vmm_gpa_t gpa, unsigned level)
{
    return PAGE(level) + index_at(gpa, level) * 8;
}

static uint64_t *entry(struct phys *m, vmm_gpa_t gpa, unsigned level)
{
    return at(m, entry_addr(gpa, level));
}

/*
 * Builds the path for `gpa`: levels `levels`..leaf_level+1 point to the next
 * table with bits upper[level-1]; the leaf_level entry maps LEAF_HPA with
 * `leaf` (bit 7 added above level 1).
 */
static void build(struct phys *m, unsigned levels, vmm_gpa_t gpa, unsigned leaf_level,
                  const uint64_t *upper, uint64_t leaf)
{
    memset(m, 0, sizeof *m);
    for (unsigned level = levels; level > leaf_level; level--)
        *entry(m, gpa, level) = PAGE(level - 1) | upper[level - 1];
    *entry(m, gpa, leaf_level) = LEAF_HPA | leaf | (leaf_level > 1 ? EPTE_LARGE : 0);
}

static const uint64_t ALL_RWX[5] = {RWX, RWX, RWX, RWX, RWX};

static struct ept_walk_cfg cfg_for(unsigned levels)
{
    return (struct ept_walk_cfg){
        .root = PAGE(levels),
        .levels = (uint8_t)levels,
        .phys_addr_width = 40,
        .exec_only = true,
        .large_2m = true,
        .large_1g = true,
    };
}

static struct ept_mem mem_of(struct phys *m)
{
    return (struct ept_mem){.read = phys_read, .write = phys_write, .ctx = m};
}

static struct phys mem; /* large; one test at a time */

static void translates_every_page_size_through_4_and_5_levels(void **state)
{
    (void)state;
    for (unsigned levels = 4; levels <= 5; levels++) {
        vmm_gpa_t gpa = levels == 5 ? GPA5 : GPA4;
        for (unsigned leaf_level = 1; leaf_level <= 3; leaf_level++) {
            build(&mem, levels, gpa, leaf_level, ALL_RWX,
                  EPTE_READ | EPTE_EXEC | ((uint64_t)EPT_MT_WT << 3) | EPTE_IGNORE_PAT);
            struct ept_walk_cfg cfg = cfg_for(levels);
            struct ept_mem m = mem_of(&mem);
            struct ept_translation t;
            assert_int_equal(ept_translate(&cfg, &m, gpa, EPT_ACCESS_READ, &t), VMM_OK);
            assert_int_equal(t.outcome, EPT_TRANSLATED);
            uint64_t size = ept_level_size(leaf_level);
            assert_int_equal(t.page_size, size);
            assert_int_equal(t.hpa, LEAF_HPA | (gpa & (size - 1)));
            assert_int_equal(t.level, leaf_level);
            assert_int_equal(t.perms, EPT_R | EPT_X);
            assert_int_equal(t.memtype, EPT_MT_WT);
            assert_true(t.ignore_pat);
            assert_int_equal(t.entry_hpa, entry_addr(gpa, leaf_level));
            assert_int_equal(mem.reads, levels - leaf_level + 1);
            assert_int_equal(mem.writes, 0);
        }
    }
}

static void a_5_level_walk_uses_gpa_bits_56_to_48(void **state)
{
    (void)state;
    build(&mem, 5, GPA5, 1, ALL_RWX, RWX | WB);
    struct ept_walk_cfg cfg = cfg_for(5);
    struct ept_mem m = mem_of(&mem);
    struct ept_translation t;
    /* The same low 48 bits under another PML5 index reach an empty slot. */
    assert_int_equal(ept_translate(&cfg, &m, GPA4, EPT_ACCESS_READ, &t), VMM_OK);
    assert_int_equal(t.outcome, EPT_VIOLATION);
    assert_true(t.not_present);
    assert_int_equal(t.level, 5);
    assert_int_equal(ept_translate(&cfg, &m, GPA5, EPT_ACCESS_READ, &t), VMM_OK);
    assert_int_equal(t.outcome, EPT_TRANSLATED);
}

static void refuses_addresses_beyond_the_walk_and_bad_requests(void **state)
{
    (void)state;
    build(&mem, 4, GPA4, 1, ALL_RWX, RWX | WB);
    struct ept_walk_cfg cfg = cfg_for(4);
    struct ept_mem m = mem_of(&mem);
    struct ept_translation t;
    assert_int_equal(ept_translate(&cfg, &m, 1ull << 48, EPT_ACCESS_READ, &t), VMM_E_RANGE);
    cfg = cfg_for(5);
    assert_int_equal(ept_translate(&cfg, &m, 1ull << 57, EPT_ACCESS_READ, &t), VMM_E_RANGE);
    cfg = cfg_for(4);
    assert_int_equal(ept_translate(&cfg, &m, GPA4, 0, &t), VMM_E_INVAL);
    assert_int_equal(ept_translate(&cfg, &m, GPA4, EPT_ACCESS_USER, &t), VMM_E_INVAL);
    assert_int_equal(ept_translate(&cfg, &m, GPA4, 16 | EPT_ACCESS_READ, &t), VMM_E_INVAL);
    cfg.levels = 3;
    assert_int_equal(ept_translate(&cfg, &m, GPA4, EPT_ACCESS_READ, &t), VMM_E_INVAL);
    cfg = cfg_for(4);
    cfg.ad = true;
    m.write = NULL;
    assert_int_equal(ept_translate(&cfg, &m, GPA4, EPT_ACCESS_READ, &t), VMM_E_INVAL);
    assert_int_equal(mem.reads, 0);
}

/* ---- misconfigurations, one rule per row ---- */

enum cfg_tweak {
    NO_EXEC_ONLY = 1,
    MBEC = 2,
    NO_2M = 4,
    NO_1G = 8,
    FIVE_LEVELS = 16,
};

struct misconfig_case {
    const char *name;
    unsigned level;      /* the entry the row sets */
    unsigned leaf_level; /* where the walk ends */
    uint64_t bits;       /* that entry, besides its address (bit 7 added for large leaves) */
    unsigned tweaks;
    enum ept_outcome outcome;
    enum ept_misconfig misconfig;
};

static const struct misconfig_case misconfig_cases[] = {
    {"write-only PML4E", 4, 1, EPTE_WRITE, 0, EPT_MISCONFIG, EPT_MISCONFIG_WRITE_WITHOUT_READ},
    {"write+execute PTE", 1, 1, EPTE_WRITE | EPTE_EXEC | WB, 0, EPT_MISCONFIG,
     EPT_MISCONFIG_WRITE_WITHOUT_READ},
    {"write-only PDE under MBEC with user-execute", 2, 1, EPTE_WRITE | EPTE_USER_EXEC, MBEC,
     EPT_MISCONFIG, EPT_MISCONFIG_WRITE_WITHOUT_READ},
    {"execute-only PDE without support", 2, 1, EPTE_EXEC, NO_EXEC_ONLY, EPT_MISCONFIG,
     EPT_MISCONFIG_EXEC_ONLY},
    {"execute-only PTE without support", 1, 1, EPTE_EXEC | WB, NO_EXEC_ONLY, EPT_MISCONFIG,
     EPT_MISCONFIG_EXEC_ONLY},
    {"user-execute-only PDPTE under MBEC without support", 3, 1, EPTE_USER_EXEC,
     NO_EXEC_ONLY | MBEC, EPT_MISCONFIG, EPT_MISCONFIG_EXEC_ONLY},
    {"execute-only PDE with support", 2, 1, EPTE_EXEC, 0, EPT_VIOLATION, EPT_MISCONFIG_NONE},
    {"bit 7 in a PML4E", 4, 1, RWX | EPTE_LARGE, 0, EPT_MISCONFIG, EPT_MISCONFIG_LARGE_PAGE},
    {"bit 7 in a PML5E", 5, 1, RWX | EPTE_LARGE, FIVE_LEVELS, EPT_MISCONFIG,
     EPT_MISCONFIG_LARGE_PAGE},
    {"1 GiB page without 1 GiB support", 3, 3, RWX | WB, NO_1G, EPT_MISCONFIG,
     EPT_MISCONFIG_LARGE_PAGE},
    {"2 MiB page without 2 MiB support", 2, 2, RWX | WB, NO_2M, EPT_MISCONFIG,
     EPT_MISCONFIG_LARGE_PAGE},
    {"non-leaf PDE bit 3", 2, 1, RWX | (1ull << 3), 0, EPT_MISCONFIG, EPT_MISCONFIG_RESERVED_BIT},
    {"non-leaf PDPTE bit 4", 3, 1, RWX | (1ull << 4), 0, EPT_MISCONFIG,
     EPT_MISCONFIG_RESERVED_BIT},
    {"non-leaf PML4E bit 5", 4, 1, RWX | (1ull << 5), 0, EPT_MISCONFIG,
     EPT_MISCONFIG_RESERVED_BIT},
    {"non-leaf PDE bit 6", 2, 1, RWX | (1ull << 6), 0, EPT_MISCONFIG, EPT_MISCONFIG_RESERVED_BIT},
    {"PML5E bit 3", 5, 1, RWX | (1ull << 3), FIVE_LEVELS, EPT_MISCONFIG,
     EPT_MISCONFIG_RESERVED_BIT},
    {"PML4E address bit beyond MAXPHYADDR", 4, 1, RWX | (1ull << 45), 0, EPT_MISCONFIG,
     EPT_MISCONFIG_RESERVED_BIT},
    {"PTE bit 40 with MAXPHYADDR 40", 1, 1, RWX | WB | (1ull << 40), 0, EPT_MISCONFIG,
     EPT_MISCONFIG_RESERVED_BIT},
    {"PTE bit 51", 1, 1, RWX | WB | (1ull << 51), 0, EPT_MISCONFIG, EPT_MISCONFIG_RESERVED_BIT},
    {"2 MiB page bit 12", 2, 2, RWX | WB | (1ull << 12), 0, EPT_MISCONFIG,
     EPT_MISCONFIG_RESERVED_BIT},
    {"2 MiB page bit 20", 2, 2, RWX | WB | (1ull << 20), 0, EPT_MISCONFIG,
     EPT_MISCONFIG_RESERVED_BIT},
    {"1 GiB page bit 21", 3, 3, RWX | WB | (1ull << 21), 0, EPT_MISCONFIG,
     EPT_MISCONFIG_RESERVED_BIT},
    {"1 GiB page bit 29", 3, 3, RWX | WB | (1ull << 29), 0, EPT_MISCONFIG,
     EPT_MISCONFIG_RESERVED_BIT},
    {"PTE memory type 2", 1, 1, RWX | (2ull << 3), 0, EPT_MISCONFIG, EPT_MISCONFIG_MEMTYPE},
    {"PTE memory type 3", 1, 1, RWX | (3ull << 3), 0, EPT_MISCONFIG, EPT_MISCONFIG_MEMTYPE},
    {"PTE memory type 7", 1, 1, RWX | (7ull << 3), 0, EPT_MISCONFIG, EPT_MISCONFIG_MEMTYPE},
    {"2 MiB page memory type 7", 2, 2, RWX | (7ull << 3), 0, EPT_MISCONFIG,
     EPT_MISCONFIG_MEMTYPE},
    {"1 GiB page memory type 3", 3, 3, RWX | (3ull << 3), 0, EPT_MISCONFIG,
     EPT_MISCONFIG_MEMTYPE},
    /* Ignored bits, and entries that are not present, are never misconfigured. */
    {"PTE bit 7 is ignored", 1, 1, RWX | WB | EPTE_LARGE, 0, EPT_TRANSLATED, EPT_MISCONFIG_NONE},
    {"PTE bits 63:52 are ignored", 1, 1, RWX | WB | (1ull << 63) | (1ull << 52), 0,
     EPT_TRANSLATED, EPT_MISCONFIG_NONE},
    {"non-leaf bits 11:8 are ignored", 2, 1, RWX | (0xfull << 8), 0, EPT_TRANSLATED,
     EPT_MISCONFIG_NONE},
    {"not-present PDE with reserved bits", 2, 1, (0xfull << 3) | (1ull << 45), 0, EPT_VIOLATION,
     EPT_MISCONFIG_NONE},
    {"user-execute-only PDE without MBEC is not present", 2, 1, EPTE_USER_EXEC, NO_EXEC_ONLY,
     EPT_VIOLATION, EPT_MISCONFIG_NONE},
};

static void each_misconfiguration_rule_is_detected(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof misconfig_cases / sizeof misconfig_cases[0]; i++) {
        const struct misconfig_case *c = &misconfig_cases[i];
        unsigned levels = (c->tweaks & FIVE_LEVELS) ? 5 : 4;
        vmm_gpa_t gpa = levels == 5 ? GPA5 : GPA4;
        build(&mem, levels, gpa, c->leaf_level, ALL_RWX, RWX | WB);
        uint64_t addr = c->level > c->leaf_level ? PAGE(c->level - 1) : LEAF_HPA;
        uint64_t large = (c->level == c->leaf_level && c->level > 1) ? EPTE_LARGE : 0;
        *entry(&mem, gpa, c->level) = addr | c->bits | large;
        struct ept_walk_cfg cfg = cfg_for(levels);
        cfg.exec_only = !(c->tweaks & NO_EXEC_ONLY);
        cfg.mbec = (c->tweaks & MBEC) != 0;
        cfg.large_2m = !(c->tweaks & NO_2M);
        cfg.large_1g = !(c->tweaks & NO_1G);
        struct ept_mem m = mem_of(&mem);
        struct ept_translation t;
        print_message("case: %s\n", c->name);
        assert_int_equal(ept_translate(&cfg, &m, gpa, EPT_ACCESS_READ, &t), VMM_OK);
        assert_int_equal(t.outcome, c->outcome);
        assert_int_equal(t.misconfig, c->misconfig);
        if (c->outcome == EPT_MISCONFIG) {
            assert_int_equal(t.level, c->level);
            assert_int_equal(t.entry, *entry(&mem, gpa, c->level));
            assert_int_equal(ept_violation_qualification(&t), 0);
            assert_string_not_equal(ept_misconfig_name(t.misconfig), "?");
        }
    }
}

static void a_misconfiguration_below_a_denying_entry_still_wins(void **state)
{
    (void)state;
    const uint64_t upper[5] = {RWX, RWX, EPTE_READ, RWX, RWX}; /* PDPTE read-only */
    build(&mem, 4, GPA4, 1, upper, RWX | (7ull << 3));
    struct ept_walk_cfg cfg = cfg_for(4);
    struct ept_mem m = mem_of(&mem);
    struct ept_translation t;
    assert_int_equal(ept_translate(&cfg, &m, GPA4, EPT_ACCESS_WRITE, &t), VMM_OK);
    assert_int_equal(t.outcome, EPT_MISCONFIG);
    assert_int_equal(t.misconfig, EPT_MISCONFIG_MEMTYPE);
    assert_int_equal(t.level, 1);
}

/* ---- violations: the qualification's permission bits ---- */

#define R EPTE_READ
#define W EPTE_WRITE
#define X EPTE_EXEC
#define XU EPTE_USER_EXEC

struct violation_case {
    const char *name;
    uint64_t perms[4]; /* PTE, PDE, PDPTE, PML4E */
    unsigned access;
    bool mbec;
    enum ept_outcome outcome;
    uint64_t qualification; /* bits 6:0 */
    uint8_t perms_and;
};

static const struct violation_case violation_cases[] = {
    {"all RWX, read", {RWX, RWX, RWX, RWX}, EPT_ACCESS_READ, false, EPT_TRANSLATED, 0,
     EPT_R | EPT_W | EPT_X},
    {"read-execute PML4E, write", {RWX, RWX, RWX, R | X}, EPT_ACCESS_WRITE, false, EPT_VIOLATION,
     0x2 | ((EPT_R | EPT_X) << 3), EPT_R | EPT_X},
    {"read-only PTE, fetch", {R, RWX, RWX, RWX}, EPT_ACCESS_FETCH, false, EPT_VIOLATION,
     0x4 | (EPT_R << 3), EPT_R},
    {"read-write PDPTE and read-execute PTE, read-modify-write", {R | X, RWX, R | W, RWX},
     EPT_ACCESS_READ | EPT_ACCESS_WRITE, false, EPT_VIOLATION, 0x3 | (EPT_R << 3), EPT_R},
    {"execute-only PDE, read", {RWX, X, RWX, RWX}, EPT_ACCESS_READ, false, EPT_VIOLATION,
     0x1 | (EPT_X << 3), EPT_X},
    {"MBEC: PTE lacks user-execute, user fetch", {RWX, RWX | XU, RWX | XU, RWX | XU},
     EPT_ACCESS_FETCH | EPT_ACCESS_USER, true, EPT_VIOLATION, 0x4 | ((EPT_R | EPT_W | EPT_X) << 3),
     EPT_R | EPT_W | EPT_X},
    {"MBEC: no supervisor execute, supervisor fetch", {R | W | XU, R | W | XU, R | W | XU, R | W | XU},
     EPT_ACCESS_FETCH, true, EPT_VIOLATION, 0x4 | ((EPT_R | EPT_W | EPT_XU) << 3),
     EPT_R | EPT_W | EPT_XU},
    {"MBEC: user-execute everywhere, user fetch", {R | W | XU, R | W | XU, R | W | XU, R | W | XU},
     EPT_ACCESS_FETCH | EPT_ACCESS_USER, true, EPT_TRANSLATED, 0, EPT_R | EPT_W | EPT_XU},
    {"MBEC: bit 6 reports user-execute on a write violation", {R | XU, RWX | XU, RWX | XU, RWX | XU},
     EPT_ACCESS_WRITE, true, EPT_VIOLATION, 0x2 | ((EPT_R | EPT_XU) << 3), EPT_R | EPT_XU},
    {"no MBEC: bit 10 is ignored, a user fetch needs bit 2", {R | W | XU, RWX, RWX, RWX},
     EPT_ACCESS_FETCH | EPT_ACCESS_USER, false, EPT_VIOLATION, 0x4 | ((EPT_R | EPT_W) << 3),
     EPT_R | EPT_W},
};

static void violations_report_the_access_and_the_permissions_anded_over_the_walk(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof violation_cases / sizeof violation_cases[0]; i++) {
        const struct violation_case *c = &violation_cases[i];
        const uint64_t upper[5] = {0, c->perms[1], c->perms[2], c->perms[3], 0};
        build(&mem, 4, GPA4, 1, upper, c->perms[0] | WB);
        struct ept_walk_cfg cfg = cfg_for(4);
        cfg.mbec = c->mbec;
        struct ept_mem m = mem_of(&mem);
        struct ept_translation t;
        print_message("case: %s\n", c->name);
        assert_int_equal(ept_translate(&cfg, &m, GPA4, c->access, &t), VMM_OK);
        assert_int_equal(t.outcome, c->outcome);
        assert_int_equal(ept_violation_qualification(&t), c->qualification);
        assert_int_equal(t.perms, c->perms_and);
        assert_false(t.not_present);
    }
}

static void a_walk_ending_at_a_non_present_entry_reports_no_permissions(void **state)
{
    (void)state;
    build(&mem, 4, GPA4, 1, ALL_RWX, RWX | WB);
    *entry(&mem, GPA4, 2) = 0;
    struct ept_walk_cfg cfg = cfg_for(4);
    cfg.mbec = true;
    struct ept_mem m = mem_of(&mem);
    struct ept_translation t;
    assert_int_equal(ept_translate(&cfg, &m, GPA4, EPT_ACCESS_WRITE, &t), VMM_OK);
    assert_int_equal(t.outcome, EPT_VIOLATION);
    assert_true(t.not_present);
    assert_int_equal(t.level, 2);
    assert_int_equal(t.entry_hpa, entry_addr(GPA4, 2));
    assert_int_equal(t.perms, 0);
    assert_int_equal(ept_violation_qualification(&t), 0x2);
    assert_int_equal(mem.reads, 3);
}

/* ---- accessed and dirty flags ---- */

static void a_read_sets_accessed_on_every_entry_used_and_no_dirty(void **state)
{
    (void)state;
    build(&mem, 4, GPA4, 2, ALL_RWX, RWX | WB);
    struct ept_walk_cfg cfg = cfg_for(4);
    cfg.ad = true;
    struct ept_mem m = mem_of(&mem);
    struct ept_translation t;
    assert_int_equal(ept_translate(&cfg, &m, GPA4, EPT_ACCESS_READ, &t), VMM_OK);
    assert_int_equal(t.outcome, EPT_TRANSLATED);
    for (unsigned level = 4; level >= 2; level--) {
        assert_true(*entry(&mem, GPA4, level) & EPTE_ACCESSED);
        assert_false(*entry(&mem, GPA4, level) & EPTE_DIRTY);
    }
    assert_int_equal(mem.writes, 3);
    /* Flags already set: nothing more is written. */
    assert_int_equal(ept_translate(&cfg, &m, GPA4, EPT_ACCESS_READ, &t), VMM_OK);
    assert_int_equal(mem.writes, 3);
}

static void a_write_sets_dirty_on_the_leaf_only(void **state)
{
    (void)state;
    build(&mem, 5, GPA5, 1, ALL_RWX, RWX | WB);
    struct ept_walk_cfg cfg = cfg_for(5);
    cfg.ad = true;
    struct ept_mem m = mem_of(&mem);
    struct ept_translation t;
    assert_int_equal(ept_translate(&cfg, &m, GPA5, EPT_ACCESS_WRITE, &t), VMM_OK);
    assert_int_equal(t.outcome, EPT_TRANSLATED);
    for (unsigned level = 5; level >= 2; level--)
        assert_int_equal(*entry(&mem, GPA5, level) & (EPTE_ACCESSED | EPTE_DIRTY), EPTE_ACCESSED);
    assert_int_equal(*entry(&mem, GPA5, 1) & (EPTE_ACCESSED | EPTE_DIRTY),
                     EPTE_ACCESSED | EPTE_DIRTY);
    assert_int_equal(mem.writes, 5); /* one write per entry, A and D together on the leaf */
}

static void refused_walks_and_disabled_flags_write_nothing(void **state)
{
    (void)state;
    const uint64_t upper[5] = {RWX, RWX, R | X, RWX, RWX};
    build(&mem, 4, GPA4, 1, upper, RWX | WB);
    struct ept_walk_cfg cfg = cfg_for(4);
    cfg.ad = true;
    struct ept_mem m = mem_of(&mem);
    struct ept_translation t;
    assert_int_equal(ept_translate(&cfg, &m, GPA4, EPT_ACCESS_WRITE, &t), VMM_OK);
    assert_int_equal(t.outcome, EPT_VIOLATION);
    assert_int_equal(mem.writes, 0);
    *entry(&mem, GPA4, 1) |= 3ull << 3; /* memory type 3 */
    assert_int_equal(ept_translate(&cfg, &m, GPA4, EPT_ACCESS_READ, &t), VMM_OK);
    assert_int_equal(t.outcome, EPT_MISCONFIG);
    assert_int_equal(mem.writes, 0);
    build(&mem, 4, GPA4, 1, ALL_RWX, RWX | WB);
    cfg.ad = false;
    assert_int_equal(ept_translate(&cfg, &m, GPA4, EPT_ACCESS_WRITE, &t), VMM_OK);
    assert_int_equal(t.outcome, EPT_TRANSLATED);
    assert_int_equal(mem.writes, 0);
}

/* ---- accessor failures ---- */

static void an_accessor_error_stops_the_walk_and_comes_back_unchanged(void **state)
{
    (void)state;
    build(&mem, 4, GPA4, 1, ALL_RWX, RWX | WB);
    mem.fail_hpa = entry_addr(GPA4, 2);
    mem.fail_rc = -77;
    struct ept_walk_cfg cfg = cfg_for(4);
    cfg.ad = true;
    struct ept_mem m = mem_of(&mem);
    struct ept_translation t;
    assert_int_equal(ept_translate(&cfg, &m, GPA4, EPT_ACCESS_READ, &t), -77);
    assert_int_equal(mem.reads, 2);
    assert_int_equal(mem.writes, 0);
    /* A failing A/D write is reported too. */
    mem.fail_writes_only = true;
    assert_int_equal(ept_translate(&cfg, &m, GPA4, EPT_ACCESS_READ, &t), -77);
    /* A positive return is still a failure. */
    mem.fail_writes_only = false;
    mem.fail_rc = 1;
    assert_int_equal(ept_translate(&cfg, &m, GPA4, EPT_ACCESS_READ, &t), VMM_E_FAULT);
}

/* ---- EPTP decoding ---- */

static struct vmx_caps caps_with(uint64_t cap)
{
    struct vmx_caps c = {0};
    c.raw.phys_addr_width = 39;
    c.ept_vpid_cap = cap;
    return c;
}

static void eptp_values_decode_into_a_walk_config(void **state)
{
    (void)state;
    uint64_t all = VMX_EPT_CAP_PWL4 | VMX_EPT_CAP_PWL5 | VMX_EPT_CAP_MT_WB | VMX_EPT_CAP_MT_UC |
                   VMX_EPT_CAP_AD | VMX_EPT_CAP_2M | VMX_EPT_CAP_EXEC_ONLY;
    struct vmx_caps c = caps_with(all);
    struct ept_walk_cfg cfg;
    assert_int_equal(ept_walk_cfg_from_eptp(0x12345000 | 0x5e, &c, true, &cfg), VMM_OK);
    assert_int_equal(cfg.root, 0x12345000);
    assert_int_equal(cfg.levels, 4);
    assert_true(cfg.ad && cfg.mbec && cfg.exec_only && cfg.large_2m);
    assert_false(cfg.large_1g);
    assert_int_equal(cfg.phys_addr_width, 39);
    assert_int_equal(ept_walk_cfg_from_eptp(0x1000 | (4 << 3), &c, false, &cfg), VMM_OK);
    assert_int_equal(cfg.levels, 5);
    assert_false(cfg.ad);

    static const uint64_t bad[] = {
        0x1000 | (3 << 3) | 1,         /* memory type WC */
        0x1000 | (3 << 3) | 7,         /* memory type 7 */
        0x1000 | (2 << 3) | 6,         /* walk length 3 */
        0x1000 | (3 << 3) | 6 | 0x100, /* bit 8 */
        0x1000 | (3 << 3) | 6 | 0x80,  /* supervisor shadow stacks, unsupported */
        (1ull << 39) | (3 << 3) | 6,   /* beyond MAXPHYADDR */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(ept_walk_cfg_from_eptp(bad[i], &c, false, &cfg), VMM_E_INVAL);
    c = caps_with(VMX_EPT_CAP_PWL4 | VMX_EPT_CAP_MT_UC);
    assert_int_equal(ept_walk_cfg_from_eptp(0x1000 | (3 << 3) | 6, &c, false, &cfg), VMM_E_INVAL);
    assert_int_equal(ept_walk_cfg_from_eptp(0x1000 | (4 << 3), &c, false, &cfg), VMM_E_INVAL);
    assert_int_equal(ept_walk_cfg_from_eptp(0x1000 | (3 << 3) | 0x40, &c, false, &cfg),
                     VMM_E_INVAL);
    assert_int_equal(ept_walk_cfg_from_eptp(0x1000 | (3 << 3), &c, false, &cfg), VMM_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(translates_every_page_size_through_4_and_5_levels),
        cmocka_unit_test(a_5_level_walk_uses_gpa_bits_56_to_48),
        cmocka_unit_test(refuses_addresses_beyond_the_walk_and_bad_requests),
        cmocka_unit_test(each_misconfiguration_rule_is_detected),
        cmocka_unit_test(a_misconfiguration_below_a_denying_entry_still_wins),
        cmocka_unit_test(violations_report_the_access_and_the_permissions_anded_over_the_walk),
        cmocka_unit_test(a_walk_ending_at_a_non_present_entry_reports_no_permissions),
        cmocka_unit_test(a_read_sets_accessed_on_every_entry_used_and_no_dirty),
        cmocka_unit_test(a_write_sets_dirty_on_the_leaf_only),
        cmocka_unit_test(refused_walks_and_disabled_flags_write_nothing),
        cmocka_unit_test(an_accessor_error_stops_the_walk_and_comes_back_unchanged),
        cmocka_unit_test(eptp_values_decode_into_a_walk_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
