/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integer instruction semantics: MOV in all its memory forms, MOVZX/MOVSX/
 * MOVSXD, the ALU operations with their exact flags, TEST/NOT/NEG/INC/DEC,
 * XCHG/CMPXCHG/XADD, the bit tests, SETcc, PUSH/POP of memory, MOVNTI,
 * MOVBE, and the all-or-nothing rule when a fault interrupts them.
 */
#include "emul_testing.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define CF 0x001u
#define PF 0x004u
#define AF 0x010u
#define ZF 0x040u
#define SF 0x080u
#define OF 0x800u
#define ARITH (CF | PF | AF | ZF | SF | OF)
#define MEM 0x3000ull

static struct x86_cpu_state st;

static int setup(void **state)
{
    (void)state;
    t_reset();
    st = t_state64();
    st.gpr[X86_RAX] = MEM;
    return 0;
}

/* Runs and expects completion. */
#define DO(...)                                       \
    do {                                              \
        struct x86_emul_result r_ = RUN(&st, __VA_ARGS__); \
        t_expect_done(&r_);                           \
    } while (0)

static void expect_flags(unsigned flags)
{
    assert_int_equal(st.rflags & ARITH, flags);
}

static void mov_stores_each_operand_size_and_only_those_bytes(void **state)
{
    (void)state;
    t_poke(MEM, 8, 0x1111111111111111ull);
    st.gpr[X86_RCX] = 0x8877665544332211ull;
    DO(0x88, 0x08); /* mov [rax], cl */
    assert_int_equal(t_peek(MEM, 8), 0x1111111111111111ull & ~0xffull | 0x11);
    DO(0x66, 0x89, 0x08); /* mov [rax], cx */
    assert_int_equal(t_peek(MEM, 8), 0x1111111111112211ull);
    DO(0x89, 0x08); /* mov [rax], ecx */
    assert_int_equal(t_peek(MEM, 8), 0x1111111144332211ull);
    DO(0x48, 0x89, 0x08); /* mov [rax], rcx */
    assert_int_equal(t_peek(MEM, 8), 0x8877665544332211ull);
    DO(0xc6, 0x00, 0x7f); /* mov byte [rax], 0x7f */
    assert_int_equal(t_peek(MEM, 8), 0x887766554433227full);
    DO(0x48, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff); /* mov qword [rax], -2 */
    assert_int_equal(t_peek(MEM, 8), 0xfffffffffffffffeull);
    DO(0x66, 0xc7, 0x00, 0x34, 0x12); /* mov word [rax], 0x1234 */
    assert_int_equal(t_peek(MEM, 8), 0xffffffffffff1234ull);
}

static void mov_loads_zero_extend_32bit_and_merge_8_and_16bit_registers(void **state)
{
    (void)state;
    t_poke(MEM, 8, 0x8877665544332211ull);
    st.gpr[X86_RCX] = 0xaaaaaaaaaaaaaaaaull;
    DO(0x8a, 0x08); /* mov cl, [rax] */
    assert_int_equal(st.gpr[X86_RCX], 0xaaaaaaaaaaaaaa11ull);
    DO(0x66, 0x8b, 0x08); /* mov cx, [rax] */
    assert_int_equal(st.gpr[X86_RCX], 0xaaaaaaaaaaaa2211ull);
    DO(0x8b, 0x08); /* mov ecx, [rax] */
    assert_int_equal(st.gpr[X86_RCX], 0x44332211ull);
    DO(0x48, 0x8b, 0x08); /* mov rcx, [rax] */
    assert_int_equal(st.gpr[X86_RCX], 0x8877665544332211ull);
    DO(0x44, 0x8b, 0x00); /* mov r8d, [rax] */
    assert_int_equal(st.gpr[X86_R8], 0x44332211ull);
}

