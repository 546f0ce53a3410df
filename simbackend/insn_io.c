/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IN, OUT, INS, OUTS: a VM exit (30) under "unconditional I/O exiting", or
 * with "use I/O bitmaps" when the bit of any port the access touches is set
 * (or it wraps past FFFFH); the exit comes before the instruction, with the
 * I/O qualification, the guest-linear address of string forms and, if
 * IA32_VMX_BASIC[54], their instruction information. An access that does
 * not exit reaches no device: IN reads all ones, OUT is dropped.
 *
 * Privilege: at CPL > IOPL the processor consults the TSS I/O permission
 * bitmap before any VM exit; the model leaves that case to Unicorn (which
 * faults or performs the access without an exit).
 */
#include "engine_internal.h"

#define RFLAGS_IOPL_SHIFT 12

uint32_t io_in_hook(uc_engine *uc, uint32_t port, int size, void *user)
{
    (void)uc, (void)port, (void)user;
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

void io_out_hook(uc_engine *uc, uint32_t port, int size, uint32_t value, void *user)
{
    (void)uc, (void)port, (void)size, (void)value, (void)user;
}

/* The bit of `port` in the I/O bitmaps (A: 0-7FFFH, B: 8000H-FFFFH), in host memory. */
static bool port_bit(struct sim_engine *e, uint32_t port)
{
    uint8_t byte;
    uint64_t page = e->ctl.io_bitmap[(port >> 15) & 1];
    sim_phys_read(e->sim, page + (port & 0x7fff) / 8, &byte, 1);
    return (byte >> (port % 8)) & 1;
}

static bool io_exits(struct sim_engine *e, uint32_t port, unsigned size)
{
    if (!(e->ctl.proc & VMX_PROC_USE_IO_BITMAPS))
        return e->ctl.proc & VMX_PROC_UNCOND_IO_EXITING;
    if (port + size - 1 > 0xffff)
        return true;
    for (unsigned i = 0; i < size; i++)
        if (port_bit(e, port + i))
            return true;
    return false;
}

enum insn_action insn_io(struct sim_engine *e, const struct insn *in)
{
    unsigned iopl = (unsigned)(eng_reg(e, UC_X86_REG_RFLAGS) >> RFLAGS_IOPL_SHIFT) & 3;
    if (eng_cpl(e) > iopl)
        return ACT_EXECUTE;
    unsigned size = in->opsize ? in->opsize : 1;
    uint32_t port = in->flags & INSN_F_IMM ? in->imm : (uint16_t)eng_reg(e, UC_X86_REG_RDX);
    if (!io_exits(e, port, size))
        return ACT_EXECUTE;
    bool string = in->flags & INSN_F_STRING;
    uint64_t qual = (uint64_t)(size == 4 ? 3 : size - 1) |
                    (in->flags & INSN_F_IN ? 1u << 3 : 0) | (string ? 1u << 4 : 0) |
                    (in->flags & INSN_F_REP ? 1u << 5 : 0) |
                    (in->flags & INSN_F_IMM ? 1u << 6 : 0) | (uint64_t)port << 16;
    uint32_t info = 0;
    if (string && e->sim->caps.ins_outs_info)
        info = exit_info_mem(in) & ((7u << 7) | (7u << 15));
    enum insn_action a = insn_exit(e, in, VMX_EXIT_IO_INSTRUCTION, qual, info);
    if (string) {
        e->exit.gla = insn_mem_address(e, in);
        e->exit.gla_valid = true;
    }
    return a;
}
