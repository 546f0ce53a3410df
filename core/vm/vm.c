/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Creating and destroying a VM: the VMX steps in order, each recorded in
 * vm->held so that a failure (or destroy) undoes exactly what was done.
 */
#include "vm_internal.h"

int vm_fail(struct vmm_vm_error *err, enum vmm_vm_step step, int rc, const char *what)
{
    if (err)
        *err = (struct vmm_vm_error){.step = step, .rc = rc, .what = what};
    return rc;
}

static int vmx_fail(struct vmm_vm_error *err, enum vmm_vm_step step, struct vmx_status st,
                    const char *what)
{
    int rc = vm_fail(err, step, VMM_E_STATE, what);
    if (err)
        err->status = st;
    return rc;
}

/* A page whose first 4 bytes hold the VMCS revision identifier (bit 31 clear). */
static int revision_page(struct vmm_vm *vm, struct vmm_host_page *page, uint32_t held,
                         struct vmm_vm_error *err)
{
    int rc = vm->cpu->ops->alloc_page(vm->cpu, page);
    if (rc != VMM_OK)
        return vm_fail(err, VMM_VM_STEP_ALLOC, rc, "no host page for a VMXON or VMCS region");
    vm->held |= held;
    uint32_t rev = vm->caps->revision_id & 0x7fffffffu;
    uint8_t *p = page->hva;
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(rev >> (8 * i));
    return VMM_OK;
}

static int enter_vmx(struct vmm_vm *vm, struct vmm_vm_error *err)
{
    const struct vmm_cpu_ops *ops = vm->cpu->ops;
    int rc = revision_page(vm, &vm->vmxon, VM_HELD_VMXON_PAGE, err);
    if (rc != VMM_OK)
        return rc;
    struct vmx_status st = ops->vmxon(vm->cpu, vm->vmxon.hpa);
    if (st.outcome != VMX_SUCCEED)
        return vmx_fail(err, VMM_VM_STEP_VMXON, st, "VMXON failed");
    vm->held |= VM_HELD_VMX;
    if ((rc = revision_page(vm, &vm->vmcs, VM_HELD_VMCS_PAGE, err)) != VMM_OK)
        return rc;
    st = ops->vmclear(vm->cpu, vm->vmcs.hpa);
    if (st.outcome != VMX_SUCCEED)
        return vmx_fail(err, VMM_VM_STEP_VMCLEAR, st, "VMCLEAR of the new VMCS failed");
    vm->held |= VM_HELD_VMCS_ACTIVE;
    st = ops->vmptrld(vm->cpu, vm->vmcs.hpa);
    if (st.outcome != VMX_SUCCEED)
        return vmx_fail(err, VMM_VM_STEP_VMPTRLD, st, "VMPTRLD of the new VMCS failed");
    return VMM_OK;
}

static int make_bitmaps(struct vmm_vm *vm, struct vmm_vm_error *err)
{
    int rc = vmm_msr_bitmap_init(&vm->msr_bitmap, vm->cpu, true);
    if (rc != VMM_OK)
        return vm_fail(err, VMM_VM_STEP_ALLOC, rc, "no host page for the MSR bitmap");
    vm->held |= VM_HELD_MSR_BITMAP;
    if ((rc = vmm_io_bitmap_init(&vm->io_bitmap, vm->cpu, true)) != VMM_OK)
        return vm_fail(err, VMM_VM_STEP_ALLOC, rc, "no host pages for the I/O bitmaps");
    vm->held |= VM_HELD_IO_BITMAP;
    return VMM_OK;
}

/* Guest RAM mapped WB with every permission; MMIO holes stay unmapped (EPT violations). */
static int make_ept(struct vmm_vm *vm, struct vmm_vm_error *err)
{
    int rc = ept_init(&vm->ept, vm->cpu, vm->caps, 4, false);
    if (rc != VMM_OK)
        return vm_fail(err, rc == VMM_E_NOMEM ? VMM_VM_STEP_ALLOC : VMM_VM_STEP_EPT, rc,
                       "EPT: no 4-level walk with a usable memory type, or no page for the root");
    vm->held |= VM_HELD_EPT;
    struct ept_attr ram = {.perms = EPT_R | EPT_W | EPT_X, .memtype = EPT_MT_WB};
    rc = ept_map(&vm->ept, vm->cfg.ram_gpa, vm->cfg.ram_hpa, vm->cfg.ram_size, ram);
    if (rc != VMM_OK)
        return vm_fail(err, rc == VMM_E_NOMEM ? VMM_VM_STEP_ALLOC : VMM_VM_STEP_EPT, rc,
                       "EPT: mapping guest RAM failed");
    vm->eptp = ept_eptp(&vm->ept);
    return VMM_OK;
}

/*
 * Translations cached for this EPTP or VPID from an earlier user of the
 * same root page or tag would be stale: invalidate them where the
 * processor has the instruction.
 */
