/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diff_views and the triage of known differences (DECODER_ORACLES.md).
 */
#include "diff.h"

#include <string.h>

const char *diff_kind_name(enum diff_kind k)
{
    static const char *const names[DIFF_KIND_COUNT] = {"agree", "we accept, oracle rejects",
                                                       "oracle accepts, we reject", "length",
                                                       "memory operand"};
    return k < DIFF_KIND_COUNT ? names[k] : "?";
}

enum diff_kind diff_views(const struct oracle_view *ours, const struct oracle_view *theirs,
                          const struct x86_insn *insn, enum x86_mode mode)
{
    if (ours->valid != theirs->valid)
        return ours->valid ? DIFF_WE_ACCEPT : DIFF_WE_REJECT;
    if (!ours->valid)
        return DIFF_NONE;
    if (ours->len != theirs->len)
        return DIFF_LENGTH;
    if (ours->has_mem != theirs->has_mem)
        return DIFF_MEM;
    if (!ours->has_mem)
        return DIFF_NONE;
    uint64_t mask = insn->addrsize >= 8 ? ~0ull : (1ull << (8 * insn->addrsize)) - 1;
    /* LEA computes an offset: its segment means nothing (Zydis names the default one). */
    (void)mode;
    bool lea = insn->encoding == X86_ENC_LEGACY &&
               insn->map == X86_MAP_PRIMARY && insn->opcode == 0x8D;
    if (ours->base != theirs->base || ours->index != theirs->index ||
        ours->scale != theirs->scale || (!lea && ours->seg != theirs->seg) ||
        (((uint64_t)ours->disp ^ (uint64_t)theirs->disp) & mask))
        return DIFF_MEM;
    return DIFF_NONE;
}

/* Offset of the first byte after the legacy prefixes and REX. */
static size_t after_prefixes(const uint8_t *b, enum x86_mode mode)
{
    size_t i = 0;
    for (; i < X86_MAX_INSN_LEN; i++) {
        uint8_t c = b[i];
        bool pfx = c == 0x26 || c == 0x2E || c == 0x36 || c == 0x3E || c == 0x64 || c == 0x65 ||
                   c == 0x66 || c == 0x67 || c == 0xF0 || c == 0xF2 || c == 0xF3 ||
                   (mode == X86_MODE_LONG64 && (c & 0xF0) == 0x40);
        if (!pfx)
            break;
    }
    return i;
}

/* The last segment-override prefix byte, or 0. */
static uint8_t last_segment_prefix(const uint8_t *b, size_t n)
{
    uint8_t last = 0;
    for (size_t i = 0; i < n; i++)
        if (b[i] == 0x26 || b[i] == 0x2E || b[i] == 0x36 || b[i] == 0x3E || b[i] == 0x64 || b[i] == 0x65)
            last = b[i];
    return last;
}

/* REX.B / VEX.B / EVEX.B as encoded. */
static bool ext_b(const uint8_t *b, size_t at, const struct x86_insn *insn)
{
    if (insn->encoding == X86_ENC_LEGACY)
        return insn->rex & 1;
    return b[at] != 0xC5 && !(b[at + 1] & 0x20);
}

