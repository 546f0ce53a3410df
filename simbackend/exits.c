/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The exit-information fields of a VM exit (SDM Vol. 3C "Exit Information
 * Fields"; layouts in reference/exit-qualifications.md). Fields a reason
 * does not define are written as 0 rather than left stale, so two runs of
 * the same scenario leave identical VMCSs.
 */
#include "engine_internal.h"

void exit_set(struct sim_engine *e, uint32_t reason, uint64_t qual)
{
    e->exit = (struct exit_record){.reason = reason, .qual = qual};
    e->exit_ready = true;
}

void exit_write(struct sim_engine *e)
{
    struct vmcs_image *v = e->vmcs;
    const struct exit_record *x = &e->exit;
    vmcs_set(v, VMCS_VM_EXIT_REASON, x->reason);
    vmcs_set(v, VMCS_EXIT_QUALIFICATION, x->qual);
    vmcs_set(v, VMCS_GUEST_LINEAR_ADDRESS, x->gla_valid ? x->gla : 0);
    vmcs_set(v, VMCS_GUEST_PHYSICAL_ADDRESS, x->gpa);
    vmcs_set(v, VMCS_VM_EXIT_INSTRUCTION_LEN, x->len);
    vmcs_set(v, VMCS_VMX_INSTRUCTION_INFO, x->info);
    vmcs_set(v, VMCS_VM_EXIT_INTR_INFO, x->intr_info);
    vmcs_set(v, VMCS_VM_EXIT_INTR_ERROR_CODE, x->intr_error);
    vmcs_set(v, VMCS_IDT_VECTORING_INFO_FIELD, x->idt_info);
    vmcs_set(v, VMCS_IDT_VECTORING_ERROR_CODE, x->idt_error);
    /* Every VM exit clears the valid bit of the VM-entry interruption information. */
    uint64_t inj = vmcs_get(v, VMCS_VM_ENTRY_INTR_INFO_FIELD);
    vmcs_set(v, VMCS_VM_ENTRY_INTR_INFO_FIELD, inj & ~(uint64_t)VMX_INTR_VALID);
}

/* Address size as instruction information encodes it (bits 9:7). */
static uint32_t addr_size_code(uint8_t bytes)
{
    return bytes == 2 ? 0 : bytes == 4 ? 1 : 2;
}

uint32_t exit_info_mem(const struct insn *in)
{
    if (!(in->flags & INSN_F_MEM))
        return 0;
    const struct insn_mem *m = &in->mem;
    uint32_t info = m->scale | addr_size_code(m->addr_size) << 7 | (uint32_t)m->seg << 15;
    info |= m->index <= 15 ? (uint32_t)m->index << 18 : 1u << 22;
    info |= m->base <= 15 ? (uint32_t)m->base << 23 : 1u << 27;
    return info;
}
