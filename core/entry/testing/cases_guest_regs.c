/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mutation cases: checks on guest control registers, debug registers and
 * MSRs (checks/guest_regs.def). Cases named "... still passes" move a
 * value to the edge of a rule (or turn the rule off) and break a later
 * check, which must then be the first failure.
 */
#include "cases.h"

#define C(name) VMX_CHECK_GUEST_##name

#define CR0_PE (1ull << 0)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_VMXE (1ull << 13)
#define CR4_PCIDE (1ull << 17)
#define CR4_CET (1ull << 23)
#define CR4_FRED (1ull << 32)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)

/* Not canonical with 48-bit linear addresses; canonical with 57. */
#define ADDR_BIT47 0x0000800000000000ull
/* Not canonical with 57-bit linear addresses either. */
#define ADDR_BIT56 0x0100000000000000ull

/* A later check (guest segment registers) to break in "still passes" cases. */
#define BREAK_LATER ORF(GUEST_TR_AR_BYTES, 1u << 17)
#define LATER VMX_CHECK_GUEST_SEG_TR_AR_RSVD17

/* Neither profile reports CR4.FRED in IA32_VMX_CR4_FIXED1: allow it, and set it. */
static void cr4_fred(struct test_entry *t)
{
    t->caps.cr4_fixed1 |= CR4_FRED;
    vmcs_set(&t->vmcs, VMCS_GUEST_CR4, vmcs_get(&t->vmcs, VMCS_GUEST_CR4) | CR4_FRED);
}

/* CR0_FIXED1 forbids NW and CD, the guest sets both: never checked. */
static void cr0_nw_cd_forbidden(struct test_entry *t)
{
    t->caps.cr0_fixed1 &= ~(CR0_NW | CR0_CD);
    vmcs_set(&t->vmcs, VMCS_GUEST_CR0, vmcs_get(&t->vmcs, VMCS_GUEST_CR0) | CR0_NW | CR0_CD);
}

/* CR0_FIXED1 forbids TS (bit 3), which the guest sets (the host does not). */
static void cr0_ts_forbidden(struct test_entry *t)
{
    t->caps.cr0_fixed1 &= ~(1ull << 3);
    vmcs_set(&t->vmcs, VMCS_GUEST_CR0, vmcs_get(&t->vmcs, VMCS_GUEST_CR0) | (1ull << 3));
}

/* A processor with FRED but without CET shadow stacks. */
static void no_cet_ss(struct test_entry *t)
{
    t->caps.cpuid_features &= ~VMM_CPUID_BIT(VMM_CPUID_CET_SS);
}

