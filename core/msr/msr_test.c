/* SPDX-License-Identifier: Apache-2.0 */
/* The WRMSR model: which writes fault, and why. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmm/msr.h"

#define CR0_PG (1ull << 31)
#define CR0_PE 1ull

static const struct vmm_msr_state no_paging = {.cr0 = CR0_PE, .efer = 0};
static const struct vmm_msr_state long_mode = {.cr0 = CR0_PG | CR0_PE, .efer = 0xd01};

static enum vmm_wrmsr_fault wr48(uint32_t msr, uint64_t value, const struct vmm_msr_state *s)
{
    struct vmm_msr_model m = vmm_msr_model_intel64(48);
    return vmm_wrmsr_check(&m, s, msr, value);
}

static enum vmm_wrmsr_fault wr57(uint32_t msr, uint64_t value)
{
    struct vmm_msr_model m = vmm_msr_model_intel64(57);
    return vmm_wrmsr_check(&m, &long_mode, msr, value);
}

static const uint32_t modelled[] = {
    VMM_MSR_IA32_TSC,          VMM_MSR_IA32_SPEC_CTRL,    VMM_MSR_IA32_SYSENTER_CS,
    VMM_MSR_IA32_SYSENTER_ESP, VMM_MSR_IA32_SYSENTER_EIP, VMM_MSR_IA32_DEBUGCTL,
    VMM_MSR_LER_FROM_LIP,      VMM_MSR_LER_TO_LIP,        VMM_MSR_IA32_PAT,
    VMM_MSR_IA32_EFER,         VMM_MSR_IA32_STAR,         VMM_MSR_IA32_LSTAR,
    VMM_MSR_IA32_CSTAR,        VMM_MSR_IA32_FMASK,        VMM_MSR_IA32_FS_BASE,
    VMM_MSR_IA32_GS_BASE,      VMM_MSR_IA32_KERNEL_GS_BASE, VMM_MSR_IA32_TSC_AUX,
};

static void every_modelled_msr_has_a_name(void **state)
{
    (void)state;
    /* The lookup is a binary search: a row out of order would go missing. */
    for (size_t i = 0; i < sizeof modelled / sizeof modelled[0]; i++)
        assert_non_null(vmm_msr_name(modelled[i]));
    assert_string_equal(vmm_msr_name(VMM_MSR_IA32_EFER), "IA32_EFER");
    assert_string_equal(vmm_msr_name(VMM_MSR_LER_FROM_LIP), "MSR_LER_FROM_LIP");
}

static void unknown_and_read_only_msrs_fault(void **state)
{
    (void)state;
    assert_int_equal(wr48(VMM_MSR_IA32_VMX_BASIC, 0, &long_mode), VMM_WRMSR_UNKNOWN);
    assert_int_equal(wr48(0x12345678u, 0, &long_mode), VMM_WRMSR_UNKNOWN);
    assert_int_equal(wr48(0xffffffffu, 0, &long_mode), VMM_WRMSR_UNKNOWN);
    assert_int_equal(wr48(0, 0, &long_mode), VMM_WRMSR_UNKNOWN);
    assert_null(vmm_msr_name(VMM_MSR_IA32_VMX_BASIC));
}

static void efer_reserved_bits_fault(void **state)
{
    (void)state;
    assert_int_equal(wr48(VMM_MSR_IA32_EFER, 0xd01, &long_mode), VMM_WRMSR_OK);
    assert_int_equal(wr48(VMM_MSR_IA32_EFER, 0xd01 | 2, &long_mode), VMM_WRMSR_RESERVED);
    /* SVME (12) is AMD's: reserved on Intel. */
    assert_int_equal(wr48(VMM_MSR_IA32_EFER, 0xd01 | (1u << 12), &long_mode), VMM_WRMSR_RESERVED);
    assert_int_equal(wr48(VMM_MSR_IA32_EFER, 0xd01 | (1ull << 63), &long_mode), VMM_WRMSR_RESERVED);
}

static void efer_lma_is_read_only_and_ignored(void **state)
{
    (void)state;
    /* Writing LMA = 1 outside long mode, or 0 inside it, does not fault. */
    assert_int_equal(wr48(VMM_MSR_IA32_EFER, VMM_EFER_LMA, &no_paging), VMM_WRMSR_OK);
    assert_int_equal(wr48(VMM_MSR_IA32_EFER, VMM_EFER_LME | VMM_EFER_SCE, &long_mode), VMM_WRMSR_OK);
}

