/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Refusals: configurations vmm_vm_create must reject (with the rule in
 * the error), allocation failure at every step (everything released, the
 * processor left outside VMX operation), and vmm_vm_load's bounds.
 */
#include <string.h>

#include "vm_fixture.h"

/* Creation fails with rc at step `step` and the error text contains `words`. */
static void assert_refused(struct vmfix *f, int rc, enum vmm_vm_step step, const char *words)
{
    assert_int_equal(vmm_vm_create(&f->vm, &f->cpu, &f->caps, &f->cfg, &f->err), rc);
    assert_int_equal(f->err.step, step);
    assert_int_equal(f->err.rc, rc);
    const char *text = vmfix_error_text(f);
    if (!strstr(text, words))
        fail_msg("\"%s\" does not say \"%s\"", text, words);
    assert_int_equal(f->allocs, 0);
}

static void guest_ram_too_small_for_the_system_area_is_refused(void **state)
{
    (void)state;
    struct vmfix *f = vmfix_new("modern", true);
    f->cfg.ram_size = 7 * 4096; /* six fixed pages, one page directory, nothing left */
    f->cfg.entry = 0;
    f->cfg.rsp = 0x1000;
    assert_refused(f, VMM_E_RANGE, VMM_VM_STEP_CONFIG, "guest RAM too small");
    f->cfg.ram_size = 8 * 4096; /* one page for the guest: enough */
    assert_int_equal(vmfix_create(f), VMM_OK);
    assert_int_equal(f->vm.layout.base, 0x1000);
    vmfix_free(f, true);
}

static void entry_point_and_stack_must_lie_below_the_system_area(void **state)
{
    (void)state;
    struct vmfix *f = vmfix_new("modern", true);
    uint64_t base = (16u << 20) - 7 * 4096;
    f->cfg.entry = base;
    assert_refused(f, VMM_E_INVAL, VMM_VM_STEP_CONFIG, "entry point");
    f->cfg.entry = 0x1000;
    f->cfg.rsp = base + 8;
    assert_refused(f, VMM_E_INVAL, VMM_VM_STEP_CONFIG, "RSP");
    f->cfg.rsp = 0;
    assert_refused(f, VMM_E_INVAL, VMM_VM_STEP_CONFIG, "RSP");
    f->cfg.rsp = base; /* the stack grows down from the system area */
    assert_int_equal(vmfix_create(f), VMM_OK);
    assert_int_equal(f->vm.layout.base, base);
    vmfix_free(f, true);
}

static void malformed_ram_and_holes_are_refused(void **state)
{
    (void)state;
    struct vmfix *f = vmfix_new("bochs-skylake-x", true);
    struct vmm_vm_config good = f->cfg;
    f->cfg.ram_size = 0;
    assert_refused(f, VMM_E_INVAL, VMM_VM_STEP_CONFIG, "non-empty range");
    f->cfg = good;
    f->cfg.ram_hpa = 0x800;
    assert_refused(f, VMM_E_INVAL, VMM_VM_STEP_CONFIG, "4 KiB");
    f->cfg = good;
    f->cfg.mmio_holes[0] = (struct vmm_vm_mmio_hole){0xff0000, 0x20000};
    f->cfg.mmio_hole_count = 1;
    assert_refused(f, VMM_E_INVAL, VMM_VM_STEP_CONFIG, "overlaps guest RAM");
    f->cfg.mmio_holes[0] = (struct vmm_vm_mmio_hole){0x2000000, 0x2000};
    f->cfg.mmio_holes[1] = (struct vmm_vm_mmio_hole){0x2001000, 0x1000};
    f->cfg.mmio_hole_count = 2;
    assert_refused(f, VMM_E_INVAL, VMM_VM_STEP_CONFIG, "two MMIO holes overlap");
    f->cfg.mmio_holes[1] = (struct vmm_vm_mmio_hole){512ull << 30, 0x1000};
    assert_refused(f, VMM_E_RANGE, VMM_VM_STEP_CONFIG, "512 GiB");
    f->cfg.mmio_hole_count = VMM_VM_MAX_MMIO_HOLES + 1;
    assert_refused(f, VMM_E_INVAL, VMM_VM_STEP_CONFIG, "MAX_MMIO_HOLES");
    f->cfg = good;
    f->cfg.ram_hpa = 1ull << 40; /* beyond Bochs' 40 address bits */
    assert_refused(f, VMM_E_RANGE, VMM_VM_STEP_CONFIG, "physical-address width");
    vmfix_free(f, false);
}

