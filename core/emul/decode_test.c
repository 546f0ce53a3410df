/* SPDX-License-Identifier: Apache-2.0 */
/*
 * x86_decode unit tests: hand-checked encodings for each part of the
 * format (prefix rules, REX, ModRM/SIB in 16/32/64-bit addressing,
 * RIP-relative, moffs, every immediate kind, VEX/EVEX, the #UD, #GP and
 * truncation results). The differential against Capstone and Zydis is in
 * tests/decoder_oracles/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vmm/x86_insn.h"

#define D16 X86_MODE_PROT16
#define D32 X86_MODE_PROT32
#define D64 X86_MODE_LONG64

#define BYTES(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static struct x86_insn in;

/* Decodes with 16 bytes available beyond the instruction (zero padding). */
static enum x86_decode_status dec(enum x86_mode mode, const uint8_t *b, size_t n)
{
    uint8_t buf[32] = {0};
    for (size_t i = 0; i < n && i < sizeof buf; i++)
        buf[i] = b[i];
    return x86_decode(buf, sizeof buf, mode, &in);
}

static void ok(enum x86_mode mode, const uint8_t *b, size_t n)
{
    enum x86_decode_status s = dec(mode, b, n);
    assert_string_equal(x86_decode_status_name(s), "ok");
    assert_int_equal(in.len, n);
}

static void expect(enum x86_decode_status want, enum x86_mode mode, const uint8_t *b, size_t n)
{
    assert_string_equal(x86_decode_status_name(dec(mode, b, n)), x86_decode_status_name(want));
}

static void mem(uint8_t base, uint8_t index, uint8_t scale, int64_t disp, uint8_t seg)
{
    assert_true(in.has_mem);
    assert_int_equal(in.mem_base, base);
    assert_int_equal(in.mem_index, index);
    assert_int_equal(in.mem_scale, scale);
    assert_int_equal(in.disp, disp);
    assert_int_equal(in.seg, seg);
}

static void test_modrm_64bit_forms(void **state)
{
    (void)state;
    ok(D64, BYTES(0x48, 0x8B, 0x05, 0x10, 0x00, 0x00, 0x00)); /* mov rax, [rip+10h] */
    mem(X86_REG_RIP, X86_REG_NONE, 1, 0x10, X86_DS);
    assert_int_equal(in.opsize, 8);
    assert_int_equal(in.disp_offset, 3);
    assert_int_equal(in.disp_size, 4);
    ok(D64, BYTES(0x8B, 0x44, 0x24, 0x08)); /* mov eax, [rsp+8] */
    mem(X86_RSP, X86_REG_NONE, 1, 8, X86_SS);
    assert_true(in.has_sib);
    ok(D64, BYTES(0x42, 0x8B, 0x04, 0xA5, 0x00, 0x10, 0x00, 0x00)); /* mov eax, [r12*4+1000h] */
    mem(X86_REG_NONE, X86_R12, 4, 0x1000, X86_DS);
    ok(D64, BYTES(0x41, 0x8B, 0x45, 0x00)); /* mov eax, [r13+0]: r13 is not rBP */
    mem(X86_R13, X86_REG_NONE, 1, 0, X86_DS);
    ok(D64, BYTES(0x41, 0x8B, 0x04, 0x24)); /* mov eax, [r12]: SIB needed, DS */
    mem(X86_R12, X86_REG_NONE, 1, 0, X86_DS);
    ok(D64, BYTES(0x8B, 0x84, 0xCD, 0x80, 0xFF, 0xFF, 0xFF)); /* mov eax, [rbp+rcx*8-80h] */
    mem(X86_RBP, X86_RCX, 8, -0x80, X86_SS);
    ok(D64, BYTES(0x4C, 0x8B, 0x4C, 0x63, 0xF0)); /* mov r9, [rbx+riz*2-10h]: no index */
    mem(X86_RBX, X86_REG_NONE, 1, -0x10, X86_DS);
    assert_int_equal(in.reg, X86_R9);
    ok(D64, BYTES(0x67, 0x8B, 0x05, 0x00, 0x01, 0x00, 0x00)); /* mov eax, [eip+100h] */
    mem(X86_REG_RIP, X86_REG_NONE, 1, 0x100, X86_DS);
    assert_int_equal(in.addrsize, 4);
    ok(D64, BYTES(0x49, 0x89, 0xC7)); /* mov r15, rax: register form */
    assert_false(in.has_mem);
    assert_int_equal(in.rm, X86_R15);
}

