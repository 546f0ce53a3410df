/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest execution for the simulated backend: the executor that runs the
 * guest of the current VMCS on Unicorn 2.1.1 after a VM entry passed every
 * check, until a VM exit (README.md "Guest execution", EXITS.md).
 *
 *   struct sim *sim;  sim_create(&cfg, &sim);
 *   struct sim_engine *eng;  sim_engine_create(sim, NULL, &eng);
 *   ... VMXON, VMCS, VMLAUNCH through sim_cpu(sim) ...
 *   sim_engine_destroy(eng);  sim_destroy(sim);
 *
 * One engine per sim, reused across entries. It installs itself as the
 * sim's executor. The model, not Unicorn, owns every system-level
 * decision: which instructions exit (a block pre-scan plants exact stops on
 * sensitive instructions), event delivery through the guest IDT, time
 * (the TSC and the VMX-preemption timer count retired instructions, so
 * runs are deterministic), interrupt windows and blocking.
 *
 * What the engine cannot represent makes VM entry fail clearly: the
 * VMLAUNCH/VMRESUME returns VMX_FAULT_UD, changes nothing (VMCS, launch
 * state, gprs), and sim_engine_last() says why. The supported set (real
 * mode, 16- and 32-bit protected mode with or without paging, PAE,
 * virtual-8086, compatibility and 64-bit mode, with or without EPT) and
 * what is refused are in README.md.
 */
#ifndef VMM_SIMBACKEND_ENGINE_H
#define VMM_SIMBACKEND_ENGINE_H

#include "sim.h"

struct sim_engine;

struct sim_engine_config {
    /*
     * Instructions of time an idle guest (HLT with nothing that can wake
     * it) lets pass before the host's timer interrupt arrives, as a real
     * host's would. 0 means the default, 1 << 20.
     */
    uint64_t idle_quantum;
    /* Vector of that host timer interrupt (an external interrupt). */
    uint8_t host_timer_vector;
    /* Bytes of Unicorn's translated-code buffer (VmSize); 0: 8 MiB. */
    uint64_t tcg_buffer_size;
};

/* idle_quantum 1 << 20, host timer vector 0xEF, 8 MiB code buffer. */
struct sim_engine_config sim_engine_config_default(void);

/*
 * Creates the engine for `sim` (cfg NULL: the defaults) and makes it the
 * sim's executor. It maps the sim's host memory into Unicorn at address 0
 * (guest-physical = host-physical without EPT, as on hardware; with EPT the
 * core's walkers translate) and runs the self-test of the Unicorn internals
 * it relies on (sim_engine_selftest). VMM_E_UNSUPPORTED when the linked
 * Unicorn is not 2.1.1 or the self-test fails, VMM_E_NOMEM when Unicorn
 * cannot be had, VMM_E_STATE when the sim already has an executor,
 * VMM_E_INVAL for NULL arguments.
 */
int sim_engine_create(struct sim *sim, const struct sim_engine_config *cfg,
                      struct sim_engine **out);

/* Removes the engine from its sim and frees it. Call before sim_destroy. NULL is allowed. */
void sim_engine_destroy(struct sim_engine *e);

/* Why an entry that passed the checks did not run (or stopped without an exit). */
enum sim_engine_refusal {
    SIM_ENGINE_RAN = 0,        /* the last entry ran and exited normally */
    SIM_ENGINE_MODE,           /* a processor mode the engine does not run (virtual-8086 with
                                  CR4.VME/PVI) */
    SIM_ENGINE_EPT,            /* an EPT pointer the EPT walker refuses */
    SIM_ENGINE_CONTROL,        /* a VM-execution control whose behaviour is not modelled */
    SIM_ENGINE_DEBUG,          /* armed DR7 breakpoints, pending debug exceptions */
    SIM_ENGINE_ACTIVITY,       /* activity state shutdown or wait-for-SIPI */
    SIM_ENGINE_REGISTER,       /* a register value Unicorn does not hold (read back differs) */
    SIM_ENGINE_HUNG,           /* the guest can never wake up (ran, stopped) */
    SIM_ENGINE_FAILED,         /* Unicorn stopped with an error, or the guest met something
                                  the model does not do (ran, stopped; `what` says which) */
};

struct sim_engine_status {
    enum sim_engine_refusal refusal;
    const char *what;  /* which field, control or condition, in words */
    uint64_t value;    /* the value that could not be represented, where one applies */
};

/*
 * The outcome of the last entry the executor handled. For the last two
 * refusals the guest did run: its state up to the stop is stored in the
 * VMCS and gprs, no exit information is written, and the instruction still
 * returns VMX_FAULT_UD.
 */
const struct sim_engine_status *sim_engine_last(const struct sim_engine *e);

/*
 * Makes external interrupt `vector` (16-255) pending at the processor, as
 * an interrupt controller would: it causes a VM exit (external-interrupt
 * exiting) or is delivered through the guest's IDT when RFLAGS.IF allows.
 * Several may be pending; the highest vector goes first. VMM_E_INVAL for a
 * vector below 16.
 */
int sim_engine_raise_interrupt(struct sim_engine *e, uint8_t vector);

/*
 * The host handles an interrupt it left pending (an external-interrupt
 * exit without "acknowledge interrupt on exit"): the highest pending vector
 * is acknowledged and returned, or -1 when none is pending.
 */
int sim_engine_ack_interrupt(struct sim_engine *e);

/* Makes an NMI pending (NMI exiting, or delivery through the guest IDT). */
void sim_engine_raise_nmi(struct sim_engine *e);

/*
 * The processor's time stamp counter: guest instructions retired so far
 * (plus idle time skipped). Deterministic for a given sequence of entries.
 */
uint64_t sim_engine_tsc(const struct sim_engine *e);

/*
 * The Unicorn self-test sim_engine_create runs: the version and context
 * size, the private offsets of the error code and of old_exception (three
 * #PFs must read 0, 2 and 3 with 14 as the old exception, and after the
 * reset the next #PF must arrive as 14, not as #DF). Exposed for tests;
 * VMM_OK or VMM_E_UNSUPPORTED with *why set.
 */
int sim_engine_selftest(const char **why);

#endif /* VMM_SIMBACKEND_ENGINE_H */
