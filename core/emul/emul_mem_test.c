/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest memory access of the emulator: effective addresses, segmentation
 * in every mode, canonical checks, alignment checks, page walks and
 * page-crossing accesses, instruction fetch, and refused callbacks.
 */
#include "emul_testing.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define GP 13
#define SS 12
#define PF 14
#define AC 17

static int setup(void **state)
{
    (void)state;
    t_reset();
    return 0;
}

static void the_mode_follows_cr0_rflags_efer_and_cs(void **state)
{
    (void)state;
    struct x86_cpu_state real = t_state_real(), vm86 = t_state_vm86(), p16 = t_state16(),
                         p32 = t_state32(), l64 = t_state64();
    assert_int_equal(x86_state_mode(&real), X86_MODE_REAL);
    assert_int_equal(x86_state_mode(&vm86), X86_MODE_VM86);
    assert_int_equal(x86_state_mode(&p16), X86_MODE_PROT16);
    assert_int_equal(x86_state_mode(&p32), X86_MODE_PROT32);
    assert_int_equal(x86_state_mode(&l64), X86_MODE_LONG64);
    l64.seg[X86_CS].ar = T_AR_CODE32; /* compatibility mode */
    assert_int_equal(x86_state_mode(&l64), X86_MODE_PROT32);
}

static void bad_arguments_are_rejected(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state32();
    struct x86_emul_mem mem = t_mem(), none = {0};
    struct x86_emul_result r;
    const uint8_t b[] = {0x90};
    assert_int_equal(x86_emulate_bytes(NULL, &mem, NULL, b, 1, &r), VMM_E_INVAL);
    assert_int_equal(x86_emulate_bytes(&st, &none, NULL, b, 1, &r), VMM_E_INVAL);
    assert_int_equal(x86_emulate_bytes(&st, &mem, NULL, NULL, 1, &r), VMM_E_INVAL);
    assert_int_equal(x86_emulate_bytes(&st, &mem, NULL, b, 0, &r), VMM_E_INVAL);
    assert_int_equal(x86_emulate(&st, &mem, NULL, NULL), VMM_E_INVAL);
}

static void real_mode_adds_the_cached_base_and_wraps_16bit_offsets(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state_real();
    t_seg(&st, X86_DS, 0x2000, 0xffff, 0x93);
    st.gpr[X86_RBX] = 0xffff;
    st.gpr[X86_RSI] = 2;
    st.gpr[X86_RAX] = 0xbeef;
    struct x86_emul_result r = RUN(&st, 0x89, 0x00); /* mov [bx+si], ax */
    t_expect_done(&r);
    assert_int_equal(t_peek(0x2001, 2), 0xbeef);
    assert_int_equal(st.rip, 2);
}

static void real_mode_limit_faults_are_gp_or_ss_for_the_stack(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state_real();
    st.gpr[X86_RBX] = 0xffff;
    st.gpr[X86_RBP] = 0xffff;
    struct x86_emul_result r = RUN(&st, 0x89, 0x07); /* mov [bx], ax: bytes 0xffff..0x10000 */
    t_expect_exception(&r, GP, 0);
    r = RUN(&st, 0x89, 0x46, 0x00); /* mov [bp+0], ax */
    t_expect_exception(&r, SS, 0);
    r = RUN(&st, 0x88, 0x07); /* mov [bx], al: the last byte */
    t_expect_done(&r);
}

