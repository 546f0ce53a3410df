/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest state between the VMCS and Unicorn.
 *
 * Unicorn holds: general-purpose registers, RIP, RSP, RFLAGS, CR0, CR2,
 * CR3, CR4, EFER and the other MSRs it knows, segment selectors and the
 * FS/GS bases, GDTR, IDTR, LDTR and TR (selector, base, limit, attributes).
 * In a 64-bit engine it does not hold the hidden base/limit/attributes of
 * CS, SS, DS, ES (writes set the selector only) and its CPL can be lowered
 * only by restoring a saved context. In 64-bit mode those hidden parts do
 * not affect execution except through CPL, so the model keeps them: it
 * loads the selectors, remembers the VMCS's hidden fields, and at the exit
 * stores them back unchanged unless the guest loaded another selector, in
 * which case they are re-read from the guest's descriptor table (as the
 * processor loaded them, unless the table changed since).
 *
 * What cannot be represented makes entry fail (VMX_FAULT_UD, nothing
 * changed, sim_engine_last() says why): guests that are not in 64-bit mode,
 * CPL 3 at an entry that must load CS/SS, EPT (not yet), controls whose
 * behaviour is not modelled, armed debug registers, CR4 features Unicorn's
 * CPU model lacks, activity states shutdown and wait-for-SIPI.
 */
#include <string.h>

#include "engine_internal.h"

#define V(name) vmcs_get(e->vmcs, VMCS_##name)
#define SETV(name, x) vmcs_set(e->vmcs, VMCS_##name, (x))

#define AR_UNUSABLE (1u << 16)
#define AR_L (1u << 13)
#define CR4_MODEL_BITS ENG_CR4_MODEL_BITS
#define CR4_UNSUPPORTED ENG_CR4_UNSUPPORTED
/* CR0 bits VM entry loads (others keep the processor's value). */
#define CR0_LOADED 0xe005003full

struct seg_fields {
    enum vmcs_field_id sel, base, limit, ar;
    int reg;
};

static const struct seg_fields seg_fields[SEG_COUNT] = {
    [SEG_ES] = {VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_ES_BASE, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_AR_BYTES, UC_X86_REG_ES},
    [SEG_CS] = {VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_CS_BASE, VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_AR_BYTES, UC_X86_REG_CS},
    [SEG_SS] = {VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_SS_BASE, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_AR_BYTES, UC_X86_REG_SS},
    [SEG_DS] = {VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_DS_BASE, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_AR_BYTES, UC_X86_REG_DS},
    [SEG_FS] = {VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_FS_BASE, VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_AR_BYTES, UC_X86_REG_FS},
    [SEG_GS] = {VMCS_GUEST_GS_SELECTOR, VMCS_GUEST_GS_BASE, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_AR_BYTES, UC_X86_REG_GS},
    [SEG_LDTR] = {VMCS_GUEST_LDTR_SELECTOR, VMCS_GUEST_LDTR_BASE, VMCS_GUEST_LDTR_LIMIT, VMCS_GUEST_LDTR_AR_BYTES, UC_X86_REG_LDTR},
    [SEG_TR] = {VMCS_GUEST_TR_SELECTOR, VMCS_GUEST_TR_BASE, VMCS_GUEST_TR_LIMIT, VMCS_GUEST_TR_AR_BYTES, UC_X86_REG_TR},
};

static const int gpr_regs[15] = {
    UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX, UC_X86_REG_RBP,
    UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10,
    UC_X86_REG_R11, UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
};

/* struct vmm_guest_gprs members in the order of gpr_regs. */
static uint64_t *gpr_slot(struct vmm_guest_gprs *g, unsigned i)
{
    uint64_t *slots[15] = {&g->rax, &g->rcx, &g->rdx, &g->rbx, &g->rbp, &g->rsi, &g->rdi,
                           &g->r8,  &g->r9,  &g->r10, &g->r11, &g->r12, &g->r13, &g->r14,
                           &g->r15};
    return slots[i];
}

static bool refuse(struct sim_engine *e, enum sim_engine_refusal why, const char *what,
                   uint64_t value)
{
    e->status = (struct sim_engine_status){.refusal = why, .what = what, .value = value};
    return false;
}

/* ---- what the engine can run ---- */

struct unmodelled_ctl {
    uint8_t word; /* 0 pin, 1 secondary */
    uint32_t bit;
    const char *name;
};

