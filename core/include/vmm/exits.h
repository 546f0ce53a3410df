/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VM exits: the basic exit reasons (expanded from exit_reasons.def), the
 * exit record the run loop fills by VMREADs, and decoders for the
 * exit-qualification layouts (SDM Vol. 3C "Exit Qualification for ...";
 * facts in reference/exit-qualifications.md).
 */
#ifndef VMM_EXITS_H
#define VMM_EXITS_H

#include "vmm/cpu.h"
#include "vmm/types.h"

struct vmm_textbuf;

/* Basic exit reasons: VMX_EXIT_CPUID = 10, ... */
enum vmx_exit_reason {
#define VMX_EXIT(num, name, len, info, qual, extra, title) VMX_EXIT_##name = (num),
#include "vmm/exit_reasons.def"
#undef VMX_EXIT
};
#define VMX_EXIT_REASON_COUNT 86u

/* Whether the VM-exit instruction-length field is valid for a reason. */
enum vmx_exit_len { VMX_EXIT_LEN_NO, VMX_EXIT_LEN_YES, VMX_EXIT_LEN_COND };

/* Layout of the VM-exit instruction-information field (NONE: not valid). */
enum vmx_info_format {
    VMX_INFO_NONE,
    VMX_INFO_INS_OUTS,     /* only string forms, only if IA32_VMX_BASIC[54] */
    VMX_INFO_VMX_MEM,      /* VMCLEAR/VMPTRLD/VMPTRST/VMXON/XSAVES/XRSTORS */
    VMX_INFO_VMREAD_WRITE, /* VMREAD/VMWRITE */
    VMX_INFO_INVALIDATE,   /* INVEPT/INVPCID/INVVPID */
    VMX_INFO_GDT_IDT,      /* LGDT/LIDT/SGDT/SIDT */
    VMX_INFO_LDT_TR,       /* LLDT/LTR/SLDT/STR */
    VMX_INFO_RDRAND,       /* RDRAND/RDSEED/TPAUSE/UMWAIT */
    VMX_INFO_LOADIWKEY,
    VMX_INFO_MSR_IMM,      /* RDMSR/WRMSRNS with immediate: GPR in 6:3 */
};

/* What the exit qualification holds. */
enum vmx_qual_kind {
    VMX_QUAL_NONE,          /* not used */
    VMX_QUAL_RESERVED,      /* the reason is never reported */
    VMX_QUAL_OPAQUE,        /* used, layout unconfirmed: shown raw */
    VMX_QUAL_EXCEPTION,     /* #DB: debug layout; #PF: faulting linear address */
    VMX_QUAL_SIPI,          /* SIPI vector in 7:0 */
    VMX_QUAL_IO,            /* I/O-instruction layout */
    VMX_QUAL_OTHER_SMI,
    VMX_QUAL_TASK_SWITCH,
    VMX_QUAL_LINEAR,        /* INVLPG's linear-address operand */
    VMX_QUAL_DISPLACEMENT,  /* the memory operand's displacement */
    VMX_QUAL_CR,
    VMX_QUAL_DR,
    VMX_QUAL_ENTRY_GUEST,   /* entry failure 33: 0, 2, 3 or 4 */
    VMX_QUAL_ENTRY_MSR,     /* entry failure 34: 1-based MSR-load entry */
    VMX_QUAL_MWAIT,
    VMX_QUAL_APIC_ACCESS,
    VMX_QUAL_EOI_VECTOR,
    VMX_QUAL_EPT_VIOLATION,
    VMX_QUAL_APIC_WRITE,
    VMX_QUAL_NMI_UNBLOCK,   /* only bit 12 defined (PML full) */
    VMX_QUAL_SPP,
    VMX_QUAL_NOTIFY,
    VMX_QUAL_MSR_INDEX,
};

