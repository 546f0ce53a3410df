/* SPDX-License-Identifier: Apache-2.0 */
/*
 * I/O instructions (exit 30: unconditional exiting, the I/O bitmaps, the
 * qualification's size/direction/string/REP/operand/port, the string forms'
 * linear address and instruction information) and RDMSR/WRMSR (exits 31/32
 * with and without MSR bitmaps; the model's own RDMSR/WRMSR otherwise, #GP
 * for MSRs it does not know or values that fault).
 */
#include <string.h>

#include "testing/guest.h"

#define IO_BITMAP_A 0x700000ull
#define IO_BITMAP_B 0x701000ull
#define MSR_BITMAP 0x702000ull
#define EXC_GP (1u << 13)

static void set_bit(struct guest *g, uint64_t page, uint32_t bit)
{
    uint8_t byte;
    guest_peek(g, page + bit / 8, &byte, 1);
    byte |= (uint8_t)(1u << (bit % 8));
    guest_poke(g, page + bit / 8, &byte, 1);
}

static void use_io_bitmaps(struct guest *g)
{
    guest_set(g, VMCS_IO_BITMAP_A, IO_BITMAP_A);
    guest_set(g, VMCS_IO_BITMAP_B, IO_BITMAP_B);
    guest_ctl(g, VMM_CTL_PROC, VMX_PROC_USE_IO_BITMAPS, VMX_PROC_UNCOND_IO_EXITING);
}

struct io_case {
    const char *name;
    uint8_t code[4];
    uint8_t len;
    uint64_t rdx;
    uint64_t qual;
    bool string;
    uint64_t gla;
    uint32_t info;
};

/* RSI = 0x1234, RDI = 0x5678 in every case. */
static const struct io_case io_cases[] = {
    /* out 0x80, al: 1 byte, OUT, immediate */
    {"out imm", {0xe6, 0x80}, 2, 0, 0x800040, false, 0, 0},
    /* in eax, dx: 4 bytes (encoded 3), IN, DX */
    {"in dx", {0xed}, 1, 0x3f8, 0x3f8000b, false, 0, 0},
    /* rep outsb: string, REP, DS:RSI; info: address size 64, DS */
    {"rep outsb", {0xf3, 0x6e}, 2, 0x60, 0x600030, true, 0x1234, 0x18100},
    /* insw: 2 bytes, IN, string, ES:RDI */
    {"insw", {0x66, 0x6d}, 2, 0x61, 0x610019, true, 0x5678, 0x100},
};

static void unconditional_io_exits_describe_the_access(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_UNCOND_IO_EXITING, 0);
    for (size_t i = 0; i < sizeof io_cases / sizeof io_cases[0]; i++) {
        const struct io_case *c = &io_cases[i];
        print_message("%s\n", c->name);
        guest_code(&g, c->code, c->len);
        guest_set(&g, VMCS_GUEST_RIP, GUEST_CODE);
        g.gprs.rdx = c->rdx;
        g.gprs.rsi = 0x1234;
        g.gprs.rdi = 0x5678;
        g.gprs.rcx = 3;
        assert_int_equal(guest_run(&g), VMX_EXIT_IO_INSTRUCTION);
        struct guest_exit x = guest_exit_info(&g);
        assert_int_equal(x.qual, c->qual);
        assert_int_equal(x.len, c->len);
        assert_int_equal(x.gla, c->gla);
        assert_int_equal(x.info, c->info);
        assert_int_equal(x.rip, GUEST_CODE);
        /* Nothing moved: the exit came before the instruction. */
        assert_int_equal(g.gprs.rsi, 0x1234);
        assert_int_equal(g.gprs.rdi, 0x5678);
        assert_int_equal(g.gprs.rcx, 3);
    }
    guest_teardown(&g);
}

static void io_bitmaps_select_ports_and_wrapping_sizes(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    use_io_bitmaps(&g);
    set_bit(&g, IO_BITMAP_A, 0x80);
    set_bit(&g, IO_BITMAP_B, 0x8000 - 0x8000);
    /* out 0x81, al; out 0x80, al; out dx, ax (DX = 7FFFH touches 8000H); in al, 0x70; cpuid */
    static const uint8_t code[] = {0xe6, 0x81, 0xe6, 0x80, 0x66, 0xef, 0xe4, 0x70, 0x0f, 0xa2};
    guest_code(&g, code, sizeof code);
    g.gprs.rdx = 0x7fff;
    g.gprs.rax = 0x12345678;
    assert_int_equal(guest_run(&g), VMX_EXIT_IO_INSTRUCTION);
    assert_int_equal(guest_exit_info(&g).rip, GUEST_CODE + 2); /* port 81H passed */
    assert_int_equal(guest_exit_info(&g).qual, 0x800040);
    guest_skip(&g);
    assert_int_equal(guest_run(&g), VMX_EXIT_IO_INSTRUCTION);
    assert_int_equal(guest_exit_info(&g).rip, GUEST_CODE + 4);
    assert_int_equal(guest_exit_info(&g).qual, 0x7fff0001); /* 2 bytes, OUT, DX */
    guest_skip(&g);
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    /* IN from a port nothing answers reads all ones (AL only). */
    assert_int_equal(g.gprs.rax, 0x123456ff);
    guest_teardown(&g);
}

static void msr_access_exits_without_bitmaps(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    static const uint8_t code[] = {0x0f, 0x32, 0x0f, 0x30}; /* rdmsr; wrmsr */
    guest_code(&g, code, sizeof code);
    g.gprs.rcx = 0xc0000080;
    assert_int_equal(guest_run(&g), VMX_EXIT_MSR_READ);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.len, 2);
    assert_int_equal(x.qual, 0);
    assert_int_equal(x.rip, GUEST_CODE);
    guest_skip(&g);
    assert_int_equal(guest_run(&g), VMX_EXIT_MSR_WRITE);
    assert_int_equal(guest_exit_info(&g).rip, GUEST_CODE + 2);
    guest_teardown(&g);
}

