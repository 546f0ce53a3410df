/* SPDX-License-Identifier: Apache-2.0 */
/*
 * XMHF's names for VMCS fields (its vmcs struct members: guest_CR0,
 * control_VMX_cpu_based, info_vmexit_reason, ...). Most are the table's
 * names in another case, or with a "control_"/"info_" head; the rest are
 * listed here.
 */
#include "xmhf_names.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    enum vmcs_field_id id;
} aliases[] = {
    {"control_vpid", VMCS_VIRTUAL_PROCESSOR_ID},
    {"control_post_interrupt_notification_vec", VMCS_POSTED_INTR_NV},
    {"guest_interrupt_status", VMCS_GUEST_INTR_STATUS},
    {"control_IO_BitmapA_address", VMCS_IO_BITMAP_A},
    {"control_IO_BitmapB_address", VMCS_IO_BITMAP_B},
    {"control_MSR_Bitmaps_address", VMCS_MSR_BITMAP},
    {"control_VM_exit_MSR_store_address", VMCS_VM_EXIT_MSR_STORE_ADDR},
    {"control_VM_exit_MSR_load_address", VMCS_VM_EXIT_MSR_LOAD_ADDR},
    {"control_VM_entry_MSR_load_address", VMCS_VM_ENTRY_MSR_LOAD_ADDR},
    {"control_virtual_APIC_address", VMCS_VIRTUAL_APIC_PAGE_ADDR},
    {"control_APIC_access_address", VMCS_APIC_ACCESS_ADDR},
    {"control_posted_interrupt_desc_address", VMCS_POSTED_INTR_DESC_ADDR},
    {"control_VM_function_controls", VMCS_VM_FUNCTION_CONTROL},
    {"control_EOI_exit_bitmap_0", VMCS_EOI_EXIT_BITMAP0},
    {"control_EOI_exit_bitmap_1", VMCS_EOI_EXIT_BITMAP1},
    {"control_EOI_exit_bitmap_2", VMCS_EOI_EXIT_BITMAP2},
    {"control_EOI_exit_bitmap_3", VMCS_EOI_EXIT_BITMAP3},
    {"control_VMREAD_bitmap_address", VMCS_VMREAD_BITMAP},
    {"control_VMWRITE_bitmap_address", VMCS_VMWRITE_BITMAP},
    {"control_virt_exception_info_address", VMCS_VE_INFORMATION_ADDRESS},
    {"control_XSS_exiting_bitmap", VMCS_XSS_EXIT_BITMAP},
    {"control_subpage_permission_table_pointer", VMCS_SPPT_POINTER},
    {"control_tertiary_proc_based_VMexec_ctls", VMCS_TERTIARY_VM_EXEC_CONTROL},
    {"guest_paddr", VMCS_GUEST_PHYSICAL_ADDRESS},
    {"guest_VMCS_link_pointer", VMCS_VMCS_LINK_POINTER},
    {"guest_PDPTE0", VMCS_GUEST_PDPTR0},
    {"guest_PDPTE1", VMCS_GUEST_PDPTR1},
    {"guest_PDPTE2", VMCS_GUEST_PDPTR2},
    {"guest_PDPTE3", VMCS_GUEST_PDPTR3},
    {"guest_IA32_BNDCFGS", VMCS_GUEST_BNDCFGS},
    {"control_VMX_pin_based", VMCS_PIN_BASED_VM_EXEC_CONTROL},
    {"control_VMX_cpu_based", VMCS_CPU_BASED_VM_EXEC_CONTROL},
    {"control_pagefault_errorcode_mask", VMCS_PAGE_FAULT_ERROR_CODE_MASK},
    {"control_pagefault_errorcode_match", VMCS_PAGE_FAULT_ERROR_CODE_MATCH},
    {"control_VM_entry_interruption_information", VMCS_VM_ENTRY_INTR_INFO_FIELD},
    {"control_VM_entry_exception_errorcode", VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE},
    {"control_VM_entry_instruction_length", VMCS_VM_ENTRY_INSTRUCTION_LEN},
    {"control_Task_PRivilege_Threshold", VMCS_TPR_THRESHOLD},
    {"control_VMX_seccpu_based", VMCS_SECONDARY_VM_EXEC_CONTROL},
    {"info_vminstr_error", VMCS_VM_INSTRUCTION_ERROR},
    {"info_vmexit_reason", VMCS_VM_EXIT_REASON},
    {"info_vmexit_interrupt_information", VMCS_VM_EXIT_INTR_INFO},
    {"info_vmexit_interrupt_error_code", VMCS_VM_EXIT_INTR_ERROR_CODE},
    {"info_IDT_vectoring_information", VMCS_IDT_VECTORING_INFO_FIELD},
    {"info_vmexit_instruction_length", VMCS_VM_EXIT_INSTRUCTION_LEN},
    {"info_vmx_instruction_information", VMCS_VMX_INSTRUCTION_INFO},
    {"guest_interruptibility", VMCS_GUEST_INTERRUPTIBILITY_INFO},
    {"guest_VMX_preemption_timer_value", VMCS_VMX_PREEMPTION_TIMER_VALUE},
    {"host_SYSENTER_CS", VMCS_HOST_IA32_SYSENTER_CS},
    {"control_CR0_mask", VMCS_CR0_GUEST_HOST_MASK},
    {"control_CR4_mask", VMCS_CR4_GUEST_HOST_MASK},
    {"control_CR0_shadow", VMCS_CR0_READ_SHADOW},
    {"control_CR4_shadow", VMCS_CR4_READ_SHADOW},
    {"control_CR3_target0", VMCS_CR3_TARGET_VALUE0},
    {"control_CR3_target1", VMCS_CR3_TARGET_VALUE1},
    {"control_CR3_target2", VMCS_CR3_TARGET_VALUE2},
    {"control_CR3_target3", VMCS_CR3_TARGET_VALUE3},
    {"guest_pending_debug_x", VMCS_GUEST_PENDING_DBG_EXCEPTIONS},
    {"guest_IA32_S_CET", VMCS_GUEST_S_CET},
    {"guest_IA32_INTERRUPT_SSP_TABLE_ADDR", VMCS_GUEST_INTR_SSP_TABLE},
    {"host_SYSENTER_ESP", VMCS_HOST_IA32_SYSENTER_ESP},
    {"host_SYSENTER_EIP", VMCS_HOST_IA32_SYSENTER_EIP},
    {"host_IA32_S_CET", VMCS_HOST_S_CET},
    {"host_IA32_INTERRUPT_SSP_TABLE_ADDR", VMCS_HOST_INTR_SSP_TABLE},
};

