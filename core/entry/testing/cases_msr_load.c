/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mutation cases: checks/msr_load.def. BASE_LONG64_FULL loads two MSRs on
 * entry (IA32_STAR, IA32_LSTAR at PA_ENTRY_MSR_LOAD); the cases rewrite
 * one entry (1-based entry 2 is the second), or give another baseline a
 * list of its own. "still valid" cases make an entry acceptable at the
 * edge of a rule and break the entry after it.
 */
#include "cases.h"

#include "vmm/msr.h"

/* The baseline's list gets `count` entries (the existing ones stay). */
static void use_list(struct test_entry *t, uint32_t count)
{
    vmcs_set(&t->vmcs, VMCS_VM_ENTRY_MSR_LOAD_ADDR, PA_ENTRY_MSR_LOAD);
    vmcs_set(&t->vmcs, VMCS_VM_ENTRY_MSR_LOAD_COUNT, count);
}

/* A tweak that rewrites entry i of the list (and makes the list long enough). */
#define ENTRY(fn, i, msr, rsv, val)                                                     \
    static void fn(struct test_entry *t)                                                \
    {                                                                                   \
        if (vmcs_get(&t->vmcs, VMCS_VM_ENTRY_MSR_LOAD_COUNT) < (i) + 1u)                \
            use_list(t, (i) + 1u);                                                      \
        test_msr_entry(t, (i), (msr), (rsv), (val));                                    \
    }

/* A tweak that makes entry i acceptable-at-the-edge and entry i+1 load IA32_FS_BASE. */
#define EDGE(fn, i, msr, val)                                                           \
    static void fn(struct test_entry *t)                                                \
    {                                                                                   \
        use_list(t, (i) + 2u);                                                          \
        test_msr_entry(t, (i), (msr), 0, (val));                                        \
        test_msr_entry(t, (i) + 1u, VMM_MSR_IA32_FS_BASE, 0, 0);                        \
    }

ENTRY(fs_base_first, 0, VMM_MSR_IA32_FS_BASE, 0, 0)
ENTRY(gs_base_second, 1, VMM_MSR_IA32_GS_BASE, 0, 0)
ENTRY(fs_base_with_reserved, 0, VMM_MSR_IA32_FS_BASE, 1, 0)
ENTRY(x2apic_first, 0, VMM_MSR_X2APIC_FIRST, 0, 0)
ENTRY(x2apic_tpr, 1, 0x808, 0, 0x10)
ENTRY(x2apic_last_with_reserved, 0, VMM_MSR_X2APIC_LAST, 1, 0)
ENTRY(below_x2apic, 0, 0x7ff, 0, 0)
ENTRY(above_x2apic, 0, 0x900, 0, 0)
ENTRY(smm_monitor_ctl, 0, VMM_MSR_IA32_SMM_MONITOR_CTL, 0, 0)
ENTRY(ucode_trigger, 1, VMM_MSR_IA32_BIOS_UPDT_TRIG, 0, 0)
ENTRY(ucode_signature, 0, VMM_MSR_IA32_BIOS_SIGN_ID, 0, 0)
ENTRY(reserved_low, 0, VMM_MSR_IA32_STAR, 1, 0)
ENTRY(reserved_high, 1, VMM_MSR_IA32_LSTAR, 0x80000000u, 0xffffffff81000000ull)
ENTRY(vmx_basic, 0, VMM_MSR_IA32_VMX_BASIC, 0, 0)
ENTRY(unknown_msr, 1, 0x12345678u, 0, 0)
ENTRY(efer_reserved, 0, VMM_MSR_IA32_EFER, 0, 0xd03)
ENTRY(efer_svme, 0, VMM_MSR_IA32_EFER, 0, 0xd01 | (1u << 12))
ENTRY(efer_clear_lme_in_long_mode, 1, VMM_MSR_IA32_EFER, 0, 0x801)
ENTRY(lstar_not_canonical_48, 1, VMM_MSR_IA32_LSTAR, 0, 0x0000800000000000ull)
ENTRY(kernel_gs_not_canonical, 0, VMM_MSR_IA32_KERNEL_GS_BASE, 0, 0x0100000000000000ull)
ENTRY(sysenter_eip_not_canonical, 0, VMM_MSR_IA32_SYSENTER_EIP, 0, 0x8000000000000000ull)
ENTRY(cstar_not_canonical, 0, VMM_MSR_IA32_CSTAR, 0, 0x0080000000000000ull)
ENTRY(pat_type_2, 0, VMM_MSR_IA32_PAT, 0, 0x0007040600070402ull)
ENTRY(pat_type_8, 1, VMM_MSR_IA32_PAT, 0, 0x0807040600070406ull)
ENTRY(spec_ctrl_bit9, 0, VMM_MSR_IA32_SPEC_CTRL, 0, 1u << 9)
ENTRY(tsc_aux_high, 0, VMM_MSR_IA32_TSC_AUX, 0, 1ull << 32)
ENTRY(fmask_high, 0, VMM_MSR_IA32_FMASK, 0, 1ull << 32)
ENTRY(debugctl_bit2, 0, VMM_MSR_IA32_DEBUGCTL, 0, 4)

