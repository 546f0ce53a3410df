/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest state between the VMCS and Unicorn.
 *
 * Unicorn holds: general-purpose registers, RIP, RSP, RFLAGS, CR0, CR2,
 * CR3, CR4, EFER and the other MSRs it knows, GDTR, IDTR, LDTR and TR
 * (selector, base, limit, attributes). The segment registers ES ... GS
 * with their hidden parts, CPL and the code size are reached through its
 * context (segcache.c), so every mode loads and stores exactly: real mode
 * (unrestricted guest), 16- and 32-bit protected mode with or without
 * paging (32-bit, PAE), virtual-8086, compatibility and 64-bit mode, at
 * any CPL. With
 * EPT and PAE paging the PDPTEs come from the VMCS at entry and go back to
 * it at the exit (the model's PDPTE registers; without EPT Unicorn reads
 * them from memory at every walk).
 *
 * A mirror of what Unicorn holds lets a VMRESUME of the same VMCS write only
 * what the VMM changed (every control-register write flushes Unicorn's TLB
 * and jump cache, microseconds each) and an exit read the registers in one
 * batch.
 *
 * What cannot be represented makes entry fail (VMX_FAULT_UD, nothing
 * changed, sim_engine_last() says why): virtual-8086 mode extensions,
 * controls whose behaviour is not modelled, armed debug registers, CR4
 * features Unicorn's CPU model lacks, activity states shutdown and
 * wait-for-SIPI.
 */
#include <string.h>

#include "engine_internal.h"

#define V(name) vmcs_get(e->vmcs, VMCS_##name)
#define SETV(name, x) vmcs_set(e->vmcs, VMCS_##name, (x))

#define AR_UNUSABLE (1u << 16)
#define RFLAGS_VM (1ull << 17)
#define CR0_PE (1ull << 0)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_VME_PVI 3ull
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

static const enum vmcs_field_id pdpte_fields[4] = {VMCS_GUEST_PDPTR0, VMCS_GUEST_PDPTR1,
                                                   VMCS_GUEST_PDPTR2, VMCS_GUEST_PDPTR3};

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
    if ((V(GUEST_RFLAGS) & RFLAGS_VM) && (V(GUEST_CR4) & CR4_VME_PVI))
        return refuse(e, SIM_ENGINE_MODE, "virtual-8086 mode extensions (CR4.VME, CR4.PVI)",
                      V(GUEST_CR4));
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
    const struct seg_state *m = &e->seg[s];
    return vmcs_get(e->vmcs, f->sel) == m->sel && vmcs_get(e->vmcs, f->base) == m->base &&
           vmcs_get(e->vmcs, f->limit) == m->limit && vmcs_get(e->vmcs, f->ar) == m->ar;
}

static uint64_t msr_get(struct sim_engine *e, uint32_t index)
{
    uc_x86_msr m = {index, 0};
    uc_reg_read(e->uc, UC_X86_REG_MSR, &m);
    return m.value;
}

static void msr_put(struct sim_engine *e, uint32_t index, uint64_t value)
{
    uc_x86_msr m = {index, value};
    uc_reg_write(e->uc, UC_X86_REG_MSR, &m);
}

/* The registers read and written in one batch, and where the mirror keeps them. */
enum { BATCH_GPRS = 16, BATCH_COUNT = 16 + 5 + 6 + 2 };

static const int batch_regs[BATCH_COUNT] = {
    UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX, UC_X86_REG_RSP,
    UC_X86_REG_RBP, UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_R8,  UC_X86_REG_R9,
    UC_X86_REG_R10, UC_X86_REG_R11, UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14,
    UC_X86_REG_R15, UC_X86_REG_RIP, UC_X86_REG_RFLAGS, UC_X86_REG_CR0, UC_X86_REG_CR3,
    UC_X86_REG_CR4, UC_X86_REG_ES,  UC_X86_REG_CS,  UC_X86_REG_SS,  UC_X86_REG_DS,
    UC_X86_REG_FS,  UC_X86_REG_GS,  UC_X86_REG_FS_BASE, UC_X86_REG_GS_BASE,
};

