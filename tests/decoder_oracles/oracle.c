/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Zydis and our decoder behind struct oracle_view. Zydis: one decoder per
 * mode, MPX off (0F 1A/1B are hint NOPs, as on current processors),
 * ZydisDecoderDecodeInstruction and, for ModRM memory forms and moffs
 * only, the operands: the first explicit memory operand of any kind (MEM,
 * AGEN for LEA, MIB, VSIB). UD0/UD1/UD2 read as invalid: they raise #UD.
 * (Capstone is in oracle_capstone.c: its register enumerators clash with
 * vmm/x86_insn.h's.)
 */
#include "oracle.h"

#include <Zydis/Zydis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(ORACLE_REG_NONE == X86_REG_NONE && ORACLE_REG_RIP == X86_REG_RIP, "register numbering");
_Static_assert(ORACLE_SS == X86_SS && ORACLE_FS == X86_FS && ORACLE_SEG_COUNT == X86_SEG_COUNT,
               "segment numbering");

static int mode_index(enum x86_mode mode)
{
    return mode == X86_MODE_LONG64 ? 2 : mode == X86_MODE_PROT32 ? 1 : 0;
}

void oracle_capstone(const uint8_t *bytes, size_t n, enum x86_mode mode, struct oracle_view *v)
{
    oracle_capstone_bits(bytes, n, mode == X86_MODE_LONG64 ? 64 : mode == X86_MODE_PROT32 ? 32 : 16, v);
}

static uint8_t zydis_gpr(ZydisRegister r)
{
    if (r == ZYDIS_REGISTER_NONE)
        return X86_REG_NONE;
    if (r == ZYDIS_REGISTER_RIP || r == ZYDIS_REGISTER_EIP || r == ZYDIS_REGISTER_IP)
        return X86_REG_RIP;
    return (uint8_t)ZydisRegisterGetId(r); /* GPRs and VSIB vector registers by number */
}

void oracle_zydis(const uint8_t *bytes, size_t n, enum x86_mode mode, struct oracle_view *v)
{
    static ZydisDecoder dec[3];
    static bool ready;
    if (!ready) {
        ZydisDecoderInit(&dec[0], ZYDIS_MACHINE_MODE_LEGACY_16, ZYDIS_STACK_WIDTH_16);
        ZydisDecoderInit(&dec[1], ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
        ZydisDecoderInit(&dec[2], ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
        /* A processor without MPX (none since 10th-generation Core): 0F 1A/1B are hint NOPs. */
        for (int i = 0; i < 3; i++)
            ZydisDecoderEnableMode(&dec[i], ZYDIS_DECODER_MODE_MPX, ZYAN_FALSE);
        ready = true;
    }
    ZydisDecodedInstruction insn;
    ZydisDecoderContext ctx;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    memset(v, 0, sizeof *v);
    v->mnemonic = "";
    const ZydisDecoder *d = &dec[mode_index(mode)];
    if (ZYAN_FAILED(ZydisDecoderDecodeInstruction(d, &ctx, bytes, n, &insn)))
        return;
    if (insn.mnemonic == ZYDIS_MNEMONIC_UD0 || insn.mnemonic == ZYDIS_MNEMONIC_UD1 ||
        insn.mnemonic == ZYDIS_MNEMONIC_UD2)
        return;
    v->valid = true;
    v->len = insn.length;
    v->mnemonic = ZydisMnemonicGetString(insn.mnemonic);
    v->knc = insn.meta.isa_ext == ZYDIS_ISA_EXT_KNC || insn.meta.isa_ext == ZYDIS_ISA_EXT_KNCE ||
             insn.meta.isa_ext == ZYDIS_ISA_EXT_KNCV;
    /* Operands (the slow part) only where an explicit memory operand can be: ModRM memory
     * forms and moffs. */
    bool modrm_mem = (insn.attributes & ZYDIS_ATTRIB_HAS_MODRM) && insn.raw.modrm.mod != 3;
    bool moffs = insn.opcode_map == ZYDIS_OPCODE_MAP_DEFAULT && insn.opcode >= 0xA0 && insn.opcode <= 0xA3;
    if (!modrm_mem && !moffs)
        return;
    if (ZYAN_FAILED(ZydisDecoderDecodeOperands(d, &ctx, &insn, ops, ZYDIS_MAX_OPERAND_COUNT)))
        return;
    for (unsigned i = 0; i < insn.operand_count; i++) {
        const ZydisDecodedOperand *op = &ops[i];
        if (op->type != ZYDIS_OPERAND_TYPE_MEMORY || op->visibility != ZYDIS_OPERAND_VISIBILITY_EXPLICIT)
            continue;
        v->has_mem = true;
        v->base = zydis_gpr(op->mem.base);
        v->index = zydis_gpr(op->mem.index);
        v->scale = op->mem.scale ? op->mem.scale : 1;
        v->disp = op->mem.disp.value;
        v->seg = (uint8_t)ZydisRegisterGetId(op->mem.segment);
        break;
    }
}

void oracle_ours(const uint8_t *bytes, size_t n, enum x86_mode mode, struct oracle_view *v,
                 struct x86_insn *insn)
{
    oracle_view_of(x86_decode(bytes, n, mode, insn), insn, v);
}

void oracle_view_of(enum x86_decode_status s, const struct x86_insn *insn, struct oracle_view *v)
{
    memset(v, 0, sizeof *v);
    v->mnemonic = "";
    if (s != X86_DECODE_OK)
        return;
    v->valid = true;
    v->len = insn->len;
    v->has_mem = insn->has_mem;
    if (insn->has_mem) {
        v->base = insn->mem_base;
        v->index = insn->mem_index;
        v->scale = insn->mem_scale;
        v->disp = insn->disp;
        v->seg = insn->seg;
    }
}
