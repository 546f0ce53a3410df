/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EPT: with "enable EPT", Unicorn runs in UC_TLB_VIRTUAL mode and
 * asks the TLB-fill hook for every page it touches; the hook translates
 * with the core's walkers (lin_translate: the guest's paging, each
 * paging-structure access and the final address through EPT) and grants
 * exactly the access asked for (so the first write to a page comes back
 * here and sets the dirty flags). A refused fill stops Unicorn at the
 * faulting instruction (fetch: at its target) with nothing of it done.
 *
 * A fill names a page, not a byte, while CR2, the EPT-violation
 * guest-physical and guest-linear addresses are exact. The model recovers
 * the byte: for a fetch, RIP (or the page start for an instruction that
 * crosses into it); for data, the instruction's memory operand that falls
 * in the page (or begins before it and crosses in), or the stack slot of
 * PUSH/CALL/ENTER (RSP minus the code size) and POP/RET/IRET (RSP; LEAVE:
 * RBP), segment bases applied outside 64-bit mode. Other
 * implicit accesses (descriptor tables, XSAVE areas, ...) report the page
 * start.
 */
#include <string.h>

#include "engine_internal.h"

bool xlat_entry(struct sim_engine *e)
{
    e->ept_fault.pending = false;
    e->fill_pf = e->fill_gp = false;
    e->fill_type = -1;
    bool on = e->ctl.proc2 & VMX_PROC2_ENABLE_EPT;
    uint64_t eptp = vmcs_get(e->vmcs, VMCS_EPT_POINTER);
    if (on && ept_walk_cfg_from_eptp(eptp, &e->sim->caps, false, &e->ept_cfg) != VMM_OK) {
        e->status = (struct sim_engine_status){.refusal = SIM_ENGINE_EPT,
                                               .what = "EPT pointer the walker refuses",
                                               .value = eptp};
        return false;
    }
    /* Snapshots track writes through the fill hook: it sees every page then. */
    bool virt = on || e->snapshots;
    bool flush = virt != e->tlb_virtual || (on && eptp != e->eptp);
    e->ept_on = on;
    e->eptp = eptp;
    if (virt != e->tlb_virtual) {
        uc_ctl_tlb_mode(e->uc, virt ? UC_TLB_VIRTUAL : UC_TLB_CPU);
        e->tlb_virtual = virt;
    }
    if (flush) {
        uc_ctl_flush_tlb(e->uc);
        e->plan.tlb_gen++;
    }
    return true;
}

bool xlat_fill(uc_engine *uc, uint64_t vaddr, uc_mem_type type, uc_tlb_entry *entry, void *user)
{
    (void)uc;
    struct sim_engine *e = user;
    if (e->fill_identity) {
        entry->paddr = vaddr;
        entry->perms = UC_PROT_ALL;
        return true;
    }
    struct paging_state ps;
    lin_paging_state(e, &ps);
    unsigned access = type == UC_MEM_WRITE ? PAGING_ACCESS_WRITE
                      : type == UC_MEM_FETCH ? PAGING_ACCESS_FETCH
                                             : 0;
    if (eng_cpl(e) == 3)
        access |= PAGING_ACCESS_USER;
    uint64_t hpa;
    struct event pf;
    int rc = lin_translate(e, &ps, vaddr, access, &hpa, &pf, NULL);
    if (rc == VMM_OK) {
        if (type == UC_MEM_WRITE) /* the first write to the page since the TLB was flushed */
            sim_mark_written(e->sim, hpa, 4096);
        entry->paddr = hpa;
        entry->perms = type == UC_MEM_WRITE ? UC_PROT_READ | UC_PROT_WRITE
                       : type == UC_MEM_FETCH ? UC_PROT_EXEC
                                              : UC_PROT_READ;
        return true;
    }
    e->fill_page = vaddr;
    e->fill_type = (int)type;
    if (rc == VMM_E_FAULT) {
        e->fill_pf = true;
        e->fill_pf_error = pf.error;
    } else if (rc == VMM_E_RANGE) {
        e->fill_gp = true;
    }
    return false; /* Unicorn stops at the instruction; xlat_fill_refused takes over */
}

/* ---- the exact address ---- */

static bool in_page(uint64_t a, uint64_t page)
{
    return (a & ~4095ull) == page;
}

/* The byte of `page` the access starting at `a` (size `n`) touches first, or NO_ADDR. */
static uint64_t hit(uint64_t a, unsigned n, uint64_t page)
{
    if (in_page(a, page))
        return a;
    if (a < page && a + (n ? n : 1) > page)
        return page;
    return NO_ADDR;
}