static void batch_slots(struct mirror *m, uint64_t *slots[BATCH_COUNT])
{
    for (unsigned i = 0; i < 16; i++)
        slots[i] = &m->gpr[i];
    uint64_t *rest[] = {&m->rip,    &m->rflags, &m->cr0,    &m->cr3,    &m->cr4,
                        &m->sel[0], &m->sel[1], &m->sel[2], &m->sel[3], &m->sel[4],
                        &m->sel[5], &m->fs_base, &m->gs_base};
    for (unsigned i = 0; i < sizeof rest / sizeof rest[0]; i++)
        slots[16 + i] = rest[i];
}

/* Reads everything the mirror holds (descriptor-table registers and MSRs only when dirty). */
static void mirror_read(struct sim_engine *e)
{
    struct mirror *m = &e->mirror;
    uint64_t *slots[BATCH_COUNT];
    batch_slots(m, slots);
    memset(m->sel, 0, sizeof m->sel); /* selectors are read as 16 bits */
    uc_reg_read_batch(e->uc, (int *)batch_regs, (void **)slots, BATCH_COUNT);
    if (e->dt_dirty || !m->valid) {
        uc_reg_read(e->uc, UC_X86_REG_GDTR, &m->gdtr);
        uc_reg_read(e->uc, UC_X86_REG_IDTR, &m->idtr);
        uc_reg_read(e->uc, UC_X86_REG_LDTR, &m->ldtr);
        uc_reg_read(e->uc, UC_X86_REG_TR, &m->tr);
    }
    if (e->msr_dirty || !m->valid) {
        m->efer = msr_get(e, VMM_MSR_IA32_EFER);
        m->pat = msr_get(e, VMM_MSR_IA32_PAT);
        for (unsigned i = 0; i < 3; i++)
            m->sysenter[i] = msr_get(e, VMM_MSR_IA32_SYSENTER_CS + i);
    }
    m->valid = true;
    e->dt_dirty = e->msr_dirty = false;
    e->cr3 = m->cr3;
}

/* The value VM entry loads into each register of the batch (Unicorn's CR4: without model bits). */
static void wanted(struct sim_engine *e, const struct vmm_guest_gprs *g, uint64_t v[BATCH_COUNT])
{
    const uint64_t gprs[16] = {g->rax, g->rcx, g->rdx, g->rbx, V(GUEST_RSP), g->rbp, g->rsi,
                               g->rdi, g->r8,  g->r9,  g->r10, g->r11, g->r12, g->r13, g->r14,
                               g->r15};
    memcpy(v, gprs, sizeof gprs);
    v[16] = V(GUEST_RIP);
    v[17] = V(GUEST_RFLAGS);
    v[18] = (V(GUEST_CR0) & CR0_LOADED) | (e->mirror.cr0 & ~CR0_LOADED & 0xffffffffull);
    v[19] = V(GUEST_CR3);
    v[20] = V(GUEST_CR4) & ~CR4_MODEL_BITS;
    for (unsigned s = 0; s < 6; s++)
        v[21 + s] = vmcs_get(e->vmcs, seg_fields[s].sel);
    v[27] = V(GUEST_FS_BASE);
    v[28] = V(GUEST_GS_BASE);
}

static uint64_t wanted_efer(struct sim_engine *e)
{
    if (e->ctl.entry & VMX_ENTRY_LOAD_EFER)
        return V(GUEST_IA32_EFER);
    /* Without "load IA32_EFER", LMA (and LME) follow "IA-32e mode guest". */
    bool ia32e = e->ctl.entry & VMX_ENTRY_IA32E_MODE_GUEST;
    return (e->mirror.efer & ~(VMM_EFER_LME | VMM_EFER_LMA)) |
           (ia32e ? VMM_EFER_LME | VMM_EFER_LMA : 0);
}

