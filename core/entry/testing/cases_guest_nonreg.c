/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mutation cases: checks/guest_nonreg.def (guest non-register state and
 * PDPTEs). "still valid" cases move a field to the edge of what a rule
 * allows and break a later check, which must then be the first failure.
 */
#include "cases.h"

/* Interruptibility, activity, RFLAGS and pending-debug values. */
#define STI 1u
#define MOVSS 2u
#define SMI 4u
#define NMIB 8u
#define ENCLAVE 0x10u
#define RFL_IF 0x202u
#define RFL_TF_IF 0x302u
#define RFL_TF 0x102u

/* Injected events (VM-entry interruption information). */
#define INJ_EXTINT_0x20 0x80000020u
#define INJ_NMI 0x80000202u
#define INJ_DB 0x80000301u
#define INJ_MC 0x80000312u
#define INJ_GP 0x80000b0du
#define INJ_BP_SW 0x80000603u
#define INJ_MTF 0x80000700u

/* EPTP of the baselines: WB, 4-level walk. */
#define EPTP_4LEVEL_WB (PA_EPT_PML4 | 6u | (3u << 3))

/* ---- tweaks ---- */

/* A CPL-3 guest: CS and SS selectors RPL 3, descriptors DPL 3. */
static void user_mode(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_GUEST_CS_SELECTOR, 0x0b);
    vmcs_set(&t->vmcs, VMCS_GUEST_CS_AR_BYTES, 0xa0fb);
    vmcs_set(&t->vmcs, VMCS_GUEST_SS_SELECTOR, 0x13);
    vmcs_set(&t->vmcs, VMCS_GUEST_SS_AR_BYTES, 0xc0f3);
}

static void hlt_at_cpl3(struct test_entry *t)
{
    user_mode(t);
    vmcs_set(&t->vmcs, VMCS_GUEST_ACTIVITY_STATE, 1);
}

static void cpl3_active_and_reserved_intr(struct test_entry *t)
{
    user_mode(t);
    vmcs_set(&t->vmcs, VMCS_GUEST_INTERRUPTIBILITY_INFO, 0x20);
}

static void no_shutdown_state(struct test_entry *t)
{
    t->caps.activity_states &= (uint16_t)~VMX_MISC_ACTIVITY_SHUTDOWN;
}

static void only_hlt_state(struct test_entry *t)
{
    t->caps.activity_states = VMX_MISC_ACTIVITY_HLT;
}

static void in_smm(struct test_entry *t) { t->in.in_smm = true; }

/* Breaks GUEST.PDE.RSVD, the check after the interruptibility rows. */
static void then_pde_reserved(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0x10);
}

/* An SMM entry (in SMM, "entry to SMM" = 1) into wait-for-SIPI. */
static void smm_entry_to_wait_sipi(struct test_entry *t)
{
    t->in.in_smm = true;
    vmcs_set(&t->vmcs, VMCS_VM_ENTRY_CONTROLS,
             vmcs_get(&t->vmcs, VMCS_VM_ENTRY_CONTROLS) | VMX_ENTRY_ENTRY_TO_SMM);
    vmcs_set(&t->vmcs, VMCS_GUEST_INTERRUPTIBILITY_INFO, SMI);
    vmcs_set(&t->vmcs, VMCS_GUEST_ACTIVITY_STATE, 3);
}

static void smm_entry_without_smi_blocking(struct test_entry *t)
{
    t->in.in_smm = true;
    vmcs_set(&t->vmcs, VMCS_VM_ENTRY_CONTROLS,
             vmcs_get(&t->vmcs, VMCS_VM_ENTRY_CONTROLS) | VMX_ENTRY_ENTRY_TO_SMM);
}

/* A FRED guest at CPL 3 in an STI shadow, on a FRED processor. */
static void fred_user_sti(struct test_entry *t)
{
    t->caps.cpuid_features |= VMM_CPUID_BIT(VMM_CPUID_FRED);
    t->caps.cr4_fixed1 |= 1ull << 32;
    user_mode(t);
    vmcs_set(&t->vmcs, VMCS_GUEST_CR4, vmcs_get(&t->vmcs, VMCS_GUEST_CR4) | (1ull << 32));
    vmcs_set(&t->vmcs, VMCS_GUEST_RFLAGS, RFL_IF);
    vmcs_set(&t->vmcs, VMCS_GUEST_INTERRUPTIBILITY_INFO, STI);
}

