/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Filling the exit record: one VMREAD per field the exit table marks
 * valid for the reason, nothing else (reading an undefined field is
 * harmless on hardware, but a field that does not exist fails, and the
 * table is the single statement of what each exit reports).
 */
#include "vmm/exits.h"
#include "vmm/vmcs_access.h"

static bool is_software_event(uint32_t info)
{
    unsigned type = (info & VMX_INTR_TYPE_MASK) >> VMX_INTR_TYPE_SHIFT;
    return (info & VMX_INTR_VALID) &&
           (type == VMX_EVENT_SW_INTR || type == VMX_EVENT_PRIV_SW_EXCEPTION ||
            type == VMX_EVENT_SW_EXCEPTION);
}

static int read32(struct vmm_cpu *cpu, enum vmcs_field_id id, uint32_t *out)
{
    uint64_t v;
    int rc = vmm_vmread(cpu, id, &v);
    if (rc == VMM_OK)
        *out = (uint32_t)v;
    return rc;
}

#define TRY(expr)                  \
    do {                           \
        int rc_ = (expr);          \
        if (rc_ != VMM_OK)         \
            return rc_;            \
    } while (0)

static int read_event_fields(struct vmm_cpu *cpu, struct vmm_exit *e)
{
    TRY(read32(cpu, VMCS_IDT_VECTORING_INFO_FIELD, &e->idt_info));
    TRY(read32(cpu, VMCS_IDT_VECTORING_ERROR_CODE, &e->idt_error));
    e->have |= VMM_EXIT_HAVE_IDT;
    return VMM_OK;
}

int vmm_exit_read(struct vmm_cpu *cpu, struct vmm_exit *e)
{
    *e = (struct vmm_exit){0};
    uint32_t raw;
    TRY(read32(cpu, VMCS_VM_EXIT_REASON, &raw));
    e->reason_raw = raw;
    e->reason = (uint16_t)(raw & VMX_EXIT_REASON_BASIC_MASK);
    e->entry_failure = (raw & VMX_EXIT_REASON_ENTRY_FAIL) != 0;

    const struct vmx_exit_info *row = vmx_exit_info_of(e->reason);
    if (e->entry_failure || !row) {
        /* Entry failures report only a qualification; an unknown reason
         * gets what every exit can have, for the dump. */
        TRY(vmm_vmread(cpu, VMCS_EXIT_QUALIFICATION, &e->qualification));
        e->have |= VMM_EXIT_HAVE_QUAL;
        return row ? VMM_OK : read_event_fields(cpu, e);
    }

    if (row->qual != VMX_QUAL_NONE && row->qual != VMX_QUAL_RESERVED) {
        TRY(vmm_vmread(cpu, VMCS_EXIT_QUALIFICATION, &e->qualification));
        e->have |= VMM_EXIT_HAVE_QUAL;
    }
    if (row->qual != VMX_QUAL_RESERVED)
        TRY(read_event_fields(cpu, e));
    if (row->len != VMX_EXIT_LEN_NO || is_software_event(e->idt_info)) {
        TRY(read32(cpu, VMCS_VM_EXIT_INSTRUCTION_LEN, &e->instr_len));
        e->have |= VMM_EXIT_HAVE_LEN;
    }
    if (row->info != VMX_INFO_NONE) {
        TRY(read32(cpu, VMCS_VMX_INSTRUCTION_INFO, &e->instr_info));
        e->have |= VMM_EXIT_HAVE_INFO;
    }
    if (row->extra & VMX_EXIT_EXTRA_GLA) {
        TRY(vmm_vmread(cpu, VMCS_GUEST_LINEAR_ADDRESS, &e->guest_linear));
        e->have |= VMM_EXIT_HAVE_GLA;
    }
    if (row->extra & VMX_EXIT_EXTRA_GPA) {
        TRY(vmm_vmread(cpu, VMCS_GUEST_PHYSICAL_ADDRESS, &e->guest_physical));
        e->have |= VMM_EXIT_HAVE_GPA;
    }
    if (row->extra & VMX_EXIT_EXTRA_INTR) {
        TRY(read32(cpu, VMCS_VM_EXIT_INTR_INFO, &e->intr_info));
        TRY(read32(cpu, VMCS_VM_EXIT_INTR_ERROR_CODE, &e->intr_error));
        e->have |= VMM_EXIT_HAVE_INTR;
    }
    if (row->extra & VMX_EXIT_EXTRA_IO_REGS) {
        TRY(vmm_vmread(cpu, VMCS_IO_RCX, &e->io_rcx));
        TRY(vmm_vmread(cpu, VMCS_IO_RSI, &e->io_rsi));
        TRY(vmm_vmread(cpu, VMCS_IO_RDI, &e->io_rdi));
        TRY(vmm_vmread(cpu, VMCS_IO_RIP, &e->io_rip));
        e->have |= VMM_EXIT_HAVE_IO_REGS;
    }
    if (row->extra & VMX_EXIT_EXTRA_MSR_DATA) {
        TRY(vmm_vmread(cpu, VMCS_MSR_DATA, &e->msr_data));
        e->have |= VMM_EXIT_HAVE_MSR_DATA;
    }
    return VMM_OK;
}
