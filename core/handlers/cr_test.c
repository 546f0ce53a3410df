/* SPDX-License-Identifier: Apache-2.0 */
/* Control-register accesses: shadows, fixed bits, #GP rules, paging-mode changes, PDPTEs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

#define GP 0x80000b0du
#define CR0_PE 0x1ull
#define CR0_TS 0x8ull
#define CR0_ET 0x10ull
#define CR0_NE 0x20ull
#define CR0_WP 0x10000ull
#define CR0_NW 0x20000000ull
#define CR0_CD 0x40000000ull
#define CR0_PG 0x80000000ull
#define CR4_PAE 0x20ull
#define CR4_OSFXSR 0x200ull
#define CR4_VMXE 0x2000ull
#define CR4_PCIDE 0x20000ull
#define CR4_OSXSAVE 0x40000ull

/* Qualifications: MOV to CRn from GPR g, MOV from CRn to GPR g. */
#define MOV_TO(cr, gpr) ((uint64_t)(cr) | (uint64_t)(gpr) << 8)
#define MOV_FROM(cr, gpr) ((uint64_t)(cr) | 0x10u | (uint64_t)(gpr) << 8)
#define CLTS 0x20u
#define LMSW(src) (0x30u | (uint64_t)(src) << 16)

static int setup(void **state)
{
    *state = hfix_new(NULL);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    hfix_free(*state);
    return 0;
}

static int cr_exit(struct hfix *f, uint64_t qual)
{
    return hfix_run_exit(f, VMX_EXIT_CR_ACCESS, qual, 3);
}

static void assert_gp_and_rip_unchanged(struct hfix *f)
{
    assert_int_equal(hfix_injected(f), GP);
    assert_int_equal(hfix_vmcs(f, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE), 0);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1000);
}

static void mov_to_cr0_updates_shadow_and_real_value(void **state)
{
    struct hfix *f = *state;
    f->vcpu.gprs.rbx = 0xe0050033; /* set CD and NW (host-owned) */
    assert_int_equal(cr_exit(f, MOV_TO(0, 3)), VMM_STOP_BUDGET);
    assert_int_equal(hfix_vmcs(f, VMCS_CR0_READ_SHADOW), 0xe0050033);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_CR0), 0xe0050033);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1003);
    assert_int_equal(hfix_injected(f), 0);
}

static void cr0_fixed_bits_stay_set_in_the_real_value_only(void **state)
{
    struct hfix *f = *state;
    f->vcpu.gprs.rax = 0x80010013; /* NE clear */
    assert_int_equal(cr_exit(f, MOV_TO(0, 0)), VMM_STOP_BUDGET);
    assert_int_equal(hfix_vmcs(f, VMCS_CR0_READ_SHADOW), 0x80010013);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_CR0), 0x80010033);
}

static void cr0_values_the_processor_refuses_raise_gp(void **state)
{
    struct hfix *f = *state;
    const uint64_t bad[] = {
        0x80050033 | CR0_NW,  /* NW without CD */
        0x1ull << 32 | 0x80050033, /* bits 63:32 in 64-bit mode */
        0x00050033,           /* clearing PG in 64-bit mode */
        0x80050032,           /* PG without PE */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hfix_set(f, VMCS_VM_ENTRY_INTR_INFO_FIELD, 0);
        f->vcpu.gprs.rdx = bad[i];
        assert_int_equal(cr_exit(f, MOV_TO(0, 2)), VMM_STOP_BUDGET);
        assert_gp_and_rip_unchanged(f);
        assert_int_equal(hfix_vmcs(f, VMCS_CR0_READ_SHADOW), 0x80050033);
    }
}

static void enabling_paging_with_lme_activates_ia32e_mode(void **state)
{
    struct hfix *f = *state;
    hfix_protected_mode(f);
    hfix_set(f, VMCS_GUEST_IA32_EFER, 0x100); /* LME */
    hfix_set(f, VMCS_GUEST_CR4, CR4_VMXE | CR4_PAE);
    hfix_set(f, VMCS_CR4_READ_SHADOW, CR4_PAE);
    f->vcpu.gprs.rax = CR0_PG | CR0_PE | CR0_ET;
    assert_int_equal(cr_exit(f, MOV_TO(0, 0)), VMM_STOP_BUDGET);
    assert_int_equal(hfix_injected(f), 0);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_IA32_EFER), 0x500); /* LMA */
    assert_int_equal(hfix_vmcs(f, VMCS_VM_ENTRY_CONTROLS) & (1u << 9), 1u << 9);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_CR0), CR0_PG | CR0_NE | CR0_ET | CR0_PE);
    /* 32-bit code: RIP wraps at 4 GiB, not at 64 bits */
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1003);
}

static void enabling_paging_with_lme_needs_pae(void **state)
{
    struct hfix *f = *state;
    hfix_protected_mode(f);
    hfix_set(f, VMCS_GUEST_IA32_EFER, 0x100);
    f->vcpu.gprs.rax = CR0_PG | CR0_PE;
    assert_int_equal(cr_exit(f, MOV_TO(0, 0)), VMM_STOP_BUDGET);
    assert_gp_and_rip_unchanged(f);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_IA32_EFER), 0x100);
}

