/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vCPU: one guest processor run through the seam. It owns the guest
 * registers the VMCS does not hold, the launch state of its VMCS, one
 * table of exit handlers indexed by basic exit reason, exit statistics
 * and the dump of the last abnormal stop.
 *
 * The run loop (vmm_vcpu_run) enters the guest (VMLAUNCH first, VMRESUME
 * after), reads the exit record, re-injects an event whose delivery the
 * exit interrupted, and calls the handler bound to the reason. It stops
 * when a handler asks to, when the exit budget is used up, and, with a
 * state dump, on VM-entry failures, VMfailValid/VMfailInvalid, exits
 * without a handler, exits a handler cannot handle, a dead guest or a
 * failed seam operation. It never loops without a bound.
 *
 * Timing: the seam offers no clock, so the vCPU counts exits only; a
 * caller that wants time measures around vmm_vcpu_run.
 */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include "vmm/cpu.h"
#include "vmm/exits.h"

struct vmm_textbuf;
struct vmm_vcpu;

/* What a handler tells the run loop. */
enum vmm_exit_action {
    VMM_EXIT_RESUME,    /* handled: enter the guest again */
    VMM_EXIT_STOP,      /* handled: return to the caller (policy or guest request) */
    VMM_EXIT_UNHANDLED, /* cannot be handled (yet): stop with a dump */
    VMM_EXIT_FATAL,     /* the guest cannot continue (triple fault): stop with a dump */
    VMM_EXIT_ERROR,     /* a seam operation failed (vcpu->error): stop with a dump */
};

/*
 * A handler for one exit reason. `exit` is the record just read (also
 * vcpu->exit); `ctx` is what was bound with it. A handler that emulates an
 * instruction advances RIP itself (vmm_vcpu_skip_instruction); one that
 * injects a fault does not.
 */
typedef enum vmm_exit_action (*vmm_exit_handler_fn)(struct vmm_vcpu *vcpu,
                                                    const struct vmm_exit *exit, void *ctx);

struct vmm_exit_binding {
    vmm_exit_handler_fn fn; /* NULL: the reason stops the loop as unknown */
    void *ctx;
};

/* Why vmm_vcpu_run returned. */
enum vmm_stop {
    VMM_STOP_NONE,          /* not run yet */
    VMM_STOP_HANDLER,       /* a handler asked to return (HLT policy, exit hypercall, ...) */
    VMM_STOP_BUDGET,        /* max_exits exits were handled */
    VMM_STOP_ENTRY_FAILURE, /* VM-entry failure (exit reason bit 31) */
    VMM_STOP_VMFAIL,        /* VMLAUNCH/VMRESUME failed (vcpu->entry_status) */
    VMM_STOP_UNKNOWN_EXIT,  /* a reason above 85, or one without a handler */
    VMM_STOP_UNHANDLED,     /* the handler could not handle the exit */
    VMM_STOP_FATAL,         /* the guest cannot continue */
    VMM_STOP_ERROR,         /* a seam operation failed (vcpu->error) */
};

/* "budget used up", ... */
const char *vmm_stop_name(enum vmm_stop stop);

struct vmm_vcpu_stats {
    uint64_t exits[VMX_EXIT_REASON_COUNT]; /* per basic reason, entry failures included */
    uint64_t unknown_reasons;              /* exits with a reason above 85 */
    uint64_t entries;                      /* VMLAUNCH/VMRESUME attempts */
    uint64_t vmfails;                      /* of which VMfailInvalid/VMfailValid */
    uint64_t entry_failures;               /* exits with bit 31 set */
    uint64_t reinjections;                 /* events re-injected after an exit */
};

#define VMM_VCPU_DUMP_SIZE 8192

struct vmm_vcpu {
    struct vmm_cpu *cpu;
    struct vmm_guest_gprs gprs;  /* the guest's registers outside the VMCS */
    bool launched;               /* the VMCS is launched: the next entry is VMRESUME */
    struct vmm_exit_binding handler[VMX_EXIT_REASON_COUNT];
    struct vmm_exit exit;        /* the last exit read */
    struct vmm_vcpu_stats stats;

    /* Set when vmm_vcpu_run returns. */
    enum vmm_stop stop;
    struct vmx_status entry_status; /* outcome of the last VMLAUNCH/VMRESUME */
    int error;                      /* VMM_STOP_ERROR: the vmm_err */
    const char *note;               /* why a handler stopped (static text), or NULL */
    char dump[VMM_VCPU_DUMP_SIZE];  /* state dump of an abnormal stop, "" otherwise */
};

