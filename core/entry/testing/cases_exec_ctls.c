/* SPDX-License-Identifier: Apache-2.0 */
/* Mutation cases: VM-execution control checks (checks/exec_ctls.def). */
#include "cases.h"

/* The modern profile's physical-address width (MAXPHYADDR 46). */
#define ABOVE_WIDTH (1ull << 46)
#define LAST_PAGE_BELOW_WIDTH (ABOVE_WIDTH - 0x1000)

/* EPTP of BASE_LONG64_FULL: WB, 4-level walk, A/D flags. */
#define FULL_EPTP (PA_EPT_PML4 | 6u | (3u << 3) | (1u << 6))
#define EPTP_MT(mt) ((FULL_EPTP & ~7ull) | (mt))
#define EPTP_PWL(w) ((FULL_EPTP & ~(7ull << 3)) | ((uint64_t)(w) << 3))

/* Secondary controls of BASE_LONG64_FULL that need EPT, cleared with it. */
#define FULL_EPT_USERS (VMX_PROC2_ENABLE_EPT | VMX_PROC2_MODE_BASED_EPT_EXEC | \
                        VMX_PROC2_ENABLE_PML | VMX_PROC2_SUBPAGE_WRITE | VMX_PROC2_ENABLE_VMFUNC)

/* A processor reporting IA32_VMX_BASIC[48] = 1 (32-bit VMX addresses). */
static void addr_width_32(struct test_entry *t)
{
    t->caps.addr_width_32 = true;
    t->caps.phys_addr_width = 32;
}

/* The same, with a later failure: proves the addresses before it passed. */
static void addr_width_32_entry_msr_misaligned(struct test_entry *t)
{
    addr_width_32(t);
    vmcs_set(&t->vmcs, VMCS_VM_ENTRY_MSR_LOAD_ADDR, PA_ENTRY_MSR_LOAD | 8);
}

static void proc2_requires_rdtscp(struct test_entry *t)
{
    t->caps.ctl[VMM_CTL_PROC2].allowed0 |= VMX_PROC2_ENABLE_RDTSCP;
}

/* VTPR = 0x20 (priority class 2) in the virtual-APIC page. */
static void vtpr_class_2(struct test_entry *t)
{
    test_mem_write32(t, PA_VIRTUAL_APIC + 0x80, 0x20);
}

/* VTPR class 2 and a TPR threshold of exactly 2; CR3-target count breaks later. */
static void vtpr_class_2_threshold_2_then_fail(struct test_entry *t)
{
    vtpr_class_2(t);
    vmcs_set(&t->vmcs, VMCS_TPR_THRESHOLD, 2);
    vmcs_set(&t->vmcs, VMCS_VIRTUAL_PROCESSOR_ID, 0);
}

static void vtpr_unreadable(struct test_entry *t)
{
    t->in.read_phys = NULL;
    vmcs_set(&t->vmcs, VMCS_VIRTUAL_PROCESSOR_ID, 0);
}

static void no_ept_uc(struct test_entry *t) { t->caps.ept_vpid_cap &= ~VMX_EPT_CAP_MT_UC; }
static void no_ept_ad(struct test_entry *t) { t->caps.ept_vpid_cap &= ~VMX_EPT_CAP_AD; }
static void no_ept_pwl4(struct test_entry *t) { t->caps.ept_vpid_cap &= ~VMX_EPT_CAP_PWL4; }

/* Breaks CTL.VPID.NZ, a later rule: what precedes it must have passed. */
static void then_vpid_zero(struct test_entry *t) { vmcs_set(&t->vmcs, VMCS_VIRTUAL_PROCESSOR_ID, 0); }

/* Breaks EXIT.RSVD0 (the next section): every execution-control rule passed. */
static void then_exit_rsvd0(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_VM_EXIT_CONTROLS, vmcs_get(&t->vmcs, VMCS_VM_EXIT_CONTROLS) & ~1ull);
}

static void pt_gpa_complete_then_exit_rsvd0(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_VM_EXIT_CONTROLS,
             vmcs_get(&t->vmcs, VMCS_VM_EXIT_CONTROLS) | VMX_EXIT_CLEAR_RTIT_CTL);
    then_exit_rsvd0(t);
}

