/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMX capabilities: the capability MSRs IA32_VMX_BASIC (480H) through
 * IA32_VMX_EXIT_CTLS2 (493H) plus the few CPUID facts VM entry depends on,
 * parsed into one struct; control negotiation; named profiles.
 */
#ifndef VMM_CAPS_H
#define VMM_CAPS_H

#include "vmm/controls.h"
#include "vmm/types.h"

/* The capability MSRs, in index order (MSR number = 0x480 + index). */
enum vmx_cap_msr {
    VMX_MSR_BASIC,                 /* 480H */
    VMX_MSR_PINBASED_CTLS,         /* 481H */
    VMX_MSR_PROCBASED_CTLS,        /* 482H */
    VMX_MSR_EXIT_CTLS,             /* 483H */
    VMX_MSR_ENTRY_CTLS,            /* 484H */
    VMX_MSR_MISC,                  /* 485H */
    VMX_MSR_CR0_FIXED0,            /* 486H */
    VMX_MSR_CR0_FIXED1,            /* 487H */
    VMX_MSR_CR4_FIXED0,            /* 488H */
    VMX_MSR_CR4_FIXED1,            /* 489H */
    VMX_MSR_VMCS_ENUM,             /* 48AH */
    VMX_MSR_PROCBASED_CTLS2,       /* 48BH */
    VMX_MSR_EPT_VPID_CAP,          /* 48CH */
    VMX_MSR_TRUE_PINBASED_CTLS,    /* 48DH */
    VMX_MSR_TRUE_PROCBASED_CTLS,   /* 48EH */
    VMX_MSR_TRUE_EXIT_CTLS,        /* 48FH */
    VMX_MSR_TRUE_ENTRY_CTLS,       /* 490H */
    VMX_MSR_VMFUNC,                /* 491H */
    VMX_MSR_PROCBASED_CTLS3,       /* 492H */
    VMX_MSR_EXIT_CTLS2,            /* 493H */
    VMX_CAP_MSR_COUNT
};
#define VMX_CAP_MSR_BASE 0x480u

/* "IA32_VMX_BASIC", ...; "CPUID facts" for VMX_CAP_MSR_COUNT. */
const char *vmx_cap_msr_name(enum vmx_cap_msr m);

/* CPUID features that change what VM entry accepts. */
enum vmm_cpuid_feature {
    VMM_CPUID_FRED,     /* flexible return and event delivery */
    VMM_CPUID_LA57,     /* 5-level paging */
    VMM_CPUID_PCID,
    VMM_CPUID_RTM,      /* TSX restricted transactional memory */
    VMM_CPUID_CET_SS,   /* CET shadow stacks */
    VMM_CPUID_CET_IBT,  /* CET indirect-branch tracking */
    VMM_CPUID_PKS,      /* protection keys for supervisor pages */
    VMM_CPUID_MPX,
    VMM_CPUID_PT,       /* Intel Processor Trace */
    VMM_CPUID_ARCH_LBR,
    VMM_CPUID_SGX,
    VMM_CPUID_SMX,
    VMM_CPUID_UINTR,    /* user interrupts */
    VMM_CPUID_SPEC_CTRL, /* IA32_SPEC_CTRL exists: CPUID.(7,0):EDX[26] (IBRS/IBPB) */
    VMM_CPUID_FEATURE_COUNT
};
#define VMM_CPUID_BIT(f) (1ull << (f))

/*
 * What a processor reports: the raw inputs to vmx_caps_parse. A profile is
 * one of these.
 */
struct vmx_raw_caps {
    uint64_t msr[VMX_CAP_MSR_COUNT];
    uint32_t msr_present;      /* bit i: MSR 0x480+i is readable (no #GP) */
    uint8_t phys_addr_width;   /* MAXPHYADDR, CPUID 80000008H EAX[7:0] */
    uint8_t linear_addr_width; /* CPUID 80000008H EAX[15:8]: 48 or 57 */
    uint64_t cpuid_features;   /* VMM_CPUID_BIT(...) */
};

/* Allowed settings of one control word. */
struct vmx_ctl_caps {
    uint64_t allowed0; /* bits that must be 1 */
    uint64_t allowed1; /* bits that may be 1 */
    uint64_t default1; /* "default1" class: 1 in the non-TRUE allowed-0 */
};

/* IA32_VMX_MISC activity-state support (bits 8:6). */
#define VMX_MISC_ACTIVITY_HLT (1u << 6)
#define VMX_MISC_ACTIVITY_SHUTDOWN (1u << 7)
#define VMX_MISC_ACTIVITY_WAIT_SIPI (1u << 8)

/* IA32_VMX_EPT_VPID_CAP bits. */
#define VMX_EPT_CAP_EXEC_ONLY (1ull << 0)
#define VMX_EPT_CAP_PWL4 (1ull << 6)
#define VMX_EPT_CAP_PWL5 (1ull << 7)
#define VMX_EPT_CAP_MT_UC (1ull << 8)
#define VMX_EPT_CAP_MT_WB (1ull << 14)
#define VMX_EPT_CAP_2M (1ull << 16)
#define VMX_EPT_CAP_1G (1ull << 17)
#define VMX_EPT_CAP_INVEPT (1ull << 20)
#define VMX_EPT_CAP_AD (1ull << 21)
#define VMX_EPT_CAP_ADV_EXIT_INFO (1ull << 22)
#define VMX_EPT_CAP_SSS (1ull << 23)
#define VMX_EPT_CAP_INVEPT_SINGLE (1ull << 25)
#define VMX_EPT_CAP_INVEPT_ALL (1ull << 26)
#define VMX_VPID_CAP_INVVPID (1ull << 32)
#define VMX_VPID_CAP_INVVPID_ADDR (1ull << 40)
#define VMX_VPID_CAP_INVVPID_SINGLE (1ull << 41)
#define VMX_VPID_CAP_INVVPID_ALL (1ull << 42)
#define VMX_VPID_CAP_INVVPID_SINGLE_NONGLOBAL (1ull << 43)

