/* SPDX-License-Identifier: Apache-2.0 */
/*
 * String instructions: single and repeated MOVS/STOS/LODS/CMPS/SCAS, the
 * per-call iteration bound and resumption, DF, address-size counters,
 * segment overrides, and faults in a later iteration.
 */
#include "emul_testing.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#define ZF 0x40u
#define DF 0x400u

static struct x86_cpu_state st;

static int setup(void **state)
{
    (void)state;
    t_reset();
    st = t_state64();
    st.rip = 0x100;
    return 0;
}

static void fill(vmm_gpa_t gpa, const char *s)
{
    memcpy(tg.ram + gpa, s, strlen(s));
}

/* Runs a REP instruction to completion; returns the number of calls. */
static unsigned run_to_completion(const uint8_t *b, size_t n)
{
    unsigned calls = 0;
    uint64_t rip = st.rip;
    for (;;) {
        struct x86_emul_result r = t_run_bytes(&st, b, n);
        t_expect_done(&r);
        calls++;
        if (!r.rep_incomplete)
            break;
        assert_int_equal(st.rip, rip);
        assert_true(calls < 100);
    }
    assert_int_equal(st.rip, rip + n);
    return calls;
}

static void movsb_copies_one_byte_and_steps_both_pointers(void **state)
{
    (void)state;
    fill(0x3000, "abc");
    st.gpr[X86_RSI] = 0x3000;
    st.gpr[X86_RDI] = 0x4000;
    st.gpr[X86_RCX] = 9;
    struct x86_emul_result r = RUN(&st, 0xa4);
    t_expect_done(&r);
    assert_false(r.rep_incomplete);
    assert_int_equal(tg.ram[0x4000], 'a');
    assert_int_equal(st.gpr[X86_RSI], 0x3001);
    assert_int_equal(st.gpr[X86_RDI], 0x4001);
    assert_int_equal(st.gpr[X86_RCX], 9); /* no REP: the count is not used */
}

static void rep_movsd_runs_bounded_iterations_per_call_and_resumes(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 10; i++)
        t_poke(0x3000 + 4 * i, 4, 0x1000 + i);
    st.gpr[X86_RSI] = 0x3000;
    st.gpr[X86_RDI] = 0x4000;
    st.gpr[X86_RCX] = 10;
    tg.max_rep = 4;
    struct x86_emul_result r = RUN(&st, 0xf3, 0xa5);
    t_expect_done(&r);
    assert_true(r.rep_incomplete);
    assert_int_equal(st.rip, 0x100);
    assert_int_equal(st.gpr[X86_RCX], 6);
    assert_int_equal(st.gpr[X86_RSI], 0x3010);
    assert_int_equal(t_peek(0x400c, 4), 0x1003);
    assert_int_equal(t_peek(0x4010, 4), 0);
    assert_int_equal(run_to_completion(T_BYTES(0xf3, 0xa5)), 2);
    assert_int_equal(st.gpr[X86_RCX], 0);
    for (unsigned i = 0; i < 10; i++)
        assert_int_equal(t_peek(0x4000 + 4 * i, 4), 0x1000 + i);
}

static void a_zero_count_does_nothing_but_advance(void **state)
{
    (void)state;
    st.gpr[X86_RDI] = 0x4000;
    st.gpr[X86_RCX] = 0xffffffff00000000ull; /* ECX = 0 with a 32-bit address size */
    st.gpr[X86_RAX] = 0x77;
    struct x86_emul_result r = RUN(&st, 0x67, 0xf3, 0xaa); /* rep stosb (addr32) */
    t_expect_done(&r);
    assert_int_equal(st.rip, 0x103);
    assert_int_equal(tg.ram[0x4000], 0);
    assert_int_equal(st.gpr[X86_RDI], 0x4000);
}

static void rep_stos_goes_backwards_with_df(void **state)
{
    (void)state;
    st.rflags |= DF;
    st.gpr[X86_RDI] = 0x4006;
    st.gpr[X86_RCX] = 4;
    st.gpr[X86_RAX] = 0xabcd;
    tg.max_rep = 100;
    run_to_completion(T_BYTES(0xf3, 0x66, 0xab)); /* rep stosw */
    assert_int_equal(st.gpr[X86_RDI], 0x3ffe);
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(t_peek(0x4000 + 2 * i, 2), 0xabcd);
    assert_int_equal(t_peek(0x3ffe, 2), 0);
}

static void repe_cmpsb_stops_at_the_first_difference(void **state)
{
    (void)state;
    fill(0x3000, "hello world");
    fill(0x4000, "hello there");
    st.gpr[X86_RSI] = 0x3000;
    st.gpr[X86_RDI] = 0x4000;
    st.gpr[X86_RCX] = 11;
    tg.max_rep = 3;
    assert_int_equal(run_to_completion(T_BYTES(0xf3, 0xa6)), 3);
    assert_int_equal(st.gpr[X86_RCX], 4); /* 7 compared, 'w' vs 't' the last */
    assert_int_equal(st.gpr[X86_RSI], 0x3007);
    assert_int_equal(st.rflags & ZF, 0);
    assert_int_equal(st.rflags & 1, 0); /* [rSI] - [rDI] = 'w' - 't' does not borrow */
}

static void repne_scasb_finds_the_byte(void **state)
{
    (void)state;
    fill(0x4000, "abcdefgh");
    st.gpr[X86_RDI] = 0x4000;
    st.gpr[X86_RCX] = 100;
    st.gpr[X86_RAX] = 'e';
    tg.max_rep = 1000;
    run_to_completion(T_BYTES(0xf2, 0xae));
    assert_int_equal(st.gpr[X86_RDI], 0x4005);
    assert_int_equal(st.gpr[X86_RCX], 95);
    assert_true(st.rflags & ZF);
}

