/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mutation cases: host-state checks (checks/host_state.def): control
 * registers, MSRs and SSP, segment and descriptor-table registers, and
 * address-space size. Cases marked "boundary" change a value to the last
 * one the rule accepts and break a later rule, which must then be the
 * first failure.
 */
#include "cases.h"

#define BIT(n) (1ull << (n))
/* Lowest address above the canonical range for 48 and 57 linear-address bits. */
#define NONCANON48 0x0000800000000000ull
#define NONCANON57 0x0100000000000000ull
#define HOST_EFER_32BIT 0x801ull /* SCE, NXE; LME = LMA = 0 */

/* The executing processor is outside IA-32e mode. */
static void host_lma0(struct test_entry *t) { t->in.host_lma = false; }

/* A 32-bit VMM: outside IA-32e mode, host address-space size 0, EFER to match. */
static void host_32bit(struct test_entry *t)
{
    t->in.host_lma = false;
    vmcs_set(&t->vmcs, VMCS_VM_EXIT_CONTROLS,
             vmcs_get(&t->vmcs, VMCS_VM_EXIT_CONTROLS) & ~(uint64_t)VMX_EXIT_HOST_ADDR_SPACE_SIZE);
    vmcs_set(&t->vmcs, VMCS_HOST_IA32_EFER, HOST_EFER_32BIT);
}

/* ... with a 32-bit entry point (the ASZ.H0.RIP rule satisfied). */
static void host_32bit_rip32(struct test_entry *t)
{
    host_32bit(t);
    vmcs_set(&t->vmcs, VMCS_HOST_RIP, 0x81000000);
}

/* ... on the modern profile, loading CET state on VM exit. */
static void host_32bit_load_cet(struct test_entry *t)
{
    test_entry_use_profile(t, "modern");
    host_32bit_rip32(t);
    vmcs_set(&t->vmcs, VMCS_VM_EXIT_CONTROLS,
             vmcs_get(&t->vmcs, VMCS_VM_EXIT_CONTROLS) | VMX_EXIT_LOAD_CET);
}

/* ... with the highest 32-bit entry point. */
static void host_32bit_load_cet_rip_max(struct test_entry *t)
{
    host_32bit_load_cet(t);
    vmcs_set(&t->vmcs, VMCS_HOST_RIP, 0xffffffffull);
}

/* The processor has no CET shadow stacks (the FRED SSP canonical rule is then off). */
static void no_cet_ss(struct test_entry *t)
{
    t->caps.cpuid_features &= ~VMM_CPUID_BIT(VMM_CPUID_CET_SS);
}

