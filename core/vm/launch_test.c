/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A VM built by vmm_vm_create passes every VM-entry check: VMLAUNCH on the
 * simulated processor (whose entry model is the core's validator) reports
 * VMX_ENTRY_OK, for each profile that can run a 64-bit guest, with and
 * without EPT, with MMIO holes, with guest RAM away from GPA 0 and with
 * unrestricted guest.
 */
#include <stdio.h>

#include "vm_fixture.h"
#include "vmm/entry.h"
#include "vmm/textbuf.h"

/* Launches the VM's VMCS; asserts that every check passed. */
static void assert_launch_passes(struct vmfix *f)
{
    struct vmm_guest_gprs gprs = {0};
    struct vmx_status st = f->cpu.ops->enter_guest(&f->cpu, VMM_LAUNCH, &gprs);
    const struct vmx_entry_verdict *v = sim_last_entry(f->sim);
    if (v->outcome != VMX_ENTRY_OK)
        fprintf(stderr, "entry check %s failed: %s\n", vmx_check_table[v->check].id,
                vmx_check_table[v->check].message);
    assert_int_equal(v->outcome, VMX_ENTRY_OK);
    assert_int_equal(v->check, VMX_CHECK_COUNT);
    /* Without an executor the sim refuses to run a guest that passed: #UD, nothing changed. */
    if (!sim_executor(f->sim))
        assert_int_equal(st.outcome, VMX_FAULT_UD);
}

static void launch_with(const char *profile, bool ept, uint32_t want_features,
                        uint32_t unwanted_features)
{
    struct vmfix *f = vmfix_new(profile, ept);
    assert_int_equal(vmfix_create(f), VMM_OK);
    assert_int_equal(f->vm.features & want_features, want_features);
    assert_int_equal(f->vm.features & unwanted_features, 0);
    assert_launch_passes(f);
    vmfix_free(f, true);
}

static void bochs_skylake_x_with_ept_passes_every_entry_check(void **state)
{
    (void)state;
    launch_with("bochs-skylake-x", true,
                VMM_VM_F_EPT | VMM_VM_F_VPID | VMM_VM_F_SECONDARY | VMM_VM_F_LOAD_EFER |
                    VMM_VM_F_LOAD_PAT,
                VMM_VM_F_UNRESTRICTED);
}

static void bochs_skylake_x_without_ept_passes_every_entry_check(void **state)
{
    (void)state;
    launch_with("bochs-skylake-x", false, VMM_VM_F_VPID | VMM_VM_F_LOAD_EFER, VMM_VM_F_EPT);
}

static void modern_with_ept_passes_every_entry_check(void **state)
{
    (void)state;
    launch_with("modern", true, VMM_VM_F_EPT | VMM_VM_F_VPID | VMM_VM_F_LOAD_EFER,
                VMM_VM_F_UNRESTRICTED);
}

static void modern_without_ept_passes_every_entry_check(void **state)
{
    (void)state;
    launch_with("modern", false, VMM_VM_F_VPID, VMM_VM_F_EPT);
}

static void minimal_without_ept_passes_every_entry_check(void **state)
{
    (void)state;
    /* First-generation VMX: no secondary controls, no EFER/PAT loading. */
    launch_with("minimal", false, 0,
                VMM_VM_F_EPT | VMM_VM_F_VPID | VMM_VM_F_SECONDARY | VMM_VM_F_LOAD_EFER |
                    VMM_VM_F_LOAD_PAT);
}

static void mmio_holes_and_unrestricted_guest_pass_every_entry_check(void **state)
{
    (void)state;
    struct vmfix *f = vmfix_new("modern", true);
    f->cfg.unrestricted_guest = true;
    f->cfg.mmio_holes[0] = (struct vmm_vm_mmio_hole){0x2000000, 0x1000};
    f->cfg.mmio_holes[1] = (struct vmm_vm_mmio_hole){0xfec00000, 0x1000};
    f->cfg.mmio_hole_count = 2;
    assert_int_equal(vmfix_create(f), VMM_OK);
    assert_true(f->vm.features & VMM_VM_F_UNRESTRICTED);
    assert_int_equal(f->vm.layout.pd_count, 4); /* the hole below 4 GiB needs four PDs */
    assert_launch_passes(f);
    vmfix_free(f, true);
}

static void guest_ram_away_from_gpa_zero_passes_every_entry_check(void **state)
{
    (void)state;
    struct vmfix *f = vmfix_new_at("bochs-skylake-x", true, 1ull << 32);
    assert_int_equal(vmfix_create(f), VMM_OK);
    assert_int_equal(f->vm.layout.end, (1ull << 32) + (16u << 20));
    assert_int_equal(vmfix_vmread(f, VMCS_GUEST_RIP), (1ull << 32) + 0x1000);
    assert_launch_passes(f);
    vmfix_free(f, true);
}

static void the_vmcs_holds_what_the_vm_reports(void **state)
{
    (void)state;
    struct vmfix *f = vmfix_new("bochs-skylake-x", true);
    assert_int_equal(vmfix_create(f), VMM_OK);
    struct vmm_vm *vm = &f->vm;
    assert_int_equal(vmfix_vmread(f, VMCS_PIN_BASED_VM_EXEC_CONTROL), vm->ctl[VMM_CTL_PIN]);
    assert_int_equal(vmfix_vmread(f, VMCS_CPU_BASED_VM_EXEC_CONTROL), vm->ctl[VMM_CTL_PROC]);
    assert_int_equal(vmfix_vmread(f, VMCS_SECONDARY_VM_EXEC_CONTROL), vm->ctl[VMM_CTL_PROC2]);
    assert_int_equal(vmfix_vmread(f, VMCS_EPT_POINTER), vm->eptp);
    assert_int_equal(vmfix_vmread(f, VMCS_EPT_POINTER), ept_eptp(&vm->ept));
    assert_int_equal(vmfix_vmread(f, VMCS_VIRTUAL_PROCESSOR_ID), 1);
    assert_int_equal(vmfix_vmread(f, VMCS_MSR_BITMAP), vm->msr_bitmap.page.hpa);
    assert_int_equal(vmfix_vmread(f, VMCS_IO_BITMAP_A), vm->io_bitmap.a.hpa);
    assert_int_equal(vmfix_vmread(f, VMCS_IO_BITMAP_B), vm->io_bitmap.b.hpa);
    assert_int_equal(vmfix_vmread(f, VMCS_GUEST_RSP), f->cfg.rsp);
    assert_int_equal(vmfix_vmread(f, VMCS_GUEST_RIP), f->cfg.entry);
    assert_int_equal(vmfix_vmread(f, VMCS_GUEST_RFLAGS), 2);
    assert_int_equal(vmfix_vmread(f, VMCS_VMCS_LINK_POINTER), ~0ull);
    assert_int_equal(vmfix_vmread(f, VMCS_GUEST_CR3), vm->layout.pml4);
    uint64_t cr0 = vmfix_vmread(f, VMCS_GUEST_CR0), cr4 = vmfix_vmread(f, VMCS_GUEST_CR4);
    assert_int_equal(cr0 & 0x80000021, 0x80000021); /* PG NE PE */
    assert_int_equal(cr0 & f->caps.cr0_fixed0, f->caps.cr0_fixed0);
    assert_int_equal(cr4 & 0x2020, 0x2020);         /* VMXE PAE */
    assert_int_equal(vmfix_vmread(f, VMCS_CR4_READ_SHADOW) & 0x2000, 0); /* VMX hidden */
    assert_int_equal(vmfix_vmread(f, VMCS_GUEST_IA32_EFER), 0x500);    /* LMA LME */
    /* MSRs and ports all exit: the core emulates them. */
    assert_true(vmm_msr_bitmap_intercepts(&vm->msr_bitmap, 0xc0000103, VMM_MSR_ACCESS_READ));
    assert_true(vmm_io_bitmap_intercepts(&vm->io_bitmap, 0x3f8, 1));
    /* With EPT on a processor with TRUE controls, CR3 accesses do not exit. */
    uint64_t cr3_exits = VMX_PROC_CR3_LOAD_EXITING | VMX_PROC_CR3_STORE_EXITING;
    assert_int_equal(vm->ctl[VMM_CTL_PROC] & cr3_exits, 0);
    vmfix_free(f, true);
}

static void destroy_leaves_vmx_operation_and_returns_every_page(void **state)
{
    (void)state;
    struct vmfix *f = vmfix_new("modern", true);
    assert_int_equal(vmfix_create(f), VMM_OK);
    assert_true(f->allocs > 0);
    assert_int_equal(vmm_vm_destroy(&f->vm), VMM_OK);
    assert_int_equal(f->allocs, f->frees);
    /* VMXOFF happened: a second VM on the same processor can VMXON again. */
    assert_int_equal(vmfix_create(f), VMM_OK);
    vmfix_free(f, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bochs_skylake_x_with_ept_passes_every_entry_check),
        cmocka_unit_test(bochs_skylake_x_without_ept_passes_every_entry_check),
        cmocka_unit_test(modern_with_ept_passes_every_entry_check),
        cmocka_unit_test(modern_without_ept_passes_every_entry_check),
        cmocka_unit_test(minimal_without_ept_passes_every_entry_check),
        cmocka_unit_test(mmio_holes_and_unrestricted_guest_pass_every_entry_check),
        cmocka_unit_test(guest_ram_away_from_gpa_zero_passes_every_entry_check),
        cmocka_unit_test(the_vmcs_holds_what_the_vm_reports),
        cmocka_unit_test(destroy_leaves_vmx_operation_and_returns_every_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