EDGE(x2apic_edge_below, 0, 0x7ff, 0) /* not x2APIC, but unknown: fails WRMSR instead */
EDGE(star_any_value, 0, VMM_MSR_IA32_STAR, ~0ull)
EDGE(efer_same_lme_in_long_mode, 0, VMM_MSR_IA32_EFER, 0xd01)
EDGE(efer_lma_ignored, 0, VMM_MSR_IA32_EFER, 0x901) /* LMA 0 written in long mode: ignored */
EDGE(lstar_57bit_canonical, 0, VMM_MSR_IA32_LSTAR, 0x0000800000000000ull)
EDGE(lstar_48bit_top, 0, VMM_MSR_IA32_LSTAR, 0x00007ffffffff000ull)
EDGE(pat_all_types, 0, VMM_MSR_IA32_PAT, 0x0706050401000100ull)
EDGE(spec_ctrl_ibrs_ssbd, 0, VMM_MSR_IA32_SPEC_CTRL, 0x5)
EDGE(tsc_aux_32bit, 0, VMM_MSR_IA32_TSC_AUX, 0xffffffffull)
EDGE(tsc_any_value, 0, VMM_MSR_IA32_TSC, 0)

/* Outside paging (unrestricted real mode) EFER.LME may be set by the list. */
EDGE(efer_set_lme_without_paging, 0, VMM_MSR_IA32_EFER, 0x100)

static void smm_monitor_ctl_in_smm(struct test_entry *t)
{
    t->in.in_smm = true;
    use_list(t, 1);
    test_msr_entry(t, 0, VMM_MSR_IA32_SMM_MONITOR_CTL, 0, 0);
}

/*
 * realdumps/008 (Xen on Broadwell): the second entry loads
 * MSR_LER_FROM_LIP (1DDH) with 1ffff80676f52be5H, which is not canonical
 * (bits 60:47 set, 63:61 clear): exit 34, qualification 2.
 */
static void realdump_008_ler_from_lip(struct test_entry *t)
{
    use_list(t, 2);
    test_msr_entry(t, 0, VMM_MSR_IA32_DEBUGCTL, 0, 1);
    test_msr_entry(t, 1, VMM_MSR_LER_FROM_LIP, 0, 0x1ffff80676f52be5ull);
}

/*
 * realdumps/025 (XMHF, VirtualBox nested): a 32-bit guest with paging
 * (CR0.PG = 1, CR4.PAE = 0, IA-32e mode guest = 0, no "load IA32_EFER",
 * so EFER.LME = 0 after the guest-state load) gets IA32_EFER = 0xd01 from
 * its first MSR-load entry: LME would change under paging: exit 34, qual 1.
 */
static void realdump_025_efer(struct test_entry *t)
{
    use_list(t, 1);
    test_msr_entry(t, 0, VMM_MSR_IA32_EFER, 0, 0xd01);
}

