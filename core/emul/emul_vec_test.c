/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SSE and AVX moves: MOVD/MOVQ, MOVDQA/MOVDQU, MOVAPS/MOVUPS and the VEX
 * forms, with their zeroing rules, alignment faults, and the #UD/#NM
 * checks of the SSE and AVX state.
 */
#include "emul_testing.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#define MEM 0x3000ull

static struct x86_cpu_state st;

static int setup(void **state)
{
    (void)state;
    t_reset();
    st = t_state64();
    st.gpr[X86_RAX] = MEM;
    for (unsigned r = 0; r < 16; r++)
        for (unsigned i = 0; i < 32; i++)
            st.vec[r].b[i] = (uint8_t)(0x10 * r + i + 1);
    for (unsigned i = 0; i < 64; i++)
        tg.ram[MEM + i] = (uint8_t)(0xc0 + i);
    return 0;
}

#define DO(...)                                            \
    do {                                                   \
        struct x86_emul_result r_ = RUN(&st, __VA_ARGS__); \
        t_expect_done(&r_);                                \
    } while (0)

/* Vector register r holds `n` bytes of guest memory at gpa, then zeroes up to `zero_to`. */
static void expect_vec(unsigned r, vmm_gpa_t gpa, unsigned n, unsigned zero_to)
{
    assert_memory_equal(st.vec[r].b, tg.ram + gpa, n);
    for (unsigned i = n; i < zero_to; i++)
        assert_int_equal(st.vec[r].b[i], 0);
}

static void movd_and_movq_loads_zero_the_xmm_register_and_keep_the_ymm_half(void **state)
{
    (void)state;
    uint8_t top[16];
    memcpy(top, st.vec[1].b + 16, 16);
    DO(0x66, 0x0f, 0x6e, 0x08); /* movd xmm1, [rax] */
    expect_vec(1, MEM, 4, 16);
    assert_memory_equal(st.vec[1].b + 16, top, 16);
    DO(0x66, 0x48, 0x0f, 0x6e, 0x08); /* movq xmm1, [rax] */
    expect_vec(1, MEM, 8, 16);
    DO(0xf3, 0x0f, 0x7e, 0x50, 0x08); /* movq xmm2, [rax+8] */
    expect_vec(2, MEM + 8, 8, 16);
    st.gpr[X86_RCX] = 0x1122334455667788ull;
    DO(0x66, 0x0f, 0x6e, 0xd9); /* movd xmm3, ecx */
    assert_int_equal(st.vec[3].q[0], 0x55667788);
    assert_int_equal(st.vec[3].q[1], 0);
}

static void movd_and_movq_store_to_memory_and_registers(void **state)
{
    (void)state;
    DO(0x66, 0x0f, 0x7e, 0x08); /* movd [rax], xmm1 */
    assert_memory_equal(tg.ram + MEM, st.vec[1].b, 4);
    assert_int_equal(tg.ram[MEM + 4], 0xc4);
    DO(0x66, 0x48, 0x0f, 0x7e, 0x50, 0x10); /* movq [rax+16], xmm2 */
    assert_memory_equal(tg.ram + MEM + 16, st.vec[2].b, 8);
    DO(0x66, 0x0f, 0xd6, 0x58, 0x20); /* movq [rax+32], xmm3 */
    assert_memory_equal(tg.ram + MEM + 32, st.vec[3].b, 8);
    st.gpr[X86_RCX] = ~0ull;
    DO(0x66, 0x0f, 0x7e, 0xc9); /* movd ecx, xmm1 */
    assert_int_equal(st.gpr[X86_RCX], st.vec[1].q[0] & 0xffffffff);
}

static void movq_between_registers_zeroes_bits_127_to_64(void **state)
{
    (void)state;
    uint64_t src = st.vec[2].q[0], top = st.vec[1].q[2];
    DO(0xf3, 0x0f, 0x7e, 0xca); /* movq xmm1, xmm2 */
    assert_int_equal(st.vec[1].q[0], src);
    assert_int_equal(st.vec[1].q[1], 0);
    assert_int_equal(st.vec[1].q[2], top);
    DO(0x66, 0x0f, 0xd6, 0xd3); /* movq xmm3, xmm2 */
    assert_int_equal(st.vec[3].q[0], src);
    assert_int_equal(st.vec[3].q[1], 0);
}

