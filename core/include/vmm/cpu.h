/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seam: everything the hypervisor core needs from a processor, and
 * nothing else. Two implementations exist: hwbackend/ executes the real
 * VMX instructions in ring 0, simbackend/ models them around Unicorn. The
 * core never executes a VMX instruction, touches a control register or
 * reads an MSR itself; if core code cannot run unchanged on both backends,
 * this interface is in the wrong place.
 *
 * Contract common to every operation:
 *  - `cpu` is the backend instance the operation acts on (one logical
 *    processor). Operations are not reentrant on one instance.
 *  - Operations that model a VMX instruction return a struct vmx_status
 *    with exactly the outcome the instruction has on hardware: success,
 *    VMfailInvalid (no current VMCS), or VMfailValid with the
 *    VM-instruction error number the SDM specifies. Faults the instruction
 *    would raise in a sane host (#UD outside VMX operation, #GP for CPL>0)
 *    are reported as VMX_FAULT_UD / VMX_FAULT_GP, never taken.
 *  - Other operations return 0 or a negative enum vmm_err.
 */
#ifndef VMM_CPU_H
#define VMM_CPU_H

#include "vmm/caps.h"
#include "vmm/types.h"

/* Outcome of a VMX instruction. */
enum vmx_outcome {
    VMX_SUCCEED = 0,      /* CF = ZF = 0 */
    VMX_FAIL_INVALID = 1, /* CF = 1: no current VMCS (or a shadow VMCS) */
    VMX_FAIL_VALID = 2,   /* ZF = 1: error number in `error` */
    VMX_FAULT_UD = 3,     /* the instruction would raise #UD */
    VMX_FAULT_GP = 4,     /* the instruction would raise #GP(0) */
};

/* VM-instruction error numbers (SDM "VM-Instruction Error Numbers"). */
enum vmx_insn_error {
    VMXERR_VMCALL_IN_ROOT = 1,
    VMXERR_VMCLEAR_INVALID_ADDR = 2,
    VMXERR_VMCLEAR_VMXON_PTR = 3,
    VMXERR_VMLAUNCH_NONCLEAR = 4,
    VMXERR_VMRESUME_NONLAUNCHED = 5,
    VMXERR_VMRESUME_AFTER_VMXOFF = 6,
    VMXERR_ENTRY_INVALID_CTLS = 7,
    VMXERR_ENTRY_INVALID_HOST = 8,
    VMXERR_VMPTRLD_INVALID_ADDR = 9,
    VMXERR_VMPTRLD_VMXON_PTR = 10,
    VMXERR_VMPTRLD_BAD_REVISION = 11,
    VMXERR_UNSUPPORTED_FIELD = 12,
    VMXERR_VMWRITE_READ_ONLY = 13,
    VMXERR_VMXON_IN_ROOT = 15,
    VMXERR_ENTRY_INVALID_EXEC_VMCS = 16,
    VMXERR_ENTRY_NONLAUNCHED_EXEC_VMCS = 17,
    VMXERR_ENTRY_EXEC_VMCS_NOT_VMXON = 18,
    VMXERR_VMCALL_NONCLEAR = 19,
    VMXERR_VMCALL_INVALID_EXIT_CTLS = 20,
    VMXERR_VMCALL_BAD_MSEG_REVISION = 22,
    VMXERR_VMXOFF_DUAL_MONITOR = 23,
    VMXERR_VMCALL_INVALID_SMM_FEATURES = 24,
    VMXERR_ENTRY_INVALID_EXEC_CTLS_EXEC_VMCS = 25,
    VMXERR_ENTRY_MOV_SS_BLOCKING = 26,
    VMXERR_INVALID_INVEPT_INVVPID_OPERAND = 28,
};

struct vmx_status {
    enum vmx_outcome outcome;
    uint32_t error; /* enum vmx_insn_error when outcome is VMX_FAIL_VALID */
};

/*
 * Guest registers the VMCS does not hold. The backend loads them before
 * VM entry and stores them after a VM exit (RSP, RIP, RFLAGS and the
 * segment/control state live in the VMCS).
 */
struct vmm_guest_gprs {
    uint64_t rax, rcx, rdx, rbx, rbp, rsi, rdi;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t cr2;
};

enum vmm_entry_kind { VMM_LAUNCH, VMM_RESUME };

/* INVEPT / INVVPID types (register operand values). */
enum vmx_invept_type { VMX_INVEPT_SINGLE = 1, VMX_INVEPT_ALL = 2 };
enum vmx_invvpid_type {
    VMX_INVVPID_ADDR = 0,
    VMX_INVVPID_SINGLE = 1,
    VMX_INVVPID_ALL = 2,
    VMX_INVVPID_SINGLE_NONGLOBAL = 3,
};

/* A host page handed out by the backend. */
struct vmm_host_page {
    vmm_hpa_t hpa; /* 4 KiB aligned, what VMX structures point at */
    void *hva;     /* where the core reads and writes it */
};

struct vmm_cpu;

struct vmm_cpu_ops {
    /* ---- capabilities ---- */

    /*
     * Reads VMX capability MSR `msr` (0x480..0x493) into *value.
     * VMM_E_NOENT when the processor has no such MSR (RDMSR would #GP).
     */
    int (*read_cap_msr)(struct vmm_cpu *cpu, uint32_t msr, uint64_t *value);

    /*
     * CPUID facts the capability struct needs (physical and linear address
     * widths, feature bits): fills the non-MSR part of *raw.
     */
    int (*read_cpu_facts)(struct vmm_cpu *cpu, struct vmx_raw_caps *raw);

    /* ---- host pages ---- */

    /*
     * Allocates one zeroed, 4 KiB-aligned page of host memory below the
     * processor's physical-address width. VMM_E_NOMEM when exhausted.
     */
    int (*alloc_page)(struct vmm_cpu *cpu, struct vmm_host_page *page);
    /* Returns a page from alloc_page. Freeing an unknown HPA is VMM_E_INVAL. */
    int (*free_page)(struct vmm_cpu *cpu, vmm_hpa_t hpa);

    /* ---- VMX operation ---- */

    /*
     * VMXON with the region at `region` (a page whose first 4 bytes hold
     * the revision ID). The backend does whatever the host must do first
     * (CR4.VMXE, fixed CR0/CR4 bits, IA32_FEATURE_CONTROL) and reports a
     * locked-off feature control as VMX_FAULT_GP. Outcomes as the
     * instruction: VMfailInvalid for a bad region address or revision,
     * VMfailValid 15 when already in VMX root operation.
     */
    struct vmx_status (*vmxon)(struct vmm_cpu *cpu, vmm_hpa_t region);
    /* VMXOFF; VMX_FAULT_UD when not in VMX operation. */
    struct vmx_status (*vmxoff)(struct vmm_cpu *cpu);

    /* ---- VMCS ---- */

    /*
     * VMCLEAR / VMPTRLD of the VMCS region at `vmcs` (a page from
     * alloc_page with the revision ID written by the core): error 2/3 (9/10)
     * for a bad address or the VMXON pointer, 11 for a wrong revision.
     */
    struct vmx_status (*vmclear)(struct vmm_cpu *cpu, vmm_hpa_t vmcs);
    struct vmx_status (*vmptrld)(struct vmm_cpu *cpu, vmm_hpa_t vmcs);
    /* VMPTRST: the current-VMCS pointer, ~0 when there is none. */
    struct vmx_status (*vmptrst)(struct vmm_cpu *cpu, vmm_hpa_t *vmcs);
    /*
     * VMREAD / VMWRITE of the current VMCS by field encoding: VMfailInvalid
     * without a current VMCS, error 12 for a field the processor lacks, 13
     * for a VMWRITE to a read-only field. A high access moves bits 63:32.
     */
    struct vmx_status (*vmread)(struct vmm_cpu *cpu, uint32_t encoding, uint64_t *value);
    struct vmx_status (*vmwrite)(struct vmm_cpu *cpu, uint32_t encoding, uint64_t value);

    /* ---- running the guest ---- */

    /*
     * VMLAUNCH or VMRESUME of the current VMCS with `gprs` as the guest's
     * other registers. Returns:
     *  - VMX_SUCCEED: a VM exit happened (including a VM-entry failure,
     *    whose exit reason has bit 31 set); `gprs` holds the guest's
     *    registers at the exit and the exit fields are readable with
     *    vmread.
     *  - VMX_FAIL_INVALID / VMX_FAIL_VALID(4, 5, 7, 8, 26, ...): the
     *    instruction failed; nothing was loaded and `gprs` is unchanged.
     */
    struct vmx_status (*enter_guest)(struct vmm_cpu *cpu, enum vmm_entry_kind kind,
                                     struct vmm_guest_gprs *gprs);

    /* INVEPT / INVVPID; error 28 for an unsupported type or bad operand. */
    struct vmx_status (*invept)(struct vmm_cpu *cpu, enum vmx_invept_type type, uint64_t eptp);
    struct vmx_status (*invvpid)(struct vmm_cpu *cpu, enum vmx_invvpid_type type,
                                 uint16_t vpid, vmm_gva_t gla);

    /* ---- guest-physical memory ---- */

    /*
     * Copies `len` bytes from / to guest-physical address `gpa` of the
     * guest the current VMCS runs, as the guest's RAM (no EPT permission
     * checks, no MMIO side effects). VMM_E_RANGE if any byte lies outside
     * guest RAM; nothing is copied then.
     */
    int (*gpa_read)(struct vmm_cpu *cpu, vmm_gpa_t gpa, void *buf, size_t len);
    int (*gpa_write)(struct vmm_cpu *cpu, vmm_gpa_t gpa, const void *buf, size_t len);
};

/* A backend instance: its operations and its private state. */
struct vmm_cpu {
    const struct vmm_cpu_ops *ops;
    void *backend;
};

/*
 * Reads every capability MSR and the CPU facts through the seam and parses
 * them (vmx_caps_parse). Absent MSRs are recorded as absent, so the parse
 * decides whether that is acceptable.
 */
int vmm_cpu_read_caps(struct vmm_cpu *cpu, struct vmx_caps *caps, struct vmx_caps_error *err);

#endif /* VMM_CPU_H */