static const struct unmodelled_ctl unmodelled[] = {
    {0, VMX_PIN_POSTED_INTR, "process posted interrupts"},
    {1, VMX_PROC2_VIRT_APIC_ACCESSES, "virtualize APIC accesses"},
    {1, VMX_PROC2_VIRT_X2APIC_MODE, "virtualize x2APIC mode"},
    {1, VMX_PROC2_APIC_REGISTER_VIRT, "APIC-register virtualization"},
    {1, VMX_PROC2_VIRT_INTR_DELIVERY, "virtual-interrupt delivery"},
    {1, VMX_PROC2_ENABLE_PML, "enable PML"},
    {1, VMX_PROC2_EPT_VIOLATION_VE, "EPT-violation #VE"},
    {1, VMX_PROC2_MODE_BASED_EPT_EXEC, "mode-based execute control for EPT"},
    {1, VMX_PROC2_SUBPAGE_WRITE, "sub-page write permissions for EPT"},
    {1, VMX_PROC2_PT_USES_GPA, "Intel PT uses guest-physical addresses"},
    {1, VMX_PROC2_BUS_LOCK_DETECTION, "VMM bus-lock detection"},
    {1, VMX_PROC2_INSTRUCTION_TIMEOUT, "instruction timeout"},
    {1, VMX_PROC2_PASID_TRANSLATION, "PASID translation"},
};

static bool representable(struct sim_engine *e)
{
    const struct entry_ctls *c = &e->ctl;
    if (c->proc2 & VMX_PROC2_ENABLE_EPT)
        return refuse(e, SIM_ENGINE_EPT, "enable EPT (the engine runs guests without EPT)", 0);
    if (!(c->entry & VMX_ENTRY_IA32E_MODE_GUEST))
        return refuse(e, SIM_ENGINE_NOT_LONG_MODE, "not an IA-32e mode guest", 0);
    if (!(V(GUEST_CS_AR_BYTES) & AR_L))
        return refuse(e, SIM_ENGINE_NOT_LONG_MODE, "compatibility mode (CS.L = 0)",
                      V(GUEST_CS_AR_BYTES));
    for (size_t i = 0; i < sizeof unmodelled / sizeof unmodelled[0]; i++) {
        uint32_t word = unmodelled[i].word ? c->proc2 : c->pin;
        if (word & unmodelled[i].bit)
            return refuse(e, SIM_ENGINE_CONTROL, unmodelled[i].name, unmodelled[i].bit);
    }
    if (c->proc3 & ~(uint64_t)VMX_PROC3_LOADIWKEY_EXITING)
        return refuse(e, SIM_ENGINE_CONTROL, "tertiary processor-based controls", c->proc3);
    uint64_t activity = V(GUEST_ACTIVITY_STATE);
    if (activity > 1)
        return refuse(e, SIM_ENGINE_ACTIVITY, "activity state shutdown or wait-for-SIPI", activity);
    if ((c->entry & VMX_ENTRY_LOAD_DEBUG_CTLS) && (V(GUEST_DR7) & 0xff))
        return refuse(e, SIM_ENGINE_DEBUG, "DR7 with enabled breakpoints", V(GUEST_DR7));
    if (V(GUEST_PENDING_DBG_EXCEPTIONS))
        return refuse(e, SIM_ENGINE_DEBUG, "pending debug exceptions",
                      V(GUEST_PENDING_DBG_EXCEPTIONS));
    if (V(GUEST_CR4) & CR4_UNSUPPORTED)
        return refuse(e, SIM_ENGINE_REGISTER, "CR4 feature the engine's CPU model lacks",
                      V(GUEST_CR4) & CR4_UNSUPPORTED);
    return true;
}

/* ---- loading ---- */

static uint32_t ar_to_flags(uint32_t ar)
{
    return (ar & AR_UNUSABLE) ? 0 : (ar & 0xf0ff) << 8;
}

static uint32_t flags_to_ar(uint32_t flags)
{
    return (flags >> 8) & 0xf0ff;
}

static bool same_seg(const struct sim_engine *e, unsigned s)
{
    const struct seg_fields *f = &seg_fields[s];
    const struct seg_model *m = &e->seg[s];
    return vmcs_get(e->vmcs, f->sel) == m->sel && vmcs_get(e->vmcs, f->base) == m->base &&
           vmcs_get(e->vmcs, f->limit) == m->limit && vmcs_get(e->vmcs, f->ar) == m->ar;
}

