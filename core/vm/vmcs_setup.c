/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every field of the VM's VMCS, as one list of (field, value) rows: the
 * controls negotiated, a 64-bit CPL-0 guest in the environment guest_env.c
 * built, and a placeholder 64-bit host (vm.h says who replaces it). A row
 * marked IF_EXISTS is skipped on a processor without the field (VMREAD and
 * VMWRITE of it would fail with error 12); any other row must be written.
 */
#include "vm_internal.h"
#include "vmm/msr.h"
#include "vmm/vmcs_access.h"
#include "vmm/vmcs_fields.h"

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_VMXE (1ull << 13)
#define PAT_POWER_ON 0x0007040600070406ull /* WB, WT, UC-, UC, twice */
#define DR7_POWER_ON 0x400ull

uint64_t vm_guest_cr0(const struct vmx_caps *caps)
{
    return (CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG | caps->cr0_fixed0) &
           caps->cr0_fixed1;
}

/* OSFXSR and OSXMMEXCPT as well: compiled 64-bit code uses SSE, which the x86-64 ABI assumes. */
uint64_t vm_guest_cr4(const struct vmx_caps *caps)
{
    return (CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_VMXE | caps->cr4_fixed0) &
           caps->cr4_fixed1;
}

enum { MUST = 0, IF_EXISTS = 1 };

struct row {
    uint16_t field; /* enum vmcs_field_id */
    uint8_t flags;
    uint64_t value;
};

#define ROW(f, v) {VMCS_##f, MUST, (v)}
#define OPT(f, v) {VMCS_##f, IF_EXISTS, (v)}

static int write_rows(struct vmm_vm *vm, const struct row *rows, size_t n,
                      struct vmm_vm_error *err)
{
    for (size_t i = 0; i < n; i++) {
        enum vmcs_field_id id = (enum vmcs_field_id)rows[i].field;
        if ((rows[i].flags & IF_EXISTS) && !vmcs_field_exists(vm->caps, id))
            continue;
        struct vmx_status st = vm->cpu->ops->vmwrite(vm->cpu, vmcs_field_table[id].encoding,
                                                     rows[i].value);
        if (st.outcome != VMX_SUCCEED) {
            int rc = vm_fail(err, VMM_VM_STEP_VMWRITE, VMM_E_STATE, "VMWRITE failed");
            if (err) {
                err->status = st;
                err->field = (uint16_t)id;
            }
            return rc;
        }
    }
    return VMM_OK;
}