/* Other exit-information fields valid for a reason (bit set). */
enum vmx_exit_extra {
    VMX_EXIT_EXTRA_NONE = 0,
    VMX_EXIT_EXTRA_GLA = 1 << 0,        /* guest-linear address */
    VMX_EXIT_EXTRA_GPA = 1 << 1,        /* guest-physical address */
    VMX_EXIT_EXTRA_GPA_GLA = 3,
    VMX_EXIT_EXTRA_INTR = 1 << 2,       /* exiting-event identification + error code */
    VMX_EXIT_EXTRA_IO_REGS = 1 << 3,    /* I/O RCX/RSI/RDI/RIP */
    VMX_EXIT_EXTRA_MSR_DATA = 1 << 4,   /* MSR data (WRMSRLIST) */
    VMX_EXIT_EXTRA_ENTRY_FAIL = 1 << 5, /* reported as a VM-entry failure */
};

/* One row of the exit table. */
struct vmx_exit_info {
    const char *name;  /* "CPUID" */
    const char *title; /* "CPUID", "Exception or NMI" (the SDM's wording) */
    uint8_t len;       /* enum vmx_exit_len */
    uint8_t info;      /* enum vmx_info_format */
    uint8_t qual;      /* enum vmx_qual_kind */
    uint8_t extra;     /* enum vmx_exit_extra bits */
};

extern const struct vmx_exit_info vmx_exit_table[VMX_EXIT_REASON_COUNT];

/* The row of basic reason `reason`, or NULL above 85. */
const struct vmx_exit_info *vmx_exit_info_of(uint32_t reason);
/* "CPUID"; "?" for a basic reason above 85. */
const char *vmx_exit_name(uint32_t reason);

/* ---- the exit-reason field ---- */

#define VMX_EXIT_REASON_BASIC_MASK 0xffffu
#define VMX_EXIT_REASON_BUS_LOCK (1u << 26)
#define VMX_EXIT_REASON_ENCLAVE (1u << 27)
#define VMX_EXIT_REASON_PENDING_MTF (1u << 28)
#define VMX_EXIT_REASON_FROM_ROOT (1u << 29)
#define VMX_EXIT_REASON_ENTRY_FAIL (1u << 31)

/* ---- event identification (exiting, original and injected event) ---- */

#define VMX_INTR_VECTOR_MASK 0xffu
#define VMX_INTR_TYPE_SHIFT 8
#define VMX_INTR_TYPE_MASK (7u << 8)
#define VMX_INTR_ERROR_VALID (1u << 11)
#define VMX_INTR_NMI_UNBLOCK (1u << 12)
#define VMX_INTR_NESTED (1u << 13)
#define VMX_INTR_VALID (1u << 31)

/* Event types (bits 10:8). */
enum vmx_event_type {
    VMX_EVENT_EXT_INTR = 0,
    VMX_EVENT_RESERVED = 1,
    VMX_EVENT_NMI = 2,
    VMX_EVENT_HW_EXCEPTION = 3,
    VMX_EVENT_SW_INTR = 4,
    VMX_EVENT_PRIV_SW_EXCEPTION = 5, /* INT1 */
    VMX_EVENT_SW_EXCEPTION = 6,      /* INT3, INTO */
    VMX_EVENT_OTHER = 7,             /* vector 0: pending MTF VM exit */
};

/* "external interrupt", "NMI", ... */
const char *vmx_event_type_name(unsigned type);

/* ---- the exit record ---- */

/* Which members of struct vmm_exit were read (VMM_EXIT_HAVE_*). */
enum vmm_exit_have {
    VMM_EXIT_HAVE_QUAL = 1u << 0,
    VMM_EXIT_HAVE_GLA = 1u << 1,
    VMM_EXIT_HAVE_GPA = 1u << 2,
    VMM_EXIT_HAVE_LEN = 1u << 3,
    VMM_EXIT_HAVE_INFO = 1u << 4,
    VMM_EXIT_HAVE_INTR = 1u << 5, /* intr_info and intr_error */
    VMM_EXIT_HAVE_IDT = 1u << 6,  /* idt_info and idt_error */
    VMM_EXIT_HAVE_IO_REGS = 1u << 7,
    VMM_EXIT_HAVE_MSR_DATA = 1u << 8,
};

