/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The engine's life cycle and its Unicorn hooks. One Unicorn instance per
 * sim, opened in 64-bit mode (it runs every mode: segcache.c), Skylake-client
 * CPU model (Intel vendor, SMEP/SMAP, FSGSBASE, XSAVE), the sim's host
 * memory mapped at GPA 0 and the rest of
 * the physical-address space answering all ones (as a bus with nothing on
 * it). The hooks:
 *   block  the pre-scan (prescan.c) of the block about to run;
 *   fill   with EPT on (UC_TLB_VIRTUAL), every page's translation (translate.c);
 *   code   every instruction: counts it (the TSC), stops at deadlines, and
 *          hands planted instructions to the model (insn.c);
 *   intr   every exception Unicorn raises: error code, old_exception reset;
 *   insn   IN/OUT that do not exit; CPUID/SYSCALL, which the pre-scan
 *          always catches first (reaching the hook is an engine failure).
 */
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

struct sim_engine_config sim_engine_config_default(void)
{
    return (struct sim_engine_config){
        .idle_quantum = 1ull << 20,
        .host_timer_vector = 0xef,
        .tcg_buffer_size = 8ull << 20,
    };
}

/* ---- shared helpers ---- */

int eng_gpr_reg(unsigned n)
{
    static const int regs[16] = {
        UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX,
        UC_X86_REG_RSP, UC_X86_REG_RBP, UC_X86_REG_RSI, UC_X86_REG_RDI,
        UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
        UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
    };
    return regs[n & 15];
}

uint64_t eng_gpr(struct sim_engine *e, unsigned n)
{
    return eng_reg(e, eng_gpr_reg(n));
}

void eng_set_gpr(struct sim_engine *e, unsigned n, uint64_t v)
{
    eng_set(e, eng_gpr_reg(n), v);
}

/*
 * CPL is SS.DPL; in protected mode outside virtual-8086 mode it is also
 * CS.RPL, which one register read gives (the hook paths need it cheaply).
 */
unsigned eng_cpl(struct sim_engine *e)
{
    if (!(eng_reg(e, UC_X86_REG_CR0) & 1))
        return 0;
    if (eng_reg(e, UC_X86_REG_RFLAGS) & (1u << 17))
        return 3;
    return (unsigned)eng_reg(e, UC_X86_REG_CS) & 3;
}

void eng_stop(struct sim_engine *e, enum stop_kind kind)
{
    e->stop = kind;
    uc_emu_stop(e->uc);
}

void eng_fail(struct sim_engine *e, enum sim_engine_refusal why, const char *what, uint64_t value)
{
    e->status = (struct sim_engine_status){.refusal = why, .what = what, .value = value};
    eng_stop(e, STOP_FAILED);
}

uint64_t eng_guest_tsc(const struct sim_engine *e)
{
    uint64_t tsc = e->icount + e->tsc_adjust;
    if (!(e->ctl.proc & VMX_PROC_USE_TSC_OFFSETTING))
        return tsc;
    if ((e->ctl.proc & VMX_PROC_ACTIVATE_SECONDARY) && (e->ctl.proc2 & VMX_PROC2_USE_TSC_SCALING))
        tsc = (uint64_t)(((unsigned __int128)tsc * e->ctl.tsc_multiplier) >> 48);
    return tsc + e->ctl.tsc_offset;
}

/* ---- hooks ---- */

static void set_cursor(struct sim_engine *e, const struct plan_block *b, uint64_t end)
{
    e->cur_block_end = end;
    if (b && b->count) {
        e->cur_next = b->first;
        e->cur_end = b->first + b->count;
        e->cur_next_addr = e->plan.insns[b->first].addr;
    } else {
        e->cur_next_addr = NO_ADDR;
    }
}

static void on_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    (void)uc;
    struct sim_engine *e = user;
    if (e->mode_stale)
        seg_refresh_mode(e); /* a far transfer, MOV CR0, IRET ... may have changed the code size */
    const struct plan_block *b = plan_block_for(e, addr, size);
    if (!b && !(e->unread_rip == addr && e->unread_icount == e->icount)) {
        /*
         * The model cannot read code Unicorn fetched: through a TLB entry
         * the guest's own tables no longer back (it rewrote them), Unicorn
         * would run it unseen (a MOV CR0 that never exits). Stop before the
         * block; the run loop flushes the TLB, so that Unicorn walks the
         * tables again and faults as the model would (found by
         * //fuzz:exit_handlers). Once per place: a block the model cannot
         * read for another reason runs as before.
         */
        e->unread_rip = addr;
        e->unread_icount = e->icount;
        e->unread_stop = true;
        e->deadline = e->icount;
    }
    set_cursor(e, b, addr + size);
}

/* The instruction at `addr` retires unless it faults (on_intr takes it back). */
static void count(struct sim_engine *e, uint64_t addr)
{
    e->icount++;
    e->counted_addr = addr;
    e->counted_icount = e->icount;
}

