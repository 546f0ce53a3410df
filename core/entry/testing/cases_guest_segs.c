/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mutation cases: checks on guest segment registers (checks/guest_segs.def).
 * Cases named "... still passes" move a value to the edge of a rule (or
 * into a mode where the rule does not apply) and break a later check, which
 * must then be the first failure.
 */
#include "cases.h"

#define C(name) VMX_CHECK_GUEST_SEG_##name

/* Access rights used below (see the baselines for the valid ones). */
enum {
    AR_DATA = 0xc093,       /* P, DPL 0, S, type 3, D/B, G */
    AR_LDT = 0x82,          /* P, type 2 */
    AR_UNUSABLE = 0x10000,
    AR_RSVD17 = 1u << 17,
    AR_RSVD8 = 1u << 8,
    AR_G = 1u << 15,
};

/* Not canonical with 48-bit linear addresses; canonical with 57. */
#define ADDR_BIT47 0x0000800000000000ull
/* Not canonical with 57-bit linear addresses either. */
#define ADDR_BIT56 0x0100000000000000ull
#define CR4_FRED (1ull << 32)

/* The modern profile's CR4_FIXED1 lacks FRED (bit 32): allow it. */
static void allow_cr4_fred(struct test_entry *t)
{
    t->caps.cr4_fixed1 |= CR4_FRED;
    vmcs_set(&t->vmcs, VMCS_GUEST_CR4, vmcs_get(&t->vmcs, VMCS_GUEST_CR4) | CR4_FRED);
}

/* A FRED guest at CPL 1: CS and SS selectors RPL 1, DPL 1. */
static void fred_cpl1(struct test_entry *t)
{
    allow_cr4_fred(t);
    vmcs_set(&t->vmcs, VMCS_GUEST_CS_SELECTOR, 0x09);
    vmcs_set(&t->vmcs, VMCS_GUEST_SS_SELECTOR, 0x11);
    vmcs_set(&t->vmcs, VMCS_GUEST_CS_AR_BYTES, 0xa0bb);
    vmcs_set(&t->vmcs, VMCS_GUEST_SS_AR_BYTES, 0xc0b3);
}

/* A FRED guest at CPL 3 in compatibility mode (CS.L = 0): valid. */
static void fred_cpl3_compat(struct test_entry *t)
{
    allow_cr4_fred(t);
    vmcs_set(&t->vmcs, VMCS_GUEST_CS_SELECTOR, 0x0b);
    vmcs_set(&t->vmcs, VMCS_GUEST_SS_SELECTOR, 0x13);
    vmcs_set(&t->vmcs, VMCS_GUEST_CS_AR_BYTES, 0xc0fb);
    vmcs_set(&t->vmcs, VMCS_GUEST_SS_AR_BYTES, 0xc0f3 | AR_RSVD17); /* break a later check */
}

/* CPL 1 (CS and SS RPL and DPL 1) without CR4.FRED: valid. */
static void cpl1_no_fred(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_GUEST_CS_SELECTOR, 0x09);
    vmcs_set(&t->vmcs, VMCS_GUEST_SS_SELECTOR, 0x11);
    vmcs_set(&t->vmcs, VMCS_GUEST_CS_AR_BYTES, 0xa0bb);
    vmcs_set(&t->vmcs, VMCS_GUEST_SS_AR_BYTES, 0xc0b3 | AR_RSVD17); /* break a later check */
}

/* CPL 3 with a conforming DPL-0 CS: valid (CS DPL <= SS DPL). */
static void cpl3_conforming_cs(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_GUEST_CS_SELECTOR, 0x0b);
    vmcs_set(&t->vmcs, VMCS_GUEST_SS_SELECTOR, 0x13);
    vmcs_set(&t->vmcs, VMCS_GUEST_CS_AR_BYTES, 0xa09f);
    vmcs_set(&t->vmcs, VMCS_GUEST_SS_AR_BYTES, 0xc0f3);
    vmcs_set(&t->vmcs, VMCS_GUEST_DS_AR_BYTES, AR_DATA | AR_RSVD17); /* break a later check */
}