static void expand_down_segments_allow_only_offsets_above_the_limit(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state32();
    t_seg(&st, X86_DS, 0, 0xfff, 0xc097); /* expand-down, B = 1 */
    st.gpr[X86_RAX] = 0x800;
    struct x86_emul_result r = RUN(&st, 0x89, 0x08); /* mov [eax], ecx */
    t_expect_exception(&r, GP, 0);
    st.gpr[X86_RAX] = 0xffe;
    r = RUN(&st, 0x89, 0x08);
    t_expect_exception(&r, GP, 0);
    st.gpr[X86_RAX] = 0x1000;
    st.gpr[X86_RCX] = 0xcafe;
    r = RUN(&st, 0x89, 0x08);
    t_expect_done(&r);
    assert_int_equal(t_peek(0x1000, 4), 0xcafe);
    st.gpr[X86_RAX] = 0xfffffffe; /* runs past 4 GiB - 1 */
    r = RUN(&st, 0x89, 0x08);
    t_expect_exception(&r, GP, 0);
    t_seg(&st, X86_DS, 0, 0xfff, 0x0097); /* B = 0: the top is 0xffff */
    st.gpr[X86_RAX] = 0xfffe;
    r = RUN(&st, 0x89, 0x08);
    t_expect_exception(&r, GP, 0);
    st.gpr[X86_RAX] = 0xfffc;
    r = RUN(&st, 0x89, 0x08);
    t_expect_done(&r);
}

static void segment_types_forbid_writing_code_or_read_only_data_and_reading_exec_only(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state32();
    st.gpr[X86_RAX] = 0x3000;
    t_seg(&st, X86_ES, 0, 0xffffffff, 0xc091); /* read-only data */
    struct x86_emul_result r = RUN(&st, 0x26, 0x89, 0x08); /* mov es:[eax], ecx */
    t_expect_exception(&r, GP, 0);
    r = RUN(&st, 0x26, 0x8b, 0x08); /* mov ecx, es:[eax] */
    t_expect_done(&r);
    r = RUN(&st, 0x2e, 0x89, 0x08); /* mov cs:[eax], ecx: code is never writable */
    t_expect_exception(&r, GP, 0);
    r = RUN(&st, 0x2e, 0x8b, 0x08); /* readable code */
    t_expect_done(&r);
    t_seg(&st, X86_CS, 0, 0xffffffff, 0xc099); /* execute-only code */
    r = RUN(&st, 0x2e, 0x8b, 0x08);
    t_expect_exception(&r, GP, 0);
    t_seg(&st, X86_SS, 0, 0xffffffff, 0xc091); /* a read-only stack faults with #SS */
    r = RUN(&st, 0x36, 0x89, 0x08);
    t_expect_exception(&r, SS, 0);
}

static void unusable_segments_fault_outside_64bit_mode_only(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state32();
    st.gpr[X86_RAX] = 0x3000;
    st.seg[X86_ES].ar = T_AR_UNUSABLE;
    st.seg[X86_SS].ar = T_AR_UNUSABLE | T_AR_DATA;
    struct x86_emul_result r = RUN(&st, 0x26, 0x8b, 0x08);
    t_expect_exception(&r, GP, 0);
    assert_true(r.has_error_code);
    r = RUN(&st, 0x36, 0x8b, 0x08);
    t_expect_exception(&r, SS, 0);
    struct x86_cpu_state l64 = t_state64();
    l64.seg[X86_DS].ar = T_AR_UNUSABLE;
    l64.gpr[X86_RAX] = 0x3000;
    r = RUN(&l64, 0x8b, 0x08);
    t_expect_done(&r);
}

static void long_mode_uses_only_fs_gs_bases_and_checks_canonical_form(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state64();
    t_poke(0x3020, 4, 0x11111111);
    t_poke(0x5020, 4, 0x22222222);
    st.seg[X86_DS].base = 0x2000; /* ignored */
    st.seg[X86_FS].base = 0x2000;
    st.gpr[X86_RBX] = 0x3020;
    struct x86_emul_result r = RUN(&st, 0x8b, 0x03); /* mov eax, [rbx] */
    t_expect_done(&r);
    assert_int_equal(st.gpr[X86_RAX], 0x11111111);
    r = RUN(&st, 0x64, 0x8b, 0x03); /* mov eax, fs:[rbx] */
    t_expect_done(&r);
    assert_int_equal(st.gpr[X86_RAX], 0x22222222);

    st.gpr[X86_RBX] = 0x0000800000000000ull;
    r = RUN(&st, 0x8b, 0x03);
    t_expect_exception(&r, GP, 0);
    st.gpr[X86_RBX] = 0x00007ffffffffffeull; /* the last bytes are not canonical */
    r = RUN(&st, 0x8b, 0x03);
    t_expect_exception(&r, GP, 0);
    st.gpr[X86_RSP] = 0x0000800000000000ull;
    r = RUN(&st, 0x89, 0x44, 0x24, 0x08); /* mov [rsp+8], eax */
    t_expect_exception(&r, SS, 0);
    st.gpr[X86_RBP] = 0x0000800000000000ull;
    r = RUN(&st, 0x89, 0x45, 0x00); /* mov [rbp+0], eax */
    t_expect_exception(&r, SS, 0);
    st.cr4 |= 1u << 12; /* LA57: canonical at 57 bits, so the walk runs (and finds nothing) */
    r = RUN(&st, 0x8b, 0x03);
    t_expect_exception(&r, PF, 0);
}