/* The same FRED guest at CPL 0: the rule does not apply (PDE.RSVD breaks instead). */
static void fred_kernel_sti(struct test_entry *t)
{
    t->caps.cpuid_features |= VMM_CPUID_BIT(VMM_CPUID_FRED);
    t->caps.cr4_fixed1 |= 1ull << 32;
    vmcs_set(&t->vmcs, VMCS_GUEST_CR4, vmcs_get(&t->vmcs, VMCS_GUEST_CR4) | (1ull << 32));
    vmcs_set(&t->vmcs, VMCS_GUEST_RFLAGS, RFL_IF);
    vmcs_set(&t->vmcs, VMCS_GUEST_INTERRUPTIBILITY_INFO, STI);
    vmcs_set(&t->vmcs, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0x10);
}

static void link_header(struct test_entry *t, uint32_t header)
{
    test_mem_write32(t, PA_SHADOW_VMCS, header);
}

static void link_wrong_revision(struct test_entry *t)
{
    link_header(t, (t->caps.revision_id + 1) | 0x80000000u);
}

static void link_not_shadow(struct test_entry *t) { link_header(t, t->caps.revision_id); }

static void link_is_current(struct test_entry *t) { t->in.current_vmcs_ptr = PA_SHADOW_VMCS; }

/* In SMM with "entry to SMM" = 0 the current-VMCS rule does not apply. */
static void link_is_current_in_smm_return(struct test_entry *t)
{
    t->in.in_smm = true;
    t->in.current_vmcs_ptr = PA_SHADOW_VMCS;
    vmcs_set(&t->vmcs, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0x10);
}

static void link_is_current_on_smm_entry(struct test_entry *t)
{
    t->in.in_smm = true;
    t->in.current_vmcs_ptr = PA_SHADOW_VMCS;
    vmcs_set(&t->vmcs, VMCS_VM_ENTRY_CONTROLS,
             vmcs_get(&t->vmcs, VMCS_VM_ENTRY_CONTROLS) | VMX_ENTRY_ENTRY_TO_SMM);
    vmcs_set(&t->vmcs, VMCS_GUEST_INTERRUPTIBILITY_INFO, SMI);
}

static void link_is_executive(struct test_entry *t)
{
    t->in.in_smm = true;
    vmcs_set(&t->vmcs, VMCS_EXECUTIVE_VMCS_POINTER, PA_SHADOW_VMCS);
}

/* Breaks the first MSR-load entry: the last check of all (MSRLOAD.FSGS). */
static void msr_load_fs_base(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_VM_ENTRY_MSR_LOAD_ADDR, PA_ENTRY_MSR_LOAD);
    if (vmcs_get(&t->vmcs, VMCS_VM_ENTRY_MSR_LOAD_COUNT) == 0)
        vmcs_set(&t->vmcs, VMCS_VM_ENTRY_MSR_LOAD_COUNT, 1);
    test_msr_entry(t, 0, 0xc0000100u, 0, 0);
}

/* BASE_LONG64 (no VMCS shadowing) linking an ordinary VMCS: valid. */
static void link_ordinary_vmcs(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_VMCS_LINK_POINTER, PA_SHADOW_VMCS);
    link_header(t, t->caps.revision_id);
    msr_load_fs_base(t);
}

/* PDPTE i of BASE_PROT32_PAE's table in memory. */
static void pdpt_entry(struct test_entry *t, unsigned i, uint64_t e)
{
    test_mem_write64(t, PA_GUEST_PDPT + 8ull * i, e);
}

static void pdpte0_rw_bit(struct test_entry *t) { pdpt_entry(t, 0, 0x120001 | 2); }
static void pdpte0_bit5(struct test_entry *t) { pdpt_entry(t, 0, 0x120001 | 0x20); }
static void pdpte3_bit8(struct test_entry *t) { pdpt_entry(t, 3, 0x130001 | 0x100); }
static void pdpte1_xd(struct test_entry *t) { pdpt_entry(t, 1, 0x121001 | (1ull << 63)); }
static void pdpte2_beyond_maxphyaddr(struct test_entry *t) { pdpt_entry(t, 2, 0x122001 | (1ull << 40)); }