const struct mutation_case cases_exec_ctls[] = {
    {VMX_CHECK_CTL_PIN_RSVD0, BASE_LONG64, {CLRF(PIN_BASED_VM_EXEC_CONTROL, 0x16)}, NULL,
     "pin-based must-be-1 bits cleared"},
    {VMX_CHECK_CTL_PIN_RSVD1, BASE_LONG64, {ORF(PIN_BASED_VM_EXEC_CONTROL, 1u << 8)}, NULL,
     "pin-based reserved bit 8 set"},

    /* CTL.GEN.PA32 */
    {VMX_CHECK_CTL_GEN_PA32, BASE_LONG64_FULL, {SETF(IO_BITMAP_A, (1ull << 32) | PA_IO_BITMAP_A)},
     addr_width_32, "BASIC[48] = 1: I/O bitmap A above 4 GiB"},
    {VMX_CHECK_CTL_GEN_PA32, BASE_LONG64_FULL, {SETF(VM_EXIT_MSR_STORE_ADDR, 0xfffffff0), SETF(VM_EXIT_MSR_STORE_COUNT, 2)},
     addr_width_32, "BASIC[48] = 1: VM-exit MSR-store area ends above 4 GiB"},
    {VMX_CHECK_CTL_GEN_PA32, BASE_LONG64_FULL, {SETF(VMWRITE_BITMAP, 1ull << 40)},
     addr_width_32, "BASIC[48] = 1: VMWRITE bitmap above 4 GiB"},
    {VMX_CHECK_ENTRY_MSRLOAD_ALIGN, BASE_LONG64_FULL,
     {SETF(VM_EXIT_MSR_STORE_ADDR, 0xfffffff0), SETF(VM_EXIT_MSR_STORE_COUNT, 1)},
     addr_width_32_entry_msr_misaligned, "BASIC[48] = 1: an MSR area ending at 0xffffffff passes"},
    {VMX_CHECK_ENTRY_MSRLOAD_ALIGN, BASE_LONG64_FULL,
     {CLRF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_USE_IO_BITMAPS), SETF(IO_BITMAP_A, 1ull << 40)},
     addr_width_32_entry_msr_misaligned, "BASIC[48] = 1: an unused I/O-bitmap address is not checked"},
    {VMX_CHECK_CTL_VPID_NZ, BASE_LONG64_FULL, {SETF(IO_BITMAP_A, (1ull << 32) | PA_IO_BITMAP_A)},
     then_vpid_zero, "BASIC[48] = 0: an I/O bitmap above 4 GiB (below 2^MAXPHYADDR) passes"},

    /* Control words */
    {VMX_CHECK_CTL_PROC_RSVD0, BASE_LONG64, {CLRF(CPU_BASED_VM_EXEC_CONTROL, 0x2)}, NULL,
     "primary must-be-1 bit 1 cleared"},
    {VMX_CHECK_CTL_PROC_RSVD1, BASE_LONG64, {ORF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_MONITOR_TRAP_FLAG)},
     NULL, "monitor trap flag on a processor without it"},
    {VMX_CHECK_CTL_PROC_RSVD1, BASE_LONG64, {ORF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_ACTIVATE_TERTIARY)},
     NULL, "tertiary controls on a processor without them"},
    {VMX_CHECK_CTL_PROC2_RSVD, BASE_LONG64,
     {ORF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_ACTIVATE_SECONDARY), SETF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_MODE_BASED_EPT_EXEC)},
     NULL, "mode-based execute control on a processor without it"},
    {VMX_CHECK_CTL_PROC2_RSVD, BASE_LONG64,
     {ORF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_ACTIVATE_SECONDARY), SETF(SECONDARY_VM_EXEC_CONTROL, 0)},
     proc2_requires_rdtscp, "secondary must-be-1 bit (allowed-0) cleared"},
    {VMX_CHECK_CTL_CR3TGT_COUNT, BASE_LONG64,
     {SETF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_MODE_BASED_EPT_EXEC), SETF(CR3_TARGET_COUNT, 5)},
     NULL, "secondary controls are not checked while not activated"},
    {VMX_CHECK_CTL_PROC3_RSVD, BASE_LONG64_FULL, {SETF(TERTIARY_VM_EXEC_CONTROL, 1ull << 9)}, NULL,
     "tertiary bit 9 not allowed by IA32_VMX_PROCBASED_CTLS3"},
    {VMX_CHECK_CTL_CR3TGT_COUNT, BASE_LONG64_FULL,
     {CLRF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_ACTIVATE_TERTIARY), SETF(TERTIARY_VM_EXEC_CONTROL, 1ull << 9), SETF(CR3_TARGET_COUNT, 5)},
     NULL, "tertiary controls are not checked while not activated"},
    {VMX_CHECK_CTL_CR3TGT_COUNT, BASE_LONG64, {SETF(CR3_TARGET_COUNT, 5)}, NULL,
     "five CR3-target values, four supported"},
    {VMX_CHECK_EXIT_RSVD0, BASE_LONG64, {SETF(CR3_TARGET_COUNT, 4)}, then_exit_rsvd0,
     "four CR3-target values pass"},

    /* Bitmaps and the virtual-APIC page */
    {VMX_CHECK_CTL_IOBMP_ALIGN, BASE_LONG64_FULL, {SETF(IO_BITMAP_B, PA_IO_BITMAP_B | 0x800)}, NULL,
     "I/O bitmap B not page aligned"},
    {VMX_CHECK_CTL_IOBMP_WIDTH, BASE_LONG64_FULL, {SETF(IO_BITMAP_A, ABOVE_WIDTH)}, NULL,
     "I/O bitmap A at 2^MAXPHYADDR"},
    {VMX_CHECK_CTL_VPID_NZ, BASE_LONG64_FULL, {SETF(IO_BITMAP_B, LAST_PAGE_BELOW_WIDTH)}, then_vpid_zero,
     "I/O bitmap B in the last page below 2^MAXPHYADDR passes"},
    {VMX_CHECK_CTL_CR3TGT_COUNT, BASE_LONG64, {SETF(IO_BITMAP_A, 0x123), SETF(CR3_TARGET_COUNT, 5)},
     NULL, "I/O-bitmap addresses are not checked without \"use I/O bitmaps\""},
    {VMX_CHECK_CTL_MSRBMP_ALIGN, BASE_LONG64_FULL, {SETF(MSR_BITMAP, PA_MSR_BITMAP | 1)}, NULL,
     "MSR bitmap not page aligned"},
    {VMX_CHECK_CTL_MSRBMP_WIDTH, BASE_LONG64_FULL, {SETF(MSR_BITMAP, ABOVE_WIDTH | PA_MSR_BITMAP)}, NULL,
     "MSR bitmap above 2^MAXPHYADDR"},
    {VMX_CHECK_CTL_VAPIC_ALIGN, BASE_LONG64_FULL, {SETF(VIRTUAL_APIC_PAGE_ADDR, PA_VIRTUAL_APIC | 0x80)},
     NULL, "virtual-APIC page not page aligned"},
    {VMX_CHECK_CTL_VAPIC_WIDTH, BASE_LONG64_FULL, {SETF(VIRTUAL_APIC_PAGE_ADDR, ~0xfffull)}, NULL,
     "virtual-APIC address with every high bit set"},

    /* TPR threshold */
    {VMX_CHECK_CTL_TPRTHR_RSVD, BASE_LONG64,
     {ORF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_USE_TPR_SHADOW), SETF(VIRTUAL_APIC_PAGE_ADDR, PA_VIRTUAL_APIC), SETF(TPR_THRESHOLD, 0x10)},
     NULL, "TPR shadow without virtual-interrupt delivery: threshold 16"},
    {VMX_CHECK_CTL_TPRTHR_RSVD, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_VIRT_INTR_DELIVERY), SETF(TPR_THRESHOLD, 0x80000000u)},
     NULL, "threshold bit 31 once virtual-interrupt delivery is off"},
    {VMX_CHECK_CTL_VPID_NZ, BASE_LONG64_FULL, {SETF(TPR_THRESHOLD, 0xfffffff0u)}, then_vpid_zero,
     "with virtual-interrupt delivery the TPR threshold is not checked"},
    {VMX_CHECK_CTL_TPRTHR_VTPR, BASE_LONG64,
     {ORF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_USE_TPR_SHADOW), SETF(VIRTUAL_APIC_PAGE_ADDR, PA_VIRTUAL_APIC), SETF(TPR_THRESHOLD, 1)},
     NULL, "TPR threshold 1 above VTPR class 0"},
    {VMX_CHECK_CTL_TPRTHR_VTPR, BASE_LONG64,
     {ORF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_USE_TPR_SHADOW), SETF(VIRTUAL_APIC_PAGE_ADDR, PA_VIRTUAL_APIC), SETF(TPR_THRESHOLD, 3)},
     vtpr_class_2, "TPR threshold 3 above VTPR class 2"},
    {VMX_CHECK_CTL_VPID_NZ, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_VIRT_INTR_DELIVERY | VMX_PROC2_VIRT_APIC_ACCESSES |
                                          VMX_PROC2_APIC_REGISTER_VIRT),
      CLRF(PIN_BASED_VM_EXEC_CONTROL, VMX_PIN_POSTED_INTR)},
     vtpr_class_2_threshold_2_then_fail, "TPR threshold equal to VTPR[7:4] passes"},
    {VMX_CHECK_CTL_PI_VID, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_VIRT_INTR_DELIVERY), SETF(TPR_THRESHOLD, 0xf)},
     NULL, "with \"virtualize APIC accesses\" VTPR is not consulted"},
    {VMX_CHECK_CTL_VPID_NZ, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_VIRT_INTR_DELIVERY | VMX_PROC2_VIRT_APIC_ACCESSES |
                                          VMX_PROC2_APIC_REGISTER_VIRT),
      CLRF(PIN_BASED_VM_EXEC_CONTROL, VMX_PIN_POSTED_INTR), SETF(TPR_THRESHOLD, 0xf)},
     vtpr_unreadable, "no memory reader: the VTPR rule is skipped"},

    /* NMIs */
    {VMX_CHECK_CTL_NMI_VNMI, BASE_LONG64_FULL, {CLRF(PIN_BASED_VM_EXEC_CONTROL, VMX_PIN_NMI_EXITING)},
     NULL, "virtual NMIs without NMI exiting"},
    {VMX_CHECK_CTL_NMI_WINDOW, BASE_LONG64_FULL, {CLRF(PIN_BASED_VM_EXEC_CONTROL, VMX_PIN_VIRTUAL_NMIS)},
     NULL, "NMI-window exiting without virtual NMIs"},
    {VMX_CHECK_CTL_NMI_WINDOW, BASE_LONG64, {ORF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_NMI_WINDOW_EXITING)},
     NULL, "NMI-window exiting on an ordinary NMI-exiting VMCS"},

    /* APIC virtualization and posted interrupts */
    {VMX_CHECK_CTL_APICACC_ALIGN, BASE_LONG64_FULL, {SETF(APIC_ACCESS_ADDR, PA_APIC_ACCESS | 0x10)}, NULL,
     "APIC-access page not page aligned"},
    {VMX_CHECK_CTL_APICACC_WIDTH, BASE_LONG64_FULL, {SETF(APIC_ACCESS_ADDR, ABOVE_WIDTH)}, NULL,
     "APIC-access page at 2^MAXPHYADDR"},
    {VMX_CHECK_CTL_APICV_TPR, BASE_LONG64_FULL, {CLRF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_USE_TPR_SHADOW)},
     NULL, "APIC-register virtualization and VID without TPR shadow"},
    {VMX_CHECK_CTL_APICV_TPR, BASE_LONG64,
     {ORF(CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_ACTIVATE_SECONDARY), SETF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_VIRT_X2APIC_MODE)},
     NULL, "virtualize x2APIC mode without TPR shadow"},
    {VMX_CHECK_CTL_X2APIC_APICACC, BASE_LONG64_FULL, {ORF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_VIRT_X2APIC_MODE)},
     NULL, "virtualize x2APIC mode with virtualize APIC accesses"},
    {VMX_CHECK_CTL_VID_EXTINT, BASE_LONG64_FULL, {CLRF(PIN_BASED_VM_EXEC_CONTROL, VMX_PIN_EXT_INTR_EXITING)},
     NULL, "virtual-interrupt delivery without external-interrupt exiting"},
    {VMX_CHECK_CTL_PI_VID, BASE_LONG64_FULL, {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_VIRT_INTR_DELIVERY)},
     NULL, "posted interrupts without virtual-interrupt delivery"},
    {VMX_CHECK_CTL_PI_ACK, BASE_LONG64_FULL, {CLRF(VM_EXIT_CONTROLS, VMX_EXIT_ACK_INTR_ON_EXIT)}, NULL,
     "posted interrupts without acknowledge interrupt on exit"},
    {VMX_CHECK_CTL_PI_VEC, BASE_LONG64_FULL, {SETF(POSTED_INTR_NV, 0x1f2)}, NULL,
     "notification vector 1F2H"},
    {VMX_CHECK_CTL_VPID_NZ, BASE_LONG64_FULL, {SETF(POSTED_INTR_NV, 0xff)}, then_vpid_zero,
     "notification vector FFH passes"},
    {VMX_CHECK_CTL_PI_DESC_ALIGN, BASE_LONG64_FULL, {SETF(POSTED_INTR_DESC_ADDR, PA_PI_DESC | 0x20)}, NULL,
     "posted-interrupt descriptor on a 32-byte boundary"},
    {VMX_CHECK_CTL_VPID_NZ, BASE_LONG64_FULL, {SETF(POSTED_INTR_DESC_ADDR, PA_PI_DESC | 0xfc0)}, then_vpid_zero,
     "posted-interrupt descriptor on a 64-byte boundary passes"},
    {VMX_CHECK_CTL_PI_DESC_WIDTH, BASE_LONG64_FULL, {SETF(POSTED_INTR_DESC_ADDR, ABOVE_WIDTH | PA_PI_DESC)},
     NULL, "posted-interrupt descriptor above 2^MAXPHYADDR"},
    {VMX_CHECK_CTL_VPID_NZ, BASE_LONG64_FULL, {SETF(VIRTUAL_PROCESSOR_ID, 0)}, NULL, "VPID 0 with enable VPID"},

    /* EPTP */
    {VMX_CHECK_CTL_EPTP_MT, BASE_LONG64_FULL, {SETF(EPT_POINTER, EPTP_MT(1))}, NULL, "EPT memory type WC"},
    {VMX_CHECK_CTL_EPTP_MT, BASE_LONG64_FULL, {SETF(EPT_POINTER, EPTP_MT(0))}, no_ept_uc,
     "EPT memory type UC where EPT_VPID_CAP[8] = 0"},
    {VMX_CHECK_CTL_VPID_NZ, BASE_LONG64_FULL, {SETF(EPT_POINTER, EPTP_MT(0))}, then_vpid_zero,
     "EPT memory type UC where supported passes"},
    {VMX_CHECK_CTL_EPTP_PWL, BASE_LONG64_FULL, {SETF(EPT_POINTER, EPTP_PWL(2))}, NULL, "3-level EPT walk"},
    {VMX_CHECK_CTL_EPTP_PWL, BASE_REAL_URG, {SETF(EPT_POINTER, (PA_EPT_PML4 | 6u | (4u << 3)))}, NULL,
     "5-level EPT walk on a processor without it"},
    {VMX_CHECK_CTL_EPTP_PWL, BASE_LONG64_FULL, {{0}}, no_ept_pwl4, "4-level EPT walk where EPT_VPID_CAP[6] = 0"},
    {VMX_CHECK_CTL_VPID_NZ, BASE_LONG64_FULL, {SETF(EPT_POINTER, EPTP_PWL(4))}, then_vpid_zero,
     "5-level EPT walk where supported passes"},
    {VMX_CHECK_CTL_EPTP_AD, BASE_LONG64_FULL, {{0}}, no_ept_ad, "EPT A/D flags where EPT_VPID_CAP[21] = 0"},
    {VMX_CHECK_CTL_EPTP_SSS, BASE_REAL_URG, {ORF(EPT_POINTER, 1u << 7)}, NULL,
     "supervisor shadow-stack control where EPT_VPID_CAP[23] = 0"},
    {VMX_CHECK_CTL_VPID_NZ, BASE_LONG64_FULL, {ORF(EPT_POINTER, 1u << 7)}, then_vpid_zero,
     "supervisor shadow-stack control where supported passes"},
    {VMX_CHECK_CTL_EPTP_RSVD, BASE_LONG64_FULL, {ORF(EPT_POINTER, 1u << 8)}, NULL, "EPTP bit 8"},
    {VMX_CHECK_CTL_EPTP_RSVD, BASE_LONG64_FULL, {ORF(EPT_POINTER, 1u << 11)}, NULL, "EPTP bit 11"},
    {VMX_CHECK_CTL_EPTP_RSVD, BASE_LONG64_FULL, {ORF(EPT_POINTER, ABOVE_WIDTH)}, NULL,
     "EPT PML4 at 2^MAXPHYADDR"},
    {VMX_CHECK_CTL_CR3TGT_COUNT, BASE_LONG64, {SETF(EPT_POINTER, 0xfff), SETF(CR3_TARGET_COUNT, 5)}, NULL,
     "EPTP is not checked without enable EPT"},

    /* Controls that need EPT, and their structures */
    {VMX_CHECK_CTL_URG_EPT, BASE_REAL_URG, {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT)}, NULL,
     "unrestricted guest without EPT"},
    {VMX_CHECK_CTL_MBEC_EPT, BASE_LONG64_FULL, {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT)}, NULL,
     "mode-based execute control without EPT"},
    {VMX_CHECK_CTL_PML_EPT, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT | VMX_PROC2_MODE_BASED_EPT_EXEC)}, NULL,
     "PML without EPT"},
    {VMX_CHECK_CTL_PML_ALIGN, BASE_LONG64_FULL, {SETF(PML_ADDRESS, PA_PML | 0x8)}, NULL,
     "PML log not page aligned"},
    {VMX_CHECK_CTL_PML_WIDTH, BASE_LONG64_FULL, {SETF(PML_ADDRESS, ABOVE_WIDTH)}, NULL,
     "PML log at 2^MAXPHYADDR"},
    {VMX_CHECK_CTL_SPP_EPT, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT | VMX_PROC2_MODE_BASED_EPT_EXEC | VMX_PROC2_ENABLE_PML)},
     NULL, "sub-page write permissions without EPT"},
    {VMX_CHECK_CTL_SPP_ALIGN, BASE_LONG64_FULL, {SETF(SPPT_POINTER, PA_SPPT | 0x400)}, NULL,
     "SPP table not page aligned"},
    {VMX_CHECK_CTL_SPP_WIDTH, BASE_LONG64_FULL, {SETF(SPPT_POINTER, ABOVE_WIDTH)}, NULL,
     "SPP table at 2^MAXPHYADDR"},

    /* VM functions */
    {VMX_CHECK_CTL_VMFUNC_RSVD, BASE_LONG64_FULL, {SETF(VM_FUNCTION_CONTROL, 3)}, NULL,
     "VM function 1 not allowed by IA32_VMX_VMFUNC"},
    {VMX_CHECK_CTL_CR3TGT_COUNT, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_VMFUNC), SETF(VM_FUNCTION_CONTROL, 3), SETF(CR3_TARGET_COUNT, 5)},
     NULL, "VM-function controls are not checked without enable VM functions"},
    {VMX_CHECK_CTL_VMFUNC_EPTPSW_EPT, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT | VMX_PROC2_MODE_BASED_EPT_EXEC |
                                          VMX_PROC2_ENABLE_PML | VMX_PROC2_SUBPAGE_WRITE)},
     NULL, "EPTP switching without EPT"},
    {VMX_CHECK_CTL_VMFUNC_EPTPLIST_ALIGN, BASE_LONG64_FULL, {SETF(EPTP_LIST_ADDRESS, PA_EPTP_LIST | 0x100)},
     NULL, "EPTP list not page aligned"},
    {VMX_CHECK_CTL_VMFUNC_EPTPLIST_WIDTH, BASE_LONG64_FULL, {SETF(EPTP_LIST_ADDRESS, ABOVE_WIDTH)}, NULL,
     "EPTP list at 2^MAXPHYADDR"},
    {VMX_CHECK_CTL_CR3TGT_COUNT, BASE_LONG64_FULL,
     {SETF(VM_FUNCTION_CONTROL, 0), SETF(EPTP_LIST_ADDRESS, 0x123), SETF(CR3_TARGET_COUNT, 5)},
     NULL, "the EPTP list is not checked without EPTP switching"},

    /* VMCS shadowing, #VE */
    {VMX_CHECK_CTL_SHADOW_VMREAD_ALIGN, BASE_LONG64_FULL, {SETF(VMREAD_BITMAP, PA_VMREAD_BITMAP | 0x1)}, NULL,
     "VMREAD bitmap not page aligned"},
    {VMX_CHECK_CTL_SHADOW_VMWRITE_ALIGN, BASE_LONG64_FULL, {SETF(VMWRITE_BITMAP, PA_VMWRITE_BITMAP | 0x1)}, NULL,
     "VMWRITE bitmap not page aligned"},
    {VMX_CHECK_CTL_SHADOW_VMREAD_WIDTH, BASE_LONG64_FULL, {SETF(VMREAD_BITMAP, ABOVE_WIDTH)}, NULL,
     "VMREAD bitmap at 2^MAXPHYADDR"},
    {VMX_CHECK_CTL_SHADOW_VMWRITE_WIDTH, BASE_LONG64_FULL, {SETF(VMWRITE_BITMAP, ABOVE_WIDTH)}, NULL,
     "VMWRITE bitmap at 2^MAXPHYADDR"},
    {VMX_CHECK_CTL_VE_ALIGN, BASE_LONG64_FULL, {SETF(VE_INFORMATION_ADDRESS, PA_VE_INFO | 0x40)}, NULL,
     "#VE information area not page aligned"},
    {VMX_CHECK_CTL_VE_WIDTH, BASE_LONG64_FULL, {SETF(VE_INFORMATION_ADDRESS, ABOVE_WIDTH)}, NULL,
     "#VE information area at 2^MAXPHYADDR"},

    /* Intel PT using guest-physical addresses */
    {VMX_CHECK_CTL_PTGPA_EPT, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, FULL_EPT_USERS), ORF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_PT_USES_GPA)},
     NULL, "PT uses guest-physical addresses without EPT"},
    {VMX_CHECK_CTL_PTGPA_LOAD, BASE_LONG64_FULL, {ORF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_PT_USES_GPA)},
     NULL, "PT uses guest-physical addresses without load IA32_RTIT_CTL"},
    {VMX_CHECK_CTL_PTGPA_CLEAR, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_PT_USES_GPA), ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_RTIT_CTL)},
     NULL, "PT uses guest-physical addresses without clear IA32_RTIT_CTL"},
    {VMX_CHECK_EXIT_RSVD0, BASE_LONG64_FULL,
     {ORF(SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_PT_USES_GPA), ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_RTIT_CTL)},
     pt_gpa_complete_then_exit_rsvd0, "PT uses guest-physical addresses with EPT, load and clear passes"},

    /* Tertiary controls that need EPT */
    {VMX_CHECK_CTL_HLAT_EPT, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, FULL_EPT_USERS), SETF(TERTIARY_VM_EXEC_CONTROL, VMX_PROC3_ENABLE_HLAT)},
     NULL, "HLAT without EPT"},
    {VMX_CHECK_CTL_EPTPW_EPT, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, FULL_EPT_USERS), SETF(TERTIARY_VM_EXEC_CONTROL, VMX_PROC3_EPT_PAGING_WRITE)},
     NULL, "EPT paging-write control without EPT"},
    {VMX_CHECK_CTL_GPV_EPT, BASE_LONG64_FULL,
     {CLRF(SECONDARY_VM_EXEC_CONTROL, FULL_EPT_USERS), SETF(TERTIARY_VM_EXEC_CONTROL, VMX_PROC3_GUEST_PAGING_VERIFY)},
     NULL, "guest-paging verification without EPT"},
    {VMX_CHECK_EXIT_RSVD0, BASE_LONG64_FULL,
     {SETF(TERTIARY_VM_EXEC_CONTROL, VMX_PROC3_ENABLE_HLAT | VMX_PROC3_EPT_PAGING_WRITE | VMX_PROC3_GUEST_PAGING_VERIFY)},
     then_exit_rsvd0, "HLAT, paging-write and guest-paging verification with EPT pass"},
};
const size_t cases_exec_ctls_count = sizeof cases_exec_ctls / sizeof cases_exec_ctls[0];
