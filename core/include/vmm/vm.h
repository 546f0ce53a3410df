/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Creating a VM: the layer a library-VMM user calls first. Given a
 * processor (the seam), its capabilities and a configuration, it enters
 * VMX operation, makes a VMCS current, negotiates the controls, builds a
 * 64-bit environment for the guest in guest RAM (identity page tables,
 * GDT, TSS, IDT with exception stubs), and writes every guest-state,
 * host-state and control field so that VMLAUNCH passes every VM-entry
 * check. It talks to the processor only through struct vmm_cpu_ops.
 *
 *   struct vmm_vm vm;  struct vmm_vm_error err;
 *   vmm_vm_create(&vm, cpu, &caps, &cfg, &err);      (then describe err)
 *   vmm_vm_load(&vm, cfg.entry, code, code_len);
 *   ... struct vmm_vcpu on the same cpu, vmm_platform_install, vmm_vcpu_run ...
 *   vmm_vm_destroy(&vm);
 *
 * One VM is one vCPU on one logical processor: the VM owns that
 * processor's VMXON region, so a second VM needs another processor.
 *
 * The guest starts in 64-bit mode at CPL 0 with paging on (CR0 PE, MP, ET,
 * NE, WP, PG and the other FIXED0 bits; CR4 PAE, OSFXSR, OSXMMEXCPT (SSE
 * usable, as compiled 64-bit code expects) and VMXE, which the CR4 read
 * shadow hides; EFER LME and LMA), flat
 * segments (CS 08H 64-bit code, SS/DS/ES/FS/GS 10H data), TR 18H (a busy
 * 64-bit TSS), interrupts disabled (RFLAGS 2), RIP = cfg.entry, RSP =
 * cfg.rsp and every other register 0. Guest-linear addresses equal
 * guest-physical addresses wherever guest RAM or an MMIO hole is.
 *
 * Guest RAM layout: the system area (struct vmm_vm_layout) is the top of
 * guest RAM; everything below it belongs to the guest program.
 *
 *   ram.gpa ......... guest program, data and stack ......... layout.base
 *   layout.base: PML4, PDPT, page directories, GDT+TSS page, IDT page,
 *                exception stubs page, exception stack page  ... RAM end
 *
 * An exception the guest does not handle itself (it may replace the IDT)
 * reaches a stub that ends the guest with the exit hypercall
 * (vmm/hypercall.h): status VMM_VM_EXCEPTION_EXIT(vector), RCX = the RIP
 * the processor pushed, RDX = the error code (0 for vectors without one).
 * The stubs run on their own stack (IST1), so a bad RSP cannot hide the
 * first fault.
 *
 * Host state: the VMCS gets a fixed, valid 64-bit host state (placeholder
 * values that pass the host-state checks). The simulated backend never
 * loads it (the host is the program calling the core); a hardware backend
 * overwrites the host-state fields with its real state (CR0/3/4, RSP, RIP,
 * selectors, bases, EFER, PAT) before VMLAUNCH/VMRESUME.
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include "vmm/bitmaps.h"
#include "vmm/caps.h"
#include "vmm/cpu.h"
#include "vmm/ept.h"

struct vmm_textbuf;

/* A range of guest-physical space that is a device, not RAM. */
struct vmm_vm_mmio_hole {
    vmm_gpa_t gpa; /* 4 KiB aligned */
    uint64_t size; /* 4 KiB multiple, not 0 */
};

#define VMM_VM_MAX_MMIO_HOLES 8

struct vmm_vm_config {
    /*
     * Guest RAM: guest-physical [ram_gpa, ram_gpa + ram_size) is host-
     * physical [ram_hpa, ...), as the backend provides it (the sim:
     * sim_guest_ram). 4 KiB aligned. Without EPT, ram_gpa must equal
     * ram_hpa (guest-physical is host-physical).
     */
    vmm_gpa_t ram_gpa;
    vmm_hpa_t ram_hpa;
    uint64_t ram_size;
    vmm_gpa_t entry; /* first RIP: in guest RAM below the system area */
    uint64_t rsp;    /* first RSP: ram_gpa < rsp <= layout.base */
    /* EPT: guest RAM identity-mapped WB with RWX, MMIO holes left unmapped. */
    bool use_ept;
    /* "Unrestricted guest" (needs use_ept); off for an ordinary 64-bit guest. */
    bool unrestricted_guest;
    /* Device ranges: mapped in the guest's page tables (UC), never in EPT. Need use_ept. */
    struct vmm_vm_mmio_hole mmio_holes[VMM_VM_MAX_MMIO_HOLES];
    size_t mmio_hole_count;
};

