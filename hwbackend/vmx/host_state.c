/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host-state area filled from the running processor, so that a VM exit
 * returns to this host exactly as it was: control registers, selectors,
 * descriptor-table and segment bases, SYSENTER MSRs, and EFER/PAT where the
 * exit controls load them. HOST_RSP/HOST_RIP are the trampoline's.
 */
#include "hwvmx_internal.h"
#include "insn.h"
#include "libos/cpu.h"
#include "vmm/msr.h"
#include "vmm/vmcs_fields.h"

/* Base of the (16-byte, 64-bit) TSS descriptor `sel` selects in the GDT at `gdt`. */
static uint64_t tss_base(uint64_t gdt, uint16_t sel)
{
    const volatile uint32_t *d = (const volatile uint32_t *)(uintptr_t)(gdt + (sel & ~7u));
    if ((sel & ~7u) == 0)
        return 0;
    uint64_t base = (d[0] >> 16) | ((d[1] & 0xffu) << 16) | (d[1] & 0xff000000u);
    return base | ((uint64_t)d[2] << 32);
}

size_t hwvmx_host_state(struct hwvmx_host_field out[HWVMX_HOST_FIELDS_MAX], uint64_t exit_ctls)
{
    struct libos_dtr gdtr, idtr;
    sgdt(&gdtr);
    sidt(&idtr);
    uint16_t tr = str();
    const struct hwvmx_host_field fields[] = {
        {VMCS_ENC_HOST_CR0, read_cr0()},
        {VMCS_ENC_HOST_CR3, read_cr3()},
        {VMCS_ENC_HOST_CR4, read_cr4()},
        {VMCS_ENC_HOST_ES_SELECTOR, read_es()},
        {VMCS_ENC_HOST_CS_SELECTOR, read_cs()},
        {VMCS_ENC_HOST_SS_SELECTOR, read_ss()},
        {VMCS_ENC_HOST_DS_SELECTOR, read_ds()},
        {VMCS_ENC_HOST_FS_SELECTOR, read_fs()},
        {VMCS_ENC_HOST_GS_SELECTOR, read_gs()},
        {VMCS_ENC_HOST_TR_SELECTOR, tr},
        {VMCS_ENC_HOST_FS_BASE, rdmsr(VMM_MSR_IA32_FS_BASE)},
        {VMCS_ENC_HOST_GS_BASE, rdmsr(VMM_MSR_IA32_GS_BASE)},
        {VMCS_ENC_HOST_TR_BASE, tss_base(gdtr.base, tr)},
        {VMCS_ENC_HOST_GDTR_BASE, gdtr.base},
        {VMCS_ENC_HOST_IDTR_BASE, idtr.base},
        {VMCS_ENC_HOST_IA32_SYSENTER_CS, rdmsr(VMM_MSR_IA32_SYSENTER_CS)},
        {VMCS_ENC_HOST_IA32_SYSENTER_ESP, rdmsr(VMM_MSR_IA32_SYSENTER_ESP)},
        {VMCS_ENC_HOST_IA32_SYSENTER_EIP, rdmsr(VMM_MSR_IA32_SYSENTER_EIP)},
        {VMCS_ENC_HOST_IA32_EFER, rdmsr(VMM_MSR_IA32_EFER)},
        {VMCS_ENC_HOST_IA32_PAT, rdmsr(VMM_MSR_IA32_PAT)},
    };
    _Static_assert(sizeof fields / sizeof fields[0] == HWVMX_HOST_FIELDS_MAX,
                   "HWVMX_HOST_FIELDS_MAX counts the rows");
    size_t n = 0;
    for (size_t i = 0; i < HWVMX_HOST_FIELDS_MAX; i++) {
        /* EFER and PAT exist (and matter) only where the exit controls load them. */
        uint32_t enc = fields[i].encoding;
        if ((enc == VMCS_ENC_HOST_IA32_EFER && !(exit_ctls & VMX_EXIT_LOAD_EFER)) ||
            (enc == VMCS_ENC_HOST_IA32_PAT && !(exit_ctls & VMX_EXIT_LOAD_PAT)))
            continue;
        out[n++] = fields[i];
    }
    return n;
}

struct vmx_status hwvmx_write_host_state(void)
{
    uint64_t exit_ctls = 0;
    struct vmx_status st = hwvmx_vmread(VMCS_ENC_VM_EXIT_CONTROLS, &exit_ctls);
    struct hwvmx_host_field fields[HWVMX_HOST_FIELDS_MAX];
    size_t n = st.outcome == VMX_SUCCEED ? hwvmx_host_state(fields, exit_ctls) : 0;
    for (size_t i = 0; i < n && st.outcome == VMX_SUCCEED; i++)
        st = hwvmx_vmwrite(fields[i].encoding, fields[i].value);
    return st;
}