static void sixteen_byte_moves_load_and_store_whole_registers(void **state)
{
    (void)state;
    DO(0x66, 0x0f, 0x6f, 0x08); /* movdqa xmm1, [rax] */
    expect_vec(1, MEM, 16, 0);
    DO(0xf3, 0x0f, 0x6f, 0x50, 0x03); /* movdqu xmm2, [rax+3] */
    expect_vec(2, MEM + 3, 16, 0);
    DO(0x0f, 0x28, 0x58, 0x10); /* movaps xmm3, [rax+16] */
    expect_vec(3, MEM + 16, 16, 0);
    DO(0x44, 0x0f, 0x10, 0x48, 0x05); /* movups xmm9, [rax+5] */
    expect_vec(9, MEM + 5, 16, 0);
    DO(0x0f, 0x29, 0x48, 0x20); /* movaps [rax+32], xmm1 */
    DO(0x66, 0x0f, 0x11, 0x50, 0x31); /* movupd [rax+49], xmm2 */
    assert_memory_equal(tg.ram + MEM + 32, tg.ram + MEM, 16);
    assert_memory_equal(tg.ram + MEM + 49, st.vec[2].b, 16);
    DO(0x66, 0x0f, 0x7f, 0x08); /* movdqa [rax], xmm1 */
    DO(0xf3, 0x0f, 0x7f, 0x50, 0x01); /* movdqu [rax+1], xmm2 */
    assert_memory_equal(tg.ram + MEM + 1, st.vec[2].b, 16);
    DO(0x0f, 0x28, 0xe1); /* movaps xmm4, xmm1 */
    assert_memory_equal(st.vec[4].b, st.vec[1].b, 16);
}

static void aligned_forms_raise_gp_on_misaligned_addresses(void **state)
{
    (void)state;
    struct x86_emul_result r = RUN(&st, 0x66, 0x0f, 0x6f, 0x48, 0x08); /* movdqa xmm1, [rax+8] */
    t_expect_exception(&r, 13, 0);
    r = RUN(&st, 0x0f, 0x29, 0x48, 0x04); /* movaps [rax+4], xmm1 */
    t_expect_exception(&r, 13, 0);
    r = RUN(&st, 0xc5, 0xfd, 0x6f, 0x48, 0x10); /* vmovdqa ymm1, [rax+16] */
    t_expect_exception(&r, 13, 0);
    r = RUN(&st, 0xc5, 0xfd, 0x6f, 0x48, 0x20); /* vmovdqa ymm1, [rax+32] */
    t_expect_done(&r);
}

static void unaligned_moves_cross_pages_and_do_not_alignment_check(void **state)
{
    (void)state;
    t_map(&st, 0x200000, 0x50000, T_P | T_RW | T_US);
    t_map(&st, 0x201000, 0x30000, T_P | T_RW | T_US);
    st.seg[X86_SS].ar = 0xc0f3; /* CPL 3 with alignment checking */
    st.seg[X86_CS].ar = 0xa0fb;
    st.rflags |= 1u << 18;
    st.gpr[X86_RAX] = 0x200ff9;
    DO(0xf3, 0x0f, 0x7f, 0x08); /* movdqu [rax], xmm1: 7 + 9 bytes */
    assert_memory_equal(tg.ram + 0x50ff9, st.vec[1].b, 7);
    assert_memory_equal(tg.ram + 0x30000, st.vec[1].b + 7, 9);
    DO(0xc5, 0xfe, 0x6f, 0x10); /* vmovdqu ymm2, [rax] */
    assert_memory_equal(st.vec[2].b, st.vec[1].b, 16);
    struct x86_emul_result r = RUN(&st, 0x66, 0x0f, 0x7e, 0x08); /* movd [rax], xmm1 */
    t_expect_exception(&r, 17, 0);
}

static void vex_moves_zero_everything_above_their_width(void **state)
{
    (void)state;
    DO(0xc5, 0xfa, 0x6f, 0x08); /* vmovdqu xmm1, [rax] */
    expect_vec(1, MEM, 16, 32);
    DO(0xc5, 0xfe, 0x6f, 0x50, 0x01); /* vmovdqu ymm2, [rax+1] */
    expect_vec(2, MEM + 1, 32, 0);
    DO(0xc5, 0xfe, 0x7f, 0x50, 0x20); /* vmovdqu [rax+32], ymm2 */
    assert_memory_equal(tg.ram + MEM + 32, st.vec[2].b, 32);
    DO(0xc5, 0xf9, 0x6e, 0x58, 0x04); /* vmovd xmm3, [rax+4] */
    expect_vec(3, MEM + 4, 4, 32);
    DO(0xc5, 0xf8, 0x28, 0xe2); /* vmovaps xmm4, xmm2 */
    assert_memory_equal(st.vec[4].b, st.vec[2].b, 16);
    for (unsigned i = 16; i < 32; i++)
        assert_int_equal(st.vec[4].b[i], 0);
}

