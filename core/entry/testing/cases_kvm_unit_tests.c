/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VM-entry scenarios of kvm-unit-tests' x86/vmx_tests.c (test_vm_entry_*,
 * test_host_*, test_guest_*, control-field and event-injection cases),
 * re-implemented from their intent as validator cases.
 *
 * Each case's "what" starts with the kvm-unit-tests function whose scenario
 * it re-implements (names from shared/reference/sdm-entry-checks.md's KUT
 * column and the test list of vmx_tests.c); nothing of their code is used.
 * "(setup)" marks a VM-entry requirement a test establishes rather than
 * asserts; "(derived)" an entry rule next to what the test exercises.
 * Where a test checks that an entry still succeeds, the case reaches the
 * valid edge and then breaks a later check, which must fail first.
 */
#include "cases.h"

#include "vmm/msr.h"

/* ---- tweaks ---- */

static void after_mov_ss(struct test_entry *t) { t->in.mov_ss_blocking = true; }

/* BASE_LONG64 with "use TPR shadow" and a virtual-APIC page (VTPR 0). */
static void tpr_shadow(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_CPU_BASED_VM_EXEC_CONTROL,
             vmcs_get(&t->vmcs, VMCS_CPU_BASED_VM_EXEC_CONTROL) | VMX_PROC_USE_TPR_SHADOW);
    vmcs_set(&t->vmcs, VMCS_VIRTUAL_APIC_PAGE_ADDR, PA_VIRTUAL_APIC);
}

static void tpr_threshold_reserved(struct test_entry *t)
{
    tpr_shadow(t);
    vmcs_set(&t->vmcs, VMCS_TPR_THRESHOLD, 0x10);
}

static void tpr_threshold_above_vtpr(struct test_entry *t)
{
    tpr_shadow(t);
    vmcs_set(&t->vmcs, VMCS_TPR_THRESHOLD, 0x3);
    test_mem_write32(t, PA_VIRTUAL_APIC + 0x80, 0x20); /* VTPR[7:4] = 2 */
}

/* Threshold 2 = VTPR[7:4] 2: valid; then a reserved interruptibility bit. */
static void tpr_threshold_equal_vtpr(struct test_entry *t)
{
    tpr_shadow(t);
    vmcs_set(&t->vmcs, VMCS_TPR_THRESHOLD, 0x2);
    test_mem_write32(t, PA_VIRTUAL_APIC + 0x80, 0x20);
    vmcs_set(&t->vmcs, VMCS_GUEST_INTERRUPTIBILITY_INFO, 0x20);
}

static void msr_list_unknown_msr(struct test_entry *t)
{
    test_msr_entry(t, 1, 0x12345678u, 0, 0);
}

static void msr_list_fs_base(struct test_entry *t)
{
    test_msr_entry(t, 0, VMM_MSR_IA32_FS_BASE, 0, 0);
}

static void pdpte_reserved_in_memory(struct test_entry *t)
{
    test_mem_write64(t, PA_GUEST_PDPT, 0x120001 | 0x6);
}

static void pae_with_ept_bad_field(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_CPU_BASED_VM_EXEC_CONTROL,
             vmcs_get(&t->vmcs, VMCS_CPU_BASED_VM_EXEC_CONTROL) | VMX_PROC_ACTIVATE_SECONDARY);
    vmcs_set(&t->vmcs, VMCS_SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT);
    vmcs_set(&t->vmcs, VMCS_EPT_POINTER, PA_EPT_PML4 | 6u | (3u << 3));
    vmcs_set(&t->vmcs, VMCS_GUEST_PDPTR0, 0x120001 | (1ull << 63));
}

static void shadow_vmcs_without_shadow_bit(struct test_entry *t)
{
    test_mem_write32(t, PA_SHADOW_VMCS, t->caps.revision_id);
}

/* The MSR-store area ends beyond MAXPHYADDR (46): two entries from the last 16 bytes. */
#define LAST_16_BYTES ((1ull << 46) - 16)

