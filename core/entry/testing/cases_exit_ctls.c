/* SPDX-License-Identifier: Apache-2.0 */
/* Mutation cases: VM-exit control checks (checks/exit_ctls.def). */
#include "cases.h"

/* The modern profile's physical-address width (MAXPHYADDR 46). */
#define ABOVE_WIDTH (1ull << 46)

/* Breaks ENTRY.RSVD0 (the next section): every VM-exit control rule passed. */
static void then_entry_rsvd0(struct test_entry *t)
{
    vmcs_set(&t->vmcs, VMCS_VM_ENTRY_CONTROLS, vmcs_get(&t->vmcs, VMCS_VM_ENTRY_CONTROLS) & ~1ull);
}

const struct mutation_case cases_exit_ctls[] = {
    {VMX_CHECK_EXIT_RSVD0, BASE_LONG64, {CLRF(VM_EXIT_CONTROLS, 0x1)}, NULL,
     "VM-exit must-be-1 bit 0 cleared"},
    {VMX_CHECK_EXIT_RSVD0, BASE_LONG64_FULL, {CLRF(VM_EXIT_CONTROLS, 0x00036dfb)}, NULL,
     "every TRUE must-be-1 VM-exit bit cleared"},
    {VMX_CHECK_EXIT_RSVD1, BASE_LONG64, {ORF(VM_EXIT_CONTROLS, VMX_EXIT_CLEAR_BNDCFGS)}, NULL,
     "clear IA32_BNDCFGS on a processor without it"},
    {VMX_CHECK_EXIT_RSVD1, BASE_LONG64, {ORF(VM_EXIT_CONTROLS, VMX_EXIT_ACTIVATE_SECONDARY)}, NULL,
     "secondary VM-exit controls on a processor without them"},
    {VMX_CHECK_EXIT_CTL2_RSVD, BASE_LONG64_FULL, {SETF(SECONDARY_VM_EXIT_CONTROLS, 1ull << 3)}, NULL,
     "secondary VM-exit bit 3 not allowed by IA32_VMX_EXIT_CTLS2"},
    {VMX_CHECK_ENTRY_RSVD0, BASE_LONG64_FULL, {SETF(SECONDARY_VM_EXIT_CONTROLS, 0x7)}, then_entry_rsvd0,
     "every allowed secondary VM-exit control passes"},
    {VMX_CHECK_ENTRY_RSVD0, BASE_LONG64_FULL,
     {CLRF(VM_EXIT_CONTROLS, VMX_EXIT_ACTIVATE_SECONDARY), SETF(SECONDARY_VM_EXIT_CONTROLS, 1ull << 3)},
     then_entry_rsvd0, "secondary VM-exit controls are not checked while not activated"},
    {VMX_CHECK_EXIT_PREEMPT, BASE_LONG64_FULL, {CLRF(PIN_BASED_VM_EXEC_CONTROL, VMX_PIN_PREEMPTION_TIMER)},
     NULL, "save preemption timer without the timer"},
    {VMX_CHECK_EXIT_PREEMPT, BASE_LONG64, {ORF(VM_EXIT_CONTROLS, VMX_EXIT_SAVE_PREEMPTION_TIMER)}, NULL,
     "save preemption timer on an ordinary VMCS"},

    /* VM-exit MSR-store area */
    {VMX_CHECK_EXIT_MSRSTORE_ALIGN, BASE_LONG64_FULL, {SETF(VM_EXIT_MSR_STORE_ADDR, PA_EXIT_MSR_STORE | 8)},
     NULL, "MSR-store area on an 8-byte boundary"},
    {VMX_CHECK_ENTRY_RSVD0, BASE_LONG64, {SETF(VM_EXIT_MSR_STORE_ADDR, 0x12345), SETF(VM_EXIT_MSR_STORE_COUNT, 0)},
     then_entry_rsvd0, "the MSR-store address is not checked with count 0"},
    {VMX_CHECK_EXIT_MSRSTORE_WIDTH, BASE_LONG64_FULL, {SETF(VM_EXIT_MSR_STORE_ADDR, ABOVE_WIDTH)}, NULL,
     "MSR-store area at 2^MAXPHYADDR"},
    {VMX_CHECK_EXIT_MSRSTORE_END, BASE_LONG64_FULL,
     {SETF(VM_EXIT_MSR_STORE_ADDR, ABOVE_WIDTH - 16), SETF(VM_EXIT_MSR_STORE_COUNT, 2)}, NULL,
     "MSR-store area crosses 2^MAXPHYADDR"},
    {VMX_CHECK_ENTRY_RSVD0, BASE_LONG64_FULL,
     {SETF(VM_EXIT_MSR_STORE_ADDR, ABOVE_WIDTH - 16), SETF(VM_EXIT_MSR_STORE_COUNT, 1)}, then_entry_rsvd0,
     "MSR-store area ending at 2^MAXPHYADDR - 1 passes"},
    {VMX_CHECK_EXIT_MSRSTORE_END, BASE_LONG64,
     {SETF(VM_EXIT_MSR_STORE_ADDR, (1ull << 40) - 0x100000), SETF(VM_EXIT_MSR_STORE_COUNT, 0x10001)}, NULL,
     "a large MSR-store count runs past 2^40"},
    {VMX_CHECK_ENTRY_RSVD0, BASE_LONG64,
     {SETF(VM_EXIT_MSR_STORE_ADDR, PA_EXIT_MSR_STORE), SETF(VM_EXIT_MSR_STORE_COUNT, 0xffffffff)},
     then_entry_rsvd0, "the largest MSR-store count fits below 2^40"},

    /* VM-exit MSR-load area */
    {VMX_CHECK_EXIT_MSRLOAD_ALIGN, BASE_LONG64_FULL, {SETF(VM_EXIT_MSR_LOAD_ADDR, PA_EXIT_MSR_LOAD | 4)},
     NULL, "MSR-load area on a 4-byte boundary"},
    {VMX_CHECK_EXIT_MSRLOAD_WIDTH, BASE_LONG64_FULL, {SETF(VM_EXIT_MSR_LOAD_ADDR, ~0xfull)}, NULL,
     "MSR-load address with every high bit set"},
    {VMX_CHECK_EXIT_MSRLOAD_END, BASE_LONG64_FULL,
     {SETF(VM_EXIT_MSR_LOAD_ADDR, ABOVE_WIDTH - 0x100), SETF(VM_EXIT_MSR_LOAD_COUNT, 17)}, NULL,
     "MSR-load area crosses 2^MAXPHYADDR"},
    {VMX_CHECK_ENTRY_RSVD0, BASE_LONG64_FULL,
     {SETF(VM_EXIT_MSR_LOAD_ADDR, ABOVE_WIDTH - 0x100), SETF(VM_EXIT_MSR_LOAD_COUNT, 16)}, then_entry_rsvd0,
     "MSR-load area ending at 2^MAXPHYADDR - 1 passes"},
};
const size_t cases_exit_ctls_count = sizeof cases_exit_ctls / sizeof cases_exit_ctls[0];