static void high_byte_registers_exist_only_without_rex(void **state)
{
    (void)state;
    st.gpr[X86_RSP] = 0x5577;
    st.gpr[X86_RBX] = 0xffff;
    DO(0x88, 0x20); /* mov [rax], ah: AH = 0x30 */
    assert_int_equal(t_peek(MEM, 1), (MEM >> 8) & 0xff);
    DO(0x40, 0x88, 0x20); /* mov [rax], spl */
    assert_int_equal(t_peek(MEM, 1), 0x77);
    t_poke(MEM, 1, 0x42);
    DO(0x8a, 0x38); /* mov bh, [rax] */
    assert_int_equal(st.gpr[X86_RBX], 0x42ff);
    DO(0x40, 0x8a, 0x38); /* mov dil, [rax] */
    assert_int_equal(st.gpr[X86_RDI] & 0xff, 0x42);
}

static void mov_moffs_uses_the_absolute_address(void **state)
{
    (void)state;
    t_poke(MEM + 8, 8, 0x0123456789abcdefull);
    DO(0x48, 0xa1, 0x08, 0x30, 0, 0, 0, 0, 0, 0); /* mov rax, [0x3008] */
    assert_int_equal(st.gpr[X86_RAX], 0x0123456789abcdefull);
    DO(0xa2, 0x10, 0x30, 0, 0, 0, 0, 0, 0); /* mov [0x3010], al */
    assert_int_equal(t_peek(MEM + 0x10, 1), 0xef);
    struct x86_cpu_state p32 = t_state32();
    p32.gpr[X86_RAX] = 0xdeadbeef;
    t_seg(&p32, X86_FS, 0x100, 0xffffffff, T_AR_DATA);
    struct x86_emul_result r = RUN(&p32, 0x64, 0xa3, 0x00, 0x30, 0, 0); /* mov fs:[0x3000], eax */
    t_expect_done(&r);
    assert_int_equal(t_peek(0x3100, 4), 0xdeadbeef);
}

static void mmio_moves_reach_the_device_as_one_access_of_the_operand_size(void **state)
{
    (void)state;
    st.gpr[X86_RAX] = T_MMIO_GPA + 0x300;
    st.gpr[X86_RCX] = 0xfeedf00d;
    DO(0x89, 0x08);
    t_poke(T_MMIO_GPA + 0x304, 2, 0xbeef);
    DO(0x66, 0x8b, 0x50, 0x04); /* mov dx, [rax+4] */
    assert_int_equal(tg.nlog, 2);
    assert_true(tg.log[0].write);
    assert_int_equal(tg.log[0].gpa, T_MMIO_GPA + 0x300);
    assert_int_equal(tg.log[0].size, 4);
    assert_int_equal(t_peek(T_MMIO_GPA + 0x300, 4), 0xfeedf00d);
    assert_false(tg.log[1].write);
    assert_int_equal(tg.log[1].size, 2);
    assert_int_equal(st.gpr[X86_RDX] & 0xffff, 0xbeef);
}

static void movzx_movsx_and_movsxd_extend_from_the_source_size(void **state)
{
    (void)state;
    t_poke(MEM, 4, 0x80008080);
    st.gpr[X86_RCX] = ~0ull;
    DO(0x0f, 0xb6, 0x08); /* movzx ecx, byte [rax] */
    assert_int_equal(st.gpr[X86_RCX], 0x80);
    DO(0x0f, 0xbe, 0x08); /* movsx ecx, byte [rax] */
    assert_int_equal(st.gpr[X86_RCX], 0xffffff80ull);
    DO(0x48, 0x0f, 0xbf, 0x08); /* movsx rcx, word [rax] */
    assert_int_equal(st.gpr[X86_RCX], 0xffffffffffff8080ull);
    DO(0x0f, 0xb7, 0x08); /* movzx ecx, word [rax] */
    assert_int_equal(st.gpr[X86_RCX], 0x8080);
    DO(0x48, 0x63, 0x08); /* movsxd rcx, dword [rax] */
    assert_int_equal(st.gpr[X86_RCX], 0xffffffff80008080ull);
    st.gpr[X86_RCX] = ~0ull;
    DO(0x66, 0x0f, 0xb6, 0x08); /* movzx cx, byte [rax] */
    assert_int_equal(st.gpr[X86_RCX], 0xffffffffffff0080ull);
    struct x86_cpu_state p32 = t_state32();
    struct x86_emul_result r = RUN(&p32, 0x63, 0x08); /* ARPL outside 64-bit mode */
    assert_int_equal(r.outcome, X86_EMUL_UNSUPPORTED);
}