static void test_modrm_32bit_forms(void **state)
{
    (void)state;
    ok(D32, BYTES(0x8B, 0x05, 0x78, 0x56, 0x34, 0x12)); /* mov eax, [12345678h]: no RIP */
    mem(X86_REG_NONE, X86_REG_NONE, 1, 0x12345678, X86_DS);
    ok(D32, BYTES(0x8B, 0x04, 0x25, 0x00, 0x00, 0x01, 0x00)); /* SIB, no base, no index */
    mem(X86_REG_NONE, X86_REG_NONE, 1, 0x10000, X86_DS);
    ok(D32, BYTES(0x8B, 0x45, 0xFC)); /* mov eax, [ebp-4] */
    mem(X86_RBP, X86_REG_NONE, 1, -4, X86_SS);
    ok(D32, BYTES(0x48)); /* dec eax: no REX outside 64-bit mode */
    ok(D32, BYTES(0x67, 0x8B, 0x00)); /* mov eax, [bx+si] */
    mem(X86_RBX, X86_RSI, 1, 0, X86_DS);
    assert_int_equal(in.addrsize, 2);
}

static void test_modrm_16bit_forms(void **state)
{
    (void)state;
    static const struct {
        uint8_t modrm, base, index, seg;
    } forms[] = {
        {0x40, X86_RBX, X86_RSI, X86_DS}, {0x41, X86_RBX, X86_RDI, X86_DS},
        {0x42, X86_RBP, X86_RSI, X86_SS}, {0x43, X86_RBP, X86_RDI, X86_SS},
        {0x44, X86_RSI, X86_REG_NONE, X86_DS}, {0x45, X86_RDI, X86_REG_NONE, X86_DS},
        {0x46, X86_RBP, X86_REG_NONE, X86_SS}, {0x47, X86_RBX, X86_REG_NONE, X86_DS},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        ok(D16, BYTES(0x8B, forms[i].modrm, 0x04)); /* mov ax, [..+4] */
        mem(forms[i].base, forms[i].index, 1, 4, forms[i].seg);
        assert_int_equal(in.opsize, 2);
        assert_int_equal(in.addrsize, 2);
    }
    ok(D16, BYTES(0x8B, 0x06, 0x34, 0x12)); /* mov ax, [1234h] */
    mem(X86_REG_NONE, X86_REG_NONE, 1, 0x1234, X86_DS);
    ok(D16, BYTES(0x8B, 0x86, 0x00, 0x80)); /* mov ax, [bp-8000h] */
    mem(X86_RBP, X86_REG_NONE, 1, -0x8000, X86_SS);
    ok(D16, BYTES(0x66, 0x67, 0x8B, 0x44, 0x24, 0x02)); /* mov eax, [esp+2] */
    mem(X86_RSP, X86_REG_NONE, 1, 2, X86_SS);
    assert_int_equal(in.opsize, 4);
    ok(X86_MODE_REAL, BYTES(0x26, 0x8B, 0x07)); /* mov ax, es:[bx] */
    mem(X86_RBX, X86_REG_NONE, 1, 0, X86_ES);
    expect(X86_DECODE_UD, X86_MODE_REAL, BYTES(0x63, 0xC0));       /* ARPL: protected mode only */
    expect(X86_DECODE_UD, X86_MODE_VM86, BYTES(0x0F, 0x00, 0xC8)); /* STR */
    ok(D16, BYTES(0x0F, 0x00, 0xC8));
}

static void test_segment_override_last_wins(void **state)
{
    (void)state;
    ok(D32, BYTES(0x64, 0x26, 0x8B, 0x00));
    assert_int_equal(in.seg, X86_ES);
    ok(D32, BYTES(0x26, 0x65, 0x8B, 0x00));
    assert_int_equal(in.seg, X86_GS);
    ok(D64, BYTES(0x2E, 0x3E, 0x64, 0x8B, 0x00));
    assert_int_equal(in.seg, X86_FS);
    ok(D64, BYTES(0x36, 0x8B, 0x00)); /* 64-bit mode: SS override ignored */
    assert_int_equal(in.seg, X86_DS);
    ok(D64, BYTES(0x64, 0x36, 0x8B, 0x00)); /* ... and it does not undo an earlier FS */
    assert_int_equal(in.seg, X86_FS);
    assert_true(in.prefixes & X86_PFX_SEG);
}