/* Where the VM put its structures in guest RAM (guest-physical = guest-linear). */
struct vmm_vm_layout {
    vmm_gpa_t base, end;     /* the system area [base, end) = the top of guest RAM */
    vmm_gpa_t pml4, pdpt;    /* guest CR3 = pml4 */
    vmm_gpa_t pd;            /* pd_count page directories, 2 MiB pages */
    uint32_t pd_count;       /* one per GiB of [0, map_end) */
    uint64_t map_end;        /* the page tables cover 2 MiB pages below this */
    vmm_gpa_t gdt, tss, idt; /* GDTR, TR and IDTR bases */
    vmm_gpa_t stubs;         /* exception stubs, VMM_VM_STUB_SIZE bytes per vector */
    vmm_gpa_t ist_top;       /* top of the exception stack (TSS RSP0 and IST1) */
};

/* Guest selectors and table sizes. */
#define VMM_VM_SEL_CODE 0x08u
#define VMM_VM_SEL_DATA 0x10u
#define VMM_VM_SEL_TSS 0x18u
#define VMM_VM_GDT_LIMIT 0x27u /* null, code, data, 16-byte TSS descriptor */
#define VMM_VM_TSS_LIMIT 0x67u
#define VMM_VM_IDT_LIMIT 0xfffu /* 256 gates */
#define VMM_VM_STUB_SIZE 12u
/* The exit-hypercall status of an unhandled exception or interrupt. */
#define VMM_VM_EXCEPTION_EXIT_BASE 0xe0000000u
#define VMM_VM_EXCEPTION_EXIT(vector) (VMM_VM_EXCEPTION_EXIT_BASE | (uint8_t)(vector))

/* Optional features the VM turned on (struct vmm_vm.features). */
enum vmm_vm_feature {
    VMM_VM_F_EPT = 1u << 0,
    VMM_VM_F_VPID = 1u << 1,
    VMM_VM_F_UNRESTRICTED = 1u << 2,
    VMM_VM_F_LOAD_EFER = 1u << 3, /* entry and exit load IA32_EFER (exit saves it) */
    VMM_VM_F_LOAD_PAT = 1u << 4,  /* entry and exit load IA32_PAT (exit saves it) */
    VMM_VM_F_SECONDARY = 1u << 5, /* secondary processor-based controls active */
};

/* The step of vmm_vm_create that failed. */
enum vmm_vm_step {
    VMM_VM_STEP_NONE,
    VMM_VM_STEP_CONFIG,   /* the configuration (or the RAM layout) is refused */
    VMM_VM_STEP_CONTROLS, /* the processor cannot set what the VM needs */
    VMM_VM_STEP_ALLOC,    /* a host page could not be had */
    VMM_VM_STEP_VMXON,
    VMM_VM_STEP_VMCLEAR,
    VMM_VM_STEP_VMPTRLD,
    VMM_VM_STEP_EPT,      /* building the EPT hierarchy */
    VMM_VM_STEP_GUEST_RAM, /* writing the guest's tables into guest RAM */
    VMM_VM_STEP_VMWRITE,
    VMM_VM_STEP_INVALIDATE, /* INVEPT / INVVPID */
    VMM_VM_STEP_COUNT
};

/* Why vmm_vm_create failed: enough to say it in one line. */
struct vmm_vm_error {
    enum vmm_vm_step step;
    int rc;                  /* the enum vmm_err returned */
    const char *what;        /* static English text: the rule or item at fault */
    struct vmx_status status; /* VMX steps: the instruction's outcome */
    uint16_t field;          /* VMM_VM_STEP_VMWRITE: enum vmcs_field_id */
    /* VMM_VM_STEP_CONTROLS: per control word, wanted bits the processor cannot set ... */
    uint64_t unsupported[VMM_CTL_KIND_COUNT];
    /* ... and unwanted bits it cannot clear */
    uint64_t required[VMM_CTL_KIND_COUNT];
};