static void add_sets_carry_zero_parity_adjust_and_overflow_exactly(void **state)
{
    (void)state;
    t_poke(MEM, 4, 0xffffffff);
    st.gpr[X86_RCX] = 1;
    DO(0x01, 0x08); /* add [rax], ecx */
    assert_int_equal(t_peek(MEM, 4), 0);
    expect_flags(CF | ZF | PF | AF);
    t_poke(MEM, 4, 0x7fffffff);
    DO(0x01, 0x08);
    assert_int_equal(t_peek(MEM, 4), 0x80000000);
    expect_flags(SF | OF | AF | PF);
    t_poke(MEM, 1, 0x7f);
    DO(0x80, 0x00, 0x01); /* add byte [rax], 1 */
    expect_flags(SF | OF | AF);
    t_poke(MEM, 8, 5);
    DO(0x48, 0x83, 0x00, 0xff); /* add qword [rax], -1 */
    assert_int_equal(t_peek(MEM, 8), 4);
    expect_flags(CF | AF);
    st.gpr[X86_RCX] = 0xffffffff00000001ull;
    t_poke(MEM, 4, 2);
    DO(0x03, 0x08); /* add ecx, [rax] */
    assert_int_equal(st.gpr[X86_RCX], 3);
    expect_flags(PF);
    st.gpr[X86_RAX] = 0x1fb;
    DO(0x04, 0x05); /* add al, 5 */
    assert_int_equal(st.gpr[X86_RAX], 0x100);
    expect_flags(CF | ZF | PF | AF);
}

static void adc_and_sbb_consume_the_carry(void **state)
{
    (void)state;
    t_poke(MEM, 4, 5);
    st.gpr[X86_RCX] = 3;
    st.rflags |= CF;
    DO(0x11, 0x08); /* adc [rax], ecx */
    assert_int_equal(t_peek(MEM, 4), 9);
    expect_flags(PF);
    t_poke(MEM, 4, 0xffffffff);
    st.gpr[X86_RCX] = 0;
    st.rflags |= CF;
    DO(0x11, 0x08); /* 0xffffffff + 0 + 1 carries */
    assert_int_equal(t_peek(MEM, 4), 0);
    expect_flags(CF | ZF | PF | AF);
    t_poke(MEM, 4, 5);
    st.gpr[X86_RCX] = 5;
    st.rflags |= CF;
    DO(0x19, 0x08); /* sbb [rax], ecx: 5 - 5 - 1 borrows */
    assert_int_equal(t_peek(MEM, 4), 0xffffffff);
    expect_flags(CF | SF | PF | AF);
    t_poke(MEM, 4, 5);
    st.gpr[X86_RCX] = 3;
    st.rflags &= ~(uint64_t)CF;
    DO(0x19, 0x08); /* 5 - 3 - 0 */
    assert_int_equal(t_peek(MEM, 4), 2);
    expect_flags(0);
}

static void sub_and_cmp_set_borrow_and_signed_overflow(void **state)
{
    (void)state;
    t_poke(MEM, 4, 0);
    DO(0x83, 0x28, 0x01); /* sub dword [rax], 1 */
    assert_int_equal(t_peek(MEM, 4), 0xffffffff);
    expect_flags(CF | SF | PF | AF);
    t_poke(MEM, 4, 0x80000000);
    DO(0x81, 0x38, 0x01, 0, 0, 0); /* cmp dword [rax], 1 */
    assert_int_equal(t_peek(MEM, 4), 0x80000000); /* CMP never writes */
    expect_flags(OF | AF | PF);
    unsigned writes = tg.ram_writes;
    st.gpr[X86_RCX] = 0x80000000;
    DO(0x39, 0x08); /* cmp [rax], ecx */
    expect_flags(ZF | PF);
    assert_int_equal(tg.ram_writes, writes);
    t_poke(MEM, 1, 0x10);
    DO(0x80, 0x28, 0x01); /* sub byte [rax], 1: borrow out of bit 4 */
    assert_int_equal(t_peek(MEM, 1), 0x0f);
    expect_flags(AF | PF);
}

