/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test fixture for core/vm: a simulated processor (simbackend) with a
 * named profile, seen through a seam wrapper that counts page
 * allocations and frees and can make the n-th allocation fail, and a VM
 * configuration filled from the sim's guest RAM. Tests only.
 */
#ifndef VMM_CORE_VM_TESTING_VM_FIXTURE_H
#define VMM_CORE_VM_TESTING_VM_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "simbackend/sim.h"
#include "vmm/vm.h"

struct vmfix {
    struct sim *sim;
    struct vmm_cpu cpu;       /* the wrapper: hand this to the core */
    struct vmm_cpu_ops ops;   /* the sim's ops with alloc/free counted */
    struct vmm_cpu *inner;    /* the sim's own seam */
    long allocs, frees;
    long fail_alloc_at;       /* 0: never; n: the n-th allocation from now fails */
    struct vmx_caps caps;
    struct vmm_vm_config cfg;
    struct vmm_vm vm;
    struct vmm_vm_error err;
};

/*
 * A sim with `profile`, 64 MiB host memory, 16 MiB guest RAM at `ram_gpa`,
 * and cfg: that RAM, entry 0x1000, RSP 0x80000 (above ram_gpa), use_ept.
 */
struct vmfix *vmfix_new_at(const char *profile, bool use_ept, vmm_gpa_t ram_gpa);
struct vmfix *vmfix_new(const char *profile, bool use_ept);
/* Destroys the VM if `created` and the sim. */
void vmfix_free(struct vmfix *f, bool created);

/* vmm_vm_create with f->cfg; on failure prints the error line. */
int vmfix_create(struct vmfix *f);

/* VMREAD through the sim of a field that must exist. */
uint64_t vmfix_vmread(struct vmfix *f, enum vmcs_field_id id);

/* The error line of f->err (static buffer). */
const char *vmfix_error_text(struct vmfix *f);

/* Reads guest RAM that must exist. */
void vmfix_gpa_read(struct vmfix *f, vmm_gpa_t gpa, void *buf, size_t len);

#endif