static int write_controls(struct vmm_vm *vm, struct vmm_vm_error *err)
{
    const struct vmx_caps *c = vm->caps;
    uint64_t cr0 = vm_guest_cr0(c), cr4 = vm_guest_cr4(c);
    /*
     * The host owns the bits the processor fixes (and CD/NW, which the
     * host decides); a guest write to them exits and the CR handler
     * checks it. The guest does not see VMXE: VMX is hidden from it.
     */
    uint64_t cr0_mask = ((c->cr0_fixed0 | ~c->cr0_fixed1) & 0xffffffffull) | CR0_CD | CR0_NW;
    uint64_t cr4_mask = c->cr4_fixed0 | ~c->cr4_fixed1;
    const struct row rows[] = {
        ROW(PIN_BASED_VM_EXEC_CONTROL, vm->ctl[VMM_CTL_PIN]),
        ROW(CPU_BASED_VM_EXEC_CONTROL, vm->ctl[VMM_CTL_PROC]),
        ROW(VM_EXIT_CONTROLS, vm->ctl[VMM_CTL_EXIT]),
        ROW(VM_ENTRY_CONTROLS, vm->ctl[VMM_CTL_ENTRY]),
        ROW(EXCEPTION_BITMAP, 0), /* the guest's IDT handles its exceptions */
        ROW(PAGE_FAULT_ERROR_CODE_MASK, 0),
        ROW(PAGE_FAULT_ERROR_CODE_MATCH, 0),
        ROW(CR3_TARGET_COUNT, 0),
        ROW(VM_EXIT_MSR_STORE_COUNT, 0),
        ROW(VM_EXIT_MSR_LOAD_COUNT, 0),
        ROW(VM_ENTRY_MSR_LOAD_COUNT, 0),
        ROW(VM_ENTRY_INTR_INFO_FIELD, 0),
        ROW(VM_ENTRY_EXCEPTION_ERROR_CODE, 0),
        ROW(VM_ENTRY_INSTRUCTION_LEN, 0),
        ROW(TSC_OFFSET, 0),
        ROW(CR0_GUEST_HOST_MASK, cr0_mask),
        ROW(CR0_READ_SHADOW, cr0),
        ROW(CR4_GUEST_HOST_MASK, cr4_mask),
        ROW(CR4_READ_SHADOW, cr4 & ~CR4_VMXE),
        ROW(IO_BITMAP_A, vm->io_bitmap.a.hpa),
        ROW(IO_BITMAP_B, vm->io_bitmap.b.hpa),
        ROW(MSR_BITMAP, vm->msr_bitmap.page.hpa),
        ROW(VMCS_LINK_POINTER, ~0ull),
    };
    int rc = write_rows(vm, rows, sizeof rows / sizeof rows[0], err);
    if (rc == VMM_OK && (vm->features & VMM_VM_F_SECONDARY)) {
        const struct row secondary[] = {ROW(SECONDARY_VM_EXEC_CONTROL, vm->ctl[VMM_CTL_PROC2])};
        rc = write_rows(vm, secondary, 1, err);
    }
    if (rc == VMM_OK && (vm->features & VMM_VM_F_EPT)) {
        const struct row ept[] = {ROW(EPT_POINTER, vm->eptp)};
        rc = write_rows(vm, ept, 1, err);
    }
    if (rc == VMM_OK && (vm->features & VMM_VM_F_VPID)) {
        const struct row vpid[] = {ROW(VIRTUAL_PROCESSOR_ID, vm->vpid)};
        rc = write_rows(vm, vpid, 1, err);
    }
    return rc;
}

static int write_guest(struct vmm_vm *vm, struct vmm_vm_error *err)
{
    const struct vmm_vm_layout *l = &vm->layout;
    const uint64_t flat = 0xffffffffull;
    const struct row rows[] = {
        ROW(GUEST_CR0, vm_guest_cr0(vm->caps)),
        ROW(GUEST_CR3, l->pml4),
        ROW(GUEST_CR4, vm_guest_cr4(vm->caps)),
        ROW(GUEST_DR7, DR7_POWER_ON),
        ROW(GUEST_RSP, vm->cfg.rsp),
        ROW(GUEST_RIP, vm->cfg.entry),
        ROW(GUEST_RFLAGS, 0x2), /* bit 1 is always 1; IF = 0 */
        ROW(GUEST_CS_SELECTOR, VMM_VM_SEL_CODE), ROW(GUEST_CS_BASE, 0),
        ROW(GUEST_CS_LIMIT, flat), ROW(GUEST_CS_AR_BYTES, VM_AR_CODE64),
        ROW(GUEST_SS_SELECTOR, VMM_VM_SEL_DATA), ROW(GUEST_SS_BASE, 0),
        ROW(GUEST_SS_LIMIT, flat), ROW(GUEST_SS_AR_BYTES, VM_AR_DATA),
        ROW(GUEST_DS_SELECTOR, VMM_VM_SEL_DATA), ROW(GUEST_DS_BASE, 0),
        ROW(GUEST_DS_LIMIT, flat), ROW(GUEST_DS_AR_BYTES, VM_AR_DATA),
        ROW(GUEST_ES_SELECTOR, VMM_VM_SEL_DATA), ROW(GUEST_ES_BASE, 0),
        ROW(GUEST_ES_LIMIT, flat), ROW(GUEST_ES_AR_BYTES, VM_AR_DATA),
        ROW(GUEST_FS_SELECTOR, VMM_VM_SEL_DATA), ROW(GUEST_FS_BASE, 0),
        ROW(GUEST_FS_LIMIT, flat), ROW(GUEST_FS_AR_BYTES, VM_AR_DATA),
        ROW(GUEST_GS_SELECTOR, VMM_VM_SEL_DATA), ROW(GUEST_GS_BASE, 0),
        ROW(GUEST_GS_LIMIT, flat), ROW(GUEST_GS_AR_BYTES, VM_AR_DATA),
        ROW(GUEST_LDTR_SELECTOR, 0), ROW(GUEST_LDTR_BASE, 0),
        ROW(GUEST_LDTR_LIMIT, 0), ROW(GUEST_LDTR_AR_BYTES, VM_AR_UNUSABLE),
        ROW(GUEST_TR_SELECTOR, VMM_VM_SEL_TSS), ROW(GUEST_TR_BASE, l->tss),
        ROW(GUEST_TR_LIMIT, VMM_VM_TSS_LIMIT), ROW(GUEST_TR_AR_BYTES, VM_AR_TSS_BUSY),
        ROW(GUEST_GDTR_BASE, l->gdt), ROW(GUEST_GDTR_LIMIT, VMM_VM_GDT_LIMIT),
        ROW(GUEST_IDTR_BASE, l->idt), ROW(GUEST_IDTR_LIMIT, VMM_VM_IDT_LIMIT),
        ROW(GUEST_IA32_DEBUGCTL, 0),
        ROW(GUEST_SYSENTER_CS, 0), ROW(GUEST_SYSENTER_ESP, 0), ROW(GUEST_SYSENTER_EIP, 0),
        ROW(GUEST_PENDING_DBG_EXCEPTIONS, 0),
        ROW(GUEST_INTERRUPTIBILITY_INFO, 0),
        ROW(GUEST_ACTIVITY_STATE, 0), /* active */
        /* Without "load IA32_EFER" VM entry derives LME/LMA from "IA-32e mode guest". */
        OPT(GUEST_IA32_EFER, VMM_EFER_LME | VMM_EFER_LMA),
        OPT(GUEST_IA32_PAT, PAT_POWER_ON),
    };
    return write_rows(vm, rows, sizeof rows / sizeof rows[0], err);
}