static void efer_lme_cannot_change_while_paging(void **state)
{
    (void)state;
    struct vmm_msr_state paging32 = {.cr0 = CR0_PG | CR0_PE, .efer = 0};
    assert_int_equal(wr48(VMM_MSR_IA32_EFER, VMM_EFER_LME, &paging32), VMM_WRMSR_EFER_LME_PAGING);
    assert_int_equal(wr48(VMM_MSR_IA32_EFER, 0, &long_mode), VMM_WRMSR_EFER_LME_PAGING);
    /* Other bits may change under paging; LME may change without it. */
    assert_int_equal(wr48(VMM_MSR_IA32_EFER, VMM_EFER_NXE | VMM_EFER_SCE, &paging32), VMM_WRMSR_OK);
    assert_int_equal(wr48(VMM_MSR_IA32_EFER, VMM_EFER_LME, &no_paging), VMM_WRMSR_OK);
}

/*
 * Real-world: XMHF's nested VM entry (realdumps/025) loaded EFER = 0xd01
 * through the MSR-load list into a 32-bit guest with CR0 = 0x80010035
 * and EFER.LME = 0: exit 34, entry 1.
 */
static void realdump_025_efer_lme_under_32bit_paging(void **state)
{
    (void)state;
    struct vmm_msr_state guest = {.cr0 = 0x80010035, .efer = 0};
    assert_int_equal(wr48(VMM_MSR_IA32_EFER, 0xd01, &guest), VMM_WRMSR_EFER_LME_PAGING);
}

static void efer_needs_its_features(void **state)
{
    (void)state;
    struct vmm_msr_model nx_only = {.features = VMM_MSR_FEAT_NX, .linear_addr_width = 48};
    struct vmm_msr_model none = {.features = 0, .linear_addr_width = 48};
    assert_int_equal(vmm_wrmsr_check(&nx_only, &no_paging, VMM_MSR_IA32_EFER, VMM_EFER_NXE),
                     VMM_WRMSR_OK);
    assert_int_equal(vmm_wrmsr_check(&nx_only, &no_paging, VMM_MSR_IA32_EFER, VMM_EFER_LME),
                     VMM_WRMSR_RESERVED);
    assert_int_equal(vmm_wrmsr_check(&none, &no_paging, VMM_MSR_IA32_EFER, 0), VMM_WRMSR_UNKNOWN);
    struct vmm_msr_model lm_only = {.features = VMM_MSR_FEAT_LM, .linear_addr_width = 48};
    assert_int_equal(vmm_wrmsr_check(&lm_only, &long_mode, VMM_MSR_IA32_EFER, 0xd01),
                     VMM_WRMSR_RESERVED);
}

static const uint32_t address_msrs[] = {
    VMM_MSR_IA32_FS_BASE,      VMM_MSR_IA32_GS_BASE,      VMM_MSR_IA32_KERNEL_GS_BASE,
    VMM_MSR_IA32_LSTAR,        VMM_MSR_IA32_CSTAR,        VMM_MSR_IA32_SYSENTER_ESP,
    VMM_MSR_IA32_SYSENTER_EIP, VMM_MSR_LER_FROM_LIP,      VMM_MSR_LER_TO_LIP,
};

static void address_msrs_must_be_canonical(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof address_msrs / sizeof address_msrs[0]; i++) {
        uint32_t msr = address_msrs[i];
        assert_int_equal(wr48(msr, 0x00007fffffffffffull, &long_mode), VMM_WRMSR_OK);
        assert_int_equal(wr48(msr, 0xffff800000000000ull, &long_mode), VMM_WRMSR_OK);
        assert_int_equal(wr48(msr, 0x0000800000000000ull, &long_mode), VMM_WRMSR_NONCANONICAL);
        assert_int_equal(wr48(msr, 0x8000000000000000ull, &long_mode), VMM_WRMSR_NONCANONICAL);
    }
}

static void canonical_follows_the_linear_address_width(void **state)
{
    (void)state;
    /* Bit 47 set without sign extension: fine with 57-bit addresses. */
    assert_int_equal(wr57(VMM_MSR_IA32_LSTAR, 0x0000800000000000ull), VMM_WRMSR_OK);
    assert_int_equal(wr57(VMM_MSR_IA32_LSTAR, 0x00ffffffffffffffull), VMM_WRMSR_OK);
    assert_int_equal(wr57(VMM_MSR_IA32_LSTAR, 0x0100000000000000ull), VMM_WRMSR_NONCANONICAL);
    assert_int_equal(wr57(VMM_MSR_IA32_LSTAR, 0xff00000000000000ull), VMM_WRMSR_OK);
}

