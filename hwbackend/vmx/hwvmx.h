/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hardware backend: the seam (vmm/cpu.h) implemented with the real VMX
 * instructions, for a 64-bit ring-0 host whose memory is identity-mapped
 * (host-virtual = host-physical), as the library OS provides it.
 *
 * One struct hwvmx is the logical processor the code runs on. Host pages
 * come from the library OS's page allocator (libos/mem.h); guest RAM is
 * one physically contiguous range the caller reserved.
 *
 * Host state: vmm/vm.h writes placeholder host-state fields; this backend
 * writes the processor's real state (CR0/3/4, selectors, GDTR/IDTR/TR/FS/GS
 * bases, SYSENTER MSRs, EFER, PAT) over them before the first VM entry
 * after a VMPTRLD or after any VMWRITE of a host-state field through the
 * seam, and HOST_RSP/HOST_RIP on every entry (the entry trampoline).
 */
#ifndef HWBACKEND_VMX_HWVMX_H
#define HWBACKEND_VMX_HWVMX_H

#include "vmm/cpu.h"

struct hwvmx_config {
    /*
     * Guest RAM: guest-physical [ram_gpa, ram_gpa + ram_size) is host-
     * physical [ram_hpa, ...). 4 KiB aligned; ram_size 0 for none.
     */
    vmm_gpa_t ram_gpa;
    vmm_hpa_t ram_hpa;
    uint64_t ram_size;
};

struct hwvmx {
    struct vmm_cpu cpu;
    struct hwvmx_config cfg;
    bool in_vmx;          /* between a successful VMXON and VMXOFF */
    bool host_dirty;      /* the current VMCS's host-state fields need the real values */
    vmm_hpa_t current;    /* the VMCS this backend made current (~0: none) */
    uint64_t vmxon_cr4;   /* CR4 before VMXON set VMXE, restored by VMXOFF */
    uint32_t pages_live;  /* pages handed out and not yet returned */
    uint64_t entries;     /* VMLAUNCH/VMRESUME executed */
};

/*
 * Fills *hw for the processor the caller runs on. VMM_E_INVAL for
 * misaligned guest RAM, VMM_E_UNSUPPORTED when CPUID reports no VMX.
 */
int hwvmx_init(struct hwvmx *hw, const struct hwvmx_config *cfg);

/* The seam's view: ops plus this backend. */
static inline struct vmm_cpu *hwvmx_cpu(struct hwvmx *hw)
{
    return &hw->cpu;
}

/* One host-state field and the value the running processor needs in it. */
struct hwvmx_host_field {
    uint32_t encoding;
    uint64_t value;
};
#define HWVMX_HOST_FIELDS_MAX 20

/*
 * The host-state area for this processor as it runs now, except HOST_RSP
 * and HOST_RIP (the entry trampoline's): control registers, selectors,
 * bases, SYSENTER MSRs, and IA32_EFER / IA32_PAT when `exit_ctls` (the
 * VM-exit controls) load them. Returns the number of fields written to out.
 */
size_t hwvmx_host_state(struct hwvmx_host_field out[HWVMX_HOST_FIELDS_MAX], uint64_t exit_ctls);

/* IA32_FEATURE_CONTROL bits VMXON depends on. */
#define HWVMX_FEATURE_CONTROL_LOCK (1ull << 0)
#define HWVMX_FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ull << 2)

#endif /* HWBACKEND_VMX_HWVMX_H */