static void rip_relative_and_32bit_addresses_in_64bit_mode(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state64();
    st.rip = 0x4000;
    struct x86_emul_result r = RUN(&st, 0xc7, 0x05, 0x10, 0, 0, 0, 0x78, 0x56, 0x34, 0x12);
    t_expect_done(&r);
    assert_int_equal(t_peek(0x401a, 4), 0x12345678); /* next RIP 0x400a + 0x10 */
    assert_int_equal(st.rip, 0x400a);
    st.gpr[X86_RBX] = 0xffffffff00003000ull;
    t_poke(0x3000, 4, 0xabcd);
    r = RUN(&st, 0x67, 0x8b, 0x03); /* mov eax, [ebx] */
    t_expect_done(&r);
    assert_int_equal(st.gpr[X86_RAX], 0xabcd);
}

static void a_page_crossing_write_is_split_per_page(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state64();
    t_map(&st, 0x200000, 0x50000, T_P | T_RW);
    t_map(&st, 0x201000, 0x30000, T_P | T_RW);
    st.gpr[X86_RAX] = 0x200ffc;
    st.gpr[X86_RCX] = 0x1122334455667788ull;
    struct x86_emul_result r = RUN(&st, 0x48, 0x89, 0x08); /* mov [rax], rcx */
    t_expect_done(&r);
    assert_int_equal(t_peek(0x50ffc, 4), 0x55667788);
    assert_int_equal(t_peek(0x30000, 4), 0x11223344);
    r = RUN(&st, 0x48, 0x8b, 0x10); /* mov rdx, [rax] */
    t_expect_done(&r);
    assert_int_equal(st.gpr[X86_RDX], 0x1122334455667788ull);
}

static void a_fault_on_the_second_page_writes_nothing(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state64();
    t_map(&st, 0x200000, 0x50000, T_P | T_RW);
    t_map(&st, 0x201000, 0x30000, 0); /* not present */
    t_poke(0x50ffc, 4, 0x5a5a5a5a);
    st.gpr[X86_RAX] = 0x200ffc;
    st.gpr[X86_RCX] = 0x1122334455667788ull;
    struct x86_emul_result r = RUN(&st, 0x48, 0x89, 0x08);
    t_expect_exception(&r, PF, 2); /* not present, write */
    assert_int_equal(r.cr2, 0x201000);
    assert_int_equal(t_peek(0x50ffc, 4), 0x5a5a5a5a);
    assert_int_equal(st.rip, 0);
    t_map(&st, 0x201000, 0x30000, T_P); /* read-only */
    r = RUN(&st, 0x48, 0x89, 0x08);
    t_expect_exception(&r, PF, 3);
    assert_int_equal(t_peek(0x50ffc, 4), 0x5a5a5a5a);
}

