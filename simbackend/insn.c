/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the model does at each instruction the pre-scan planted, under the
 * controls of the current entry (SDM Vol. 3C "Instructions That Cause VM
 * Exits", "Changes to Instruction Behavior in VMX Non-Root Operation"):
 * exit, emulate (where Unicorn's own behaviour is wrong or absent: TSC, MSRs,
 * CR8, debug registers, shadowed CR0/CR4, RDRAND, SYSCALL), raise a fault,
 * or let Unicorn execute it. Faults that SDM "Relative Priority of Faults
 * and VM Exits" puts before the exit (#UD, privilege-level #GP) come first:
 * rows marked cpl0 raise #GP(0) at CPL > 0 before any other check.
 */
#include "engine_internal.h"

#define CR4_TSD (1ull << 2)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_SMXE (1ull << 14)
#define RFLAGS_CF (1ull << 0)
#define RFLAGS_OF (1ull << 11)
#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_RF (1ull << 16)
#define RFLAGS_VM (1ull << 17)
#define RFLAGS_ARITH 0x8d5ull /* OF SF ZF AF PF CF */

/* ---- helpers for handlers ---- */

enum insn_action insn_exit(struct sim_engine *e, const struct insn *in, uint32_t reason,
                           uint64_t qual, uint32_t info)
{
    exit_set(e, reason, qual);
    e->exit.len = in->len;
    e->exit.info = info;
    eng_stop(e, STOP_EXIT);
    return ACT_STOP;
}

enum insn_action insn_fault(struct sim_engine *e, uint8_t vector, bool has_error, uint32_t error)
{
    e->stop_event = (struct event){.type = VMX_EVENT_HW_EXCEPTION, .vector = vector,
                                   .has_error = has_error, .error = error, .raised_fault = true};
    eng_stop(e, STOP_EVENT);
    return ACT_STOP;
}

static enum insn_action gp0(struct sim_engine *e)
{
    return insn_fault(e, VMX_VEC_GP, true, 0);
}

static enum insn_action ud(struct sim_engine *e)
{
    return insn_fault(e, VMX_VEC_UD, false, 0);
}

/* RIP past the instruction: an offset in CS (the plan's addresses are linear), wrapping. */
static uint64_t next_rip(struct sim_engine *e, const struct insn *in)
{
    uint64_t rip = eng_reg(e, UC_X86_REG_RIP) + in->len;
    return e->code_bytes == 8 ? rip : e->code_bytes == 4 ? (uint32_t)rip : (uint16_t)rip;
}

enum insn_action insn_done(struct sim_engine *e, const struct insn *in)
{
    e->icount++;
    eng_set(e, UC_X86_REG_RIP, next_rip(e, in));
    if (eng_reg(e, UC_X86_REG_RFLAGS) & RFLAGS_TF) {
        /* Single-stepping: the model's instruction ends with the #DB trap Unicorn's would. */
        e->stop_event = (struct event){.type = VMX_EVENT_HW_EXCEPTION, .vector = VMX_VEC_DB,
                                       .dr6 = 1ull << 14};
        eng_stop(e, STOP_EVENT);
    }
    return ACT_DONE;
}

static enum insn_action software_event(struct sim_engine *e, const struct insn *in, uint8_t type,
                                       uint8_t vector)
{
    e->stop_event = (struct event){.type = type, .vector = vector, .instr_len = in->len};
    eng_stop(e, STOP_EVENT);
    return ACT_STOP;
}

static bool proc(const struct sim_engine *e, uint32_t bit)
{
    return e->ctl.proc & bit;
}

static bool proc2(const struct sim_engine *e, uint32_t bit)
{
    return e->ctl.proc2 & bit; /* 0 unless "activate secondary controls" */
}

uint64_t insn_mem_address(struct sim_engine *e, const struct insn *in)
{
    const struct insn_mem *m = &in->mem;
    uint64_t a = (uint64_t)m->disp;
    if (m->base == INSN_REG_RIP)
        a += in->addr + in->len;
    else if (m->base <= 15)
        a += eng_gpr(e, m->base);
    if (m->index <= 15)
        a += eng_gpr(e, m->index) << m->scale;
    if (m->addr_size == 4)
        a = (uint32_t)a;
    else if (m->addr_size == 2)
        a = (uint16_t)a;
    return seg_linear(e, m->seg, a);
}

/* The qualification of exits with a memory operand: its displacement (RIP-relative: + next RIP). */
static uint64_t displacement(const struct insn *in)
{
    if (!(in->flags & INSN_F_MEM))
        return 0;
    uint64_t d = (uint64_t)in->mem.disp;
    return in->mem.base == INSN_REG_RIP ? d + in->addr + in->len : d;
}

/* ---- handlers ---- */

static enum insn_action h_cpuid(struct sim_engine *e, const struct insn *in)
{
    return insn_exit(e, in, VMX_EXIT_CPUID, 0, 0);
}

static enum insn_action h_getsec(struct sim_engine *e, const struct insn *in)
{
    if (!(eng_reg(e, UC_X86_REG_CR4) & CR4_SMXE))
        return ud(e);
    return insn_exit(e, in, VMX_EXIT_GETSEC, 0, 0);
}

static enum insn_action h_hlt(struct sim_engine *e, const struct insn *in)
{
    if (proc(e, VMX_PROC_HLT_EXITING))
        return insn_exit(e, in, VMX_EXIT_HLT, 0, 0);
    e->icount++;
    eng_set(e, UC_X86_REG_RIP, next_rip(e, in));
    eng_stop(e, STOP_HALT);
    return ACT_STOP;
}

static enum insn_action h_invd(struct sim_engine *e, const struct insn *in)
{
    return insn_exit(e, in, VMX_EXIT_INVD, 0, 0);
}

static enum insn_action h_wbinvd(struct sim_engine *e, const struct insn *in)
{
    if (proc2(e, VMX_PROC2_WBINVD_EXITING))
        return insn_exit(e, in, VMX_EXIT_WBINVD, 0, 0);
    return insn_done(e, in);
}

static enum insn_action h_invlpg(struct sim_engine *e, const struct insn *in)
{
    if (proc(e, VMX_PROC_INVLPG_EXITING))
        return insn_exit(e, in, VMX_EXIT_INVLPG, insn_mem_address(e, in), 0);
    e->plan.tlb_gen++;
    return ACT_EXECUTE;
}

static enum insn_action h_invpcid(struct sim_engine *e, const struct insn *in)
{
    if (!proc2(e, VMX_PROC2_ENABLE_INVPCID) || !(in->flags & INSN_F_MEM))
        return ud(e);
    if (eng_cpl(e))
        return gp0(e);
    if (proc(e, VMX_PROC_INVLPG_EXITING))
        return insn_exit(e, in, VMX_EXIT_INVPCID, displacement(in),
                         exit_info_mem(in) | (uint32_t)in->reg2 << 28);
    /* Unicorn's CPU model has no INVPCID: flushing everything is a valid invalidation. */
    uc_ctl_flush_tlb(e->uc);
    e->plan.tlb_gen++;
    return insn_done(e, in);
}

static enum insn_action h_rdpmc(struct sim_engine *e, const struct insn *in)
{
    if (eng_cpl(e) && !(eng_reg(e, UC_X86_REG_CR4) & (1ull << 8)))
        return gp0(e);
    if (proc(e, VMX_PROC_RDPMC_EXITING))
        return insn_exit(e, in, VMX_EXIT_RDPMC, 0, 0);
    return gp0(e); /* no performance counters are modelled */
}

static enum insn_action rdtsc_common(struct sim_engine *e, const struct insn *in, bool rdtscp)
{
    if (eng_cpl(e) && (eng_reg(e, UC_X86_REG_CR4) & CR4_TSD))
        return gp0(e);
    if (proc(e, VMX_PROC_RDTSC_EXITING))
        return insn_exit(e, in, rdtscp ? VMX_EXIT_RDTSCP : VMX_EXIT_RDTSC, 0, 0);
    uint64_t tsc = eng_guest_tsc(e);
    eng_set(e, UC_X86_REG_RAX, (uint32_t)tsc);
    eng_set(e, UC_X86_REG_RDX, tsc >> 32);
    if (rdtscp) {
        uint64_t aux = 0;
        msr_read(e, VMM_MSR_IA32_TSC_AUX, &aux);
        eng_set(e, UC_X86_REG_RCX, (uint32_t)aux);
    }
    return insn_done(e, in);
}

static enum insn_action h_rdtsc(struct sim_engine *e, const struct insn *in)
{
    return rdtsc_common(e, in, false);
}

static enum insn_action h_rdtscp(struct sim_engine *e, const struct insn *in)
{
    if (!proc2(e, VMX_PROC2_ENABLE_RDTSCP))
        return ud(e);
    return rdtsc_common(e, in, true);
}

static enum insn_action h_ud(struct sim_engine *e, const struct insn *in)
{
    (void)in;
    return ud(e);
}

/* VMX instructions exit unconditionally (after the #UD checks). */
static enum insn_action h_vmx(struct sim_engine *e, const struct insn *in)
{
    static const struct {
        uint8_t kind, reason;
        bool needs_mem;
    } rows[] = {
        {INSN_VMCALL, VMX_EXIT_VMCALL, false},     {INSN_VMLAUNCH, VMX_EXIT_VMLAUNCH, false},
        {INSN_VMRESUME, VMX_EXIT_VMRESUME, false}, {INSN_VMXOFF, VMX_EXIT_VMXOFF, false},
        {INSN_VMCLEAR, VMX_EXIT_VMCLEAR, true},    {INSN_VMPTRLD, VMX_EXIT_VMPTRLD, true},
        {INSN_VMPTRST, VMX_EXIT_VMPTRST, true},    {INSN_VMXON, VMX_EXIT_VMXON, true},
        {INSN_INVEPT, VMX_EXIT_INVEPT, true},      {INSN_INVVPID, VMX_EXIT_INVVPID, true},
        {INSN_VMREAD, VMX_EXIT_VMREAD, false},     {INSN_VMWRITE, VMX_EXIT_VMWRITE, false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (rows[i].kind != in->kind)
            continue;
        if (rows[i].needs_mem && !(in->flags & INSN_F_MEM))
            return ud(e);
        uint32_t info = exit_info_mem(in);
        if (in->kind == INSN_VMREAD || in->kind == INSN_VMWRITE) {
            info |= (uint32_t)in->reg2 << 28;
            if (!(in->flags & INSN_F_MEM))
                info = (uint32_t)(in->reg1 & 15) << 3 | 1u << 10 | (uint32_t)in->reg2 << 28;
        } else if (in->kind == INSN_INVEPT || in->kind == INSN_INVVPID) {
            info |= (uint32_t)in->reg2 << 28;
        }
        return insn_exit(e, in, rows[i].reason, displacement(in), info);
    }
    return ud(e);
}

/*
 * VMFUNC: #UD without "enable VM functions"; a function the VM-function
 * controls do not enable exits (59). Function 0, EPTP switching, loads
 * entry ECX of the EPTP list into the VMCS's EPT pointer, or exits when the
 * index is 512 or more or the entry is not a valid EPTP.
 */
static enum insn_action h_vmfunc(struct sim_engine *e, const struct insn *in)
{
    if (!proc2(e, VMX_PROC2_ENABLE_VMFUNC))
        return ud(e);
    uint64_t func = (uint32_t)eng_reg(e, UC_X86_REG_RAX);
    uint64_t index = (uint32_t)eng_reg(e, UC_X86_REG_RCX);
    if (func >= 64 || !((e->ctl.vmfunc_ctl >> func) & 1) || func != 0 || index >= 512 ||
        !e->ept_on)
        return insn_exit(e, in, VMX_EXIT_VMFUNC, 0, 0);
    uint64_t eptp;
    sim_phys_read(e->sim, vmcs_get(e->vmcs, VMCS_EPTP_LIST_ADDRESS) + 8 * index, &eptp, 8);
    struct ept_walk_cfg cfg;
    if (ept_walk_cfg_from_eptp(eptp, &e->sim->caps, false, &cfg) != VMM_OK)
        return insn_exit(e, in, VMX_EXIT_VMFUNC, 0, 0);
    vmcs_set(e->vmcs, VMCS_EPT_POINTER, eptp);
    e->ept_cfg = cfg;
    e->eptp = eptp;
    uc_ctl_flush_tlb(e->uc);
    e->plan.tlb_gen++;
    return insn_done(e, in);
}

static enum insn_action h_monitor(struct sim_engine *e, const struct insn *in)
{
    if (eng_cpl(e))
        return ud(e);
    if (proc(e, VMX_PROC_MONITOR_EXITING))
        return insn_exit(e, in, VMX_EXIT_MONITOR_INSTRUCTION, 0, 0);
    e->monitor_armed = true;
    return insn_done(e, in);
}

static enum insn_action h_mwait(struct sim_engine *e, const struct insn *in)
{
    if (eng_cpl(e))
        return ud(e);
    if (proc(e, VMX_PROC_MWAIT_EXITING))
        return insn_exit(e, in, VMX_EXIT_MWAIT_INSTRUCTION, e->monitor_armed, 0);
    /* MWAIT may wake at once; the model always does. */
    e->monitor_armed = false;
    return insn_done(e, in);
}

static enum insn_action h_pause(struct sim_engine *e, const struct insn *in)
{
    if (proc(e, VMX_PROC_PAUSE_EXITING))
        return insn_exit(e, in, VMX_EXIT_PAUSE_INSTRUCTION, 0, 0);
    return ACT_EXECUTE;
}

/*
 * Loads Unicorn would perform although the CPU faults with #GP(0): LTR of a
 * null selector, and LGDT/LIDT of a non-canonical base (both found by
 * //fuzz:exit_handlers). ACT_EXECUTE when the load is fine, or when reading
 * the operand faults: Unicorn then raises that fault itself.
 */
/*
 * The first `n` bytes of the source operand of a load the model checks
 * before Unicorn performs it: memory, or a register's low bytes (n <= 8).
 * false when there is none, or when reading memory faults (Unicorn then
 * raises that fault itself).
 */
static bool load_operand(struct sim_engine *e, const struct insn *in, uint8_t *op, size_t n)
{
    if (in->flags & INSN_F_MEM) {
        struct event pf;
        return lin_read(e, insn_mem_address(e, in), op, n,
                        eng_cpl(e) == 3 ? PAGING_ACCESS_USER : 0, &pf) == VMM_OK;
    }
    if (in->reg1 == INSN_REG_NONE)
        return false;
    uint64_t v = eng_gpr(e, in->reg1);
    for (size_t i = 0; i < n; i++)
        op[i] = (uint8_t)(v >> (8 * i));
    return true;
}

static enum insn_action check_table_load(struct sim_engine *e, const struct insn *in)
{
    bool ltr = in->kind == INSN_LTR;
    if (!ltr && in->kind != INSN_LGDT && in->kind != INSN_LIDT)
        return ACT_EXECUTE;
    uint8_t op[10] = {0}; /* LGDT/LIDT in 64-bit mode: 16-bit limit, 64-bit base */
    if (!load_operand(e, in, op, (in->flags & INSN_F_MEM) && !ltr ? 10 : 2))
        return ACT_EXECUTE;
    if (ltr)
        return ((op[0] | op[1] << 8) & 0xfffc) ? ACT_EXECUTE : gp0(e);
    if (e->code_bytes != 8)
        return ACT_EXECUTE; /* a 24- or 32-bit base: nothing to check */
    uint64_t base = 0;
    for (int i = 9; i >= 2; i--)
        base = base << 8 | op[i];
    return vmm_canonical(base, e->sim->caps.linear_addr_width) ? ACT_EXECUTE : gp0(e);
}

/* LGDT/LIDT/SGDT/SIDT (46) and LLDT/LTR/SLDT/STR (47) under descriptor-table exiting. */
static enum insn_action h_desc_table(struct sim_engine *e, const struct insn *in)
{
    static const struct {
        uint8_t kind, reason, identity;
        bool load;
    } rows[] = {
        {INSN_SGDT, VMX_EXIT_GDTR_IDTR, 0, false}, {INSN_SIDT, VMX_EXIT_GDTR_IDTR, 1, false},
        {INSN_LGDT, VMX_EXIT_GDTR_IDTR, 2, true},  {INSN_LIDT, VMX_EXIT_GDTR_IDTR, 3, true},
        {INSN_SLDT, VMX_EXIT_LDTR_TR, 0, false},   {INSN_STR, VMX_EXIT_LDTR_TR, 1, false},
        {INSN_LLDT, VMX_EXIT_LDTR_TR, 2, true},    {INSN_LTR, VMX_EXIT_LDTR_TR, 3, true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (rows[i].kind != in->kind)
            continue;
        if (rows[i].load && eng_cpl(e))
            return gp0(e);
        if (!proc2(e, VMX_PROC2_DESC_TABLE_EXITING)) {
            enum insn_action act = check_table_load(e, in);
            if (act != ACT_EXECUTE)
                return act;
            e->dt_dirty |= rows[i].load;
            return ACT_EXECUTE;
        }
        uint32_t info = exit_info_mem(in) | (uint32_t)rows[i].identity << 28;
        if (rows[i].reason == VMX_EXIT_GDTR_IDTR)
            info |= 1u << 11; /* operand size 32 (undefined in 64-bit mode) */
        else if (!(in->flags & INSN_F_MEM))
            info = (uint32_t)(in->reg1 & 15) << 3 | 1u << 10 | (uint32_t)rows[i].identity << 28;
        return insn_exit(e, in, rows[i].reason, displacement(in), info);
    }
    return ACT_EXECUTE;
}

static enum insn_action h_xsetbv(struct sim_engine *e, const struct insn *in)
{
    if (!(eng_reg(e, UC_X86_REG_CR4) & CR4_OSXSAVE))
        return ud(e);
    if (eng_cpl(e))
        return gp0(e);
    return insn_exit(e, in, VMX_EXIT_XSETBV, 0, 0);
}

/* A deterministic RDRAND/RDSEED (xorshift64*): runs must not depend on the host. */
static enum insn_action h_rdrand(struct sim_engine *e, const struct insn *in)
{
    bool seed = in->kind == INSN_RDSEED;
    if (proc2(e, seed ? VMX_PROC2_RDSEED_EXITING : VMX_PROC2_RDRAND_EXITING)) {
        uint32_t size = in->opsize == 2 ? 0 : in->opsize == 4 ? 1 : 2;
        uint32_t info = (uint32_t)(in->reg1 & 15) << 3 | size << 11;
        return insn_exit(e, in, seed ? VMX_EXIT_RDSEED : VMX_EXIT_RDRAND, 0, info);
    }
    e->rng ^= e->rng >> 12;
    e->rng ^= e->rng << 25;
    e->rng ^= e->rng >> 27;
    uint64_t v = e->rng * 0x2545f4914f6cdd1dull;
    if (in->opsize == 2)
        v = (eng_gpr(e, in->reg1) & ~0xffffull) | (uint16_t)v;
    else if (in->opsize == 4)
        v = (uint32_t)v;
    eng_set_gpr(e, in->reg1, v);
    uint64_t fl = eng_reg(e, UC_X86_REG_RFLAGS);
    eng_set(e, UC_X86_REG_RFLAGS, (fl & ~RFLAGS_ARITH) | RFLAGS_CF);
    return insn_done(e, in);
}

/* STI with IF = 0 blocks interrupts for one instruction; MOV SS blocks events. */
static enum insn_action h_sti(struct sim_engine *e, const struct insn *in)
{
    (void)in;
    if (!(eng_reg(e, UC_X86_REG_RFLAGS) & RFLAGS_IF) && eng_cpl(e) == 0) {
        e->shadow_at = e->icount + 1;
        e->shadow_sti = true;
        e->shadow_movss = false;
        if (ev_waiting(e))
            eng_check_at(e, e->icount + 2);
    }
    return ACT_EXECUTE;
}

/* Segment loads Unicorn performs: the exit reads the caches again. */
static enum insn_action h_mov_seg(struct sim_engine *e, const struct insn *in)
{
    (void)in;
    e->seg_dirty = true;
    return ACT_EXECUTE;
}

/*
 * MOV SS of a null selector in 64-bit mode raises #GP(0) at CPL 3 or when
 * its RPL is not the CPL (SDM, MOV); Unicorn loads it whatever the RPL
 * (found by //fuzz:exit_handlers: the next exit saved an SS whose RPL is
 * not CS's). false also when reading the operand faults: Unicorn raises
 * that fault itself.
 */
static bool null_ss_faults(struct sim_engine *e, const struct insn *in)
{
    uint8_t b[2];
    if (e->code_bytes != 8 || !load_operand(e, in, b, sizeof b))
        return false;
    uint16_t sel = (uint16_t)(b[0] | b[1] << 8);
    unsigned cpl = eng_cpl(e);
    return !(sel & 0xfffc) && (cpl == 3 || (sel & 3u) != cpl);
}

static enum insn_action h_mov_ss(struct sim_engine *e, const struct insn *in)
{
    if (null_ss_faults(e, in))
        return gp0(e);
    e->seg_dirty = true;
    e->shadow_at = e->icount + 1;
    e->shadow_movss = true;
    e->shadow_sti = false;
    if (ev_waiting(e))
        eng_check_at(e, e->icount + 2);
    return ACT_EXECUTE;
}

/* POPF, IRET, SYSRET may set RFLAGS.IF; IRET also ends (virtual-)NMI blocking. */
static enum insn_action h_flags(struct sim_engine *e, const struct insn *in)
{
    if (in->kind == INSN_IRET && task_switch_iret(e, in) == ACT_STOP)
        return ACT_STOP;
    if (in->kind == INSN_IRET)
        e->nmi_blocked = false;
    if (in->kind != INSN_POPF)
        e->mode_stale = e->seg_dirty = true; /* IRET and SYSRET load CS and SS */
    if (ev_waiting(e))
        eng_check_at(e, e->icount + 1);
    return ACT_EXECUTE;
}

static enum insn_action h_int(struct sim_engine *e, const struct insn *in)
{
    switch (in->kind) {
    case INSN_INT3:
        return software_event(e, in, VMX_EVENT_SW_EXCEPTION, VMX_VEC_BP);
    case INSN_INT1:
        return software_event(e, in, VMX_EVENT_PRIV_SW_EXCEPTION, VMX_VEC_DB);
    case INSN_INTO:
        if (e->code_bytes == 8)
            return ud(e); /* invalid in 64-bit mode */
        if (!(eng_reg(e, UC_X86_REG_RFLAGS) & RFLAGS_OF))
            return ACT_EXECUTE; /* no overflow: nothing happens */
        return software_event(e, in, VMX_EVENT_SW_EXCEPTION, VMX_VEC_OF);
    default: {
        uint64_t rflags = eng_reg(e, UC_X86_REG_RFLAGS);
        if ((rflags & RFLAGS_VM) && ((rflags >> 12) & 3) < 3)
            return gp0(e); /* IOPL-sensitive in virtual-8086 mode (no VME) */
        return software_event(e, in, VMX_EVENT_SW_INTR, (uint8_t)in->imm);
    }
    }
}

/*
 * SYSCALL never executes in Unicorn: the model does it. From CPL 0 inside
 * the hook; from CPL 3 between runs, since lowering CPL restores a context.
 */
void insn_syscall(struct sim_engine *e, uint8_t len)
{
    if (e->syscall_kind != INSN_SYSCALL) {
        insn_sysenter_perform(e);
        return;
    }
    uint64_t star = 0, lstar = 0, fmask = 0;
    msr_read(e, VMM_MSR_IA32_STAR, &star);
    msr_read(e, VMM_MSR_IA32_LSTAR, &lstar);
    msr_read(e, VMM_MSR_IA32_FMASK, &fmask);
    uint64_t rflags = eng_reg(e, UC_X86_REG_RFLAGS);
    eng_set(e, UC_X86_REG_RCX, eng_reg(e, UC_X86_REG_RIP) + len);
    eng_set(e, UC_X86_REG_R11, rflags & ~RFLAGS_RF);
    eng_set(e, UC_X86_REG_RFLAGS, (rflags & ~(fmask | RFLAGS_RF)) | 2);
    /* The fixed loads of SYSCALL: flat 64-bit code and flat data at CPL 0. */
    uint16_t cs = (uint16_t)((star >> 32) & 0xfffc);
    struct seg_state seg[SEG_DATA_COUNT];
    seg[SEG_CS] = (struct seg_state){cs, 0, 0xffffffff, 0xa09b};
    seg[SEG_SS] = (struct seg_state){(uint16_t)(cs + 8), 0, 0xffffffff, 0xc093};
    seg_write(e, 1u << SEG_CS | 1u << SEG_SS, seg);
    eng_set(e, UC_X86_REG_RIP, lstar);
    e->icount++;
}

static enum insn_action h_syscall(struct sim_engine *e, const struct insn *in)
{
    uint64_t efer = 0;
    msr_read(e, VMM_MSR_IA32_EFER, &efer);
    if (!(efer & VMM_EFER_SCE) || e->code_bytes != 8)
        return ud(e); /* outside 64-bit mode Intel processors raise #UD */
    /* Between runs: it loads CS and SS (segcache.c restores a context). */
    e->syscall_len = in->len;
    e->syscall_kind = INSN_SYSCALL;
    eng_stop(e, STOP_SYSCALL);
    return ACT_STOP;
}

/*
 * Far JMP/CALL/RET load CS: the code size may change (Unicorn executes
 * them). A far CALL/JMP to a TSS or task gate is a task switch: exit 9.
 */
static enum insn_action h_far(struct sim_engine *e, const struct insn *in)
{
    e->mode_stale = e->seg_dirty = true;
    if (in->kind == INSN_RETF)
        return ACT_EXECUTE;
    return task_switch_far(e, in, in->kind == INSN_LCALL);
}

typedef enum insn_action (*insn_fn)(struct sim_engine *e, const struct insn *in);

struct insn_row {
    insn_fn fn;
    bool cpl0; /* #GP(0) at CPL > 0, before any VM exit */
};

static const struct insn_row rows[INSN_KIND_COUNT] = {
    [INSN_CPUID] = {h_cpuid, false},
    [INSN_GETSEC] = {h_getsec, false},
    [INSN_HLT] = {h_hlt, true},
    [INSN_INVD] = {h_invd, true},
    [INSN_WBINVD] = {h_wbinvd, true},
    [INSN_INVLPG] = {h_invlpg, true},
    [INSN_INVPCID] = {h_invpcid, false},
    [INSN_RDPMC] = {h_rdpmc, false},
    [INSN_RDTSC] = {h_rdtsc, false},
    [INSN_RDTSCP] = {h_rdtscp, false},
    [INSN_RSM] = {h_ud, false},
    [INSN_VMCALL] = {h_vmx, false},
    [INSN_VMCLEAR] = {h_vmx, false},
    [INSN_VMLAUNCH] = {h_vmx, false},
    [INSN_VMPTRLD] = {h_vmx, false},
    [INSN_VMPTRST] = {h_vmx, false},
    [INSN_VMREAD] = {h_vmx, false},
    [INSN_VMRESUME] = {h_vmx, false},
    [INSN_VMWRITE] = {h_vmx, false},
    [INSN_VMXOFF] = {h_vmx, false},
    [INSN_VMXON] = {h_vmx, false},
    [INSN_INVEPT] = {h_vmx, false},
    [INSN_INVVPID] = {h_vmx, false},
    [INSN_VMFUNC] = {h_vmfunc, false},
    [INSN_MOV_TO_CR] = {insn_cr, true},
    [INSN_MOV_FROM_CR] = {insn_cr, true},
    [INSN_CLTS] = {insn_cr, true},
    [INSN_LMSW] = {insn_cr, true},
    [INSN_SMSW] = {insn_cr, false},
    [INSN_MOV_TO_DR] = {insn_dr, true},
    [INSN_MOV_FROM_DR] = {insn_dr, true},
    [INSN_IO] = {insn_io, false},
    [INSN_RDMSR] = {insn_msr, true},
    [INSN_WRMSR] = {insn_msr, true},
    [INSN_MONITOR] = {h_monitor, false},
    [INSN_MWAIT] = {h_mwait, false},
    [INSN_PAUSE] = {h_pause, false},
    [INSN_SGDT] = {h_desc_table, false},
    [INSN_SIDT] = {h_desc_table, false},
    [INSN_LGDT] = {h_desc_table, false},
    [INSN_LIDT] = {h_desc_table, false},
    [INSN_SLDT] = {h_desc_table, false},
    [INSN_STR] = {h_desc_table, false},
    [INSN_LLDT] = {h_desc_table, false},
    [INSN_LTR] = {h_desc_table, false},
    [INSN_XSETBV] = {h_xsetbv, false},
    [INSN_XSAVES] = {h_ud, false},
    [INSN_XRSTORS] = {h_ud, false},
    [INSN_RDRAND] = {h_rdrand, false},
    [INSN_RDSEED] = {h_rdrand, false},
    [INSN_ENCLS] = {h_ud, false},
    [INSN_UNMODELLED_UD] = {h_ud, false},
    [INSN_STI] = {h_sti, false},
    [INSN_MOV_SS] = {h_mov_ss, false},
    [INSN_MOV_SEG] = {h_mov_seg, false},
    [INSN_POPF] = {h_flags, false},
    [INSN_IRET] = {h_flags, false},
    [INSN_SYSRET] = {h_flags, false},
    [INSN_INT] = {h_int, false},
    [INSN_INT3] = {h_int, false},
    [INSN_INT1] = {h_int, false},
    [INSN_INTO] = {h_int, false},
    [INSN_SYSCALL] = {h_syscall, false},
    [INSN_LJMP] = {h_far, false},
    [INSN_LCALL] = {h_far, false},
    [INSN_RETF] = {h_far, false},
    [INSN_SYSENTER] = {insn_sysenter, false},
    [INSN_SYSEXIT] = {insn_sysenter, false},
};

enum insn_action insn_handle(struct sim_engine *e, const struct insn *in)
{
    const struct insn_row *r = in->kind < INSN_KIND_COUNT ? &rows[in->kind] : NULL;
    if (!r || !r->fn)
        return ACT_EXECUTE;
    if (r->cpl0 && eng_cpl(e) != 0)
        return gp0(e);
    return r->fn(e, in);
}