struct vmm_vm {
    struct vmm_cpu *cpu;
    const struct vmx_caps *caps; /* the caller's; must outlive the VM */
    struct vmm_vm_config cfg;
    struct vmm_vm_layout layout;
    uint64_t ctl[VMM_CTL_KIND_COUNT]; /* the control words written (0: not used) */
    uint32_t features;                /* enum vmm_vm_feature bits */
    uint16_t vpid;                    /* with VMM_VM_F_VPID: 1 */
    uint64_t eptp;                    /* with VMM_VM_F_EPT */
    struct ept ept;
    struct vmm_msr_bitmap msr_bitmap; /* every MSR intercepted: the core emulates them */
    struct vmm_io_bitmap io_bitmap;   /* every port intercepted: the port bus serves them */
    struct vmm_host_page vmxon, vmcs;
    uint32_t held;                    /* private: what to release */
};

/*
 * The controls vmm_vm_create asks for, per control word (also what
 * vmm_vm_create writes on success):
 *   pin      external-interrupt exiting, NMI exiting (required)
 *   proc     HLT exiting, use I/O bitmaps, use MSR bitmaps (required);
 *            activate secondary controls (required with EPT, else where
 *            supported); CR3-load/-store exiting cleared with EPT where
 *            the processor allows it
 *   proc2    enable EPT (with use_ept), unrestricted guest (with
 *            unrestricted_guest), enable VPID where supported
 *   exit     host address-space size (required); load/save IA32_EFER and
 *            IA32_PAT where supported
 *   entry    IA-32e mode guest (required); load IA32_EFER and IA32_PAT
 *            where supported
 * Bits asked "where supported" are dropped silently when the processor
 * lacks them (see *features). On VMM_E_UNSUPPORTED, err->unsupported and
 * err->required name every bit the processor refuses, in every word.
 * VMM_E_INVAL for unrestricted_guest without use_ept.
 */
int vmm_vm_negotiate(const struct vmx_caps *caps, const struct vmm_vm_config *cfg,
                     uint64_t ctl[VMM_CTL_KIND_COUNT], uint32_t *features,
                     struct vmm_vm_error *err);

/*
 * Checks `cfg` against `caps` and computes the system area. VMM_E_INVAL
 * for misaligned or empty RAM or holes, holes that overlap RAM or each
 * other, MMIO holes or unrestricted guest without EPT, RAM GPA != HPA
 * without EPT, or an entry point / RSP outside the guest's part of RAM;
 * VMM_E_RANGE when guest RAM cannot hold the system area plus one page,
 * when RAM or a hole reaches beyond 512 GiB (one PDPT) or beyond the
 * processor's physical-address width. err->what says which rule.
 */
int vmm_vm_plan(const struct vmx_caps *caps, const struct vmm_vm_config *cfg,
                struct vmm_vm_layout *layout, struct vmm_vm_error *err);

/*
 * Creates the VM (see the top of this file). On failure everything
 * acquired so far is released (VMCLEAR, VMXOFF, pages returned), *err
 * (when not NULL) says which step failed and why, and the enum vmm_err is
 * returned: the plan's and negotiation's errors, VMM_E_NOMEM when pages
 * run out, VMM_E_STATE for a VMX instruction that failed, an EPT or
 * gpa_write error unchanged.
 */
int vmm_vm_create(struct vmm_vm *vm, struct vmm_cpu *cpu, const struct vmx_caps *caps,
                  const struct vmm_vm_config *cfg, struct vmm_vm_error *err);

/*
 * Releases the VM: VMCLEAR of its VMCS, VMXOFF, every page back to the
 * backend. Returns the first error met (the rest is still released).
 */
int vmm_vm_destroy(struct vmm_vm *vm);

/*
 * Copies `len` bytes into guest RAM at `gpa` (a guest program, its data).
 * VMM_E_RANGE when any byte lies outside guest RAM or inside the system
 * area; nothing is written then.
 */
int vmm_vm_load(struct vmm_vm *vm, vmm_gpa_t gpa, const void *bytes, size_t len);

/* "VMXON", "control negotiation", ... */
const char *vmm_vm_step_name(enum vmm_vm_step step);

/*
 * Appends one line saying why creation failed: the step, the error, the
 * rule, the instruction outcome or VMCS field, and for refused controls
 * each control word with the names of the bits the processor refuses.
 */
void vmm_vm_error_describe(const struct vmm_vm_error *err, struct vmm_textbuf *tb);

#endif /* VMM_VM_H */
