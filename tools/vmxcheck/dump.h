/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMCS dump parsers: turn the text a hypervisor printed when a VM entry
 * failed into a struct vmcs_image, a bitmap of the fields the text really
 * gave, and whatever else it states (exit reason, VM-instruction error,
 * MSR-load entries, capability values).
 *
 * Formats: Linux KVM dump_vmcs(), Xen vmcs_dump_vcpu(), QEMU's register
 * dump after "KVM: entry failed", a JSON object of field names, libvmm's
 * own vmcs_image_dump(), and the XMHF styles (field dumps, CR0-intercept
 * traces, gdb printouts). One parser per format (fmt_*.c); detect.c picks
 * one when the caller does not.
 *
 * Every parser works on (text, len) only: no NUL terminator is needed,
 * nothing is read beyond len, there is no global state and no allocation,
 * and any input either parses or yields an error with a line number.
 */
#ifndef VMXCHECK_DUMP_H
#define VMXCHECK_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/controls.h"
/*
 * vmm/vmcs_fields.h is reached through vmm/entry.h: the former declares
 * vmcs_dump_flags after its include guard, so a second direct inclusion
 * in one file would redefine it.
 */
#include "vmm/entry.h"

enum vmxdump_format {
    VMXDUMP_AUTO,       /* detect */
    VMXDUMP_KVM,        /* Linux KVM dump_vmcs() kernel log */
    VMXDUMP_XEN,        /* Xen "(XEN) *** Guest State ***" */
    VMXDUMP_QEMU,       /* QEMU register dump after "KVM: entry failed" */
    VMXDUMP_JSON,       /* {"GUEST_RIP": "0x...", ...} or vmxcheck --json */
    VMXDUMP_LIBVMM,     /* vmcs_image_dump(): "NAME (0xENC) = 0xVALUE" */
    VMXDUMP_XMHF,       /* XMHF field dumps: guest_CR0=0x..., VMCS02.control_vpid = ... */
    VMXDUMP_XMHF_TRACE, /* XMHF CR0-intercept trace: "[cr0-01] new gstCR0: 0x..." */
    VMXDUMP_GDB,        /* gdb printouts: "(gdb) p/x val" / "$5 = 0x..." */
    VMXDUMP_FORMAT_COUNT
};

/* "kvm", "xen", ...; NULL for an out-of-range value. */
const char *vmxdump_format_name(enum vmxdump_format f);
/* A one-line description: "Linux KVM dump_vmcs() output". */
const char *vmxdump_format_title(enum vmxdump_format f);
/* By name (as vmxdump_format_name spells it); VMXDUMP_FORMAT_COUNT if none. */
enum vmxdump_format vmxdump_format_by_name(const char *name);

/* The key of a control word in JSON ("pin", "proc", "proc2", ... "vmfunc"). */
const char *vmxdump_ctl_key(enum vmm_ctl_kind kind);

/* Lists of the MSR areas a dump may show. */
enum vmxdump_msr_list {
    VMXDUMP_MSRS_ENTRY_LOAD, /* VM-entry MSR-load area ("MSR guest autoload") */
    VMXDUMP_MSRS_EXIT_STORE, /* VM-exit MSR-store area */
    VMXDUMP_MSRS_EXIT_LOAD,  /* VM-exit MSR-load area ("MSR host autoload") */
    VMXDUMP_MSR_LIST_COUNT
};

#define VMXDUMP_MAX_MSRS 32

struct vmxdump_msr {
    uint32_t slot; /* 0-based position in the area */
    uint32_t index;
    uint32_t reserved; /* bits 63:32 of the entry */
    uint64_t value;
};

struct vmxdump_msrs {
    uint32_t n; /* entries stored, in the order seen */
    struct vmxdump_msr e[VMXDUMP_MAX_MSRS];
};

/* What the text says happened, besides the field values. */
enum vmxdump_insn { VMXDUMP_INSN_UNKNOWN, VMXDUMP_INSN_VMLAUNCH, VMXDUMP_INSN_VMRESUME };

struct vmxdump_stated {
    uint8_t insn;          /* enum vmxdump_insn */
    bool vmfail;           /* VMfailValid with `error` */
    uint32_t error;        /* VM-instruction error */
    bool exit;             /* a VM exit (or VM-entry failure) with `exit_reason` */
    uint32_t exit_reason;  /* bit 31 set: VM-entry failure */
    bool has_qualification;
    uint64_t qualification;
    unsigned line;         /* where it was said (0: from the fields) */
};

/* Allowed settings of a control word stated by the dump (gdb printouts). */
struct vmxdump_ctl_hint {
    bool present;
    uint64_t allowed0, allowed1;
};

#define VMXDUMP_MAX_NOTES 12
#define VMXDUMP_NOTE_LEN 160
#define VMXDUMP_BITMAP_WORDS ((VMCS_FIELD_COUNT + 63) / 64)

struct vmxdump {
    enum vmxdump_format format;
    struct vmcs_image vmcs;
    uint64_t given[VMXDUMP_BITMAP_WORDS]; /* bit i: field i was in the dump */
    unsigned nfields;                     /* fields given */
    unsigned line_of[VMCS_FIELD_COUNT];   /* line each given field came from */
    unsigned lines;                       /* lines in the input */

    struct vmxdump_stated stated;
    struct vmxdump_msrs msrs[VMXDUMP_MSR_LIST_COUNT];
    struct vmxdump_ctl_hint ctl_hint[VMM_CTL_KIND_COUNT];

    /* Facts of the guest that have no VMCS field (QEMU prints them). */
    bool has_cpl;
    uint8_t cpl;

    /* Remarks on how the text was read (which of several dumps, ...). */
    unsigned nnotes;
    char note[VMXDUMP_MAX_NOTES][VMXDUMP_NOTE_LEN];
};

struct vmxdump_error {
    unsigned line; /* 1-based line of the input the error is about */
    char message[160];
};

/*
 * Parses `len` bytes of `text` (no terminator needed) in `format`
 * (VMXDUMP_AUTO: detect). On success returns 0 and fills *out; otherwise
 * returns a negative enum vmm_err and fills *err. Never reads outside
 * text[0, len), keeps no state between calls.
 */
int vmxdump_parse_as(const char *text, size_t len, enum vmxdump_format format,
                     struct vmxdump *out, struct vmxdump_error *err);

/* vmxdump_parse_as with format detection: the fuzzing entry point. */
int vmxdump_parse(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err);

/* The format the detector would pick; VMXDUMP_AUTO if none fits. */
enum vmxdump_format vmxdump_detect(const char *text, size_t len);

static inline bool vmxdump_given(const struct vmxdump *d, enum vmcs_field_id id)
{
    return id < VMCS_FIELD_COUNT && ((d->given[id / 64] >> (id % 64)) & 1);
}

#endif /* VMXCHECK_DUMP_H */
