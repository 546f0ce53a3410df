/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz harness: the EPT builder (map, unmap, protect) and walker against a
 * flat reference model. The input (ept_input.h) picks a configuration and
 * a program of requests; the reference, a sorted list of mapped extents
 * (GPA page -> HPA, permissions, memory type, ignore-PAT), predicts every
 * result code and every translation. Invariants, each an abort() when
 * broken:
 *  - a request succeeds exactly when the reference says it may (any
 *    argument error it refuses with is one that applies; a request hit by
 *    an injected allocation failure changes nothing);
 *  - pages the hierarchy holds equal the pages the seam has handed out;
 *  - translations around each request and of every extent at the end give
 *    the reference's HPA, permissions, memory type and ignore-PAT, a
 *    violation with the right qualification where access is not allowed
 *    or nothing is mapped, never a misconfiguration; a large page only
 *    where the capabilities allow it and the reference maps its whole
 *    span contiguously with one set of attributes;
 *  - walking through the test double's pages and through the builder's
 *    own index agree (every other check uses each);
 *  - unmapping everything leaves only the root table; destroying the
 *    hierarchy returns every page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpu/cpu_test_double.h"
#include "ept_input.h"

#define KiB4 0x1000ull
#define MAX_EXTENTS 1024
/* Leaves one input's requests may touch in all (keeps inputs fast). */
#define LEAF_BUDGET (1ull << 17)

struct extent {
    uint64_t first, pages; /* GPA page numbers */
    vmm_hpa_t hpa;         /* of the first page */
    uint8_t perms, memtype;
    bool ignore_pat;
};

static struct {
    bool ready;
    struct cpu_test_double td;
    struct vmx_caps caps;
    struct ept ept;
    struct ept_input_config cfg;
    unsigned n;
    struct extent e[MAX_EXTENTS];
    unsigned checks; /* translations so far, to alternate accessors */
    bool trace;      /* EPT_FUZZ_TRACE set: print each request */
} s;

static _Noreturn void fail(const char *what, uint64_t a, uint64_t b)
{
    fprintf(stderr, "ept: INVARIANT VIOLATED: %s (%#llx, %#llx)\n", what, (unsigned long long)a,
            (unsigned long long)b);
    abort();
}

/* ---- the reference ---- */