static void logic_operations_clear_carry_and_overflow(void **state)
{
    (void)state;
    st.rflags |= CF | OF | AF;
    t_poke(MEM, 4, 0xf0f0f0f0);
    st.gpr[X86_RCX] = 0x0f0f0f0f;
    DO(0x21, 0x08); /* and [rax], ecx */
    assert_int_equal(t_peek(MEM, 4), 0);
    expect_flags(ZF | PF);
    DO(0x09, 0x08); /* or [rax], ecx */
    assert_int_equal(t_peek(MEM, 4), 0x0f0f0f0f);
    expect_flags(PF);
    DO(0x80, 0x30, 0x80); /* xor byte [rax], 0x80 */
    assert_int_equal(t_peek(MEM, 4), 0x0f0f0f8f);
    expect_flags(SF);
    DO(0x80, 0x08, 0x01); /* or byte [rax], 1: 0x8f has 5 bits set */
    expect_flags(SF);
}

static void test_not_neg_inc_dec_follow_their_flag_rules(void **state)
{
    (void)state;
    t_poke(MEM, 4, 0x100);
    st.gpr[X86_RCX] = 0x100;
    DO(0x85, 0x08); /* test [rax], ecx */
    expect_flags(PF);
    unsigned writes = tg.ram_writes; /* the accessed flags are set by now */
    DO(0xf7, 0x00, 0, 0, 0, 0x80); /* test dword [rax], 0x80000000 */
    expect_flags(ZF | PF);
    assert_int_equal(tg.ram_writes, writes);
    st.rflags |= CF;
    DO(0xf6, 0x10); /* not byte [rax] */
    assert_int_equal(t_peek(MEM, 4), 0x1ff);
    expect_flags(CF | ZF | PF); /* unchanged */
    t_poke(MEM, 4, 0);
    DO(0xf7, 0x18); /* neg dword [rax] */
    expect_flags(ZF | PF);
    t_poke(MEM, 4, 0x80000000);
    DO(0xf7, 0x18);
    assert_int_equal(t_peek(MEM, 4), 0x80000000);
    expect_flags(CF | OF | SF | PF);
    t_poke(MEM, 4, 0x7fffffff);
    st.rflags |= CF;
    DO(0xff, 0x00); /* inc dword [rax] keeps CF */
    assert_int_equal(t_peek(MEM, 4), 0x80000000);
    expect_flags(CF | OF | SF | AF | PF);
    t_poke(MEM, 1, 0);
    st.rflags &= ~(uint64_t)CF;
    DO(0xfe, 0x08); /* dec byte [rax] */
    assert_int_equal(t_peek(MEM, 1), 0xff);
    expect_flags(SF | AF | PF);
}

static void xchg_swaps_memory_and_register(void **state)
{
    (void)state;
    t_poke(MEM, 4, 0x11111111);
    st.gpr[X86_RCX] = 0xffffffff22222222ull;
    DO(0x87, 0x08); /* xchg [rax], ecx */
    assert_int_equal(t_peek(MEM, 4), 0x22222222);
    assert_int_equal(st.gpr[X86_RCX], 0x11111111);
    DO(0x86, 0x28); /* xchg [rax], ch */
    assert_int_equal(t_peek(MEM, 1), 0x11);
    assert_int_equal(st.gpr[X86_RCX], 0x11112211);
}