const struct mutation_case cases_guest_segs[] = {
    /* ---- 8a. selectors ---- */
    {C(TR_SEL_TI), BASE_LONG64, {SETF(GUEST_TR_SELECTOR, 0x1c)}, NULL, "TR selector in the LDT"},
    {C(TR_SEL_TI), BASE_V8086, {SETF(GUEST_TR_SELECTOR, 0x1c)}, NULL, "TR selector TI, virtual-8086 guest"},
    {C(LDTR_SEL_TI), BASE_LONG64, {SETF(GUEST_LDTR_AR_BYTES, AR_LDT), SETF(GUEST_LDTR_SELECTOR, 0x2c)}, NULL,
     "usable LDTR selector with TI set"},
    {C(TR_AR_RSVD17), BASE_LONG64,
     {SETF(GUEST_LDTR_SELECTOR, 0x2c), ORF(GUEST_TR_AR_BYTES, AR_RSVD17)}, NULL,
     "unusable LDTR with TI set still passes"},
    {C(SS_SEL_RPL), BASE_LONG64, {SETF(GUEST_SS_SELECTOR, 0x13)}, NULL, "SS RPL 3, CS RPL 0"},
    {C(SS_SEL_RPL), BASE_PROT32_PAE, {SETF(GUEST_CS_SELECTOR, 0x0b)}, NULL, "CS RPL 3, SS RPL 0 (32-bit)"},
    {C(SS_AR_RSVD17), BASE_REAL_URG, {SETF(GUEST_SS_SELECTOR, 0x03), ORF(GUEST_SS_AR_BYTES, AR_RSVD17)}, NULL,
     "unrestricted guest: SS RPL 3 with CS RPL 0 still passes"},

    /* ---- 8b. virtual-8086 guest ---- */
    {C(V86_CS_BASE), BASE_V8086, {SETF(GUEST_CS_BASE, 0x10010)}, NULL, "v8086 CS base != selector * 16"},
    {C(V86_SS_BASE), BASE_V8086, {SETF(GUEST_SS_BASE, 0x1000)}, NULL, "v8086 SS base = selector"},
    {C(V86_DS_BASE), BASE_V8086, {SETF(GUEST_DS_BASE, 0)}, NULL, "v8086 DS base 0"},
    {C(V86_ES_BASE), BASE_V8086, {SETF(GUEST_ES_SELECTOR, 0x2000)}, NULL, "v8086 ES selector moved, base not"},
    {C(V86_FS_BASE), BASE_V8086, {SETF(GUEST_FS_BASE, 0x100010000ull)}, NULL, "v8086 FS base bit 32"},
    {C(V86_GS_BASE), BASE_V8086, {SETF(GUEST_GS_BASE, 0x10001)}, NULL, "v8086 GS base off by one"},
    {C(V86_CS_LIMIT), BASE_V8086, {SETF(GUEST_CS_LIMIT, 0xfffe)}, NULL, "v8086 CS limit FFFEH"},
    {C(V86_SS_LIMIT), BASE_V8086, {SETF(GUEST_SS_LIMIT, 0x1ffff)}, NULL, "v8086 SS limit 1FFFFH"},
    {C(V86_DS_LIMIT), BASE_V8086, {SETF(GUEST_DS_LIMIT, 0xffffffff)}, NULL, "v8086 DS limit 4G"},
    {C(V86_ES_LIMIT), BASE_V8086, {SETF(GUEST_ES_LIMIT, 0)}, NULL, "v8086 ES limit 0"},
    {C(V86_FS_LIMIT), BASE_V8086, {SETF(GUEST_FS_LIMIT, 0xfff)}, NULL, "v8086 FS limit FFFH"},
    {C(V86_GS_LIMIT), BASE_V8086, {SETF(GUEST_GS_LIMIT, 0x7fff)}, NULL, "v8086 GS limit 7FFFH"},
    {C(V86_CS_AR), BASE_V8086, {SETF(GUEST_CS_AR_BYTES, 0xfb)}, NULL, "v8086 CS as a code segment"},
    {C(V86_SS_AR), BASE_V8086, {SETF(GUEST_SS_AR_BYTES, 0x93)}, NULL, "v8086 SS with DPL 0"},
    {C(V86_DS_AR), BASE_V8086, {SETF(GUEST_DS_AR_BYTES, 0xf3 | AR_UNUSABLE)}, NULL, "v8086 DS unusable"},
    {C(V86_ES_AR), BASE_V8086, {SETF(GUEST_ES_AR_BYTES, 0xf1)}, NULL, "v8086 ES read-only"},
    {C(V86_FS_AR), BASE_V8086, {SETF(GUEST_FS_AR_BYTES, 0x40f3)}, NULL, "v8086 FS with D/B"},
    {C(V86_GS_AR), BASE_V8086, {SETF(GUEST_GS_AR_BYTES, 0xf2)}, NULL, "v8086 GS not accessed"},
    {C(TR_AR_RSVD17), BASE_V8086,
     {SETF(GUEST_CS_SELECTOR, 0xffff), SETF(GUEST_CS_BASE, 0xffff0), ORF(GUEST_TR_AR_BYTES, AR_RSVD17)}, NULL,
     "v8086 CS selector FFFFH, base FFFF0H still passes"},
    {C(TR_AR_RSVD17), BASE_V8086,
     {SETF(GUEST_SS_SELECTOR, 0x13), SETF(GUEST_SS_BASE, 0x130), ORF(GUEST_TR_AR_BYTES, AR_RSVD17)}, NULL,
     "v8086: SS RPL 3 with CS RPL 0 still passes"},

    /* ---- 8c. base addresses ---- */
    {C(TR_BASE_CANON), BASE_LONG64, {SETF(GUEST_TR_BASE, ADDR_BIT47)}, NULL, "TR base bit 47 (48-bit)"},
    {C(TR_BASE_CANON), BASE_PROT32_PAE, {SETF(GUEST_TR_BASE, ADDR_BIT47)}, NULL, "TR base, 32-bit guest"},
    {C(FS_BASE_CANON), BASE_LONG64, {SETF(GUEST_FS_BASE, ADDR_BIT47)}, NULL, "FS base bit 47 (48-bit)"},
    {C(FS_BASE_CANON), BASE_LONG64, {SETF(GUEST_FS_BASE, ADDR_BIT47), SETF(GUEST_FS_AR_BYTES, AR_UNUSABLE)}, NULL,
     "unusable FS with a non-canonical base"},
    {C(FS_BASE_CANON), BASE_LONG64_FULL, {SETF(GUEST_FS_BASE, ADDR_BIT56)}, NULL, "FS base bit 56 (57-bit)"},
    {C(FS_AR_RSVD17), BASE_LONG64_FULL, {SETF(GUEST_FS_BASE, ADDR_BIT47), ORF(GUEST_FS_AR_BYTES, AR_RSVD17)}, NULL,
     "57-bit linear addresses: FS base bit 47 still passes"},
    {C(FS_AR_RSVD17), BASE_LONG64, {SETF(GUEST_FS_BASE, 0xffff800000000000ull), ORF(GUEST_FS_AR_BYTES, AR_RSVD17)},
     NULL, "FS base FFFF8000_00000000 (canonical) still passes"},
    {C(GS_BASE_CANON), BASE_LONG64, {SETF(GUEST_GS_BASE, 0x8000000000000000ull)}, NULL, "GS base bit 63 only"},
    {C(V86_GS_BASE), BASE_V8086, {SETF(GUEST_GS_BASE, 0xfff0000000010000ull)}, NULL,
     "v8086 guest: non-canonical GS base fails the selector * 16 rule first"},
    {C(LDTR_BASE_CANON), BASE_LONG64, {SETF(GUEST_LDTR_AR_BYTES, AR_LDT), SETF(GUEST_LDTR_BASE, ADDR_BIT47)}, NULL,
     "usable LDTR with a non-canonical base"},
    {C(TR_AR_RSVD17), BASE_LONG64, {SETF(GUEST_LDTR_BASE, ADDR_BIT47), ORF(GUEST_TR_AR_BYTES, AR_RSVD17)}, NULL,
     "unusable LDTR with a non-canonical base still passes"},
    {C(CS_BASE_HI), BASE_LONG64, {SETF(GUEST_CS_BASE, 1ull << 32)}, NULL, "CS base bit 32 (64-bit guest)"},
    {C(CS_BASE_HI), BASE_LONG64, {SETF(GUEST_CS_BASE, 1ull << 32), ORF(GUEST_CS_AR_BYTES, AR_UNUSABLE)}, NULL,
     "CS base bit 32 with CS unusable"},
    {C(SS_BASE_HI), BASE_LONG64, {SETF(GUEST_SS_BASE, 0xffffffff00000000ull)}, NULL, "SS base 63:32 set"},
    {C(DS_BASE_HI), BASE_PROT32_PAE, {SETF(GUEST_DS_BASE, 1ull << 40)}, NULL, "DS base bit 40"},
    {C(ES_BASE_HI), BASE_REAL_URG, {SETF(GUEST_ES_BASE, 1ull << 32)}, NULL, "ES base bit 32 (real mode)"},
    {C(DS_AR_RSVD17), BASE_LONG64, {SETF(GUEST_SS_BASE, 1ull << 32), SETF(GUEST_SS_AR_BYTES, AR_UNUSABLE),
                                    ORF(GUEST_DS_AR_BYTES, AR_RSVD17)}, NULL,
     "unusable SS with base bit 32 still passes"},

    /* ---- 8d. access rights of CS, SS, DS, ES, FS, GS ---- */
    {C(CS_TYPE), BASE_LONG64, {SETF(GUEST_CS_AR_BYTES, 0xa093)}, NULL, "CS data type 3 without unrestricted guest"},
    {C(CS_TYPE), BASE_LONG64, {SETF(GUEST_CS_AR_BYTES, 0xa09a)}, NULL, "CS code type 10 (not accessed)"},
    {C(CS_TYPE), BASE_LONG64, {SETF(GUEST_CS_AR_BYTES, AR_UNUSABLE)}, NULL, "CS unusable: type 0 still checked"},
    {C(CS_TYPE), BASE_REAL_URG, {SETF(GUEST_CS_AR_BYTES, 0x97)}, NULL, "unrestricted guest: CS type 7"},
    {C(CS_AR_RSVD17), BASE_REAL_URG, {SETF(GUEST_CS_AR_BYTES, 0x93 | AR_RSVD17)}, NULL,
     "unrestricted guest: CS type 3 (DPL 0) still passes"},
    {C(CS_AR_RSVD17), BASE_PROT32_PAE, {SETF(GUEST_CS_AR_BYTES, 0xc099 | AR_RSVD17)}, NULL,
     "CS type 9 (execute-only) still passes"},
    {C(SS_TYPE), BASE_LONG64, {SETF(GUEST_SS_AR_BYTES, 0xc091)}, NULL, "SS read-only data (type 1)"},
    {C(SS_TYPE), BASE_REAL_URG, {SETF(GUEST_SS_AR_BYTES, 0x9b)}, NULL, "SS code segment (unrestricted guest)"},
    {C(SS_AR_RSVD17), BASE_LONG64, {SETF(GUEST_SS_AR_BYTES, 0xc097 | AR_RSVD17)}, NULL,
     "SS expand-down type 7 still passes"},
    {C(DS_AR_RSVD17), BASE_LONG64, {SETF(GUEST_SS_AR_BYTES, AR_UNUSABLE), ORF(GUEST_DS_AR_BYTES, AR_RSVD17)}, NULL,
     "unusable SS (DPL 0) still passes"},
    {C(DS_TYPE_A), BASE_LONG64, {SETF(GUEST_DS_AR_BYTES, 0xc092)}, NULL, "DS not accessed"},
    {C(ES_TYPE_A), BASE_LONG64, {SETF(GUEST_ES_AR_BYTES, 0xc09a)}, NULL, "ES code, not accessed"},
    {C(FS_TYPE_A), BASE_PROT32_PAE, {SETF(GUEST_FS_AR_BYTES, 0xc090)}, NULL, "FS type 0"},
    {C(GS_TYPE_A), BASE_REAL_URG, {SETF(GUEST_GS_AR_BYTES, 0x92)}, NULL, "GS not accessed (unrestricted guest)"},
    {C(DS_TYPE_R), BASE_LONG64, {SETF(GUEST_DS_AR_BYTES, 0xc099)}, NULL, "DS execute-only code"},
    {C(ES_TYPE_R), BASE_LONG64, {SETF(GUEST_ES_AR_BYTES, 0xc09d)}, NULL, "ES execute-only conforming code"},
    {C(FS_TYPE_R), BASE_PROT32_PAE, {SETF(GUEST_FS_AR_BYTES, 0xc099)}, NULL, "FS execute-only code"},
    {C(GS_TYPE_R), BASE_LONG64, {SETF(GUEST_GS_AR_BYTES, 0xc099)}, NULL, "GS execute-only code"},
    {C(GS_AR_RSVD17), BASE_LONG64, {SETF(GUEST_GS_AR_BYTES, 0xc09b | AR_RSVD17)}, NULL,
     "GS readable code (type 11) still passes"},
    {C(GS_AR_RSVD17), BASE_LONG64, {SETF(GUEST_FS_AR_BYTES, AR_UNUSABLE | 0x0f00), ORF(GUEST_GS_AR_BYTES, AR_RSVD17)},
     NULL, "unusable FS with garbage access rights still passes"},
    {C(CS_S), BASE_LONG64, {SETF(GUEST_CS_AR_BYTES, 0xa08b)}, NULL, "CS with S = 0"},
    {C(CS_S), BASE_LONG64, {SETF(GUEST_CS_AR_BYTES, 0xa08b | AR_UNUSABLE)}, NULL, "unusable CS with S = 0"},
    {C(SS_S), BASE_LONG64, {SETF(GUEST_SS_AR_BYTES, 0xc083)}, NULL, "SS with S = 0"},
    {C(DS_S), BASE_LONG64, {SETF(GUEST_DS_AR_BYTES, 0xc083)}, NULL, "DS with S = 0"},
    {C(ES_S), BASE_PROT32_PAE, {SETF(GUEST_ES_AR_BYTES, 0xc083)}, NULL, "ES with S = 0"},
    {C(FS_S), BASE_LONG64, {SETF(GUEST_FS_AR_BYTES, 0xc083)}, NULL, "FS with S = 0"},
    {C(GS_S), BASE_REAL_URG, {SETF(GUEST_GS_AR_BYTES, 0x83)}, NULL, "GS with S = 0 (unrestricted guest)"},
    {C(CS_DPL_DATA), BASE_REAL_URG, {SETF(GUEST_CS_AR_BYTES, 0xf3)}, NULL, "unrestricted guest: CS type 3, DPL 3"},
    {C(CS_DPL_NONCONF), BASE_LONG64, {SETF(GUEST_CS_AR_BYTES, 0xa0fb)}, NULL, "CS DPL 3, SS DPL 0"},
    {C(CS_DPL_NONCONF), BASE_REAL_URG, {SETF(GUEST_SS_AR_BYTES, 0xb3)}, NULL,
     "unrestricted guest: CS DPL 0, SS DPL 1"},
    {C(CS_DPL_CONF), BASE_LONG64, {SETF(GUEST_CS_AR_BYTES, 0xa0ff)}, NULL, "conforming CS DPL 3 > SS DPL 0"},
    {C(DS_AR_RSVD17), BASE_LONG64, {{0}}, cpl3_conforming_cs, "conforming CS DPL 0 < SS DPL 3 still passes"},
    {C(SS_DPL_RPL), BASE_LONG64, {SETF(GUEST_CS_SELECTOR, 0x0b), SETF(GUEST_SS_SELECTOR, 0x13)}, NULL,
     "CS and SS RPL 3, SS DPL 0"},
    {C(SS_DPL_ZERO), BASE_REAL_URG, {SETF(GUEST_CS_AR_BYTES, 0x9f), SETF(GUEST_SS_AR_BYTES, 0xf3)}, NULL,
     "real mode (CR0.PE = 0): SS DPL 3"},
    {C(SS_DPL_ZERO), BASE_REAL_URG,
     {SETF(GUEST_CR0, 0x31), SETF(GUEST_CS_AR_BYTES, 0x93), SETF(GUEST_SS_AR_BYTES, 0xf3)}, NULL,
     "protected mode, CS type 3: SS DPL 3"},
    {C(SS_AR_RSVD17), BASE_REAL_URG,
     {SETF(GUEST_CR0, 0x31), SETF(GUEST_CS_AR_BYTES, 0x9f), SETF(GUEST_SS_AR_BYTES, 0xf3 | AR_RSVD17)}, NULL,
     "unrestricted protected mode, conforming CS: SS DPL 3 still passes"},
    {C(DS_DPL), BASE_LONG64, {SETF(GUEST_DS_SELECTOR, 0x13)}, NULL, "DS RPL 3 > DPL 0"},
    {C(ES_DPL), BASE_PROT32_PAE, {SETF(GUEST_ES_SELECTOR, 0x11)}, NULL, "ES RPL 1 > DPL 0"},
    {C(FS_DPL), BASE_LONG64, {SETF(GUEST_FS_SELECTOR, 0x12), SETF(GUEST_FS_AR_BYTES, 0xc0b3)}, NULL,
     "FS RPL 2 > DPL 1"},
    {C(GS_DPL), BASE_LONG64, {SETF(GUEST_GS_SELECTOR, 0x13), SETF(GUEST_GS_AR_BYTES, 0xc09b)}, NULL,
     "GS non-conforming code RPL 3 > DPL 0"},
    {C(DS_AR_RSVD17), BASE_LONG64, {SETF(GUEST_DS_SELECTOR, 0x13), SETF(GUEST_DS_AR_BYTES, 0xc09f | AR_RSVD17)},
     NULL, "DS conforming code (type 15) RPL 3 > DPL 0 still passes"},
    {C(ES_AR_RSVD17), BASE_LONG64,
     {SETF(GUEST_DS_SELECTOR, 0x13), SETF(GUEST_DS_AR_BYTES, AR_UNUSABLE), ORF(GUEST_ES_AR_BYTES, AR_RSVD17)}, NULL,
     "unusable DS with RPL 3 > DPL 0 still passes"},
    {C(DS_AR_RSVD17), BASE_REAL_URG, {SETF(GUEST_DS_SELECTOR, 0x03), ORF(GUEST_DS_AR_BYTES, AR_RSVD17)}, NULL,
     "unrestricted guest: DS RPL 3 > DPL 0 still passes"},
    {C(CS_P), BASE_LONG64, {SETF(GUEST_CS_AR_BYTES, 0xa01b)}, NULL, "CS not present"},
    {C(SS_P), BASE_LONG64, {SETF(GUEST_SS_AR_BYTES, 0xc013)}, NULL, "SS not present"},
    {C(DS_P), BASE_REAL_URG, {SETF(GUEST_DS_AR_BYTES, 0x13)}, NULL, "DS not present (unrestricted guest)"},
    {C(ES_P), BASE_LONG64, {SETF(GUEST_ES_AR_BYTES, 0xc013)}, NULL, "ES not present"},
    {C(FS_P), BASE_PROT32_PAE, {SETF(GUEST_FS_AR_BYTES, 0xc013)}, NULL, "FS not present"},
    {C(GS_P), BASE_LONG64, {SETF(GUEST_GS_AR_BYTES, 0xc013)}, NULL, "GS not present"},
    {C(CS_AR_RSVD8), BASE_LONG64, {ORF(GUEST_CS_AR_BYTES, AR_RSVD8)}, NULL, "CS AR bit 8"},
    {C(CS_AR_RSVD8), BASE_LONG64, {ORF(GUEST_CS_AR_BYTES, AR_UNUSABLE | 0x800)}, NULL, "unusable CS AR bit 11"},
    {C(SS_AR_RSVD8), BASE_LONG64, {ORF(GUEST_SS_AR_BYTES, 0x200)}, NULL, "SS AR bit 9"},
    {C(DS_AR_RSVD8), BASE_LONG64, {ORF(GUEST_DS_AR_BYTES, 0x400)}, NULL, "DS AR bit 10"},
    {C(ES_AR_RSVD8), BASE_REAL_URG, {ORF(GUEST_ES_AR_BYTES, 0x800)}, NULL, "ES AR bit 11 (unrestricted guest)"},
    {C(FS_AR_RSVD8), BASE_LONG64, {ORF(GUEST_FS_AR_BYTES, AR_RSVD8)}, NULL, "FS AR bit 8"},
    {C(GS_AR_RSVD8), BASE_PROT32_PAE, {ORF(GUEST_GS_AR_BYTES, 0xf00)}, NULL, "GS AR bits 11:8"},
    {C(CS_DB), BASE_LONG64, {ORF(GUEST_CS_AR_BYTES, 1u << 14)}, NULL, "64-bit CS with D/B = 1"},
    {C(CS_AR_RSVD17), BASE_PROT32_PAE, {SETF(GUEST_CS_AR_BYTES, 0xe09b | AR_RSVD17)}, NULL,
     "32-bit guest: CS with L = 1 and D/B = 1 still passes the D/B rule"},
    {C(CS_G_LO), BASE_LONG64, {SETF(GUEST_CS_LIMIT, 0xfffff000)}, NULL, "CS page-granular limit FFFFF000H"},
    {C(SS_G_LO), BASE_LONG64, {SETF(GUEST_SS_LIMIT, 0xffffeff)}, NULL, "SS page-granular limit with bit 8 clear"},
    {C(DS_G_LO), BASE_PROT32_PAE, {SETF(GUEST_DS_LIMIT, 0)}, NULL, "DS limit 0 with G = 1"},
    {C(ES_G_LO), BASE_LONG64, {SETF(GUEST_ES_LIMIT, 0xffe)}, NULL, "ES limit FFEH with G = 1"},
    {C(FS_G_LO), BASE_REAL_URG, {SETF(GUEST_FS_LIMIT, 0xfffe), ORF(GUEST_FS_AR_BYTES, AR_G)}, NULL,
     "FS limit FFFEH with G = 1 (unrestricted guest)"},
    {C(GS_G_LO), BASE_LONG64, {SETF(GUEST_GS_LIMIT, 0xfffffff0)}, NULL, "GS limit FFFFFFF0H with G = 1"},
    {C(CS_G_HI), BASE_LONG64, {CLRF(GUEST_CS_AR_BYTES, AR_G)}, NULL, "CS limit 4G, G = 0"},
    {C(SS_G_HI), BASE_LONG64, {CLRF(GUEST_SS_AR_BYTES, AR_G)}, NULL, "SS limit 4G, G = 0"},
    {C(DS_G_HI), BASE_REAL_URG, {SETF(GUEST_DS_LIMIT, 0x100000)}, NULL, "DS byte-granular limit 100000H"},
    {C(ES_G_HI), BASE_PROT32_PAE, {CLRF(GUEST_ES_AR_BYTES, AR_G)}, NULL, "ES limit 4G, G = 0"},
    {C(FS_G_HI), BASE_LONG64, {CLRF(GUEST_FS_AR_BYTES, AR_G), SETF(GUEST_FS_LIMIT, 0x80000000)}, NULL,
     "FS limit bit 31, G = 0"},
    {C(GS_G_HI), BASE_LONG64, {CLRF(GUEST_GS_AR_BYTES, AR_G)}, NULL, "GS limit 4G, G = 0"},
    {C(FS_AR_RSVD17), BASE_REAL_URG, {SETF(GUEST_FS_LIMIT, 0xfffff), ORF(GUEST_FS_AR_BYTES, AR_RSVD17)}, NULL,
     "byte-granular limit FFFFFH still passes"},
    {C(FS_AR_RSVD17), BASE_LONG64, {SETF(GUEST_FS_LIMIT, 0xfff), ORF(GUEST_FS_AR_BYTES, AR_RSVD17)}, NULL,
     "page-granular limit FFFH still passes"},
    {C(CS_AR_RSVD17), BASE_LONG64, {ORF(GUEST_CS_AR_BYTES, AR_RSVD17)}, NULL, "CS AR bit 17"},
    {C(CS_AR_RSVD17), BASE_LONG64, {ORF(GUEST_CS_AR_BYTES, AR_UNUSABLE | (1u << 31))}, NULL,
     "unusable CS AR bit 31"},
    {C(SS_AR_RSVD17), BASE_LONG64, {ORF(GUEST_SS_AR_BYTES, 1u << 24)}, NULL, "SS AR bit 24"},
    {C(DS_AR_RSVD17), BASE_PROT32_PAE, {ORF(GUEST_DS_AR_BYTES, 1u << 31)}, NULL, "DS AR bit 31"},
    {C(ES_AR_RSVD17), BASE_LONG64, {ORF(GUEST_ES_AR_BYTES, AR_RSVD17)}, NULL, "ES AR bit 17"},
    {C(FS_AR_RSVD17), BASE_REAL_URG, {ORF(GUEST_FS_AR_BYTES, 1u << 20)}, NULL, "FS AR bit 20"},
    {C(GS_AR_RSVD17), BASE_LONG64, {ORF(GUEST_GS_AR_BYTES, AR_RSVD17)}, NULL, "GS AR bit 17"},
    {C(SS_FRED_DPL), BASE_LONG64_FULL, {{0}}, fred_cpl1, "FRED guest at CPL 1"},
    {C(SS_FRED_CSL), BASE_LONG64_FULL, {SETF(GUEST_CS_AR_BYTES, 0xc09b)}, allow_cr4_fred,
     "FRED guest at CPL 0 in compatibility mode"},
    {C(SS_AR_RSVD17), BASE_LONG64_FULL, {{0}}, fred_cpl3_compat,
     "FRED guest at CPL 3 in compatibility mode still passes"},
    {C(SS_AR_RSVD17), BASE_LONG64_FULL, {{0}}, cpl1_no_fred, "CPL 1 without CR4.FRED still passes"},

    /* ---- 8e. TR ---- */
    {C(TR_TYPE_LEGACY), BASE_PROT32_PAE, {SETF(GUEST_TR_AR_BYTES, 0x89)}, NULL, "32-bit guest: available TSS"},
    {C(TR_TYPE_LEGACY), BASE_V8086, {SETF(GUEST_TR_AR_BYTES, 0x82)}, NULL, "v8086 guest: LDT type in TR"},
    {C(TR_TYPE_LEGACY), BASE_REAL_URG, {SETF(GUEST_TR_AR_BYTES, 0x81)}, NULL, "real-mode guest: available 16-bit TSS"},
    {C(TR_AR_RSVD17), BASE_PROT32_PAE, {SETF(GUEST_TR_AR_BYTES, 0x83 | AR_RSVD17)}, NULL,
     "32-bit guest: busy 16-bit TSS still passes"},
    {C(TR_TYPE_IA32E), BASE_LONG64, {SETF(GUEST_TR_AR_BYTES, 0x83)}, NULL, "64-bit guest: busy 16-bit TSS"},
    {C(TR_TYPE_IA32E), BASE_LONG64, {SETF(GUEST_TR_AR_BYTES, 0x89)}, NULL, "64-bit guest: available TSS"},
    {C(TR_S), BASE_LONG64, {SETF(GUEST_TR_AR_BYTES, 0x9b)}, NULL, "TR with S = 1"},
    {C(TR_P), BASE_LONG64, {SETF(GUEST_TR_AR_BYTES, 0x0b)}, NULL, "TR not present"},
    {C(TR_P), BASE_V8086, {SETF(GUEST_TR_AR_BYTES, 0x0b)}, NULL, "TR not present (v8086 guest)"},
    {C(TR_AR_RSVD8), BASE_LONG64, {ORF(GUEST_TR_AR_BYTES, AR_RSVD8)}, NULL, "TR AR bit 8"},
    {C(TR_G_LO), BASE_LONG64, {ORF(GUEST_TR_AR_BYTES, AR_G)}, NULL, "TR limit 67H with G = 1"},
    {C(TR_G_HI), BASE_LONG64, {SETF(GUEST_TR_LIMIT, 0x100067)}, NULL, "TR byte-granular limit bit 20"},
    {C(TR_AR_RSVD17), BASE_LONG64, {SETF(GUEST_TR_LIMIT, 0xfffff), ORF(GUEST_TR_AR_BYTES, AR_RSVD17)}, NULL,
     "TR byte-granular limit FFFFFH still passes"},
    {C(TR_USABLE), BASE_LONG64, {ORF(GUEST_TR_AR_BYTES, AR_UNUSABLE)}, NULL, "TR unusable"},
    {C(TR_USABLE), BASE_REAL_URG, {ORF(GUEST_TR_AR_BYTES, AR_UNUSABLE)}, NULL, "TR unusable (real-mode guest)"},
    {C(TR_AR_RSVD17), BASE_LONG64, {ORF(GUEST_TR_AR_BYTES, AR_RSVD17)}, NULL, "TR AR bit 17"},
    {C(TR_AR_RSVD17), BASE_V8086, {ORF(GUEST_TR_AR_BYTES, 1u << 31)}, NULL, "TR AR bit 31 (v8086 guest)"},

    /* ---- 8f. LDTR ---- */
    {C(LDTR_TYPE), BASE_LONG64, {SETF(GUEST_LDTR_AR_BYTES, 0x83)}, NULL, "usable LDTR with type 3"},
    {C(LDTR_TYPE), BASE_V8086, {SETF(GUEST_LDTR_AR_BYTES, 0x8b)}, NULL, "usable LDTR with a TSS type (v8086)"},
    {C(LDTR_S), BASE_LONG64, {SETF(GUEST_LDTR_AR_BYTES, 0x92)}, NULL, "usable LDTR with S = 1"},
    {C(LDTR_P), BASE_LONG64, {SETF(GUEST_LDTR_AR_BYTES, 0x02)}, NULL, "usable LDTR not present"},
    {C(LDTR_AR_RSVD8), BASE_PROT32_PAE, {SETF(GUEST_LDTR_AR_BYTES, AR_LDT | AR_RSVD8)}, NULL, "usable LDTR AR bit 8"},
    {C(LDTR_G_LO), BASE_LONG64, {SETF(GUEST_LDTR_AR_BYTES, AR_LDT | AR_G)}, NULL, "usable LDTR limit 0 with G = 1"},
    {C(LDTR_G_HI), BASE_LONG64, {SETF(GUEST_LDTR_AR_BYTES, AR_LDT), SETF(GUEST_LDTR_LIMIT, 0x100000)}, NULL,
     "usable LDTR byte-granular limit 100000H"},
    {C(LDTR_AR_RSVD17), BASE_LONG64, {SETF(GUEST_LDTR_AR_BYTES, AR_LDT | AR_RSVD17)}, NULL, "usable LDTR AR bit 17"},
    {C(LDTR_AR_RSVD17), BASE_REAL_URG, {SETF(GUEST_LDTR_AR_BYTES, AR_LDT | (1u << 30))}, NULL,
     "usable LDTR AR bit 30 (real-mode guest)"},
    {C(LDTR_AR_RSVD17), BASE_LONG64,
     {SETF(GUEST_LDTR_AR_BYTES, AR_LDT | AR_G | AR_RSVD17), SETF(GUEST_LDTR_LIMIT, 0xffffffff)}, NULL,
     "usable LDTR, limit 4G with G = 1 still passes the G rules"},
};
const size_t cases_guest_segs_count = sizeof cases_guest_segs / sizeof cases_guest_segs[0];