/* Index of the first extent ending after page p (s.n if none). */
static unsigned first_after(uint64_t p)
{
    unsigned lo = 0, hi = s.n;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (s.e[mid].first + s.e[mid].pages <= p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const struct extent *find(uint64_t p)
{
    unsigned i = first_after(p);
    return i < s.n && s.e[i].first <= p ? &s.e[i] : NULL;
}

/* Pages of [first, first + pages) the reference maps. */
static uint64_t mapped_pages(uint64_t first, uint64_t pages)
{
    uint64_t sum = 0, end = first + pages;
    for (unsigned i = first_after(first); i < s.n && s.e[i].first < end; i++) {
        uint64_t lo = s.e[i].first > first ? s.e[i].first : first;
        uint64_t hi = s.e[i].first + s.e[i].pages < end ? s.e[i].first + s.e[i].pages : end;
        sum += hi - lo;
    }
    return sum;
}

static void insert_at(unsigned i, struct extent x)
{
    if (s.n == MAX_EXTENTS)
        fail("reference full", s.n, 0);
    memmove(&s.e[i + 1], &s.e[i], (s.n - i) * sizeof s.e[0]);
    s.e[i] = x;
    s.n++;
}

/* Makes page p the start of an extent if an extent covers it. */
static void split_at(uint64_t p)
{
    unsigned i = first_after(p);
    if (i == s.n || s.e[i].first >= p)
        return;
    struct extent tail = s.e[i];
    uint64_t head = p - s.e[i].first;
    s.e[i].pages = head;
    tail.first = p;
    tail.pages -= head;
    tail.hpa += head * KiB4;
    insert_at(i + 1, tail);
}

static void ref_apply(const struct ept_input_op *op)
{
    uint64_t first = op->gpa / KiB4, pages = op->size / KiB4;
    if (op->kind == EPT_OP_MAP) {
        insert_at(first_after(first), (struct extent){first, pages, op->hpa, op->attr.perms,
                                                      op->attr.memtype, op->attr.ignore_pat});
        return;
    }
    split_at(first);
    split_at(first + pages);
    unsigned i = first_after(first), j = i;
    while (j < s.n && s.e[j].first < first + pages)
        j++;
    if (op->kind == EPT_OP_UNMAP) {
        memmove(&s.e[i], &s.e[j], (s.n - j) * sizeof s.e[0]);
        s.n -= j - i;
    } else {
        for (unsigned k = i; k < j; k++)
            s.e[k].perms = op->attr.perms;
    }
}

/* ---- translations against the reference ---- */

static int td_read(void *ctx, vmm_hpa_t hpa, uint64_t *value)
{
    uint64_t *p = (hpa & 7) ? NULL : cpu_test_double_hva(ctx, hpa);
    if (!p)
        return VMM_E_FAULT;
    *value = *p;
    return VMM_OK;
}

static int td_write(void *ctx, vmm_hpa_t hpa, uint64_t value)
{
    uint64_t *p = (hpa & 7) ? NULL : cpu_test_double_hva(ctx, hpa);
    if (!p)
        return VMM_E_FAULT;
    *p = value;
    return VMM_OK;
}

/* The reference maps every page of [first, first + pages) as page `first` extends. */
static bool contiguous(uint64_t first, uint64_t pages, const struct extent *lead)
{
    uint64_t lead_hpa = lead->hpa + (first - lead->first) * KiB4;
    uint64_t covered = 0;
    for (unsigned i = first_after(first); i < s.n && s.e[i].first < first + pages; i++) {
        const struct extent *x = &s.e[i];
        uint64_t lo = x->first > first ? x->first : first;
        uint64_t hi = x->first + x->pages < first + pages ? x->first + x->pages : first + pages;
        if (x->perms != lead->perms || x->memtype != lead->memtype ||
            x->ignore_pat != lead->ignore_pat ||
            x->hpa + (lo - x->first) * KiB4 != lead_hpa + (lo - first) * KiB4)
            return false;
        covered += hi - lo;
    }
    return covered == pages;
}

/* Translates `gpa` for `access` and compares with the reference. */
static void check(vmm_gpa_t gpa, unsigned access)
{
    struct ept_walk_cfg cfg;
    struct ept_mem mem;
    struct ept_translation t;
    ept_own_walk_cfg(&s.ept, s.cfg.mbec, &cfg);
    if (s.checks++ & 1)
        ept_own_mem(&s.ept, &mem);
    else
        mem = (struct ept_mem){.read = td_read, .write = td_write, .ctx = &s.td};

    int rc = ept_translate(&cfg, &mem, gpa, access, &t);
    if (gpa >> (12 + 9 * s.cfg.levels)) {
        if (rc != VMM_E_RANGE)
            fail("a GPA beyond the walk is not refused", gpa, (uint64_t)rc);
        return;
    }
    if (rc != VMM_OK)
        fail("translation failed", gpa, (uint64_t)rc);
    if (t.outcome == EPT_MISCONFIG) {
        fprintf(stderr, "ept: GPA %#llx: level-%u entry %#llx: %s\n", (unsigned long long)gpa,
                t.level, (unsigned long long)t.entry, ept_misconfig_name(t.misconfig));
        fail("the builder wrote a misconfigured entry", gpa, t.misconfig);
    }

    const struct extent *x = find(gpa / KiB4);
    unsigned perms = x ? x->perms : 0;
    unsigned eff = s.cfg.mbec ? perms : perms & (EPT_R | EPT_W | EPT_X);
    if (!eff) {
        if (t.outcome != EPT_VIOLATION || !t.not_present ||
            ept_violation_qualification(&t) != (access & 7))
            fail("an unmapped page does not give a not-present violation", gpa, t.outcome);
        return;
    }
    unsigned need = ((access & EPT_ACCESS_READ) ? EPT_R : 0) |
                    ((access & EPT_ACCESS_WRITE) ? EPT_W : 0) |
                    ((access & EPT_ACCESS_FETCH)
                         ? ((s.cfg.mbec && (access & EPT_ACCESS_USER)) ? EPT_XU : EPT_X)
                         : 0);
    if (t.perms != eff)
        fail("permissions differ from the reference", gpa, t.perms);
    if ((eff & need) != need) {
        if (t.outcome != EPT_VIOLATION || t.not_present ||
            ept_violation_qualification(&t) != ((access & 7) | ((uint64_t)eff << 3)))
            fail("a disallowed access does not give a violation", gpa, access);
        return;
    }
    if (t.outcome != EPT_TRANSLATED)
        fail("an allowed access does not translate", gpa, access);
    uint64_t page = gpa / KiB4;
    if (t.hpa != x->hpa + (page - x->first) * KiB4 + (gpa & 0xfff))
        fail("HPA differs from the reference", gpa, t.hpa);
    if (t.memtype != x->memtype || t.ignore_pat != x->ignore_pat)
        fail("memory type or ignore-PAT differs from the reference", gpa, t.memtype);
    if (t.page_size != KiB4) {
        bool allowed = (t.page_size == (KiB4 << 9) && s.cfg.large_2m) ||
                       (t.page_size == (KiB4 << 18) && s.cfg.large_1g);
        uint64_t span = t.page_size / KiB4;
        if (!allowed || !contiguous(page & ~(span - 1), span, x))
            fail("a large page the reference does not allow", gpa, t.page_size);
    }
}

/* A page checked with an allowed access and with one from the table. */
static void check_page(uint64_t page)
{
    const struct extent *x = find(page);
    vmm_gpa_t gpa = page * KiB4 + ((page * 0x18) & 0xff8);
    unsigned allowed = EPT_ACCESS_READ;
    if (x && !(x->perms & EPT_R))
        allowed = (x->perms & EPT_X) ? EPT_ACCESS_FETCH : EPT_ACCESS_FETCH | EPT_ACCESS_USER;
    check(gpa, allowed);
    check(gpa, ept_input_accesses[page % ept_input_access_count]);
}

/* The edges of [first, first + pages) and a few pages inside, including 2 MiB edges. */
static void check_range(uint64_t first, uint64_t pages)
{
    uint64_t last = first + pages - 1;
    if (first)
        check_page(first - 1);
    check_page(first);
    check_page(last);
    check_page(last + 1);
    check_page(first + pages / 2);
    uint64_t edge = (first | 511) + 1;
    if (edge < last) {
        check_page(edge - 1);
        check_page(edge);
    }
}

/* ---- requests ---- */

static bool perms_valid(unsigned p)
{
    return p && !(p & ~EPT_PERMS_ALL) && (p & (EPT_R | EPT_W)) != EPT_W;
}

/* The argument errors that apply to the request (bit -rc set for each). */
static unsigned argument_errors(const struct ept_input_op *op)
{
    unsigned errs = 0;
    uint64_t limit = 1ull << (12 + 9 * s.cfg.levels);
    uint64_t hpa_limit = 1ull << s.cfg.phys_addr_width;
    if (!op->size || ((op->gpa | op->size) & 0xfff))
        errs |= 1u << -VMM_E_INVAL;
    if (op->gpa >= limit || op->size > limit - op->gpa)
        errs |= 1u << -VMM_E_RANGE;
    if (op->kind == EPT_OP_UNMAP)
        return errs;
    if (!perms_valid(op->attr.perms))
        errs |= 1u << -VMM_E_INVAL;
    else if (!(op->attr.perms & EPT_R) && !s.cfg.exec_only)
        errs |= 1u << -VMM_E_UNSUPPORTED;
    if (op->kind != EPT_OP_MAP)
        return errs;
    if (op->hpa & 0xfff || !ept_memtype_valid(op->attr.memtype))
        errs |= 1u << -VMM_E_INVAL;
    if (op->hpa >= hpa_limit || op->size > hpa_limit - op->hpa)
        errs |= 1u << -VMM_E_RANGE;
    return errs;
}

static int issue(const struct ept_input_op *op)
{
    switch (op->kind) {
    case EPT_OP_MAP: return ept_map(&s.ept, op->gpa, op->hpa, op->size, op->attr);
    case EPT_OP_UNMAP: return ept_unmap(&s.ept, op->gpa, op->size);
    case EPT_OP_PROTECT: return ept_protect(&s.ept, op->gpa, op->size, op->attr.perms);
    case EPT_OP_PROBE: break;
    }
    return VMM_E_INVAL;
}

static void request(const struct ept_input_op *op)
{
    unsigned errs = argument_errors(op);
    int want = VMM_OK;
    if (!errs) {
        uint64_t first = op->gpa / KiB4, pages = op->size / KiB4;
        uint64_t mapped = mapped_pages(first, pages);
        if (op->kind == EPT_OP_MAP && mapped)
            want = VMM_E_STATE;
        if (op->kind != EPT_OP_MAP && mapped != pages)
            want = VMM_E_NOENT;
    }
    s.td.allocs_until_fail = op->fail_alloc;
    int rc = issue(op);
    s.td.allocs_until_fail = 0;

    if (errs) {
        if (rc >= 0 || rc < -31 || !((errs >> -rc) & 1))
            fail("a malformed request is not refused with an error that applies", op->gpa,
                 (uint64_t)rc);
    } else if (!(rc == want || (rc == VMM_E_NOMEM && op->fail_alloc && want == VMM_OK))) {
        fprintf(stderr, "ept: request kind %d gpa %#llx size %#llx: rc %d, expected %d\n",
                (int)op->kind, (unsigned long long)op->gpa, (unsigned long long)op->size, rc,
                want);
        fail("the result differs from the reference's", op->gpa, (uint64_t)rc);
    }
    if (s.trace)
        fprintf(stderr, "ept: %s gpa %#llx size %#llx hpa %#llx perms %#x type %u fail@%u: %d"
                        " (%zu tables)\n",
                op->kind == EPT_OP_MAP ? "map" : op->kind == EPT_OP_UNMAP ? "unmap" : "protect",
                (unsigned long long)op->gpa, (unsigned long long)op->size,
                (unsigned long long)op->hpa, op->attr.perms, op->attr.memtype, op->fail_alloc, rc,
                s.ept.table_pages);
    if (rc == VMM_OK)
        ref_apply(op);
    if (s.td.pages_live != ept_pages_held(&s.ept))
        fail("pages held differ from pages allocated", s.td.pages_live, ept_pages_held(&s.ept));
    if (!errs)
        check_range(op->gpa / KiB4, op->size / KiB4);
}

/*
 * About how many leaf entries a request touches: large pages where the GPA
 * (and, for a map, the HPA) alignment and the capabilities allow them,
 * 4 KiB pages elsewhere.
 */
static uint64_t aligned_pages(const struct ept_input_op *op, unsigned shift, bool allowed)
{
    uint64_t first = op->gpa / KiB4, end = first + op->size / KiB4, span = 1ull << shift;
    if (!allowed || (op->kind == EPT_OP_MAP && ((op->gpa ^ op->hpa) & (span * KiB4 - 1))))
        return 0;
    uint64_t lo = (first + span - 1) & ~(span - 1), hi = end & ~(span - 1);
    return hi > lo ? hi - lo : 0;
}

static uint64_t leaf_cost(const struct ept_input_op *op)
{
    uint64_t pages = op->size / KiB4;
    /* The builder uses 1 GiB pages only where 2 MiB pages exist too. */
    uint64_t in_1g = aligned_pages(op, 18, s.cfg.large_1g && s.cfg.large_2m);
    uint64_t in_2m = aligned_pages(op, 9, s.cfg.large_2m); /* includes the 1 GiB blocks */
    if (in_2m < in_1g)
        in_2m = in_1g;
    return (in_1g >> 18) + ((in_2m - in_1g) >> 9) + (pages - in_2m);
}

/* ---- one input ---- */

static void setup(void)
{
    struct vmx_raw_caps raw = {.phys_addr_width = 52, .linear_addr_width = 57};
    cpu_test_double_init(&s.td, &raw);
    if (cpu_test_double_enable_pages(&s.td, 1u << 16) != VMM_OK)
        abort();
    s.trace = getenv("EPT_FUZZ_TRACE") != NULL;
    s.ready = true;
}

static void begin(const struct ept_input_config *cfg)
{
    s.cfg = *cfg;
    s.n = 0;
    s.checks = 0;
    s.caps = (struct vmx_caps){0};
    s.caps.raw.phys_addr_width = (uint8_t)cfg->phys_addr_width;
    s.caps.phys_addr_width = (uint8_t)cfg->phys_addr_width;
    s.caps.ept_vpid_cap = VMX_EPT_CAP_PWL4 | VMX_EPT_CAP_PWL5 | VMX_EPT_CAP_MT_WB |
                          VMX_EPT_CAP_MT_UC | VMX_EPT_CAP_AD |
                          (cfg->exec_only ? VMX_EPT_CAP_EXEC_ONLY : 0) |
                          (cfg->large_2m ? VMX_EPT_CAP_2M : 0) |
                          (cfg->large_1g ? VMX_EPT_CAP_1G : 0);
    int rc = ept_init(&s.ept, &s.td.cpu, &s.caps, cfg->levels, cfg->ad);
    if (rc != VMM_OK)
        fail("ept_init refused supported capabilities", (uint64_t)rc, cfg->levels);
}

/* Checks every extent, unmaps it all, and frees the hierarchy. */
static void end(void)
{
    for (unsigned i = 0; i < s.n; i++)
        check_range(s.e[i].first, s.e[i].pages);
    while (s.n) {
        const struct extent *x = &s.e[s.n - 1];
        int rc = ept_unmap(&s.ept, x->first * KiB4, x->pages * KiB4);
        if (s.trace)
            fprintf(stderr, "ept: end: unmap gpa %#llx size %#llx: %d (%zu tables)\n",
                    (unsigned long long)(x->first * KiB4), (unsigned long long)(x->pages * KiB4),
                    rc, s.ept.table_pages);
        if (rc != VMM_OK)
            fail("unmapping a mapped extent failed", x->first * KiB4, (uint64_t)rc);
        s.n--;
    }
    if (s.ept.table_pages != 1)
        fail("tables left after unmapping everything", s.ept.table_pages, 1);
    if (ept_destroy(&s.ept) != VMM_OK || s.td.pages_live != 0)
        fail("pages leaked", s.td.pages_live, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!s.ready)
        setup();
    uint8_t header[EPT_INPUT_HEADER] = {0};
    memcpy(header, data, size < sizeof header ? size : sizeof header);
    struct ept_input_config cfg;
    ept_input_config(header, &cfg);
    begin(&cfg);

    uint64_t budget = LEAF_BUDGET;
    size_t off = EPT_INPUT_HEADER;
    for (unsigned n = 0; n < EPT_INPUT_MAX_OPS && off + EPT_INPUT_OP_BYTES <= size;
         n++, off += EPT_INPUT_OP_BYTES) {
        struct ept_input_op op;
        ept_input_op(&cfg, data + off, &op);
        if (op.kind == EPT_OP_PROBE) {
            check(op.gpa, op.access);
            continue;
        }
        uint64_t cost = leaf_cost(&op);
        if (cost > budget)
            continue;
        budget -= cost;
        request(&op);
    }
    end();
    return 0;
}