const struct mutation_case cases_kvm_unit_tests[] = {
    /* ---- basic ---- */
    {VMX_CHECK_BASIC_MOVSS, BASE_LONG64, {{0}}, after_mov_ss,
     "vmentry_movss_shadow_test: VMLAUNCH right after MOV SS fails with error 26"},

    /* ---- test_vm_execution_ctls ---- */
    {VMX_CHECK_CTL_PIN_RSVD0, BASE_LONG64, {CLRF(PIN_BASED_VM_EXEC_CONTROL, 0x10)}, NULL,
     "test_pin_based_ctls: a default-1 pin-based bit (4) cleared"},
    {VMX_CHECK_CTL_PIN_RSVD1, BASE_LONG64, {ORF(PIN_BASED_VM_EXEC_CONTROL, VMX_PIN_POSTED_INTR)}, NULL,
     "test_pin_based_ctls: posted interrupts where allowed-1 is 0"},
    {VMX_CHECK_CTL_PROC_RSVD0, BASE_LONG64, {CLRF(CPU_BASED_VM_EXEC_CONTROL, 0x2)}, NULL,
     "test_primary_processor_based_ctls: a default-1 bit (1) cleared"},
    {VMX_CHECK_CTL_PROC_RSVD1, BASE_LONG64,
     {ORF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_MONITOR_TRAP_FLAG)}, NULL,
     "test_primary_processor_based_ctls: monitor trap flag where allowed-1 is 0"},
    {VMX_CHECK_CTL_PROC2_RSVD, BASE_LONG64,
     {ORF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_ACTIVATE_SECONDARY),
      SETF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENCLS_EXITING)},
     NULL, "test_secondary_processor_based_ctls: ENCLS exiting where allowed-1 is 0"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_LONG64,
     {SETF(SECONDARY_VM_EXEC_CONTROL, 0xffffffff), SETF(GUEST_INTERRUPTIBILITY_INFO, 0x20)}, NULL,
     "test_secondary_processor_based_ctls: secondary controls ignored when not activated"},
    {VMX_CHECK_CTL_CR3TGT_COUNT, BASE_LONG64, {SETF(CR3_TARGET_COUNT, 5)}, NULL,
     "test_cr3_targets: CR3-target count 5 > 4"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_LONG64,
     {SETF(CR3_TARGET_COUNT, 4), SETF(GUEST_INTERRUPTIBILITY_INFO, 0x20)}, NULL,
     "test_cr3_targets: CR3-target count 4 is accepted"},
    {VMX_CHECK_CTL_IOBMP_ALIGN, BASE_LONG64_FULL, {SETF(IO_BITMAP_A, PA_IO_BITMAP_A + 1)}, NULL,
     "test_io_bitmaps: I/O bitmap A not page aligned"},
    {VMX_CHECK_CTL_IOBMP_WIDTH, BASE_LONG64_FULL, {SETF(IO_BITMAP_B, 1ull << 46)}, NULL,
     "test_io_bitmaps: I/O bitmap B beyond MAXPHYADDR"},
    {VMX_CHECK_CTL_MSRBMP_ALIGN, BASE_LONG64_FULL, {SETF(MSR_BITMAP, PA_MSR_BITMAP | 0x800)}, NULL,
     "test_msr_bitmap: MSR bitmap not page aligned"},
    {VMX_CHECK_CTL_MSRBMP_WIDTH, BASE_LONG64_FULL, {SETF(MSR_BITMAP, 1ull << 46)}, NULL,
     "test_msr_bitmap: MSR bitmap beyond MAXPHYADDR"},
    {VMX_CHECK_CTL_VAPIC_ALIGN, BASE_LONG64_FULL,
     {SETF(VIRTUAL_APIC_PAGE_ADDR, PA_VIRTUAL_APIC | 0x10)}, NULL,
     "test_apic_virt_addr: virtual-APIC page not aligned"},
    {VMX_CHECK_CTL_VAPIC_WIDTH, BASE_LONG64_FULL, {SETF(VIRTUAL_APIC_PAGE_ADDR, 1ull << 46)}, NULL,
     "test_apic_virt_addr: virtual-APIC page beyond MAXPHYADDR"},
    {VMX_CHECK_CTL_TPRTHR_RSVD, BASE_LONG64, {{0}}, tpr_threshold_reserved,
     "test_tpr_threshold: TPR threshold bit 4 without virtual-interrupt delivery"},
    {VMX_CHECK_CTL_TPRTHR_VTPR, BASE_LONG64, {{0}}, tpr_threshold_above_vtpr,
     "test_tpr_threshold: threshold 3 above VTPR[7:4] = 2"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_LONG64, {{0}}, tpr_threshold_equal_vtpr,
     "test_tpr_threshold: threshold equal to VTPR[7:4] is accepted"},
    {VMX_CHECK_CTL_NMI_VNMI, BASE_LONG64,
     {ORF(PIN_BASED_VM_EXEC_CONTROL, VMX_PIN_VIRTUAL_NMIS),
      CLRF(PIN_BASED_VM_EXEC_CONTROL, VMX_PIN_NMI_EXITING)},
     NULL, "test_nmi_ctrls: virtual NMIs without NMI exiting"},
    {VMX_CHECK_CTL_NMI_WINDOW, BASE_LONG64,
     {ORF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_NMI_WINDOW_EXITING)}, NULL,
     "test_nmi_ctrls: NMI-window exiting without virtual NMIs"},
    {VMX_CHECK_CTL_APICACC_ALIGN, BASE_LONG64_FULL, {SETF(APIC_ACCESS_ADDR, PA_APIC_ACCESS | 0x100)},
     NULL, "test_apic_access_addr: APIC-access page not aligned"},
    {VMX_CHECK_CTL_APICV_TPR, BASE_LONG64_FULL,
     {CLRF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_USE_TPR_SHADOW)}, NULL,
     "test_apic_virtual_ctls: APIC-register virtualization without TPR shadow"},
    {VMX_CHECK_CTL_X2APIC_APICACC, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_VIRT_X2APIC_MODE)}, NULL,
     "test_apic_virtual_ctls: virtualize x2APIC mode with APIC-access virtualization"},
    {VMX_CHECK_CTL_VID_EXTINT, BASE_LONG64_FULL,
     {CLRF(PIN_BASED_VM_EXEC_CONTROL, VMX_PIN_EXT_INTR_EXITING)}, NULL,
     "test_virtual_intr_ctls: virtual-interrupt delivery without external-interrupt exiting"},
    {VMX_CHECK_CTL_PI_VID, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_VIRT_INTR_DELIVERY)}, NULL,
     "test_posted_intr: posted interrupts without virtual-interrupt delivery"},
    {VMX_CHECK_CTL_PI_ACK, BASE_LONG64_FULL, {CLRF(VM_EXIT_CONTROLS, VMX_EXIT_ACK_INTR_ON_EXIT)}, NULL,
     "test_posted_intr: posted interrupts without acknowledge interrupt on exit"},
    {VMX_CHECK_CTL_PI_VEC, BASE_LONG64_FULL, {SETF(POSTED_INTR_NV, 0x100)}, NULL,
     "test_posted_intr: notification vector 100H"},
    {VMX_CHECK_CTL_PI_DESC_ALIGN, BASE_LONG64_FULL,
     {SETF(POSTED_INTR_DESC_ADDR, PA_PI_DESC | 0x20)}, NULL,
     "test_posted_intr: descriptor not 64-byte aligned"},
    {VMX_CHECK_CTL_VPID_NZ, BASE_LONG64_FULL, {SETF(VIRTUAL_PROCESSOR_ID, 0)}, NULL,
     "test_vpid: enable VPID with VPID 0"},
    {VMX_CHECK_CTL_EPTP_MT, BASE_LONG64_FULL, {CLRF(EPT_POINTER, 7), ORF(EPT_POINTER, 1)}, NULL,
     "test_ept_eptp: EPT memory type WC (1)"},
    {VMX_CHECK_CTL_EPTP_PWL, BASE_LONG64_FULL, {CLRF(EPT_POINTER, 7u << 3), ORF(EPT_POINTER, 1u << 3)},
     NULL, "test_ept_eptp: page-walk length 2"},
    {VMX_CHECK_CTL_EPTP_RSVD, BASE_LONG64_FULL, {ORF(EPT_POINTER, 1u << 8)}, NULL,
     "test_ept_eptp: EPTP bit 8"},
    {VMX_CHECK_CTL_URG_EPT, BASE_REAL_URG, {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT)},
     NULL, "test_ept_eptp: unrestricted guest without EPT"},
    {VMX_CHECK_CTL_MBEC_EPT, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT)}, NULL,
     "test_mode_based_execute_control: MBEC without EPT"},
    {VMX_CHECK_CTL_PML_EPT, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT | VMX_PROC2_MODE_BASED_EPT_EXEC)}, NULL,
     "test_pml: PML without EPT"},
    {VMX_CHECK_CTL_PML_ALIGN, BASE_LONG64_FULL, {SETF(PML_ADDRESS, PA_PML | 8)}, NULL,
     "test_pml: PML address not page aligned"},

    /* ---- test_vm_exit_ctls ---- */
    {VMX_CHECK_EXIT_PREEMPT, BASE_LONG64, {ORF(VM_EXIT_CONTROLS, VMX_EXIT_SAVE_PREEMPTION_TIMER)}, NULL,
     "test_vmx_preemption_timer: save timer value without the timer"},
    {VMX_CHECK_EXIT_MSRSTORE_ALIGN, BASE_LONG64_FULL,
     {SETF(VM_EXIT_MSR_STORE_ADDR, PA_EXIT_MSR_STORE | 8)}, NULL,
     "test_exit_msr_store: MSR-store area not 16-byte aligned"},
    {VMX_CHECK_EXIT_MSRSTORE_WIDTH, BASE_LONG64_FULL, {SETF(VM_EXIT_MSR_STORE_ADDR, 1ull << 46)}, NULL,
     "test_exit_msr_store: MSR-store area beyond MAXPHYADDR"},
    {VMX_CHECK_EXIT_MSRSTORE_END, BASE_LONG64_FULL,
     {SETF(VM_EXIT_MSR_STORE_ADDR, LAST_16_BYTES), SETF(VM_EXIT_MSR_STORE_COUNT, 2)}, NULL,
     "test_exit_msr_store: MSR-store area's end beyond MAXPHYADDR"},

    /* ---- test_vm_entry_ctls ---- */
    {VMX_CHECK_ENTRY_MSRLOAD_ALIGN, BASE_LONG64_FULL,
     {SETF(VM_ENTRY_MSR_LOAD_ADDR, PA_ENTRY_MSR_LOAD | 4)}, NULL,
     "test_entry_msr_load: MSR-load area not 16-byte aligned"},
    {VMX_CHECK_ENTRY_MSRLOAD_WIDTH, BASE_LONG64_FULL, {SETF(VM_ENTRY_MSR_LOAD_ADDR, 1ull << 46)}, NULL,
     "test_entry_msr_load: MSR-load area beyond MAXPHYADDR"},
    {VMX_CHECK_ENTRY_MSRLOAD_END, BASE_LONG64_FULL, {SETF(VM_ENTRY_MSR_LOAD_ADDR, LAST_16_BYTES)},
     NULL, "test_entry_msr_load: MSR-load area's end beyond MAXPHYADDR"},
    {VMX_CHECK_ENTRY_INJ_TYPE_RSVD, BASE_LONG64, {SETF(VM_ENTRY_INTR_INFO_FIELD, 0x80000100)}, NULL,
     "test_invalid_event_injection: reserved interruption type 1"},
    {VMX_CHECK_ENTRY_INJ_VEC_NMI, BASE_LONG64, {SETF(VM_ENTRY_INTR_INFO_FIELD, 0x80000203)}, NULL,
     "test_invalid_event_injection: NMI with vector 3"},
    {VMX_CHECK_ENTRY_INJ_VEC_HWEXC, BASE_LONG64, {SETF(VM_ENTRY_INTR_INFO_FIELD, 0x80000320)}, NULL,
     "test_invalid_event_injection: hardware exception vector 32"},
    {VMX_CHECK_ENTRY_INJ_EC_VEC, BASE_INJECT, {CLRF(VM_ENTRY_INTR_INFO_FIELD, 1u << 11)}, NULL,
     "test_invalid_event_injection: #GP without an error code in protected mode"},
    {VMX_CHECK_ENTRY_INJ_EC_VEC, BASE_LONG64, {SETF(VM_ENTRY_INTR_INFO_FIELD, 0x80000b00)}, NULL,
     "test_invalid_event_injection: #DE with an error code"},
    {VMX_CHECK_ENTRY_INJ_EC_NONHW, BASE_LONG64, {SETF(VM_ENTRY_INTR_INFO_FIELD, 0x80000a02)}, NULL,
     "test_invalid_event_injection: NMI delivering an error code"},
    {VMX_CHECK_ENTRY_INJ_RSVD, BASE_INJECT, {ORF(VM_ENTRY_INTR_INFO_FIELD, 1u << 12)}, NULL,
     "test_invalid_event_injection: interruption-information bit 12"},
    {VMX_CHECK_ENTRY_INJ_EC_RSVD, BASE_INJECT, {SETF(VM_ENTRY_EXCEPTION_ERROR_CODE, 0x10000)}, NULL,
     "test_invalid_event_injection: error code bit 16"},
    {VMX_CHECK_ENTRY_INJ_ILEN_MAX, BASE_LONG64,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, 0x80000480), SETF(VM_ENTRY_INSTRUCTION_LEN, 16)}, NULL,
     "test_invalid_event_injection: software interrupt with instruction length 16"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_LONG64,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, 0x80000480), SETF(VM_ENTRY_INSTRUCTION_LEN, 15),
      SETF(GUEST_INTERRUPTIBILITY_INFO, 0x20)},
     NULL, "test_invalid_event_injection: software interrupt with length 15 is accepted"},

    /* ---- vmx_host_state_area_test ---- */
    {VMX_CHECK_HOST_CR0_FIXED0, BASE_LONG64, {CLRF(HOST_CR0, 1)}, NULL,
     "test_host_ctl_regs: host CR0.PE cleared"},
    {VMX_CHECK_HOST_CR4_FIXED0, BASE_LONG64, {CLRF(HOST_CR4, 0x2000)}, NULL,
     "test_host_ctl_regs: host CR4.VMXE cleared"},
    {VMX_CHECK_HOST_CR4_FIXED1, BASE_LONG64, {ORF(HOST_CR4, 1u << 12)}, NULL,
     "test_host_ctl_regs: host CR4.LA57 where CR4_FIXED1 forbids it"},
    {VMX_CHECK_HOST_CR3_WIDTH, BASE_LONG64, {ORF(HOST_CR3, 1ull << 40)}, NULL,
     "test_host_ctl_regs: host CR3 bit at MAXPHYADDR"},
    {VMX_CHECK_HOST_EFER_RSVD, BASE_LONG64, {ORF(HOST_IA32_EFER, 2)}, NULL,
     "test_host_efer: reserved host EFER bit 1"},
    {VMX_CHECK_HOST_EFER_LMA, BASE_LONG64, {CLRF(HOST_IA32_EFER, 0x400)}, NULL,
     "test_host_efer: host EFER.LMA = 0 with a 64-bit host"},
    {VMX_CHECK_HOST_PAT, BASE_LONG64, {SETF(HOST_IA32_PAT, 0x0007040600070402ull)}, NULL,
     "test_load_host_pat: host PAT entry 0 type 2"},
    {VMX_CHECK_HOST_PERFGLB_RSVD, BASE_LONG64_FULL, {SETF(HOST_IA32_PERF_GLOBAL_CTRL, 1ull << 63)},
     NULL, "test_load_host_perf_global_ctrl: host PERF_GLOBAL_CTRL bit 63"},
    {VMX_CHECK_HOST_SEG_CS_RPLTI, BASE_LONG64, {SETF(HOST_CS_SELECTOR, 0x0b)}, NULL,
     "test_host_segment_regs: host CS selector RPL 3"},
    {VMX_CHECK_HOST_SEG_TR_RPLTI, BASE_LONG64, {SETF(HOST_TR_SELECTOR, 0x1c)}, NULL,
     "test_host_segment_regs: host TR selector TI = 1"},
    {VMX_CHECK_HOST_SEG_CS_NZ, BASE_LONG64, {SETF(HOST_CS_SELECTOR, 0)}, NULL,
     "test_host_segment_regs: null host CS"},
    {VMX_CHECK_HOST_SEG_TR_NZ, BASE_LONG64, {SETF(HOST_TR_SELECTOR, 0)}, NULL,
     "test_host_segment_regs: null host TR"},
    {VMX_CHECK_HOST_SEG_FS_BASE, BASE_LONG64, {SETF(HOST_FS_BASE, 0x0000800000000000ull)}, NULL,
     "test_host_segment_regs: non-canonical host FS base"},
    {VMX_CHECK_HOST_SEG_GDTR_BASE, BASE_LONG64, {SETF(HOST_GDTR_BASE, 0x0000800000000000ull)}, NULL,
     "test_host_desc_tables: non-canonical host GDTR base"},
    {VMX_CHECK_HOST_SEG_IDTR_BASE, BASE_LONG64, {SETF(HOST_IDTR_BASE, 0x8000000000000000ull)}, NULL,
     "vmx_canonical_test: non-canonical host IDTR base"},
    {VMX_CHECK_ASZ_H1_RIP, BASE_LONG64, {SETF(HOST_RIP, 0x0000800000000000ull)}, NULL,
     "vmx_canonical_test: non-canonical host RIP"},
    {VMX_CHECK_ASZ_H0_GUEST, BASE_LONG64,
     {CLRF(VM_EXIT_CONTROLS, VMX_EXIT_HOST_ADDR_SPACE_SIZE | VMX_EXIT_LOAD_EFER)}, NULL,
     "test_host_addr_size: host address-space size 0 with an IA-32e guest"},
    {VMX_CHECK_HOST_SYSENTER_ESP, BASE_LONG64,
     {SETF(HOST_IA32_SYSENTER_ESP, 0x8000000000000000ull)}, NULL,
     "test_canonical: non-canonical host SYSENTER_ESP"},
    {VMX_CHECK_HOST_SYSENTER_EIP, BASE_LONG64,
     {SETF(HOST_IA32_SYSENTER_EIP, 0x0000800000000000ull)}, NULL,
     "test_canonical: non-canonical host SYSENTER_EIP"},

    /* ---- vmx_guest_state_area_test ---- */
    {VMX_CHECK_GUEST_DR7_HI, BASE_LONG64_FULL, {SETF(GUEST_DR7, 0x100000400ull)}, NULL,
     "test_guest_dr7: DR7 bit 32 with load debug controls"},
    {VMX_CHECK_GUEST_PAT, BASE_LONG64, {SETF(GUEST_IA32_PAT, 0x0007040600070403ull)}, NULL,
     "test_load_guest_pat: guest PAT entry 0 type 3"},
    {VMX_CHECK_GUEST_EFER_RSVD, BASE_LONG64, {ORF(GUEST_IA32_EFER, 2)}, NULL,
     "test_guest_efer: reserved guest EFER bit 1"},
    {VMX_CHECK_GUEST_EFER_LMA, BASE_LONG64, {CLRF(GUEST_IA32_EFER, 0x400)}, NULL,
     "test_guest_efer: guest EFER.LMA = 0 with an IA-32e guest"},
    {VMX_CHECK_GUEST_EFER_LME, BASE_LONG64, {CLRF(GUEST_IA32_EFER, 0x100)}, NULL,
     "test_guest_efer: guest EFER.LME = 0 with LMA = 1 and paging"},
    {VMX_CHECK_GUEST_PERFGLB_RSVD, BASE_LONG64_FULL,
     {SETF(GUEST_IA32_PERF_GLOBAL_CTRL, 1ull << 63)}, NULL,
     "test_load_guest_perf_global_ctrl: guest PERF_GLOBAL_CTRL bit 63"},
    {VMX_CHECK_GUEST_BNDCFGS_RSVD, BASE_LONG64_FULL, {SETF(GUEST_BNDCFGS, 0x4)}, NULL,
     "test_load_guest_bndcfgs: BNDCFGS bit 2"},
    {VMX_CHECK_GUEST_BNDCFGS_CANON, BASE_LONG64_FULL, {SETF(GUEST_BNDCFGS, 0x0100000000000000ull)},
     NULL, "test_load_guest_bndcfgs: non-canonical bound-directory base"},
    {VMX_CHECK_GUEST_SYSENTER_ESP, BASE_LONG64, {SETF(GUEST_SYSENTER_ESP, 0x0000800000000000ull)},
     NULL, "test_canonical: non-canonical guest SYSENTER_ESP"},
    {VMX_CHECK_GUEST_SYSENTER_EIP, BASE_LONG64, {SETF(GUEST_SYSENTER_EIP, 0x8000000000000000ull)},
     NULL, "test_canonical: non-canonical guest SYSENTER_EIP"},
    {VMX_CHECK_GUEST_SEG_TR_SEL_TI, BASE_LONG64, {SETF(GUEST_TR_SELECTOR, 0x1c)}, NULL,
     "test_guest_segment_sel_fields: TR selector TI = 1"},
    {VMX_CHECK_GUEST_SEG_SS_SEL_RPL, BASE_LONG64, {SETF(GUEST_SS_SELECTOR, 0x13)}, NULL,
     "test_guest_segment_sel_fields: SS RPL 3 with CS RPL 0"},
    {VMX_CHECK_GUEST_SEG_TR_BASE_CANON, BASE_LONG64, {SETF(GUEST_TR_BASE, 0x0000800000000000ull)},
     NULL, "test_guest_segment_base_addr_fields: non-canonical TR base"},
    {VMX_CHECK_GUEST_SEG_FS_BASE_CANON, BASE_LONG64, {SETF(GUEST_FS_BASE, 0x0000800000000000ull)},
     NULL, "test_guest_segment_base_addr_fields: non-canonical FS base"},
    {VMX_CHECK_GUEST_SEG_CS_BASE_HI, BASE_LONG64, {SETF(GUEST_CS_BASE, 1ull << 32)}, NULL,
     "test_guest_segment_base_addr_fields: CS base bit 32"},
    {VMX_CHECK_GUEST_DTR_GDTR_BASE, BASE_LONG64, {SETF(GUEST_GDTR_BASE, 0x0000800000000000ull)},
     NULL, "vmx_guest_state_area_test: non-canonical GDTR base"},
    {VMX_CHECK_GUEST_DTR_IDTR_LIMIT, BASE_LONG64, {SETF(GUEST_IDTR_LIMIT, 0x10000)}, NULL,
     "vmx_guest_state_area_test: IDTR limit bit 16"},
    {VMX_CHECK_GUEST_PDE_BS_SET, BASE_LONG64,
     {SETF(GUEST_RFLAGS, 0x302), SETF(GUEST_INTERRUPTIBILITY_INFO, 1)}, NULL,
     "vmx_db_test (derived): TF = 1 in an STI shadow needs a pending single step (BS)"},
    {VMX_CHECK_GUEST_INT_RSVD, BASE_LONG64,
     {SETF(GUEST_ACTIVITY_STATE, 3), SETF(GUEST_INTERRUPTIBILITY_INFO, 0x20)}, NULL,
     "vmx_sipi_signal_test (derived): entering wait-for-SIPI is accepted"},
    {VMX_CHECK_GUEST_ACT_INJ_HLT, BASE_INJECT, {SETF(GUEST_ACTIVITY_STATE, 1)}, NULL,
     "vmx_pending_event_hlt_test (derived): a #GP cannot be injected into HLT"},
    {VMX_CHECK_GUEST_LINK_SHADOW, BASE_LONG64_FULL, {{0}}, shadow_vmcs_without_shadow_bit,
     "vmx_vmcs_shadow_test (setup): VMCS shadowing needs a shadow VMCS at the link pointer"},

    /* ---- PDPTEs ---- */
    {VMX_CHECK_GUEST_PDPTE_CR3, BASE_PROT32_PAE, {{0}}, pdpte_reserved_in_memory,
     "vmx_pae_test: PAE guest without EPT, PDPTE0 in memory with bits 2:1"},
    {VMX_CHECK_GUEST_PDPTE_EPT, BASE_PROT32_PAE, {{0}}, pae_with_ept_bad_field,
     "vmx_mtf_pdpte_test (setup): PAE guest under EPT, PDPTE0 field with XD (reserved)"},

    /* ---- MSR loading ---- */
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, msr_list_unknown_msr,
     "invalid_msr: VM-entry MSR-load list with an MSR WRMSR rejects (exit 34)"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64_FULL, {{0}}, msr_list_fs_base,
     "msr_switch_entry_failure (MSR switch test): IA32_FS_BASE in the VM-entry MSR-load list"},
};
const size_t cases_kvm_unit_tests_count = sizeof cases_kvm_unit_tests / sizeof cases_kvm_unit_tests[0];