static void leaving_protected_mode_needs_unrestricted_guest(void **state)
{
    struct hfix *f = *state;
    hfix_protected_mode(f);
    f->vcpu.gprs.rax = CR0_ET; /* PE clear: real mode */
    assert_int_equal(cr_exit(f, MOV_TO(0, 0)), VMM_STOP_BUDGET);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_CR0), CR0_NE | CR0_ET); /* NE stays fixed */
    assert_int_equal(hfix_vmcs(f, VMCS_CR0_READ_SHADOW), CR0_ET);

    hfix_set(f, VMCS_SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT); /* no unrestricted guest */
    hfix_set(f, VMCS_GUEST_CR0, 0x80000031);
    hfix_set(f, VMCS_CR0_READ_SHADOW, 0x80000031);
    hfix_set(f, VMCS_GUEST_CR4, 0x2000);
    hfix_set(f, VMCS_CR4_READ_SHADOW, 0);
    f->vcpu.gprs.rax = 0x80000030; /* PE clear with PG set: #GP first */
    assert_int_equal(cr_exit(f, MOV_TO(0, 0)), VMM_STOP_BUDGET);
    assert_int_equal(hfix_injected(f), GP);
    hfix_set(f, VMCS_VM_ENTRY_INTR_INFO_FIELD, 0);
    f->vcpu.gprs.rax = 0x31; /* paging off */
    assert_int_equal(cr_exit(f, MOV_TO(0, 0)), VMM_STOP_UNHANDLED);
    assert_non_null(strstr(f->vcpu.dump, "unrestricted guest"));
}

static void clts_clears_ts(void **state)
{
    struct hfix *f = *state;
    hfix_set(f, VMCS_CR0_GUEST_HOST_MASK, 0xe0000029); /* TS host-owned */
    hfix_set(f, VMCS_CR0_READ_SHADOW, 0x8005003b);
    hfix_set(f, VMCS_GUEST_CR0, 0x8005003b);
    assert_int_equal(cr_exit(f, CLTS), VMM_STOP_BUDGET);
    assert_int_equal(hfix_vmcs(f, VMCS_CR0_READ_SHADOW), 0x80050033);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_CR0), 0x80050033);
}

static void lmsw_loads_the_low_four_bits_but_never_clears_pe(void **state)
{
    struct hfix *f = *state;
    assert_int_equal(cr_exit(f, LMSW(0xe)), VMM_STOP_BUDGET); /* MP EM TS, PE 0 */
    assert_int_equal(hfix_vmcs(f, VMCS_CR0_READ_SHADOW), 0x8005003f);
    assert_int_equal(cr_exit(f, LMSW(0x0)), VMM_STOP_BUDGET);
    assert_int_equal(hfix_vmcs(f, VMCS_CR0_READ_SHADOW), 0x80050031);
}

static void mov_to_cr4_keeps_vmxe_hidden_from_the_guest(void **state)
{
    struct hfix *f = *state;
    f->vcpu.gprs.rcx = CR4_PAE | CR4_OSFXSR | CR4_OSXSAVE;
    assert_int_equal(cr_exit(f, MOV_TO(4, 1)), VMM_STOP_BUDGET);
    assert_int_equal(hfix_vmcs(f, VMCS_CR4_READ_SHADOW), CR4_PAE | CR4_OSFXSR | CR4_OSXSAVE);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_CR4), CR4_PAE | CR4_OSFXSR | CR4_OSXSAVE | CR4_VMXE);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1003);
}

static void cr4_values_the_guest_may_not_hold_raise_gp(void **state)
{
    struct hfix *f = *state;
    const uint64_t bad[] = {
        CR4_PAE | CR4_VMXE,  /* VMX is hidden */
        CR4_PAE | CR4_PCIDE, /* no PCID in the profile */
        CR4_OSFXSR,          /* PAE cleared in IA-32e mode */
        CR4_PAE | (1ull << 32),
        CR4_PAE | (1ull << 15), /* reserved */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hfix_set(f, VMCS_VM_ENTRY_INTR_INFO_FIELD, 0);
        f->vcpu.gprs.rcx = bad[i];
        assert_int_equal(cr_exit(f, MOV_TO(4, 1)), VMM_STOP_BUDGET);
        assert_gp_and_rip_unchanged(f);
    }
}

static void mov_to_cr3_checks_maxphyaddr_and_flushes_the_vpid(void **state)
{
    struct hfix *f = *state;
    hfix_set(f, VMCS_SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT | VMX_PROC2_ENABLE_VPID);
    hfix_set(f, VMCS_VIRTUAL_PROCESSOR_ID, 7);
    f->vcpu.gprs.r9 = 0x7fff000;
    assert_int_equal(cr_exit(f, MOV_TO(3, 9)), VMM_STOP_BUDGET);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_CR3), 0x7fff000);
    assert_int_equal(f->vmx.ninvvpid, 1);
    assert_int_equal(f->vmx.invvpid[0].type, VMX_INVVPID_SINGLE_NONGLOBAL);
    assert_int_equal(f->vmx.invvpid[0].vpid, 7);

    hfix_set(f, VMCS_GUEST_RIP, 0x1000);
    f->vcpu.gprs.r9 = 1ull << 39; /* above the guest's 39-bit MAXPHYADDR */
    assert_int_equal(cr_exit(f, MOV_TO(3, 9)), VMM_STOP_BUDGET);
    assert_gp_and_rip_unchanged(f);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_CR3), 0x7fff000);
}

