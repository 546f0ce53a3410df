/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The executor: one VM entry that passed every check, run to its VM exit.
 *
 *   entry   drop stale translations; read the controls; load the guest
 *           (or refuse: VMX_FAULT_UD, nothing changed); the MSR-load list;
 *           time (preemption timer, MTF); event injection
 *   run     at each stop: events at the instruction boundary (exit or
 *           delivery), idle time in HLT, then Unicorn until the next stop
 *   exit    store the guest state, write the exit information, the MSR
 *           lists
 *
 * Time is the count of retired instructions (e->icount): the TSC, the
 * VMX-preemption timer (one tick per 2^X instructions, X from
 * IA32_VMX_MISC) and MTF all derive from it, so a run depends only on its
 * inputs.
 */
#include "engine_internal.h"

#define V(name) vmcs_get(e->vmcs, VMCS_##name)

static void read_controls(struct sim_engine *e)
{
    struct entry_ctls *c = &e->ctl;
    bool proc2 = V(CPU_BASED_VM_EXEC_CONTROL) & VMX_PROC_ACTIVATE_SECONDARY;
    *c = (struct entry_ctls){
        .pin = (uint32_t)V(PIN_BASED_VM_EXEC_CONTROL),
        .proc = (uint32_t)V(CPU_BASED_VM_EXEC_CONTROL),
        .proc2 = proc2 ? (uint32_t)V(SECONDARY_VM_EXEC_CONTROL) : 0,
        .proc3 = (V(CPU_BASED_VM_EXEC_CONTROL) & VMX_PROC_ACTIVATE_TERTIARY)
                     ? V(TERTIARY_VM_EXEC_CONTROL) : 0,
        .exit = (uint32_t)V(VM_EXIT_CONTROLS),
        .entry = (uint32_t)V(VM_ENTRY_CONTROLS),
        .exc_bitmap = (uint32_t)V(EXCEPTION_BITMAP),
        .pfec_mask = (uint32_t)V(PAGE_FAULT_ERROR_CODE_MASK),
        .pfec_match = (uint32_t)V(PAGE_FAULT_ERROR_CODE_MATCH),
        .cr0_mask = V(CR0_GUEST_HOST_MASK),
        .cr0_shadow = V(CR0_READ_SHADOW),
        .cr4_mask = V(CR4_GUEST_HOST_MASK),
        .cr4_shadow = V(CR4_READ_SHADOW),
        .cr3_target_count = (uint32_t)V(CR3_TARGET_COUNT),
        .cr3_target = {V(CR3_TARGET_VALUE0), V(CR3_TARGET_VALUE1), V(CR3_TARGET_VALUE2),
                       V(CR3_TARGET_VALUE3)},
        .tsc_offset = V(TSC_OFFSET),
        .tsc_multiplier = V(TSC_MULTIPLIER),
        .io_bitmap = {V(IO_BITMAP_A), V(IO_BITMAP_B)},
        .msr_bitmap = V(MSR_BITMAP),
        .vapic = V(VIRTUAL_APIC_PAGE_ADDR),
        .tpr_threshold = (uint32_t)V(TPR_THRESHOLD),
        .vmfunc_ctl = V(VM_FUNCTION_CONTROL),
    };
}

/*
 * Drops the code Unicorn translated from the stale pages (sim_mark_stale).
 * uc_ctl_remove_cache takes an address it translates as a fetch would:
 * with fills made the identity for the moment, a host physical address.
 * (uc_mem_write would not do: over uc_mem_map_ptr memory it drops no code
 * in Unicorn 2.1.1.) Returns whether anything was stale; the TLB then
 * holds identity entries, and the caller flushes it.
 */
static bool code_drop_stale(struct sim_engine *e)
{
    struct sim *s = e->sim;
    bool any = s->stale_all || s->nstale;
    if (s->stale_all) {
        uc_ctl_flush_tb(e->uc); /* clears the whole code buffer (tcg_region_reset_all) */
        plan_clear(&e->plan);
    } else if (s->nstale) {
        if (!e->tlb_virtual)
            uc_ctl_tlb_mode(e->uc, UC_TLB_VIRTUAL);
        e->fill_identity = true;
        uc_ctl_flush_tlb(e->uc);
        for (unsigned i = 0; i < s->nstale; i++) {
            uint64_t hpa = s->stale[i] * SIM_PAGE_SIZE;
            uc_ctl_remove_cache(e->uc, hpa, hpa + SIM_PAGE_SIZE);
        }
        e->fill_identity = false;
        if (!e->tlb_virtual)
            uc_ctl_tlb_mode(e->uc, UC_TLB_CPU);
    }
    s->nstale = 0;
    s->stale_all = false;
    return any;
}

/* Translations and translated code the host may have made stale. */
static void sync_translations(struct sim_engine *e)
{
    /* A snapshot restore defers its TLB flush to here: one with the host's writes after it. */
    bool wrote = code_drop_stale(e) || e->restored;
    e->restored = false;
    struct sim_invalidations inv = sim_invalidations(e->sim);
    if (wrote || inv.invept != e->inval.invept ||
        inv.invvpid != e->inval.invvpid) {
        uc_ctl_flush_tlb(e->uc);
        e->plan.tlb_gen++;
        e->inval = inv;
    }
}

