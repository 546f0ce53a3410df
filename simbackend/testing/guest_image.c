/* SPDX-License-Identifier: Apache-2.0 */
/* The pieces of a runnable 64-bit guest, through the seam. */
#include "guest_image.h"

#include <stdlib.h>

static int poke64(struct vmm_cpu *cpu, uint64_t gpa, uint64_t v)
{
    return cpu->ops->gpa_write(cpu, gpa, &v, 8);
}

int guest_image_memory(struct vmm_cpu *cpu)
{
    int rc = poke64(cpu, GUEST_CR3, (GUEST_CR3 + 0x1000) | 3);
    rc = rc ? rc : poke64(cpu, GUEST_CR3 + 0x1000, (GUEST_CR3 + 0x2000) | 3);
    for (uint64_t i = 0; i < 512 && !rc; i++)
        rc = poke64(cpu, GUEST_CR3 + 0x2000 + 8 * i, (i << 21) | 0x83);
    rc = rc ? rc : poke64(cpu, GUEST_GDT + 0x08, 0x00af9b000000ffffull); /* 64-bit code */
    rc = rc ? rc : poke64(cpu, GUEST_GDT + 0x10, 0x00cf93000000ffffull); /* data */
    uint64_t tss = 0x67 | (GUEST_TSS & 0xffffff) << 16 | 0x8bull << 40 |
                   (GUEST_TSS >> 24 & 0xff) << 56;
    rc = rc ? rc : poke64(cpu, GUEST_GDT + 0x18, tss);
    return rc ? rc : poke64(cpu, GUEST_GDT + 0x20, GUEST_TSS >> 32);
}

static int negotiate(const struct vmx_caps *caps, enum vmm_ctl_kind kind, uint64_t want1,
                     uint64_t want0, struct vmcs_image *v, enum vmcs_field_id field)
{
    struct vmx_ctl_result r;
    if (vmx_ctl_negotiate(caps, kind, want1, want0, &r) != VMM_OK)
        return VMM_E_UNSUPPORTED;
    vmcs_set(v, field, r.value);
    return VMM_OK;
}

int guest_image_vmcs(struct vmm_cpu *cpu, const struct vmx_caps *caps, enum baseline b)
{
    struct test_entry *t = malloc(sizeof *t);
    if (!t)
        return VMM_E_NOMEM;
    baseline_build(b, t);
    struct vmcs_image *v = &t->vmcs;
    bool ia32e = vmcs_get(v, VMCS_VM_ENTRY_CONTROLS) & VMX_ENTRY_IA32E_MODE_GUEST;
    int rc = negotiate(caps, VMM_CTL_PIN, VMX_PIN_EXT_INTR_EXITING | VMX_PIN_NMI_EXITING, 0, v,
                       VMCS_PIN_BASED_VM_EXEC_CONTROL);
    rc = rc ? rc : negotiate(caps, VMM_CTL_PROC, VMX_PROC_HLT_EXITING, 0, v,
                             VMCS_CPU_BASED_VM_EXEC_CONTROL);
    rc = rc ? rc : negotiate(caps, VMM_CTL_EXIT, VMX_EXIT_HOST_ADDR_SPACE_SIZE | VMX_EXIT_LOAD_EFER |
                                                     VMX_EXIT_LOAD_PAT | VMX_EXIT_SAVE_EFER, 0, v,
                             VMCS_VM_EXIT_CONTROLS);
    rc = rc ? rc : negotiate(caps, VMM_CTL_ENTRY, (ia32e ? VMX_ENTRY_IA32E_MODE_GUEST : 0) |
                                                      VMX_ENTRY_LOAD_EFER | VMX_ENTRY_LOAD_PAT,
                             ia32e ? 0 : VMX_ENTRY_IA32E_MODE_GUEST, v, VMCS_VM_ENTRY_CONTROLS);
    for (unsigned id = 0; id < VMCS_FIELD_COUNT && !rc; id++) {
        if (vmcs_field_table[id].type == VMCS_EXIT_INFO || !vmcs_field_exists(caps, id))
            continue;
        struct vmx_status st = cpu->ops->vmwrite(cpu, vmcs_field_table[id].encoding,
                                                 vmcs_get(v, (enum vmcs_field_id)id));
        if (st.outcome != VMX_SUCCEED)
            rc = VMM_E_STATE;
    }
    free(t);
    return rc;
}
