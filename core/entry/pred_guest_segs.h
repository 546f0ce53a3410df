/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Predicates of checks/guest_segs.def (SDM x.3.1.2, checks on guest segment
 * registers). One predicate serves a rule for every register it covers: the
 * row's arg is the register's index in VMCS field order (ES, CS, SS, DS, FS,
 * GS, LDTR, TR), so the selector, base, limit and access-rights fields of
 * register s are the ES field's id plus s. The index is a constant at each
 * expansion, so the compiler folds the field lookups and mode tests.
 *
 * Terms: "usable" means access-rights bit 16 (unusable) is 0. The rules on
 * CS, SS, DS, ES, FS and GS access rights apply only outside virtual-8086
 * mode, and to CS even when CS is marked unusable; the TR rules apply in
 * every mode, the LDTR rules whenever LDTR is usable.
 */
#ifndef VMM_PRED_GUEST_SEGS_H
#define VMM_PRED_GUEST_SEGS_H

#include "ctx.h"
#include "pred_guest_regs.h" /* GREG_CR0_PE, GREG_CR4_FRED */

/* Register indexes: the arg of every row (VMCS field order). */
enum guest_seg {
    GSEG_ES,
    GSEG_CS,
    GSEG_SS,
    GSEG_DS,
    GSEG_FS,
    GSEG_GS,
    GSEG_LDTR,
    GSEG_TR,
};

/* The four fields of each register are contiguous ids, in that order. */
#define GSEG_ASSERT_GROUP(kind)                                                                   \
    _Static_assert(VMCS_GUEST_CS_##kind - VMCS_GUEST_ES_##kind == GSEG_CS &&                       \
                       VMCS_GUEST_SS_##kind - VMCS_GUEST_ES_##kind == GSEG_SS &&                   \
                       VMCS_GUEST_DS_##kind - VMCS_GUEST_ES_##kind == GSEG_DS &&                   \
                       VMCS_GUEST_FS_##kind - VMCS_GUEST_ES_##kind == GSEG_FS &&                   \
                       VMCS_GUEST_GS_##kind - VMCS_GUEST_ES_##kind == GSEG_GS &&                   \
                       VMCS_GUEST_LDTR_##kind - VMCS_GUEST_ES_##kind == GSEG_LDTR &&               \
                       VMCS_GUEST_TR_##kind - VMCS_GUEST_ES_##kind == GSEG_TR,                     \
                   "guest " #kind " fields are not in ES, CS, SS, DS, FS, GS, LDTR, TR order")
GSEG_ASSERT_GROUP(SELECTOR);
GSEG_ASSERT_GROUP(BASE);
GSEG_ASSERT_GROUP(LIMIT);
GSEG_ASSERT_GROUP(AR_BYTES);
#undef GSEG_ASSERT_GROUP

/* Access-rights layout. */
#define GSEG_AR_TYPE(ar) ((unsigned)(ar) & 0xfu)
#define GSEG_AR_S (1u << 4)
#define GSEG_AR_DPL(ar) (((unsigned)(ar) >> 5) & 3u)
#define GSEG_AR_P (1u << 7)
#define GSEG_AR_RSVD_11_8 0xf00u
#define GSEG_AR_L (1u << 13)
#define GSEG_AR_DB (1u << 14)
#define GSEG_AR_G (1u << 15)
#define GSEG_AR_UNUSABLE (1u << 16)
#define GSEG_AR_RSVD_31_17 0xfffe0000u

/* The virtual-8086 access rights: type 3, S, DPL 3, P. */
#define GSEG_AR_V8086 0xf3u

static inline uint64_t gseg_sel(const struct vmx_check_ctx *c, unsigned s)
{
    return c->f[VMCS_GUEST_ES_SELECTOR + s];
}

static inline uint64_t gseg_base(const struct vmx_check_ctx *c, unsigned s)
{
    return c->f[VMCS_GUEST_ES_BASE + s];
}

static inline uint32_t gseg_limit(const struct vmx_check_ctx *c, unsigned s)
{
    return (uint32_t)c->f[VMCS_GUEST_ES_LIMIT + s];
}

static inline uint32_t gseg_ar(const struct vmx_check_ctx *c, unsigned s)
{
    return (uint32_t)c->f[VMCS_GUEST_ES_AR_BYTES + s];
}

static inline bool gseg_usable(const struct vmx_check_ctx *c, unsigned s)
{
    return !(gseg_ar(c, s) & GSEG_AR_UNUSABLE);
}

/*
 * Whether the per-register access-rights rules (S, P, reserved bits, G)
 * apply to register s: TR always; LDTR if usable; CS, SS, DS, ES, FS, GS
 * outside virtual-8086 mode, CS even when unusable.
 */
static inline bool gseg_ar_checked(const struct vmx_check_ctx *c, unsigned s)
{
    if (s == GSEG_TR)
        return true;
    if (s == GSEG_LDTR)
        return gseg_usable(c, s);
    return !c->v8086 && (s == GSEG_CS || gseg_usable(c, s));
}

/* The rules on a usable data register (SS, DS, ES, FS, GS) outside virtual-8086 mode. */
static inline bool gseg_data_checked(const struct vmx_check_ctx *c, unsigned s)
{
    return !c->v8086 && gseg_usable(c, s);
}

/* ---- selectors ---- */

/* TR selector: TI (bit 2) = 0. */
static inline bool gseg_tr_sel_ti_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(gseg_sel(c, GSEG_TR) & 4u);
}

