/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A model of WRMSR's checks: would writing value V to MSR N at CPL 0 raise
 * #GP(0)? One table row per modelled MSR (index, name, the rule its value
 * must satisfy, the feature that makes it exist); an MSR without a row
 * faults, as an MSR the processor does not implement does.
 *
 * It covers the MSRs hypervisors put in VM-entry MSR-load lists and that
 * guests write most: IA32_EFER (reserved bits; LME may not change while
 * CR0.PG = 1), the MSRs that hold linear addresses (canonical: FS/GS/
 * KERNEL_GS base, LSTAR, CSTAR, SYSENTER_ESP/EIP, LER_FROM_LIP/LER_TO_LIP),
 * STAR, FMASK, SYSENTER_CS, IA32_PAT (memory types), IA32_SPEC_CTRL,
 * IA32_TSC_AUX, IA32_DEBUGCTL, the TSC. The VM-entry validator uses it for
 * the MSR-load list (SDM "Loading MSRs"); the simulated backend's WRMSR
 * uses it too. Freestanding: no libc, no state.
 */
#ifndef VMM_MSR_H
#define VMM_MSR_H

#include "vmm/types.h"

/* MSR numbers libvmm names (SDM Vol. 4; the LER pair is model-specific). */
#define VMM_MSR_IA32_TSC 0x00000010u
#define VMM_MSR_IA32_SPEC_CTRL 0x00000048u
#define VMM_MSR_IA32_BIOS_UPDT_TRIG 0x00000079u
#define VMM_MSR_IA32_BIOS_SIGN_ID 0x0000008bu
#define VMM_MSR_IA32_SMM_MONITOR_CTL 0x0000009bu
#define VMM_MSR_IA32_SYSENTER_CS 0x00000174u
#define VMM_MSR_IA32_SYSENTER_ESP 0x00000175u
#define VMM_MSR_IA32_SYSENTER_EIP 0x00000176u
#define VMM_MSR_IA32_DEBUGCTL 0x000001d9u
#define VMM_MSR_LER_FROM_LIP 0x000001ddu
#define VMM_MSR_LER_TO_LIP 0x000001deu
#define VMM_MSR_IA32_PAT 0x00000277u
#define VMM_MSR_IA32_VMX_BASIC 0x00000480u
#define VMM_MSR_X2APIC_FIRST 0x00000800u
#define VMM_MSR_X2APIC_LAST 0x000008ffu
#define VMM_MSR_IA32_EFER 0xc0000080u
#define VMM_MSR_IA32_STAR 0xc0000081u
#define VMM_MSR_IA32_LSTAR 0xc0000082u
#define VMM_MSR_IA32_CSTAR 0xc0000083u
#define VMM_MSR_IA32_FMASK 0xc0000084u
#define VMM_MSR_IA32_FS_BASE 0xc0000100u
#define VMM_MSR_IA32_GS_BASE 0xc0000101u
#define VMM_MSR_IA32_KERNEL_GS_BASE 0xc0000102u
#define VMM_MSR_IA32_TSC_AUX 0xc0000103u

/* IA32_EFER bits. */
#define VMM_EFER_SCE (1ull << 0)
#define VMM_EFER_LME (1ull << 8)
#define VMM_EFER_LMA (1ull << 10)
#define VMM_EFER_NXE (1ull << 11)

/* IA32_SPEC_CTRL bits the SDM defines (IBRS, STIBP, SSBD, IPRED_DIS_U/S,
 * RRSBA_DIS_U/S, PSFD, DDPD_U, BHI_DIS_S). A processor implements a subset. */
#define VMM_SPEC_CTRL_DEFINED 0x5ffull

/*
 * IA32_PAT: each of the eight bytes is a memory type WRMSR accepts, 0 (UC),
 * 1 (WC), 4 (WT), 5 (WP), 6 (WB) or 7 (UC-): bits 7:3 of every byte are 0,
 * and no byte has bit 1 set with bit 2 clear (types 2 and 3).
 */
static inline bool vmm_pat_valid(uint64_t pat)
{
    const uint64_t ones = 0x0101010101010101ull;
    if (pat & (0xf8 * ones))
        return false;
    return ((pat >> 1) & ~(pat >> 2) & ones) == 0;
}

/* Processor features that make MSRs or MSR bits exist. */
#define VMM_MSR_FEAT_LM (1u << 0)      /* Intel 64: SYSCALL MSRs, FS/GS bases, EFER.LME/SCE */
#define VMM_MSR_FEAT_NX (1u << 1)      /* execute-disable: EFER.NXE */
#define VMM_MSR_FEAT_TSC_AUX (1u << 2) /* RDTSCP or RDPID: IA32_TSC_AUX */

/* What the processor is: fixed for its lifetime. */
struct vmm_msr_model {
    uint32_t features;         /* VMM_MSR_FEAT_* */
    uint8_t linear_addr_width; /* 48 or 57: "canonical" for address MSRs (CPUID, not CR4.LA57) */
    uint64_t spec_ctrl_bits;   /* IA32_SPEC_CTRL bits implemented; 0: the MSR does not exist */
};

/* What the processor is in when the WRMSR executes. */
struct vmm_msr_state {
    uint64_t cr0;  /* CR0.PG decides whether EFER.LME may change */
    uint64_t efer; /* the current IA32_EFER */
};

/* Why a WRMSR faults (every value but OK means #GP(0)). */
enum vmm_wrmsr_fault {
    VMM_WRMSR_OK = 0,
    VMM_WRMSR_UNKNOWN,         /* no such MSR (or not writable): #GP */
    VMM_WRMSR_RESERVED,        /* the value sets a reserved bit */
    VMM_WRMSR_NONCANONICAL,    /* a linear address that is not canonical */
    VMM_WRMSR_PAT_TYPE,        /* a PAT entry holds a reserved memory type (2, 3, 8-255) */
    VMM_WRMSR_EFER_LME_PAGING, /* EFER.LME would change while CR0.PG = 1 */
};

/* An Intel 64 processor with NX, RDTSCP and every defined IA32_SPEC_CTRL bit. */
struct vmm_msr_model vmm_msr_model_intel64(uint8_t linear_addr_width);

/* Whether WRMSR(index, value) at CPL 0 faults, and why; VMM_WRMSR_OK if it does not. */
enum vmm_wrmsr_fault vmm_wrmsr_check(const struct vmm_msr_model *model,
                                     const struct vmm_msr_state *state, uint32_t index,
                                     uint64_t value);

/* The MSR's SDM name ("IA32_EFER"), or NULL for one the model does not know. */
const char *vmm_msr_name(uint32_t index);

/* One line of English for a fault ("reserved bit set"), static storage. */
const char *vmm_wrmsr_fault_text(enum vmm_wrmsr_fault fault);

#endif /* VMM_MSR_H */