const struct mutation_case cases_host_state[] = {
    /* ---- x.2.2 control registers, MSRs and SSP ---- */
    {VMX_CHECK_HOST_CR0_FIXED0, BASE_LONG64, {CLRF(HOST_CR0, BIT(5))}, NULL, "host CR0.NE cleared"},
    {VMX_CHECK_HOST_CR0_FIXED0, BASE_LONG64, {CLRF(HOST_CR0, BIT(31))}, NULL, "host CR0.PG cleared"},
    {VMX_CHECK_HOST_CR0_FIXED1, BASE_LONG64, {ORF(HOST_CR0, BIT(32))}, NULL, "host CR0 bit 32 set"},
    {VMX_CHECK_HOST_CR4_FIXED0, BASE_LONG64, {CLRF(HOST_CR4, BIT(13))}, NULL, "host CR4.VMXE cleared"},
    {VMX_CHECK_HOST_CR4_FIXED1, BASE_LONG64, {ORF(HOST_CR4, BIT(11))}, NULL,
     "host CR4.UMIP on a processor without it (FIXED1 bit 11 = 0)"},
    {VMX_CHECK_HOST_CR4_FIXED1, BASE_LONG64_FULL, {ORF(HOST_CR4, BIT(32))}, NULL,
     "host CR4 bit 32 beyond FIXED1"},
    {VMX_CHECK_HOST_CR3_WIDTH, BASE_LONG64, {ORF(HOST_CR3, BIT(40))}, NULL,
     "host CR3 bit 40 with MAXPHYADDR 40"},
    {VMX_CHECK_HOST_CR3_WIDTH, BASE_LONG64, {ORF(HOST_CR3, BIT(63))}, NULL, "host CR3 bit 63"},
    {VMX_CHECK_HOST_CR3_WIDTH, BASE_LONG64_FULL, {ORF(HOST_CR3, BIT(46))}, NULL,
     "host CR3 bit 46 with MAXPHYADDR 46"},
    {VMX_CHECK_HOST_CR4_CETWP, BASE_LONG64_FULL, {ORF(HOST_CR4, BIT(23)), CLRF(HOST_CR0, BIT(16))},
     NULL, "host CR4.CET with CR0.WP clear"},
    {VMX_CHECK_HOST_SYSENTER_ESP, BASE_LONG64, {SETF(HOST_IA32_SYSENTER_ESP, NONCANON48)}, NULL,
     "host SYSENTER_ESP non-canonical (48-bit)"},
    {VMX_CHECK_HOST_SYSENTER_ESP, BASE_LONG64_FULL, {SETF(HOST_IA32_SYSENTER_ESP, NONCANON57)}, NULL,
     "host SYSENTER_ESP non-canonical (57-bit)"},
    {VMX_CHECK_HOST_SYSENTER_EIP, BASE_LONG64, {SETF(HOST_IA32_SYSENTER_EIP, 0x8000000000000000ull)},
     NULL, "host SYSENTER_EIP with only bit 63 set"},
    {VMX_CHECK_HOST_PERFGLB_RSVD, BASE_LONG64_FULL, {SETF(HOST_IA32_PERF_GLOBAL_CTRL, BIT(49))}, NULL,
     "host IA32_PERF_GLOBAL_CTRL reserved bit 49"},
    {VMX_CHECK_HOST_PAT, BASE_LONG64, {SETF(HOST_IA32_PAT, 0x0007040600070402ull)}, NULL,
     "host PAT entry 0 = 2 (reserved type)"},
    {VMX_CHECK_HOST_PAT, BASE_LONG64, {SETF(HOST_IA32_PAT, 0x0307040600070406ull)}, NULL,
     "host PAT entry 7 = 3 (reserved type)"},
    {VMX_CHECK_HOST_PAT, BASE_LONG64, {SETF(HOST_IA32_PAT, 0x0007040600870406ull)}, NULL,
     "host PAT entry 2 = 0x87"},
    {VMX_CHECK_HOST_EFER_RSVD, BASE_LONG64, {ORF(HOST_IA32_EFER, BIT(9))}, NULL,
     "host EFER reserved bit 9"},
    {VMX_CHECK_HOST_EFER_RSVD, BASE_LONG64, {ORF(HOST_IA32_EFER, BIT(12))}, NULL,
     "host EFER bit 12 (AMD SVME) on Intel"},
    {VMX_CHECK_HOST_EFER_LMA, BASE_LONG64, {CLRF(HOST_IA32_EFER, BIT(10))}, NULL,
     "host EFER.LMA = 0 for a 64-bit host"},
    {VMX_CHECK_HOST_EFER_LME, BASE_LONG64, {CLRF(HOST_IA32_EFER, BIT(8))}, NULL,
     "host EFER.LME = 0 for a 64-bit host"},
    {VMX_CHECK_HOST_EFER_LMA, BASE_PROT32_PAE, {CLRF(VM_EXIT_CONTROLS, VMX_EXIT_HOST_ADDR_SPACE_SIZE)},
     NULL, "host EFER.LMA = 1 for a 32-bit host"},
    {VMX_CHECK_HOST_CET_SCET_CANON, BASE_LONG64_FULL, {SETF(HOST_S_CET, NONCANON57)}, NULL,
     "host S_CET legacy-bitmap base non-canonical"},
    {VMX_CHECK_HOST_CET_SCET_RSVD, BASE_LONG64_FULL, {SETF(HOST_S_CET, BIT(6))}, NULL,
     "host S_CET reserved bit 6"},
    {VMX_CHECK_HOST_CET_SCET_RSVD, BASE_LONG64_FULL, {SETF(HOST_S_CET, BIT(9))}, NULL,
     "host S_CET reserved bit 9"},
    {VMX_CHECK_HOST_CET_SCET_TRK, BASE_LONG64_FULL, {SETF(HOST_S_CET, BIT(10) | BIT(11))}, NULL,
     "host S_CET SUPPRESS and TRACKER both set"},
    {VMX_CHECK_HOST_CET_ISST_CANON, BASE_LONG64_FULL, {SETF(HOST_INTR_SSP_TABLE, NONCANON57)}, NULL,
     "host interrupt SSP table address non-canonical"},
    {VMX_CHECK_HOST_CET_SSP_ALIGN, BASE_LONG64_FULL, {SETF(HOST_SSP, 0x8002)}, NULL,
     "host SSP not 4-byte aligned"},
    {VMX_CHECK_HOST_PKRS_HI, BASE_LONG64_FULL, {SETF(HOST_IA32_PKRS, BIT(32))}, NULL,
     "host PKRS bit 32"},
    {VMX_CHECK_HOST_FRED_CFG_RSVD, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED), SETF(HOST_IA32_FRED_CONFIG, BIT(2))},
     NULL, "host FRED_CONFIG reserved bit 2"},
    {VMX_CHECK_HOST_FRED_CFG_RSVD, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED), SETF(HOST_IA32_FRED_CONFIG, BIT(11))},
     NULL, "host FRED_CONFIG reserved bit 11"},
    {VMX_CHECK_HOST_FRED_CFG_CANON, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED),
      SETF(HOST_IA32_FRED_CONFIG, NONCANON57 | 0x3c8)},
     NULL, "host FRED_CONFIG entry page non-canonical"},
    {VMX_CHECK_HOST_FRED_RSP1_CANON, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED), SETF(HOST_IA32_FRED_RSP1, NONCANON57)},
     NULL, "host FRED_RSP1 non-canonical"},
    {VMX_CHECK_HOST_FRED_RSP2_CANON, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED), SETF(HOST_IA32_FRED_RSP2, NONCANON57)},
     NULL, "host FRED_RSP2 non-canonical"},
    {VMX_CHECK_HOST_FRED_RSP3_CANON, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED), SETF(HOST_IA32_FRED_RSP3, NONCANON57)},
     NULL, "host FRED_RSP3 non-canonical"},
    {VMX_CHECK_HOST_FRED_RSP1_ALIGN, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED), SETF(HOST_IA32_FRED_RSP1, 0x7020)},
     NULL, "host FRED_RSP1 not 64-byte aligned"},
    {VMX_CHECK_HOST_FRED_RSP2_ALIGN, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED), SETF(HOST_IA32_FRED_RSP2, 0x7001)},
     NULL, "host FRED_RSP2 not 64-byte aligned"},
    {VMX_CHECK_HOST_FRED_RSP3_ALIGN, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED), SETF(HOST_IA32_FRED_RSP3, 0x7008)},
     NULL, "host FRED_RSP3 not 64-byte aligned"},
    {VMX_CHECK_HOST_FRED_SSP1_CANON, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED), SETF(HOST_IA32_FRED_SSP1, NONCANON57)},
     NULL, "host FRED_SSP1 non-canonical"},
    {VMX_CHECK_HOST_FRED_SSP2_CANON, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED), SETF(HOST_IA32_FRED_SSP2, NONCANON57)},
     NULL, "host FRED_SSP2 non-canonical"},
    {VMX_CHECK_HOST_FRED_SSP3_CANON, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED), SETF(HOST_IA32_FRED_SSP3, NONCANON57)},
     NULL, "host FRED_SSP3 non-canonical"},
    {VMX_CHECK_HOST_FRED_SSP1_ALIGN, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED), SETF(HOST_IA32_FRED_SSP1, 0x8004)},
     NULL, "host FRED_SSP1 not 8-byte aligned"},
    {VMX_CHECK_HOST_FRED_SSP2_ALIGN, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED), SETF(HOST_IA32_FRED_SSP2, 0x8001)},
     NULL, "host FRED_SSP2 not 8-byte aligned"},
    {VMX_CHECK_HOST_FRED_SSP3_ALIGN, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED), SETF(HOST_IA32_FRED_SSP3, 0x8002)},
     NULL, "host FRED_SSP3 not 8-byte aligned"},
    {VMX_CHECK_HOST_SPECCTRL, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_SPEC_CTRL), SETF(HOST_IA32_SPEC_CTRL, BIT(9))},
     NULL, "host IA32_SPEC_CTRL reserved bit 9"},
    {VMX_CHECK_HOST_SPECCTRL, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_SPEC_CTRL), SETF(HOST_IA32_SPEC_CTRL, BIT(11))},
     NULL, "host IA32_SPEC_CTRL reserved bit 11"},

    /* Boundaries and non-applying controls of x.2.2. */
    {VMX_CHECK_HOST_SEG_CS_NZ, BASE_LONG64, {ORF(HOST_CR3, BIT(39)), SETF(HOST_CS_SELECTOR, 0)}, NULL,
     "boundary: host CR3 bit 39 is within MAXPHYADDR 40"},
    {VMX_CHECK_HOST_SEG_CS_NZ, BASE_LONG64_FULL,
     {ORF(HOST_CR4, BIT(23)), SETF(HOST_CS_SELECTOR, 0)}, NULL,
     "boundary: host CR4.CET with CR0.WP set is valid"},
    {VMX_CHECK_HOST_SEG_CS_NZ, BASE_LONG64_FULL,
     {SETF(HOST_IA32_SYSENTER_ESP, NONCANON48), SETF(HOST_CS_SELECTOR, 0)}, NULL,
     "boundary: a 48-bit non-canonical SYSENTER_ESP is canonical with 57 bits"},
    {VMX_CHECK_HOST_SEG_CS_NZ, BASE_LONG64_FULL,
     {SETF(HOST_IA32_PERF_GLOBAL_CTRL, BIT(48) | 0xffffffffffffull), SETF(HOST_CS_SELECTOR, 0)}, NULL,
     "boundary: every IA32_PERF_GLOBAL_CTRL bit up to 48 may be set"},
    {VMX_CHECK_HOST_SEG_CS_NZ, BASE_LONG64,
     {SETF(HOST_IA32_PERF_GLOBAL_CTRL, ~0ull), SETF(HOST_CS_SELECTOR, 0)}, NULL,
     "reserved PERF_GLOBAL_CTRL bits do not matter without the exit control"},
    {VMX_CHECK_HOST_SEG_CS_NZ, BASE_LONG64,
     {SETF(HOST_IA32_PAT, 0x0706050401000706ull), SETF(HOST_CS_SELECTOR, 0)}, NULL,
     "boundary: PAT types 0, 1, 4, 5, 6, 7 are all valid"},
    {VMX_CHECK_HOST_SEG_CS_NZ, BASE_LONG64,
     {CLRF(VM_EXIT_CONTROLS, VMX_EXIT_LOAD_PAT | VMX_EXIT_LOAD_EFER),
      SETF(HOST_IA32_PAT, 0x0202020202020202ull), SETF(HOST_CS_SELECTOR, 0)}, NULL,
     "PAT is not checked without \"load IA32_PAT\""},
    {VMX_CHECK_HOST_SEG_CS_NZ, BASE_LONG64,
     {CLRF(VM_EXIT_CONTROLS, VMX_EXIT_LOAD_EFER), SETF(HOST_IA32_EFER, 0xffff), SETF(HOST_CS_SELECTOR, 0)},
     NULL, "EFER is not checked without \"load IA32_EFER\""},
    {VMX_CHECK_HOST_SEG_CS_NZ, BASE_LONG64_FULL,
     {SETF(HOST_S_CET, 0x00ff800000000c3full & ~BIT(11)), SETF(HOST_CS_SELECTOR, 0)}, NULL,
     "boundary: S_CET with every defined bit but TRACKER and a 57-bit canonical base"},
    {VMX_CHECK_HOST_SEG_CS_NZ, BASE_LONG64_FULL,
     {SETF(HOST_IA32_PKRS, 0xffffffffull), SETF(HOST_CS_SELECTOR, 0)}, NULL,
     "boundary: host PKRS may use all of bits 31:0"},
    {VMX_CHECK_HOST_SEG_CS_NZ, BASE_LONG64_FULL,
     {SETF(HOST_IA32_FRED_CONFIG, BIT(2)), SETF(HOST_IA32_FRED_RSP1, 1), SETF(HOST_CS_SELECTOR, 0)},
     NULL, "FRED fields are not checked without \"load FRED\""},
    {VMX_CHECK_HOST_SEG_CS_NZ, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED),
      SETF(HOST_IA32_FRED_CONFIG, 0xffffffffffffffffull & ~0x834ull), SETF(HOST_CS_SELECTOR, 0)},
     NULL, "boundary: FRED_CONFIG with every non-reserved bit and a canonical entry page"},
    {VMX_CHECK_HOST_FRED_SSP1_ALIGN, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_FRED), SETF(HOST_IA32_FRED_SSP1, NONCANON57 | 4)},
     no_cet_ss, "without CET shadow stacks only the FRED_SSP1 alignment is checked"},
    {VMX_CHECK_HOST_SEG_CS_NZ, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXIT_CONTROLS, VMX_EXIT2_LOAD_SPEC_CTRL), SETF(HOST_IA32_SPEC_CTRL, 0x5ff),
      SETF(HOST_CS_SELECTOR, 0)},
     NULL, "boundary: every defined IA32_SPEC_CTRL bit may be set"},

    /* ---- x.2.3 segment and descriptor-table registers ---- */
    {VMX_CHECK_HOST_SEG_CS_RPLTI, BASE_LONG64, {SETF(HOST_CS_SELECTOR, 0x0b)}, NULL, "host CS RPL 3"},
    {VMX_CHECK_HOST_SEG_SS_RPLTI, BASE_LONG64, {SETF(HOST_SS_SELECTOR, 0x14)}, NULL, "host SS TI = 1"},
    {VMX_CHECK_HOST_SEG_DS_RPLTI, BASE_LONG64, {SETF(HOST_DS_SELECTOR, 0x11)}, NULL, "host DS RPL 1"},
    {VMX_CHECK_HOST_SEG_ES_RPLTI, BASE_LONG64, {SETF(HOST_ES_SELECTOR, 0x12)}, NULL, "host ES RPL 2"},
    {VMX_CHECK_HOST_SEG_FS_RPLTI, BASE_LONG64, {SETF(HOST_FS_SELECTOR, 0x17)}, NULL,
     "host FS TI = 1, RPL 3"},
    {VMX_CHECK_HOST_SEG_GS_RPLTI, BASE_LONG64, {SETF(HOST_GS_SELECTOR, 0x04)}, NULL,
     "host GS null selector with TI = 1"},
    {VMX_CHECK_HOST_SEG_TR_RPLTI, BASE_LONG64, {SETF(HOST_TR_SELECTOR, 0x1c)}, NULL, "host TR TI = 1"},
    {VMX_CHECK_HOST_SEG_CS_NZ, BASE_LONG64, {SETF(HOST_CS_SELECTOR, 0)}, NULL, "host CS null"},
    {VMX_CHECK_HOST_SEG_TR_NZ, BASE_LONG64, {SETF(HOST_TR_SELECTOR, 0)}, NULL, "host TR null"},
    {VMX_CHECK_HOST_SEG_SS_NZ, BASE_PROT32_PAE, {SETF(HOST_SS_SELECTOR, 0)}, host_32bit,
     "host SS null for a 32-bit host"},
    {VMX_CHECK_HOST_SEG_FS_BASE, BASE_LONG64, {SETF(HOST_FS_BASE, NONCANON48)}, NULL,
     "host FS base non-canonical"},
    {VMX_CHECK_HOST_SEG_GS_BASE, BASE_LONG64, {SETF(HOST_GS_BASE, 0xfffe000000000000ull)}, NULL,
     "host GS base non-canonical"},
    {VMX_CHECK_HOST_SEG_TR_BASE, BASE_LONG64, {SETF(HOST_TR_BASE, NONCANON48)}, NULL,
     "host TR base non-canonical"},
    {VMX_CHECK_HOST_SEG_GDTR_BASE, BASE_LONG64, {SETF(HOST_GDTR_BASE, 0x00ff800000000000ull)}, NULL,
     "host GDTR base non-canonical"},
    {VMX_CHECK_HOST_SEG_IDTR_BASE, BASE_LONG64, {SETF(HOST_IDTR_BASE, 0x7fff800000000000ull)}, NULL,
     "host IDTR base non-canonical"},
    {VMX_CHECK_HOST_SEG_IDTR_BASE, BASE_LONG64_FULL, {SETF(HOST_IDTR_BASE, NONCANON57)}, NULL,
     "host IDTR base non-canonical (57-bit)"},
    /* Boundaries. */
    {VMX_CHECK_HOST_SEG_FS_BASE, BASE_LONG64,
     {SETF(HOST_SS_SELECTOR, 0), SETF(HOST_FS_BASE, NONCANON48)}, NULL,
     "a null host SS is valid for a 64-bit host"},
    {VMX_CHECK_HOST_SEG_FS_BASE, BASE_LONG64,
     {SETF(HOST_DS_SELECTOR, 0), SETF(HOST_GS_SELECTOR, 0), SETF(HOST_FS_BASE, NONCANON48)}, NULL,
     "null host DS and GS are valid"},
    {VMX_CHECK_HOST_SEG_IDTR_BASE, BASE_LONG64,
     {SETF(HOST_GDTR_BASE, 0xffff800000000000ull), SETF(HOST_IDTR_BASE, NONCANON48)}, NULL,
     "boundary: the lowest upper-half address is canonical"},
    {VMX_CHECK_HOST_SEG_IDTR_BASE, BASE_LONG64_FULL,
     {SETF(HOST_GDTR_BASE, 0x00ffffffffffffffull), SETF(HOST_IDTR_BASE, NONCANON57)}, NULL,
     "boundary: the highest lower-half 57-bit address is canonical"},

    /* ---- x.2.4 address-space size ---- */
    {VMX_CHECK_ASZ_H0_GUEST, BASE_LONG64,
     {CLRF(VM_EXIT_CONTROLS, VMX_EXIT_HOST_ADDR_SPACE_SIZE), SETF(HOST_IA32_EFER, HOST_EFER_32BIT)},
     NULL, "32-bit host with a 64-bit guest"},
    {VMX_CHECK_ASZ_H0_GUEST, BASE_LONG64, {{0}}, host_32bit, "32-bit host outside IA-32e mode with a 64-bit guest"},
    {VMX_CHECK_ASZ_LMA0_GUEST, BASE_LONG64, {{0}}, host_lma0,
     "64-bit guest from a processor outside IA-32e mode"},
    {VMX_CHECK_ASZ_LMA0_HOST, BASE_PROT32_PAE, {{0}}, host_lma0,
     "64-bit host controls on a processor outside IA-32e mode"},
    {VMX_CHECK_ASZ_LMA1_HOST, BASE_PROT32_PAE,
     {CLRF(VM_EXIT_CONTROLS, VMX_EXIT_HOST_ADDR_SPACE_SIZE), SETF(HOST_IA32_EFER, HOST_EFER_32BIT)},
     NULL, "32-bit host controls on a processor in IA-32e mode"},
    {VMX_CHECK_ASZ_H0_PCIDE, BASE_PROT32_PAE, {ORF(HOST_CR4, BIT(17))}, host_32bit,
     "32-bit host with CR4.PCIDE"},
    {VMX_CHECK_ASZ_H0_RIP, BASE_PROT32_PAE, {{0}}, host_32bit, "32-bit host with a 64-bit RIP"},
    {VMX_CHECK_ASZ_H0_CET, BASE_PROT32_PAE, {SETF(HOST_S_CET, BIT(32))}, host_32bit_load_cet,
     "32-bit host loading S_CET with bit 32"},
    {VMX_CHECK_ASZ_H0_CET, BASE_PROT32_PAE, {SETF(HOST_SSP, 0xfffffffffffffff0ull)}, host_32bit_load_cet,
     "32-bit host loading a 64-bit SSP"},
    {VMX_CHECK_ASZ_H1_PAE, BASE_LONG64, {CLRF(HOST_CR4, BIT(5))}, NULL, "64-bit host without CR4.PAE"},
    {VMX_CHECK_ASZ_H1_RIP, BASE_LONG64, {SETF(HOST_RIP, NONCANON48)}, NULL,
     "64-bit host RIP non-canonical"},
    {VMX_CHECK_ASZ_H1_RIP, BASE_LONG64_FULL, {SETF(HOST_RIP, 0xfeffffffffffffffull)}, NULL,
     "64-bit host RIP non-canonical (57-bit)"},
    {VMX_CHECK_ASZ_H1_SSP, BASE_LONG64_FULL, {SETF(HOST_SSP, NONCANON57)}, NULL,
     "64-bit host SSP non-canonical"},
    /* Boundaries: each rule's last valid value, with a later rule broken. */
    {VMX_CHECK_ASZ_H1_RIP, BASE_PROT32_PAE,
     {SETF(HOST_SS_SELECTOR, 0), SETF(HOST_RIP, NONCANON48)}, NULL,
     "a null host SS is valid with host address-space size 1"},
    {VMX_CHECK_ASZ_H0_RIP, BASE_PROT32_PAE, {CLRF(HOST_CR4, BIT(5))}, host_32bit,
     "a 32-bit host does not need CR4.PAE"},
    {VMX_CHECK_ASZ_H0_CET, BASE_PROT32_PAE, {SETF(HOST_SSP, BIT(32))}, host_32bit_load_cet_rip_max,
     "boundary: a 32-bit host RIP may use all of bits 31:0"},
    {VMX_CHECK_ASZ_H1_SSP, BASE_LONG64_FULL,
     {SETF(HOST_RIP, 0xff00000000000000ull), SETF(HOST_SSP, NONCANON57)}, NULL,
     "boundary: the lowest upper-half 57-bit host RIP is canonical"},
    /* Valid 32-bit hosts: the first failure is the guest rule broken on purpose. */
    {VMX_CHECK_GUEST_DTR_GDTR_LIMIT, BASE_PROT32_PAE, {SETF(GUEST_GDTR_LIMIT, 0x10000)},
     host_32bit_rip32, "a 32-bit host is valid"},
    {VMX_CHECK_GUEST_DTR_GDTR_LIMIT, BASE_PROT32_PAE,
     {SETF(HOST_S_CET, 0xfffff000ull), SETF(HOST_SSP, 0xfffffffcull), SETF(GUEST_GDTR_LIMIT, 0x10000)},
     host_32bit_load_cet, "a 32-bit host may load 32-bit CET state"},
};
const size_t cases_host_state_count = sizeof cases_host_state / sizeof cases_host_state[0];
