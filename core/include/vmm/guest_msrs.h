/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MSRs the core emulates for a guest when RDMSR/WRMSR exit: a table,
 * one row per MSR, each saying where the value lives and how a write is
 * checked. An MSR without a row does not exist for the guest: RDMSR and
 * WRMSR of it raise #GP(0).
 *
 * Kinds:
 *   STORE      the value is kept in the row; WRMSR is checked by the WRMSR
 *              model (vmm/msr.h) when it knows the MSR, else any value
 *   READ_ONLY  the value is kept in the row; WRMSR raises #GP(0)
 *   VMCS       the value is a guest-state VMCS field (SYSENTER_*, DEBUGCTL,
 *              PAT, FS/GS base); WRMSR checked as for STORE
 *   EFER       IA32_EFER in the GUEST_IA32_EFER field: reserved bits and
 *              "LME may not change while CR0.PG = 1" raise #GP, LMA is kept
 *   TSC        IA32_TIME_STAMP_COUNTER: the guest's TSC (counter + TSC
 *              offset); a write moves the TSC offset
 * MSRs that change how the guest executes and have no VMCS field (STAR,
 * LSTAR, CSTAR, FMASK, KERNEL_GS_BASE) are not in the default set: they
 * belong to the backend's guest state and should pass through the MSR
 * bitmap (with the VM-entry/exit MSR lists on hardware).
 * VMCS-backed PAT and EFER need the "load/save IA32_PAT/EFER" controls.
 */
#ifndef VMM_GUEST_MSRS_H
#define VMM_GUEST_MSRS_H

#include "vmm/msr.h"
#include "vmm/vmcs_fields.h"

enum vmm_gmsr_kind {
    VMM_GMSR_STORE,
    VMM_GMSR_READ_ONLY,
    VMM_GMSR_VMCS,
    VMM_GMSR_EFER,
    VMM_GMSR_TSC,
};

struct vmm_gmsr {
    uint32_t index;
    uint8_t kind;   /* enum vmm_gmsr_kind */
    uint16_t field; /* VMM_GMSR_VMCS: enum vmcs_field_id */
    uint64_t value; /* STORE, READ_ONLY */
};

#define VMM_GUEST_MSRS_MAX 48

struct vmm_guest_msrs {
    struct vmm_gmsr msr[VMM_GUEST_MSRS_MAX]; /* sorted by index */
    size_t count;
    struct vmm_msr_model model;              /* what WRMSR checks against */
};

/*
 * The default set for a guest with the features of `model`:
 *   10H TSC; 3AH IA32_FEATURE_CONTROL read-only 1 (locked, VMX off);
 *   8BH IA32_BIOS_SIGN_ID store 0; 174H-176H SYSENTER_CS/ESP/EIP (VMCS);
 *   1A0H IA32_MISC_ENABLE store 1 (fast strings); 1D9H IA32_DEBUGCTL
 *   (VMCS); 277H IA32_PAT (VMCS); C0000080H EFER (with long mode or NX);
 *   C0000100H/C0000101H FS/GS base (VMCS, with long mode); C0000103H
 *   IA32_TSC_AUX store 0 (with RDTSCP).
 */
int vmm_guest_msrs_init(struct vmm_guest_msrs *m, const struct vmm_msr_model *model);

/* Adds or replaces a row. VMM_E_NOMEM when full, VMM_E_INVAL for a bad field. */
int vmm_guest_msrs_add(struct vmm_guest_msrs *m, uint32_t index, enum vmm_gmsr_kind kind,
                       enum vmcs_field_id field, uint64_t value);
/* Removes a row; VMM_E_NOENT if there is none. */
int vmm_guest_msrs_remove(struct vmm_guest_msrs *m, uint32_t index);
/* The row of `index`, or NULL (O(log n)). */
struct vmm_gmsr *vmm_guest_msrs_find(struct vmm_guest_msrs *m, uint32_t index);

#endif /* VMM_GUEST_MSRS_H */