static void setup_time(struct sim_engine *e)
{
    e->timer_on = e->ctl.pin & VMX_PIN_PREEMPTION_TIMER;
    if (e->timer_on) {
        unsigned x = e->sim->caps.preemption_timer_shift;
        uint64_t ticks = V(VMX_PREEMPTION_TIMER_VALUE);
        uint64_t tsc = e->icount;
        e->timer_expiry = ((tsc >> x) + ticks) << x;
        if (ticks == 0)
            e->timer_expiry = tsc;
    }
    e->mtf_from = e->icount;
    e->mtf_pending = false;
}

/* The earliest boundary the run must stop at by itself. */
static uint64_t next_deadline(struct sim_engine *e)
{
    uint64_t d = ~0ull;
    if (e->timer_on && e->timer_expiry < d)
        d = e->timer_expiry;
    if ((e->ctl.proc & VMX_PROC_MONITOR_TRAP_FLAG) && e->mtf_from + 1 < d)
        d = e->mtf_from + 1;
    if (ev_waiting(e) && e->shadow_at == e->icount && e->icount + 1 < d)
        d = e->icount + 1; /* blocking by STI / MOV SS ends after one instruction */
    if (d <= e->icount)
        d = e->icount + 1;
    return d;
}

/*
 * HLT with nothing to wake it now: time passes. The preemption timer ends
 * it exactly; otherwise the host's timer interrupt arrives after the idle
 * quantum. A guest that interrupt cannot reach (IF = 0 and no
 * external-interrupt exiting) and no NMI can wake is hung.
 */
static void idle(struct sim_engine *e)
{
    if (e->timer_on) {
        if (e->timer_expiry > e->icount)
            e->icount = e->timer_expiry;
        return;
    }
    bool reachable = (e->ctl.pin & VMX_PIN_EXT_INTR_EXITING) ||
                     (eng_reg(e, UC_X86_REG_RFLAGS) & (1u << 9));
    if (!reachable) {
        e->status = (struct sim_engine_status){
            .refusal = SIM_ENGINE_HUNG,
            .what = "HLT with RFLAGS.IF = 0, no external-interrupt exiting and no NMI"};
        return;
    }
    e->icount += e->cfg.idle_quantum;
    sim_engine_raise_interrupt(e, e->cfg.host_timer_vector < 16 ? 0xef : e->cfg.host_timer_vector);
}

static void run(struct sim_engine *e)
{
    uint64_t stuck_rip = NO_ADDR, stuck_icount = 0;
    for (;;) {
        if (e->exit_ready || e->status.refusal != SIM_ENGINE_RAN)
            return;
        if (ev_boundary(e))
            continue;
        if (e->halted) {
            idle(e);
            continue;
        }
        e->deadline = next_deadline(e);
        e->stop = STOP_NONE;
        uint64_t rip = eng_reg(e, UC_X86_REG_RIP);
        uint64_t before = e->icount;
        uc_err err = uc_emu_start(e->uc, rip, 0, 0, 0);
        e->deadline = ~0ull;
        if (e->unread_stop) { /* on_block: code the model cannot read; Unicorn walks again */
            e->unread_stop = false;
            uc_ctl_flush_tlb(e->uc);
            e->plan.tlb_gen++;
        }
        if (err == UC_ERR_EXCEPTION && e->stop == STOP_NONE && e->fill_type >= 0) {
            xlat_fill_refused(e); /* a refused TLB fill: #PF, #GP or an EPT exit */
            continue;
        }
        if (err != UC_ERR_OK && e->stop == STOP_NONE) {
            e->status = (struct sim_engine_status){.refusal = SIM_ENGINE_FAILED,
                                                   .what = uc_strerror(err), .value = rip};
            return;
        }
        switch (e->stop) {
        case STOP_EVENT:
            ev_raise(e, &e->stop_event);
            break;
        case STOP_HALT:
            e->halted = true;
            break;
        case STOP_SYSCALL:
            insn_syscall(e, e->syscall_len);
            break;
        case STOP_NONE:
            /* Unicorn ended the run by itself; it must not do so twice in place. */
            if (rip == stuck_rip && e->icount == stuck_icount && e->icount == before) {
                e->status = (struct sim_engine_status){
                    .refusal = SIM_ENGINE_FAILED, .what = "Unicorn stops without progress",
                    .value = rip};
                return;
            }
            stuck_rip = rip;
            stuck_icount = e->icount;
            break;
        case STOP_EXIT:
        case STOP_BOUNDARY:
        case STOP_FAILED:
            break;
        }
    }
}

struct vmx_status eng_execute(void *ctx, struct sim *sim, enum vmm_entry_kind kind,
                              struct vmm_guest_gprs *gprs)
{
    struct sim_engine *e = ctx;
    e->vmcs = sim_vmcs(sim);
    e->status = (struct sim_engine_status){0};
    if (!e->vmcs || !gprs)
        return vmx_status(VMX_FAULT_UD, 0);
    read_controls(e);
    sync_translations(e);
    if (!xlat_entry(e) || !state_load(e, kind, gprs))
        return vmx_status(VMX_FAULT_UD, 0);
    state_entry_msrs(e);
    e->exit = (struct exit_record){0};
    e->exit_ready = false;
    e->delivering_valid = false;
    setup_time(e);
    inject_on_entry(e);
    run(e);
    state_store(e, gprs);
    if (e->status.refusal != SIM_ENGINE_RAN) {
        /* It ran and stopped where the model cannot go on: no exit to report. */
        e->loaded = false;
        return vmx_status(VMX_FAULT_UD, 0);
    }
    exit_write(e);
    state_exit_msrs(e);
    return vmx_succeed();
}