/* guest_XX_access_rights: the access-rights field of segment XX. */
static bool access_rights(struct span name, enum vmcs_field_id *id)
{
    static const char head[] = "guest_", tail[] = "_access_rights";
    if (!span_starts(name, head) || !span_ends(name, tail) || name.n > 40 ||
        name.n < sizeof head + sizeof tail - 1)
        return false;
    char buf[48];
    size_t seg = name.n - (sizeof head - 1) - (sizeof tail - 1);
    snprintf(buf, sizeof buf, "GUEST_%.*s_AR_BYTES", (int)seg, name.p + sizeof head - 1);
    bool high;
    return vmcs_field_by_name(buf, id, &high) == 0 && !high;
}

bool xmhf_field(struct span name, enum vmcs_field_id *id)
{
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (span_eq(name, aliases[i].name)) {
            *id = aliases[i].id;
            return true;
        }
    if (access_rights(name, id))
        return true;
    bool high;
    if ((span_starts(name, "guest_") || span_starts(name, "host_")) &&
        field_by_span(name, id, &high))
        return !high;
    if (span_starts(name, "control_"))
        return field_by_span(span_skip(name, 8), id, &high) && !high;
    if (span_starts(name, "info_"))
        return field_by_span(span_skip(name, 5), id, &high) && !high;
    return false;
}
