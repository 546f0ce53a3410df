/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Events: exceptions raised while the guest runs, external interrupts and
 * NMIs arriving at instruction boundaries, and events injected by VM entry.
 * Unicorn never uses the guest's IDT, so the model decides for each event:
 * a VM exit (exception bitmap with the #PF error-code mask/match, NMI and
 * external-interrupt exiting, the interrupt and NMI windows) or delivery
 * through the guest's 64-bit IDT (SDM Vol. 3A "Interrupt and Exception
 * Handling", 64-bit mode): gate checks, IST, the 16-byte-aligned frame
 * SS, RSP, RFLAGS, CS, RIP [, error code], RFLAGS.IF cleared through an
 * interrupt gate. Real-address and 32-bit protected mode deliver through
 * deliver_legacy.c. A fault during delivery combines with the event being
 * delivered (benign / contributory / page fault: #DF, then triple fault),
 * and a VM exit it causes reports that event as IDT-vectoring information.
 *
 * Boundary priority (highest first): pending MTF, VMX-preemption timer,
 * NMI window, NMI, interrupt window, external interrupt.
 */
#include <string.h>

#include "engine_internal.h"

#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_NT (1ull << 14)
#define RFLAGS_RF (1ull << 16)
#define RFLAGS_VM (1ull << 17)

enum ev_class { EV_BENIGN, EV_CONTRIBUTORY, EV_PAGE_FAULT, EV_DOUBLE_FAULT };

static enum ev_class class_of(const struct event *ev)
{
    if (ev->type != VMX_EVENT_HW_EXCEPTION)
        return EV_BENIGN;
    switch (ev->vector) {
    case 0: case 10: case 11: case 12: case 13: return EV_CONTRIBUTORY;
    case 14: return EV_PAGE_FAULT;
    case 8: return EV_DOUBLE_FAULT;
    default: return EV_BENIGN;
    }
}

bool ev_software(uint8_t type)
{
    return type == VMX_EVENT_SW_INTR || type == VMX_EVENT_PRIV_SW_EXCEPTION ||
           type == VMX_EVENT_SW_EXCEPTION;
}

bool eng_has_error_code(unsigned vector)
{
    return vector < 32 && ((1u << vector) & ((1u << 8) | (0x1fu << 10) | (1u << 17) | (1u << 21)));
}

struct event ev_fault(uint8_t vector, uint32_t error)
{
    return (struct event){.type = VMX_EVENT_HW_EXCEPTION, .vector = vector,
                          .has_error = eng_has_error_code(vector), .error = error};
}

static uint32_t event_info(const struct event *ev)
{
    return ev->vector | (uint32_t)ev->type << VMX_INTR_TYPE_SHIFT |
           (ev->has_error ? VMX_INTR_ERROR_VALID : 0) | VMX_INTR_VALID;
}

/* Whether the exception bitmap (and the #PF error-code mask/match) makes `ev` exit. */
static bool exception_exits(const struct sim_engine *e, const struct event *ev)
{
    if (ev->type != VMX_EVENT_HW_EXCEPTION && ev->type != VMX_EVENT_SW_EXCEPTION &&
        ev->type != VMX_EVENT_PRIV_SW_EXCEPTION)
        return false;
    bool bit = (e->ctl.exc_bitmap >> ev->vector) & 1;
    if (ev->vector == VMX_VEC_PF) {
        bool match = (ev->error & e->ctl.pfec_mask) == e->ctl.pfec_match;
        return bit == match;
    }
    return bit;
}

/* Writes Unicorn's CR2 (and CR3 back: writing CR2 also writes CR3 in 2.1.1). */
static void set_cr2(struct sim_engine *e, uint64_t cr2)
{
    uint64_t cr3 = eng_reg(e, UC_X86_REG_CR3);
    eng_set(e, UC_X86_REG_CR2, cr2);
    eng_set(e, UC_X86_REG_CR3, cr3);
    e->cr2 = cr2;
}

/* A VM exit for exception `ev`, during delivery of `orig` when not NULL. */
static void exit_for_exception(struct sim_engine *e, const struct event *ev,
                               const struct event *orig)
{
    uint64_t qual = ev->vector == VMX_VEC_PF ? ev->cr2 : ev->vector == VMX_VEC_DB ? ev->dr6 : 0;
    exit_set(e, VMX_EXIT_EXCEPTION_NMI, qual);
    e->exit.intr_info = event_info(ev);
    e->exit.intr_error = ev->has_error ? ev->error : 0;
    if (ev_software(ev->type))
        e->exit.len = ev->instr_len;
    if (orig) {
        e->exit.idt_info = event_info(orig);
        e->exit.idt_error = orig->has_error ? orig->error : 0;
        if (ev_software(orig->type))
            e->exit.len = orig->instr_len;
    }
    /* A #PF that exits leaves CR2 as it was. */
    if (ev->vector == VMX_VEC_PF && ev->type == VMX_EVENT_HW_EXCEPTION)
        set_cr2(e, e->cr2);
}

/* ---- IDT delivery ---- */

static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/*
 * What a failed access of delivery means: a #PF (nested), an EPT exit
 * (recorded now; delivery stops), or #GP/#SS for a non-canonical address.
 */
enum delivery ev_access_failed(struct sim_engine *e, int rc, const struct event *pf,
                               struct event *nested, uint8_t vector, uint32_t code)
{
    if (rc == VMM_E_STATE) {
        xlat_ept_exit(e);
        return DELIVERY_STOPPED;
    }
    *nested = rc == VMM_E_FAULT ? *pf : ev_fault(vector, code);
    return NESTED_FAULT;
}

/* Reads the descriptor of `sel` from the GDT or LDT. */
enum delivery ev_read_descriptor(struct sim_engine *e, uint16_t sel, uint32_t ext,
                                 uint64_t *desc, struct event *nested)
{
    uc_x86_mmr table;
    uc_reg_read(e->uc, (sel & 4) ? UC_X86_REG_LDTR : UC_X86_REG_GDTR, &table);
    if ((uint32_t)(sel | 7) > table.limit) {
        *nested = ev_fault(VMX_VEC_GP, (sel & 0xfffc) | ext);
        return NESTED_FAULT;
    }
    struct event pf;
    int rc = lin_read(e, table.base + (sel & ~7u), desc, 8, PAGING_ACCESS_IMPLICIT, &pf);
    return rc == VMM_OK ? DELIVERED : ev_access_failed(e, rc, &pf, nested, VMX_VEC_GP, ext);
}

bool ev_gate_usable(struct sim_engine *e, const struct event *ev, const uint8_t *gate,
                    unsigned types, uint32_t idt_code, struct event *nested)
{
    unsigned type = gate[5] & 0xf, dpl = (gate[5] >> 5) & 3, present = gate[5] >> 7;
    if (!(types & GATE_TYPE(type))) {
        *nested = ev_fault(VMX_VEC_GP, idt_code);
        return false;
    }
    /* INT n, INT3, INTO check the gate's DPL (INT1 and injected hardware events do not). */
    if ((ev->type == VMX_EVENT_SW_INTR || ev->type == VMX_EVENT_SW_EXCEPTION) && eng_cpl(e) > dpl) {
        *nested = ev_fault(VMX_VEC_GP, idt_code);
        return false;
    }
    if (!present) {
        *nested = ev_fault(VMX_VEC_NP, idt_code);
        return false;
    }
    return true;
}

static enum delivery idt_deliver64(struct sim_engine *e, const struct event *ev,
                                   struct event *nested)
{
    uint32_t ext = ev_software(ev->type) ? 0 : 1;
    uint32_t idt_code = (uint32_t)ev->vector * 8 + 2 + ext;
    uc_x86_mmr idtr;
    uc_reg_read(e->uc, UC_X86_REG_IDTR, &idtr);
    if ((uint32_t)ev->vector * 16 + 15 > idtr.limit) {
        *nested = ev_fault(VMX_VEC_GP, idt_code);
        return NESTED_FAULT;
    }
    uint8_t gate[16];
    struct event pf;
    int rc = lin_read(e, idtr.base + ev->vector * 16ull, gate, 16, PAGING_ACCESS_IMPLICIT, &pf);
    if (rc != VMM_OK)
        return ev_access_failed(e, rc, &pf, nested, VMX_VEC_GP, idt_code);
    if (!ev_gate_usable(e, ev, gate, GATE_TYPE(0xe) | GATE_TYPE(0xf), idt_code, nested))
        return NESTED_FAULT;
    unsigned type = gate[5] & 0xf, cpl = eng_cpl(e);
    uint16_t sel = (uint16_t)(gate[2] | gate[3] << 8);
    uint64_t target = gate[0] | (uint64_t)gate[1] << 8 | (uint64_t)gate[6] << 16 |
                      (uint64_t)gate[7] << 24 | (uint64_t)gate[8] << 32 |
                      (uint64_t)gate[9] << 40 | (uint64_t)gate[10] << 48 |
                      (uint64_t)gate[11] << 56;
    unsigned ist = gate[4] & 7;
    if ((sel & 0xfffc) == 0) {
        *nested = ev_fault(VMX_VEC_GP, ext);
        return NESTED_FAULT;
    }
    uint64_t desc;
    enum delivery d = ev_read_descriptor(e, sel, ext, &desc, nested);
    if (d != DELIVERED)
        return d;
    uint32_t hi = (uint32_t)(desc >> 32);
    bool code = (hi & (1u << 12)) && (hi & (1u << 11));
    bool conforming = hi & (1u << 10);
    unsigned cs_dpl = (hi >> 13) & 3;
    bool longmode = (hi & (1u << 21)) && !(hi & (1u << 22));
    if (!code || !longmode || cs_dpl > cpl) {
        *nested = ev_fault(VMX_VEC_GP, (sel & 0xfffc) | ext);
        return NESTED_FAULT;
    }
    if (!(hi & (1u << 15))) {
        *nested = ev_fault(VMX_VEC_NP, (sel & 0xfffc) | ext);
        return NESTED_FAULT;
    }
    unsigned new_cpl = conforming ? cpl : cs_dpl;
    uint64_t rsp = eng_reg(e, UC_X86_REG_RSP);
    uint64_t old_rsp = rsp;
    if (ist || new_cpl != cpl) {
        /* The new stack from the TSS: IST slot n, else RSP0 for the new CPL (0). */
        uc_x86_mmr tr;
        uc_reg_read(e->uc, UC_X86_REG_TR, &tr);
        uint32_t off = ist ? 0x24 + 8 * (ist - 1) : 4 + 8 * new_cpl;
        uint8_t slot[8];
        if (off + 7 > tr.limit) {
            *nested = ev_fault(VMX_VEC_TS, (tr.selector & 0xfffc) | ext);
            return NESTED_FAULT;
        }
        rc = lin_read(e, tr.base + off, slot, 8, PAGING_ACCESS_IMPLICIT, &pf);
        if (rc != VMM_OK)
            return ev_access_failed(e, rc, &pf, nested, VMX_VEC_GP, ext);
        rsp = get64(slot);
    }
    rsp &= ~15ull;
    uint64_t rflags = eng_reg(e, UC_X86_REG_RFLAGS);
    uint64_t rip = eng_reg(e, UC_X86_REG_RIP);
    uint64_t pushed_rip = ev_software(ev->type) ? rip + ev->instr_len : rip;
    uint64_t pushed_flags = rflags;
    if (ev->type == VMX_EVENT_HW_EXCEPTION && ev->raised_fault)
        pushed_flags |= RFLAGS_RF; /* faults push RF = 1 so the instruction can restart */
    /* Pushed in the processor's order, SS first: a fault names the first slot that faults. */
    uint64_t frame[6] = {eng_reg(e, UC_X86_REG_SS), old_rsp, pushed_flags,
                         eng_reg(e, UC_X86_REG_CS), pushed_rip, ev->error};
    unsigned n = ev->has_error ? 6 : 5;
    for (unsigned i = 0; i < n; i++) {
        rsp -= 8;
        rc = lin_write(e, rsp, &frame[i], 8, 0, &pf);
        if (rc != VMM_OK)
            return ev_access_failed(e, rc, &pf, nested, VMX_VEC_SS, ext);
    }
    uint64_t new_rsp = rsp;
    rflags &= ~(RFLAGS_TF | RFLAGS_NT | RFLAGS_RF | RFLAGS_VM);
    if (type == 0xe)
        rflags &= ~RFLAGS_IF;
    eng_set(e, UC_X86_REG_RSP, new_rsp);
    eng_set(e, UC_X86_REG_RFLAGS, rflags);
    eng_set(e, UC_X86_REG_RIP, target);
    /* CS from its descriptor (accessed); to an inner level SS becomes null with RPL = CPL. */
    struct seg_state seg[SEG_DATA_COUNT];
    seg[SEG_CS] = seg_from_descriptor((uint16_t)((sel & 0xfffc) | new_cpl), desc);
    seg[SEG_SS] = (struct seg_state){(uint16_t)new_cpl, 0, 0, (1u << 16) | new_cpl << 5};
    seg_write(e, 1u << SEG_CS | (new_cpl != cpl ? 1u << SEG_SS : 0), seg);
    return DELIVERED;
}

/* The delivery path of the processor's mode: IVT, 32-bit IDT or 64-bit IDT. */
static enum delivery idt_deliver(struct sim_engine *e, const struct event *ev,
                                 struct event *nested)
{
    if (!(eng_reg(e, UC_X86_REG_CR0) & 1))
        return ev_deliver_real(e, ev, nested);
    uc_x86_msr efer = {VMM_MSR_IA32_EFER, 0};
    uc_reg_read(e->uc, UC_X86_REG_MSR, &efer);
    if (efer.value & VMM_EFER_LMA)
        return idt_deliver64(e, ev, nested);
    return ev_deliver_prot32(e, ev, nested);
}

static void after_delivery(struct sim_engine *e, const struct event *ev)
{
    if (ev->type == VMX_EVENT_NMI)
        e->nmi_blocked = true;
    if (ev->type == VMX_EVENT_HW_EXCEPTION && ev->vector == VMX_VEC_PF && ev->raised_fault)
        set_cr2(e, ev->cr2);
    e->shadow_at = ~0ull;
    e->halted = false;
    if (e->ctl.proc & VMX_PROC_MONITOR_TRAP_FLAG)
        e->mtf_pending = true;
}

void ev_deliver(struct sim_engine *e, const struct event *ev)
{
    struct event cur = *ev;
    for (unsigned depth = 0;; depth++) {
        struct event nested;
        e->delivering = cur;
        e->delivering_valid = true;
        enum delivery d = idt_deliver(e, &cur, &nested);
        e->delivering_valid = false;
        if (d == DELIVERED) {
            after_delivery(e, &cur);
            return;
        }
        if (d == DELIVERY_STOPPED)
            return;
        enum ev_class first = class_of(&cur), second = class_of(&nested);
        bool serious = second == EV_CONTRIBUTORY || second == EV_PAGE_FAULT;
        if ((first == EV_DOUBLE_FAULT && serious) || depth >= 8) {
            exit_set(e, VMX_EXIT_TRIPLE_FAULT, 0);
            return;
        }
        struct event next = nested;
        if ((first == EV_CONTRIBUTORY && second == EV_CONTRIBUTORY) ||
            (first == EV_PAGE_FAULT && serious))
            next = ev_fault(VMX_VEC_DF, 0);
        next.raised_fault = true;
        if (exception_exits(e, &next)) {
            /* A #DF replaces the event; any other fault reports it as IDT vectoring. */
            exit_for_exception(e, &next, next.vector == VMX_VEC_DF ? NULL : &cur);
            return;
        }
        cur = next;
    }
}

void ev_raise(struct sim_engine *e, const struct event *ev)
{
    if (exception_exits(e, ev)) {
        exit_for_exception(e, ev, NULL);
        return;
    }
    ev_deliver(e, ev);
}

/* ---- instruction boundaries ---- */

int ev_pending_vector(const struct sim_engine *e)
{
    for (int w = 3; w >= 0; w--)
        if (e->irr[w])
            return w * 64 + 63 - __builtin_clzll(e->irr[w]);
    return -1;
}

bool ev_waiting(struct sim_engine *e)
{
    return (e->ctl.proc & (VMX_PROC_INTR_WINDOW_EXITING | VMX_PROC_NMI_WINDOW_EXITING)) ||
           e->nmi_pending || ev_pending_vector(e) >= 0;
}

bool ev_boundary(struct sim_engine *e)
{
    const struct entry_ctls *c = &e->ctl;
    if ((c->proc & VMX_PROC_MONITOR_TRAP_FLAG) && (e->mtf_pending || e->icount > e->mtf_from)) {
        exit_set(e, VMX_EXIT_MONITOR_TRAP_FLAG, 0);
        return true;
    }
    if (e->timer_on && e->icount >= e->timer_expiry) {
        exit_set(e, VMX_EXIT_PREEMPTION_TIMER, 0);
        return true;
    }
    bool shadow = eng_shadow(e);
    bool movss = shadow && e->shadow_movss;
    if ((c->proc & VMX_PROC_NMI_WINDOW_EXITING) && !e->nmi_blocked && !movss) {
        exit_set(e, VMX_EXIT_NMI_WINDOW, 0);
        return true;
    }
    if (e->nmi_pending && !movss) {
        struct event nmi = {.type = VMX_EVENT_NMI, .vector = VMX_VEC_NMI};
        if (c->pin & VMX_PIN_NMI_EXITING) {
            e->nmi_pending = false;
            exit_set(e, VMX_EXIT_EXCEPTION_NMI, 0);
            e->exit.intr_info = event_info(&nmi);
            return true;
        }
        if (!e->nmi_blocked) {
            e->nmi_pending = false;
            ev_deliver(e, &nmi);
            return true;
        }
    }
    if (!(c->proc & VMX_PROC_INTR_WINDOW_EXITING) && ev_pending_vector(e) < 0)
        return false;
    bool if_set = eng_reg(e, UC_X86_REG_RFLAGS) & RFLAGS_IF;
    if ((c->proc & VMX_PROC_INTR_WINDOW_EXITING) && if_set && !shadow) {
        exit_set(e, VMX_EXIT_INTERRUPT_WINDOW, 0);
        return true;
    }
    int v = ev_pending_vector(e);
    if (v < 0 || shadow)
        return false;
    struct event intr = {.type = VMX_EVENT_EXT_INTR, .vector = (uint8_t)v};
    if (c->pin & VMX_PIN_EXT_INTR_EXITING) {
        exit_set(e, VMX_EXIT_EXTERNAL_INTERRUPT, 0);
        if (c->exit & VMX_EXIT_ACK_INTR_ON_EXIT) {
            e->irr[v / 64] &= ~(1ull << (v % 64));
            e->exit.intr_info = event_info(&intr);
        }
        return true;
    }
    if (!if_set)
        return false;
    e->irr[v / 64] &= ~(1ull << (v % 64));
    ev_deliver(e, &intr);
    return true;
}