/* Restores the CPL 0 processor (keeping the MSRs Unicorn holds). */
static void reset_cpl(struct sim_engine *e)
{
    static const uint32_t keep[] = {
        VMM_MSR_IA32_STAR, VMM_MSR_IA32_LSTAR, VMM_MSR_IA32_CSTAR, VMM_MSR_IA32_FMASK,
        VMM_MSR_IA32_KERNEL_GS_BASE, VMM_MSR_IA32_TSC_AUX, VMM_MSR_IA32_EFER,
    };
    uc_x86_msr saved[sizeof keep / sizeof keep[0]];
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        saved[i] = (uc_x86_msr){keep[i], 0};
        uc_reg_read(e->uc, UC_X86_REG_MSR, &saved[i]);
    }
    uc_context_restore(e->uc, e->clean);
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
        if (keep[i] != VMM_MSR_IA32_EFER) /* EFER is loaded with CR0 below */
            uc_reg_write(e->uc, UC_X86_REG_MSR, &saved[i]);
}

static bool load_control_regs(struct sim_engine *e)
{
    uint64_t efer = 0;
    uc_x86_msr m = {VMM_MSR_IA32_EFER, 0};
    uc_reg_read(e->uc, UC_X86_REG_MSR, &m);
    if (e->ctl.entry & VMX_ENTRY_LOAD_EFER)
        efer = V(GUEST_IA32_EFER);
    else
        efer = (m.value & ~(VMM_EFER_LME | VMM_EFER_LMA)) | VMM_EFER_LME | VMM_EFER_LMA;
    uint64_t cr0 = (V(GUEST_CR0) & CR0_LOADED) | (eng_reg(e, UC_X86_REG_CR0) & ~CR0_LOADED &
                                                  0xffffffffull);
    uint64_t cr4 = V(GUEST_CR4) & ~CR4_MODEL_BITS;
    e->cr4_model = V(GUEST_CR4) & CR4_MODEL_BITS;
    /* CR2 first: Unicorn 2.1.1 writes CR3 along with it. Then CR4 (PAE) before CR0 (PG). */
    eng_set(e, UC_X86_REG_CR2, e->cr2);
    eng_set(e, UC_X86_REG_CR4, cr4);
    eng_set(e, UC_X86_REG_CR3, V(GUEST_CR3));
    m.value = efer;
    uc_reg_write(e->uc, UC_X86_REG_MSR, &m);
    eng_set(e, UC_X86_REG_CR0, cr0);
    m.value = 0;
    uc_reg_read(e->uc, UC_X86_REG_MSR, &m);
    if (eng_reg(e, UC_X86_REG_CR0) != cr0)
        return refuse(e, SIM_ENGINE_REGISTER, "CR0", cr0);
    if (eng_reg(e, UC_X86_REG_CR4) != cr4)
        return refuse(e, SIM_ENGINE_REGISTER, "CR4", cr4);
    if (eng_reg(e, UC_X86_REG_CR3) != V(GUEST_CR3))
        return refuse(e, SIM_ENGINE_REGISTER, "CR3", V(GUEST_CR3));
    if ((m.value | VMM_EFER_LMA) != (efer | VMM_EFER_LMA) || !(m.value & VMM_EFER_LMA))
        return refuse(e, SIM_ENGINE_REGISTER, "IA32_EFER", efer);
    return true;
}

