/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mutation cases: guest GDTR/IDTR, RIP, RFLAGS and SSP checks
 * (checks/guest_dtr_rip.def). Cases marked "boundary" change a value to
 * the last one the rule accepts and break a later rule, which must then be
 * the first failure.
 */
#include "cases.h"

#define BIT(n) (1ull << (n))
#define NONCANON48 0x0000800000000000ull
#define NONCANON57 0x0100000000000000ull
#define RFLAGS_VM BIT(17)
#define AR_V8086 0xf3u
/* A later rule (guest non-register state) to break when a case shows a value still passes. */
#define LATER_CHECK VMX_CHECK_GUEST_PDE_RSVD
#define BREAK_LATER SETF(GUEST_PENDING_DBG_EXCEPTIONS, BIT(20))

static void set(struct test_entry *t, enum vmcs_field_id f, uint64_t v) { vmcs_set(&t->vmcs, f, v); }

/* The v8086 baseline turned into an IA-32e mode guest (paging, EFER.LMA/LME). */
static void v8086_in_ia32e(struct test_entry *t)
{
    set(t, VMCS_VM_ENTRY_CONTROLS, vmcs_get(&t->vmcs, VMCS_VM_ENTRY_CONTROLS) | VMX_ENTRY_IA32E_MODE_GUEST);
    set(t, VMCS_GUEST_CR0, 0x80000031);
    set(t, VMCS_GUEST_CR3, 0x500000);
    set(t, VMCS_GUEST_CR4, 0x2020);
    set(t, VMCS_GUEST_IA32_EFER, 0x500);
}

/* The unrestricted real-mode baseline with RFLAGS.VM and v8086-style segments. */
static void v8086_in_real_mode(struct test_entry *t)
{
    static const enum vmcs_field_id ar[] = {VMCS_GUEST_ES_AR_BYTES, VMCS_GUEST_CS_AR_BYTES,
                                            VMCS_GUEST_SS_AR_BYTES, VMCS_GUEST_DS_AR_BYTES,
                                            VMCS_GUEST_FS_AR_BYTES, VMCS_GUEST_GS_AR_BYTES};
    for (size_t i = 0; i < sizeof ar / sizeof ar[0]; i++)
        set(t, ar[i], AR_V8086);
    set(t, VMCS_GUEST_RFLAGS, vmcs_get(&t->vmcs, VMCS_GUEST_RFLAGS) | RFLAGS_VM);
}

/* A 64-bit FRED guest in ring 3 (CR4.FRED, CS/SS DPL 3) on a processor that allows CR4.FRED. */
static void fred_user_guest(struct test_entry *t)
{
    t->caps.cr4_fixed1 |= BIT(32);
    set(t, VMCS_GUEST_CR4, vmcs_get(&t->vmcs, VMCS_GUEST_CR4) | BIT(32));
    set(t, VMCS_GUEST_CS_SELECTOR, 0x0b);
    set(t, VMCS_GUEST_CS_AR_BYTES, 0xa0fb);
    set(t, VMCS_GUEST_SS_SELECTOR, 0x13);
    set(t, VMCS_GUEST_SS_AR_BYTES, 0xc0f3);
}

/* ... with IOPL cleared again (the tweak runs after the mutations). */
static void fred_user_guest_iopl0(struct test_entry *t)
{
    fred_user_guest(t);
    set(t, VMCS_GUEST_RFLAGS, vmcs_get(&t->vmcs, VMCS_GUEST_RFLAGS) & ~(3ull << 12));
}

/* The 32-bit PAE baseline on the modern profile, loading guest CET state. */
static void prot32_load_cet(struct test_entry *t)
{
    test_entry_use_profile(t, "modern");
    set(t, VMCS_VM_ENTRY_CONTROLS, vmcs_get(&t->vmcs, VMCS_VM_ENTRY_CONTROLS) | VMX_ENTRY_LOAD_CET);
}

/* The 64-bit baseline with CS.L = 0 (compatibility mode). */
static void compat_mode(struct test_entry *t) { set(t, VMCS_GUEST_CS_AR_BYTES, 0xc09b); }