/* The stack slot `delta` bytes from the stack pointer (SS base; SS.B picks ESP or SP). */
static uint64_t stack_slot(struct sim_engine *e, int64_t delta)
{
    uint64_t rsp = eng_reg(e, UC_X86_REG_RSP) + (uint64_t)delta;
    if (e->code_bytes == 8)
        return rsp;
    struct seg_state seg[SEG_DATA_COUNT];
    seg_read(e, seg);
    rsp = (seg[SEG_SS].ar & (1u << 14)) ? (uint32_t)rsp : (uint16_t)rsp;
    return (uint32_t)(seg[SEG_SS].base + rsp);
}

static uint64_t data_address(struct sim_engine *e, uint64_t page)
{
    uint64_t rip = seg_linear(e, SEG_CS, eng_reg(e, UC_X86_REG_RIP));
    unsigned slot = e->code_bytes; /* the usual operand size of stack accesses */
    uint8_t bytes[15];
    if (lin_read(e, rip, bytes, sizeof bytes, 0, NULL) != VMM_OK)
        return page;
    cs_insn *ci;
    if (cs_disasm(e->cs, bytes, sizeof bytes, rip, 1, &ci) != 1)
        return page;
    const cs_x86 *x = &ci->detail->x86;
    uint64_t found = NO_ADDR;
    for (unsigned i = 0; i < x->op_count && found == NO_ADDR; i++) {
        if (x->operands[i].type != X86_OP_MEM)
            continue;
        struct insn in;
        if (!plan_decode_mem(x, &x->operands[i], rip, ci->size, &in))
            continue;
        found = hit(insn_mem_address(e, &in), x->operands[i].size, page);
    }
    if (found == NO_ADDR) {
        switch (ci->id) {
        case X86_INS_PUSH: case X86_INS_PUSHF: case X86_INS_PUSHFD: case X86_INS_PUSHFQ:
        case X86_INS_CALL: case X86_INS_ENTER:
            found = hit(stack_slot(e, -(int64_t)slot), slot, page);
            break;
        case X86_INS_POP: case X86_INS_POPF: case X86_INS_POPFD: case X86_INS_POPFQ:
        case X86_INS_RET: case X86_INS_IRET: case X86_INS_IRETD: case X86_INS_IRETQ:
            found = hit(stack_slot(e, 0), slot, page);
            break;
        case X86_INS_LEAVE:
            found = hit(seg_linear(e, SEG_SS, eng_reg(e, UC_X86_REG_RBP)), slot, page);
            break;
        default:
            break;
        }
    }
    cs_free(ci, 1);
    return found == NO_ADDR ? page : found;
}

/* ---- the fault ---- */

void xlat_ept_exit(struct sim_engine *e)
{
    struct ept_fault *f = &e->ept_fault;
    bool violation = f->reason == VMX_EXIT_EPT_VIOLATION;
    exit_set(e, f->reason, violation ? f->qual : 0);
    e->exit.gpa = f->gpa;
    e->exit.gla = violation ? f->gla : 0;
    e->exit.gla_valid = violation && (f->qual & (1u << 7)); /* not for PDPTE loads */
    if (e->delivering_valid) {
        const struct event *d = &e->delivering;
        e->exit.idt_info = d->vector | (uint32_t)d->type << VMX_INTR_TYPE_SHIFT |
                           (d->has_error ? VMX_INTR_ERROR_VALID : 0) | VMX_INTR_VALID;
        e->exit.idt_error = d->has_error ? d->error : 0;
        if (d->type == VMX_EVENT_SW_INTR || d->type == VMX_EVENT_SW_EXCEPTION ||
            d->type == VMX_EVENT_PRIV_SW_EXCEPTION)
            e->exit.len = d->instr_len;
    }
    f->pending = false;
}

void xlat_fill_refused(struct sim_engine *e)
{
    bool fetch = e->fill_type == UC_MEM_FETCH;
    uint64_t page = e->fill_page;
    uint64_t exact;
    if (fetch) {
        uint64_t rip = seg_linear(e, SEG_CS, eng_reg(e, UC_X86_REG_RIP));
        exact = in_page(rip, page) ? rip : page;
    } else {
        e->icount--; /* the code hook counted the instruction, which did not retire */
        exact = data_address(e, page);
    }
    e->fill_type = -1;
    if (e->fill_gp) {
        e->fill_gp = false;
        struct event gp = {.type = VMX_EVENT_HW_EXCEPTION, .vector = VMX_VEC_GP,
                           .has_error = true, .raised_fault = true};
        ev_raise(e, &gp);
        return;
    }
    if (e->fill_pf) {
        e->fill_pf = false;
        struct event pf = {.type = VMX_EVENT_HW_EXCEPTION, .vector = VMX_VEC_PF,
                           .has_error = true, .error = e->fill_pf_error, .cr2 = exact,
                           .raised_fault = true};
        ev_raise(e, &pf);
        return;
    }
    if (e->ept_fault.final)
        e->ept_fault.gpa += exact - page;
    e->ept_fault.gla = exact;
    xlat_ept_exit(e);
}