static void load_segments(struct sim_engine *e)
{
    for (unsigned s = SEG_ES; s <= SEG_GS; s++) {
        const struct seg_fields *f = &seg_fields[s];
        uint64_t sel = vmcs_get(e->vmcs, f->sel);
        uc_reg_write(e->uc, f->reg, &sel); /* FS/GS: may refuse a selector its GDT lacks */
    }
    eng_set(e, UC_X86_REG_FS_BASE, V(GUEST_FS_BASE));
    eng_set(e, UC_X86_REG_GS_BASE, V(GUEST_GS_BASE));
    for (unsigned s = SEG_LDTR; s <= SEG_TR; s++) {
        const struct seg_fields *f = &seg_fields[s];
        uint32_t ar = (uint32_t)vmcs_get(e->vmcs, f->ar);
        uc_x86_mmr mmr = {0};
        if (!(ar & AR_UNUSABLE))
            mmr = (uc_x86_mmr){(uint16_t)vmcs_get(e->vmcs, f->sel), vmcs_get(e->vmcs, f->base),
                               (uint32_t)vmcs_get(e->vmcs, f->limit), ar_to_flags(ar)};
        else
            mmr.selector = (uint16_t)vmcs_get(e->vmcs, f->sel);
        uc_reg_write(e->uc, f->reg, &mmr);
    }
    uc_x86_mmr gdtr = {0, V(GUEST_GDTR_BASE), (uint32_t)V(GUEST_GDTR_LIMIT), 0};
    uc_x86_mmr idtr = {0, V(GUEST_IDTR_BASE), (uint32_t)V(GUEST_IDTR_LIMIT), 0};
    uc_reg_write(e->uc, UC_X86_REG_GDTR, &gdtr);
    uc_reg_write(e->uc, UC_X86_REG_IDTR, &idtr);
    for (unsigned s = 0; s < SEG_COUNT; s++) {
        const struct seg_fields *f = &seg_fields[s];
        uint16_t sel = (uint16_t)vmcs_get(e->vmcs, f->sel);
        e->seg[s] = (struct seg_model){
            .sel = sel,
            .uc_sel = s <= SEG_GS ? (uint16_t)eng_reg(e, f->reg) : sel,
            .base = vmcs_get(e->vmcs, f->base),
            .limit = (uint32_t)vmcs_get(e->vmcs, f->limit),
            .ar = (uint32_t)vmcs_get(e->vmcs, f->ar),
        };
    }
}

static void load_msrs(struct sim_engine *e)
{
    uc_x86_msr m[] = {
        {VMM_MSR_IA32_SYSENTER_CS, V(GUEST_SYSENTER_CS)},
        {VMM_MSR_IA32_SYSENTER_ESP, V(GUEST_SYSENTER_ESP)},
        {VMM_MSR_IA32_SYSENTER_EIP, V(GUEST_SYSENTER_EIP)},
        {VMM_MSR_IA32_PAT, V(GUEST_IA32_PAT)},
    };
    size_t n = (e->ctl.entry & VMX_ENTRY_LOAD_PAT) ? 4 : 3;
    for (size_t i = 0; i < n; i++)
        uc_reg_write(e->uc, UC_X86_REG_MSR, &m[i]);
    if (e->ctl.entry & VMX_ENTRY_LOAD_DEBUG_CTLS) {
        e->dr[7] = V(GUEST_DR7);
        e->debugctl = V(GUEST_IA32_DEBUGCTL);
    }
}

bool state_load(struct sim_engine *e, enum vmm_entry_kind kind, const struct vmm_guest_gprs *gprs)
{
    if (!representable(e))
        return false;
    bool same = e->loaded && e->loaded_vmcs == e->sim->current && kind == VMM_RESUME;
    bool keep_cs_ss = same && same_seg(e, SEG_CS) && same_seg(e, SEG_SS);
    unsigned cpl = (unsigned)(V(GUEST_SS_AR_BYTES) >> 5) & 3;
    if (cpl != 0 && !keep_cs_ss)
        return refuse(e, SIM_ENGINE_CPL, "CPL 3 at an entry that loads CS and SS", cpl);
    e->loaded = false; /* until the load completes */
    if (!keep_cs_ss && eng_cpl(e) != 0)
        reset_cpl(e);
    e->cr2 = gprs->cr2;
    if (!load_control_regs(e))
        return false;
    for (unsigned i = 0; i < 15; i++)
        eng_set(e, gpr_regs[i], *gpr_slot((struct vmm_guest_gprs *)gprs, i));
    eng_set(e, UC_X86_REG_RSP, V(GUEST_RSP));
    eng_set(e, UC_X86_REG_RFLAGS, V(GUEST_RFLAGS));
    eng_set(e, UC_X86_REG_RIP, V(GUEST_RIP));
    if (keep_cs_ss) {
        struct seg_model cs = e->seg[SEG_CS], ss = e->seg[SEG_SS];
        load_segments(e);
        eng_set(e, UC_X86_REG_CS, cs.uc_sel);
        eng_set(e, UC_X86_REG_SS, ss.uc_sel);
        e->seg[SEG_CS] = cs;
        e->seg[SEG_SS] = ss;
    } else {
        load_segments(e);
    }
    load_msrs(e);
    uint32_t intr = (uint32_t)V(GUEST_INTERRUPTIBILITY_INFO);
    e->shadow_at = (intr & 3) ? e->icount : ~0ull;
    e->shadow_sti = intr & 1;
    e->shadow_movss = intr & 2;
    e->nmi_blocked = intr & 8;
    e->halted = V(GUEST_ACTIVITY_STATE) == 1;
    e->loaded = true;
    e->loaded_vmcs = e->sim->current;
    return true;
}