static void user_mode_accesses_walk_as_user_with_the_right_error_code(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state64();
    st.seg[X86_SS].ar = 0xc0f3; /* CPL 3 */
    st.seg[X86_CS].ar = 0xa0fb;
    st.gpr[X86_RAX] = 0x3000; /* a supervisor page */
    struct x86_emul_result r = RUN(&st, 0x89, 0x08);
    t_expect_exception(&r, PF, 7); /* P | W | U */
    assert_int_equal(r.cr2, 0x3000);
    t_map(&st, 0x3000, 0x3000, T_P | T_RW | T_US);
    r = RUN(&st, 0x89, 0x08);
    t_expect_done(&r);
}

static void alignment_check_needs_am_ac_and_cpl3(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state64();
    t_map(&st, 0x3000, 0x3000, T_P | T_RW | T_US);
    st.seg[X86_SS].ar = 0xc0f3;
    st.seg[X86_CS].ar = 0xa0fb;
    st.rflags |= 1u << 18;
    st.gpr[X86_RAX] = 0x3001;
    struct x86_emul_result r = RUN(&st, 0x89, 0x08); /* mov [rax], ecx */
    t_expect_exception(&r, AC, 0);
    r = RUN(&st, 0x88, 0x08); /* bytes are always aligned */
    t_expect_done(&r);
    st.gpr[X86_RAX] = 0x3004;
    r = RUN(&st, 0x89, 0x08);
    t_expect_done(&r);
    st.gpr[X86_RAX] = 0x3001;
    st.rflags &= ~(1ull << 18);
    r = RUN(&st, 0x89, 0x08);
    t_expect_done(&r);
    st.rflags |= 1u << 18;
    st.seg[X86_SS].ar = T_AR_DATA; /* CPL 0 */
    r = RUN(&st, 0x89, 0x08);
    t_expect_done(&r);
}

static void fetch_reads_code_through_paging(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state64();
    st.gpr[X86_RAX] = T_MMIO_GPA;
    st.gpr[X86_RCX] = 0x12345678;
    struct x86_emul_result r = t_run_fetch(&st, T_CODE, T_BYTES(0x89, 0x08));
    t_expect_done(&r);
    assert_int_equal(r.insn.len, 2);
    assert_int_equal(st.rip, T_CODE + 2);
    assert_int_equal(tg.nlog, 1);
    assert_true(tg.log[0].write);
    assert_int_equal(tg.log[0].gpa, T_MMIO_GPA);
    assert_int_equal(t_peek(T_MMIO_GPA, 4), 0x12345678);
}

static void fetch_touches_the_next_page_only_when_the_instruction_continues_there(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state64();
    t_map(&st, T_CODE + 0x1000, T_CODE + 0x1000, 0); /* not present */
    st.gpr[X86_RAX] = 0x3000;
    uint64_t rip = T_CODE + 0xffe;
    struct x86_emul_result r = t_run_fetch(&st, rip, T_BYTES(0x89, 0x08));
    t_expect_done(&r);
    r = t_run_fetch(&st, rip, T_BYTES(0xc7, 0x00, 0x78, 0x56, 0x34, 0x12)); /* mov [rax], imm32 */
    t_expect_exception(&r, PF, 0x10); /* not present, instruction fetch (NXE) */
    assert_int_equal(r.cr2, T_CODE + 0x1000);
    t_map(&st, T_CODE + 0x1000, T_CODE + 0x1000, T_P);
    r = t_run_fetch(&st, rip, T_BYTES(0xc7, 0x00, 0x78, 0x56, 0x34, 0x12));
    t_expect_done(&r);
    assert_int_equal(r.nbytes, 15);
    assert_int_equal(t_peek(0x3000, 4), 0x12345678);
    t_map(&st, T_CODE, T_CODE, T_P | T_XD);
    r = t_run_fetch(&st, T_CODE, T_BYTES(0x89, 0x08));
    t_expect_exception(&r, PF, 0x11); /* execute-disable */
}