/*
 * Real-world: Xen on Broadwell (realdumps/008) put MSR_LER_FROM_LIP =
 * 0x1ffff80676f52be5 in the VM-entry MSR-load list: bits 60:47 set, 63:61
 * clear. Not canonical at either width.
 */
static void realdump_008_ler_from_lip_not_sign_extended(void **state)
{
    (void)state;
    assert_int_equal(wr48(VMM_MSR_LER_FROM_LIP, 0x1ffff80676f52be5ull, &long_mode),
                     VMM_WRMSR_NONCANONICAL);
    assert_int_equal(wr57(VMM_MSR_LER_FROM_LIP, 0x1ffff80676f52be5ull), VMM_WRMSR_NONCANONICAL);
    assert_int_equal(wr48(VMM_MSR_LER_FROM_LIP, 0xfffff80676f52be5ull, &long_mode), VMM_WRMSR_OK);
}

static void long_mode_msrs_need_intel64(void **state)
{
    (void)state;
    struct vmm_msr_model ia32 = {.features = VMM_MSR_FEAT_NX, .linear_addr_width = 48};
    assert_int_equal(vmm_wrmsr_check(&ia32, &no_paging, VMM_MSR_IA32_LSTAR, 0), VMM_WRMSR_UNKNOWN);
    assert_int_equal(vmm_wrmsr_check(&ia32, &no_paging, VMM_MSR_IA32_STAR, 0), VMM_WRMSR_UNKNOWN);
    assert_int_equal(vmm_wrmsr_check(&ia32, &no_paging, VMM_MSR_IA32_FS_BASE, 0), VMM_WRMSR_UNKNOWN);
    /* SYSENTER exists on IA-32 processors; nothing is canonical there. */
    assert_int_equal(vmm_wrmsr_check(&ia32, &no_paging, VMM_MSR_IA32_SYSENTER_EIP,
                                     0x0000800000000000ull),
                     VMM_WRMSR_OK);
}

static void star_sysenter_cs_and_tsc_take_any_value(void **state)
{
    (void)state;
    assert_int_equal(wr48(VMM_MSR_IA32_STAR, ~0ull, &long_mode), VMM_WRMSR_OK);
    assert_int_equal(wr48(VMM_MSR_IA32_STAR, 0x0023001000000000ull, &long_mode), VMM_WRMSR_OK);
    assert_int_equal(wr48(VMM_MSR_IA32_SYSENTER_CS, ~0ull, &long_mode), VMM_WRMSR_OK);
    assert_int_equal(wr48(VMM_MSR_IA32_TSC, ~0ull, &long_mode), VMM_WRMSR_OK);
}

static void pat_entries_must_be_memory_types(void **state)
{
    (void)state;
    assert_int_equal(wr48(VMM_MSR_IA32_PAT, 0x0007040600070406ull, &long_mode), VMM_WRMSR_OK);
    assert_int_equal(wr48(VMM_MSR_IA32_PAT, 0x0706050401000100ull, &long_mode), VMM_WRMSR_OK);
    assert_int_equal(wr48(VMM_MSR_IA32_PAT, 0x0007040600070402ull, &long_mode), VMM_WRMSR_PAT_TYPE);
    assert_int_equal(wr48(VMM_MSR_IA32_PAT, 0x0007040600070306ull, &long_mode), VMM_WRMSR_PAT_TYPE);
    assert_int_equal(wr48(VMM_MSR_IA32_PAT, 0x0807040600070406ull, &long_mode), VMM_WRMSR_PAT_TYPE);
    assert_int_equal(wr48(VMM_MSR_IA32_PAT, 0xff07040600070406ull, &long_mode), VMM_WRMSR_PAT_TYPE);
}

