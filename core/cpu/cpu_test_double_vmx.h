/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TEST DOUBLE extension, for the core's own unit tests only: VMX
 * operation scripted for exit-handling tests. Once enabled, the double has
 * one current VMCS held as a struct vmcs_image (VMREAD/VMWRITE by
 * encoding), a small guest RAM for gpa_read/gpa_write, an INVVPID log,
 * and an enter_guest that plays back a queue of scripted exits: each one
 * places its exit-information field values in the VMCS, the way a
 * processor reports a VM exit, or fails the entry with a given VMfail.
 *
 * Hardware rules it keeps: VMLAUNCH needs a clear VMCS (else VMfailValid
 * 4), VMRESUME a launched one (else 5); a VM exit that is not an entry
 * failure marks the VMCS launched; every VM exit clears the valid bit of
 * the injected-event identification; VMWRITE to an exit-information field
 * fails with error 13; an encoding the table lacks fails with error 12.
 */
#ifndef VMM_CPU_TEST_DOUBLE_VMX_H
#define VMM_CPU_TEST_DOUBLE_VMX_H

#include "cpu_test_double.h"
#include "vmm/vmcs_fields.h"

#define CPU_TD_EXIT_FIELDS 16
#define CPU_TD_MAX_EXITS 64
#define CPU_TD_MAX_ENTRIES 128
#define CPU_TD_MAX_INVVPID 16

struct cpu_td_field {
    enum vmcs_field_id id;
    uint64_t value;
};

/* One scripted outcome of enter_guest. */
struct cpu_td_exit {
    struct vmx_status status; /* VMX_SUCCEED: a VM exit with `field`; else this VMfail */
    unsigned nfields;
    struct cpu_td_field field[CPU_TD_EXIT_FIELDS];
    bool set_gprs;            /* the guest's registers at the exit are `gprs` */
    struct vmm_guest_gprs gprs;
};

/* What one enter_guest call found (for tests to check injection). */
struct cpu_td_entry {
    enum vmm_entry_kind kind;
    uint32_t injected;        /* VM_ENTRY_INTR_INFO_FIELD at the entry */
    uint32_t injected_error;  /* VM_ENTRY_EXCEPTION_ERROR_CODE */
    uint32_t injected_len;    /* VM_ENTRY_INSTRUCTION_LEN */
    uint64_t rip;             /* GUEST_RIP at the entry */
    struct vmm_guest_gprs gprs;
};

struct cpu_td_invvpid {
    enum vmx_invvpid_type type;
    uint16_t vpid;
    vmm_gva_t gla;
};

/* Caller-owned state of the extension (large: keep it static or on the heap). */
struct cpu_td_vmx {
    const struct vmm_cpu_ops *base_ops; /* the double's own operations */
    struct vmcs_image vmcs;
    bool launched;
    struct cpu_td_exit exits[CPU_TD_MAX_EXITS];
    unsigned nexits, next_exit;
    struct cpu_td_entry entries[CPU_TD_MAX_ENTRIES];
    unsigned nentries;
    uint8_t *ram;
    size_t ram_size;
    struct cpu_td_invvpid invvpid[CPU_TD_MAX_INVVPID];
    unsigned ninvvpid;
    uint32_t invvpid_refuse_types; /* bit t: INVVPID type t fails with error 28 */
    enum vmcs_field_id missing;    /* VMREAD/VMWRITE fail on it (error 12); VMCS_NO_FIELD: none */
};

/*
 * Turns on VMX operation in the double with `vmx` as its state (cleared
 * here; the VMCS image starts all zero and current, not launched) and
 * `ram[0..ram_size)` as guest-physical memory from GPA 0 (ram may be NULL).
 */
void cpu_test_double_enable_vmx(struct cpu_test_double *td, struct cpu_td_vmx *vmx,
                                uint8_t *ram, size_t ram_size);

/*
 * Queues a VM exit with basic reason `reason` (bit 31 may be set for an
 * entry failure), the exit qualification and the instruction length;
 * returns it so that more fields can be added, NULL when the queue is full.
 */
struct cpu_td_exit *cpu_td_queue_exit(struct cpu_test_double *td, uint32_t reason,
                                      uint64_t qualification, uint32_t instr_len);
/* Queues a failed VM entry (VMX_FAIL_INVALID, or VMX_FAIL_VALID with `error`). */
struct cpu_td_exit *cpu_td_queue_vmfail(struct cpu_test_double *td, enum vmx_outcome outcome,
                                        uint32_t error);
/* Adds a field value the exit places in the VMCS (ignored once full). */
void cpu_td_exit_set(struct cpu_td_exit *exit, enum vmcs_field_id id, uint64_t value);

/* The VMCS image's field, read and written directly (no VMX rules). */
uint64_t cpu_td_vmcs(const struct cpu_test_double *td, enum vmcs_field_id id);
void cpu_td_set_vmcs(struct cpu_test_double *td, enum vmcs_field_id id, uint64_t value);

#endif