static void test_rex_only_right_before_opcode(void **state)
{
    (void)state;
    ok(D64, BYTES(0x48, 0x66, 0x8B, 0x00)); /* REX, then 66: REX ignored */
    assert_int_equal(in.rex, 0);
    assert_int_equal(in.opsize, 2);
    ok(D64, BYTES(0x66, 0x48, 0x8B, 0x00)); /* REX.W wins over 66 */
    assert_int_equal(in.rex, 0x48);
    assert_int_equal(in.opsize, 8);
    ok(D64, BYTES(0x41, 0x48, 0x8B, 0x00)); /* two REX: the last counts */
    assert_int_equal(in.rex, 0x48);
    assert_int_equal(in.mem_base, X86_RAX);
    ok(D64, BYTES(0x50)); /* push rax: 64-bit default */
    assert_int_equal(in.opsize, 8);
    ok(D64, BYTES(0x66, 0x50)); /* push ax */
    assert_int_equal(in.opsize, 2);
}

static void test_repeated_and_conflicting_prefixes(void **state)
{
    (void)state;
    ok(D64, BYTES(0xF3, 0xF2, 0xA4)); /* last of F2/F3 wins */
    assert_int_equal(in.last_rep, 0xF2);
    assert_true(in.prefixes & X86_PFX_REP);
    assert_true(in.prefixes & X86_PFX_REPNE);
    ok(D64, BYTES(0x66, 0x66, 0x66, 0x90));
    assert_int_equal(in.opsize, 2);
    ok(D64, BYTES(0x66, 0xF3, 0x0F, 0x10, 0x00)); /* movss: F3 selects the form */
    assert_int_equal(in.mandatory, 0xF3);
    ok(D64, BYTES(0xF3, 0xF2, 0x0F, 0x10, 0x00)); /* movsd */
    assert_int_equal(in.mandatory, 0xF2);
    ok(D64, BYTES(0x66, 0x0F, 0x6F, 0x00)); /* movdqa: 66 is the form, not the size */
    assert_int_equal(in.mandatory, 0x66);
    assert_int_equal(in.opsize, 4);
    ok(D64, BYTES(0xF3, 0x0F, 0xB8, 0xC0)); /* popcnt */
    expect(X86_DECODE_UD, D64, BYTES(0x0F, 0xB8, 0xC0)); /* JMPE does not exist */
}

static void test_immediate_sizes(void **state)
{
    (void)state;
    ok(D64, BYTES(0x48, 0xB8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11)); /* mov rax, imm64 */
    assert_int_equal(in.imm_size, 8);
    assert_true(in.imm == 0x1122334455667788ull);
    ok(D64, BYTES(0xB8, 0x00, 0x00, 0x00, 0x80)); /* mov eax, imm32 */
    ok(D64, BYTES(0x66, 0xB8, 0x34, 0x12));       /* mov ax, imm16 */
    ok(D64, BYTES(0x48, 0xC7, 0xC0, 0xFF, 0xFF, 0xFF, 0xFF)); /* mov rax, -1 (imm32) */
    assert_true(in.imm == ~0ull);
    ok(D64, BYTES(0xC8, 0x10, 0x00, 0x01)); /* enter 10h, 1 */
    assert_int_equal(in.imm, 0x10);
    assert_int_equal(in.imm2, 1);
    assert_int_equal(in.imm2_size, 1);
    ok(D64, BYTES(0xF6, 0xC0, 0x12));                   /* test al, 12h */
    ok(D64, BYTES(0xF6, 0xD0));                         /* not al: no immediate */
    ok(D64, BYTES(0xF7, 0xC8, 0x01, 0x00, 0x00, 0x00)); /* test eax, 1 (/1 alias) */
    ok(D64, BYTES(0x66, 0xF7, 0x00, 0x01, 0x00));       /* test word [rax], 1 */
    ok(D64, BYTES(0xF7, 0x18));                         /* neg dword [rax] */
    ok(D64, BYTES(0x6B, 0xC0, 0x80));                   /* imul eax, eax, -80h */
    assert_true(in.imm == (uint64_t)-0x80);
    ok(D64, BYTES(0xC2, 0xFF, 0xFF)); /* ret 0FFFFh: unsigned */
    assert_int_equal(in.imm, 0xFFFF);
    ok(D64, BYTES(0x66, 0x0F, 0x84, 0x00, 0x00, 0x00, 0x00)); /* jz rel32: 66 ignored */
    assert_int_equal(in.opsize, 8);
    ok(D16, BYTES(0xE8, 0x00, 0x01));       /* call rel16 */
    ok(D32, BYTES(0x66, 0xE9, 0x00, 0x01)); /* jmp rel16 */
    ok(D64, BYTES(0xC7, 0xF8, 0x00, 0x00, 0x00, 0x00)); /* xbegin */
    ok(D64, BYTES(0xC6, 0xF8, 0x01));                   /* xabort 1 */
    ok(D64, BYTES(0x0F, 0x3A, 0x0F, 0xC1, 0x08) /* palignr mm0, mm1, 8 */);
}