static void cmpxchg_writes_the_source_when_equal_and_loads_the_accumulator_otherwise(void **state)
{
    (void)state;
    st.gpr[X86_RAX] = T_MMIO_GPA; /* the accumulator doubles as the address */
    t_poke(T_MMIO_GPA, 8, T_MMIO_GPA);
    st.gpr[X86_RCX] = 0x1234;
    DO(0xf0, 0x48, 0x0f, 0xb1, 0x08); /* lock cmpxchg [rax], rcx */
    assert_int_equal(t_peek(T_MMIO_GPA, 8), 0x1234);
    assert_int_equal(st.gpr[X86_RAX], T_MMIO_GPA);
    expect_flags(ZF | PF);
    tg.nlog = 0;
    DO(0xf0, 0x48, 0x0f, 0xb1, 0x08); /* now unequal */
    assert_int_equal(st.gpr[X86_RAX], 0x1234);
    assert_int_equal(t_peek(T_MMIO_GPA, 8), 0x1234);
    assert_int_equal(tg.nlog, 2); /* read, then the old value written back */
    assert_true(tg.log[1].write);
    assert_int_equal(st.rflags & ZF, 0);
}

static void xadd_exchanges_and_adds(void **state)
{
    (void)state;
    t_poke(MEM, 4, 10);
    st.gpr[X86_RCX] = 0xffffffff;
    DO(0x0f, 0xc1, 0x08); /* xadd [rax], ecx */
    assert_int_equal(t_peek(MEM, 4), 9);
    assert_int_equal(st.gpr[X86_RCX], 10);
    expect_flags(CF | PF | AF);
    st.gpr[X86_RDX] = 21;
    DO(0x0f, 0xc1, 0xd2); /* xadd edx, edx: the sum wins */
    assert_int_equal(st.gpr[X86_RDX], 42);
}

static void bit_tests_address_memory_by_the_signed_register_offset(void **state)
{
    (void)state;
    t_poke(MEM - 4, 4, 0x80000000);
    t_poke(MEM, 4, 0x1);
    t_poke(MEM + 4, 4, 0x8);
    st.rflags |= ZF;
    st.gpr[X86_RCX] = 35;
    DO(0x0f, 0xa3, 0x08); /* bt [rax], ecx: dword at +4, bit 3 */
    expect_flags(ZF | CF);
    st.gpr[X86_RCX] = 0xffffffff; /* -1: dword at -4, bit 31 */
    DO(0x0f, 0xb3, 0x08);         /* btr */
    expect_flags(ZF | CF);
    assert_int_equal(t_peek(MEM - 4, 4), 0);
    DO(0x0f, 0xab, 0x08); /* bts */
    expect_flags(ZF);
    assert_int_equal(t_peek(MEM - 4, 4), 0x80000000);
    DO(0x0f, 0xbb, 0x08); /* btc */
    expect_flags(ZF | CF);
    assert_int_equal(t_peek(MEM - 4, 4), 0);
    DO(0x0f, 0xba, 0x20, 35); /* bt dword [rax], 35: immediate offsets wrap, no displacement */
    expect_flags(ZF);
    DO(0x0f, 0xba, 0x28, 32); /* bts dword [rax], 32 -> bit 0 */
    expect_flags(ZF | CF);
    DO(0x66, 0x0f, 0xba, 0x38, 17); /* btc word [rax], 17 -> bit 1 */
    assert_int_equal(t_peek(MEM, 4), 0x3);
    st.gpr[X86_RDX] = 0x10;
    st.gpr[X86_RCX] = 68;
    DO(0x48, 0x0f, 0xa3, 0xca); /* bt rdx, rcx: registers take the offset modulo 64 */
    expect_flags(ZF | CF);
}

static bool reference_condition(unsigned cc, unsigned f)
{
    bool cf = f & CF, zf = f & ZF, sf = f & SF, of = f & OF, pf = f & PF;
    bool base[8] = {of, cf, zf, cf || zf, sf, pf, sf != of, zf || sf != of};
    return (cc & 1) ? !base[cc >> 1] : base[cc >> 1];
}