/* LDTR selector: TI = 0 if LDTR is usable. */
static inline bool gseg_ldtr_sel_ti_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !gseg_usable(c, GSEG_LDTR) || !(gseg_sel(c, GSEG_LDTR) & 4u);
}

/* SS selector RPL = CS selector RPL, unless virtual-8086 or unrestricted guest. */
static inline bool gseg_ss_rpl_is_cs_rpl(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return c->v8086 || c->unrestricted || (gseg_sel(c, GSEG_SS) & 3u) == (gseg_sel(c, GSEG_CS) & 3u);
}

/* ---- virtual-8086 guest ---- */

static inline bool gseg_v86_base_is_sel_x16(const struct vmx_check_ctx *c, unsigned s)
{
    return !c->v8086 || gseg_base(c, s) == (gseg_sel(c, s) & 0xffffu) << 4;
}

static inline bool gseg_v86_limit_is_64k(const struct vmx_check_ctx *c, unsigned s)
{
    return !c->v8086 || gseg_limit(c, s) == 0xffffu;
}

static inline bool gseg_v86_ar_is_f3(const struct vmx_check_ctx *c, unsigned s)
{
    return !c->v8086 || gseg_ar(c, s) == GSEG_AR_V8086;
}

/* ---- base addresses ---- */

/* TR, FS, GS: canonical whether or not the register is usable. */
static inline bool gseg_base_canonical(const struct vmx_check_ctx *c, unsigned s)
{
    return is_canonical(c, gseg_base(c, s));
}

/* LDTR: canonical if usable. */
static inline bool gseg_base_canonical_if_usable(const struct vmx_check_ctx *c, unsigned s)
{
    return !gseg_usable(c, s) || is_canonical(c, gseg_base(c, s));
}

/* CS: bits 63:32 = 0 always. */
static inline bool gseg_base_hi_clear(const struct vmx_check_ctx *c, unsigned s)
{
    return (gseg_base(c, s) >> 32) == 0;
}

/* SS, DS, ES: bits 63:32 = 0 if usable. */
static inline bool gseg_base_hi_clear_if_usable(const struct vmx_check_ctx *c, unsigned s)
{
    return !gseg_usable(c, s) || (gseg_base(c, s) >> 32) == 0;
}

/* ---- access rights of CS, SS, DS, ES, FS, GS (not virtual-8086) ---- */

/* CS type: accessed code (9, 11, 13, 15); accessed read/write data (3) too with unrestricted guest. */
static inline bool gseg_cs_type_ok(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    unsigned type = GSEG_AR_TYPE(gseg_ar(c, GSEG_CS));
    return c->v8086 || (type & 9u) == 9u || (c->unrestricted && type == 3u);
}

