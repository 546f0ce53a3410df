/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz harness: the x86 instruction decoder (core/emul/decode*.c). Input:
 * byte 0 picks the mode (modulo 5: real, virtual-8086, 16-, 32-, 64-bit
 * protected mode), the rest are the instruction bytes. Each input decodes
 * them in its mode, so mutating byte 0 moves an instruction between modes.
 * Invariants, each an abort() when broken, checked on every input in its
 * mode:
 *  - no read past the input (ASan: the input buffer is exactly its size)
 *    and never more than 15 bytes; "truncated" only with fewer than 15
 *    bytes, #GP only with 15;
 *  - a decoded instruction is self-consistent: 1 <= len <= 15 and within
 *    the input, displacement and immediates inside it, operand and address
 *    sizes 2/4/8, a scale of 1/2/4/8, a segment register, registers in
 *    range, RIP-relative and 8-byte addresses only in 64-bit mode;
 *  - the result depends only on the instruction's own bytes: decoding
 *    exactly `len` bytes gives the same instruction, one byte fewer gives
 *    "truncated";
 *  - real and virtual-8086 mode (those inputs are also decoded in 16-bit
 *    protected mode) decode like 16-bit protected mode except where
 *    VEX/EVEX exist only in the latter (C4, C5, 62) and for the
 *    protected-mode-only ARPL, LAR, LSL and group 6 (#UD there);
 *  - in 16-, 32- and 64-bit mode, validity, length and the memory operand
 *    agree with Zydis 4.0.0, or the difference is a known class
 *    (core/emul/DECODER_ORACLES.md).
 * At most two decodes, two re-decodes and one Zydis decode per input.
 * DECODER_FUZZ_TRACE=1 prints the verdicts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/decoder_oracles/diff.h"

static _Noreturn void fail(const char *what, enum x86_mode mode, const uint8_t *b, size_t n)
{
    fprintf(stderr, "decoder: INVARIANT VIOLATED: %s (mode %d):", what, (int)mode);
    for (size_t i = 0; i < n && i < X86_MAX_INSN_LEN; i++)
        fprintf(stderr, " %02x", b[i]);
    fprintf(stderr, "\n");
    abort();
}

static bool is_legacy_prefix(uint8_t c)
{
    switch (c) {
    case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65: case 0x66: case 0x67:
    case 0xF0: case 0xF2: case 0xF3:
        return true;
    default:
        return false;
    }
}

static bool same_insn(const struct x86_insn *a, const struct x86_insn *b)
{
    return a->len == b->len && a->encoding == b->encoding && a->map == b->map &&
           a->opcode == b->opcode && a->modrm == b->modrm && a->has_mem == b->has_mem &&
           a->mem_base == b->mem_base && a->mem_index == b->mem_index && a->disp == b->disp &&
           a->imm == b->imm && a->imm2 == b->imm2 && a->seg == b->seg && a->opsize == b->opsize;
}

static void check_fields(const struct x86_insn *in, enum x86_mode mode, const uint8_t *b, size_t n)
{
    if (in->len < 1 || in->len > X86_MAX_INSN_LEN || in->len > n)
        fail("length out of range", mode, b, n);
    if (in->disp_size && in->disp_offset + in->disp_size > in->len)
        fail("displacement outside the instruction", mode, b, n);
    if (in->imm_size && in->imm_offset + in->imm_size + in->imm2_size > in->len)
        fail("immediate outside the instruction", mode, b, n);
    if ((in->opsize != 2 && in->opsize != 4 && in->opsize != 8) ||
        (in->addrsize != 2 && in->addrsize != 4 && in->addrsize != 8))
        fail("operand or address size", mode, b, n);
    if (in->addrsize == 8 && mode != X86_MODE_LONG64)
        fail("64-bit addressing outside 64-bit mode", mode, b, n);
    if (in->seg >= X86_SEG_COUNT || in->reg >= 32 || in->rm >= 32)
        fail("register out of range", mode, b, n);
    if (in->has_mem) {
        bool base_ok = in->mem_base < X86_GPR_COUNT || in->mem_base == X86_REG_NONE ||
                       in->mem_base == X86_REG_RIP;
        bool index_ok = in->mem_index < 32 || in->mem_index == X86_REG_NONE;
        if (!base_ok || !index_ok || (in->mem_scale & (in->mem_scale - 1)) || in->mem_scale > 8 ||
            in->mem_scale == 0)
            fail("memory operand out of range", mode, b, n);
        if (in->mem_base == X86_REG_RIP && mode != X86_MODE_LONG64)
            fail("RIP-relative outside 64-bit mode", mode, b, n);
    }
}

/* Validity, length and memory operand against Zydis (16-, 32- and 64-bit mode). */
static void compare_with_zydis(const uint8_t *data, size_t size, enum x86_mode mode,
                               enum x86_decode_status s, const struct x86_insn *in)
{
    /* Zydis sees the same bytes (at most 15); the triage looks a few bytes ahead, so it
     * gets a zero-padded copy. */
    struct oracle_view ours, zydis;
    size_t n = size < X86_MAX_INSN_LEN ? size : X86_MAX_INSN_LEN;
    uint8_t pad[X86_MAX_INSN_LEN + 8] = {0};
    memcpy(pad, data, n);
    oracle_view_of(s, in, &ours);
    oracle_zydis(pad, n, mode, &zydis);
    enum diff_kind k = diff_views(&ours, &zydis, in, mode);
    if (k != DIFF_NONE && !diff_triage(ORACLE_ZYDIS, k, pad, mode, in, &ours, &zydis, &zydis)) {
        fprintf(stderr, "decoder: %s; ours: %s len %u, zydis: %s len %u %s\n", diff_kind_name(k),
                ours.valid ? "valid" : "invalid", ours.len, zydis.valid ? "valid" : "invalid",
                zydis.len, zydis.mnemonic);
        fail("unexplained difference from Zydis", mode, data, size);
    }
}

/* Real and virtual-8086 mode decode like 16-bit protected mode, with known exceptions. */
static void compare_with_prot16(const uint8_t *data, size_t size, enum x86_mode mode,
                                enum x86_decode_status s, const struct x86_insn *in)
{
    struct x86_insn prot16;
    enum x86_decode_status prot16_status = x86_decode(data, size, X86_MODE_PROT16, &prot16);
    size_t at = 0;
    while (at < size && at < X86_MAX_INSN_LEN && is_legacy_prefix(data[at]))
        at++;
    bool vex_like = at < size && (data[at] == 0xC4 || data[at] == 0xC5 || data[at] == 0x62);
    /* ARPL, LAR, LSL and group 6 are protected-mode only */
    bool prot_only = s == X86_DECODE_UD && prot16_status == X86_DECODE_OK &&
                     ((prot16.map == X86_MAP_PRIMARY && prot16.opcode == 0x63) ||
                      (prot16.map == X86_MAP_0F && prot16.opcode <= 0x03));
    if (!vex_like && !prot_only &&
        (s != prot16_status || (s == X86_DECODE_OK && !same_insn(in, &prot16))))
        fail("real/VM86 mode differs from 16-bit protected mode", mode, data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t input_size)
{
    static const enum x86_mode modes[] = {X86_MODE_REAL, X86_MODE_VM86, X86_MODE_PROT16,
                                          X86_MODE_PROT32, X86_MODE_LONG64};
    static int trace = -1;
    if (trace < 0)
        trace = getenv("DECODER_FUZZ_TRACE") != NULL;
    if (input_size == 0)
        return 0;
    const enum x86_mode mode = modes[input[0] % (sizeof modes / sizeof modes[0])];
    const uint8_t *data = input + 1;
    const size_t size = input_size - 1;

    struct x86_insn in, again;
    enum x86_decode_status s = x86_decode(data, size, mode, &in);
    if (trace)
        fprintf(stderr, "mode %d: %s len %u\n", (int)mode, x86_decode_status_name(s), in.len);
    if (in.len > X86_MAX_INSN_LEN || in.len > size)
        fail("consumed more than it had", mode, data, size);
    if (s == X86_DECODE_TRUNCATED && size >= X86_MAX_INSN_LEN)
        fail("truncated with 15 bytes available", mode, data, size);
    if (s == X86_DECODE_GP && size < X86_MAX_INSN_LEN)
        fail("#GP with fewer than 15 bytes available", mode, data, size);
    if (s == X86_DECODE_OK) {
        check_fields(&in, mode, data, size);
        if (x86_decode(data, in.len, mode, &again) != X86_DECODE_OK || !same_insn(&in, &again))
            fail("decoding exactly len bytes differs", mode, data, size);
        if (x86_decode(data, in.len - 1u, mode, &again) != X86_DECODE_TRUNCATED)
            fail("one byte fewer is not truncated", mode, data, size);
    }
    if (mode == X86_MODE_REAL || mode == X86_MODE_VM86)
        compare_with_prot16(data, size, mode, s, &in);
    else
        compare_with_zydis(data, size, mode, s, &in);
    return 0;
}