static int invalidate(struct vmm_vm *vm, struct vmm_vm_error *err)
{
    uint64_t cap = vm->caps->ept_vpid_cap;
    struct vmx_status st = {VMX_SUCCEED, 0};
    if ((vm->features & VMM_VM_F_EPT) && (cap & VMX_EPT_CAP_INVEPT)) {
        if (cap & VMX_EPT_CAP_INVEPT_SINGLE)
            st = vm->cpu->ops->invept(vm->cpu, VMX_INVEPT_SINGLE, vm->eptp);
        else if (cap & VMX_EPT_CAP_INVEPT_ALL)
            st = vm->cpu->ops->invept(vm->cpu, VMX_INVEPT_ALL, 0);
        if (st.outcome != VMX_SUCCEED)
            return vmx_fail(err, VMM_VM_STEP_INVALIDATE, st, "INVEPT failed");
    }
    if ((vm->features & VMM_VM_F_VPID) && (cap & VMX_VPID_CAP_INVVPID)) {
        if (cap & VMX_VPID_CAP_INVVPID_SINGLE)
            st = vm->cpu->ops->invvpid(vm->cpu, VMX_INVVPID_SINGLE, vm->vpid, 0);
        else if (cap & VMX_VPID_CAP_INVVPID_ALL)
            st = vm->cpu->ops->invvpid(vm->cpu, VMX_INVVPID_ALL, 0, 0);
        if (st.outcome != VMX_SUCCEED)
            return vmx_fail(err, VMM_VM_STEP_INVALIDATE, st, "INVVPID failed");
    }
    return VMM_OK;
}

/* Undoes what vm->held records, latest first; the first error is returned. */
static int release(struct vmm_vm *vm)
{
    struct vmm_cpu *cpu = vm->cpu;
    int first = VMM_OK, rc;
#define KEEP(x) ((rc = (x)) != VMM_OK && first == VMM_OK ? (first = rc) : 0)
    if (vm->held & VM_HELD_EPT)
        KEEP(ept_destroy(&vm->ept));
    if (vm->held & VM_HELD_IO_BITMAP)
        KEEP(vmm_io_bitmap_free(&vm->io_bitmap, cpu));
    if (vm->held & VM_HELD_MSR_BITMAP)
        KEEP(vmm_msr_bitmap_free(&vm->msr_bitmap, cpu));
    if ((vm->held & VM_HELD_VMCS_ACTIVE) &&
        cpu->ops->vmclear(cpu, vm->vmcs.hpa).outcome != VMX_SUCCEED)
        KEEP(VMM_E_STATE);
    if ((vm->held & VM_HELD_VMX) && cpu->ops->vmxoff(cpu).outcome != VMX_SUCCEED)
        KEEP(VMM_E_STATE);
    if (vm->held & VM_HELD_VMCS_PAGE)
        KEEP(cpu->ops->free_page(cpu, vm->vmcs.hpa));
    if (vm->held & VM_HELD_VMXON_PAGE)
        KEEP(cpu->ops->free_page(cpu, vm->vmxon.hpa));
#undef KEEP
    vm->held = 0;
    return first;
}

int vmm_vm_create(struct vmm_vm *vm, struct vmm_cpu *cpu, const struct vmx_caps *caps,
                  const struct vmm_vm_config *cfg, struct vmm_vm_error *err)
{
    if (err)
        *err = (struct vmm_vm_error){0};
    if (!vm || !cpu || !cpu->ops || !caps || !cfg)
        return vm_fail(err, VMM_VM_STEP_CONFIG, VMM_E_INVAL, "missing argument");
    *vm = (struct vmm_vm){.cpu = cpu, .caps = caps, .cfg = *cfg};
    int rc = vmm_vm_plan(caps, cfg, &vm->layout, err);
    if (rc == VMM_OK)
        rc = vmm_vm_negotiate(caps, cfg, vm->ctl, &vm->features, err);
    if (rc != VMM_OK)
        return rc;
    vm->vpid = (vm->features & VMM_VM_F_VPID) ? 1 : 0;

    rc = enter_vmx(vm, err);
    if (rc == VMM_OK)
        rc = make_bitmaps(vm, err);
    if (rc == VMM_OK && (vm->features & VMM_VM_F_EPT))
        rc = make_ept(vm, err);
    if (rc == VMM_OK)
        rc = vm_build_guest_env(vm, err);
    if (rc == VMM_OK)
        rc = vm_write_vmcs(vm, err);
    if (rc == VMM_OK)
        rc = invalidate(vm, err);
    if (rc != VMM_OK)
        (void)release(vm);
    return rc;
}

int vmm_vm_destroy(struct vmm_vm *vm)
{
    if (!vm || !vm->cpu)
        return VMM_E_INVAL;
    return release(vm);
}

int vmm_vm_load(struct vmm_vm *vm, vmm_gpa_t gpa, const void *bytes, size_t len)
{
    if (!vm || !vm->cpu || (!bytes && len))
        return VMM_E_INVAL;
    vmm_gpa_t lo = vm->cfg.ram_gpa, hi = vm->layout.base;
    if (gpa < lo || gpa > hi || len > hi - gpa)
        return VMM_E_RANGE;
    if (len == 0)
        return VMM_OK;
    return vm->cpu->ops->gpa_write(vm->cpu, gpa, bytes, len);
}