/* SS type: accessed read/write data, expand-up (3) or expand-down (7), if usable. */
static inline bool gseg_ss_type_ok(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    unsigned type = GSEG_AR_TYPE(gseg_ar(c, GSEG_SS));
    return !gseg_data_checked(c, GSEG_SS) || type == 3u || type == 7u;
}

/* DS, ES, FS, GS type: accessed (bit 0) if usable. */
static inline bool gseg_type_accessed(const struct vmx_check_ctx *c, unsigned s)
{
    return !gseg_data_checked(c, s) || (GSEG_AR_TYPE(gseg_ar(c, s)) & 1u);
}

/* DS, ES, FS, GS type: a code segment (bit 3) must be readable (bit 1), if usable. */
static inline bool gseg_code_readable(const struct vmx_check_ctx *c, unsigned s)
{
    unsigned type = GSEG_AR_TYPE(gseg_ar(c, s));
    return !gseg_data_checked(c, s) || !(type & 8u) || (type & 2u);
}

/* S = 1 (code or data) for CS and usable SS, DS, ES, FS, GS. */
static inline bool gseg_s_set(const struct vmx_check_ctx *c, unsigned s)
{
    return !gseg_ar_checked(c, s) || (gseg_ar(c, s) & GSEG_AR_S);
}

/* CS type 3 (unrestricted guest's data CS): DPL 0. */
static inline bool gseg_cs_data_dpl0(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    uint32_t cs = gseg_ar(c, GSEG_CS);
    return c->v8086 || GSEG_AR_TYPE(cs) != 3u || GSEG_AR_DPL(cs) == 0;
}

/* CS non-conforming code (type 9, 11): DPL = SS DPL. */
static inline bool gseg_cs_nonconf_dpl_is_ss_dpl(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    uint32_t cs = gseg_ar(c, GSEG_CS);
    unsigned type = GSEG_AR_TYPE(cs);
    return c->v8086 || (type != 9u && type != 11u) ||
           GSEG_AR_DPL(cs) == GSEG_AR_DPL(gseg_ar(c, GSEG_SS));
}

/* CS conforming code (type 13, 15): DPL <= SS DPL. */
static inline bool gseg_cs_conf_dpl_le_ss_dpl(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    uint32_t cs = gseg_ar(c, GSEG_CS);
    unsigned type = GSEG_AR_TYPE(cs);
    return c->v8086 || (type != 13u && type != 15u) ||
           GSEG_AR_DPL(cs) <= GSEG_AR_DPL(gseg_ar(c, GSEG_SS));
}

/* SS DPL = SS selector RPL unless unrestricted guest (usable or not: SS.DPL is the CPL). */
static inline bool gseg_ss_dpl_is_rpl(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return c->v8086 || c->unrestricted ||
           GSEG_AR_DPL(gseg_ar(c, GSEG_SS)) == (gseg_sel(c, GSEG_SS) & 3u);
}

/* SS DPL = 0 when CS is a data segment (type 3) or CR0.PE = 0 (real mode). */
static inline bool gseg_ss_dpl0_if_real_or_data_cs(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    bool needs_dpl0 = GSEG_AR_TYPE(gseg_ar(c, GSEG_CS)) == 3u || !(FIELD(c, GUEST_CR0) & GREG_CR0_PE);
    return c->v8086 || !needs_dpl0 || GSEG_AR_DPL(gseg_ar(c, GSEG_SS)) == 0;
}

/*
 * DS, ES, FS, GS: DPL >= selector RPL when unrestricted guest is 0, the
 * register is usable and its type is 0-11 (data or non-conforming code).
 */
static inline bool gseg_dpl_ge_rpl(const struct vmx_check_ctx *c, unsigned s)
{
    uint32_t ar = gseg_ar(c, s);
    return !gseg_data_checked(c, s) || c->unrestricted || GSEG_AR_TYPE(ar) > 11u ||
           GSEG_AR_DPL(ar) >= (gseg_sel(c, s) & 3u);
}

/* P = 1 (present). */
static inline bool gseg_p_set(const struct vmx_check_ctx *c, unsigned s)
{
    return !gseg_ar_checked(c, s) || (gseg_ar(c, s) & GSEG_AR_P);
}