static void setcc_stores_each_condition(void **state)
{
    (void)state;
    const unsigned samples[] = {0, CF, ZF, SF, OF, PF, SF | OF, ZF | SF, CF | ZF | OF};
    for (unsigned i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        for (unsigned cc = 0; cc < 16; cc++) {
            st.rflags = 2 | samples[i];
            t_poke(MEM, 1, 0x55);
            DO(0x0f, (uint8_t)(0x90 + cc), 0x00);
            assert_int_equal(t_peek(MEM, 1), reference_condition(cc, samples[i]));
        }
    }
}

static void push_and_pop_move_memory_through_the_stack(void **state)
{
    (void)state;
    t_poke(MEM, 8, 0x1122334455667788ull);
    st.gpr[X86_RSP] = 0x5000;
    DO(0xff, 0x30); /* push qword [rax] */
    assert_int_equal(st.gpr[X86_RSP], 0x4ff8);
    assert_int_equal(t_peek(0x4ff8, 8), 0x1122334455667788ull);
    DO(0x66, 0xff, 0x30); /* push word [rax] */
    assert_int_equal(st.gpr[X86_RSP], 0x4ff6);
    assert_int_equal(t_peek(0x4ff6, 2), 0x7788);
    st.gpr[X86_RSP] = 0x4ff8;
    DO(0x8f, 0x44, 0x24, 0x08); /* pop qword [rsp+8]: the address uses the new rSP */
    assert_int_equal(st.gpr[X86_RSP], 0x5000);
    assert_int_equal(t_peek(0x5008, 8), 0x1122334455667788ull);
    st.gpr[X86_RSP] = 0x4ff8;
    DO(0x8f, 0xc4); /* pop rsp: the popped value wins */
    assert_int_equal(st.gpr[X86_RSP], 0x1122334455667788ull);

    struct x86_cpu_state p32 = t_state32();
    p32.seg[X86_SS].ar = 0x0093; /* 16-bit stack: SP wraps, ESP's top half stays */
    p32.gpr[X86_RSP] = 0x10002;
    p32.gpr[X86_RAX] = MEM;
    struct x86_emul_result r = RUN(&p32, 0xff, 0x30); /* push dword [eax] */
    t_expect_done(&r);
    assert_int_equal(p32.gpr[X86_RSP], 0x1fffe);
    assert_int_equal(t_peek(0xfffe, 2), 0x7788);
}

static void movnti_and_movbe_store_and_load(void **state)
{
    (void)state;
    st.gpr[X86_RCX] = 0x11223344;
    DO(0x0f, 0xc3, 0x08); /* movnti [rax], ecx */
    assert_int_equal(t_peek(MEM, 4), 0x11223344);
    struct x86_emul_result r = RUN(&st, 0x0f, 0xc3, 0xc8);
    t_expect_exception(&r, 6, 0);
    DO(0x0f, 0x38, 0xf1, 0x08); /* movbe [rax], ecx */
    assert_int_equal(t_peek(MEM, 4), 0x44332211);
    DO(0x48, 0x0f, 0x38, 0xf0, 0x10); /* movbe rdx, [rax] */
    t_poke(MEM, 8, 0x0102030405060708ull);
    DO(0x48, 0x0f, 0x38, 0xf0, 0x10);
    assert_int_equal(st.gpr[X86_RDX], 0x0807060504030201ull);
    st.gpr[X86_RDX] = ~0ull;
    DO(0x66, 0x0f, 0x38, 0xf0, 0x10); /* movbe dx, [rax] */
    assert_int_equal(st.gpr[X86_RDX], 0xffffffffffff0807ull);
}

static void sixteen_bit_code_defaults_to_16bit_operands_and_addresses(void **state)
{
    (void)state;
    struct x86_cpu_state p16 = t_state16();
    p16.gpr[X86_RBX] = 0xffff3000; /* only BX addresses */
    p16.gpr[X86_RAX] = 0x11223344;
    p16.rip = 0x20;
    struct x86_emul_result r = RUN(&p16, 0x89, 0x07); /* mov [bx], ax */
    t_expect_done(&r);
    assert_int_equal(t_peek(MEM, 4), 0x3344);
    r = RUN(&p16, 0x66, 0x89, 0x07); /* mov [bx], eax */
    t_expect_done(&r);
    assert_int_equal(t_peek(MEM, 4), 0x11223344);
    r = RUN(&p16, 0x67, 0x89, 0x03); /* mov [ebx], ax: 32-bit address, beyond the 64 KiB limit */
    t_expect_exception(&r, 13, 0);
    assert_int_equal(p16.rip, 0x25); /* 0x20 + 2 + 3: the faulting one stays */
}

