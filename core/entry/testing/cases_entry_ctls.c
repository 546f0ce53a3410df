/* SPDX-License-Identifier: Apache-2.0 */
/* Mutation cases: VM-entry control and event-injection checks (checks/entry_ctls.def). */
#include "cases.h"

/* The modern profile's physical-address width (MAXPHYADDR 46). */
#define ABOVE_WIDTH (1ull << 46)

/* VM-entry interruption information: valid, type, vector, deliver-error-code. */
#define INJ(type, vector) (0x80000000u | ((uint32_t)(type) << 8) | (uint32_t)(vector))
#define INJ_EC 0x800u
#define INJ_NESTED 0x2000u

#define GUEST_CR4_FRED (1ull << 32)

static void in_smm(struct test_entry *t) { t->in.in_smm = true; }
static void no_zero_length_injection(struct test_entry *t) { t->caps.zero_len_injection = false; }
static void any_vector_error_code(struct test_entry *t) { t->caps.no_errcode_check = true; }

/* IA32_VMX_BASIC[58]: the nested-exception bit exists. */
static void nested_exception_supported(struct test_entry *t)
{
    t->caps.raw.msr[VMX_MSR_BASIC] |= 1ull << 58;
}

/* A FRED processor without the monitor trap flag. */
static void fred_without_mtf(struct test_entry *t)
{
    t->caps.cpuid_features |= VMM_CPUID_BIT(VMM_CPUID_FRED);
    t->caps.ctl[VMM_CTL_PROC].allowed1 &= ~(uint64_t)VMX_PROC_MONITOR_TRAP_FLAG;
}

/*
 * Breaks ENTRY.INJ.EC.RSVD, the last injection rule but the length rules,
 * which the scenario does not reach: every rule before it passed. Only for
 * events that deliver an error code.
 */
static void then_error_code_wide(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE, 0x10000);
}

static void nested_supported_then_error_code_wide(struct test_entry *t)
{
    nested_exception_supported(t);
    then_error_code_wide(t);
}

static void any_vector_error_code_then_wide(struct test_entry *t)
{
    any_vector_error_code(t);
    then_error_code_wide(t);
}

/*
 * Breaks HOST.CR0.FIXED0, the first host-state rule (the section after this
 * one): proves every VM-entry control and injection rule passed.
 */
static void then_host_cr0_fixed0(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_HOST_CR0, vmcs_get(&t->vmcs, VMCS_HOST_CR0) & ~1ull);
}

static void no_zero_length_injection_then_host(struct test_entry *t)
{
    no_zero_length_injection(t);
    then_host_cr0_fixed0(t);
}

/* Breaks ENTRY.INJ.ILEN.MAX after a software event's earlier rules passed. */
static void then_length_16(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_VM_ENTRY_INSTRUCTION_LEN, 16);
}

/* MTF event on a modern processor, then a 16-byte length (checked only for FRED events). */
static void fred_guest_then_length_16(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_GUEST_CR4, vmcs_get(&t->vmcs, VMCS_GUEST_CR4) | GUEST_CR4_FRED);
    then_length_16(t);
}

