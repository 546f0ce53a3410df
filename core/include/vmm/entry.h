/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VM-entry validator: every consistency check of the Intel SDM chapter
 * "VM Entries" (basic checks, controls, host state, guest state, PDPTEs,
 * MSR loading) as one table of rules, each with a stable ID. Given a VMCS
 * image, the processor's capabilities and the state the VMLAUNCH or
 * VMRESUME executes in, it reports what hardware would: success,
 * VMfailInvalid, VMfailValid(n), or a VM-entry failure exit (33 or 34)
 * with its qualification, and which rule was broken.
 *
 * It is also the entry model of the simulated backend: the verdict is
 * exactly what that backend's VMLAUNCH/VMRESUME produce.
 */
#ifndef VMM_ENTRY_H
#define VMM_ENTRY_H

#include "vmm/caps.h"
#include "vmm/cpu.h"
#include "vmm/types.h"
#include "vmm/vmcs_fields.h"

/* How a failed check ends the VM entry. */
enum vmx_check_class {
    VMX_CLASS_FAIL_INVALID, /* VMfailInvalid */
    VMX_CLASS_VMFAIL,       /* VMfailValid with error `number` (4, 5, 7, 8, 26) */
    VMX_CLASS_GUEST,        /* entry-failure exit 33, qualification `number` */
    VMX_CLASS_MSR_LOAD,     /* entry-failure exit 34, qualification = entry index */
};

/* Check identifiers in table order: VMX_CHECK_CTL_PIN_RSVD0, ... */
enum vmx_check_id {
#define VMX_CHECK(name, id, sec, cls, num, pred, arg, msg, hint, ...) VMX_CHECK_##name,
#include "vmm/checks/all.def"
#undef VMX_CHECK
    VMX_CHECK_COUNT
};

/* The table row of a check, as readers (vmxcheck, coverage, docs) see it. */
struct vmx_check_info {
    const char *id;        /* stable ID, "GUEST.SEG.CS.TYPE" */
    const char *section;   /* SDM subsection below the chapter, "3.1.2" */
    uint8_t cls;           /* enum vmx_check_class */
    uint8_t number;        /* VM-instruction error or exit qualification */
    const char *message;   /* what the rule requires */
    const char *hint;      /* how to fix a VMCS that breaks it */
    uint8_t nfields;       /* VMCS fields the rule reads (0..4) */
    uint8_t fields[4];     /* enum vmcs_field_id */
};
extern const struct vmx_check_info vmx_check_table[VMX_CHECK_COUNT];

/* The check with stable ID `id` (exact, case-sensitive); VMM_E_NOENT if none. */
int vmx_check_by_id(const char *id, enum vmx_check_id *out);

/*
 * The SDM section of a check in a given edition's chapter numbering: the
 * chapter "VM Entries" is 26 (2016-2022 editions), 27, 28 or 29 (2026).
 * Writes e.g. "26.3.1.2" into buf.
 */
void vmx_check_section(enum vmx_check_id check, unsigned chapter, char *buf, size_t len);

/*
 * Reads physical memory for checks that consult it: the VTPR byte of the
 * virtual-APIC page, the VMCS link pointer's header, PDPTEs at guest CR3
 * when EPT is off, and the VM-entry MSR-load area. Returns 0 or a negative
 * enum vmm_err; nothing the reader reports is trusted beyond `len` bytes.
 */
typedef int (*vmx_phys_reader)(void *opaque, uint64_t addr, void *buf, size_t len);

/* Everything VM entry depends on. */
struct vmx_entry_input {
    const struct vmcs_image *vmcs; /* the current VMCS (NULL: there is none) */
    const struct vmx_caps *caps;
    enum vmm_entry_kind kind;      /* VMLAUNCH or VMRESUME */
    bool launched;                 /* launch state of the current VMCS */
    bool current_is_shadow;        /* the current VMCS is a shadow VMCS */
    bool mov_ss_blocking;          /* VMLAUNCH/VMRESUME follows a MOV SS/POP SS */
    bool in_smm;                   /* executed in SMM (dual-monitor treatment) */
    bool host_lma;                 /* IA32_EFER.LMA of the executing processor */
    uint64_t current_vmcs_ptr;     /* the current-VMCS pointer */
    uint64_t vmxon_ptr;            /* the VMXON pointer */
    vmx_phys_reader read_phys;     /* NULL: checks that read memory are skipped */
    void *read_opaque;
};

enum vmx_entry_outcome {
    VMX_ENTRY_OK,           /* the VM entry succeeds */
    VMX_ENTRY_FAIL_INVALID, /* VMfailInvalid */
    VMX_ENTRY_FAIL_VALID,   /* VMfailValid(error) */
    VMX_ENTRY_FAIL_EXIT,    /* VM-entry failure: exit_reason, qualification */
};

struct vmx_entry_verdict {
    enum vmx_entry_outcome outcome;
    uint32_t error;          /* FAIL_VALID: the VM-instruction error */
    uint32_t exit_reason;    /* FAIL_EXIT: 0x80000021 or 0x80000022 */
    uint64_t qualification;  /* FAIL_EXIT: 0/2/3/4 for exit 33, entry index for 34 */
    enum vmx_check_id check; /* the failing check; VMX_CHECK_COUNT if none */
    bool memory_unchecked;   /* some checks needed memory and had no reader */
};

/*
 * The verdict hardware would give: the first failing check in the SDM's
 * order (basic checks, controls, host state, guest state, MSR loading).
 * VMM_E_INVAL if `in` or its caps are NULL; otherwise VMM_OK.
 */
int vmx_entry_check(const struct vmx_entry_input *in, struct vmx_entry_verdict *verdict);

struct vmx_check_failure {
    enum vmx_check_id check;
    uint32_t msr_entry; /* MSR-load checks: 1-based entry index; else 0 */
};

/*
 * Every failing check, in table order, evaluated independently (the MSR-load
 * rows for every entry). Fills up to `max` failures and returns how many
 * there are in all.
 */
size_t vmx_entry_check_all(const struct vmx_entry_input *in, struct vmx_check_failure *out,
                           size_t max);

#endif /* VMM_ENTRY_H */