/* A vCPU on backend `cpu` with no handlers bound and a clear VMCS assumed. */
void vmm_vcpu_init(struct vmm_vcpu *vcpu, struct vmm_cpu *cpu);

/* Binds `fn`/`ctx` to basic reason `reason`; VMM_E_RANGE above 85. */
int vmm_vcpu_bind(struct vmm_vcpu *vcpu, uint32_t reason, vmm_exit_handler_fn fn, void *ctx);

/* After a VMCLEAR: the next entry is VMLAUNCH again. */
void vmm_vcpu_mark_clear(struct vmm_vcpu *vcpu);

/*
 * Runs the guest until a stop (see above), handling at most `max_exits`
 * exits (0: return VMM_STOP_BUDGET without entering). Returns the enum
 * vmm_stop (also in vcpu->stop), or VMM_E_INVAL for a vCPU without a
 * backend. Abnormal stops leave a dump in vcpu->dump.
 */
int vmm_vcpu_run(struct vmm_vcpu *vcpu, uint64_t max_exits);

/* ---- for handlers ---- */

/*
 * General-purpose register `index` in the SDM's encoding (0 RAX, 1 RCX,
 * 2 RDX, 3 RBX, 4 RSP, 5 RBP, 6 RSI, 7 RDI, 8-15 R8-R15); RSP lives in the
 * VMCS. VMM_E_INVAL for an index above 15.
 */
int vmm_vcpu_get_gpr(struct vmm_vcpu *vcpu, unsigned index, uint64_t *value);
int vmm_vcpu_set_gpr(struct vmm_vcpu *vcpu, unsigned index, uint64_t value);

/* Whether the guest runs in 64-bit mode: IA-32e mode guest and CS.L = 1. */
int vmm_vcpu_in_64bit_mode(struct vmm_vcpu *vcpu, bool *is64);

/* The guest's current privilege level (SS.DPL). */
int vmm_vcpu_cpl(struct vmm_vcpu *vcpu, unsigned *cpl);

/*
 * Completes an emulated instruction as the processor would have: advances
 * RIP by the exit's instruction length (wrapping at the code size: 16, 32
 * or 64 bits), clears blocking by STI and by MOV SS in the interruptibility
 * state, and when RFLAGS.TF = 1 (and IA32_DEBUGCTL.BTF = 0) sets BS in the
 * pending debug exceptions so the single-step #DB is delivered after it.
 * VMM_E_STATE when the exit reported no instruction length.
 */
int vmm_vcpu_skip_instruction(struct vmm_vcpu *vcpu);

/*
 * Injects hardware exception `vector` (see vmm_inject_exception) and says
 * what the run loop should do: RESUME, FATAL for a triple fault, ERROR if
 * the VMCS could not be written.
 */
enum vmm_exit_action vmm_vcpu_raise(struct vmm_vcpu *vcpu, uint8_t vector, uint32_t error_code);

/* Handler shorthands that record why the loop stops. */
enum vmm_exit_action vmm_vcpu_unhandled(struct vmm_vcpu *vcpu, const char *note);
enum vmm_exit_action vmm_vcpu_fatal(struct vmm_vcpu *vcpu, const char *note);
enum vmm_exit_action vmm_vcpu_fail(struct vmm_vcpu *vcpu, int err, const char *note);

/* ---- reports ---- */

/*
 * Appends the state dump: stop reason and note, the entry outcome, the
 * last exit described, the guest's registers and the VMCS fields that
 * matter when a guest stops (RIP, RSP, RFLAGS, control registers and their
 * shadows, EFER, CS/SS, interruptibility, activity, pending debug
 * exceptions, the pending injection, execution and entry/exit controls,
 * VM-instruction error), one "NAME (0xENC) = 0xVALUE" line each as
 * vmcs_image_dump writes them; fields that cannot be read say so.
 */
void vmm_vcpu_dump(struct vmm_vcpu *vcpu, struct vmm_textbuf *tb);

/* Appends one "NAME count" line per exit reason seen, then the totals. */
void vmm_vcpu_stats_dump(const struct vmm_vcpu *vcpu, struct vmm_textbuf *tb);

#endif /* VMM_VCPU_H */
