/* SPDX-License-Identifier: Apache-2.0 */
/* RDMSR/WRMSR: the emulated MSR set, #GP for unknown MSRs and refused values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#define GP 0x80000b0du

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

static void rdmsr(struct hfix *f, uint32_t index)
{
    f->vcpu.gprs.rcx = 0xffffffff00000000ull | index; /* ECX only */
    f->vcpu.gprs.rax = f->vcpu.gprs.rdx = ~0ull;
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_MSR_READ, 0, 2), VMM_STOP_BUDGET);
}

static void wrmsr(struct hfix *f, uint32_t index, uint64_t value)
{
    f->vcpu.gprs.rcx = index;
    f->vcpu.gprs.rax = 0xabcd000000000000ull | (value & 0xffffffffu); /* upper halves ignored */
    f->vcpu.gprs.rdx = 0x1234000000000000ull | (value >> 32);
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_MSR_WRITE, 0, 2), VMM_STOP_BUDGET);
}

static void assert_gp(struct hfix *f)
{
    assert_int_equal(hfix_injected(f), GP);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1000);
    hfix_set(f, VMCS_VM_ENTRY_INTR_INFO_FIELD, 0);
}

static void assert_done(struct hfix *f)
{
    assert_int_equal(hfix_injected(f), 0);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1002);
    hfix_set(f, VMCS_GUEST_RIP, 0x1000);
}

static void unknown_msrs_raise_gp_without_completing(void **state)
{
    struct hfix *f = *state;
    const uint32_t unknown[] = {0x12345, 0x480 /* VMX_BASIC: VMX hidden */, 0x802, 0xc0000081};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        rdmsr(f, unknown[i]);
        assert_gp(f);
        assert_int_equal(f->vcpu.gprs.rax, ~0ull); /* untouched */
        wrmsr(f, unknown[i], 0);
        assert_gp(f);
    }
}

static void rdmsr_returns_edx_eax_with_upper_halves_cleared(void **state)
{
    struct hfix *f = *state;
    rdmsr(f, 0x3a); /* IA32_FEATURE_CONTROL: locked, VMX off */
    assert_done(f);
    assert_int_equal(f->vcpu.gprs.rax, 1);
    assert_int_equal(f->vcpu.gprs.rdx, 0);
    hfix_set(f, VMCS_GUEST_SYSENTER_EIP, 0xffffffff81000000ull);
    rdmsr(f, 0x176);
    assert_done(f);
    assert_int_equal(f->vcpu.gprs.rax, 0x81000000);
    assert_int_equal(f->vcpu.gprs.rdx, 0xffffffff);
}

static void read_only_msrs_refuse_writes(void **state)
{
    struct hfix *f = *state;
    wrmsr(f, 0x3a, 5);
    assert_gp(f);
    rdmsr(f, 0x3a);
    assert_int_equal(f->vcpu.gprs.rax, 1);
}

static void vmcs_backed_msrs_write_their_field_after_the_model_check(void **state)
{
    struct hfix *f = *state;
    wrmsr(f, 0x175, 0xffff800000001000ull); /* SYSENTER_ESP, canonical */
    assert_done(f);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_SYSENTER_ESP), 0xffff800000001000ull);
    wrmsr(f, 0x175, 0x0000800000000000ull); /* not canonical */
    assert_gp(f);
    wrmsr(f, 0x277, 0x0007040600070406ull); /* PAT */
    assert_done(f);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_IA32_PAT), 0x0007040600070406ull);
    wrmsr(f, 0x277, 0x0007040600070402ull); /* memory type 2 is reserved */
    assert_gp(f);
    wrmsr(f, 0xc0000100, 0x7fff12345000ull); /* FS base */
    assert_done(f);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_FS_BASE), 0x7fff12345000ull);
    wrmsr(f, 0x1d9, 1ull << 20); /* DEBUGCTL reserved bit */
    assert_gp(f);
}

static void efer_writes_are_checked_and_keep_lma(void **state)
{
    struct hfix *f = *state;
    wrmsr(f, 0xc0000080, 0x901); /* NXE LME SCE, LMA not written */
    assert_done(f);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_IA32_EFER), 0xd01);
    rdmsr(f, 0xc0000080);
    assert_int_equal(f->vcpu.gprs.rax, 0xd01);
    assert_done(f);
    wrmsr(f, 0xc0000080, 0xd01 | (1u << 12)); /* reserved */
    assert_gp(f);
    wrmsr(f, 0xc0000080, 0x801); /* clearing LME while paging */
    assert_gp(f);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_IA32_EFER), 0xd01);
}

