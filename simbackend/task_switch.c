/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Task switches cause VM exits unconditionally (exit 9), so the model
 * never performs one (Unicorn would, natively): it finds the attempts and
 * exits with the target TSS's selector and the source (SDM Vol. 3C "Exit
 * Qualification for Task Switches"):
 *   CALL/JMP far (0, 2)  to an available TSS descriptor or a task gate
 *                        (the gate's TSS selector) in the GDT/LDT;
 *   IRET (1)             with RFLAGS.NT = 1: the previous-task link of
 *                        the current TSS;
 *   task gate in the IDT (3), from event delivery (deliver_legacy.c),
 *                        with the event as IDT-vectoring information.
 * Only outside IA-32e mode (there the same cases are #GP or #UD, which
 * Unicorn raises). Everything else is left to Unicorn.
 */
#include <string.h>

#include "engine_internal.h"

#define RFLAGS_NT (1ull << 14)

enum { SRC_CALL = 0, SRC_IRET = 1, SRC_JMP = 2, SRC_TASK_GATE = 3 };

static bool legacy_protected(struct sim_engine *e)
{
    uint64_t efer = 0;
    msr_read(e, VMM_MSR_IA32_EFER, &efer);
    return (eng_reg(e, UC_X86_REG_CR0) & 1) && !(efer & VMM_EFER_LMA) &&
           !(eng_reg(e, UC_X86_REG_RFLAGS) & (1ull << 17));
}

static enum insn_action task_exit(struct sim_engine *e, const struct insn *in, uint16_t tss,
                                  unsigned source)
{
    return insn_exit(e, in, VMX_EXIT_TASK_SWITCH, tss | (uint64_t)source << 30, 0);
}

/* The far pointer's selector: in the instruction (EA/9A ptr16:16/32) or in memory (FF /3, /5). */
static bool far_selector(struct sim_engine *e, const struct insn *in, uint16_t *sel)
{
    uint8_t b[15];
    if (in->len > sizeof b || lin_read(e, in->addr, b, in->len, 0, NULL) != VMM_OK)
        return false;
    if (!(in->flags & INSN_F_MEM)) {
        memcpy(sel, b + in->len - 2, 2);
        return true;
    }
    unsigned offset_size = in->opsize > 2 ? in->opsize - 2u : 4u; /* m16:16, m16:32 */
    unsigned access = eng_cpl(e) == 3 ? PAGING_ACCESS_USER : 0;
    return lin_read(e, insn_mem_address(e, in) + offset_size, sel, 2, access, NULL) == VMM_OK;
}

enum insn_action task_switch_far(struct sim_engine *e, const struct insn *in, bool call)
{
    uint16_t sel;
    if (!legacy_protected(e) || !far_selector(e, in, &sel) || (sel & 0xfffc) == 0)
        return ACT_EXECUTE;
    uint64_t desc;
    struct event nested;
    if (ev_read_descriptor(e, sel, 0, &desc, &nested) != DELIVERED) {
        e->ept_fault.pending = false; /* Unicorn's own load will fault the same way */
        return ACT_EXECUTE;
    }
    uint32_t hi = (uint32_t)(desc >> 32);
    unsigned type = (hi >> 8) & 0x1f; /* S and type */
    if (type == 0x05) /* task gate: the TSS it names */
        return task_exit(e, in, (uint16_t)(desc >> 16), call ? SRC_CALL : SRC_JMP);
    if (type == 0x01 || type == 0x09) /* available 16- or 32-bit TSS */
        return task_exit(e, in, sel, call ? SRC_CALL : SRC_JMP);
    return ACT_EXECUTE;
}

enum insn_action task_switch_iret(struct sim_engine *e, const struct insn *in)
{
    if (!legacy_protected(e) || !(eng_reg(e, UC_X86_REG_RFLAGS) & RFLAGS_NT))
        return ACT_EXECUTE;
    uc_x86_mmr tr;
    uc_reg_read(e->uc, UC_X86_REG_TR, &tr);
    uint16_t link = 0;
    if (lin_read(e, (uint32_t)tr.base, &link, 2, PAGING_ACCESS_IMPLICIT, NULL) != VMM_OK) {
        e->ept_fault.pending = false;
        return ACT_EXECUTE;
    }
    return task_exit(e, in, link, SRC_IRET);
}

void task_switch_gate_exit(struct sim_engine *e, const struct event *ev, uint16_t tss)
{
    exit_set(e, VMX_EXIT_TASK_SWITCH, tss | (uint64_t)SRC_TASK_GATE << 30);
    e->exit.idt_info = ev->vector | (uint32_t)ev->type << VMX_INTR_TYPE_SHIFT |
                       (ev->has_error ? VMX_INTR_ERROR_VALID : 0) | VMX_INTR_VALID;
    e->exit.idt_error = ev->has_error ? ev->error : 0;
    if (ev_software(ev->type))
        e->exit.len = ev->instr_len;
}