/*
 * A valid 64-bit host at CPL 0 with placeholder addresses (0: canonical,
 * and obviously not a real host's). The sim never loads host state; a
 * hardware backend writes its real state over these before VM entry.
 */
static int write_host(struct vmm_vm *vm, struct vmm_vm_error *err)
{
    const struct vmx_caps *c = vm->caps;
    uint64_t cr0 = (CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG | c->cr0_fixed0) &
                   c->cr0_fixed1;
    uint64_t cr4 = (CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_VMXE | c->cr4_fixed0) &
                   c->cr4_fixed1;
    const struct row rows[] = {
        ROW(HOST_CR0, cr0), ROW(HOST_CR3, 0), ROW(HOST_CR4, cr4),
        ROW(HOST_CS_SELECTOR, VMM_VM_SEL_CODE), ROW(HOST_SS_SELECTOR, VMM_VM_SEL_DATA),
        ROW(HOST_DS_SELECTOR, VMM_VM_SEL_DATA), ROW(HOST_ES_SELECTOR, VMM_VM_SEL_DATA),
        ROW(HOST_FS_SELECTOR, VMM_VM_SEL_DATA), ROW(HOST_GS_SELECTOR, VMM_VM_SEL_DATA),
        ROW(HOST_TR_SELECTOR, VMM_VM_SEL_TSS),
        ROW(HOST_FS_BASE, 0), ROW(HOST_GS_BASE, 0), ROW(HOST_TR_BASE, 0),
        ROW(HOST_GDTR_BASE, 0), ROW(HOST_IDTR_BASE, 0),
        ROW(HOST_IA32_SYSENTER_CS, 0), ROW(HOST_IA32_SYSENTER_ESP, 0),
        ROW(HOST_IA32_SYSENTER_EIP, 0),
        ROW(HOST_RSP, 0), ROW(HOST_RIP, 0),
        OPT(HOST_IA32_EFER, VMM_EFER_LME | VMM_EFER_LMA),
        OPT(HOST_IA32_PAT, PAT_POWER_ON),
    };
    return write_rows(vm, rows, sizeof rows / sizeof rows[0], err);
}

int vm_write_vmcs(struct vmm_vm *vm, struct vmm_vm_error *err)
{
    int rc = write_controls(vm, err);
    if (rc == VMM_OK)
        rc = write_guest(vm, err);
    if (rc == VMM_OK)
        rc = write_host(vm, err);
    return rc;
}