static void test_far_pointers_outside_64bit_mode(void **state)
{
    (void)state;
    ok(D32, BYTES(0x9A, 0x78, 0x56, 0x34, 0x12, 0xCD, 0xAB)); /* call far ABCDh:12345678h */
    assert_int_equal(in.imm, 0x12345678);
    assert_int_equal(in.imm2, 0xABCD);
    ok(D16, BYTES(0xEA, 0x34, 0x12, 0xCD, 0xAB)); /* jmp far ABCDh:1234h */
    ok(D16, BYTES(0x66, 0xEA, 0x78, 0x56, 0x34, 0x12, 0xCD, 0xAB));
    expect(X86_DECODE_UD, D64, BYTES(0x9A, 0x78, 0x56, 0x34, 0x12, 0xCD, 0xAB));
    expect(X86_DECODE_UD, D64, BYTES(0xEA, 0x78, 0x56, 0x34, 0x12, 0xCD, 0xAB));
}

static void test_moffs_follows_address_size(void **state)
{
    (void)state;
    ok(D64, BYTES(0x48, 0xA1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11));
    mem(X86_REG_NONE, X86_REG_NONE, 1, 0x1122334455667788, X86_DS);
    assert_int_equal(in.disp_size, 8);
    assert_int_equal(in.opsize, 8);
    ok(D64, BYTES(0x67, 0xA2, 0x00, 0x00, 0x00, 0x80)); /* mov [80000000h], al: zero-extended */
    assert_int_equal(in.disp, 0x80000000);
    ok(D32, BYTES(0x64, 0xA3, 0x10, 0x00, 0x00, 0x00)); /* mov fs:[10h], eax */
    assert_int_equal(in.seg, X86_FS);
    ok(D16, BYTES(0xA0, 0x34, 0x12));
    assert_int_equal(in.disp_size, 2);
}

static void test_3dnow_opcode_byte_trails(void **state)
{
    (void)state;
    ok(D32, BYTES(0x0F, 0x0F, 0xC1, 0xB4));       /* pfmul mm0, mm1 */
    assert_int_equal(in.imm, 0xB4);
    ok(D64, BYTES(0x0F, 0x0F, 0x40, 0x08, 0x9E)); /* pfadd mm0, [rax+8] */
    mem(X86_RAX, X86_REG_NONE, 1, 8, X86_DS);
    expect(X86_DECODE_UD, D64, BYTES(0x0F, 0x0F, 0xC1, 0x00)); /* no such 3DNow! opcode */
}