static void cr3_from_rsp_reads_the_vmcs(void **state)
{
    struct hfix *f = *state;
    hfix_set(f, VMCS_GUEST_RSP, 0x5000);
    assert_int_equal(cr_exit(f, MOV_TO(3, 4)), VMM_STOP_BUDGET);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_CR3), 0x5000);
    assert_int_equal(cr_exit(f, MOV_FROM(3, 12)), VMM_STOP_BUDGET);
    assert_int_equal(f->vcpu.gprs.r12, 0x5000);
    assert_int_equal(cr_exit(f, MOV_FROM(4, 4)), VMM_STOP_BUDGET);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RSP), CR4_PAE | CR4_OSFXSR); /* the guest's view */
}

static void pae_paging_loads_pdptes_under_ept(void **state)
{
    struct hfix *f = *state;
    hfix_protected_mode(f);
    hfix_set(f, VMCS_GUEST_CR0, 0x80000031);
    hfix_set(f, VMCS_CR0_READ_SHADOW, 0x80000011);
    hfix_set(f, VMCS_GUEST_CR4, CR4_VMXE | CR4_PAE);
    hfix_set(f, VMCS_CR4_READ_SHADOW, CR4_PAE);
    const uint64_t pdpte[4] = {0x4001, 0x5001, 0, 0x7ffff000ull | 1};
    memcpy(f->ram + 0x3000, pdpte, sizeof pdpte);
    f->vcpu.gprs.rax = 0xffffffff00003000ull; /* 32-bit mode: upper half ignored */
    assert_int_equal(cr_exit(f, MOV_TO(3, 0)), VMM_STOP_BUDGET);
    assert_int_equal(hfix_injected(f), 0);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_CR3), 0x3000);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_PDPTR0), 0x4001);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_PDPTR1), 0x5001);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_PDPTR3), 0x7ffff001);

    /* a present PDPTE with a reserved bit (2:1) refuses the load */
    hfix_set(f, VMCS_GUEST_RIP, 0x1000);
    const uint64_t bad[4] = {0x8001, 0x9003, 0, 0};
    memcpy(f->ram + 0x6000, bad, sizeof bad);
    f->vcpu.gprs.rax = 0x6000;
    assert_int_equal(cr_exit(f, MOV_TO(3, 0)), VMM_STOP_BUDGET);
    assert_gp_and_rip_unchanged(f);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_CR3), 0x3000);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_PDPTR0), 0x4001);
}

static void cr8_is_the_task_priority(void **state)
{
    struct hfix *f = *state;
    f->vcpu.gprs.r15 = 9;
    assert_int_equal(cr_exit(f, MOV_TO(8, 15)), VMM_STOP_BUDGET);
    assert_int_equal(f->platform.tpr, 9);
    assert_int_equal(cr_exit(f, MOV_FROM(8, 0)), VMM_STOP_BUDGET);
    assert_int_equal(f->vcpu.gprs.rax, 9);
    hfix_set(f, VMCS_GUEST_RIP, 0x1000);
    f->vcpu.gprs.r15 = 0x10;
    assert_int_equal(cr_exit(f, MOV_TO(8, 15)), VMM_STOP_BUDGET);
    assert_gp_and_rip_unchanged(f);
    assert_int_equal(f->platform.tpr, 9);
}

static void malformed_qualification_is_unhandled(void **state)
{
    struct hfix *f = *state;
    assert_int_equal(cr_exit(f, 0x2 /* CR2 */), VMM_STOP_UNHANDLED);
    assert_non_null(strstr(f->vcpu.dump, "malformed control-register qualification"));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(mov_to_cr0_updates_shadow_and_real_value),
        T(cr0_fixed_bits_stay_set_in_the_real_value_only),
        T(cr0_values_the_processor_refuses_raise_gp),
        T(enabling_paging_with_lme_activates_ia32e_mode),
        T(enabling_paging_with_lme_needs_pae),
        T(leaving_protected_mode_needs_unrestricted_guest),
        T(clts_clears_ts),
        T(lmsw_loads_the_low_four_bits_but_never_clears_pe),
        T(mov_to_cr4_keeps_vmxe_hidden_from_the_guest),
        T(cr4_values_the_guest_may_not_hold_raise_gp),
        T(mov_to_cr3_checks_maxphyaddr_and_flushes_the_vpid),
        T(cr3_from_rsp_reads_the_vmcs),
        T(pae_paging_loads_pdptes_under_ept),
        T(cr8_is_the_task_priority),
        T(malformed_qualification_is_unhandled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