static void on_code(uc_engine *uc, uint64_t addr, uint32_t size, void *user)
{
    (void)uc;
    struct sim_engine *e = user;
    if (e->icount >= e->deadline) {
        eng_stop(e, STOP_BOUNDARY);
        return;
    }
    if (addr != e->cur_next_addr) {
        count(e, addr);
        return;
    }
    const struct insn in = e->plan.insns[e->cur_next];
    if (++e->cur_next < e->cur_end)
        e->cur_next_addr = e->plan.insns[e->cur_next].addr;
    else
        e->cur_next_addr = NO_ADDR;
    if (in.kind == INSN_NONE) {
        /* Capstone could not decode it; Unicorn did: resume the scan after it. */
        count(e, addr);
        uint64_t next = addr + size, end = e->cur_block_end;
        if (size && next < end)
            set_cursor(e, plan_block_for(e, next, (uint32_t)(end - next)), end);
        return;
    }
    if (insn_handle(e, &in) == ACT_EXECUTE)
        count(e, addr);
}

static void on_intr(uc_engine *uc, uint32_t intno, void *user)
{
    struct sim_engine *e = user;
    uint32_t code = eng_take_error_code(uc, e->ctx);
    if (intno == VMX_VEC_DB) {
        /* A single-step trap (TF): the instruction retired; RIP is past it. */
        e->stop_event = (struct event){.type = VMX_EVENT_HW_EXCEPTION, .vector = 1,
                                       .dr6 = 1ull << 14};
        eng_stop(e, STOP_EVENT);
        return;
    }
    if (intno >= 32) {
        eng_fail(e, SIM_ENGINE_FAILED, "Unicorn delivered a software interrupt the pre-scan missed",
                 intno);
        return;
    }
    /*
     * A fault: the instruction did not retire. Its code hook counted it,
     * unless the fault is the fetch of an instruction no hook saw yet (a
     * jump or IRET to an absent page: the jump retired): RIP is then
     * elsewhere, or another instruction was counted since.
     */
    if (e->icount == e->counted_icount &&
        seg_linear(e, SEG_CS, eng_reg(e, UC_X86_REG_RIP)) == e->counted_addr)
        e->icount--;
    e->stop_event = (struct event){
        .type = VMX_EVENT_HW_EXCEPTION,
        .vector = (uint8_t)intno,
        .has_error = eng_has_error_code(intno),
        .error = code,
        .raised_fault = true,
    };
    if (intno == VMX_VEC_PF)
        e->stop_event.cr2 = eng_reg(e, UC_X86_REG_CR2);
    eng_stop(e, STOP_EVENT);
}

static bool on_invalid(uc_engine *uc, void *user)
{
    (void)uc;
    (void)user;
    return true; /* Unicorn then raises #UD, which on_intr takes */
}

static int on_cpuid(uc_engine *uc, void *user)
{
    (void)uc;
    eng_fail(user, SIM_ENGINE_FAILED, "CPUID reached Unicorn (the pre-scan missed it)", 0);
    return 1;
}

static void on_syscall(uc_engine *uc, void *user)
{
    (void)uc;
    eng_fail(user, SIM_ENGINE_FAILED, "SYSCALL reached Unicorn (the pre-scan missed it)", 0);
}

/* ---- life cycle ---- */

static int add_hooks(struct sim_engine *e)
{
    uc_hook h;
    uc_engine *uc = e->uc;
    int err = 0;
    err |= uc_hook_add(uc, &h, UC_HOOK_BLOCK, (void *)on_block, e, 1, 0);
    err |= uc_hook_add(uc, &h, UC_HOOK_CODE, (void *)on_code, e, 1, 0);
    err |= uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)on_intr, e, 1, 0);
    err |= uc_hook_add(uc, &h, UC_HOOK_INSN_INVALID, (void *)on_invalid, e, 1, 0);
    err |= uc_hook_add(uc, &h, UC_HOOK_TLB_FILL, (void *)xlat_fill, e, 1, 0);
    err |= uc_hook_add(uc, &h, UC_HOOK_INSN, (void *)io_in_hook, e, 1, 0, UC_X86_INS_IN);
    err |= uc_hook_add(uc, &h, UC_HOOK_INSN, (void *)io_out_hook, e, 1, 0, UC_X86_INS_OUT);
    err |= uc_hook_add(uc, &h, UC_HOOK_INSN, (void *)on_cpuid, e, 1, 0, UC_X86_INS_CPUID);
    err |= uc_hook_add(uc, &h, UC_HOOK_INSN, (void *)on_syscall, e, 1, 0, UC_X86_INS_SYSCALL);
    return err ? VMM_E_UNSUPPORTED : VMM_OK;
}

/* Reads all ones, ignores writes: physical addresses where nothing is mapped. */
static uint64_t bus_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    (void)uc, (void)off, (void)user;
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static void bus_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *user)
{
    (void)uc, (void)off, (void)size, (void)v, (void)user;
}