/* Access-rights bits 11:8 = 0. */
static inline bool gseg_ar_rsvd_11_8_clear(const struct vmx_check_ctx *c, unsigned s)
{
    return !gseg_ar_checked(c, s) || !(gseg_ar(c, s) & GSEG_AR_RSVD_11_8);
}

/* CS of an IA-32e guest: L = 1 implies D/B = 0. */
static inline bool gseg_cs_db_clear_if_l(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    uint32_t cs = gseg_ar(c, GSEG_CS);
    return c->v8086 || !c->ia32e_guest || !(cs & GSEG_AR_L) || !(cs & GSEG_AR_DB);
}

/* G = 0 if any limit bit in 11:0 is 0 (a page-granular limit ends in FFFH). */
static inline bool gseg_g_clear_if_limit_lo_not_fff(const struct vmx_check_ctx *c, unsigned s)
{
    return !gseg_ar_checked(c, s) || (gseg_limit(c, s) & 0xfffu) == 0xfffu ||
           !(gseg_ar(c, s) & GSEG_AR_G);
}

/* G = 1 if any limit bit in 31:20 is 1 (a byte-granular limit is below 1 MiB). */
static inline bool gseg_g_set_if_limit_hi(const struct vmx_check_ctx *c, unsigned s)
{
    return !gseg_ar_checked(c, s) || (gseg_limit(c, s) & 0xfff00000u) == 0 ||
           (gseg_ar(c, s) & GSEG_AR_G);
}

/* Access-rights bits 31:17 = 0. */
static inline bool gseg_ar_rsvd_31_17_clear(const struct vmx_check_ctx *c, unsigned s)
{
    return !gseg_ar_checked(c, s) || !(gseg_ar(c, s) & GSEG_AR_RSVD_31_17);
}

/* A FRED guest: IA-32e mode guest with CR4.FRED = 1. */
static inline bool gseg_fred_guest(const struct vmx_check_ctx *c)
{
    return c->ia32e_guest && (FIELD(c, GUEST_CR4) & GREG_CR4_FRED);
}

/* FRED guest: SS DPL (the CPL) is 0 or 3. */
static inline bool gseg_fred_ss_dpl_0_or_3(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    unsigned dpl = GSEG_AR_DPL(gseg_ar(c, GSEG_SS));
    return c->v8086 || !gseg_fred_guest(c) || dpl == 0 || dpl == 3;
}

/* FRED guest at CPL 0: CS.L = 1 (FRED supervisor code is 64-bit). */
static inline bool gseg_fred_cpl0_cs_l(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return c->v8086 || !gseg_fred_guest(c) || GSEG_AR_DPL(gseg_ar(c, GSEG_SS)) != 0 ||
           (gseg_ar(c, GSEG_CS) & GSEG_AR_L);
}

/* ---- TR (every mode) and LDTR (if usable) ---- */

/* TR type outside IA-32e mode: busy 16-bit (3) or 32-bit (11) TSS. */
static inline bool gseg_tr_type_legacy(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    unsigned type = GSEG_AR_TYPE(gseg_ar(c, GSEG_TR));
    return c->ia32e_guest || type == 3u || type == 11u;
}

/* TR type in IA-32e mode: busy 64-bit TSS (11). */
static inline bool gseg_tr_type_ia32e(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->ia32e_guest || GSEG_AR_TYPE(gseg_ar(c, GSEG_TR)) == 11u;
}

/* TR, usable LDTR: S = 0 (system segment). */
static inline bool gseg_s_clear(const struct vmx_check_ctx *c, unsigned s)
{
    return !gseg_ar_checked(c, s) || !(gseg_ar(c, s) & GSEG_AR_S);
}

/* TR: usable. */
static inline bool gseg_tr_usable(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return gseg_usable(c, GSEG_TR);
}

/* LDTR, if usable: type 2 (LDT). */
static inline bool gseg_ldtr_type_ldt(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !gseg_usable(c, GSEG_LDTR) || GSEG_AR_TYPE(gseg_ar(c, GSEG_LDTR)) == 2u;
}

#endif