static void mmio_vector_moves_are_single_wide_accesses(void **state)
{
    (void)state;
    st.gpr[X86_RAX] = T_MMIO_GPA + 0x40;
    DO(0xf3, 0x0f, 0x7f, 0x08);       /* movdqu [rax], xmm1 */
    DO(0xc5, 0xfe, 0x7f, 0x50, 0x20); /* vmovdqu [rax+32], ymm2 */
    assert_int_equal(tg.nlog, 2);
    assert_int_equal(tg.log[0].size, 16);
    assert_int_equal(tg.log[1].size, 32);
    assert_memory_equal(tg.log[1].bytes, st.vec[2].b, 32);
}

static void sse_and_avx_state_checks_raise_ud_or_nm(void **state)
{
    (void)state;
    struct x86_cpu_state saved = st;
    st.cr4 &= ~(1ull << 9); /* OSFXSR */
    struct x86_emul_result r = RUN(&st, 0xf3, 0x0f, 0x6f, 0x08);
    t_expect_exception(&r, 6, 0);
    st = saved;
    st.cr0 |= 1u << 2; /* EM */
    r = RUN(&st, 0xf3, 0x0f, 0x6f, 0x08);
    t_expect_exception(&r, 6, 0);
    st = saved;
    st.cr0 |= 1u << 3; /* TS */
    r = RUN(&st, 0xf3, 0x0f, 0x6f, 0x08);
    t_expect_exception(&r, 7, 0);
    assert_false(r.has_error_code);
    r = RUN(&st, 0xc5, 0xfa, 0x6f, 0x08);
    t_expect_exception(&r, 7, 0);
    st = saved;
    st.xcr0 = 3; /* no AVX state */
    r = RUN(&st, 0xc5, 0xfa, 0x6f, 0x08);
    t_expect_exception(&r, 6, 0);
    st = saved;
    st.cr4 &= ~(1ull << 18); /* OSXSAVE */
    r = RUN(&st, 0xc5, 0xfa, 0x6f, 0x08);
    t_expect_exception(&r, 6, 0);
    st = saved;
    r = RUN(&st, 0xc5, 0xf2, 0x6f, 0x08); /* VEX.vvvv must be 1111b */
    t_expect_exception(&r, 6, 0);
    r = RUN(&st, 0xc5, 0xfd, 0x6e, 0x08); /* vmovd with VEX.L = 1 */
    t_expect_exception(&r, 6, 0);
    assert_memory_equal(&st, &saved, sizeof(st));
}

static void other_vector_instructions_are_unsupported(void **state)
{
    (void)state;
    struct x86_emul_result r = RUN(&st, 0xf3, 0x0f, 0x10, 0x08); /* movss */
    assert_int_equal(r.outcome, X86_EMUL_UNSUPPORTED);
    r = RUN(&st, 0x0f, 0x6f, 0x08); /* MMX movq */
    assert_int_equal(r.outcome, X86_EMUL_UNSUPPORTED);
    r = RUN(&st, 0x66, 0x0f, 0xfe, 0x08); /* paddd */
    assert_int_equal(r.outcome, X86_EMUL_UNSUPPORTED);
    r = RUN(&st, 0x62, 0xf1, 0x7e, 0x48, 0x6f, 0x08); /* vmovdqu32 zmm1, [rax] */
    assert_int_equal(r.outcome, X86_EMUL_UNSUPPORTED);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(movd_and_movq_loads_zero_the_xmm_register_and_keep_the_ymm_half),
        T(movd_and_movq_store_to_memory_and_registers),
        T(movq_between_registers_zeroes_bits_127_to_64),
        T(sixteen_byte_moves_load_and_store_whole_registers),
        T(aligned_forms_raise_gp_on_misaligned_addresses),
        T(unaligned_moves_cross_pages_and_do_not_alignment_check),
        T(vex_moves_zero_everything_above_their_width),
        T(mmio_vector_moves_are_single_wide_accesses),
        T(sse_and_avx_state_checks_raise_ud_or_nm),
        T(other_vector_instructions_are_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