const struct mutation_case cases_entry_ctls[] = {
    /* VM-entry controls */
    {VMX_CHECK_ENTRY_RSVD0, BASE_LONG64, {CLRF(VM_ENTRY_CONTROLS, 0x1)}, NULL,
     "VM-entry must-be-1 bit 0 cleared"},
    {VMX_CHECK_ENTRY_RSVD1, BASE_LONG64, {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_LOAD_BNDCFGS)}, NULL,
     "load IA32_BNDCFGS on a processor without it"},
    {VMX_CHECK_ENTRY_RSVD1, BASE_LONG64_FULL, {ORF(VM_ENTRY_CONTROLS, 1u << 25)}, NULL,
     "VM-entry bit 25 not allowed on the modern profile"},
    {VMX_CHECK_ENTRY_SMM_ENTRY, BASE_LONG64, {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_ENTRY_TO_SMM)}, NULL,
     "entry to SMM outside SMM"},
    {VMX_CHECK_ENTRY_SMM_DEACT, BASE_LONG64, {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_DEACT_DUAL_MONITOR)}, NULL,
     "deactivate dual-monitor treatment outside SMM"},
    {VMX_CHECK_ENTRY_SMM_ENTRY, BASE_LONG64,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_ENTRY_TO_SMM | VMX_ENTRY_DEACT_DUAL_MONITOR)}, NULL,
     "both SMM controls outside SMM: the outside-SMM rule comes first"},
    {VMX_CHECK_ENTRY_SMM_BOTH, BASE_LONG64,
     {ORF(VM_ENTRY_CONTROLS, VMX_ENTRY_ENTRY_TO_SMM | VMX_ENTRY_DEACT_DUAL_MONITOR)}, in_smm,
     "both SMM controls in SMM"},

    /* VM-entry MSR-load area */
    {VMX_CHECK_ENTRY_MSRLOAD_ALIGN, BASE_LONG64_FULL, {SETF(VM_ENTRY_MSR_LOAD_ADDR, PA_ENTRY_MSR_LOAD | 2)},
     NULL, "MSR-load area on a 2-byte boundary"},
    {VMX_CHECK_ENTRY_INJ_TYPE_RSVD, BASE_LONG64, {SETF(VM_ENTRY_MSR_LOAD_ADDR, 0x7), SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(1, 0))},
     NULL, "the MSR-load address is not checked with count 0"},
    {VMX_CHECK_ENTRY_MSRLOAD_WIDTH, BASE_LONG64_FULL, {SETF(VM_ENTRY_MSR_LOAD_ADDR, ABOVE_WIDTH)}, NULL,
     "MSR-load area at 2^MAXPHYADDR"},
    {VMX_CHECK_ENTRY_MSRLOAD_END, BASE_LONG64_FULL,
     {SETF(VM_ENTRY_MSR_LOAD_ADDR, ABOVE_WIDTH - 0x20), SETF(VM_ENTRY_MSR_LOAD_COUNT, 3)}, NULL,
     "MSR-load area crosses 2^MAXPHYADDR"},
    {VMX_CHECK_ENTRY_INJ_TYPE_RSVD, BASE_LONG64_FULL,
     {SETF(VM_ENTRY_MSR_LOAD_ADDR, ABOVE_WIDTH - 0x20), SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(1, 0))}, NULL,
     "MSR-load area ending at 2^MAXPHYADDR - 1 passes"},

    /* Interruption type */
    {VMX_CHECK_ENTRY_INJ_TYPE_RSVD, BASE_INJECT, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(1, 13))}, NULL,
     "interruption type 1"},
    {VMX_CHECK_HOST_CR0_FIXED0, BASE_LONG64, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(1, 13) & ~0x80000000u)},
     then_host_cr0_fixed0, "nothing about an invalid (bit 31 = 0) event is checked"},
    {VMX_CHECK_ENTRY_INJ_TYPE_OTHER, BASE_INJECT, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(7, 0))}, NULL,
     "pending MTF VM exit on a processor without MTF"},
    {VMX_CHECK_ENTRY_INJ_TYPE_OTHER, BASE_LONG64_FULL, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(7, 0))},
     fred_without_mtf, "pending MTF VM exit on a FRED processor without MTF"},
    {VMX_CHECK_ENTRY_INJ_VEC_OTHER, BASE_LONG64_FULL, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(7, 1))},
     fred_without_mtf, "FRED processor without MTF: type 7 vector 1 passes the type rule"},
    {VMX_CHECK_ENTRY_INJ_VEC_NMI, BASE_INJECT, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(2, 3))}, NULL,
     "NMI with vector 3"},
    {VMX_CHECK_ENTRY_INJ_VEC_HWEXC, BASE_INJECT, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(3, 32))}, NULL,
     "hardware exception with vector 32"},
    {VMX_CHECK_ENTRY_INJ_EC_RSVD, BASE_LONG64_FULL, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(3, 31) | INJ_EC)},
     then_error_code_wide, "hardware exception with vector 31 passes"},
    {VMX_CHECK_ENTRY_INJ_VEC_OTHER, BASE_LONG64_FULL, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(7, 1))}, NULL,
     "FRED SYSCALL event while guest CR4.FRED = 0"},
    {VMX_CHECK_ENTRY_INJ_VEC_OTHER, BASE_LONG64_FULL, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(7, 3)), ORF(GUEST_CR4, GUEST_CR4_FRED)},
     NULL, "type 7 with vector 3"},
    {VMX_CHECK_ENTRY_INJ_ILEN_FRED, BASE_LONG64_FULL, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(7, 2))},
     fred_guest_then_length_16, "FRED SYSENTER event with guest CR4.FRED = 1 passes the vector rule"},
    {VMX_CHECK_ENTRY_INJ_ILEN_FRED, BASE_LONG64_FULL,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(7, 1)), ORF(GUEST_CR4, GUEST_CR4_FRED), SETF(VM_ENTRY_INSTRUCTION_LEN, 16)},
     NULL, "FRED SYSCALL event with a 16-byte instruction"},

    /* Error codes */
    {VMX_CHECK_ENTRY_INJ_EC_REAL, BASE_REAL_URG, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(3, 13) | INJ_EC)}, NULL,
     "#GP with error code into a real-mode guest"},
    {VMX_CHECK_ENTRY_INJ_EC_REAL, BASE_INJECT, {CLRF(GUEST_CR0, 0x80000001)}, NULL,
     "#GP with error code once guest CR0.PE = 0"},
    {VMX_CHECK_ENTRY_INJ_RSVD, BASE_REAL_URG, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(3, 13) | (1u << 12))}, NULL,
     "real mode: #GP without error code passes the error-code rules"},
    {VMX_CHECK_ENTRY_INJ_EC_NONHW, BASE_INJECT, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(0, 0x20) | INJ_EC)}, NULL,
     "external interrupt with error code"},
    {VMX_CHECK_ENTRY_INJ_EC_NONHW, BASE_INJECT, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(6, 3) | INJ_EC)}, NULL,
     "software exception (INT3) with error code"},
    {VMX_CHECK_ENTRY_INJ_EC_NONHW, BASE_INJECT, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(2, 2) | INJ_EC)}, NULL,
     "NMI with error code"},
    {VMX_CHECK_ENTRY_INJ_EC_VEC, BASE_INJECT, {CLRF(VM_ENTRY_INTR_INFO_FIELD, INJ_EC)}, NULL,
     "#GP without its error code"},
    {VMX_CHECK_ENTRY_INJ_EC_VEC, BASE_INJECT, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(3, 6) | INJ_EC)}, NULL,
     "#UD with an error code"},
    {VMX_CHECK_ENTRY_INJ_EC_VEC, BASE_INJECT, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(3, 18) | INJ_EC)}, NULL,
     "#MC with an error code"},
    {VMX_CHECK_ENTRY_INJ_EC_RSVD, BASE_INJECT, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(3, 17) | INJ_EC)},
     then_error_code_wide, "#AC with its error code passes"},
    {VMX_CHECK_ENTRY_INJ_EC_RSVD, BASE_INJECT, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(3, 6) | INJ_EC)},
     any_vector_error_code_then_wide, "IA32_VMX_BASIC[56] = 1: #UD with an error code passes"},
    {VMX_CHECK_ENTRY_INJ_EC_RSVD, BASE_LONG64_FULL, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(3, 1) | INJ_EC)},
     then_error_code_wide, "modern profile (BASIC[56] = 1): #DB with an error code passes"},

    /* Reserved and nested-exception bits */
    {VMX_CHECK_ENTRY_INJ_RSVD, BASE_INJECT, {ORF(VM_ENTRY_INTR_INFO_FIELD, 1u << 30)}, NULL,
     "interruption-information bit 30"},
    {VMX_CHECK_ENTRY_INJ_RSVD, BASE_INJECT, {ORF(VM_ENTRY_INTR_INFO_FIELD, INJ_NESTED)}, NULL,
     "nested-exception bit where IA32_VMX_BASIC[58] = 0"},
    {VMX_CHECK_ENTRY_INJ_NESTED, BASE_INJECT, {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(0, 0x20) | INJ_NESTED)},
     nested_exception_supported, "nested-exception bit on an external interrupt"},
    {VMX_CHECK_ENTRY_INJ_EC_RSVD, BASE_INJECT, {ORF(VM_ENTRY_INTR_INFO_FIELD, INJ_NESTED)},
     nested_supported_then_error_code_wide, "nested-exception bit on #GP where supported passes"},

    /* Error code value */
    {VMX_CHECK_ENTRY_INJ_EC_RSVD, BASE_INJECT, {SETF(VM_ENTRY_EXCEPTION_ERROR_CODE, 0x10000)}, NULL,
     "error code with bit 16 set"},
    {VMX_CHECK_HOST_CR0_FIXED0, BASE_INJECT, {SETF(VM_ENTRY_EXCEPTION_ERROR_CODE, 0xffff)},
     then_host_cr0_fixed0, "error code FFFFH passes"},
    {VMX_CHECK_HOST_CR0_FIXED0, BASE_INJECT,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(3, 6)), SETF(VM_ENTRY_EXCEPTION_ERROR_CODE, 0xffffffff)},
     then_host_cr0_fixed0, "the error-code field is ignored without deliver-error-code"},

    /* Instruction length of software events */
    {VMX_CHECK_ENTRY_INJ_ILEN_MAX, BASE_INJECT,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(4, 0x80)), SETF(VM_ENTRY_INSTRUCTION_LEN, 16)}, NULL,
     "INT 80H with a 16-byte instruction"},
    {VMX_CHECK_ENTRY_INJ_ILEN_MAX, BASE_INJECT,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(5, 1)), SETF(VM_ENTRY_INSTRUCTION_LEN, 0xffffffff)}, NULL,
     "INT1 (privileged software exception) with length FFFFFFFFH"},
    {VMX_CHECK_ENTRY_INJ_ILEN_ZERO, BASE_INJECT,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(6, 3)), SETF(VM_ENTRY_INSTRUCTION_LEN, 0)}, no_zero_length_injection,
     "INT3 with length 0 where IA32_VMX_MISC[30] = 0"},
    {VMX_CHECK_HOST_CR0_FIXED0, BASE_INJECT,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(6, 3)), SETF(VM_ENTRY_INSTRUCTION_LEN, 0)}, then_host_cr0_fixed0,
     "IA32_VMX_MISC[30] = 1: a zero-length INT3 passes"},
    {VMX_CHECK_HOST_CR0_FIXED0, BASE_INJECT,
     {SETF(VM_ENTRY_INTR_INFO_FIELD, INJ(4, 0x80)), SETF(VM_ENTRY_INSTRUCTION_LEN, 15)}, then_host_cr0_fixed0,
     "a 15-byte software interrupt passes"},
    {VMX_CHECK_HOST_CR0_FIXED0, BASE_INJECT, {SETF(VM_ENTRY_INSTRUCTION_LEN, 0)},
     no_zero_length_injection_then_host, "hardware exceptions have no instruction-length rule"},
};
const size_t cases_entry_ctls_count = sizeof cases_entry_ctls / sizeof cases_entry_ctls[0];