/* Everything VM entry and the VMX instructions depend on, decoded. */
struct vmx_caps {
    struct vmx_raw_caps raw;

    /* IA32_VMX_BASIC */
    uint32_t revision_id;     /* bits 30:0 */
    uint16_t vmcs_size;       /* bits 44:32, 1..4096 */
    bool addr_width_32;       /* bit 48: VMXON/VMCS/bitmap addresses < 4 GiB */
    bool dual_monitor;        /* bit 49 */
    uint8_t vmcs_memory_type; /* bits 53:50: 0 UC, 6 WB */
    bool ins_outs_info;       /* bit 54 */
    bool true_ctls;           /* bit 55: the TRUE_* MSRs exist and apply */
    bool no_errcode_check;    /* bit 56: any vector may deliver an error code */

    /* Control words; a word whose activating bit cannot be set has allowed1 0. */
    struct vmx_ctl_caps ctl[VMM_CTL_KIND_COUNT];

    /* IA32_VMX_MISC */
    uint8_t preemption_timer_shift; /* bits 4:0: timer ticks every 2^n TSC */
    bool exit_stores_lma;           /* bit 5 */
    uint16_t activity_states;       /* VMX_MISC_ACTIVITY_* */
    bool pt_in_vmx;                 /* bit 14 */
    bool rdmsr_smbase_in_smm;       /* bit 15 */
    uint16_t cr3_target_count;      /* bits 24:16 */
    uint32_t max_msr_list;          /* 512 * (bits 27:25 + 1) */
    bool smm_monitor_ctl_b2;        /* bit 28 */
    bool vmwrite_exit_info;         /* bit 29: VMWRITE may write exit info */
    bool zero_len_injection;        /* bit 30: zero-length software events */
    uint32_t mseg_revision;         /* bits 63:32 */

    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    uint16_t vmcs_max_index; /* IA32_VMX_VMCS_ENUM bits 9:1 */
    uint64_t ept_vpid_cap;   /* 0 when neither EPT nor VPID can be enabled */

    /* Physical-address width VMX addresses are checked against. */
    uint8_t phys_addr_width; /* min(MAXPHYADDR, 32 if addr_width_32) */
    uint8_t linear_addr_width;
    uint64_t cpuid_features;
};

/* Why vmx_caps_parse refused its input. */
struct vmx_caps_error {
    enum vmx_cap_msr msr; /* the MSR at fault; VMX_CAP_MSR_COUNT: the CPUID facts */
    const char *reason;   /* static English text */
};

/*
 * Parses and cross-checks raw capabilities. Fails with VMM_E_INVAL (and
 * fills *err when non-NULL) when an MSR that must exist is absent (BASIC
 * through VMCS_ENUM; the TRUE MSRs when BASIC bit 55 is set; secondary,
 * tertiary, secondary-exit, EPT/VPID and VMFUNC MSRs when their activating
 * control can be 1), when a control MSR requires a bit it does not allow,
 * when FIXED0 has bits FIXED1 lacks, or when a field is out of range
 * (revision bit 31, VMCS size 0 or above 4096, widths).
 */
int vmx_caps_parse(const struct vmx_raw_caps *raw, struct vmx_caps *caps,
                   struct vmx_caps_error *err);

/* True if the 1-setting of `bits` in control word `kind` is allowed. */
static inline bool vmx_ctl_allowed1(const struct vmx_caps *c, enum vmm_ctl_kind kind,
                                    uint64_t bits)
{
    return (c->ctl[kind].allowed1 & bits) == bits;
}

/* True if the 0-setting of `bits` in control word `kind` is allowed. */
static inline bool vmx_ctl_allowed0(const struct vmx_caps *c, enum vmm_ctl_kind kind,
                                    uint64_t bits)
{
    return (c->ctl[kind].allowed0 & bits) == 0;
}

/*
 * Control negotiation: turns what a hypervisor wants into a value the
 * processor accepts.
 *   want1: bits that must be 1;  want0: bits that must be 0.
 * Bits in neither set get their default setting (1 for the default1
 * class when allowed, as the SDM recommends, else 0).
 * On VMM_OK, res->value is the control word to write. On
 * VMM_E_UNSUPPORTED, res->unsupported lists the want1 bits the processor
 * cannot set and res->required the want0 bits it cannot clear.
 * VMM_E_INVAL if a bit is in both sets.
 */
struct vmx_ctl_result {
    uint64_t value;
    uint64_t unsupported;
    uint64_t required;
};
int vmx_ctl_negotiate(const struct vmx_caps *caps, enum vmm_ctl_kind kind, uint64_t want1,
                      uint64_t want0, struct vmx_ctl_result *res);

/* ---- named capability profiles (tests, fuzzing, the demo) ---- */

struct vmx_profile {
    const char *name;
    const char *description;
    const struct vmx_raw_caps *raw;
};

/* All built-in profiles, and their number. */
extern const struct vmx_profile vmx_profiles[];
extern const size_t vmx_profile_count;

/* The profile with that name, or NULL. */
const struct vmx_profile *vmx_profile_find(const char *name);

#endif /* VMM_CAPS_H */