const struct mutation_case cases_msr_load[] = {
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64_FULL, {{0}}, fs_base_first, "entry 1 loads IA32_FS_BASE", 1},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64_FULL, {{0}}, gs_base_second, "entry 2 loads IA32_GS_BASE", 2},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64_FULL, {{0}}, fs_base_with_reserved,
     "IA32_FS_BASE with reserved bits: the index is refused first"},
    {VMX_CHECK_MSRLOAD_X2APIC, BASE_LONG64_FULL, {{0}}, x2apic_first, "x2APIC MSR 800H"},
    {VMX_CHECK_MSRLOAD_X2APIC, BASE_LONG64_FULL, {{0}}, x2apic_tpr, "entry 2 loads x2APIC TPR (808H)", 2},
    {VMX_CHECK_MSRLOAD_X2APIC, BASE_LONG64_FULL, {{0}}, x2apic_last_with_reserved,
     "x2APIC MSR 8FFH with reserved bits"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, below_x2apic,
     "7FFH is no x2APIC MSR (the model does not know it)"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, above_x2apic,
     "900H is no x2APIC MSR (the model does not know it)"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, x2apic_edge_below,
     "7FFH then IA32_FS_BASE: the first entry already fails WRMSR"},
    {VMX_CHECK_MSRLOAD_SMM, BASE_LONG64_FULL, {{0}}, smm_monitor_ctl,
     "IA32_SMM_MONITOR_CTL outside SMM"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64, {{0}}, smm_monitor_ctl_in_smm,
     "IA32_SMM_MONITOR_CTL in SMM passes the SMM rule (the WRMSR model does not know it)"},
    {VMX_CHECK_MSRLOAD_MODEL, BASE_LONG64_FULL, {{0}}, ucode_trigger,
     "entry 2 loads IA32_BIOS_UPDT_TRIG"},
    {VMX_CHECK_MSRLOAD_MODEL, BASE_LONG64_FULL, {{0}}, ucode_signature, "IA32_BIOS_SIGN_ID"},
    {VMX_CHECK_MSRLOAD_RSVD, BASE_LONG64_FULL, {{0}}, reserved_low, "entry bit 32 set"},
    {VMX_CHECK_MSRLOAD_RSVD, BASE_LONG64_FULL, {{0}}, reserved_high, "entry 2 bit 63 set"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, vmx_basic,
     "IA32_VMX_BASIC is read-only"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, unknown_msr, "entry 2 loads MSR 12345678H"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, efer_reserved, "IA32_EFER bit 1"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, efer_svme, "IA32_EFER.SVME (AMD only)"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, efer_clear_lme_in_long_mode,
     "IA32_EFER.LME cleared in a 64-bit guest (CR0.PG = 1)"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64_FULL, {{0}}, efer_same_lme_in_long_mode,
     "still valid: IA32_EFER rewritten with the same LME under paging"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64_FULL, {{0}}, efer_lma_ignored,
     "still valid: IA32_EFER.LMA written as 0 (read-only, ignored)"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_REAL_URG, {{0}}, efer_set_lme_without_paging,
     "still valid: IA32_EFER.LME set while CR0.PG = 0"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_PROT32_PAE,
     {CLRF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_EFER), CLRF(GUEST_CR4, 1u << 5)}, realdump_025_efer,
     "realdumps/025: IA32_EFER = D01H loaded into a 32-bit paging guest", 1},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_PROT32_PAE, {{0}}, realdump_025_efer,
     "IA32_EFER = D01H into a PAE guest whose loaded IA32_EFER field has LME = 0"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64, {{0}}, realdump_008_ler_from_lip,
     "realdumps/008: MSR_LER_FROM_LIP = 1ffff80676f52be5H (entry 2)", 2},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64, {{0}}, lstar_not_canonical_48,
     "IA32_LSTAR 0000800000000000H with 48-bit addresses"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64_FULL, {{0}}, lstar_57bit_canonical,
     "still valid: IA32_LSTAR 0000800000000000H with 57-bit addresses"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64, {{0}}, lstar_48bit_top,
     "still valid: IA32_LSTAR at the top of the lower half (48-bit)"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, kernel_gs_not_canonical,
     "IA32_KERNEL_GS_BASE not canonical (57-bit)"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, sysenter_eip_not_canonical,
     "IA32_SYSENTER_EIP not canonical"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64, {{0}}, cstar_not_canonical, "IA32_CSTAR not canonical"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64_FULL, {{0}}, star_any_value,
     "still valid: IA32_STAR takes any value"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, pat_type_2, "IA32_PAT entry 0 type 2"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, pat_type_8, "IA32_PAT entry 7 type 8"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64_FULL, {{0}}, pat_all_types,
     "still valid: IA32_PAT with every memory type"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, spec_ctrl_bit9, "IA32_SPEC_CTRL bit 9"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64_FULL, {{0}}, spec_ctrl_ibrs_ssbd,
     "still valid: IA32_SPEC_CTRL IBRS | SSBD"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, tsc_aux_high, "IA32_TSC_AUX bit 32"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64_FULL, {{0}}, tsc_aux_32bit,
     "still valid: IA32_TSC_AUX FFFFFFFFH"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, fmask_high, "IA32_FMASK bit 32"},
    {VMX_CHECK_MSRLOAD_WRMSR, BASE_LONG64_FULL, {{0}}, debugctl_bit2, "IA32_DEBUGCTL bit 2"},
    {VMX_CHECK_MSRLOAD_FSGS, BASE_LONG64_FULL, {{0}}, tsc_any_value,
     "still valid: IA32_TIME_STAMP_COUNTER takes any value"},
};
const size_t cases_msr_load_count = sizeof cases_msr_load / sizeof cases_msr_load[0];