/* ---- storing ---- */

/* The hidden part of `sel` as loading it from the guest's descriptor table gives. */
static bool descriptor_of(struct sim_engine *e, uint16_t sel, struct seg_model *out)
{
    if ((sel & 0xfffc) == 0) {
        *out = (struct seg_model){.sel = sel, .ar = AR_UNUSABLE};
        return true;
    }
    uc_x86_mmr table;
    uc_reg_read(e->uc, (sel & 4) ? UC_X86_REG_LDTR : UC_X86_REG_GDTR, &table);
    uint64_t d;
    if ((uint32_t)(sel | 7) > table.limit ||
        lin_read(e, table.base + (sel & ~7u), &d, 8, PAGING_ACCESS_IMPLICIT, NULL) != VMM_OK)
        return false;
    uint32_t lo = (uint32_t)d, hi = (uint32_t)(d >> 32);
    uint32_t limit = (lo & 0xffff) | (hi & 0xf0000);
    if (hi & (1u << 23))
        limit = limit << 12 | 0xfff;
    uint32_t ar = flags_to_ar(hi);
    if (ar & (1u << 4))
        ar |= 1; /* loading a code/data segment sets its accessed bit */
    *out = (struct seg_model){
        .sel = sel,
        .base = (lo >> 16) | (uint64_t)(hi & 0xff) << 16 | (uint64_t)(hi & 0xff000000u),
        .limit = limit,
        .ar = ar,
    };
    return true;
}

static void store_segments(struct sim_engine *e)
{
    for (unsigned s = SEG_ES; s <= SEG_GS; s++) {
        const struct seg_fields *f = &seg_fields[s];
        struct seg_model *m = &e->seg[s];
        uint16_t now = (uint16_t)eng_reg(e, f->reg);
        if (now != m->uc_sel) {
            struct seg_model loaded;
            if (descriptor_of(e, now, &loaded))
                *m = loaded;
            else
                m->sel = now;
        }
        m->uc_sel = now;
        if (s == SEG_FS || s == SEG_GS)
            m->base = eng_reg(e, s == SEG_FS ? UC_X86_REG_FS_BASE : UC_X86_REG_GS_BASE);
        if (s == SEG_CS || s == SEG_SS) /* the selector's RPL is the CPL */
            m->sel = now;
    }
    for (unsigned s = SEG_LDTR; s <= SEG_TR; s++) {
        uc_x86_mmr mmr;
        uc_reg_read(e->uc, seg_fields[s].reg, &mmr);
        bool unusable = s == SEG_LDTR && (mmr.selector & 0xfffc) == 0;
        e->seg[s] = (struct seg_model){
            .sel = mmr.selector, .uc_sel = mmr.selector, .base = mmr.base, .limit = mmr.limit,
            .ar = unusable ? AR_UNUSABLE : flags_to_ar(mmr.flags)};
    }
    for (unsigned s = 0; s < SEG_COUNT; s++) {
        const struct seg_fields *f = &seg_fields[s];
        vmcs_set(e->vmcs, f->sel, e->seg[s].sel);
        vmcs_set(e->vmcs, f->base, e->seg[s].base);
        vmcs_set(e->vmcs, f->limit, e->seg[s].limit);
        vmcs_set(e->vmcs, f->ar, e->seg[s].ar);
    }
    uc_x86_mmr gdtr, idtr;
    uc_reg_read(e->uc, UC_X86_REG_GDTR, &gdtr);
    uc_reg_read(e->uc, UC_X86_REG_IDTR, &idtr);
    SETV(GUEST_GDTR_BASE, gdtr.base);
    SETV(GUEST_GDTR_LIMIT, gdtr.limit);
    SETV(GUEST_IDTR_BASE, idtr.base);
    SETV(GUEST_IDTR_LIMIT, idtr.limit);
}

static uint64_t read_msr(struct sim_engine *e, uint32_t index)
{
    uint64_t v = 0;
    msr_read(e, index, &v);
    return v;
}

