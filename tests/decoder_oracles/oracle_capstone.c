/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capstone 4.0.2 behind struct oracle_view: one handle per mode with
 * details on, the first memory operand. Capstone names no segment without
 * an override, so the view fills in the default one (SS for rSP/rBP bases,
 * FS/GS the only overrides in 64-bit mode) the way the SDM does.
 */
#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle_view.h"

/* Capstone register ids -> GPR numbers, from their names. */
static uint8_t cs_gpr_of[X86_REG_ENDING];

static uint8_t parse_gpr(const char *name)
{
    static const char *const legacy[8][3] = {
        {"rax", "eax", "ax"}, {"rcx", "ecx", "cx"}, {"rdx", "edx", "dx"}, {"rbx", "ebx", "bx"},
        {"rsp", "esp", "sp"}, {"rbp", "ebp", "bp"}, {"rsi", "esi", "si"}, {"rdi", "edi", "di"},
    };
    if (!name)
        return ORACLE_REG_NONE;
    if (!strcmp(name, "rip") || !strcmp(name, "eip") || !strcmp(name, "ip"))
        return ORACLE_REG_RIP;
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 3; j++)
            if (!strcmp(name, legacy[i][j]))
                return (uint8_t)i;
    unsigned num;
    char tail[8] = "";
    if (sscanf(name, "r%u%7s", &num, tail) >= 1 && num < 16)
        return (uint8_t)num;
    if (sscanf(name, "%*cmm%u", &num) == 1 && num < 32)
        return (uint8_t)num; /* VSIB: xmm/ymm/zmm */
    return ORACLE_REG_NONE;
}

static csh cs_handle(int bits)
{
    static csh h[3];
    static bool ready;
    if (!ready) {
        static const cs_mode modes[3] = {CS_MODE_16, CS_MODE_32, CS_MODE_64};
        for (int i = 0; i < 3; i++) {
            if (cs_open(CS_ARCH_X86, modes[i], &h[i]) != CS_ERR_OK) {
                fprintf(stderr, "oracle: cs_open failed\n");
                abort();
            }
            cs_option(h[i], CS_OPT_DETAIL, CS_OPT_ON);
        }
        for (int r = 0; r < X86_REG_ENDING; r++)
            cs_gpr_of[r] = r == X86_REG_INVALID ? ORACLE_REG_NONE : parse_gpr(cs_reg_name(h[2], (unsigned)r));
        ready = true;
    }
    return h[bits == 64 ? 2 : bits == 32 ? 1 : 0];
}

static uint8_t cs_seg(x86_reg r)
{
    switch (r) {
    case X86_REG_ES: return ORACLE_ES;
    case X86_REG_CS: return ORACLE_CS;
    case X86_REG_SS: return ORACLE_SS;
    case X86_REG_DS: return ORACLE_DS;
    case X86_REG_FS: return ORACLE_FS;
    case X86_REG_GS: return ORACLE_GS;
    default: return ORACLE_SEG_COUNT;
    }
}

static bool is_string_insn(unsigned id)
{
    static const unsigned ids[] = {
        X86_INS_MOVSB, X86_INS_MOVSW, X86_INS_MOVSD, X86_INS_MOVSQ, X86_INS_CMPSB, X86_INS_CMPSW,
        X86_INS_CMPSD, X86_INS_CMPSQ, X86_INS_SCASB, X86_INS_SCASW, X86_INS_SCASD, X86_INS_SCASQ,
        X86_INS_LODSB, X86_INS_LODSW, X86_INS_LODSD, X86_INS_LODSQ, X86_INS_STOSB, X86_INS_STOSW,
        X86_INS_STOSD, X86_INS_STOSQ, X86_INS_INSB, X86_INS_INSW, X86_INS_INSD, X86_INS_OUTSB,
        X86_INS_OUTSW, X86_INS_OUTSD, X86_INS_XLATB,
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (id == ids[i])
            return true;
    return false;
}

void oracle_capstone_bits(const uint8_t *bytes, size_t n, int bits, struct oracle_view *v)
{
    csh h = cs_handle(bits);
    cs_insn *insn = NULL;
    memset(v, 0, sizeof *v);
    v->mnemonic = "";
    if (cs_disasm(h, bytes, n, 0, 1, &insn) != 1)
        return;
    static char mnemonic[32];
    snprintf(mnemonic, sizeof mnemonic, "%s", insn->mnemonic);
    v->mnemonic = mnemonic;
    v->valid = insn->id != X86_INS_UD2 && insn->id != X86_INS_UD0 && insn->id != X86_INS_UD2B;
    v->len = (uint8_t)insn->size;
    const cs_x86 *x = &insn->detail->x86;
    /* String instructions and XLAT list their implicit memory operands; only ModRM and moffs count. */
    bool explicit_mem = !(is_string_insn(insn->id) && x->opcode[0] != 0x0F); /* not SSE MOVSD/CMPSD */
    for (unsigned i = 0; i < x->op_count; i++) {
        const cs_x86_op *op = &x->operands[i];
        if (op->type != X86_OP_MEM || !explicit_mem)
            continue;
        v->has_mem = true;
        v->base = cs_gpr_of[op->mem.base];
        v->index = cs_gpr_of[op->mem.index];
        v->scale = op->mem.index == X86_REG_INVALID ? 1 : (uint8_t)op->mem.scale;
        v->disp = op->mem.disp;
        uint8_t seg = cs_seg(op->mem.segment);
        if (seg == ORACLE_SEG_COUNT || (bits == 64 && seg < ORACLE_FS))
            seg = (v->base == ORACLE_RSP || v->base == ORACLE_RBP) ? ORACLE_SS : ORACLE_DS;
        v->seg = seg;
        break;
    }
    cs_free(insn, 1);
}