const char *diff_triage(enum oracle_id oracle, enum diff_kind kind, const uint8_t *bytes,
                        enum x86_mode mode, const struct x86_insn *insn,
                        const struct oracle_view *ours, const struct oracle_view *theirs,
                        const struct oracle_view *zydis)
{
    const size_t at = after_prefixes(bytes, mode);
    const bool m64 = mode == X86_MODE_LONG64;
    const bool evex = bytes[at] == 0x62 && (m64 || bytes[at + 1] >= 0xC0);

    /* Vendor extensions Intel processors do not have (both oracles decode them). */
    if (kind == DIFF_WE_REJECT && bytes[at] == 0x8F && (bytes[at + 1] & 0x1F) >= 8)
        return "oracle-decodes-amd-xop";
    if (kind == DIFF_WE_REJECT && bytes[at] == 0x0F && (bytes[at + 1] == 0xA6 || bytes[at + 1] == 0xA7))
        return "oracle-decodes-via-padlock";

    if (kind == DIFF_MEM && insn->encoding == X86_ENC_EVEX && insn->disp_size == 1 &&
        insn->disp_scale == 0 && ours->disp != 0 && theirs->disp % ours->disp == 0)
        return "ours-evex-disp8-n-not-in-table";

    /* AMD's FMA4 and VPERMIL2PS/PD: VEX 0F3A 48-49, 5C-5F, 68-6F, 78-7F; nothing on Intel. */
    if (kind == DIFF_WE_REJECT && insn->encoding == X86_ENC_VEX && insn->map == X86_MAP_0F3A &&
        (insn->opcode == 0x48 || insn->opcode == 0x49 || (insn->opcode >= 0x5C && insn->opcode <= 0x5F) ||
         (insn->opcode >= 0x68 && insn->opcode <= 0x6F) || insn->opcode >= 0x78) && insn->opcode <= 0x7F)
        return "oracle-decodes-amd-fma4";

    if (oracle == ORACLE_ZYDIS) {
        if (theirs->knc)
            return "zydis-decodes-knights-corner";
        if (kind == DIFF_WE_REJECT && evex && !(bytes[at + 2] & 0x04))
            return "zydis-evex-p1-bit2-unchecked";
        if (kind == DIFF_MEM && m64 && insn->addrsize == 4 && insn->has_sib && insn->mod == 0 &&
            (insn->sib & 7) == 5 && ext_b(bytes, at, insn) && theirs->disp == 0)
            return "zydis-67-sib-disp32-names-r13d";
        if (kind == DIFF_MEM && !m64 && insn->encoding == X86_ENC_LEGACY &&
            insn->map == X86_MAP_PRIMARY && insn->opcode == 0xFF &&
            ((insn->modrm >> 3) & 7) != 3 && ((insn->modrm >> 3) & 7) != 5 &&
            last_segment_prefix(bytes, at) == 0x3E)
            return "zydis-notrack-drops-ds-override";
        if (kind == DIFF_WE_ACCEPT && insn->encoding == X86_ENC_EVEX)
            return "ours-evex-opcode-validity-not-modelled";
        return NULL;
    }

    /* Capstone: where Zydis sides with us, the class says why Capstone is wrong. */
    const bool zydis_agrees = zydis->valid == ours->valid && (!ours->valid || zydis->len == ours->len);
    if (kind == DIFF_WE_REJECT && !zydis->valid) {
        if (insn->prefixes & X86_PFX_LOCK)
            return "capstone-lock-unchecked";
        if (insn->encoding != X86_ENC_LEGACY)
            return "capstone-vex-evex-checks-missing";
        if (insn->map == X86_MAP_0F && insn->opcode >= 0x20 && insn->opcode <= 0x23)
            return "capstone-cr-dr-number-unchecked";
        if (insn->map != X86_MAP_PRIMARY)
            return "capstone-0f-map-validity-unchecked";
        if (insn->opcode == 0x8C || insn->opcode == 0x8E)
            return "capstone-mov-sreg-number-unchecked";
        return NULL;
    }
    if (kind == DIFF_WE_ACCEPT && zydis_agrees)
        return "capstone-rejects-valid";
    if (ours->valid && insn->encoding == X86_ENC_EVEX && (!zydis->valid || !theirs->valid))
        return "ours-evex-opcode-validity-not-modelled";
    if (kind == DIFF_LENGTH && zydis_agrees && m64 && (insn->prefixes & X86_PFX_OPSIZE) &&
        insn->opsize == 8 && insn->imm_size == 4)
        return "capstone-66-on-64bit-near-branch";
    if (kind == DIFF_MEM && zydis_agrees && insn->encoding == X86_ENC_EVEX && insn->has_sib &&
        ((insn->sib >> 3) & 7) == 4 && ours->index == X86_REG_NONE && zydis->index == X86_REG_NONE)
        return "capstone-evex-sib-no-index-as-rsp";
    if (kind == DIFF_LENGTH && zydis_agrees && insn->map == X86_MAP_0F && insn->opcode == 0x78)
        return "capstone-sse4a-extrq-insertq-as-vmread";
    if (kind == DIFF_LENGTH && zydis_agrees && (insn->prefixes & (X86_PFX_OPSIZE | X86_PFX_ADSIZE)) &&
        insn->encoding == X86_ENC_LEGACY)
        return "capstone-66-67-immediate-size";
    if (kind == DIFF_LENGTH && zydis_agrees && insn->encoding == X86_ENC_EVEX)
        return "capstone-evex-length";
    if (kind == DIFF_MEM && m64 && (insn->prefixes & X86_PFX_SEG) &&
        (insn->seg == X86_FS || insn->seg == X86_GS) && zydis->seg == insn->seg)
        return "capstone-64bit-null-prefix-undoes-fs-gs";
    return NULL;
}