/*
 * Takes Unicorn out of IA-32e mode: EFER.LMA is read-only and changes only
 * when CR0.PG does (Unicorn's start-up state even has LMA with PG = 0, so
 * paging is turned on first there).
 */
static void leave_ia32e(struct sim_engine *e)
{
    struct mirror *m = &e->mirror;
    uint64_t cr0 = m->cr0;
    if (!(cr0 & CR0_PG)) {
        eng_set(e, UC_X86_REG_CR4, m->cr4 | CR4_PAE);
        msr_put(e, VMM_MSR_IA32_EFER, m->efer | VMM_EFER_LME);
        cr0 |= CR0_PG | CR0_PE;
        eng_set(e, UC_X86_REG_CR0, cr0);
    }
    eng_set(e, UC_X86_REG_CR0, cr0 & ~CR0_PG);
}

/*
 * CR2, CR4, CR3, EFER, CR0 where they differ from what Unicorn holds, in an
 * order Unicorn accepts: CR2 first (a CR2 write also writes CR3 in 2.1.1),
 * CR4.PAE before CR0.PG; an entry that leaves or enters IA-32e mode goes
 * through paging off (LMA follows CR0.PG transitions only). Every write
 * flushes Unicorn's TLB, so unchanged registers are left alone. Read back:
 * a value Unicorn does not keep refuses. *moved: the control registers
 * changed (segments must be written again: QEMU derives its mode from both).
 */
static bool load_control_regs(struct sim_engine *e, const uint64_t v[BATCH_COUNT], bool all,
                              bool cr2, bool *moved)
{
    struct mirror *m = &e->mirror;
    uint64_t efer = wanted_efer(e);
    bool want_lma = (v[18] & CR0_PG) && (efer & VMM_EFER_LME);
    bool switch_ia32e = want_lma != ((m->efer & VMM_EFER_LMA) != 0);
    bool cr4 = all || switch_ia32e || v[20] != m->cr4, cr3 = all || cr2 || v[19] != m->cr3;
    bool ef = all || switch_ia32e || efer != m->efer;
    bool cr0 = all || switch_ia32e || v[18] != m->cr0;
    if (cr2)
        eng_set(e, UC_X86_REG_CR2, e->cr2);
    if (switch_ia32e) {
        leave_ia32e(e);
        cr3 = true;
    }
    if (cr4)
        eng_set(e, UC_X86_REG_CR4, v[20]);
    if (cr3)
        eng_set(e, UC_X86_REG_CR3, v[19]);
    if (ef)
        msr_put(e, VMM_MSR_IA32_EFER, efer);
    if (cr0)
        eng_set(e, UC_X86_REG_CR0, v[18]);
    *moved = cr4 || ef || cr0;
    if (!(cr4 || cr3 || ef || cr0))
        return true;
    e->plan.tlb_gen++;
    m->cr0 = eng_reg(e, UC_X86_REG_CR0);
    m->cr3 = eng_reg(e, UC_X86_REG_CR3);
    m->cr4 = eng_reg(e, UC_X86_REG_CR4);
    m->efer = msr_get(e, VMM_MSR_IA32_EFER);
    e->cr3 = m->cr3;
    if (m->cr0 != v[18])
        return refuse(e, SIM_ENGINE_REGISTER, "CR0", v[18]);
    if (m->cr4 != v[20])
        return refuse(e, SIM_ENGINE_REGISTER, "CR4", v[20]);
    if (m->cr3 != v[19])
        return refuse(e, SIM_ENGINE_REGISTER, "CR3", v[19]);
    if ((m->efer | VMM_EFER_LMA) != (efer | VMM_EFER_LMA) ||
        ((m->efer & VMM_EFER_LMA) != 0) != want_lma)
        return refuse(e, SIM_ENGINE_REGISTER, "IA32_EFER", efer);
    return true;
}

