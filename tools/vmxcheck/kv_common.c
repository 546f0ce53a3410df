/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The labels KVM's dump_vmcs() and Xen's vmcs_dump_vcpu() both print, and
 * the VMCS field each one shows. (Read off the printed dumps; the two
 * hypervisors use the same wording for most of their lines.)
 */
#include "kvstyle.h"

#define G KV_GUEST
#define H KV_HOST
#define C KV_CONTROL
#define ROW(sec, label, key, field) {sec, KV_PLAIN, VMCS_##field, 0, label, key}
/* "CS:   sel=0x0010, attr=0x0a09b, limit=0xffffffff, base=0x0000000000000000" */
#define SEG(name)                                                                  \
    ROW(G, #name, "sel", GUEST_##name##_SELECTOR),                                 \
        ROW(G, #name, "attr", GUEST_##name##_AR_BYTES),                            \
        ROW(G, #name, "limit", GUEST_##name##_LIMIT), ROW(G, #name, "base", GUEST_##name##_BASE)
#define DTR(name) ROW(G, #name, "limit", GUEST_##name##_LIMIT), ROW(G, #name, "base", GUEST_##name##_BASE)

const struct kv_row kv_common_rows[] = {
    /* guest state */
    ROW(G, "CR0", "actual", GUEST_CR0),
    ROW(G, "CR0", "shadow", CR0_READ_SHADOW),
    ROW(G, "CR0", "gh_mask", CR0_GUEST_HOST_MASK),
    ROW(G, "CR4", "actual", GUEST_CR4),
    ROW(G, "CR4", "shadow", CR4_READ_SHADOW),
    ROW(G, "CR4", "gh_mask", CR4_GUEST_HOST_MASK),
    ROW(G, "", "CR3", GUEST_CR3),
    ROW(G, "", "PDPTR0", GUEST_PDPTR0),
    ROW(G, "", "PDPTR1", GUEST_PDPTR1),
    ROW(G, "", "PDPTR2", GUEST_PDPTR2),
    ROW(G, "", "PDPTR3", GUEST_PDPTR3),
    ROW(G, "", "RSP", GUEST_RSP),
    ROW(G, "", "RIP", GUEST_RIP),
    ROW(G, "", "RFLAGS", GUEST_RFLAGS),
    ROW(G, "", "DR7", GUEST_DR7),
    ROW(G, "", "Sysenter RSP", GUEST_SYSENTER_ESP),
    {G, KV_SEL_EIP, VMCS_GUEST_SYSENTER_CS, VMCS_GUEST_SYSENTER_EIP, "", "CS:RIP"},
    SEG(CS), SEG(DS), SEG(SS), SEG(ES), SEG(FS), SEG(GS), SEG(LDTR), SEG(TR),
    DTR(GDTR), DTR(IDTR),
    {G, KV_ANNOTATED, VMCS_GUEST_IA32_EFER, 0, "", "EFER"},
    ROW(G, "", "PAT", GUEST_IA32_PAT),
    ROW(G, "", "DebugCtl", GUEST_IA32_DEBUGCTL),
    ROW(G, "", "DebugExceptions", GUEST_PENDING_DBG_EXCEPTIONS),
    ROW(G, "", "PerfGlobCtl", GUEST_IA32_PERF_GLOBAL_CTRL),
    ROW(G, "", "BndCfgS", GUEST_BNDCFGS),
    ROW(G, "", "Interruptibility", GUEST_INTERRUPTIBILITY_INFO),
    ROW(G, "", "ActivityState", GUEST_ACTIVITY_STATE),
    {G, KV_SVI_RVI, VMCS_GUEST_INTR_STATUS, 0, "", "SVI|RVI"},

    /* host state */
    ROW(H, "", "RIP", HOST_RIP),
    ROW(H, "", "RSP", HOST_RSP),
    ROW(H, "", "CS", HOST_CS_SELECTOR),
    ROW(H, "", "SS", HOST_SS_SELECTOR),
    ROW(H, "", "DS", HOST_DS_SELECTOR),
    ROW(H, "", "ES", HOST_ES_SELECTOR),
    ROW(H, "", "FS", HOST_FS_SELECTOR),
    ROW(H, "", "GS", HOST_GS_SELECTOR),
    ROW(H, "", "TR", HOST_TR_SELECTOR),
    ROW(H, "", "FSBase", HOST_FS_BASE),
    ROW(H, "", "GSBase", HOST_GS_BASE),
    ROW(H, "", "TRBase", HOST_TR_BASE),
    ROW(H, "", "GDTBase", HOST_GDTR_BASE),
    ROW(H, "", "IDTBase", HOST_IDTR_BASE),
    ROW(H, "", "CR0", HOST_CR0),
    ROW(H, "", "CR3", HOST_CR3),
    ROW(H, "", "CR4", HOST_CR4),
    ROW(H, "", "Sysenter RSP", HOST_IA32_SYSENTER_ESP),
    {H, KV_SEL_EIP, VMCS_HOST_IA32_SYSENTER_CS, VMCS_HOST_IA32_SYSENTER_EIP, "", "CS:RIP"},
    ROW(H, "", "EFER", HOST_IA32_EFER),
    ROW(H, "", "PAT", HOST_IA32_PAT),
    ROW(H, "", "PerfGlobCtl", HOST_IA32_PERF_GLOBAL_CTRL),

    /* control state */
    ROW(C, "", "PinBased", PIN_BASED_VM_EXEC_CONTROL),
    ROW(C, "", "CPUBased", CPU_BASED_VM_EXEC_CONTROL),
    ROW(C, "", "SecondaryExec", SECONDARY_VM_EXEC_CONTROL),
    ROW(C, "", "TertiaryExec", TERTIARY_VM_EXEC_CONTROL),
    ROW(C, "", "EntryControls", VM_ENTRY_CONTROLS),
    ROW(C, "", "ExitControls", VM_EXIT_CONTROLS),
    ROW(C, "", "ExceptionBitmap", EXCEPTION_BITMAP),
    ROW(C, "", "PFECmask", PAGE_FAULT_ERROR_CODE_MASK),
    ROW(C, "", "PFECmatch", PAGE_FAULT_ERROR_CODE_MATCH),
    ROW(C, "VMEntry", "intr_info", VM_ENTRY_INTR_INFO_FIELD),
    ROW(C, "VMEntry", "errcode", VM_ENTRY_EXCEPTION_ERROR_CODE),
    ROW(C, "VMEntry", "ilen", VM_ENTRY_INSTRUCTION_LEN),
    ROW(C, "VMExit", "intr_info", VM_EXIT_INTR_INFO),
    ROW(C, "VMExit", "errcode", VM_EXIT_INTR_ERROR_CODE),
    ROW(C, "VMExit", "ilen", VM_EXIT_INSTRUCTION_LEN),
    ROW(C, "", "reason", VM_EXIT_REASON),
    ROW(C, "", "qualification", EXIT_QUALIFICATION),
    ROW(C, "VMExit", "reason", VM_EXIT_REASON),
    ROW(C, "VMExit", "qualification", EXIT_QUALIFICATION),
    ROW(C, "IDTVectoring", "info", IDT_VECTORING_INFO_FIELD),
    ROW(C, "IDTVectoring", "errcode", IDT_VECTORING_ERROR_CODE),
    ROW(C, "", "TSC Offset", TSC_OFFSET),
    ROW(C, "", "TSC Multiplier", TSC_MULTIPLIER),
    ROW(C, "", "TPR Threshold", TPR_THRESHOLD),
    ROW(C, "", "PostedIntrVec", POSTED_INTR_NV),
    ROW(C, "", "EPT pointer", EPT_POINTER),
    ROW(C, "", "PLE Gap", PLE_GAP),
    ROW(C, "", "Window", PLE_WINDOW),
    ROW(C, "", "Virtual processor ID", VIRTUAL_PROCESSOR_ID),
    ROW(C, "", "VMfunc controls", VM_FUNCTION_CONTROL),
    ROW(C, "", "EPTP index", EPTP_INDEX),
};
const size_t kv_common_row_count = sizeof kv_common_rows / sizeof kv_common_rows[0];