static void test_vex_forms(void **state)
{
    (void)state;
    ok(D64, BYTES(0xC5, 0xF8, 0x77)); /* vzeroupper: no ModRM */
    assert_int_equal(in.encoding, X86_ENC_VEX);
    ok(D64, BYTES(0xC4, 0xE2, 0x79, 0x18, 0x00)); /* vbroadcastss xmm0, [rax] */
    assert_int_equal(in.map, X86_MAP_0F38);
    ok(D64, BYTES(0xC4, 0xE3, 0x79, 0x04, 0xC0, 0x01)); /* vpermilps xmm0, xmm0, 1 */
    ok(D64, BYTES(0xC4, 0x01, 0x7C, 0x10, 0x04, 0x88)); /* vmovups ymm8, [r8+r9*4] */
    mem(X86_R8, X86_R9, 4, 0, X86_DS);
    assert_int_equal(in.reg, 8);
    assert_int_equal(in.vex_l, 1);
    ok(D64, BYTES(0xC5, 0xF1, 0xEF, 0xC2)); /* vpxor xmm0, xmm1, xmm2 */
    assert_int_equal(in.vex_vvvv, 1);
    assert_int_equal(in.mandatory, 0x66);
    ok(D32, BYTES(0xC5, 0xF8, 0x77)); /* 32-bit: C5 with mod = 3 is VEX */
    ok(D32, BYTES(0xC4, 0x00));       /* else LES eax, [eax] */
    assert_int_equal(in.encoding, X86_ENC_LEGACY);
    expect(X86_DECODE_UD, X86_MODE_REAL, BYTES(0xC5, 0xF8)); /* real mode: LDS with a register */
    expect(X86_DECODE_UD, D64, BYTES(0x66, 0xC5, 0xF8, 0x77)); /* 66 before VEX */
    expect(X86_DECODE_UD, D64, BYTES(0x40, 0xC5, 0xF8, 0x77)); /* REX before VEX */
    expect(X86_DECODE_UD, D64, BYTES(0xC4, 0xE0, 0x79, 0x18, 0x00)); /* map 0 */
    ok(D64, BYTES(0xC4, 0xE2, 0x79, 0x90, 0x0C, 0xE0)); /* vpgatherdd xmm1, [rax+xmm4*8], xmm0 */
    assert_int_equal(in.mem_index, 4);
    expect(X86_DECODE_UD, D64, BYTES(0xC4, 0xE2, 0x79, 0x90, 0x00)); /* VSIB without SIB */
}

static void test_vex_operand_constraints(void **state)
{
    (void)state;
    ok(D64, BYTES(0xC5, 0xF8, 0x28, 0x00));                        /* vmovaps xmm0, [rax] */
    expect(X86_DECODE_UD, D64, BYTES(0xC5, 0xF0, 0x28, 0x00));    /* ... with VEX.vvvv in use */
    ok(D64, BYTES(0xC5, 0xF2, 0x10, 0xC1));                        /* vmovss xmm0, xmm1, xmm1 */
    expect(X86_DECODE_UD, D64, BYTES(0xC5, 0xF2, 0x10, 0x00));    /* memory form: no vvvv */
    ok(D64, BYTES(0xC5, 0xF9, 0x6E, 0xC0));                        /* vmovd xmm0, eax */
    expect(X86_DECODE_UD, D64, BYTES(0xC5, 0xFD, 0x6E, 0xC0));    /* VEX.L = 1 */
    ok(D64, BYTES(0xC4, 0xE2, 0x79, 0x0C, 0xC1));                  /* vpermilps: W0 */
    expect(X86_DECODE_UD, D64, BYTES(0xC4, 0xE2, 0xF9, 0x0C, 0xC1));
    expect(X86_DECODE_UD, D32, BYTES(0xC4, 0xE1, 0x38, 0x28, 0x00)); /* vvvv bit 3 counts */
    expect(X86_DECODE_UD, D64, BYTES(0xC4, 0xE2, 0x59, 0x90, 0x04, 0xE0)); /* mask = index */
    expect(X86_DECODE_UD, D64, BYTES(0xC4, 0xE2, 0x79, 0x90, 0x04, 0xE0)); /* dest = mask */
    ok(D64, BYTES(0xC4, 0xE2, 0x63, 0x5E, 0xCA));                  /* tdpbssd tmm1, tmm2, tmm3 */
    expect(X86_DECODE_UD, D64, BYTES(0xC4, 0xE2, 0x73, 0x5E, 0xCA)); /* tmm1 twice */
    expect(X86_DECODE_UD, D32, BYTES(0xC4, 0xE2, 0x63, 0x5E, 0xCA)); /* AMX: 64-bit mode only */
    expect(X86_DECODE_UD, D64, BYTES(0xC4, 0xE3, 0x79, 0x68, 0xC0, 0x10)); /* FMA4 is AMD's */
}

