/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The access-rights matrix (SDM Vol. 3A "Access Rights", "Protection
 * Keys", "Page-Fault Exceptions"): one row per combination of U/S, R/W and
 * XD in the PDE and PTE, CR0.WP, SMEP, SMAP with RFLAGS.AC, EFER.NXE,
 * protection keys (PKRU, IA32_PKRS) and access kind, with the exact error
 * code expected. Rows run under 4-level paging unless they name a mode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "paging_testing.h"

#define U GPTE_US
#define W GPTE_RW
#define XD GPTE_XD
#define K(n) ((uint64_t)(n) << GPTE_PKEY_SHIFT)
#define AD(n) (1u << (2 * (n)))
#define WD(n) (2u << (2 * (n)))

/* Accesses */
#define RD 0u
#define WR PAGING_ACCESS_WRITE
#define EX PAGING_ACCESS_FETCH
#define URD PAGING_ACCESS_USER
#define UWR (PAGING_ACCESS_USER | PAGING_ACCESS_WRITE)
#define UEX (PAGING_ACCESS_USER | PAGING_ACCESS_FETCH)
#define IRD PAGING_ACCESS_IMPLICIT
#define IWR (PAGING_ACCESS_IMPLICIT | PAGING_ACCESS_WRITE)

/* Error codes */
#define EP PF_EC_P
#define EW PF_EC_W
#define EU PF_EC_U
#define EI PF_EC_I
#define EK PF_EC_PK

struct rights_case {
    const char *name;
    uint64_t pde, pte; /* besides P and the address */
    unsigned flags;    /* F_* */
    uint32_t pkru, pkrs;
    unsigned access;
    int64_t expect; /* error code, or OK */
    enum paging_mode mode; /* 0 (PAGING_OFF) stands for 4-level */
};

static const struct rights_case cases[] = {
    /* user-mode accesses */
    {"user read of a read-only user page", U | W, U, F_WP, 0, 0, URD, OK, 0},
    {"user write to a read-only user page", U | W, U, F_WP, 0, 0, UWR, EP | EW | EU, 0},
    {"user write to a read-only user page ignores WP=0", U | W, U, 0, 0, 0, UWR, EP | EW | EU, 0},
    {"user write to a writable user page", U | W, U | W, F_WP, 0, 0, UWR, OK, 0},
    {"user read of a supervisor page", U | W, W, 0, 0, 0, URD, EP | EU, 0},
    {"user write to a writable supervisor page", U | W, W, 0, 0, 0, UWR, EP | EW | EU, 0},
    {"user write: R/W is ANDed (read-only PDE)", U, U | W, 0, 0, 0, UWR, EP | EW | EU, 0},
    {"user read: U/S is ANDed (supervisor PDE)", W, U | W, 0, 0, 0, URD, EP | EU, 0},
    {"user fetch with NXE, XD clear", U | W, U, F_NXE, 0, 0, UEX, OK, 0},
    {"user fetch, XD in the PTE", U | W, U | XD, F_NXE, 0, 0, UEX, EP | EU | EI, 0},
    {"user fetch, XD in the PDE", U | W | XD, U, F_NXE, 0, 0, UEX, EP | EU | EI, 0},
    {"user fetch of a supervisor page: no I/D without NXE or SMEP", U | W, W, 0, 0, 0, UEX,
     EP | EU, 0},
    {"user fetch of a supervisor page with NXE", U | W, W, F_NXE, 0, 0, UEX, EP | EU | EI, 0},
    {"user data access with XD set is allowed", U | W, U | W | XD, F_NXE, 0, 0, UWR, OK, 0},

    /* supervisor-mode data accesses */
    {"supervisor read of a read-only supervisor page", U | W, 0, F_WP, 0, 0, RD, OK, 0},
    {"supervisor write to a read-only page with WP", U | W, 0, F_WP, 0, 0, WR, EP | EW, 0},
    {"supervisor write to a read-only page without WP", U | W, 0, 0, 0, 0, WR, OK, 0},
    {"supervisor write to a read-only user page without WP", U | W, U, 0, 0, 0, WR, OK, 0},
    {"supervisor write to a read-only user page with WP", U | W, U, F_WP, 0, 0, WR, EP | EW, 0},
    {"supervisor read of a user page without SMAP", U | W, U, 0, 0, 0, RD, OK, 0},
    {"SMAP: supervisor read of a user page with AC=0", U | W, U, F_SMAP, 0, 0, RD, EP, 0},
    {"SMAP: AC=1 allows explicit reads", U | W, U, F_SMAP | F_AC, 0, 0, RD, OK, 0},
    {"SMAP: AC=1 allows explicit writes", U | W, U | W, F_SMAP | F_AC | F_WP, 0, 0, WR, OK, 0},
    {"SMAP with AC=1 still honours WP", U | W, U, F_SMAP | F_AC | F_WP, 0, 0, WR, EP | EW, 0},
    {"SMAP: supervisor write to a user page with AC=0", U | W, U | W, F_SMAP, 0, 0, WR, EP | EW,
     0},
    {"SMAP: implicit read ignores AC", U | W, U, F_SMAP | F_AC, 0, 0, IRD, EP, 0},
    {"SMAP: implicit write ignores AC", U | W, U | W, F_SMAP | F_AC, 0, 0, IWR, EP | EW, 0},
    {"implicit read of a user page without SMAP", U | W, U, 0, 0, 0, IRD, OK, 0},
    {"implicit write obeys WP", U | W, 0, F_WP, 0, 0, IWR, EP | EW, 0},
    {"SMAP does not cover supervisor pages", U | W, W, F_SMAP, 0, 0, RD, OK, 0},
    {"SMAP: a supervisor PDE makes a supervisor address", W, U | W, F_SMAP, 0, 0, WR, OK, 0},

    /* supervisor-mode fetches */
    {"supervisor fetch with NXE, XD clear", U | W, 0, F_NXE, 0, 0, EX, OK, 0},
    {"supervisor fetch, XD set", U | W, XD, F_NXE, 0, 0, EX, EP | EI, 0},
    {"supervisor fetch of a user page without SMEP", U | W, U, F_NXE, 0, 0, EX, OK, 0},
    {"SMEP: supervisor fetch of a user page", U | W, U, F_SMEP, 0, 0, EX, EP | EI, 0},
    {"SMEP ignores AC", U | W, U, F_SMEP | F_SMAP | F_AC, 0, 0, EX, EP | EI, 0},
    {"SMEP allows supervisor pages", U | W, 0, F_SMEP, 0, 0, EX, OK, 0},
    {"SMAP does not stop fetches", U | W, U, F_SMAP, 0, 0, EX, OK, 0},
    {"SMEP: a supervisor PDE makes a supervisor address", W, U | W, F_SMEP, 0, 0, EX, OK, 0},
    {"SMEP and XD both refuse", U | W, U | XD, F_SMEP | F_NXE, 0, 0, EX, EP | EI, 0},

    /* protection keys for user pages (PKRU) */
    {"PKU: access-disable stops user reads", U | W, U | K(5), F_PKE, AD(5), 0, URD, EP | EU | EK,
     0},
    {"PKU: write-disable stops user writes", U | W, U | W | K(5), F_PKE | F_WP, WD(5), 0, UWR,
     EP | EW | EU | EK, 0},
    {"PKU: write-disable stops user writes even without WP", U | W, U | W | K(5), F_PKE, WD(5), 0,
     UWR, EP | EW | EU | EK, 0},
    {"PKU: write-disable allows user reads", U | W, U | W | K(5), F_PKE, WD(5), 0, URD, OK, 0},
    {"PKU: access-disable stops supervisor reads of user pages", U | W, U | K(5), F_PKE, AD(5), 0,
     RD, EP | EK, 0},
    {"PKU: write-disable stops supervisor writes with WP", U | W, U | W | K(5), F_PKE | F_WP,
     WD(5), 0, WR, EP | EW | EK, 0},
    {"PKU: write-disable allows supervisor writes without WP", U | W, U | W | K(5), F_PKE, WD(5),
     0, WR, OK, 0},
    {"PKU: fetches ignore keys", U | W, U | K(5), F_PKE, AD(5) | WD(5), 0, UEX, OK, 0},
    {"PKU: only the page's key counts", U | W, U | K(5), F_PKE, AD(4) | WD(4) | AD(6), 0, URD, OK,
     0},
    {"PKU: key 15 uses PKRU bits 31:30", U | W, U | W | K(15), F_PKE, WD(15), 0, UWR,
     EP | EW | EU | EK, 0},
    {"PKU off: PKRU is ignored", U | W, U | K(5), 0, AD(5), 0, URD, OK, 0},
    {"PKU and R/W both refuse: both reported", U | W, U | K(5), F_PKE, WD(5), 0, UWR,
     EP | EW | EU | EK, 0},
    {"PKU does not cover supervisor pages", U | W, K(5), F_PKE, 0xffffffffu, 0, RD, OK, 0},
    {"PKU and SMAP both refuse: both reported", U | W, U | K(5), F_PKE | F_SMAP, AD(5), 0, RD,
     EP | EK, 0},
    {"PKU uses PKRU, not IA32_PKRS", U | W, U | K(5), F_PKE, 0, 0xffffffffu, URD, OK, 0},
    {"PKU: a supervisor PDE takes the page out of PKRU's reach", W, U | K(5), F_PKE, AD(5), 0, RD,
     OK, 0},

    /* protection keys for supervisor pages (IA32_PKRS) */
    {"PKS: access-disable stops supervisor reads", U | W, K(3), F_PKS, 0, AD(3), RD, EP | EK, 0},
    {"PKS: write-disable stops writes with WP", U | W, W | K(3), F_PKS | F_WP, 0, WD(3), WR,
     EP | EW | EK, 0},
    {"PKS: write-disable allows writes without WP", U | W, W | K(3), F_PKS, 0, WD(3), WR, OK, 0},
    {"PKS: write-disable allows reads", U | W, W | K(3), F_PKS | F_WP, 0, WD(3), RD, OK, 0},
    {"PKS: fetches ignore keys", U | W, K(3), F_PKS, 0, AD(3), EX, OK, 0},
    {"PKS does not cover user pages", U | W, U | K(3), F_PKS, 0, AD(3), RD, OK, 0},
    {"PKS: implicit accesses are checked", U | W, K(3), F_PKS, 0, AD(3), IRD, EP | EK, 0},
    {"PKS: a user read of a supervisor page reports the key too", U | W, K(3), F_PKS, 0, AD(3),
     URD, EP | EU | EK, 0},
    {"PKS uses IA32_PKRS, not PKRU", U | W, K(3), F_PKS, 0xffffffffu, 0, RD, OK, 0},
    {"PKS and PKU together, each for its pages", U | W, K(3), F_PKS | F_PKE, AD(3), 0, RD, OK, 0},

    /* modes without XD or keys */
    {"32-bit: SMEP sets I/D", U | W, U, F_SMEP, 0, 0, EX, EP | EI, PAGING_32BIT},
    {"32-bit: NXE does not set I/D", U | W, W, F_NXE, 0, 0, UEX, EP | EU, PAGING_32BIT},
    {"32-bit: no protection keys", U | W, U, F_PKE, 0xffffffffu, 0, URD, OK, PAGING_32BIT},
    {"32-bit: SMAP", U | W, U, F_SMAP, 0, 0, RD, EP, PAGING_32BIT},
    {"32-bit: WP", U | W, 0, F_WP, 0, 0, WR, EP | EW, PAGING_32BIT},
    {"PAE: XD in the PDE", U | W | XD, U, F_NXE, 0, 0, UEX, EP | EU | EI, PAGING_PAE},
    {"PAE: no protection keys", U | W, U, F_PKE, 0xffffffffu, 0, URD, OK, PAGING_PAE},
    {"PAE: SMEP", U | W, U, F_SMEP, 0, 0, EX, EP | EI, PAGING_PAE},
    {"5-level: PKU", U | W, U | K(1), F_PKE, AD(1), 0, URD, EP | EU | EK, PAGING_5LEVEL},
    {"5-level: PKS", U | W, W | K(2), F_PKS | F_WP, 0, WD(2), WR, EP | EW | EK, PAGING_5LEVEL},
};

static void every_row_of_the_rights_matrix_gives_its_outcome(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct rights_case *c = &cases[i];
        enum paging_mode m = c->mode == PAGING_OFF ? PAGING_4LEVEL : c->mode;
        print_message("case: %s\n", c->name);
        struct paging_state s = state_for(m, c->flags);
        s.pkru = c->pkru;
        s.pkrs = c->pkrs;
        vmm_gva_t gva = gva_for(m);
        /* Levels above the PDE allow everything; the PDE and PTE carry the row. */
        build_path(&s, gva, 1, U | W, LEAF_GPA | c->pte);
        set_entry(&s, m, gva, 2, 0x1000 | GPTE_P | c->pde); /* the PT is page 1 */
        struct paging_result r = translate(&s, gva, c->access);
        if (c->expect == OK) {
            assert_int_equal(r.outcome, PAGING_TRANSLATED);
            assert_int_equal(r.gpa, LEAF_GPA | (gva & 0xfff));
            assert_int_equal(r.user, (c->pde & U) && (c->pte & U));
            assert_int_equal(r.writable, (c->pde & W) && (c->pte & W));
            assert_int_equal(r.nx, ((c->pde | c->pte) & XD) != 0);
            continue;
        }
        assert_int_equal(r.outcome, PAGING_PAGE_FAULT);
        assert_int_equal(r.error_code, (uint32_t)c->expect);
        assert_int_equal(tmem.writes, 0);
    }
}

static void the_leaf_protection_key_is_reported(void **state)
{
    (void)state;
    struct paging_state s = state_for(PAGING_4LEVEL, 0);
    vmm_gva_t gva = gva_for(PAGING_4LEVEL);
    build_path(&s, gva, 2, U | W | K(9), LEAF_GPA_LARGE | GPTE_PS | U | K(11));
    struct paging_result r = translate(&s, gva, URD);
    assert_int_equal(r.outcome, PAGING_TRANSLATED);
    assert_int_equal(r.pkey, 11); /* the leaf's key, not an upper entry's bits */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_row_of_the_rights_matrix_gives_its_outcome),
        cmocka_unit_test(the_leaf_protection_key_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