static void what_only_ept_can_do_is_refused_without_it(void **state)
{
    (void)state;
    struct vmfix *f = vmfix_new_at("modern", false, 1ull << 32);
    assert_refused(f, VMM_E_INVAL, VMM_VM_STEP_CONFIG, "ram_gpa != ram_hpa");
    vmfix_free(f, false);
    f = vmfix_new("modern", false);
    f->cfg.mmio_holes[0] = (struct vmm_vm_mmio_hole){0x2000000, 0x1000};
    f->cfg.mmio_hole_count = 1;
    assert_refused(f, VMM_E_INVAL, VMM_VM_STEP_CONFIG, "MMIO holes need EPT");
    f->cfg.mmio_hole_count = 0;
    f->cfg.unrestricted_guest = true;
    assert_refused(f, VMM_E_INVAL, VMM_VM_STEP_CONFIG, "unrestricted guest needs EPT");
    vmfix_free(f, false);
}

static void ept_on_minimal_is_refused_with_the_controls_named(void **state)
{
    (void)state;
    struct vmfix *f = vmfix_new("minimal", true);
    assert_refused(f, VMM_E_UNSUPPORTED, VMM_VM_STEP_CONTROLS, "\"enable EPT\"");
    vmfix_free(f, false);
}

/* Allocation k fails, for every k a successful creation makes. */
static void allocation_failure_at_any_step_releases_everything(void **state)
{
    (void)state;
    const char *profiles[] = {"bochs-skylake-x", "minimal"};
    for (size_t p = 0; p < 2; p++) {
        struct vmfix *f = vmfix_new(profiles[p], p == 0);
        assert_int_equal(vmfix_create(f), VMM_OK);
        long needed = f->allocs;
        assert_int_equal(vmm_vm_destroy(&f->vm), VMM_OK);
        assert_true(needed >= 5); /* VMXON, VMCS, MSR bitmap, two I/O bitmaps (+ EPT) */
        for (long k = 1; k <= needed; k++) {
            f->allocs = f->frees = 0;
            f->fail_alloc_at = k;
            assert_int_equal(vmm_vm_create(&f->vm, &f->cpu, &f->caps, &f->cfg, &f->err),
                             VMM_E_NOMEM);
            assert_int_equal(f->err.step, VMM_VM_STEP_ALLOC);
            assert_int_equal(f->allocs, f->frees);
            assert_int_equal(f->allocs, k - 1);
        }
        /* Nothing left behind: not in VMX operation, so a full creation works again. */
        f->fail_alloc_at = 0;
        f->allocs = f->frees = 0;
        assert_int_equal(vmfix_create(f), VMM_OK);
        assert_int_equal(f->allocs, needed);
        vmfix_free(f, true);
    }
}

static void a_refused_vmxon_is_reported_with_its_outcome(void **state)
{
    (void)state;
    struct vmfix *f = vmfix_new("modern", false);
    assert_int_equal(vmfix_create(f), VMM_OK);
    struct vmm_vm second;
    struct vmm_vm_error err;
    long held = f->allocs - f->frees;
    /* The processor is in VMX operation already: VMXON fails (VMfailValid 15). */
    assert_int_equal(vmm_vm_create(&second, &f->cpu, &f->caps, &f->cfg, &err), VMM_E_STATE);
    assert_int_equal(err.step, VMM_VM_STEP_VMXON);
    assert_int_equal(err.status.outcome, VMX_FAIL_VALID);
    assert_int_equal(err.status.error, VMXERR_VMXON_IN_ROOT);
    assert_int_equal(f->allocs - f->frees, held); /* its VMXON page was returned */
    vmfix_free(f, true);
}

static void load_stays_in_the_guests_part_of_ram(void **state)
{
    (void)state;
    struct vmfix *f = vmfix_new("modern", true);
    assert_int_equal(vmfix_create(f), VMM_OK);
    const uint8_t code[] = {0xf4};
    vmm_gpa_t base = f->vm.layout.base;
    assert_int_equal(vmm_vm_load(&f->vm, 0x1000, code, 1), VMM_OK);
    uint8_t back = 0;
    vmfix_gpa_read(f, 0x1000, &back, 1);
    assert_int_equal(back, 0xf4);
    assert_int_equal(vmm_vm_load(&f->vm, base - 1, code, 1), VMM_OK);
    assert_int_equal(vmm_vm_load(&f->vm, base, code, 1), VMM_E_RANGE);
    assert_int_equal(vmm_vm_load(&f->vm, base - 1, "ab", 2), VMM_E_RANGE);
    assert_int_equal(vmm_vm_load(&f->vm, ~0ull, code, 1), VMM_E_RANGE);
    assert_int_equal(vmm_vm_load(&f->vm, 0x1000, NULL, 1), VMM_E_INVAL);
    vmfix_free(f, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(guest_ram_too_small_for_the_system_area_is_refused),
        cmocka_unit_test(entry_point_and_stack_must_lie_below_the_system_area),
        cmocka_unit_test(malformed_ram_and_holes_are_refused),
        cmocka_unit_test(what_only_ept_can_do_is_refused_without_it),
        cmocka_unit_test(ept_on_minimal_is_refused_with_the_controls_named),
        cmocka_unit_test(allocation_failure_at_any_step_releases_everything),
        cmocka_unit_test(a_refused_vmxon_is_reported_with_its_outcome),
        cmocka_unit_test(load_stays_in_the_guests_part_of_ram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