static void store_msrs_keep_the_value(void **state)
{
    struct hfix *f = *state;
    wrmsr(f, 0x8b, 0x1234567800000000ull);
    assert_done(f);
    rdmsr(f, 0x8b);
    assert_done(f);
    assert_int_equal(f->vcpu.gprs.rdx, 0x12345678);
    assert_int_equal(f->vcpu.gprs.rax, 0);
    wrmsr(f, 0xc0000103, 1ull << 32); /* TSC_AUX: bits 63:32 reserved */
    assert_gp(f);
}

static void tsc_msr_reads_and_moves_the_guest_tsc(void **state)
{
    struct hfix *f = *state;
    hfix_set(f, VMCS_CPU_BASED_VM_EXEC_CONTROL,
             VMX_PROC_ACTIVATE_SECONDARY | VMX_PROC_USE_TSC_OFFSETTING);
    hfix_set(f, VMCS_TSC_OFFSET, 1000);
    f->counter = 50;
    rdmsr(f, 0x10);
    assert_int_equal(f->vcpu.gprs.rax, 1050);
    assert_done(f);
    wrmsr(f, 0x10, 0x100000000ull); /* counter now 51 */
    assert_done(f);
    assert_int_equal(hfix_vmcs(f, VMCS_TSC_OFFSET), 0x100000000ull - 51);
    rdmsr(f, 0x10); /* counter 52 */
    assert_int_equal(f->vcpu.gprs.rdx, 1);
    assert_int_equal(f->vcpu.gprs.rax, 1);
}

static void tsc_write_without_offsetting_is_unhandled(void **state)
{
    struct hfix *f = *state;
    f->vcpu.gprs.rcx = 0x10;
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_MSR_WRITE, 0, 2), VMM_STOP_UNHANDLED);
}

static void a_32bit_guest_has_no_efer(void **state)
{
    (void)state;
    struct hfix *f = hfix_new("minimal-i686");
    assert_non_null(f);
    hfix_protected_mode(f);
    rdmsr(f, 0xc0000080);
    assert_gp(f);
    rdmsr(f, 0xc0000100);
    assert_gp(f);
    hfix_free(f);
}

static void msr_table_add_replace_remove(void **state)
{
    struct hfix *f = *state;
    struct vmm_guest_msrs *m = &f->platform.msrs;
    assert_int_equal(vmm_guest_msrs_add(m, 0xc0000081, VMM_GMSR_STORE, 0, 7), VMM_OK);
    rdmsr(f, 0xc0000081);
    assert_int_equal(f->vcpu.gprs.rax, 7);
    assert_int_equal(vmm_guest_msrs_add(m, 0xc0000081, VMM_GMSR_READ_ONLY, 0, 8), VMM_OK);
    assert_int_equal(vmm_guest_msrs_find(m, 0xc0000081)->value, 8);
    assert_int_equal(vmm_guest_msrs_remove(m, 0xc0000081), VMM_OK);
    assert_int_equal(vmm_guest_msrs_remove(m, 0xc0000081), VMM_E_NOENT);
    assert_int_equal(vmm_guest_msrs_add(m, 1, VMM_GMSR_VMCS, VMCS_FIELD_COUNT, 0), VMM_E_INVAL);
    for (size_t i = 1; i < m->count; i++)
        assert_true(m->msr[i - 1].index < m->msr[i].index);
    int rc = VMM_OK;
    for (uint32_t i = 0; rc == VMM_OK; i++)
        rc = vmm_guest_msrs_add(m, 0x4000 + i, VMM_GMSR_STORE, 0, 0);
    assert_int_equal(rc, VMM_E_NOMEM);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(unknown_msrs_raise_gp_without_completing),
        T(rdmsr_returns_edx_eax_with_upper_halves_cleared),
        T(read_only_msrs_refuse_writes),
        T(vmcs_backed_msrs_write_their_field_after_the_model_check),
        T(efer_writes_are_checked_and_keep_lma),
        T(store_msrs_keep_the_value),
        T(tsc_msr_reads_and_moves_the_guest_tsc),
        T(tsc_write_without_offsetting_is_unhandled),
        T(a_32bit_guest_has_no_efer),
        T(msr_table_add_replace_remove),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
