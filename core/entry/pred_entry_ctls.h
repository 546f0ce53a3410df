/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Predicates of checks/entry_ctls.def: the VM-entry controls, the SMM
 * controls, the VM-entry MSR-load area (shared predicates of
 * pred_exec_ctls.h) and event injection. Every injection rule holds
 * trivially when the interruption-information valid bit is 0.
 */
#ifndef VMM_PRED_ENTRY_CTLS_H
#define VMM_PRED_ENTRY_CTLS_H

#include "ctx.h"
#include "pred_exec_ctls.h"

/* VM-entry interruption-information field bits besides type and vector. */
#define INJ_DELIVER_ERROR_CODE (1ull << 11)
#define INJ_NESTED_EXCEPTION (1ull << 13) /* FRED: exception during event delivery */
#define INJ_RESERVED_BITS 0x7ffff000ull   /* 30:12 */

/* Exceptions that push an error code: #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14, #AC 17. */
#define INJ_ERROR_CODE_VECTORS ((1u << 8) | (1u << 10) | (1u << 11) | (1u << 12) | (1u << 13) | \
                                (1u << 14) | (1u << 17))

#define GUEST_CR0_PE (1ull << 0)
#define GUEST_CR4_FRED (1ull << 32)

static inline uint64_t inj_info(const struct vmx_check_ctx *c)
{
    return FIELD(c, VM_ENTRY_INTR_INFO_FIELD);
}

static inline bool inj_delivers_error_code(const struct vmx_check_ctx *c)
{
    return (inj_info(c) & INJ_DELIVER_ERROR_CODE) != 0;
}

static inline bool guest_protected_mode(const struct vmx_check_ctx *c)
{
    return (FIELD(c, GUEST_CR0) & GUEST_CR0_PE) != 0;
}

/* Types 4, 5, 6: software interrupt, privileged and ordinary software exception. */
static inline bool inj_is_software_event(const struct vmx_check_ctx *c)
{
    return c->inj_type >= INTR_TYPE_SW_INTR && c->inj_type <= INTR_TYPE_SW_EXCEPTION;
}

/* Type 7 with vector 1 (SYSCALL) or 2 (SYSENTER): a FRED event. */
static inline bool inj_is_fred_syscall(const struct vmx_check_ctx *c)
{
    return c->inj_type == INTR_TYPE_OTHER && (c->inj_vector == 1 || c->inj_vector == 2);
}

static inline bool cpu_has_fred(const struct vmx_check_ctx *c)
{
    return (c->caps->cpuid_features & VMM_CPUID_BIT(VMM_CPUID_FRED)) != 0;
}

/* IA32_VMX_BASIC[58]: the "nested exception" bit of injected events is supported. */
static inline bool vmx_nested_exception_supported(const struct vmx_check_ctx *c)
{
    return (c->caps->raw.msr[VMX_MSR_BASIC] >> 58) & 1;
}

/* ---- VM-entry controls ---- */

/* Outside SMM, VM-entry control `arg` ("entry to SMM", "deactivate dual-monitor") is 0. */
static inline bool entry_smm_control_only_in_smm(const struct vmx_check_ctx *c, unsigned mask)
{
    return c->in->in_smm || !(c->entry & mask);
}

static inline bool entry_smm_controls_not_both(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    uint64_t both = VMX_ENTRY_ENTRY_TO_SMM | VMX_ENTRY_DEACT_DUAL_MONITOR;
    return (c->entry & both) != both;
}

/* ---- event injection ---- */

static inline bool inj_type_not_reserved(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->inject || c->inj_type != INTR_TYPE_RESERVED;
}

/*
 * Type 7 (other event) needs the monitor trap flag (vector 0, a pending MTF
 * VM exit); a FRED processor also accepts it for SYSCALL/SYSENTER.
 */
static inline bool inj_other_event_supported(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    if (!c->inject || c->inj_type != INTR_TYPE_OTHER)
        return true;
    return vmx_ctl_allowed1(c->caps, VMM_CTL_PROC, VMX_PROC_MONITOR_TRAP_FLAG) ||
           (cpu_has_fred(c) && inj_is_fred_syscall(c));
}

static inline bool inj_nmi_vector_2(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->inject || c->inj_type != INTR_TYPE_NMI || c->inj_vector == 2;
}

static inline bool inj_hw_exception_vector(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->inject || c->inj_type != INTR_TYPE_HW_EXCEPTION || c->inj_vector <= 31;
}

/* Type 7: vector 0, or 1/2 when the guest will run with CR4.FRED = 1. */
static inline bool inj_other_event_vector(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    if (!c->inject || c->inj_type != INTR_TYPE_OTHER || c->inj_vector == 0)
        return true;
    return inj_is_fred_syscall(c) && (FIELD(c, GUEST_CR4) & GUEST_CR4_FRED);
}

/* No error code is delivered into a guest with CR0.PE = 0. */
static inline bool inj_error_code_needs_protected_mode(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->inject || !inj_delivers_error_code(c) || guest_protected_mode(c);
}

static inline bool inj_error_code_only_hw_exception(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->inject || !inj_delivers_error_code(c) || c->inj_type == INTR_TYPE_HW_EXCEPTION;
}

/*
 * Hardware exception in protected mode, IA32_VMX_BASIC[56] = 0: an error
 * code exactly for the vectors that push one (vectors above 31 are the
 * vector rule's business).
 */
static inline bool inj_error_code_matches_vector(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    if (!c->inject || c->inj_type != INTR_TYPE_HW_EXCEPTION || !guest_protected_mode(c) ||
        c->caps->no_errcode_check || c->inj_vector > 31)
        return true;
    bool pushes = (INJ_ERROR_CODE_VECTORS >> c->inj_vector) & 1;
    return pushes == inj_delivers_error_code(c);
}

static inline bool inj_reserved_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    uint64_t reserved = INJ_RESERVED_BITS;
    if (vmx_nested_exception_supported(c))
        reserved &= ~INJ_NESTED_EXCEPTION;
    return !c->inject || (inj_info(c) & reserved) == 0;
}

/* Where bit 13 exists, it marks a nested hardware exception only. */
static inline bool inj_nested_only_hw_exception(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    if (!c->inject || !(inj_info(c) & INJ_NESTED_EXCEPTION) || !vmx_nested_exception_supported(c))
        return true;
    return c->inj_type == INTR_TYPE_HW_EXCEPTION;
}

static inline bool inj_error_code_16bit(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->inject || !inj_delivers_error_code(c) ||
           (FIELD(c, VM_ENTRY_EXCEPTION_ERROR_CODE) >> 16) == 0;
}

/* Software events (and FRED SYSCALL/SYSENTER) name an instruction of at most 15 bytes. */
static inline bool inj_instruction_length_max(const struct vmx_check_ctx *c, unsigned fred)
{
    if (!c->inject || !(fred ? inj_is_fred_syscall(c) : inj_is_software_event(c)))
        return true;
    return FIELD(c, VM_ENTRY_INSTRUCTION_LEN) <= 15;
}

static inline bool inj_instruction_length_nonzero(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->inject || !inj_is_software_event(c) || c->caps->zero_len_injection ||
           FIELD(c, VM_ENTRY_INSTRUCTION_LEN) != 0;
}

#endif
