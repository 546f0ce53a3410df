/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMLAUNCH / VMRESUME up to the end of VM-entry checking. The verdict is
 * the core's validator's (vmx_entry_check), given the processor state it
 * asks for; this file turns it into the instruction's outcome. A VM entry
 * that passes every check runs the guest through the configured executor.
 */
#include "sim_internal.h"

#define EXIT_REASON_ENTRY_FAILURE (1u << 31)

/* The validator reads memory as the processor would (unbacked: all ones). */
static int read_host_phys(void *opaque, uint64_t addr, void *buf, size_t len)
{
    sim_phys_read(opaque, addr, buf, len);
    return VMM_OK;
}

/*
 * Error 6 ("VMRESUME after VMXOFF"): the current VMCS was launched, then
 * left active across VMXOFF and VMXON instead of being cleared. The sim
 * reports it where the launch-state check stands (after the checks that
 * make VMfailInvalid or error 26), since it is a launch-state error.
 */
static bool resume_after_vmxoff(const struct sim *s, const struct vmx_entry_input *in)
{
    return in->vmcs && !in->current_is_shadow && !in->mov_ss_blocking &&
           in->kind == VMM_RESUME && in->launched && s->current_stale;
}

struct vmx_status sim_enter_guest(struct vmm_cpu *cpu, enum vmm_entry_kind kind,
                                  struct vmm_guest_gprs *gprs)
{
    struct sim *s = sim_of(cpu);
    if (!s->in_vmx)
        return vmx_status(VMX_FAULT_UD, 0);
    bool mov_ss = s->mov_ss_blocking;
    s->mov_ss_blocking = false;
    bool has_vmcs = s->current != SIM_NO_VMCS;
    struct vmx_entry_input in = {
        .vmcs = has_vmcs ? &s->vmcs : NULL,
        .caps = &s->caps,
        .kind = kind,
        .launched = has_vmcs && s->current_launched,
        .current_is_shadow = has_vmcs && s->current_shadow,
        .mov_ss_blocking = mov_ss,
        .in_smm = false,  /* no SMM model */
        .host_lma = true, /* the host is 64-bit code */
        .current_vmcs_ptr = s->current,
        .vmxon_ptr = s->vmxon_ptr,
        .read_phys = read_host_phys,
        .read_opaque = s,
    };
    struct vmx_entry_verdict *v = &s->last_entry;
    if (resume_after_vmxoff(s, &in)) {
        *v = (struct vmx_entry_verdict){.outcome = VMX_ENTRY_FAIL_VALID,
                                        .error = VMXERR_VMRESUME_AFTER_VMXOFF,
                                        .check = VMX_CHECK_COUNT};
        return sim_vmfail(s, VMXERR_VMRESUME_AFTER_VMXOFF);
    }
    vmx_entry_check(&in, v);
    switch (v->outcome) {
    case VMX_ENTRY_FAIL_INVALID:
        return vmx_status(VMX_FAIL_INVALID, 0);
    case VMX_ENTRY_FAIL_VALID:
        return sim_vmfail(s, (enum vmx_insn_error)v->error);
    case VMX_ENTRY_FAIL_EXIT:
        /*
         * A VM-entry failure is reported as a VM exit: exit reason (bit 31
         * set) and qualification; no other field changes, the guest never
         * ran (gprs untouched) and the launch state stays as it was.
         */
        vmcs_set(&s->vmcs, VMCS_VM_EXIT_REASON, v->exit_reason);
        vmcs_set(&s->vmcs, VMCS_EXIT_QUALIFICATION, v->qualification);
        return vmx_succeed();
    case VMX_ENTRY_OK:
        break;
    }
    /*
     * Guest execution is not modelled here. Without an executor a VM entry
     * that passed every check is refused as #UD and changes nothing;
     * sim_last_entry() still says that every check passed.
     */
    if (!s->execute)
        return vmx_status(VMX_FAULT_UD, 0);
    struct vmx_status st = s->execute(s->execute_ctx, s, kind, gprs);
    if (st.outcome == VMX_SUCCEED && s->current != SIM_NO_VMCS &&
        !(vmcs_get(&s->vmcs, VMCS_VM_EXIT_REASON) & EXIT_REASON_ENTRY_FAILURE))
        s->current_launched = true;
    return st;
}