/* General-purpose registers, RIP, RFLAGS that differ (segments: load_segments). */
static void load_batch(struct sim_engine *e, const uint64_t v[BATCH_COUNT], bool all)
{
    struct mirror *m = &e->mirror;
    uint64_t *slots[BATCH_COUNT];
    batch_slots(m, slots);
    int regs[BATCH_COUNT];
    const void *vals[BATCH_COUNT];
    int n = 0;
    for (unsigned i = 0; i < 18; i++) {
        if (!all && *slots[i] == v[i])
            continue;
        regs[n] = batch_regs[i];
        vals[n] = &v[i];
        n++;
    }
    if (n)
        uc_reg_write_batch(e->uc, regs, (void *const *)vals, n);
}

/* ES ... GS with their hidden parts, where they differ (or the mode they set may have). */
static void load_segments(struct sim_engine *e, bool all, bool moved)
{
    struct seg_state s[SEG_DATA_COUNT];
    unsigned mask = 0;
    for (unsigned i = 0; i < SEG_DATA_COUNT; i++) {
        const struct seg_fields *f = &seg_fields[i];
        s[i] = (struct seg_state){
            .sel = (uint16_t)vmcs_get(e->vmcs, f->sel),
            .base = vmcs_get(e->vmcs, f->base),
            .limit = (uint32_t)vmcs_get(e->vmcs, f->limit),
            .ar = (uint32_t)vmcs_get(e->vmcs, f->ar),
        };
        if (all || !same_seg(e, i))
            mask |= 1u << i;
    }
    if (mask || moved)
        seg_write(e, mask, s);
}

/* PAE paging with EPT: the PDPTE registers come from the VMCS (else from memory at CR3). */
static void load_pdptes(struct sim_engine *e)
{
    /* The mirror holds CR0, CR4 and EFER as Unicorn does (load_control_regs read them back). */
    const struct paging_state ps = {
        .cr0 = e->mirror.cr0, .cr4 = e->mirror.cr4, .efer = e->mirror.efer};
    if (paging_mode_of(&ps) != PAGING_PAE)
        return;
    if (e->ept_on) {
        for (unsigned i = 0; i < 4; i++)
            e->pdpte[i] = vmcs_get(e->vmcs, pdpte_fields[i]);
        return;
    }
    sim_phys_read(e->sim, e->cr3 & 0xffffffe0ull, e->pdpte, sizeof e->pdpte);
}

static void load_tables(struct sim_engine *e, bool all)
{
    struct mirror *m = &e->mirror;
    for (unsigned s = SEG_LDTR; s <= SEG_TR; s++) {
        if (!all && same_seg(e, s))
            continue;
        const struct seg_fields *f = &seg_fields[s];
        uint32_t ar = (uint32_t)vmcs_get(e->vmcs, f->ar);
        uc_x86_mmr mmr = {.selector = (uint16_t)vmcs_get(e->vmcs, f->sel)};
        if (!(ar & AR_UNUSABLE))
            mmr = (uc_x86_mmr){mmr.selector, vmcs_get(e->vmcs, f->base),
                               (uint32_t)vmcs_get(e->vmcs, f->limit), ar_to_flags(ar)};
        uc_reg_write(e->uc, f->reg, &mmr);
        *(s == SEG_LDTR ? &m->ldtr : &m->tr) = mmr;
    }
    uc_x86_mmr gdtr = {0, V(GUEST_GDTR_BASE), (uint32_t)V(GUEST_GDTR_LIMIT), 0};
    uc_x86_mmr idtr = {0, V(GUEST_IDTR_BASE), (uint32_t)V(GUEST_IDTR_LIMIT), 0};
    if (all || gdtr.base != m->gdtr.base || gdtr.limit != m->gdtr.limit)
        uc_reg_write(e->uc, UC_X86_REG_GDTR, &gdtr);
    if (all || idtr.base != m->idtr.base || idtr.limit != m->idtr.limit)
        uc_reg_write(e->uc, UC_X86_REG_IDTR, &idtr);
    m->gdtr = gdtr;
    m->idtr = idtr;
}