/* Bit 39 is below bochs-skylake-x's 40-bit MAXPHYADDR: valid; then an MSR-load failure. */
static void pdpte2_top_address_bit(struct test_entry *t)
{
    pdpt_entry(t, 2, 0x122001 | (1ull << 39));
    msr_load_fs_base(t);
}

/* A not-present PDPTE's other bits are ignored. */
static void pdpte1_not_present_garbage(struct test_entry *t)
{
    pdpt_entry(t, 1, 0xfff00000000001e6ull);
    msr_load_fs_base(t);
}

/* CR3 names a second table (bits 4:0 are not part of the address). */
static void second_pdpt_bad(struct test_entry *t)
{
    pdpt_entry(t, 4, 0x120001);
    pdpt_entry(t, 5, 0x121001 | 4);
}

static void bad_pdpt_no_pae_then_msr(struct test_entry *t)
{
    pdpte0_rw_bit(t);
    msr_load_fs_base(t);
}

/* BASE_PROT32_PAE with EPT on: PDPTEs come from the guest-state fields. */
static void enable_ept(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_CPU_BASED_VM_EXEC_CONTROL,
             vmcs_get(&t->vmcs, VMCS_CPU_BASED_VM_EXEC_CONTROL) | VMX_PROC_ACTIVATE_SECONDARY);
    vmcs_set(&t->vmcs, VMCS_SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT);
    vmcs_set(&t->vmcs, VMCS_EPT_POINTER, EPTP_4LEVEL_WB);
    vmcs_set(&t->vmcs, VMCS_GUEST_PDPTR0, 0x120001);
}

static void ept_pdptr2_bad(struct test_entry *t)
{
    enable_ept(t);
    vmcs_set(&t->vmcs, VMCS_GUEST_PDPTR2, 0x122001 | 0x40);
}

static void ept_pdptr3_beyond_maxphyaddr(struct test_entry *t)
{
    enable_ept(t);
    vmcs_set(&t->vmcs, VMCS_GUEST_PDPTR3, 0x123001 | (1ull << 45));
}

/* With EPT the table in memory is not consulted. */
static void ept_memory_pdpt_bad(struct test_entry *t)
{
    enable_ept(t);
    pdpte0_rw_bit(t);
    msr_load_fs_base(t);
}

static void ept_pdptr1_not_present_garbage(struct test_entry *t)
{
    enable_ept(t);
    vmcs_set(&t->vmcs, VMCS_GUEST_PDPTR1, 0xfff00000000001e6ull);
    msr_load_fs_base(t);
}