static void msr_bitmap_bits_and_ranges_decide(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_set(&g, VMCS_MSR_BITMAP, MSR_BITMAP);
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_USE_MSR_BITMAPS, 0);
    set_bit(&g, MSR_BITMAP, 0x174);                       /* read low: SYSENTER_CS */
    set_bit(&g, MSR_BITMAP + 0xc00, 0x82);                /* write high: LSTAR */
    static const uint8_t code[] = {0x0f, 0x32};            /* rdmsr */
    static const uint8_t wr[] = {0x0f, 0x30};              /* wrmsr */
    static const struct {
        const uint8_t *code;
        uint32_t msr;
        uint32_t reason;
    } cases[] = {
        {code, 0x174, VMX_EXIT_MSR_READ},
        {code, 0x40000000, VMX_EXIT_MSR_READ}, /* outside both ranges */
        {wr, 0xc0000082, VMX_EXIT_MSR_WRITE},
        {code, 0xc0000082, VMX_EXIT_CPUID},    /* reading LSTAR passes */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t both[4] = {cases[i].code[0], cases[i].code[1], 0x0f, 0xa2};
        guest_code(&g, both, sizeof both);
        guest_set(&g, VMCS_GUEST_RIP, GUEST_CODE);
        g.gprs.rcx = cases[i].msr;
        g.gprs.rax = 0x81000000;
        g.gprs.rdx = 0xffffffff;
        assert_int_equal(guest_run(&g), cases[i].reason);
    }
    guest_teardown(&g);
}

static void model_rdmsr_wrmsr_without_exits(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_set(&g, VMCS_MSR_BITMAP, MSR_BITMAP); /* all clear: nothing exits */
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_USE_MSR_BITMAPS, 0);
    guest_set(&g, VMCS_EXCEPTION_BITMAP, EXC_GP);
    static const uint8_t rd[] = {0x0f, 0x32, 0x0f, 0xa2}; /* rdmsr; cpuid */
    static const uint8_t wr[] = {0x0f, 0x30, 0x0f, 0xa2}; /* wrmsr; cpuid */
    /* EFER as VM entry loaded it. */
    guest_code(&g, rd, sizeof rd);
    g.gprs.rcx = 0xc0000080;
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(g.gprs.rax, guest_get(&g, VMCS_GUEST_IA32_EFER));
    assert_int_equal(g.gprs.rdx, 0);
    /* The profile's IA32_VMX_BASIC. */
    guest_set(&g, VMCS_GUEST_RIP, GUEST_CODE);
    g.gprs.rcx = 0x480;
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal((g.gprs.rdx << 32) | g.gprs.rax, sim_caps(g.f.sim)->raw.msr[0]);
    /* An MSR nobody implements: #GP(0) at the RDMSR. */
    guest_set(&g, VMCS_GUEST_RIP, GUEST_CODE);
    g.gprs.rcx = 0x123;
    assert_int_equal(guest_run(&g), VMX_EXIT_EXCEPTION_NMI);
    assert_int_equal(guest_exit_info(&g).intr_info, 0x80000b0d);
    assert_int_equal(guest_exit_info(&g).rip, GUEST_CODE);
    /* WRMSR of a non-canonical LSTAR faults; a canonical one reads back. */
    guest_code(&g, wr, sizeof wr);
    guest_set(&g, VMCS_GUEST_RIP, GUEST_CODE);
    g.gprs.rcx = 0xc0000082;
    g.gprs.rdx = 0x12345678;
    g.gprs.rax = 0;
    assert_int_equal(guest_run(&g), VMX_EXIT_EXCEPTION_NMI);
    assert_int_equal(guest_exit_info(&g).intr_info, 0x80000b0d);
    guest_set(&g, VMCS_GUEST_RIP, GUEST_CODE);
    g.gprs.rdx = 0xffffffff;
    g.gprs.rax = 0x81000000;
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    guest_code(&g, rd, sizeof rd);
    guest_set(&g, VMCS_GUEST_RIP, GUEST_CODE);
    g.gprs.rax = g.gprs.rdx = 0;
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(g.gprs.rdx, 0xffffffff);
    assert_int_equal(g.gprs.rax, 0x81000000);
    guest_teardown(&g);
}

static void wrmsr_tsc_moves_the_guest_clock(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_set(&g, VMCS_MSR_BITMAP, MSR_BITMAP);
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_USE_MSR_BITMAPS, 0);
    /* wrmsr (TSC := 5000); nop; rdtsc; cpuid */
    static const uint8_t code[] = {0x0f, 0x30, 0x90, 0x0f, 0x31, 0x0f, 0xa2};
    guest_code(&g, code, sizeof code);
    g.gprs.rcx = 0x10;
    g.gprs.rax = 5000;
    g.gprs.rdx = 0;
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(g.gprs.rax, 5002); /* WRMSR and NOP retired since */
    guest_teardown(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unconditional_io_exits_describe_the_access),
        cmocka_unit_test(io_bitmaps_select_ports_and_wrapping_sizes),
        cmocka_unit_test(msr_access_exits_without_bitmaps),
        cmocka_unit_test(msr_bitmap_bits_and_ranges_decide),
        cmocka_unit_test(model_rdmsr_wrmsr_without_exits),
        cmocka_unit_test(wrmsr_tsc_moves_the_guest_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
