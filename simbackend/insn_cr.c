/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Control- and debug-register instructions in VMX non-root operation:
 * MOV to/from CR0, CR3, CR4, CR8, CLTS, LMSW, SMSW (exit 28 with the
 * guest/host masks, read shadows, CR3-target list, CR8 exiting and the TPR
 * shadow with its threshold, exit 43), and MOV DR (exit 29). Without an
 * exit the model performs the instruction: bits owned by the host keep
 * their value, reads of owned bits return the shadow, CR8 is the TPR (or
 * the virtual-APIC page's VTPR), and debug registers are model state
 * (Unicorn crashes on armed breakpoints, so none is ever armed).
 */
#include "engine_internal.h"

#define CR0_PE (1ull << 0)
#define CR0_TS (1ull << 3)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR4_DE (1ull << 3)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_PCIDE (1ull << 17)

enum { CR_MOV_TO = 0, CR_MOV_FROM = 1, CR_CLTS = 2, CR_LMSW = 3 };

static uint64_t cr_qual(unsigned cr, unsigned access, unsigned gpr)
{
    return cr | access << 4 | (uint64_t)(gpr & 15) << 8;
}

static bool long_mode(struct sim_engine *e)
{
    uint64_t efer = 0;
    msr_read(e, VMM_MSR_IA32_EFER, &efer);
    return efer & VMM_EFER_LMA;
}

static bool unrestricted(const struct sim_engine *e)
{
    return e->ctl.proc2 & VMX_PROC2_UNRESTRICTED_GUEST;
}

/* Whether writing `v` to CR0 faults (#GP) in VMX non-root 64-bit mode. */
static bool cr0_faults(struct sim_engine *e, uint64_t v)
{
    const struct vmx_caps *caps = &e->sim->caps;
    uint64_t fixed0 = caps->cr0_fixed0;
    if (unrestricted(e))
        fixed0 &= ~(CR0_PE | CR0_PG);
    if (v >> 32 || ((v & CR0_PG) && !(v & CR0_PE)) || ((v & CR0_NW) && !(v & CR0_CD)))
        return true;
    /* Paging off in 64-bit mode (compatibility mode may); IA-32e mode needs PAE. */
    if (!(v & CR0_PG) && long_mode(e) && e->code_bytes == 8)
        return true;
    uint64_t efer = 0;
    msr_read(e, VMM_MSR_IA32_EFER, &efer);
    if ((v & CR0_PG) && !(eng_reg(e, UC_X86_REG_CR0) & CR0_PG) && (efer & VMM_EFER_LME) &&
        !(eng_reg(e, UC_X86_REG_CR4) & CR4_PAE))
        return true;
    return (v & fixed0) != fixed0 || (v & ~caps->cr0_fixed1 & 0xffffffffull);
}

static bool cr4_faults(struct sim_engine *e, uint64_t v, uint64_t cur)
{
    const struct vmx_caps *caps = &e->sim->caps;
    if (v >> 32)
        return true;
    if ((v & caps->cr4_fixed0) != caps->cr4_fixed0 || (v & ~caps->cr4_fixed1))
        return true;
    if (long_mode(e) && (!(v & CR4_PAE) || ((v ^ cur) & CR4_LA57)))
        return true;
    if ((v & CR4_PCIDE) && !(cur & CR4_PCIDE) &&
        (!long_mode(e) || (eng_reg(e, UC_X86_REG_CR3) & 0xfff)))
        return true;
    return false;
}

/* Writes CR0 or CR4 into Unicorn; false (engine failure recorded) if it will not hold it. */
static bool write_cr(struct sim_engine *e, int reg, uint64_t v, const char *name)
{
    eng_set(e, reg, v);
    e->plan.tlb_gen++;
    e->msr_dirty = true;   /* CR0.PG changes EFER.LMA */
    e->mode_stale = true;  /* ... and CR0.PE/PG the code size QEMU derives */
    if (eng_reg(e, reg) != v) {
        eng_fail(e, SIM_ENGINE_REGISTER, name, v);
        return false;
    }
    return true;
}

/* The model's own access met an EPT violation or misconfiguration: that exit, now. */
static enum insn_action ept_exit(struct sim_engine *e)
{
    xlat_ept_exit(e);
    eng_stop(e, STOP_EXIT);
    return ACT_STOP;
}

/*
 * A MOV to CR0/CR4 that changed paging bits, or a MOV to CR3, in PAE mode
 * loads the PDPTE registers. On a failure the register gets `old` back: a
 * present PDPTE with reserved bits is #GP(0), an EPT violation exits.
 */
static enum insn_action reload_pdptes(struct sim_engine *e, int reg, uint64_t old)
{
    if (!lin_pae(e))
        return ACT_DONE;
    int rc = lin_load_pdptes(e, eng_reg(e, UC_X86_REG_CR3));
    if (rc == VMM_OK)
        return ACT_DONE;
    eng_set(e, reg, old);
    if (reg == UC_X86_REG_CR3)
        e->cr3 = old;
    if (rc == VMM_E_STATE)
        return ept_exit(e);
    return insn_fault(e, VMX_VEC_GP, true, 0);
}

/* The bits whose change reloads the PDPTEs in PAE mode (SDM Vol. 3A "PDPTE Registers"). */
#define PAGING_BITS_CR0 (CR0_PG | CR0_CD | CR0_NW)
#define PAGING_BITS_CR4 (CR4_PAE | (1ull << 4) | (1ull << 7) | (1ull << 20)) /* PAE PSE PGE SMEP */

static uint64_t shadowed(uint64_t real, uint64_t mask, uint64_t shadow)
{
    return (real & ~mask) | (shadow & mask);
}

static uint64_t vtpr_addr(const struct sim_engine *e)
{
    return e->ctl.vapic + 0x80;
}

static enum insn_action mov_to_cr(struct sim_engine *e, const struct insn *in)
{
    const struct entry_ctls *c = &e->ctl;
    uint64_t v = eng_gpr(e, in->reg1);
    uint64_t qual = cr_qual(in->ctl, CR_MOV_TO, in->reg1);
    switch (in->ctl) {
    case 0:
    case 4: {
        bool cr0 = in->ctl == 0;
        uint64_t mask = cr0 ? c->cr0_mask : c->cr4_mask;
        uint64_t shadow = cr0 ? c->cr0_shadow : c->cr4_shadow;
        if ((v ^ shadow) & mask)
            return insn_exit(e, in, VMX_EXIT_CR_ACCESS, qual, 0);
        int reg = cr0 ? UC_X86_REG_CR0 : UC_X86_REG_CR4;
        uint64_t cur = cr0 ? eng_reg(e, reg) : eng_cr4(e);
        uint64_t nv = (v & ~mask) | (cur & mask);
        if (cr0 ? cr0_faults(e, nv) : cr4_faults(e, nv, cur))
            return insn_fault(e, VMX_VEC_GP, true, 0);
        if (!cr0) {
            if (nv & ENG_CR4_UNSUPPORTED) {
                eng_fail(e, SIM_ENGINE_REGISTER, "CR4 feature the engine's CPU model lacks", nv);
                return ACT_STOP;
            }
            e->cr4_model = nv & ENG_CR4_MODEL_BITS;
            nv &= ~ENG_CR4_MODEL_BITS;
        }
        if (!write_cr(e, reg, nv, cr0 ? "CR0 (MOV to CR0)" : "CR4 (MOV to CR4)"))
            return ACT_STOP;
        if ((nv ^ cur) & (cr0 ? PAGING_BITS_CR0 : PAGING_BITS_CR4) &&
            reload_pdptes(e, reg, cr0 ? cur : cur & ~ENG_CR4_MODEL_BITS) == ACT_STOP)
            return ACT_STOP;
        return insn_done(e, in);
    }
    case 3: {
        bool target = false;
        for (uint32_t i = 0; i < c->cr3_target_count && i < 4; i++)
            target |= c->cr3_target[i] == v;
        if ((c->proc & VMX_PROC_CR3_LOAD_EXITING) && !target)
            return insn_exit(e, in, VMX_EXIT_CR_ACCESS, qual, 0);
        uint64_t value = v & ~(1ull << 63); /* bit 63: no-flush with PCIDE; never stored */
        if (value >> e->sim->caps.phys_addr_width || (!long_mode(e) && value >> 32))
            return insn_fault(e, VMX_VEC_GP, true, 0);
        uint64_t old = eng_reg(e, UC_X86_REG_CR3);
        eng_set(e, UC_X86_REG_CR3, value);
        e->cr3 = value;
        e->plan.tlb_gen++;
        if (reload_pdptes(e, UC_X86_REG_CR3, old) == ACT_STOP)
            return ACT_STOP;
        return insn_done(e, in);
    }
    case 8: {
        if (c->proc & VMX_PROC_CR8_LOAD_EXITING)
            return insn_exit(e, in, VMX_EXIT_CR_ACCESS, qual, 0);
        if (v >> 4)
            return insn_fault(e, VMX_VEC_GP, true, 0);
        if (!(c->proc & VMX_PROC_USE_TPR_SHADOW)) {
            e->cr8 = v;
            return insn_done(e, in);
        }
        sim_phys_write32(e->sim, vtpr_addr(e), (uint32_t)(v << 4));
        enum insn_action a = insn_done(e, in);
        if (!(c->proc2 & VMX_PROC2_VIRT_INTR_DELIVERY) && v < (c->tpr_threshold & 0xf)) {
            /* Trap-like: RIP is already past the MOV. */
            exit_set(e, VMX_EXIT_TPR_BELOW_THRESHOLD, 0);
            eng_stop(e, STOP_EXIT);
        }
        return a;
    }
    case 2: {
        uint64_t cr3 = eng_reg(e, UC_X86_REG_CR3);
        eng_set(e, UC_X86_REG_CR2, v);
        eng_set(e, UC_X86_REG_CR3, cr3); /* a CR2 write also writes CR3 in Unicorn 2.1.1 */
        e->cr2 = v;
        return insn_done(e, in);
    }
    default:
        return insn_fault(e, VMX_VEC_UD, false, 0);
    }
}

static enum insn_action mov_from_cr(struct sim_engine *e, const struct insn *in)
{
    const struct entry_ctls *c = &e->ctl;
    uint64_t qual = cr_qual(in->ctl, CR_MOV_FROM, in->reg1);
    switch (in->ctl) {
    case 0:
    case 4: {
        uint64_t mask = in->ctl == 0 ? c->cr0_mask : c->cr4_mask;
        if (!mask && in->ctl == 0)
            return ACT_EXECUTE;
        uint64_t real = in->ctl == 0 ? eng_reg(e, UC_X86_REG_CR0) : eng_cr4(e);
        uint64_t shadow = in->ctl == 0 ? c->cr0_shadow : c->cr4_shadow;
        eng_set_gpr(e, in->reg1, shadowed(real, mask, shadow));
        return insn_done(e, in);
    }
    case 3:
        if (c->proc & VMX_PROC_CR3_STORE_EXITING)
            return insn_exit(e, in, VMX_EXIT_CR_ACCESS, qual, 0);
        return ACT_EXECUTE;
    case 8:
        if (c->proc & VMX_PROC_CR8_STORE_EXITING)
            return insn_exit(e, in, VMX_EXIT_CR_ACCESS, qual, 0);
        if (c->proc & VMX_PROC_USE_TPR_SHADOW)
            eng_set_gpr(e, in->reg1, (sim_phys_read32(e->sim, vtpr_addr(e)) >> 4) & 0xf);
        else
            eng_set_gpr(e, in->reg1, e->cr8);
        return insn_done(e, in);
    case 2:
        return ACT_EXECUTE;
    default:
        return insn_fault(e, VMX_VEC_UD, false, 0);
    }
}

static enum insn_action clts(struct sim_engine *e, const struct insn *in)
{
    const struct entry_ctls *c = &e->ctl;
    if ((c->cr0_mask & CR0_TS) && (c->cr0_shadow & CR0_TS))
        return insn_exit(e, in, VMX_EXIT_CR_ACCESS, cr_qual(0, CR_CLTS, 0), 0);
    if (!(c->cr0_mask & CR0_TS)) {
        uint64_t cr0 = eng_reg(e, UC_X86_REG_CR0);
        if (!write_cr(e, UC_X86_REG_CR0, cr0 & ~CR0_TS, "CR0 (CLTS)"))
            return ACT_STOP;
    }
    return insn_done(e, in);
}

static enum insn_action lmsw(struct sim_engine *e, const struct insn *in)
{
    const struct entry_ctls *c = &e->ctl;
    uint16_t src;
    uint64_t gla = 0;
    bool mem = in->flags & INSN_F_MEM;
    if (mem) {
        struct event pf;
        gla = insn_mem_address(e, in);
        int rc = lin_read(e, gla, &src, 2, eng_cpl(e) == 3 ? PAGING_ACCESS_USER : 0, &pf);
        if (rc == VMM_E_STATE)
            return ept_exit(e);
        if (rc == VMM_E_FAULT) {
            pf.raised_fault = true;
            e->stop_event = pf;
            eng_stop(e, STOP_EVENT);
            return ACT_STOP;
        }
        if (rc != VMM_OK)
            return insn_fault(e, VMX_VEC_GP, true, 0);
    } else {
        src = (uint16_t)eng_gpr(e, in->reg1);
    }
    uint64_t m = c->cr0_mask & 0xf, sh = c->cr0_shadow & 0xf;
    bool exits = ((src ^ sh) & m & 0xe) || ((m & CR0_PE) && !(sh & CR0_PE) && (src & CR0_PE));
    if (exits) {
        uint64_t qual = cr_qual(0, CR_LMSW, 0) | (mem ? 1u << 6 : 0) | (uint64_t)src << 16;
        enum insn_action a = insn_exit(e, in, VMX_EXIT_CR_ACCESS, qual, 0);
        e->exit.gla = gla;
        e->exit.gla_valid = mem;
        return a;
    }
    uint64_t cr0 = eng_reg(e, UC_X86_REG_CR0);
    uint64_t low = ((src & 0xe) & ~m) | (cr0 & 0xe & m);
    low |= (cr0 & CR0_PE) | (src & CR0_PE & ~m); /* LMSW sets PE but never clears it */
    if (!write_cr(e, UC_X86_REG_CR0, (cr0 & ~0xfull) | low, "CR0 (LMSW)"))
        return ACT_STOP;
    return insn_done(e, in);
}

static enum insn_action smsw(struct sim_engine *e, const struct insn *in)
{
    const struct entry_ctls *c = &e->ctl;
    if (!c->cr0_mask)
        return ACT_EXECUTE;
    uint64_t v = shadowed(eng_reg(e, UC_X86_REG_CR0), c->cr0_mask, c->cr0_shadow);
    if (in->flags & INSN_F_MEM) {
        struct event pf;
        uint16_t w = (uint16_t)v;
        int rc = lin_write(e, insn_mem_address(e, in), &w, 2,
                           eng_cpl(e) == 3 ? PAGING_ACCESS_USER : 0, &pf);
        if (rc == VMM_E_STATE)
            return ept_exit(e);
        if (rc == VMM_E_FAULT) {
            pf.raised_fault = true;
            e->stop_event = pf;
            eng_stop(e, STOP_EVENT);
            return ACT_STOP;
        }
        if (rc != VMM_OK)
            return insn_fault(e, VMX_VEC_GP, true, 0);
    } else if (in->opsize == 2) {
        eng_set_gpr(e, in->reg1, (eng_gpr(e, in->reg1) & ~0xffffull) | (uint16_t)v);
    } else {
        eng_set_gpr(e, in->reg1, in->opsize == 4 ? (uint32_t)v : v);
    }
    return insn_done(e, in);
}

enum insn_action insn_cr(struct sim_engine *e, const struct insn *in)
{
    switch (in->kind) {
    case INSN_MOV_TO_CR: return mov_to_cr(e, in);
    case INSN_MOV_FROM_CR: return mov_from_cr(e, in);
    case INSN_CLTS: return clts(e, in);
    case INSN_LMSW: return lmsw(e, in);
    default: return smsw(e, in);
    }
}

enum insn_action insn_dr(struct sim_engine *e, const struct insn *in)
{
    unsigned n = in->ctl;
    if (n > 7)
        return insn_fault(e, VMX_VEC_UD, false, 0);
    if (n == 4 || n == 5) {
        if (eng_reg(e, UC_X86_REG_CR4) & CR4_DE)
            return insn_fault(e, VMX_VEC_UD, false, 0);
        n += 2;
    }
    bool from = in->kind == INSN_MOV_FROM_DR;
    if (e->ctl.proc & VMX_PROC_MOV_DR_EXITING)
        return insn_exit(e, in, VMX_EXIT_DR_ACCESS,
                         in->ctl | (uint64_t)from << 4 | (uint64_t)(in->reg1 & 15) << 8, 0);
    if (from) {
        eng_set_gpr(e, in->reg1, e->dr[n]);
        return insn_done(e, in);
    }
    uint64_t v = eng_gpr(e, in->reg1);
    if ((n == 6 || n == 7) && v >> 32)
        return insn_fault(e, VMX_VEC_GP, true, 0);
    e->dr[n] = n == 6 ? v | 0xffff0ff0ull : n == 7 ? v | 0x400 : v;
    return insn_done(e, in);
}