const struct mutation_case cases_guest_regs[] = {
    /* ---- CR0, CR4 ---- */
    {C(CR0_FIXED0), BASE_LONG64, {CLRF(GUEST_CR0, CR0_NE)}, NULL, "CR0.NE clear"},
    {C(CR0_FIXED0), BASE_LONG64, {CLRF(GUEST_CR0, CR0_PG | CR0_PE)}, NULL,
     "CR0.PE = PG = 0 without unrestricted guest"},
    {C(CR0_FIXED0), BASE_PROT32_PAE, {CLRF(GUEST_CR0, CR0_PG)}, NULL, "CR0.PG = 0 without unrestricted guest"},
    {C(CR0_FIXED0), BASE_REAL_URG, {CLRF(GUEST_CR0, CR0_NE)}, NULL,
     "unrestricted guest: CR0.NE clear (only PE, PG exempt)"},
    {C(CR0_FIXED0), BASE_V8086, {CLRF(GUEST_CR0, CR0_PG)}, NULL, "v8086 guest without paging"},
    {C(CR0_FIXED1), BASE_LONG64, {ORF(GUEST_CR0, 1ull << 32)}, NULL, "CR0 bit 32"},
    {C(CR0_FIXED1), BASE_LONG64, {{0}}, cr0_ts_forbidden, "CR0.TS set where FIXED1 forbids it"},
    {LATER, BASE_LONG64, {BREAK_LATER}, cr0_nw_cd_forbidden, "CR0.NW, CD set where FIXED1 forbids them still passes"},
    {LATER, BASE_REAL_URG, {SETF(GUEST_CR0, 0x80000031), BREAK_LATER}, NULL,
     "unrestricted guest with PE and PG set still passes"},
    {C(CR0_PGPE), BASE_REAL_URG, {SETF(GUEST_CR0, 0x80000030)}, NULL, "unrestricted guest: PG = 1, PE = 0"},
    {C(CR4_FIXED0), BASE_LONG64, {CLRF(GUEST_CR4, CR4_VMXE)}, NULL, "CR4.VMXE clear"},
    {C(CR4_FIXED0), BASE_REAL_URG, {SETF(GUEST_CR4, 0)}, NULL, "CR4 = 0 (unrestricted guest)"},
    {C(CR4_FIXED1), BASE_LONG64, {ORF(GUEST_CR4, CR4_CET)}, NULL, "CR4.CET on a processor without CET"},
    {C(CR4_FIXED1), BASE_LONG64_FULL, {ORF(GUEST_CR4, CR4_FRED)}, NULL, "CR4.FRED not in FIXED1"},
    {C(CR4_FIXED1), BASE_LONG64_FULL, {ORF(GUEST_CR4, 1ull << 63)}, NULL, "CR4 bit 63"},
    {C(CR4_CETWP), BASE_LONG64_FULL, {ORF(GUEST_CR4, CR4_CET), CLRF(GUEST_CR0, CR0_WP)}, NULL, "CR4.CET without CR0.WP"},
    {C(DR7_HI), BASE_LONG64_FULL, {ORF(GUEST_CR4, CR4_CET), ORF(GUEST_DR7, 1ull << 32)}, NULL,
     "CR4.CET with CR0.WP still passes"},

    /* ---- debug controls ---- */
    {C(DBGCTL_RSVD), BASE_LONG64, {SETF(GUEST_IA32_DEBUGCTL, 1u << 3)}, NULL, "DEBUGCTL bit 3"},
    {C(DBGCTL_RSVD), BASE_LONG64_FULL, {SETF(GUEST_IA32_DEBUGCTL, 1u << 16)}, NULL, "DEBUGCTL bit 16"},
    {C(DR7_HI), BASE_LONG64, {SETF(GUEST_IA32_DEBUGCTL, 0xffc7), ORF(GUEST_DR7, 1ull << 32)}, NULL,
     "every defined DEBUGCTL bit still passes"},
    {C(SYSENTER_ESP), BASE_LONG64,
     {CLRF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_DEBUG_CTLS), SETF(GUEST_IA32_DEBUGCTL, ~0ull),
      SETF(GUEST_SYSENTER_ESP, ADDR_BIT47)}, NULL,
     "reserved DEBUGCTL bits without \"load debug controls\" still pass"},

    /* ---- guest mode versus CR0, CR4 ---- */
    {C(IA32E_PG), BASE_REAL_URG, {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_IA32E_MODE_GUEST)}, NULL,
     "unrestricted IA-32e mode guest with CR0.PG = 0"},
    {C(IA32E_PAE), BASE_LONG64, {CLRF(GUEST_CR4, CR4_PAE)}, NULL, "64-bit guest without CR4.PAE"},
    {C(IA32E_PAE), BASE_REAL_URG, {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_IA32E_MODE_GUEST), SETF(GUEST_CR0, 0x80000031)},
     NULL, "unrestricted IA-32e mode guest with paging but no PAE"},
    {C(LEGACY_PCIDE), BASE_PROT32_PAE, {ORF(GUEST_CR4, CR4_PCIDE)}, NULL, "32-bit guest with CR4.PCIDE"},
    {C(LEGACY_PCIDE), BASE_REAL_URG, {ORF(GUEST_CR4, CR4_PCIDE)}, NULL, "real-mode guest with CR4.PCIDE"},
    {LATER, BASE_LONG64, {ORF(GUEST_CR4, CR4_PCIDE), BREAK_LATER}, NULL, "64-bit guest with CR4.PCIDE still passes"},
    {C(LEGACY_FRED), BASE_PROT32_PAE, {{0}}, cr4_fred, "32-bit guest with CR4.FRED"},
    {C(LEGACY_FRED), BASE_V8086, {{0}}, cr4_fred, "v8086 guest with CR4.FRED"},
    {LATER, BASE_LONG64, {BREAK_LATER}, cr4_fred, "64-bit guest with CR4.FRED still passes"},

    /* ---- CR3, DR7, SYSENTER ---- */
    {C(CR3_WIDTH), BASE_LONG64, {ORF(GUEST_CR3, 1ull << 40)}, NULL, "CR3 bit 40, MAXPHYADDR 40"},
    {C(CR3_WIDTH), BASE_LONG64, {ORF(GUEST_CR3, 1ull << 63)}, NULL, "CR3 bit 63"},
    {C(CR3_WIDTH), BASE_LONG64_FULL, {ORF(GUEST_CR3, 1ull << 46)}, NULL, "CR3 bit 46, MAXPHYADDR 46"},
    {C(DR7_HI), BASE_LONG64, {ORF(GUEST_CR3, 1ull << 39), ORF(GUEST_DR7, 1ull << 32)}, NULL,
     "CR3 bit 39, MAXPHYADDR 40, still passes"},
    {C(DR7_HI), BASE_LONG64_FULL, {ORF(GUEST_CR3, 1ull << 45), ORF(GUEST_DR7, 1ull << 63)}, NULL,
     "CR3 bit 45, MAXPHYADDR 46, still passes"},
    {C(DR7_HI), BASE_LONG64, {ORF(GUEST_DR7, 1ull << 32)}, NULL, "DR7 bit 32"},
    {C(DR7_HI), BASE_PROT32_PAE, {ORF(GUEST_DR7, 1ull << 63)}, NULL, "DR7 bit 63 (32-bit guest)"},
    {C(SYSENTER_ESP), BASE_LONG64,
     {CLRF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_DEBUG_CTLS), ORF(GUEST_DR7, 1ull << 32),
      SETF(GUEST_SYSENTER_ESP, ADDR_BIT47)}, NULL,
     "DR7 bits 63:32 without \"load debug controls\" still pass"},
    {C(SYSENTER_ESP), BASE_LONG64, {SETF(GUEST_SYSENTER_ESP, ADDR_BIT47)}, NULL, "SYSENTER_ESP bit 47 (48-bit)"},
    {C(SYSENTER_ESP), BASE_PROT32_PAE, {SETF(GUEST_SYSENTER_ESP, 0x7fff000000000000ull)}, NULL,
     "SYSENTER_ESP non-canonical (32-bit guest)"},
    {C(SYSENTER_EIP), BASE_LONG64, {SETF(GUEST_SYSENTER_EIP, 0xfff0000000000000ull)}, NULL,
     "SYSENTER_EIP FFF00000_00000000 (48-bit)"},
    {C(SYSENTER_EIP), BASE_LONG64_FULL, {SETF(GUEST_SYSENTER_EIP, ADDR_BIT56)}, NULL, "SYSENTER_EIP bit 56 (57-bit)"},
    {C(PERFGLB_RSVD), BASE_LONG64_FULL,
     {SETF(GUEST_SYSENTER_ESP, ADDR_BIT47), SETF(GUEST_SYSENTER_EIP, 0xffff800000000000ull),
      SETF(GUEST_IA32_PERF_GLOBAL_CTRL, 1ull << 49)}, NULL,
     "57-bit linear addresses: SYSENTER bit 47 still passes"},

    /* ---- MSRs ---- */
    {C(PERFGLB_RSVD), BASE_LONG64_FULL, {SETF(GUEST_IA32_PERF_GLOBAL_CTRL, 1ull << 63)}, NULL, "PERF_GLOBAL_CTRL bit 63"},
    {C(PAT), BASE_LONG64_FULL, {SETF(GUEST_IA32_PERF_GLOBAL_CTRL, 0x1ffffffffffffull), SETF(GUEST_IA32_PAT, 2)}, NULL,
     "PERF_GLOBAL_CTRL bits 48:0 still pass"},
    {C(PAT), BASE_LONG64, {SETF(GUEST_IA32_PERF_GLOBAL_CTRL, ~0ull), SETF(GUEST_IA32_PAT, 3)}, NULL,
     "PERF_GLOBAL_CTRL garbage without its load control still passes"},
    {C(PAT), BASE_LONG64, {SETF(GUEST_IA32_PAT, 0x0007040600070402ull)}, NULL, "PAT entry 0 = 2"},
    {C(PAT), BASE_PROT32_PAE, {SETF(GUEST_IA32_PAT, 0x0307040600070406ull)}, NULL, "PAT entry 7 = 3"},
    {C(PAT), BASE_LONG64, {SETF(GUEST_IA32_PAT, 0x0007040600080406ull)}, NULL, "PAT entry 2 = 8"},
    {C(PAT), BASE_LONG64, {SETF(GUEST_IA32_PAT, 0x00070406000704f6ull)}, NULL, "PAT entry 0 = F6H"},
    {C(EFER_RSVD), BASE_LONG64, {SETF(GUEST_IA32_PAT, 0x0706050401000706ull), ORF(GUEST_IA32_EFER, 1u << 1)}, NULL,
     "every valid PAT type still passes"},
    {LATER, BASE_LONG64, {CLRF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_PAT), SETF(GUEST_IA32_PAT, 2), BREAK_LATER}, NULL,
     "invalid PAT without \"load IA32_PAT\" still passes"},
    {C(EFER_RSVD), BASE_LONG64, {ORF(GUEST_IA32_EFER, 1u << 9)}, NULL, "EFER bit 9"},
    {C(EFER_RSVD), BASE_PROT32_PAE, {ORF(GUEST_IA32_EFER, 1u << 12)}, NULL, "EFER.SVME (AMD) on Intel"},
    {C(EFER_LMA), BASE_LONG64, {CLRF(GUEST_IA32_EFER, EFER_LMA)}, NULL, "64-bit guest with EFER.LMA = 0"},
    {C(EFER_LMA), BASE_PROT32_PAE, {ORF(GUEST_IA32_EFER, EFER_LMA | EFER_LME)}, NULL, "32-bit guest with EFER.LMA = 1"},
    {C(EFER_LME), BASE_LONG64, {CLRF(GUEST_IA32_EFER, EFER_LME)}, NULL, "64-bit guest with EFER.LME = 0"},
    {C(EFER_LME), BASE_PROT32_PAE, {ORF(GUEST_IA32_EFER, EFER_LME)}, NULL, "32-bit paged guest with EFER.LME = 1"},
    {LATER, BASE_REAL_URG, {ORF(GUEST_IA32_EFER, EFER_LME), BREAK_LATER}, NULL,
     "real-mode guest (CR0.PG = 0) with EFER.LME = 1, LMA = 0, still passes"},
    {LATER, BASE_PROT32_PAE, {CLRF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_EFER), SETF(GUEST_IA32_EFER, ~0ull), BREAK_LATER},
     NULL, "EFER garbage without \"load IA32_EFER\" still passes"},
    {C(BNDCFGS_RSVD), BASE_LONG64_FULL, {SETF(GUEST_BNDCFGS, 1u << 2)}, NULL, "BNDCFGS bit 2"},
    {C(BNDCFGS_RSVD), BASE_LONG64_FULL, {SETF(GUEST_BNDCFGS, 1u << 11)}, NULL, "BNDCFGS bit 11"},
    {C(BNDCFGS_CANON), BASE_LONG64_FULL, {SETF(GUEST_BNDCFGS, ADDR_BIT56 | 1)}, NULL, "BNDCFGS base bit 56 (57-bit)"},
    {C(CET_SCET_CANON), BASE_LONG64_FULL, {SETF(GUEST_BNDCFGS, ADDR_BIT47 | 3), SETF(GUEST_S_CET, ADDR_BIT56)}, NULL,
     "BNDCFGS base bit 47 with EN, BNDPRESERVE (57-bit) still passes"},
    {LATER, BASE_LONG64, {SETF(GUEST_BNDCFGS, ~0ull), BREAK_LATER}, NULL,
     "BNDCFGS garbage without \"load IA32_BNDCFGS\" still passes"},
    {C(CET_SCET_CANON), BASE_LONG64_FULL, {SETF(GUEST_S_CET, 0xfe00000000000000ull)}, NULL, "S_CET bit 57 only"},
    {C(CET_SCET_RSVD), BASE_LONG64_FULL, {SETF(GUEST_S_CET, 1u << 6)}, NULL, "S_CET bit 6"},
    {C(CET_SCET_RSVD), BASE_LONG64_FULL, {SETF(GUEST_S_CET, 1u << 9)}, NULL, "S_CET bit 9"},
    {C(CET_SCET_TRK), BASE_LONG64_FULL, {SETF(GUEST_S_CET, 0xc00)}, NULL, "S_CET SUPPRESS and TRACKER"},
    {C(CET_ISST_CANON), BASE_LONG64_FULL,
     {SETF(GUEST_S_CET, 0xffff800000000000ull | 0x83f), SETF(GUEST_INTR_SSP_TABLE, ADDR_BIT56)}, NULL,
     "S_CET with TRACKER and every enable bit still passes"},
    {C(CET_ISST_CANON), BASE_LONG64_FULL, {SETF(GUEST_INTR_SSP_TABLE, 0x8000000000000000ull)}, NULL,
     "interrupt SSP table address bit 63 only"},
    {LATER, BASE_LONG64_FULL,
     {CLRF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_CET), SETF(GUEST_S_CET, 0xfc0), BREAK_LATER}, NULL,
     "S_CET garbage without \"load CET state\" still passes"},
    {C(PKRS_HI), BASE_LONG64_FULL, {SETF(GUEST_IA32_PKRS, 1ull << 32)}, NULL, "PKRS bit 32"},
    {LATER, BASE_LONG64_FULL, {SETF(GUEST_IA32_PKRS, 0xffffffff), BREAK_LATER}, NULL, "PKRS bits 31:0 still pass"},
    {C(FRED_CFG_RSVD), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_CONFIG, 1u << 2)}, NULL, "FRED_CONFIG bit 2"},
    {C(FRED_CFG_RSVD), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_CONFIG, 1u << 4)}, NULL, "FRED_CONFIG bit 4"},
    {C(FRED_CFG_RSVD), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_CONFIG, 1u << 11)}, NULL, "FRED_CONFIG bit 11"},
    {C(FRED_CFG_CANON), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_CONFIG, ADDR_BIT56)}, NULL,
     "FRED_CONFIG entry page bit 56 (57-bit)"},
    {C(FRED_RSP1_CANON), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_CONFIG, 0xff000000000017cbull),
      SETF(GUEST_IA32_FRED_RSP1, ADDR_BIT56)}, NULL,
     "FRED_CONFIG canonical entry page with every defined low bit still passes"},
    {C(FRED_RSP2_CANON), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_RSP2, 0x8000000000000000ull)}, NULL,
     "FRED_RSP2 bit 63 only"},
    {C(FRED_RSP3_CANON), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_RSP3, ADDR_BIT56 | 0x1000)}, NULL,
     "FRED_RSP3 bit 56 (57-bit)"},
    {C(FRED_RSP1_ALIGN), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_RSP1, 0x1020)}, NULL, "FRED_RSP1 bit 5"},
    {C(FRED_RSP2_ALIGN), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_RSP2, 0x1001)}, NULL, "FRED_RSP2 bit 0"},
    {C(FRED_RSP3_ALIGN), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_RSP3, 0x1008)}, NULL, "FRED_RSP3 bit 3"},
    {C(FRED_SSP1_CANON), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_RSP1, ADDR_BIT47 | 0x40),
      SETF(GUEST_IA32_FRED_SSP1, ADDR_BIT56)}, NULL,
     "FRED_RSP1 64-byte aligned, bit 47 (57-bit) still passes"},
    {C(FRED_SSP2_CANON), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_SSP2, 0xfe00000000000008ull)}, NULL,
     "FRED_SSP2 non-canonical"},
    {C(FRED_SSP3_CANON), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_SSP3, ADDR_BIT56)}, NULL,
     "FRED_SSP3 bit 56 (57-bit)"},
    {C(FRED_SSP1_ALIGN), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_SSP1, ADDR_BIT56 | 4)}, no_cet_ss,
     "without CET shadow stacks a non-canonical FRED_SSP1 still passes (misaligned fails)"},
    {C(FRED_SSP1_ALIGN), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_SSP1, 0x1004)}, NULL, "FRED_SSP1 bit 2"},
    {C(FRED_SSP2_ALIGN), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_SSP2, 0x1001)}, NULL, "FRED_SSP2 bit 0"},
    {C(FRED_SSP3_ALIGN), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_FRED), SETF(GUEST_IA32_FRED_SSP3, 0x1002)}, NULL, "FRED_SSP3 bit 1"},
    {LATER, BASE_LONG64_FULL,
     {SETF(GUEST_IA32_FRED_CONFIG, ~0ull), SETF(GUEST_IA32_FRED_RSP1, ~0ull), BREAK_LATER}, NULL,
     "FRED garbage without \"load guest FRED state\" still passes"},
    {C(SPECCTRL), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_SPEC_CTRL), SETF(GUEST_IA32_SPEC_CTRL, 1u << 9)}, NULL, "SPEC_CTRL bit 9"},
    {C(SPECCTRL), BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_SPEC_CTRL), SETF(GUEST_IA32_SPEC_CTRL, 1ull << 11)}, NULL,
     "SPEC_CTRL bit 11"},
    {LATER, BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_SPEC_CTRL), SETF(GUEST_IA32_SPEC_CTRL, 0x5ff), BREAK_LATER}, NULL,
     "every defined SPEC_CTRL bit still passes"},
};
const size_t cases_guest_regs_count = sizeof cases_guest_regs / sizeof cases_guest_regs[0];