static void fetch_stops_at_the_code_segment_limit(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state32();
    st.seg[X86_CS].limit = T_CODE + 0xfff;
    st.gpr[X86_RAX] = 0x3000;
    struct x86_emul_result r =
        t_run_fetch(&st, T_CODE + 0xffe, T_BYTES(0xc7, 0x00, 0x78, 0x56, 0x34, 0x12));
    t_expect_exception(&r, GP, 0);
    r = t_run_fetch(&st, T_CODE + 0xffe, T_BYTES(0x89, 0x08));
    t_expect_done(&r);
    assert_int_equal(r.nbytes, 2);
    st.rip = T_CODE + 0x1000;
    struct x86_emul_mem mem = t_mem();
    assert_int_equal(x86_emulate(&st, &mem, NULL, &r), VMM_OK);
    t_expect_exception(&r, GP, 0);
    st.seg[X86_CS].base = 0x1000; /* code comes from CS.base + EIP */
    st.seg[X86_CS].limit = 0xffffffff;
    t_poke(T_CODE, 2, 0x00c7);          /* a 6-byte instruction at EIP as a GPA */
    t_poke(T_CODE + 0x1000, 2, 0x0888); /* mov [eax], cl at CS.base + EIP */
    st.rip = T_CODE;
    assert_int_equal(x86_emulate(&st, &mem, NULL, &r), VMM_OK);
    t_expect_done(&r);
    assert_int_equal(r.insn.len, 2);
    assert_int_equal(st.rip, T_CODE + 2);
}

static void real_and_vm86_fetch_from_the_code_segment_base(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state_real();
    t_seg(&st, X86_CS, 0x10000, 0xffff, 0x9b); /* CS = 0x1000 */
    t_seg(&st, X86_DS, 0x20000, 0xffff, 0x93);
    t_poke(0x10100, 2, 0x0789); /* mov [bx], ax at 1000:0100 */
    st.rip = 0x100;
    st.gpr[X86_RBX] = 0x10;
    st.gpr[X86_RAX] = 0x4242;
    struct x86_emul_mem mem = t_mem();
    struct x86_emul_result r;
    assert_int_equal(x86_emulate(&st, &mem, NULL, &r), VMM_OK);
    t_expect_done(&r);
    assert_int_equal(t_peek(0x20010, 2), 0x4242);
    assert_int_equal(st.rip, 0x102);

    struct x86_cpu_state v86 = t_state_vm86(); /* CPL 3: alignment checks apply */
    t_seg(&v86, X86_CS, 0x10000, 0xffff, 0xf3);
    v86.rip = 0x100;
    v86.gpr[X86_RBX] = 0x11;
    v86.rflags |= 1u << 18;
    assert_int_equal(x86_emulate(&v86, &mem, NULL, &r), VMM_OK);
    t_expect_exception(&r, AC, 0);
    v86.cr0 &= ~(1ull << 18); /* without CR0.AM */
    assert_int_equal(x86_emulate(&v86, &mem, NULL, &r), VMM_OK);
    t_expect_done(&r);
}

static void a_known_translation_replaces_the_walk_of_its_page_only(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state64();
    t_map(&st, 0x200000, 0x50000, 0); /* the tables say: not present */
    t_poke(0x30ff8, 8, 0x1122334455667788ull);
    struct x86_emul_mem mem = t_mem();
    struct x86_emul_options opt = {.has_gla = true, .gla = 0x200ff9, .gpa = 0x30ff9};
    struct x86_emul_result r;
    st.gpr[X86_RAX] = 0x200ff8;
    t_poke(0x100, 3, 0x108b48); /* mov rdx, [rax] */
    st.rip = 0x100;
    assert_int_equal(x86_emulate(&st, &mem, &opt, &r), VMM_OK);
    t_expect_done(&r);
    assert_int_equal(st.gpr[X86_RDX], 0x1122334455667788ull);
    t_poke(0x100, 3, 0x108948); /* mov [rax], rdx: the exit was a read, so a write walks */
    st.rip = 0x100;
    assert_int_equal(x86_emulate(&st, &mem, &opt, &r), VMM_OK);
    t_expect_exception(&r, PF, 2);
    opt.gla_write = true;
    st.rip = 0x100;
    assert_int_equal(x86_emulate(&st, &mem, &opt, &r), VMM_OK);
    t_expect_done(&r);
    st.gpr[X86_RAX] = 0x200ffc; /* the second page is not covered */
    st.rip = 0x100;
    assert_int_equal(x86_emulate(&st, &mem, &opt, &r), VMM_OK);
    t_expect_exception(&r, PF, 2);
    assert_int_equal(r.cr2, 0x201000);
    st.gpr[X86_RAX] = 0x3000;
    opt.gla = 0x3000; /* a fetch never uses it: the code page still walks */
    t_map(&st, 0x0, 0x0, 0);
    st.rip = 0x100;
    assert_int_equal(x86_emulate(&st, &mem, &opt, &r), VMM_OK);
    t_expect_exception(&r, PF, 0x10);
}