const struct mutation_case cases_guest_dtr_rip[] = {
    /* ---- x.3.1.3 descriptor-table registers ---- */
    {VMX_CHECK_GUEST_DTR_GDTR_BASE, BASE_LONG64, {SETF(GUEST_GDTR_BASE, NONCANON48)}, NULL,
     "guest GDTR base non-canonical"},
    {VMX_CHECK_GUEST_DTR_GDTR_BASE, BASE_PROT32_PAE, {SETF(GUEST_GDTR_BASE, 0xffff7fffffff0000ull)},
     NULL, "guest GDTR base non-canonical in a 32-bit guest"},
    {VMX_CHECK_GUEST_DTR_GDTR_BASE, BASE_LONG64_FULL, {SETF(GUEST_GDTR_BASE, NONCANON57)}, NULL,
     "guest GDTR base non-canonical (57-bit)"},
    {VMX_CHECK_GUEST_DTR_IDTR_BASE, BASE_LONG64, {SETF(GUEST_IDTR_BASE, 0x8000000000000000ull)}, NULL,
     "guest IDTR base with only bit 63"},
    {VMX_CHECK_GUEST_DTR_GDTR_LIMIT, BASE_LONG64, {SETF(GUEST_GDTR_LIMIT, 0x10000)}, NULL,
     "guest GDTR limit 0x10000"},
    {VMX_CHECK_GUEST_DTR_IDTR_LIMIT, BASE_LONG64, {SETF(GUEST_IDTR_LIMIT, 0xffffffff)}, NULL,
     "guest IDTR limit 0xffffffff"},
    {VMX_CHECK_GUEST_DTR_IDTR_LIMIT, BASE_REAL_URG, {SETF(GUEST_IDTR_LIMIT, 0x803ff)}, NULL,
     "guest IDTR limit bit 19 in real mode"},
    /* Boundaries. */
    {VMX_CHECK_GUEST_DTR_IDTR_BASE, BASE_LONG64,
     {SETF(GUEST_GDTR_BASE, 0x00007ffffffff000ull), SETF(GUEST_IDTR_BASE, NONCANON48)}, NULL,
     "boundary: the highest lower-half 48-bit address is canonical"},
    {VMX_CHECK_GUEST_DTR_GDTR_LIMIT, BASE_LONG64_FULL,
     {SETF(GUEST_IDTR_BASE, NONCANON48), SETF(GUEST_GDTR_LIMIT, 0x10000)}, NULL,
     "a 48-bit non-canonical base is canonical with 57 bits"},
    {VMX_CHECK_GUEST_RIP_CANON, BASE_LONG64,
     {SETF(GUEST_GDTR_LIMIT, 0xffff), SETF(GUEST_IDTR_LIMIT, 0xffff), SETF(GUEST_RIP, BIT(48))}, NULL,
     "boundary: limits of 0xffff are valid"},

    /* ---- x.3.1.4 RIP ---- */
    {VMX_CHECK_GUEST_RIP_HI, BASE_PROT32_PAE, {SETF(GUEST_RIP, BIT(32))}, NULL,
     "32-bit guest RIP bit 32"},
    {VMX_CHECK_GUEST_RIP_HI, BASE_REAL_URG, {SETF(GUEST_RIP, 0xffffffff0000fff0ull)}, NULL,
     "real-mode guest RIP with bits 63:32 set"},
    {VMX_CHECK_GUEST_RIP_HI, BASE_LONG64, {SETF(GUEST_RIP, 0x100401000ull)}, compat_mode,
     "compatibility-mode guest (CS.L = 0) with RIP above 4 GiB"},
    {VMX_CHECK_GUEST_RIP_CANON, BASE_LONG64, {SETF(GUEST_RIP, BIT(48))}, NULL,
     "64-bit guest RIP bit 48 (48-bit processor)"},
    {VMX_CHECK_GUEST_RIP_CANON, BASE_LONG64, {SETF(GUEST_RIP, 0xfffe800000000000ull)}, NULL,
     "64-bit guest RIP with bit 48 clear in the upper half"},
    {VMX_CHECK_GUEST_RIP_CANON, BASE_LONG64_FULL, {SETF(GUEST_RIP, BIT(57))}, NULL,
     "64-bit guest RIP bit 57 (57-bit processor)"},
    /* Boundaries: bits 63:N identical is weaker than canonical. */
    {VMX_CHECK_GUEST_RFLAGS_RSVD, BASE_LONG64, {SETF(GUEST_RIP, NONCANON48), ORF(GUEST_RFLAGS, BIT(3))},
     NULL, "boundary: RIP with only bit 47 set passes (bits 63:48 identical)"},
    {VMX_CHECK_GUEST_RFLAGS_RSVD, BASE_LONG64,
     {SETF(GUEST_RIP, 0xffff7fffffffffffull), ORF(GUEST_RFLAGS, BIT(3))}, NULL,
     "boundary: upper-half RIP with bit 47 clear passes"},
    {VMX_CHECK_GUEST_RFLAGS_RSVD, BASE_LONG64_FULL,
     {SETF(GUEST_RIP, NONCANON57), ORF(GUEST_RFLAGS, BIT(15))}, NULL,
     "boundary: RIP with only bit 56 set passes on a 57-bit processor"},
    {VMX_CHECK_GUEST_RFLAGS_RSVD, BASE_LONG64, {SETF(GUEST_RIP, 0xffffffff), ORF(GUEST_RFLAGS, BIT(5))},
     compat_mode, "boundary: compatibility-mode RIP may use all of bits 31:0"},

    /* ---- RFLAGS ---- */
    {VMX_CHECK_GUEST_RFLAGS_RSVD, BASE_LONG64, {ORF(GUEST_RFLAGS, BIT(3))}, NULL, "RFLAGS bit 3"},
    {VMX_CHECK_GUEST_RFLAGS_RSVD, BASE_LONG64, {ORF(GUEST_RFLAGS, BIT(5))}, NULL, "RFLAGS bit 5"},
    {VMX_CHECK_GUEST_RFLAGS_RSVD, BASE_LONG64, {ORF(GUEST_RFLAGS, BIT(15))}, NULL, "RFLAGS bit 15"},
    {VMX_CHECK_GUEST_RFLAGS_RSVD, BASE_LONG64, {ORF(GUEST_RFLAGS, BIT(22))}, NULL, "RFLAGS bit 22"},
    {VMX_CHECK_GUEST_RFLAGS_RSVD, BASE_LONG64, {ORF(GUEST_RFLAGS, BIT(63))}, NULL, "RFLAGS bit 63"},
    {VMX_CHECK_GUEST_RFLAGS_ONE, BASE_LONG64, {SETF(GUEST_RFLAGS, 0)}, NULL, "RFLAGS = 0"},
    {VMX_CHECK_GUEST_RFLAGS_ONE, BASE_V8086, {CLRF(GUEST_RFLAGS, BIT(1))}, NULL,
     "v8086 guest RFLAGS bit 1 clear"},
    {VMX_CHECK_GUEST_RFLAGS_VM_IA32E, BASE_V8086, {{0}}, v8086_in_ia32e,
     "virtual-8086 guest with \"IA-32e mode guest\""},
    {VMX_CHECK_GUEST_RFLAGS_VM_REAL, BASE_REAL_URG, {{0}}, v8086_in_real_mode,
     "virtual-8086 guest with CR0.PE = 0 (unrestricted guest)"},
    {VMX_CHECK_GUEST_RFLAGS_IF, BASE_INJECT,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, 0x80000020), SETF(VM_ENTRY_EXCEPTION_ERROR_CODE, 0),
      CLRF(GUEST_RFLAGS, BIT(9))},
     NULL, "external interrupt injected with RFLAGS.IF = 0"},
    {VMX_CHECK_GUEST_RFLAGS_FRED_IOPL, BASE_LONG64_FULL, {ORF(GUEST_RFLAGS, 3u << 12)}, fred_user_guest,
     "FRED guest in ring 3 with IOPL 3"},
    {VMX_CHECK_GUEST_RFLAGS_FRED_IOPL, BASE_LONG64_FULL, {ORF(GUEST_RFLAGS, 1u << 12)}, fred_user_guest,
     "FRED guest in ring 3 with IOPL 1"},
    /* Boundaries and non-applying cases. */
    {VMX_CHECK_GUEST_SSP_ALIGN, BASE_LONG64_FULL,
     {ORF(GUEST_RFLAGS, 0x3f7fd7 & ~RFLAGS_VM), SETF(GUEST_SSP, 0x8001)}, NULL,
     "boundary: every non-reserved RFLAGS bit but VM may be set in a 64-bit guest"},
    {VMX_CHECK_GUEST_SSP_ALIGN, BASE_LONG64_FULL,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, 0x80000b0d), SETF(GUEST_SSP, 0x8001)}, NULL,
     "a hardware exception may be injected with RFLAGS.IF = 0"},
    {VMX_CHECK_GUEST_SSP_ALIGN, BASE_LONG64_FULL,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, 0x80000020), ORF(GUEST_RFLAGS, BIT(9)), SETF(GUEST_SSP, 0x8001)},
     NULL, "an external interrupt may be injected with RFLAGS.IF = 1"},
    {VMX_CHECK_GUEST_SSP_ALIGN, BASE_LONG64_FULL,
     {ORF(GUEST_RFLAGS, 3u << 12), SETF(GUEST_SSP, 0x8001)}, NULL,
     "IOPL 3 is valid in a ring-0 guest without FRED"},

    /* ---- SSP ---- */
    {VMX_CHECK_GUEST_SSP_ALIGN, BASE_LONG64_FULL, {SETF(GUEST_SSP, 0x8002)}, NULL,
     "guest SSP not 4-byte aligned"},
    {VMX_CHECK_GUEST_SSP_HI, BASE_PROT32_PAE, {SETF(GUEST_SSP, BIT(32))}, prot32_load_cet,
     "32-bit guest loading an SSP above 4 GiB"},
    {VMX_CHECK_GUEST_SSP_CANON, BASE_LONG64_FULL, {SETF(GUEST_SSP, BIT(57))}, NULL,
     "64-bit guest SSP bit 57 (57-bit processor)"},
    {VMX_CHECK_GUEST_SSP_CANON, BASE_LONG64_FULL, {SETF(GUEST_SSP, 0xfc00000000000000ull)}, NULL,
     "64-bit guest SSP with bit 57 clear in the upper half"},
    /* Boundaries and non-applying controls. */
    {VMX_CHECK_GUEST_SSP_CANON, BASE_LONG64_FULL,
     {SETF(GUEST_SSP, BIT(57) | 0x8004)}, NULL,
     "4-byte aligned SSP passes the alignment rule"},
    {LATER_CHECK, BASE_LONG64_FULL, {SETF(GUEST_SSP, NONCANON57), BREAK_LATER}, NULL,
     "boundary: SSP with only bit 56 set passes (bits 63:57 identical)"},
    {LATER_CHECK, BASE_LONG64_FULL, {SETF(GUEST_SSP, 0xfe00000000000000ull), BREAK_LATER}, NULL,
     "boundary: upper-half SSP with bit 56 clear passes (bits 63:57 identical)"},
    {LATER_CHECK, BASE_LONG64, {SETF(GUEST_SSP, 0xdeadbeef00000003ull), BREAK_LATER}, NULL,
     "guest SSP is not checked without \"load CET state\""},
    {LATER_CHECK, BASE_PROT32_PAE, {SETF(GUEST_SSP, 0xfffffffcull), BREAK_LATER}, prot32_load_cet,
     "boundary: a 32-bit guest SSP may use all of bits 31:0"},
    {LATER_CHECK, BASE_LONG64_FULL, {ORF(GUEST_RFLAGS, 3u << 12), BREAK_LATER}, fred_user_guest_iopl0,
     "a FRED guest in ring 3 with IOPL 0 is valid"},
};
const size_t cases_guest_dtr_rip_count = sizeof cases_guest_dtr_rip / sizeof cases_guest_dtr_rip[0];