/* Everything the processor reported about one VM exit. */
struct vmm_exit {
    uint32_t reason_raw;     /* the exit-reason field, all 32 bits */
    uint16_t reason;         /* basic exit reason (bits 15:0) */
    bool entry_failure;      /* bit 31: a VM-entry failure, not a VM exit */
    uint32_t have;           /* VMM_EXIT_HAVE_*: members read for this reason */
    uint64_t qualification;
    uint64_t guest_linear;
    uint64_t guest_physical;
    uint32_t instr_len;
    uint32_t instr_info;
    uint32_t intr_info;      /* exiting-event identification */
    uint32_t intr_error;
    uint32_t idt_info;       /* original-event identification (IDT vectoring) */
    uint32_t idt_error;
    uint64_t io_rcx, io_rsi, io_rdi, io_rip; /* SMM VM exits only */
    uint64_t msr_data;
};

/*
 * Reads the exit-information fields of the current VMCS after a VM exit:
 * the exit reason, then only the fields the exit table marks valid for
 * that reason (a conditional instruction length is read; it is also read
 * whenever the original-event identification reports a software event,
 * whose re-injection needs it). Entry failures read only the
 * qualification; unknown reasons (above 85) read the qualification and the
 * original-event fields. Returns 0, or the vmm_vmread error of the first
 * field that could not be read (*exit then holds what was read).
 */
int vmm_exit_read(struct vmm_cpu *cpu, struct vmm_exit *exit);

/* ---- qualification decoders (VMM_E_INVAL: a reserved bit or encoding is set) ---- */

enum vmx_cr_access {
    VMX_CR_MOV_TO = 0,
    VMX_CR_MOV_FROM = 1,
    VMX_CR_CLTS = 2,
    VMX_CR_LMSW = 3,
};

struct vmx_qual_cr {
    uint8_t cr;           /* 0, 3, 4 or 8 (0 for CLTS and LMSW) */
    uint8_t access;       /* enum vmx_cr_access */
    bool lmsw_memory;     /* LMSW with a memory operand */
    uint8_t gpr;          /* MOV CR: general-purpose register 0-15 (4 = RSP) */
    uint16_t lmsw_source; /* LMSW: the 16-bit source operand */
};
int vmx_qual_cr_decode(uint64_t qual, struct vmx_qual_cr *out);

struct vmx_qual_dr {
    uint8_t dr;   /* 0-7 */
    bool from_dr; /* MOV from DR (else to DR) */
    uint8_t gpr;
};
int vmx_qual_dr_decode(uint64_t qual, struct vmx_qual_dr *out);

struct vmx_qual_io {
    uint8_t size;   /* 1, 2 or 4 bytes */
    bool in;        /* IN/INS (else OUT/OUTS) */
    bool string;    /* INS/OUTS */
    bool rep;       /* REP prefix */
    bool immediate; /* port in an immediate operand (else DX) */
    uint16_t port;
};
int vmx_qual_io_decode(uint64_t qual, struct vmx_qual_io *out);

struct vmx_qual_task_switch {
    uint16_t selector; /* target TSS */
    uint8_t source;    /* 0 CALL, 1 IRET, 2 JMP, 3 task gate in the IDT */
};
int vmx_qual_task_switch_decode(uint64_t qual, struct vmx_qual_task_switch *out);

struct vmx_qual_ept {
    bool read, write, fetch;         /* the access (bits 2:0) */
    bool readable, writable, executable, user_executable; /* EPT rights (6:3) */
    bool gla_valid;                  /* bit 7: the guest-linear address is valid */
    bool final_translation;          /* bit 8: access to the final translation */
    bool user, rw_page, nx_page;     /* bits 11:9, advanced information */
    bool nmi_unblock;                /* bit 12 */
    bool shadow_stack;               /* bit 13 */
    bool supervisor_shadow_stack;    /* bit 14 */
    bool paging_verification;        /* bit 15 */
    bool asynchronous;               /* bit 16 */
};
int vmx_qual_ept_decode(uint64_t qual, struct vmx_qual_ept *out);

/*
 * Appends a description of the exit: reason (number, name, flags), the
 * qualification decoded per its layout, the addresses, instruction length
 * and information, and the event-identification fields that were read.
 * One item per line, each line starting with two spaces.
 */
void vmm_exit_describe(const struct vmm_exit *exit, struct vmm_textbuf *tb);

#endif /* VMM_EXITS_H */