static void load_msrs(struct sim_engine *e, bool all)
{
    struct mirror *m = &e->mirror;
    uint64_t sysenter[3] = {V(GUEST_SYSENTER_CS), V(GUEST_SYSENTER_ESP), V(GUEST_SYSENTER_EIP)};
    for (unsigned i = 0; i < 3; i++)
        if (all || sysenter[i] != m->sysenter[i])
            msr_put(e, VMM_MSR_IA32_SYSENTER_CS + i, m->sysenter[i] = sysenter[i]);
    if ((e->ctl.entry & VMX_ENTRY_LOAD_PAT) && (all || V(GUEST_IA32_PAT) != m->pat))
        msr_put(e, VMM_MSR_IA32_PAT, m->pat = V(GUEST_IA32_PAT));
    if (e->ctl.entry & VMX_ENTRY_LOAD_DEBUG_CTLS) {
        e->dr[7] = V(GUEST_DR7);
        e->debugctl = V(GUEST_IA32_DEBUGCTL);
    }
}

static void model_segments(struct sim_engine *e)
{
    for (unsigned s = 0; s < SEG_COUNT; s++) {
        const struct seg_fields *f = &seg_fields[s];
        uint16_t sel = (uint16_t)vmcs_get(e->vmcs, f->sel);
        e->seg[s] = (struct seg_state){
            .sel = sel,
            .base = vmcs_get(e->vmcs, f->base),
            .limit = (uint32_t)vmcs_get(e->vmcs, f->limit),
            .ar = (uint32_t)vmcs_get(e->vmcs, f->ar),
        };
    }
}

bool state_load(struct sim_engine *e, enum vmm_entry_kind kind, const struct vmm_guest_gprs *gprs)
{
    if (!representable(e))
        return false;
    bool same = e->loaded && e->mirror.valid && e->loaded_vmcs == e->sim->current &&
                kind == VMM_RESUME;
    e->loaded = false; /* until the load completes */
    bool all = !same || !e->mirror.valid;
    if (!e->mirror.valid)
        mirror_read(e);
    bool cr2 = all || gprs->cr2 != e->cr2;
    e->cr2 = gprs->cr2;
    uint64_t v[BATCH_COUNT];
    wanted(e, gprs, v);
    e->cr4_model = V(GUEST_CR4) & CR4_MODEL_BITS;
    bool moved = false;
    if (!load_control_regs(e, v, all, cr2, &moved)) {
        e->mirror.valid = false;
        return false;
    }
    if (moved)
        eng_set(e, UC_X86_REG_RIP, v[16]); /* leaving IA-32e mode truncates RIP */
    load_batch(e, v, all);
    load_segments(e, all, moved);
    load_tables(e, all);
    load_msrs(e, all);
    model_segments(e);
    load_pdptes(e);
    uint64_t *slots[BATCH_COUNT];
    batch_slots(&e->mirror, slots);
    for (unsigned i = 0; i < BATCH_COUNT; i++)
        if (i < 18 || i > 20) /* control registers are already exact */
            *slots[i] = v[i];
    uint32_t intr = (uint32_t)V(GUEST_INTERRUPTIBILITY_INFO);
    e->shadow_at = (intr & 3) ? e->icount : ~0ull;
    e->shadow_sti = intr & 1;
    e->shadow_movss = intr & 2;
    e->nmi_blocked = intr & 8;
    e->halted = V(GUEST_ACTIVITY_STATE) == 1;
    e->seg_dirty = false; /* the caches hold what e->seg says */
    e->loaded = true;
    e->loaded_vmcs = e->sim->current;
    return true;
}

/* ---- storing ---- */