static void locked_read_modify_writes_are_performed(void **state)
{
    (void)state;
    t_poke(MEM, 4, 40);
    st.gpr[X86_RCX] = 2;
    DO(0xf0, 0x01, 0x08); /* lock add [rax], ecx */
    assert_int_equal(t_peek(MEM, 4), 42);
    DO(0xf0, 0x0f, 0xba, 0x28, 0x00); /* lock bts dword [rax], 0 */
    assert_int_equal(t_peek(MEM, 4), 43);
    DO(0xf0, 0x87, 0x08); /* lock xchg [rax], ecx */
    assert_int_equal(t_peek(MEM, 4), 2);
    assert_int_equal(st.gpr[X86_RCX], 43);
}

static void a_faulting_instruction_changes_no_register_flag_or_memory(void **state)
{
    (void)state;
    t_map(&st, MEM, MEM, T_P); /* read-only */
    t_poke(MEM, 4, 7);
    st.gpr[X86_RCX] = 5;
    st.rflags = 2 | ZF;
    struct x86_cpu_state before = st;
    struct x86_emul_result r = RUN(&st, 0x01, 0x08); /* add [rax], ecx */
    t_expect_exception(&r, 14, 3);
    r = RUN(&st, 0x87, 0x08); /* xchg [rax], ecx */
    t_expect_exception(&r, 14, 3);
    r = RUN(&st, 0x0f, 0xc1, 0x08); /* xadd [rax], ecx */
    t_expect_exception(&r, 14, 3);
    r = RUN(&st, 0x0f, 0xb1, 0x08); /* cmpxchg [rax], ecx: written even when unequal */
    t_expect_exception(&r, 14, 3);
    r = RUN(&st, 0x0f, 0xab, 0x08); /* bts */
    t_expect_exception(&r, 14, 3);
    st.gpr[X86_RSP] = MEM + 8;
    before.gpr[X86_RSP] = MEM + 8;
    r = RUN(&st, 0xff, 0x30); /* push into a read-only stack page */
    t_expect_exception(&r, 14, 3);
    assert_memory_equal(&st, &before, sizeof(st));
    assert_int_equal(t_peek(MEM, 4), 7);
    r = RUN(&st, 0x39, 0x08); /* reading is fine */
    t_expect_done(&r);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(mov_stores_each_operand_size_and_only_those_bytes),
        T(mov_loads_zero_extend_32bit_and_merge_8_and_16bit_registers),
        T(high_byte_registers_exist_only_without_rex),
        T(mov_moffs_uses_the_absolute_address),
        T(mmio_moves_reach_the_device_as_one_access_of_the_operand_size),
        T(movzx_movsx_and_movsxd_extend_from_the_source_size),
        T(add_sets_carry_zero_parity_adjust_and_overflow_exactly),
        T(adc_and_sbb_consume_the_carry),
        T(sub_and_cmp_set_borrow_and_signed_overflow),
        T(logic_operations_clear_carry_and_overflow),
        T(test_not_neg_inc_dec_follow_their_flag_rules),
        T(xchg_swaps_memory_and_register),
        T(cmpxchg_writes_the_source_when_equal_and_loads_the_accumulator_otherwise),
        T(xadd_exchanges_and_adds),
        T(bit_tests_address_memory_by_the_signed_register_offset),
        T(setcc_stores_each_condition),
        T(push_and_pop_move_memory_through_the_stack),
        T(movnti_and_movbe_store_and_load),
        T(sixteen_bit_code_defaults_to_16bit_operands_and_addresses),
        T(locked_read_modify_writes_are_performed),
        T(a_faulting_instruction_changes_no_register_flag_or_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