static void lods_loads_the_accumulator_and_merges_small_sizes(void **state)
{
    (void)state;
    t_poke(0x3000, 4, 0x89abcdef);
    st.gpr[X86_RSI] = 0x3000;
    st.gpr[X86_RAX] = 0xffffffffffffffffull;
    struct x86_emul_result r = RUN(&st, 0x66, 0xad); /* lodsw */
    t_expect_done(&r);
    assert_int_equal(st.gpr[X86_RAX], 0xffffffffffffcdefull);
    assert_int_equal(st.gpr[X86_RSI], 0x3002);
    st.gpr[X86_RSI] = 0x3000;
    r = RUN(&st, 0xad); /* lodsd zero-extends */
    t_expect_done(&r);
    assert_int_equal(st.gpr[X86_RAX], 0x89abcdef);
}

static void sixteen_bit_addresses_wrap_and_keep_the_upper_register_bits(void **state)
{
    (void)state;
    struct x86_cpu_state p32 = t_state32();
    p32.gpr[X86_RSI] = 0x1ffff;
    p32.gpr[X86_RDI] = 0x24000;
    p32.gpr[X86_RCX] = 0x70002;
    tg.ram[0xffff] = 'x';
    tg.ram[0] = 'y';
    tg.max_rep = 10;
    struct x86_emul_result r = RUN(&p32, 0x67, 0xf3, 0xa4); /* rep movsb, 16-bit addresses */
    t_expect_done(&r);
    assert_false(r.rep_incomplete);
    assert_int_equal(p32.gpr[X86_RSI], 0x10001);
    assert_int_equal(p32.gpr[X86_RDI], 0x24002);
    assert_int_equal(p32.gpr[X86_RCX], 0x70000);
    assert_int_equal(tg.ram[0x4000], 'x');
    assert_int_equal(tg.ram[0x4001], 'y');
}

static void the_source_segment_can_be_overridden_but_not_the_destination(void **state)
{
    (void)state;
    struct x86_cpu_state p32 = t_state32();
    t_seg(&p32, X86_FS, 0x1000, 0xffffffff, T_AR_DATA);
    t_seg(&p32, X86_ES, 0x2000, 0xffffffff, T_AR_DATA);
    tg.ram[0x3000] = 'q';
    p32.gpr[X86_RSI] = 0x2000;
    p32.gpr[X86_RDI] = 0x2000;
    struct x86_emul_result r = RUN(&p32, 0x64, 0xa4); /* movsb fs:[esi] -> es:[edi] */
    t_expect_done(&r);
    assert_int_equal(tg.ram[0x4000], 'q');
    t_seg(&p32, X86_ES, 0x2000, 0xffffffff, 0xc091); /* a read-only ES */
    r = RUN(&p32, 0xaa);
    t_expect_exception(&r, 13, 0);
}

static void a_fault_in_a_later_iteration_keeps_the_completed_ones(void **state)
{
    (void)state;
    t_map(&st, 0x5000, 0x5000, 0);
    st.gpr[X86_RDI] = 0x4ffc;
    st.gpr[X86_RCX] = 8;
    st.gpr[X86_RAX] = 0x5a;
    tg.max_rep = 100;
    struct x86_emul_result r = RUN(&st, 0xf3, 0xaa); /* rep stosb */
    t_expect_exception(&r, 14, 2);
    assert_int_equal(r.cr2, 0x5000);
    assert_int_equal(st.gpr[X86_RCX], 4);
    assert_int_equal(st.gpr[X86_RDI], 0x5000);
    assert_int_equal(st.rip, 0x100);
    assert_int_equal(t_peek(0x4ffc, 4), 0x5a5a5a5a);
}

static void rep_movs_to_mmio_makes_one_device_access_per_iteration(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 3; i++)
        t_poke(0x3000 + 4 * i, 4, 0xa0 + i);
    st.gpr[X86_RSI] = 0x3000;
    st.gpr[X86_RDI] = T_MMIO_GPA + 0x10;
    st.gpr[X86_RCX] = 3;
    tg.max_rep = 16;
    run_to_completion(T_BYTES(0xf3, 0xa5));
    assert_int_equal(tg.nlog, 3);
    for (unsigned i = 0; i < 3; i++) {
        assert_true(tg.log[i].write);
        assert_int_equal(tg.log[i].gpa, T_MMIO_GPA + 0x10 + 4 * i);
        assert_int_equal(tg.log[i].size, 4);
        assert_int_equal(tg.log[i].bytes[0], 0xa0 + i);
    }
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(movsb_copies_one_byte_and_steps_both_pointers),
        T(rep_movsd_runs_bounded_iterations_per_call_and_resumes),
        T(a_zero_count_does_nothing_but_advance),
        T(rep_stos_goes_backwards_with_df),
        T(repe_cmpsb_stops_at_the_first_difference),
        T(repne_scasb_finds_the_byte),
        T(lods_loads_the_accumulator_and_merges_small_sizes),
        T(sixteen_bit_addresses_wrap_and_keep_the_upper_register_bits),
        T(the_source_segment_can_be_overridden_but_not_the_destination),
        T(a_fault_in_a_later_iteration_keeps_the_completed_ones),
        T(rep_movs_to_mmio_makes_one_device_access_per_iteration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