void state_store(struct sim_engine *e, struct vmm_guest_gprs *gprs)
{
    for (unsigned i = 0; i < 15; i++)
        *gpr_slot(gprs, i) = eng_reg(e, gpr_regs[i]);
    gprs->cr2 = e->cr2;
    SETV(GUEST_RIP, eng_reg(e, UC_X86_REG_RIP));
    SETV(GUEST_RSP, eng_reg(e, UC_X86_REG_RSP));
    SETV(GUEST_RFLAGS, eng_reg(e, UC_X86_REG_RFLAGS));
    SETV(GUEST_CR0, eng_reg(e, UC_X86_REG_CR0));
    SETV(GUEST_CR3, eng_reg(e, UC_X86_REG_CR3));
    SETV(GUEST_CR4, eng_cr4(e));
    uint64_t efer = read_msr(e, VMM_MSR_IA32_EFER);
    if (e->ctl.exit & VMX_EXIT_SAVE_EFER)
        SETV(GUEST_IA32_EFER, efer);
    if (e->sim->caps.exit_stores_lma) {
        uint64_t entry = V(VM_ENTRY_CONTROLS) & ~(uint64_t)VMX_ENTRY_IA32E_MODE_GUEST;
        SETV(VM_ENTRY_CONTROLS, entry | ((efer & VMM_EFER_LMA) ? VMX_ENTRY_IA32E_MODE_GUEST : 0));
    }
    if (e->ctl.exit & VMX_EXIT_SAVE_PAT)
        SETV(GUEST_IA32_PAT, read_msr(e, VMM_MSR_IA32_PAT));
    if (e->ctl.exit & VMX_EXIT_SAVE_DEBUG_CTLS) {
        SETV(GUEST_DR7, e->dr[7]);
        SETV(GUEST_IA32_DEBUGCTL, e->debugctl);
    }
    SETV(GUEST_SYSENTER_CS, read_msr(e, VMM_MSR_IA32_SYSENTER_CS));
    SETV(GUEST_SYSENTER_ESP, read_msr(e, VMM_MSR_IA32_SYSENTER_ESP));
    SETV(GUEST_SYSENTER_EIP, read_msr(e, VMM_MSR_IA32_SYSENTER_EIP));
    store_segments(e);
    bool shadow = eng_shadow(e);
    SETV(GUEST_INTERRUPTIBILITY_INFO, (shadow && e->shadow_sti ? 1u : 0) |
                                          (shadow && e->shadow_movss ? 2u : 0) |
                                          (e->nmi_blocked ? 8u : 0));
    SETV(GUEST_ACTIVITY_STATE, e->halted ? 1 : 0);
    SETV(GUEST_PENDING_DBG_EXCEPTIONS, 0);
    if (e->timer_on && (e->ctl.exit & VMX_EXIT_SAVE_PREEMPTION_TIMER)) {
        unsigned x = e->sim->caps.preemption_timer_shift;
        uint64_t left = e->timer_expiry > e->icount ? (e->timer_expiry >> x) - (e->icount >> x) : 0;
        SETV(VMX_PREEMPTION_TIMER_VALUE, left);
    }
}

/* ---- MSR lists ---- */

static void msr_entry(struct sim_engine *e, uint64_t area, uint32_t i, uint32_t *index,
                      uint64_t *value)
{
    uint8_t b[16];
    sim_phys_read(e->sim, area + 16ull * i, b, sizeof b);
    memcpy(index, b, 4);
    memcpy(value, b + 8, 8);
}

void state_entry_msrs(struct sim_engine *e)
{
    uint64_t area = V(VM_ENTRY_MSR_LOAD_ADDR);
    for (uint32_t i = 0; i < (uint32_t)V(VM_ENTRY_MSR_LOAD_COUNT); i++) {
        uint32_t index;
        uint64_t value;
        msr_entry(e, area, i, &index, &value);
        msr_write(e, index, value); /* the validator accepted every entry */
    }
}

void state_exit_msrs(struct sim_engine *e)
{
    uint64_t store = V(VM_EXIT_MSR_STORE_ADDR);
    for (uint32_t i = 0; i < (uint32_t)V(VM_EXIT_MSR_STORE_COUNT); i++) {
        uint32_t index;
        uint64_t value;
        msr_entry(e, store, i, &index, &value);
        value = read_msr(e, index);
        sim_phys_write(e->sim, store + 16ull * i + 8, &value, 8);
    }
    /* The host's values go into the processor, which the next entry's guest then sees. */
    uint64_t load = V(VM_EXIT_MSR_LOAD_ADDR);
    for (uint32_t i = 0; i < (uint32_t)V(VM_EXIT_MSR_LOAD_COUNT); i++) {
        uint32_t index;
        uint64_t value;
        msr_entry(e, load, i, &index, &value);
        msr_write(e, index, value);
    }
}