static int map_memory(struct sim_engine *e)
{
    uint64_t size = sim_host_mem_size(e->sim);
    if (uc_mem_map_ptr(e->uc, 0, size, UC_PROT_ALL, sim_host_mem(e->sim)) != UC_ERR_OK)
        return VMM_E_NOMEM;
    uint64_t top = 1ull << e->sim->caps.phys_addr_width;
    if (top > size &&
        uc_mmio_map(e->uc, size, top - size, bus_read, NULL, bus_write, NULL) != UC_ERR_OK)
        return VMM_E_NOMEM;
    return VMM_OK;
}

static int open_unicorn(struct sim_engine *e)
{
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &e->uc) != UC_ERR_OK)
        return VMM_E_NOMEM;
    /* Both must precede Unicorn's lazy initialisation (the first map or context). */
    if (uc_ctl_set_cpu_model(e->uc, UC_CPU_X86_SKYLAKE_CLIENT) != UC_ERR_OK ||
        uc_ctl_set_tcg_buffer_size(e->uc, (uint32_t)e->cfg.tcg_buffer_size) != UC_ERR_OK)
        return VMM_E_UNSUPPORTED;
    if (uc_context_alloc(e->uc, &e->ctx) != UC_ERR_OK)
        return VMM_E_NOMEM;
    const char *why;
    if (eng_selftest(e->uc, &why) != VMM_OK)
        return VMM_E_UNSUPPORTED;
    /* No address ends a run by itself (the `until` argument is not used). */
    if (uc_ctl_exits_enable(e->uc) != UC_ERR_OK)
        return VMM_E_UNSUPPORTED;
    return VMM_OK;
}

int sim_engine_create(struct sim *sim, const struct sim_engine_config *cfg,
                      struct sim_engine **out)
{
    if (!sim || !out)
        return VMM_E_INVAL;
    if (sim_executor(sim))
        return VMM_E_STATE;
    struct sim_engine *e = calloc(1, sizeof *e);
    if (!e)
        return VMM_E_NOMEM;
    e->sim = sim;
    e->cfg = cfg ? *cfg : sim_engine_config_default();
    struct sim_engine_config def = sim_engine_config_default();
    if (!e->cfg.idle_quantum)
        e->cfg.idle_quantum = def.idle_quantum;
    if (!e->cfg.tcg_buffer_size)
        e->cfg.tcg_buffer_size = def.tcg_buffer_size;
    e->rng = 0x2545f4914f6cdd1dull;
    e->dr[6] = 0xffff0ff0;
    e->dr[7] = 0x400;
    e->deadline = ~0ull;
    e->shadow_at = ~0ull;
    int rc = open_unicorn(e);
    if (rc == VMM_OK)
        rc = map_memory(e);
    if (rc == VMM_OK)
        rc = add_hooks(e);
    static const cs_mode modes[3] = {CS_MODE_16, CS_MODE_32, CS_MODE_64};
    for (unsigned i = 0; i < 3 && rc == VMM_OK; i++) {
        if (cs_open(CS_ARCH_X86, modes[i], &e->cs_by_size[i]) != CS_ERR_OK)
            rc = VMM_E_NOMEM;
        else if (cs_option(e->cs_by_size[i], CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK)
            rc = VMM_E_UNSUPPORTED;
    }
    e->code_bytes = 8;
    e->cs = e->cs_by_size[2];
    if (rc == VMM_OK)
        rc = plan_init(&e->plan);
    if (rc != VMM_OK) {
        sim_engine_destroy(e);
        return rc;
    }
    e->inval = sim_invalidations(sim);
    sim_set_executor(sim, eng_execute, e);
    *out = e;
    return VMM_OK;
}

void sim_engine_destroy(struct sim_engine *e)
{
    if (!e)
        return;
    if (e->sim && sim_executor(e->sim) == eng_execute)
        sim_set_executor(e->sim, NULL, NULL);
    plan_fini(&e->plan);
    for (unsigned i = 0; i < 3; i++)
        if (e->cs_by_size[i])
            cs_close(&e->cs_by_size[i]);
    if (e->ctx)
        uc_context_free(e->ctx);
    if (e->uc)
        uc_close(e->uc);
    free(e);
}

/* ---- public API ---- */

const struct sim_engine_status *sim_engine_last(const struct sim_engine *e)
{
    return &e->status;
}

int sim_engine_raise_interrupt(struct sim_engine *e, uint8_t vector)
{
    if (vector < 16)
        return VMM_E_INVAL;
    e->irr[vector / 64] |= 1ull << (vector % 64);
    return VMM_OK;
}

int sim_engine_ack_interrupt(struct sim_engine *e)
{
    int v = ev_pending_vector(e);
    if (v >= 0)
        e->irr[v / 64] &= ~(1ull << (v % 64));
    return v;
}

void sim_engine_raise_nmi(struct sim_engine *e)
{
    e->nmi_pending = true;
}

uint64_t sim_engine_tsc(const struct sim_engine *e)
{
    return e->icount + e->tsc_adjust;
}