const struct mutation_case cases_guest_nonreg[] = {
    /* ---- activity state ---- */
    {VMX_CHECK_GUEST_ACT_VALUE, BASE_LONG64, {SETF(GUEST_ACTIVITY_STATE, 4)}, NULL,
     "activity state 4 is not defined"},
    {VMX_CHECK_GUEST_ACT_VALUE, BASE_LONG64, {SETF(GUEST_ACTIVITY_STATE, 0xffffffff)}, NULL,
     "activity state FFFFFFFFH"},
    {VMX_CHECK_GUEST_ACT_VALUE, BASE_LONG64, {SETF(GUEST_ACTIVITY_STATE, 2)}, no_shutdown_state,
     "shutdown not enumerated in IA32_VMX_MISC"},
    {VMX_CHECK_GUEST_ACT_VALUE, BASE_LONG64, {SETF(GUEST_ACTIVITY_STATE, 3)}, only_hlt_state,
     "wait-for-SIPI not enumerated (HLT only)"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_HLT, {SETF(GUEST_INTERRUPTIBILITY_INFO, 0x20)}, only_hlt_state,
     "still valid: HLT when IA32_VMX_MISC enumerates only HLT"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_LONG64,
     {SETF(GUEST_ACTIVITY_STATE, 3), SETF(GUEST_INTERRUPTIBILITY_INFO, 0x20)}, NULL,
     "still valid: wait-for-SIPI is enumerated (then a reserved interruptibility bit)"},
    {VMX_CHECK_GUEST_ACT_HLT_DPL, BASE_LONG64, {{0}}, hlt_at_cpl3, "HLT with SS DPL 3"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_LONG64, {{0}}, cpl3_active_and_reserved_intr,
     "still valid: SS DPL 3 while active"},
    {VMX_CHECK_GUEST_ACT_BLOCK, BASE_HLT, {SETF(GUEST_INTERRUPTIBILITY_INFO, STI), SETF(GUEST_RFLAGS, RFL_IF)},
     NULL, "HLT in an STI shadow"},
    {VMX_CHECK_GUEST_ACT_BLOCK, BASE_HLT, {SETF(GUEST_INTERRUPTIBILITY_INFO, MOVSS)}, NULL,
     "HLT in a MOV-SS shadow"},
    {VMX_CHECK_GUEST_ACT_BLOCK, BASE_LONG64,
     {SETF(GUEST_ACTIVITY_STATE, 2), SETF(GUEST_INTERRUPTIBILITY_INFO, MOVSS)}, NULL,
     "shutdown in a MOV-SS shadow"},
    {VMX_CHECK_GUEST_ACT_INJ_HLT, BASE_INJECT, {SETF(GUEST_ACTIVITY_STATE, 1)}, NULL,
     "#GP injected into HLT"},
    {VMX_CHECK_GUEST_ACT_INJ_HLT, BASE_HLT,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_BP_SW), SETF(VM_ENTRY_INSTRUCTION_LEN, 1)}, NULL,
     "software exception (#BP) injected into HLT"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_HLT,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_DB), SETF(GUEST_INTERRUPTIBILITY_INFO, 0x40)}, NULL,
     "still valid: #DB injected into HLT"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_HLT,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_MC), SETF(GUEST_INTERRUPTIBILITY_INFO, 0x40)}, NULL,
     "still valid: #MC injected into HLT"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_HLT,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_NMI), SETF(GUEST_INTERRUPTIBILITY_INFO, 0x40)}, NULL,
     "still valid: NMI injected into HLT"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_HLT,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_EXTINT_0x20), SETF(GUEST_RFLAGS, RFL_IF),
      SETF(GUEST_INTERRUPTIBILITY_INFO, 0x40)},
     NULL, "still valid: external interrupt injected into HLT"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_LONG64_FULL,
     {SETF(GUEST_ACTIVITY_STATE, 1), SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_MTF),
      SETF(GUEST_INTERRUPTIBILITY_INFO, 0x40)},
     NULL, "still valid: pending MTF exit (type 7, vector 0) injected into HLT"},
    {VMX_CHECK_GUEST_ACT_INJ_SHUT, BASE_INJECT, {SETF(GUEST_ACTIVITY_STATE, 2)}, NULL,
     "#GP injected into shutdown"},
    {VMX_CHECK_GUEST_ACT_INJ_SHUT, BASE_LONG64,
     {SETF(GUEST_ACTIVITY_STATE, 2), SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_DB)}, NULL,
     "#DB injected into shutdown (HLT would take it)"},
    {VMX_CHECK_GUEST_ACT_INJ_SHUT, BASE_LONG64,
     {SETF(GUEST_ACTIVITY_STATE, 2), SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_EXTINT_0x20),
      SETF(GUEST_RFLAGS, RFL_IF)},
     NULL, "external interrupt injected into shutdown"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_LONG64,
     {SETF(GUEST_ACTIVITY_STATE, 2), SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_NMI),
      SETF(GUEST_INTERRUPTIBILITY_INFO, 0x40)},
     NULL, "still valid: NMI injected into shutdown"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_LONG64,
     {SETF(GUEST_ACTIVITY_STATE, 2), SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_MC),
      SETF(GUEST_INTERRUPTIBILITY_INFO, 0x40)},
     NULL, "still valid: #MC injected into shutdown"},
    {VMX_CHECK_GUEST_ACT_INJ_SIPI, BASE_INJECT, {SETF(GUEST_ACTIVITY_STATE, 3)}, NULL,
     "#GP injected into wait-for-SIPI"},
    {VMX_CHECK_GUEST_ACT_INJ_SIPI, BASE_LONG64,
     {SETF(GUEST_ACTIVITY_STATE, 3), SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_NMI)}, NULL,
     "NMI injected into wait-for-SIPI"},
    {VMX_CHECK_GUEST_ACT_SMM_SIPI, BASE_LONG64, {{0}}, smm_entry_to_wait_sipi,
     "entry to SMM into wait-for-SIPI"},

    /* ---- interruptibility state ---- */
    {VMX_CHECK_GUEST_INT_RSVD, BASE_LONG64, {SETF(GUEST_INTERRUPTIBILITY_INFO, 0x20)}, NULL,
     "interruptibility bit 5"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_LONG64, {SETF(GUEST_INTERRUPTIBILITY_INFO, 0x80000000)}, NULL,
     "interruptibility bit 31"},
    {VMX_CHECK_GUEST_LINK_ALIGN, BASE_LONG64_FULL,
     {SETF(GUEST_INTERRUPTIBILITY_INFO, ENCLAVE), SETF(VMCS_LINK_POINTER, PA_SHADOW_VMCS | 8)}, NULL,
     "still valid: enclave interruption (bit 4) on an SGX processor"},
    {VMX_CHECK_GUEST_INT_STIMOVSS, BASE_LONG64,
     {SETF(GUEST_INTERRUPTIBILITY_INFO, STI | MOVSS), SETF(GUEST_RFLAGS, RFL_IF)}, NULL,
     "blocking by STI and by MOV SS"},
    {VMX_CHECK_GUEST_INT_STI_IF, BASE_LONG64, {SETF(GUEST_INTERRUPTIBILITY_INFO, STI)}, NULL,
     "STI blocking with RFLAGS.IF = 0"},
    {VMX_CHECK_GUEST_PDE_RSVD, BASE_LONG64,
     {SETF(GUEST_INTERRUPTIBILITY_INFO, STI), SETF(GUEST_RFLAGS, RFL_IF),
      SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x10)},
     NULL, "still valid: STI blocking with RFLAGS.IF = 1"},
    {VMX_CHECK_GUEST_INT_EXTINT, BASE_LONG64,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_EXTINT_0x20), SETF(GUEST_RFLAGS, RFL_IF),
      SETF(GUEST_INTERRUPTIBILITY_INFO, STI)},
     NULL, "external interrupt injected in an STI shadow"},
    {VMX_CHECK_GUEST_INT_EXTINT, BASE_LONG64,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_EXTINT_0x20), SETF(GUEST_RFLAGS, RFL_IF),
      SETF(GUEST_INTERRUPTIBILITY_INFO, MOVSS)},
     NULL, "external interrupt injected in a MOV-SS shadow"},
    {VMX_CHECK_GUEST_INT_NMI_MOVSS, BASE_LONG64,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_NMI), SETF(GUEST_INTERRUPTIBILITY_INFO, MOVSS)}, NULL,
     "NMI injected in a MOV-SS shadow"},
    {VMX_CHECK_GUEST_INT_NMI_STI, BASE_LONG64,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_NMI), SETF(GUEST_INTERRUPTIBILITY_INFO, STI),
      SETF(GUEST_RFLAGS, RFL_IF)},
     NULL, "NMI injected in an STI shadow (qualification 3)"},
    {VMX_CHECK_GUEST_PDE_RSVD, BASE_LONG64,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_DB), SETF(GUEST_INTERRUPTIBILITY_INFO, STI | NMIB),
      SETF(GUEST_RFLAGS, RFL_IF)},
     then_pde_reserved, "still valid: #DB injected in an STI shadow with NMI blocking"},
    {VMX_CHECK_GUEST_INT_SMI_OUT, BASE_LONG64, {SETF(GUEST_INTERRUPTIBILITY_INFO, SMI)}, NULL,
     "SMI blocking outside SMM"},
    {VMX_CHECK_GUEST_PDE_RSVD, BASE_LONG64,
     {SETF(GUEST_INTERRUPTIBILITY_INFO, SMI), SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x10)}, in_smm,
     "still valid: SMI blocking in SMM"},
    {VMX_CHECK_GUEST_INT_SMI_ENTRY, BASE_LONG64, {{0}}, smm_entry_without_smi_blocking,
     "entry to SMM without SMI blocking"},
    {VMX_CHECK_GUEST_INT_VNMI, BASE_LONG64_FULL,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_NMI), SETF(GUEST_INTERRUPTIBILITY_INFO, NMIB)}, NULL,
     "NMI injected while virtual-NMI blocked"},
    {VMX_CHECK_GUEST_PDE_RSVD, BASE_LONG64,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ_NMI), SETF(GUEST_INTERRUPTIBILITY_INFO, NMIB),
      SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x10)},
     NULL, "still valid: NMI injected with NMI blocking when virtual NMIs = 0"},
    {VMX_CHECK_GUEST_INT_ENCL_MOVSS, BASE_LONG64_FULL,
     {SETF(GUEST_INTERRUPTIBILITY_INFO, ENCLAVE | MOVSS)}, NULL,
     "enclave interruption in a MOV-SS shadow"},
    {VMX_CHECK_GUEST_INT_ENCL_SGX, BASE_LONG64, {SETF(GUEST_INTERRUPTIBILITY_INFO, ENCLAVE)}, NULL,
     "enclave interruption without SGX"},
    {VMX_CHECK_GUEST_INT_FRED_STI, BASE_LONG64, {{0}}, fred_user_sti,
     "FRED guest at CPL 3 in an STI shadow"},
    {VMX_CHECK_GUEST_PDE_RSVD, BASE_LONG64, {{0}}, fred_kernel_sti,
     "still valid: FRED guest at CPL 0 in an STI shadow"},

    /* ---- pending debug exceptions ---- */
    {VMX_CHECK_GUEST_PDE_RSVD, BASE_LONG64, {SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x10)}, NULL,
     "pending debug exceptions bit 4"},
    {VMX_CHECK_GUEST_PDE_RSVD, BASE_LONG64, {SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x2000)}, NULL,
     "pending debug exceptions bit 13"},
    {VMX_CHECK_GUEST_PDE_RSVD, BASE_LONG64, {SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x8000)}, NULL,
     "pending debug exceptions bit 15"},
    {VMX_CHECK_GUEST_PDE_RSVD, BASE_LONG64, {SETF(GUEST_PENDING_DBG_EXCEPTIONS, 1ull << 17)}, NULL,
     "pending debug exceptions bit 17"},
    {VMX_CHECK_GUEST_PDE_RSVD, BASE_LONG64, {SETF(GUEST_PENDING_DBG_EXCEPTIONS, 1ull << 63)}, NULL,
     "pending debug exceptions bit 63"},
    {VMX_CHECK_GUEST_LINK_ALIGN, BASE_LONG64_FULL,
     {SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x100f), SETF(VMCS_LINK_POINTER, PA_SHADOW_VMCS | 8)}, NULL,
     "still valid: B0-B3 and enabled breakpoint pending"},
    {VMX_CHECK_GUEST_PDE_BS_SET, BASE_LONG64,
     {SETF(GUEST_RFLAGS, RFL_TF_IF), SETF(GUEST_INTERRUPTIBILITY_INFO, STI)}, NULL,
     "TF = 1 in an STI shadow without BS"},
    {VMX_CHECK_GUEST_PDE_BS_SET, BASE_LONG64,
     {SETF(GUEST_RFLAGS, RFL_TF), SETF(GUEST_INTERRUPTIBILITY_INFO, MOVSS)}, NULL,
     "TF = 1 in a MOV-SS shadow without BS"},
    {VMX_CHECK_GUEST_PDE_BS_SET, BASE_HLT, {SETF(GUEST_RFLAGS, RFL_TF)}, NULL,
     "TF = 1 in HLT without BS"},
    {VMX_CHECK_GUEST_PDE_RTM_BITS, BASE_HLT,
     {SETF(GUEST_RFLAGS, RFL_TF), SETF(GUEST_IA32_DEBUGCTL, 2),
      SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x10001)},
     NULL, "still valid: TF = 1 with BTF = 1 in HLT and BS = 0"},
    {VMX_CHECK_GUEST_PDE_RTM_BITS, BASE_LONG64,
     {SETF(GUEST_RFLAGS, RFL_TF), SETF(GUEST_INTERRUPTIBILITY_INFO, MOVSS),
      SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x14000)},
     NULL, "still valid: TF = 1 in a MOV-SS shadow with BS = 1"},
    {VMX_CHECK_GUEST_PDE_BS_CLR, BASE_HLT, {SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x4000)}, NULL,
     "BS = 1 in HLT with TF = 0"},
    {VMX_CHECK_GUEST_PDE_BS_CLR, BASE_LONG64,
     {SETF(GUEST_INTERRUPTIBILITY_INFO, MOVSS), SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x4000)}, NULL,
     "BS = 1 in a MOV-SS shadow with TF = 0"},
    {VMX_CHECK_GUEST_PDE_BS_CLR, BASE_HLT,
     {SETF(GUEST_RFLAGS, RFL_TF), SETF(GUEST_IA32_DEBUGCTL, 2),
      SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x4000)},
     NULL, "BS = 1 in HLT with TF = 1 but BTF = 1"},
    {VMX_CHECK_GUEST_LINK_ALIGN, BASE_LONG64_FULL,
     {SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x4000), SETF(VMCS_LINK_POINTER, PA_SHADOW_VMCS | 8)}, NULL,
     "still valid: BS = 1 outside shadows and HLT"},
    {VMX_CHECK_GUEST_PDE_RTM_BITS, BASE_LONG64_FULL, {SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x11001)},
     NULL, "RTM with B0"},
    {VMX_CHECK_GUEST_PDE_RTM_BITS, BASE_LONG64_FULL, {SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x15000)},
     NULL, "RTM with BS (bits 15:13 must be 0)"},
    {VMX_CHECK_GUEST_PDE_RTM_BP, BASE_LONG64_FULL, {SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x10000)},
     NULL, "RTM without enabled breakpoint"},
    {VMX_CHECK_GUEST_PDE_RTM_CPU, BASE_LONG64, {SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x11000)}, NULL,
     "RTM on a processor without RTM"},
    {VMX_CHECK_GUEST_PDE_RTM_MOVSS, BASE_LONG64_FULL,
     {SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x11000), SETF(GUEST_INTERRUPTIBILITY_INFO, MOVSS)}, NULL,
     "RTM in a MOV-SS shadow"},
    {VMX_CHECK_GUEST_LINK_ALIGN, BASE_LONG64_FULL,
     {SETF(GUEST_PENDING_DBG_EXCEPTIONS, 0x11000), SETF(VMCS_LINK_POINTER, PA_SHADOW_VMCS | 8)}, NULL,
     "still valid: RTM with enabled breakpoint on an RTM processor"},

    /* ---- VMCS link pointer ---- */
    {VMX_CHECK_GUEST_LINK_ALIGN, BASE_LONG64_FULL, {SETF(VMCS_LINK_POINTER, PA_SHADOW_VMCS | 0x800)},
     NULL, "link pointer not page aligned"},
    {VMX_CHECK_GUEST_LINK_ALIGN, BASE_LONG64_FULL, {SETF(VMCS_LINK_POINTER, ~1ull)}, NULL,
     "link pointer FFFFFFFF_FFFFFFFEH (not the 'none' value)"},
    {VMX_CHECK_GUEST_LINK_WIDTH, BASE_LONG64_FULL, {SETF(VMCS_LINK_POINTER, 1ull << 46)}, NULL,
     "link pointer at MAXPHYADDR (46)"},
    {VMX_CHECK_GUEST_LINK_WIDTH, BASE_LONG64_FULL, {SETF(VMCS_LINK_POINTER, ~0xfffull)}, NULL,
     "link pointer FFFFFFFF_FFFFF000H"},
    {VMX_CHECK_GUEST_LINK_WIDTH, BASE_LONG64, {SETF(VMCS_LINK_POINTER, 1ull << 40)}, NULL,
     "link pointer at MAXPHYADDR (40)"},
    {VMX_CHECK_GUEST_UINV, BASE_LONG64_FULL,
     {SETF(VMCS_LINK_POINTER, (1ull << 46) - 0x1000), ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_UINV),
      SETF(GUEST_UINV, 0x100)},
     NULL, "still valid: link pointer just below MAXPHYADDR (memory unreadable)"},
    {VMX_CHECK_GUEST_LINK_REV, BASE_LONG64_FULL, {{0}}, link_wrong_revision,
     "linked VMCS has another revision identifier"},
    {VMX_CHECK_GUEST_LINK_REV, BASE_LONG64_FULL, {SETF(VMCS_LINK_POINTER, PA_PML)}, NULL,
     "link pointer names a zeroed page"},
    {VMX_CHECK_GUEST_LINK_SHADOW, BASE_LONG64_FULL, {{0}}, link_not_shadow,
     "VMCS shadowing on, linked VMCS not a shadow VMCS"},
    {VMX_CHECK_GUEST_LINK_SHADOW, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_VMCS_SHADOWING)}, NULL,
     "VMCS shadowing off, linked VMCS is a shadow VMCS"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64, {{0}}, link_ordinary_vmcs,
     "still valid: ordinary VMCS linked without VMCS shadowing"},
    {VMX_CHECK_GUEST_LINK_CUR, BASE_LONG64_FULL, {{0}}, link_is_current,
     "link pointer = current-VMCS pointer"},
    {VMX_CHECK_GUEST_LINK_CUR, BASE_LONG64_FULL, {{0}}, link_is_current_on_smm_entry,
     "link pointer = current-VMCS pointer on an entry to SMM"},
    {VMX_CHECK_GUEST_PDE_RSVD, BASE_LONG64_FULL, {{0}}, link_is_current_in_smm_return,
     "still valid: link pointer = current-VMCS pointer in SMM with entry to SMM = 0"},
    {VMX_CHECK_GUEST_LINK_EXEC, BASE_LONG64_FULL, {{0}}, link_is_executive,
     "link pointer = executive-VMCS pointer in SMM"},

    /* ---- UINV ---- */
    {VMX_CHECK_GUEST_UINV, BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_UINV), SETF(GUEST_UINV, 0x100)}, NULL,
     "load UINV with UINV 100H"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64_FULL,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_UINV), SETF(GUEST_UINV, 0xff)}, msr_load_fs_base,
     "still valid: load UINV with UINV FFH"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64_FULL, {SETF(GUEST_UINV, 0xff00)}, msr_load_fs_base,
     "still valid: UINV not loaded, bits 15:8 ignored"},

    /* ---- PDPTEs (qualification 2) ---- */
    {VMX_CHECK_GUEST_PDPTE_CR3, BASE_PROT32_PAE, {{0}}, pdpte0_rw_bit, "PDPTE0 with R/W (bit 1)"},
    {VMX_CHECK_GUEST_PDPTE_CR3, BASE_PROT32_PAE, {{0}}, pdpte0_bit5, "PDPTE0 with bit 5"},
    {VMX_CHECK_GUEST_PDPTE_CR3, BASE_PROT32_PAE, {{0}}, pdpte3_bit8, "PDPTE3 with bit 8"},
    {VMX_CHECK_GUEST_PDPTE_CR3, BASE_PROT32_PAE, {{0}}, pdpte1_xd, "PDPTE1 with XD (bit 63)"},
    {VMX_CHECK_GUEST_PDPTE_CR3, BASE_PROT32_PAE, {{0}}, pdpte2_beyond_maxphyaddr,
     "PDPTE2 with bit 40 (MAXPHYADDR 40)"},
    {VMX_CHECK_GUEST_PDPTE_CR3, BASE_PROT32_PAE, {SETF(GUEST_CR3, PA_GUEST_PDPT + 0x20 + 0x18)},
     second_pdpt_bad, "CR3 names a second table (CR3 bits 4:0 ignored) with a bad PDPTE1"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_PROT32_PAE, {{0}}, pdpte2_top_address_bit,
     "still valid: PDPTE2 with bit 39 (below MAXPHYADDR)"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_PROT32_PAE, {{0}}, pdpte1_not_present_garbage,
     "still valid: not-present PDPTE with reserved bits"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_PROT32_PAE, {CLRF(GUEST_CR4, 1u << 5)}, bad_pdpt_no_pae_then_msr,
     "still valid: bad PDPT but 32-bit paging (CR4.PAE = 0)"},
    {VMX_CHECK_GUEST_PDPTE_EPT, BASE_PROT32_PAE, {{0}}, ept_pdptr2_bad,
     "EPT: PDPTE2 field with bit 6"},
    {VMX_CHECK_GUEST_PDPTE_EPT, BASE_PROT32_PAE, {{0}}, ept_pdptr3_beyond_maxphyaddr,
     "EPT: PDPTE3 field with bit 45 (MAXPHYADDR 40)"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_PROT32_PAE, {{0}}, ept_memory_pdpt_bad,
     "still valid: EPT guest with a bad PDPT in memory"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_PROT32_PAE, {{0}}, ept_pdptr1_not_present_garbage,
     "still valid: EPT, not-present PDPTE field with reserved bits"},
};
const size_t cases_guest_nonreg_count = sizeof cases_guest_nonreg / sizeof cases_guest_nonreg[0];