static void test_evex_forms_and_disp8n(void **state)
{
    (void)state;
    ok(D64, BYTES(0x62, 0xF1, 0x7C, 0x48, 0x10, 0x40, 0x01)); /* vmovups zmm0, [rax+40h] */
    assert_int_equal(in.encoding, X86_ENC_EVEX);
    assert_int_equal(in.vex_l, 2);
    assert_int_equal(in.disp_scale, 64);
    mem(X86_RAX, X86_REG_NONE, 1, 0x40, X86_DS);
    ok(D64, BYTES(0x62, 0xF1, 0x7E, 0x08, 0x10, 0x40, 0xFF)); /* vmovss xmm0, [rax-4] */
    assert_int_equal(in.disp, -4);
    ok(D64, BYTES(0x62, 0xF1, 0x74, 0x58, 0x58, 0x40, 0x02)); /* vaddps zmm0, zmm1, [rax+8]{1to16} */
    assert_int_equal(in.disp, 8);
    ok(D64, BYTES(0x62, 0x61, 0x7C, 0x48, 0x10, 0x00)); /* EVEX.R' = 0 (inverted): zmm24 */
    assert_int_equal(in.reg, 24);
    ok(D32, BYTES(0x62, 0x00)); /* 32-bit: BOUND eax, [eax] */
    assert_int_equal(in.encoding, X86_ENC_LEGACY);
    expect(X86_DECODE_UD, D64, BYTES(0x62, 0xF1, 0x78, 0x48, 0x10, 0x00)); /* P1 bit 2 clear */
    expect(X86_DECODE_UD, D64, BYTES(0x62, 0xF1, 0x7C, 0x68, 0x10, 0x00)); /* L'L = 11b, memory */
    ok(D64, BYTES(0x62, 0xF1, 0x7C, 0x78, 0x58, 0xC0));     /* vaddps {rz-sae}: L'L is rounding */
    expect(X86_DECODE_UD, D64, BYTES(0x62, 0xF1, 0x7C, 0xC8, 0x10, 0xC1)); /* {z} with k0 */
    ok(D64, BYTES(0x62, 0xF1, 0x7C, 0xC9, 0x10, 0xC1));     /* vmovups zmm0{k1}{z}, zmm1 */
    expect(X86_DECODE_UD, D32, BYTES(0x62, 0xF1, 0x7C, 0x40, 0x10, 0xC1)); /* V' outside 64-bit */
    ok(D32, BYTES(0x62, 0xF1, 0x7C, 0x48, 0x10, 0xC1));
}

static void test_invalid_in_64bit_mode(void **state)
{
    (void)state;
    static const uint8_t ops[] = {0x06, 0x07, 0x0E, 0x16, 0x17, 0x1E, 0x1F, 0x27, 0x2F, 0x37,
                                  0x3F, 0x60, 0x61, 0xCE, 0xD6};
    for (size_t i = 0; i < sizeof ops; i++) {
        expect(X86_DECODE_UD, D64, &ops[i], 1);
        expect(X86_DECODE_OK, D32, &ops[i], 1);
    }
    expect(X86_DECODE_UD, D64, BYTES(0xD4, 0x0A));
    expect(X86_DECODE_UD, D64, BYTES(0x82, 0xC0, 0x01));
    ok(D32, BYTES(0x82, 0xC0, 0x01));
    expect(X86_DECODE_UD, D64, BYTES(0xC4, 0x00)); /* C4 in 64-bit mode is always VEX: map 0 */
}