static void refused_callbacks_end_with_mem_failed(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state64();
    st.gpr[X86_RAX] = 0x3000;
    tg.fail_gpa = 0x3002;
    tg.fail_rc = -42;
    struct x86_emul_result r = RUN(&st, 0x89, 0x08);
    assert_int_equal(r.outcome, X86_EMUL_MEM_FAILED);
    assert_int_equal(r.mem_status, -42);
    assert_int_equal(r.mem_gpa, 0x3000);
    assert_int_equal(st.rip, 0);
    tg.fail_gpa = 0xe0000; /* the PML4 entry of every low address */
    r = RUN(&st, 0x89, 0x08);
    assert_int_equal(r.outcome, X86_EMUL_MEM_FAILED);
    assert_int_equal(r.mem_gpa, 0xe0000);
    assert_non_null(r.why);
}

static void decode_failures_are_exceptions_or_unsupported(void **state)
{
    (void)state;
    struct x86_cpu_state st = t_state64();
    struct x86_emul_result r = RUN(&st, 0x0f, 0x0b); /* UD2 */
    t_expect_exception(&r, 6, 0);
    assert_false(r.has_error_code);
    r = RUN(&st, 0x0f, 0xa2); /* CPUID */
    assert_int_equal(r.outcome, X86_EMUL_UNSUPPORTED);
    assert_non_null(r.why);
    assert_int_equal(r.nbytes, 2);
    r = RUN(&st, 0xc7, 0x00, 0x78); /* truncated */
    assert_int_equal(r.outcome, X86_EMUL_UNSUPPORTED);
    r = RUN(&st, 0xf0, 0x01, 0xc8); /* lock add eax, ecx */
    t_expect_exception(&r, 6, 0);
    r = RUN(&st, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
            0x66, 0x89, 0x08); /* 16 bytes */
    t_expect_exception(&r, GP, 0);
    assert_int_equal(st.rip, 0);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(the_mode_follows_cr0_rflags_efer_and_cs),
        T(bad_arguments_are_rejected),
        T(real_mode_adds_the_cached_base_and_wraps_16bit_offsets),
        T(real_mode_limit_faults_are_gp_or_ss_for_the_stack),
        T(expand_down_segments_allow_only_offsets_above_the_limit),
        T(segment_types_forbid_writing_code_or_read_only_data_and_reading_exec_only),
        T(unusable_segments_fault_outside_64bit_mode_only),
        T(long_mode_uses_only_fs_gs_bases_and_checks_canonical_form),
        T(rip_relative_and_32bit_addresses_in_64bit_mode),
        T(a_page_crossing_write_is_split_per_page),
        T(a_fault_on_the_second_page_writes_nothing),
        T(user_mode_accesses_walk_as_user_with_the_right_error_code),
        T(alignment_check_needs_am_ac_and_cpl3),
        T(fetch_reads_code_through_paging),
        T(fetch_touches_the_next_page_only_when_the_instruction_continues_there),
        T(fetch_stops_at_the_code_segment_limit),
        T(real_and_vm86_fetch_from_the_code_segment_base),
        T(a_known_translation_replaces_the_walk_of_its_page_only),
        T(refused_callbacks_end_with_mem_failed),
        T(decode_failures_are_exceptions_or_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