static void spec_ctrl_accepts_only_implemented_bits(void **state)
{
    (void)state;
    assert_int_equal(wr48(VMM_MSR_IA32_SPEC_CTRL, 0x7, &long_mode), VMM_WRMSR_OK);
    assert_int_equal(wr48(VMM_MSR_IA32_SPEC_CTRL, VMM_SPEC_CTRL_DEFINED, &long_mode), VMM_WRMSR_OK);
    assert_int_equal(wr48(VMM_MSR_IA32_SPEC_CTRL, 1u << 9, &long_mode), VMM_WRMSR_RESERVED);
    assert_int_equal(wr48(VMM_MSR_IA32_SPEC_CTRL, 1ull << 63, &long_mode), VMM_WRMSR_RESERVED);
    struct vmm_msr_model skylake = vmm_msr_model_intel64(48);
    skylake.spec_ctrl_bits = 0x7; /* IBRS, STIBP, SSBD */
    assert_int_equal(vmm_wrmsr_check(&skylake, &long_mode, VMM_MSR_IA32_SPEC_CTRL, 1u << 3),
                     VMM_WRMSR_RESERVED);
    struct vmm_msr_model old = vmm_msr_model_intel64(48);
    old.spec_ctrl_bits = 0;
    assert_int_equal(vmm_wrmsr_check(&old, &long_mode, VMM_MSR_IA32_SPEC_CTRL, 0), VMM_WRMSR_UNKNOWN);
}

static void tsc_aux_and_fmask_are_32_bit(void **state)
{
    (void)state;
    assert_int_equal(wr48(VMM_MSR_IA32_TSC_AUX, 0xffffffffull, &long_mode), VMM_WRMSR_OK);
    assert_int_equal(wr48(VMM_MSR_IA32_TSC_AUX, 1ull << 32, &long_mode), VMM_WRMSR_RESERVED);
    assert_int_equal(wr48(VMM_MSR_IA32_FMASK, 0x47700, &long_mode), VMM_WRMSR_OK);
    assert_int_equal(wr48(VMM_MSR_IA32_FMASK, 1ull << 40, &long_mode), VMM_WRMSR_RESERVED);
    struct vmm_msr_model no_rdtscp = vmm_msr_model_intel64(48);
    no_rdtscp.features &= ~VMM_MSR_FEAT_TSC_AUX;
    assert_int_equal(vmm_wrmsr_check(&no_rdtscp, &long_mode, VMM_MSR_IA32_TSC_AUX, 0),
                     VMM_WRMSR_UNKNOWN);
}

static void debugctl_reserved_bits_fault(void **state)
{
    (void)state;
    assert_int_equal(wr48(VMM_MSR_IA32_DEBUGCTL, 0x3, &long_mode), VMM_WRMSR_OK);
    assert_int_equal(wr48(VMM_MSR_IA32_DEBUGCTL, 0xffc3, &long_mode), VMM_WRMSR_OK);
    assert_int_equal(wr48(VMM_MSR_IA32_DEBUGCTL, 0x4, &long_mode), VMM_WRMSR_RESERVED);
    assert_int_equal(wr48(VMM_MSR_IA32_DEBUGCTL, 1ull << 16, &long_mode), VMM_WRMSR_RESERVED);
}

static void every_fault_has_a_text(void **state)
{
    (void)state;
    for (int f = VMM_WRMSR_OK; f <= VMM_WRMSR_EFER_LME_PAGING; f++) {
        const char *s = vmm_wrmsr_fault_text((enum vmm_wrmsr_fault)f);
        assert_non_null(s);
        assert_string_not_equal(s, "?");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_modelled_msr_has_a_name),
        cmocka_unit_test(unknown_and_read_only_msrs_fault),
        cmocka_unit_test(efer_reserved_bits_fault),
        cmocka_unit_test(efer_lma_is_read_only_and_ignored),
        cmocka_unit_test(efer_lme_cannot_change_while_paging),
        cmocka_unit_test(realdump_025_efer_lme_under_32bit_paging),
        cmocka_unit_test(efer_needs_its_features),
        cmocka_unit_test(address_msrs_must_be_canonical),
        cmocka_unit_test(canonical_follows_the_linear_address_width),
        cmocka_unit_test(realdump_008_ler_from_lip_not_sign_extended),
        cmocka_unit_test(long_mode_msrs_need_intel64),
        cmocka_unit_test(star_sysenter_cs_and_tsc_take_any_value),
        cmocka_unit_test(pat_entries_must_be_memory_types),
        cmocka_unit_test(spec_ctrl_accepts_only_implemented_bits),
        cmocka_unit_test(tsc_aux_and_fmask_are_32_bit),
        cmocka_unit_test(debugctl_reserved_bits_fault),
        cmocka_unit_test(every_fault_has_a_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