static void test_invalid_opcodes(void **state)
{
    (void)state;
    expect(X86_DECODE_UD, D64, BYTES(0x0F, 0x0B)); /* ud2 */
    assert_int_equal(in.len, 2);
    expect(X86_DECODE_UD, D64, BYTES(0x0F, 0xB9, 0x40, 0x01)); /* ud1 eax, [rax+1] */
    assert_int_equal(in.len, 4);
    expect(X86_DECODE_UD, D64, BYTES(0x0F, 0x04));
    expect(X86_DECODE_UD, D64, BYTES(0x8D, 0xC0));       /* lea with a register */
    expect(X86_DECODE_UD, D64, BYTES(0xFF, 0xF8));       /* FF /7 */
    expect(X86_DECODE_UD, D64, BYTES(0xFF, 0xD8));       /* call far with a register */
    expect(X86_DECODE_UD, D64, BYTES(0x8E, 0xC8));       /* mov cs, ax */
    expect(X86_DECODE_UD, D64, BYTES(0x0F, 0x20, 0xC8)); /* mov rax, cr1 */
    ok(D64, BYTES(0x44, 0x0F, 0x20, 0xC0));              /* mov rax, cr8 */
    assert_int_equal(in.reg, 8);
    ok(D64, BYTES(0x0F, 0x22, 0x18)); /* mov cr3, rax: mod is ignored */
    assert_false(in.has_mem);
    assert_int_equal(in.opsize, 8);
    expect(X86_DECODE_UD, D64, BYTES(0x0F, 0x01, 0xCC)); /* no such register form */
    ok(D64, BYTES(0x0F, 0x01, 0xC8));
    expect(X86_DECODE_UD, D32, BYTES(0x0F, 0x01, 0xF8)); /* swapgs outside 64-bit mode */
}

static void test_group_forms_follow_prefix_and_mode(void **state)
{
    (void)state;
    ok(D64, BYTES(0x0F, 0x01, 0xC1));                          /* vmcall */
    expect(X86_DECODE_UD, D64, BYTES(0x66, 0x0F, 0x01, 0xC1)); /* NP: no 66 */
    ok(D64, BYTES(0xF3, 0x0F, 0x01, 0xEE));                    /* clui */
    expect(X86_DECODE_UD, D32, BYTES(0xF3, 0x0F, 0x01, 0xEE)); /* 64-bit mode only */
    ok(D32, BYTES(0xF2, 0x0F, 0x01, 0xFF));                    /* pvalidate */
    ok(D64, BYTES(0x0F, 0xC7, 0xF0));                          /* rdrand eax */
    expect(X86_DECODE_UD, D64, BYTES(0xF2, 0x0F, 0xC7, 0xF0));
    ok(D64, BYTES(0xF3, 0x0F, 0xC7, 0xF8));                    /* rdpid */
    ok(D64, BYTES(0x0F, 0x12, 0xC1));                          /* movhlps */
    expect(X86_DECODE_UD, D64, BYTES(0x66, 0x0F, 0x12, 0xC1)); /* movlpd needs memory */
    expect(X86_DECODE_UD, D64, BYTES(0x66, 0x0F, 0x37));       /* getsec: NP */
    ok(D64, BYTES(0xF3, 0x0F, 0x2B, 0x00));                    /* movntss (SSE4a) */
}

static void test_lock_rules(void **state)
{
    (void)state;
    ok(D64, BYTES(0xF0, 0x01, 0x00));                     /* lock add [rax], eax */
    ok(D64, BYTES(0xF0, 0x80, 0x00, 0x01));               /* lock add byte [rax], 1 */
    ok(D64, BYTES(0xF0, 0x48, 0x0F, 0xC7, 0x08));         /* lock cmpxchg16b [rax] */
    ok(D64, BYTES(0xF0, 0x0F, 0xBA, 0x28, 0x03));         /* lock bts dword [rax], 3 */
    ok(D64, BYTES(0xF0, 0x87, 0x00));                     /* lock xchg [rax], eax */
    expect(X86_DECODE_UD, D64, BYTES(0xF0, 0x01, 0xC0));  /* register destination */
    expect(X86_DECODE_UD, D64, BYTES(0xF0, 0x8B, 0x00));  /* mov */
    expect(X86_DECODE_UD, D64, BYTES(0xF0, 0x80, 0x38, 0x01)); /* cmp */
    expect(X86_DECODE_UD, D64, BYTES(0xF0, 0x0F, 0xBA, 0x20, 0x03)); /* bt */
    expect(X86_DECODE_UD, D64, BYTES(0xF0, 0x03, 0x00)); /* add eax, [rax]: register destination */
    expect(X86_DECODE_UD, D64, BYTES(0xF0, 0x90));
}

