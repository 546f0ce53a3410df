/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event delivery outside IA-32e mode (SDM Vol. 3A "Interrupt and Exception
 * Handling"; Vol. 3A "Real-Address Mode Operation"):
 *
 *   real-address mode  the IVT at IDTR.base, 4-byte entries (offset,
 *                      segment); FLAGS, CS, IP pushed (no error code);
 *                      IF, TF, AC cleared; CS.base = segment << 4, its
 *                      limit and attributes unchanged.
 *   32-bit protected   8-byte interrupt and trap gates (32- and 16-bit):
 *                      [GS, FS, DS, ES from virtual-8086 mode,] [SS, ESP
 *                      from before the switch,] EFLAGS, CS, EIP [, error
 *                      code] pushed with the gate's size; to an inner
 *                      level the stack comes from the 32-bit TSS
 *                      (SSn:ESPn); TF, NT, RF, VM and, through an
 *                      interrupt gate, IF cleared; CS (and SS) loaded from
 *                      their descriptors; from virtual-8086 mode (to CPL 0
 *                      only) DS, ES, FS, GS become null.
 *
 * A task gate is a task switch, which exits (task_switch.c). Not
 * modelled, and a clear engine failure when met: an inner-level stack
 * from a 16-bit TSS, and a 16-bit gate from virtual-8086 mode.
 * Faults found on the way come back as the nested event, as in events.c.
 */
#include <string.h>

#include "engine_internal.h"

#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_NT (1ull << 14)
#define RFLAGS_RF (1ull << 16)
#define RFLAGS_VM (1ull << 17)
#define RFLAGS_AC (1ull << 18)
#define AR_DB (1u << 14)

static enum delivery not_modelled(struct sim_engine *e, const char *what, uint64_t value)
{
    e->status = (struct sim_engine_status){.refusal = SIM_ENGINE_FAILED, .what = what,
                                           .value = value};
    return DELIVERY_STOPPED;
}

/* The flags a fault pushes: RF = 1 so that the instruction can restart. */
static uint64_t pushed_flags(const struct event *ev, uint64_t rflags)
{
    return ev->type == VMX_EVENT_HW_EXCEPTION && ev->raised_fault ? rflags | RFLAGS_RF : rflags;
}

/*
 * Pushes `n` values of `size` bytes on SS:(E)SP in the processor's order; a
 * fault names the first slot that faults (#SS). *sp gets the new pointer.
 */
static enum delivery push(struct sim_engine *e, const struct seg_state *ss, uint64_t *sp,
                          const uint32_t *values, unsigned n, unsigned size, struct event *nested,
                          uint32_t ext)
{
    bool big = ss->ar & AR_DB;
    uint64_t p = big ? (uint32_t)*sp : (uint16_t)*sp;
    for (unsigned i = 0; i < n; i++) {
        p = big ? (uint32_t)(p - size) : (uint16_t)(p - size);
        struct event pf;
        int rc = lin_write(e, (uint32_t)(ss->base + p), &values[i], size, 0, &pf);
        if (rc != VMM_OK)
            return ev_access_failed(e, rc, &pf, nested, VMX_VEC_SS, ext);
    }
    *sp = big ? p : (*sp & ~0xffffull) | p;
    return DELIVERED;
}

/*
 * The stack of inner level `cpl` from the 32-bit TSS (SSn:ESPn): #TS for a
 * TSS too short or an unusable selector, #SS for a stack segment not present.
 */
static enum delivery tss_stack(struct sim_engine *e, unsigned cpl, uint32_t ext,
                               struct seg_state *ss, uint64_t *sp, struct event *nested)
{
    uc_x86_mmr tr;
    uc_reg_read(e->uc, UC_X86_REG_TR, &tr);
    if (((tr.flags >> 8) & 0xf) != 0xb)
        return not_modelled(e, "32-bit delivery to an inner level through a 16-bit TSS",
                            tr.selector);
    uint32_t off = 4 + 8 * cpl;
    if (off + 5 > tr.limit) {
        *nested = ev_fault(VMX_VEC_TS, (tr.selector & 0xfffc) | ext);
        return NESTED_FAULT;
    }
    uint8_t slot[6];
    struct event pf;
    int rc = lin_read(e, (uint32_t)(tr.base + off), slot, 6, PAGING_ACCESS_IMPLICIT, &pf);
    if (rc != VMM_OK)
        return ev_access_failed(e, rc, &pf, nested, VMX_VEC_TS, ext);
    uint16_t sel = (uint16_t)(slot[4] | slot[5] << 8);
    uint32_t esp = slot[0] | slot[1] << 8 | slot[2] << 16 | (uint32_t)slot[3] << 24;
    if ((sel & 0xfffc) == 0 || (sel & 3) != cpl) {
        *nested = ev_fault(VMX_VEC_TS, (sel & 0xfffc) | ext);
        return NESTED_FAULT;
    }
    uint64_t desc;
    enum delivery d = ev_read_descriptor(e, sel, ext, &desc, nested);
    if (d != DELIVERED)
        return d;
    uint32_t hi = (uint32_t)(desc >> 32);
    bool writable_data = (hi & (1u << 12)) && !(hi & (1u << 11)) && (hi & (1u << 9));
    if (!writable_data || ((hi >> 13) & 3) != cpl) {
        *nested = ev_fault(VMX_VEC_TS, (sel & 0xfffc) | ext);
        return NESTED_FAULT;
    }
    if (!(hi & (1u << 15))) {
        *nested = ev_fault(VMX_VEC_SS, (sel & 0xfffc) | ext);
        return NESTED_FAULT;
    }
    *ss = seg_from_descriptor(sel, desc);
    *sp = esp;
    return DELIVERED;
}

enum delivery ev_deliver_real(struct sim_engine *e, const struct event *ev, struct event *nested)
{
    uc_x86_mmr idtr;
    uc_reg_read(e->uc, UC_X86_REG_IDTR, &idtr);
    if ((uint32_t)ev->vector * 4 + 3 > idtr.limit) {
        *nested = ev_fault(VMX_VEC_GP, 0);
        return NESTED_FAULT;
    }
    uint8_t vec[4];
    struct event pf;
    int rc = lin_read(e, (uint32_t)(idtr.base + ev->vector * 4u), vec, 4, PAGING_ACCESS_IMPLICIT,
                      &pf);
    if (rc != VMM_OK)
        return ev_access_failed(e, rc, &pf, nested, VMX_VEC_GP, 0);
    struct seg_state seg[SEG_DATA_COUNT];
    seg_read(e, seg);
    uint64_t rflags = eng_reg(e, UC_X86_REG_RFLAGS);
    uint64_t ip = eng_reg(e, UC_X86_REG_RIP);
    if (ev_software(ev->type))
        ip += ev->instr_len;
    uint32_t frame[3] = {(uint16_t)pushed_flags(ev, rflags), seg[SEG_CS].sel, (uint16_t)ip};
    uint64_t sp = eng_reg(e, UC_X86_REG_RSP);
    enum delivery d = push(e, &seg[SEG_SS], &sp, frame, 3, 2, nested, 0);
    if (d != DELIVERED)
        return d;
    uint16_t segment = (uint16_t)(vec[2] | vec[3] << 8);
    eng_set(e, UC_X86_REG_RSP, sp);
    eng_set(e, UC_X86_REG_RFLAGS, rflags & ~(RFLAGS_IF | RFLAGS_TF | RFLAGS_AC | RFLAGS_RF));
    eng_set(e, UC_X86_REG_RIP, (uint16_t)(vec[0] | vec[1] << 8));
    seg[SEG_CS].sel = segment;
    seg[SEG_CS].base = (uint64_t)segment << 4;
    seg_write(e, 1u << SEG_CS, seg);
    return DELIVERED;
}

enum delivery ev_deliver_prot32(struct sim_engine *e, const struct event *ev,
                                struct event *nested)
{
    uint32_t ext = ev_software(ev->type) ? 0 : 1;
    uint32_t idt_code = (uint32_t)ev->vector * 8 + 2 + ext;
    bool v86 = eng_reg(e, UC_X86_REG_RFLAGS) & RFLAGS_VM;
    uc_x86_mmr idtr;
    uc_reg_read(e->uc, UC_X86_REG_IDTR, &idtr);
    if ((uint32_t)ev->vector * 8 + 7 > idtr.limit) {
        *nested = ev_fault(VMX_VEC_GP, idt_code);
        return NESTED_FAULT;
    }
    uint8_t gate[8];
    struct event pf;
    int rc = lin_read(e, (uint32_t)(idtr.base + ev->vector * 8u), gate, 8,
                      PAGING_ACCESS_IMPLICIT, &pf);
    if (rc != VMM_OK)
        return ev_access_failed(e, rc, &pf, nested, VMX_VEC_GP, idt_code);
    unsigned types = GATE_TYPE(0x5) | GATE_TYPE(0x6) | GATE_TYPE(0x7) | GATE_TYPE(0xe) |
                     GATE_TYPE(0xf); /* task, 16-bit and 32-bit interrupt and trap gates */
    if (!ev_gate_usable(e, ev, gate, types, idt_code, nested))
        return NESTED_FAULT;
    unsigned type = gate[5] & 0xf, cpl = eng_cpl(e);
    uint16_t sel = (uint16_t)(gate[2] | gate[3] << 8);
    if (type == 0x5) {
        task_switch_gate_exit(e, ev, sel); /* a task gate switches tasks: exit 9 */
        return DELIVERY_STOPPED;
    }
    if ((sel & 0xfffc) == 0) {
        *nested = ev_fault(VMX_VEC_GP, ext);
        return NESTED_FAULT;
    }
    uint64_t desc;
    enum delivery d = ev_read_descriptor(e, sel, ext, &desc, nested);
    if (d != DELIVERED)
        return d;
    uint32_t lo = (uint32_t)desc, hi = (uint32_t)(desc >> 32);
    bool code = (hi & (1u << 12)) && (hi & (1u << 11));
    unsigned cs_dpl = (hi >> 13) & 3;
    if (!code || cs_dpl > cpl) {
        *nested = ev_fault(VMX_VEC_GP, (sel & 0xfffc) | ext);
        return NESTED_FAULT;
    }
    if (!(hi & (1u << 15))) {
        *nested = ev_fault(VMX_VEC_NP, (sel & 0xfffc) | ext);
        return NESTED_FAULT;
    }
    unsigned new_cpl = (hi & (1u << 10)) ? cpl : cs_dpl; /* conforming code keeps CPL */
    bool gate32 = type >= 0xe;
    /* From virtual-8086 mode only to CPL 0, through a 32-bit gate. */
    if (v86 && (new_cpl != 0 || (hi & (1u << 10)))) {
        *nested = ev_fault(VMX_VEC_GP, (sel & 0xfffc) | ext);
        return NESTED_FAULT;
    }
    if (v86 && !gate32)
        return not_modelled(e, "delivery from virtual-8086 mode through a 16-bit gate",
                            ev->vector);
    uint32_t offset = gate[0] | gate[1] << 8;
    if (gate32)
        offset |= (uint32_t)(gate[6] | gate[7] << 8) << 16;
    uint32_t limit = (lo & 0xffff) | (hi & 0xf0000);
    if (hi & (1u << 23))
        limit = limit << 12 | 0xfff;
    if (offset > limit) {
        *nested = ev_fault(VMX_VEC_GP, 0);
        return NESTED_FAULT;
    }
    struct seg_state seg[SEG_DATA_COUNT];
    seg_read(e, seg);
    uint64_t rflags = eng_reg(e, UC_X86_REG_RFLAGS);
    uint64_t eip = eng_reg(e, UC_X86_REG_RIP);
    if (ev_software(ev->type))
        eip += ev->instr_len;
    uint64_t sp = eng_reg(e, UC_X86_REG_RSP);
    /* From virtual-8086 mode GS, FS, DS, ES go first, then the rest as to an inner level. */
    uint32_t frame[10] = {seg[SEG_GS].sel, seg[SEG_FS].sel, seg[SEG_DS].sel, seg[SEG_ES].sel};
    unsigned n = v86 ? 4 : 0;
    frame[n++] = seg[SEG_SS].sel;
    frame[n++] = (uint32_t)sp;
    struct seg_state ss = seg[SEG_SS];
    if (new_cpl != cpl) {
        /* The inner level's stack from the TSS; the old SS:ESP go on it first. */
        d = tss_stack(e, new_cpl, ext, &ss, &sp, nested);
        if (d != DELIVERED)
            return d;
    } else {
        n = 0; /* same level: no stack switch (never from virtual-8086 mode) */
    }
    frame[n++] = (uint32_t)pushed_flags(ev, rflags);
    frame[n++] = seg[SEG_CS].sel;
    frame[n++] = (uint32_t)eip;
    if (ev->has_error)
        frame[n++] = ev->error;
    d = push(e, &ss, &sp, frame, n, gate32 ? 4 : 2, nested, ext);
    if (d != DELIVERED)
        return d;
    rflags &= ~(RFLAGS_TF | RFLAGS_NT | RFLAGS_RF | RFLAGS_VM);
    if (!(type & 1))
        rflags &= ~RFLAGS_IF; /* an interrupt gate */
    eng_set(e, UC_X86_REG_RSP, sp);
    eng_set(e, UC_X86_REG_RFLAGS, rflags);
    eng_set(e, UC_X86_REG_RIP, offset);
    seg[SEG_SS] = ss;
    seg[SEG_CS] = seg_from_descriptor((uint16_t)((sel & 0xfffc) | new_cpl), desc);
    unsigned mask = 1u << SEG_CS | (new_cpl != cpl ? 1u << SEG_SS : 0);
    if (v86) {
        /* The data segments become null (unusable) in the handler. */
        static const unsigned data[] = {SEG_ES, SEG_DS, SEG_FS, SEG_GS};
        for (unsigned i = 0; i < 4; i++) {
            seg[data[i]] = (struct seg_state){.ar = 1u << 16};
            mask |= 1u << data[i];
        }
    }
    seg_write(e, mask, seg);
    return DELIVERED;
}
