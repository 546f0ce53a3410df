/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The run loop: enter, read the exit, dispatch through the handler table,
 * repeat within a budget. Every way out that is not a handler's request or
 * the budget leaves a state dump.
 */
#include "vmm/events.h"
#include "vmm/textbuf.h"
#include "vmm/vcpu.h"

const char *vmm_stop_name(enum vmm_stop stop)
{
    switch (stop) {
    case VMM_STOP_NONE: return "not run";
    case VMM_STOP_HANDLER: return "stopped by a handler";
    case VMM_STOP_BUDGET: return "exit budget used up";
    case VMM_STOP_ENTRY_FAILURE: return "VM-entry failure";
    case VMM_STOP_VMFAIL: return "VMLAUNCH/VMRESUME failed";
    case VMM_STOP_UNKNOWN_EXIT: return "exit without a handler";
    case VMM_STOP_UNHANDLED: return "exit not handled";
    case VMM_STOP_FATAL: return "guest cannot continue";
    case VMM_STOP_ERROR: return "backend operation failed";
    }
    return "?";
}

static int stop(struct vmm_vcpu *v, enum vmm_stop why, bool dump)
{
    v->stop = why;
    if (dump) {
        struct vmm_textbuf tb;
        tb_init(&tb, v->dump, sizeof v->dump);
        vmm_vcpu_dump(v, &tb);
    }
    return (int)why;
}

static int stop_for(struct vmm_vcpu *v, enum vmm_exit_action action)
{
    switch (action) {
    case VMM_EXIT_STOP: return stop(v, VMM_STOP_HANDLER, false);
    case VMM_EXIT_UNHANDLED: return stop(v, VMM_STOP_UNHANDLED, true);
    case VMM_EXIT_FATAL: return stop(v, VMM_STOP_FATAL, true);
    case VMM_EXIT_ERROR: return stop(v, VMM_STOP_ERROR, true);
    case VMM_EXIT_RESUME: break;
    }
    v->note = "handler returned an unknown action";
    return stop(v, VMM_STOP_ERROR, true);
}

int vmm_vcpu_run(struct vmm_vcpu *v, uint64_t max_exits)
{
    if (!v || !v->cpu || !v->cpu->ops)
        return VMM_E_INVAL;
    v->stop = VMM_STOP_NONE;
    v->error = VMM_OK;
    v->note = 0;
    v->dump[0] = '\0';

    for (uint64_t handled = 0; handled < max_exits; handled++) {
        enum vmm_entry_kind kind = v->launched ? VMM_RESUME : VMM_LAUNCH;
        v->stats.entries++;
        v->entry_status = v->cpu->ops->enter_guest(v->cpu, kind, &v->gprs);
        if (v->entry_status.outcome != VMX_SUCCEED) {
            v->stats.vmfails++;
            return stop(v, VMM_STOP_VMFAIL, true);
        }

        int rc = vmm_exit_read(v->cpu, &v->exit);
        if (rc != VMM_OK) {
            vmm_vcpu_fail(v, rc, "reading the exit information failed");
            return stop(v, VMM_STOP_ERROR, true);
        }
        const struct vmm_exit *e = &v->exit;
        /* A VM exit (not an entry failure) leaves the VMCS launched. */
        if (!e->entry_failure)
            v->launched = true;
        if (e->reason >= VMX_EXIT_REASON_COUNT) {
            v->stats.unknown_reasons++;
            v->note = "exit reason above 85";
            return stop(v, VMM_STOP_UNKNOWN_EXIT, true);
        }
        v->stats.exits[e->reason]++;
        if (e->entry_failure) {
            /* The launch state is unchanged: a failed VMLAUNCH launches again. */
            v->stats.entry_failures++;
            return stop(v, VMM_STOP_ENTRY_FAILURE, true);
        }

        const struct vmm_exit_binding *b = &v->handler[e->reason];
        if (!b->fn) {
            v->note = "no handler bound to this exit reason";
            return stop(v, VMM_STOP_UNKNOWN_EXIT, true);
        }
        /* Event state the exit interrupted comes back first; a handler's
         * fault then combines with a re-injected event. */
        rc = vmm_event_reinject(v->cpu, e);
        if (rc < 0) {
            vmm_vcpu_fail(v, rc, "re-injecting the interrupted event failed");
            return stop(v, VMM_STOP_ERROR, true);
        }
        v->stats.reinjections += (uint64_t)rc;
        rc = vmm_event_restore_nmi_blocking(v->cpu, e);
        if (rc < 0) {
            vmm_vcpu_fail(v, rc, "restoring NMI blocking after IRET failed");
            return stop(v, VMM_STOP_ERROR, true);
        }

        enum vmm_exit_action action = b->fn(v, e, b->ctx);
        if (action != VMM_EXIT_RESUME)
            return stop_for(v, action);
    }
    return stop(v, VMM_STOP_BUDGET, false);
}
