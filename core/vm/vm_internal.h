/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the files of core/vm share:
 *   vm.c          create / destroy / load: the VMX steps and their undoing
 *   plan.c        configuration checks and the system-area layout
 *   negotiate.c   the controls the VM wants, as one table
 *   guest_env.c   page tables, GDT, TSS, IDT and exception stubs in guest RAM
 *   vmcs_setup.c  every guest-state, host-state and control field
 *   describe.c    error reports
 */
#ifndef VMM_CORE_VM_INTERNAL_H
#define VMM_CORE_VM_INTERNAL_H

#include "vmm/vm.h"

#define VM_PAGE 4096ull
#define VM_2M (1ull << 21)
#define VM_1G (1ull << 30)

/* Pages of the system area besides the page directories: PML4, PDPT, GDT+TSS, IDT, stubs, stack. */
#define VM_FIXED_SYS_PAGES 6u
/* Offset of the TSS in the GDT page. */
#define VM_TSS_OFFSET 0x80u

/* Guest segment access rights, in the VMCS format (descriptor bits 55:52 in 15:12). */
#define VM_AR_CODE64 0xa09bu   /* P, DPL 0, S, execute/read accessed, L, G */
#define VM_AR_DATA 0xc093u     /* P, DPL 0, S, read/write accessed, D/B, G */
#define VM_AR_TSS_BUSY 0x008bu /* P, 64-bit busy TSS */
#define VM_AR_UNUSABLE 0x10000u

/* Guest paging-structure entry bits (4-level paging). */
#define VM_PTE_P (1ull << 0)
#define VM_PTE_RW (1ull << 1)
#define VM_PTE_PWT (1ull << 3)
#define VM_PTE_PCD (1ull << 4)
#define VM_PTE_A (1ull << 5)
#define VM_PTE_D (1ull << 6)
#define VM_PTE_PS (1ull << 7)

/* struct vmm_vm.held bits. */
enum {
    VM_HELD_VMXON_PAGE = 1u << 0,
    VM_HELD_VMX = 1u << 1, /* VMXON succeeded */
    VM_HELD_VMCS_PAGE = 1u << 2,
    VM_HELD_VMCS_ACTIVE = 1u << 3, /* VMCLEAR'd (launch state clear) or current */
    VM_HELD_MSR_BITMAP = 1u << 4,
    VM_HELD_IO_BITMAP = 1u << 5,
    VM_HELD_EPT = 1u << 6,
};

/* Records a failure in *err (when not NULL) and returns rc. */
int vm_fail(struct vmm_vm_error *err, enum vmm_vm_step step, int rc, const char *what);

/* ---- guest_env.c ---- */

/* A segment descriptor for `base`, byte-granular `limit` and VMCS-format access rights `ar`. */
uint64_t vm_seg_descriptor(uint32_t base, uint32_t limit, uint32_t ar);

/* The 16-byte system descriptor of a 64-bit TSS (busy) at `base`. */
void vm_tss_descriptor(uint64_t base, uint32_t limit, uint64_t out[2]);

/* A 64-bit interrupt gate to `offset` in the code segment, DPL 0, on IST `ist`. */
void vm_idt_gate(uint64_t offset, unsigned ist, uint64_t out[2]);

/* Whether the processor pushes an error code for exception `vector`. */
bool vm_vector_has_error_code(unsigned vector);

/* The VMM_VM_STUB_SIZE bytes of the stub of `vector` at `stub`, jumping to `common`. */
void vm_stub_bytes(unsigned vector, vmm_gpa_t stub, vmm_gpa_t common,
                   uint8_t out[VMM_VM_STUB_SIZE]);

/* The stubs' shared tail: the exit hypercall with the vector and error code. */
extern const uint8_t vm_stub_common[];
extern const size_t vm_stub_common_size;

/* Writes the system area (layout) into guest RAM through gpa_write. */
int vm_build_guest_env(struct vmm_vm *vm, struct vmm_vm_error *err);

/* ---- vmcs_setup.c ---- */

/* The guest's CR0 and CR4 (what the processor holds), and what the guest is shown. */
uint64_t vm_guest_cr0(const struct vmx_caps *caps);
uint64_t vm_guest_cr4(const struct vmx_caps *caps);

/* Writes every field of the current VMCS. */
int vm_write_vmcs(struct vmm_vm *vm, struct vmm_vm_error *err);

#endif /* VMM_CORE_VM_INTERNAL_H */