static void test_length_limit_is_gp(void **state)
{
    (void)state;
    uint8_t b[32];
    for (int i = 0; i < 14; i++)
        b[i] = 0x66;
    b[14] = 0x90;
    assert_int_equal(x86_decode(b, 15, D64, &in), X86_DECODE_OK);
    assert_int_equal(in.len, 15);
    b[14] = 0x66;
    b[15] = 0x90;
    assert_int_equal(x86_decode(b, 16, D64, &in), X86_DECODE_GP);
    /* 11 prefixes + mov rax, [rip+x] would be 18 bytes */
    static const uint8_t tail[] = {0x48, 0x8B, 0x05, 0, 0, 0, 0};
    for (int i = 0; i < 11; i++)
        b[i] = 0x2E;
    for (size_t i = 0; i < sizeof tail; i++)
        b[11 + i] = tail[i];
    assert_int_equal(x86_decode(b, 18, D64, &in), X86_DECODE_GP);
    assert_int_equal(x86_decode(b, 8, D64, &in), X86_DECODE_TRUNCATED);
}

static void test_truncated_input(void **state)
{
    (void)state;
    static const uint8_t mov_imm64[] = {0x48, 0xB8, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    for (size_t n = 0; n < sizeof mov_imm64; n++)
        assert_int_equal(x86_decode(mov_imm64, n, D64, &in), X86_DECODE_TRUNCATED);
    assert_int_equal(x86_decode(mov_imm64, sizeof mov_imm64, D64, &in), X86_DECODE_OK);
    static const uint8_t sib_disp[] = {0x8B, 0x84, 0x24, 0x00, 0x01, 0x00, 0x00};
    for (size_t n = 0; n < sizeof sib_disp; n++)
        assert_int_equal(x86_decode(sib_disp, n, D64, &in), X86_DECODE_TRUNCATED);
    assert_int_equal(x86_decode(sib_disp, sizeof sib_disp, D64, &in), X86_DECODE_OK);
}

static void test_x87_register_forms(void **state)
{
    (void)state;
    ok(D64, BYTES(0xD9, 0xE8));                    /* fld1 */
    ok(D64, BYTES(0xDD, 0x00));                    /* fld qword [rax] */
    expect(X86_DECODE_UD, D64, BYTES(0xD9, 0xD1)); /* hole after fnop */
    expect(X86_DECODE_UD, D64, BYTES(0xD9, 0x08)); /* D9 /1 memory */
    expect(X86_DECODE_UD, D64, BYTES(0xDF, 0xE1));
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(x86_decode_status_name(X86_DECODE_OK), "ok");
    assert_string_equal(x86_decode_status_name(X86_DECODE_TRUNCATED), "truncated");
    assert_string_equal(x86_decode_status_name(X86_DECODE_UD), "#UD");
    assert_string_equal(x86_decode_status_name(X86_DECODE_GP), "#GP");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_modrm_64bit_forms),
        cmocka_unit_test(test_modrm_32bit_forms),
        cmocka_unit_test(test_modrm_16bit_forms),
        cmocka_unit_test(test_segment_override_last_wins),
        cmocka_unit_test(test_rex_only_right_before_opcode),
        cmocka_unit_test(test_repeated_and_conflicting_prefixes),
        cmocka_unit_test(test_immediate_sizes),
        cmocka_unit_test(test_far_pointers_outside_64bit_mode),
        cmocka_unit_test(test_moffs_follows_address_size),
        cmocka_unit_test(test_3dnow_opcode_byte_trails),
        cmocka_unit_test(test_vex_forms),
        cmocka_unit_test(test_vex_operand_constraints),
        cmocka_unit_test(test_evex_forms_and_disp8n),
        cmocka_unit_test(test_group_forms_follow_prefix_and_mode),
        cmocka_unit_test(test_invalid_in_64bit_mode),
        cmocka_unit_test(test_invalid_opcodes),
        cmocka_unit_test(test_lock_rules),
        cmocka_unit_test(test_length_limit_is_gp),
        cmocka_unit_test(test_truncated_input),
        cmocka_unit_test(test_x87_register_forms),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