static void store_segments(struct sim_engine *e)
{
    const struct mirror *mr = &e->mirror;
    if (e->seg_dirty) {
        struct seg_state now[SEG_DATA_COUNT];
        seg_read(e, now);
        memcpy(e->seg, now, sizeof now);
        e->seg_dirty = false;
    }
    /* FS/GS bases also change without a load (WRFSBASE, SWAPGS, WRMSR): the batch read them. */
    e->seg[SEG_FS].base = mr->fs_base;
    e->seg[SEG_GS].base = mr->gs_base;
    for (unsigned s = SEG_LDTR; s <= SEG_TR; s++) {
        const uc_x86_mmr *mmr = s == SEG_LDTR ? &mr->ldtr : &mr->tr;
        bool unusable = s == SEG_LDTR && (mmr->selector & 0xfffc) == 0;
        e->seg[s] = (struct seg_state){
            .sel = mmr->selector, .base = mmr->base,
            .limit = mmr->limit, .ar = unusable ? AR_UNUSABLE : flags_to_ar(mmr->flags)};
    }
    for (unsigned s = 0; s < SEG_COUNT; s++) {
        const struct seg_fields *f = &seg_fields[s];
        vmcs_set(e->vmcs, f->sel, e->seg[s].sel);
        vmcs_set(e->vmcs, f->base, e->seg[s].base);
        vmcs_set(e->vmcs, f->limit, e->seg[s].limit);
        vmcs_set(e->vmcs, f->ar, e->seg[s].ar);
    }
    SETV(GUEST_GDTR_BASE, mr->gdtr.base);
    SETV(GUEST_GDTR_LIMIT, mr->gdtr.limit);
    SETV(GUEST_IDTR_BASE, mr->idtr.base);
    SETV(GUEST_IDTR_LIMIT, mr->idtr.limit);
}

/* With EPT and PAE paging the exit saves the PDPTE registers. */
static void store_pdptes(struct sim_engine *e)
{
    if (!e->ept_on || !lin_pae(e))
        return;
    for (unsigned i = 0; i < 4; i++)
        vmcs_set(e->vmcs, pdpte_fields[i], e->pdpte[i]);
}

void state_store(struct sim_engine *e, struct vmm_guest_gprs *gprs)
{
    mirror_read(e);
    const struct mirror *m = &e->mirror;
    uint64_t *g[16] = {&gprs->rax, &gprs->rcx, &gprs->rdx, &gprs->rbx, NULL,      &gprs->rbp,
                       &gprs->rsi, &gprs->rdi, &gprs->r8,  &gprs->r9,  &gprs->r10, &gprs->r11,
                       &gprs->r12, &gprs->r13, &gprs->r14, &gprs->r15};
    for (unsigned i = 0; i < 16; i++)
        if (g[i])
            *g[i] = m->gpr[i];
    gprs->cr2 = e->cr2;
    SETV(GUEST_RIP, m->rip);
    SETV(GUEST_RSP, m->gpr[4]);
    SETV(GUEST_RFLAGS, m->rflags);
    SETV(GUEST_CR0, m->cr0);
    SETV(GUEST_CR3, m->cr3);
    SETV(GUEST_CR4, m->cr4 | e->cr4_model);
    if (e->ctl.exit & VMX_EXIT_SAVE_EFER)
        SETV(GUEST_IA32_EFER, m->efer);
    if (e->sim->caps.exit_stores_lma) {
        uint64_t entry = V(VM_ENTRY_CONTROLS) & ~(uint64_t)VMX_ENTRY_IA32E_MODE_GUEST;
        if (m->efer & VMM_EFER_LMA)
            entry |= VMX_ENTRY_IA32E_MODE_GUEST;
        SETV(VM_ENTRY_CONTROLS, entry);
    }
    if (e->ctl.exit & VMX_EXIT_SAVE_PAT)
        SETV(GUEST_IA32_PAT, m->pat);
    if (e->ctl.exit & VMX_EXIT_SAVE_DEBUG_CTLS) {
        SETV(GUEST_DR7, e->dr[7]);
        SETV(GUEST_IA32_DEBUGCTL, e->debugctl);
    }
    SETV(GUEST_SYSENTER_CS, m->sysenter[0]);
    SETV(GUEST_SYSENTER_ESP, m->sysenter[1]);
    SETV(GUEST_SYSENTER_EIP, m->sysenter[2]);
    store_segments(e);
    store_pdptes(e);
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
        value = 0;
        msr_read(e, index, &value);
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
