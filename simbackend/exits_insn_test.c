/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VM exits caused by instructions (other than I/O, MSR and control-register
 * accesses): reason, qualification, instruction length, instruction
 * information, and the guest state after the exit (RIP at the instruction,
 * registers untouched), plus what the instruction does without exiting.
 */
#include <string.h>

#include "testing/guest.h"

#define EXC_UD (1u << 6)
#define EXC_GP (1u << 13)
#define INTR_HW_EXC(v) (0x80000300u | (v))
#define INTR_HW_EXC_ERR(v) (0x80000b00u | (v))

struct insn_case {
    const char *name;
    uint8_t code[12];
    uint8_t len;
    uint32_t reason;
    uint64_t qual; /* relative to GUEST_CODE when rip_relative */
    bool rip_relative;
    uint32_t info;
};

/* Exits that every VMX processor takes unconditionally (plus their operand encodings). */
static const struct insn_case unconditional[] = {
    {"cpuid", {0x0f, 0xa2}, 2, VMX_EXIT_CPUID, 0, false, 0},
    {"invd", {0x0f, 0x08}, 2, VMX_EXIT_INVD, 0, false, 0},
    {"vmcall", {0x0f, 0x01, 0xc1}, 3, VMX_EXIT_VMCALL, 0, false, 0},
    {"vmlaunch", {0x0f, 0x01, 0xc2}, 3, VMX_EXIT_VMLAUNCH, 0, false, 0},
    {"vmresume", {0x0f, 0x01, 0xc3}, 3, VMX_EXIT_VMRESUME, 0, false, 0},
    {"vmxoff", {0x0f, 0x01, 0xc4}, 3, VMX_EXIT_VMXOFF, 0, false, 0},
    /* vmptrld [rbx+0x10]: asize 64, DS, no index, base RBX */
    {"vmptrld", {0x0f, 0xc7, 0x73, 0x10}, 4, VMX_EXIT_VMPTRLD, 0x10, false, 0x1c18100},
    /* vmwrite rax, [rcx+rdx*4+8]: scale 2, index RDX, base RCX, Reg2 RAX */
    {"vmwrite", {0x0f, 0x79, 0x44, 0x91, 0x08}, 5, VMX_EXIT_VMWRITE, 8, false, 0x898102},
    /* vmread rbx, rax: register form, Reg1 RBX, Reg2 RAX */
    {"vmread", {0x0f, 0x78, 0xc3}, 3, VMX_EXIT_VMREAD, 0, false, 0x418},
    /* invept rax, [rbx] */
    {"invept", {0x66, 0x0f, 0x38, 0x80, 0x03}, 5, VMX_EXIT_INVEPT, 0, false, 0x1c18100},
    /* invvpid rcx, [rip+0x20]: RIP-relative (no base), Reg2 RCX; qualification + next RIP */
    {"invvpid", {0x66, 0x0f, 0x38, 0x81, 0x0d, 0x20, 0, 0, 0}, 9, VMX_EXIT_INVVPID, 0x20 + 9, true,
     0x18418100},
    /* vmxon [rax]: base RAX */
    {"vmxon", {0xf3, 0x0f, 0xc7, 0x30}, 4, VMX_EXIT_VMXON, 0, false, 0x418100},
    /* vmclear [rsp+8]: SS, base RSP */
    {"vmclear", {0x66, 0x0f, 0xc7, 0x74, 0x24, 0x08}, 6, VMX_EXIT_VMCLEAR, 8, false, 0x2410100},
    /* vmptrst fs:[rax]: FS */
    {"vmptrst", {0x64, 0x0f, 0xc7, 0x38}, 4, VMX_EXIT_VMPTRST, 0, false, 0x420100},
};

static void unconditional_exits_report_their_operands(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    g.gprs.rax = 0x1111;
    g.gprs.rbx = 0x2222;
    for (size_t i = 0; i < sizeof unconditional / sizeof unconditional[0]; i++) {
        const struct insn_case *c = &unconditional[i];
        print_message("%s\n", c->name);
        guest_code(&g, c->code, c->len);
        guest_set(&g, VMCS_GUEST_RIP, GUEST_CODE);
        assert_int_equal(guest_run(&g), c->reason);
        struct guest_exit x = guest_exit_info(&g);
        assert_int_equal(x.len, c->len);
        assert_int_equal(x.qual, c->qual + (c->rip_relative ? GUEST_CODE : 0));
        assert_int_equal(x.info, c->info);
        assert_int_equal(x.rip, GUEST_CODE);
        assert_int_equal(x.intr_info, 0);
        assert_int_equal(x.idt_info, 0);
        assert_int_equal(g.gprs.rax, 0x1111);
        assert_int_equal(g.gprs.rbx, 0x2222);
    }
    guest_teardown(&g);
}

/* Exits that a control turns on; without it the instruction runs (next: CPUID exits). */
struct ctl_case {
    const char *name;
    uint8_t code[8];
    uint8_t len;
    enum vmm_ctl_kind kind;
    uint64_t bit;
    uint32_t reason;
    uint32_t info;
};

static const struct ctl_case controlled[] = {
    {"hlt", {0xf4}, 1, VMM_CTL_PROC, VMX_PROC_HLT_EXITING, VMX_EXIT_HLT, 0},
    {"wbinvd", {0x0f, 0x09}, 2, VMM_CTL_PROC2, VMX_PROC2_WBINVD_EXITING, VMX_EXIT_WBINVD, 0},
    {"pause", {0xf3, 0x90}, 2, VMM_CTL_PROC, VMX_PROC_PAUSE_EXITING, VMX_EXIT_PAUSE_INSTRUCTION, 0},
    {"rdtsc", {0x0f, 0x31}, 2, VMM_CTL_PROC, VMX_PROC_RDTSC_EXITING, VMX_EXIT_RDTSC, 0},
    {"monitor", {0x0f, 0x01, 0xc8}, 3, VMM_CTL_PROC, VMX_PROC_MONITOR_EXITING,
     VMX_EXIT_MONITOR_INSTRUCTION, 0},
    {"mwait", {0x0f, 0x01, 0xc9}, 3, VMM_CTL_PROC, VMX_PROC_MWAIT_EXITING,
     VMX_EXIT_MWAIT_INSTRUCTION, 0},
    /* sgdt [rax]: identity 0, operand size 32 (bit 11), DS, base RAX */
    {"sgdt", {0x0f, 0x01, 0x00}, 3, VMM_CTL_PROC2, VMX_PROC2_DESC_TABLE_EXITING,
     VMX_EXIT_GDTR_IDTR, 0x00418900},
    /* str [rdx]: identity 1, DS, base RDX */
    {"str", {0x0f, 0x00, 0x0a}, 3, VMM_CTL_PROC2, VMX_PROC2_DESC_TABLE_EXITING, VMX_EXIT_LDTR_TR,
     0x11418100},
    /* rdrand eax: Reg1 RAX, operand size 32 */
    {"rdrand", {0x0f, 0xc7, 0xf0}, 3, VMM_CTL_PROC2, VMX_PROC2_RDRAND_EXITING, VMX_EXIT_RDRAND,
     0x800},
    /* rdseed rax: operand size 64 */
    {"rdseed", {0x48, 0x0f, 0xc7, 0xf8}, 4, VMM_CTL_PROC2, VMX_PROC2_RDSEED_EXITING,
     VMX_EXIT_RDSEED, 0x1000},
};

static void controlled_exits_follow_their_control(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof controlled / sizeof controlled[0]; i++) {
        const struct ctl_case *c = &controlled[i];
        print_message("%s\n", c->name);
        struct guest g;
        guest_setup(&g, "modern");
        uint8_t code[12];
        memcpy(code, c->code, c->len);
        code[c->len] = 0x0f; /* cpuid */
        code[c->len + 1] = 0xa2;
        guest_code(&g, code, c->len + 2u);
        guest_ctl(&g, c->kind, c->bit, 0);
        assert_int_equal(guest_run(&g), c->reason);
        struct guest_exit x = guest_exit_info(&g);
        assert_int_equal(x.len, c->len);
        assert_int_equal(x.qual, 0);
        assert_int_equal(x.info, c->info);
        assert_int_equal(x.rip, GUEST_CODE);
        if (c->kind != VMM_CTL_PROC || c->bit != VMX_PROC_HLT_EXITING) {
            /* The control off: the instruction completes and CPUID exits next. */
            guest_ctl(&g, c->kind, 0, c->bit);
            assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
            assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE + c->len);
        }
        guest_teardown(&g);
    }
}

static void invlpg_exit_reports_the_linear_address(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    static const uint8_t code[] = {0x0f, 0x01, 0x78, 0x10}; /* invlpg [rax+0x10] */
    guest_code(&g, code, sizeof code);
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_INVLPG_EXITING, 0);
    g.gprs.rax = 0xffff800000001000ull;
    assert_int_equal(guest_run(&g), VMX_EXIT_INVLPG);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.qual, 0xffff800000001010ull);
    assert_int_equal(x.len, 4);
    assert_int_equal(x.info, 0);
    guest_teardown(&g);
}

static void hlt_without_exiting_halts_until_the_host_timer(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    static const uint8_t code[] = {0x90, 0xf4, 0x90}; /* nop; hlt; nop */
    guest_code(&g, code, sizeof code);
    guest_ctl(&g, VMM_CTL_PROC, 0, VMX_PROC_HLT_EXITING);
    uint64_t before = sim_engine_tsc(g.eng);
    assert_int_equal(guest_run(&g), VMX_EXIT_EXTERNAL_INTERRUPT);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.rip, GUEST_CODE + 2);
    assert_int_equal(x.intr_info, 0); /* no "acknowledge interrupt on exit" */
    assert_int_equal(guest_get(&g, VMCS_GUEST_ACTIVITY_STATE), 1);
    assert_int_equal(sim_engine_tsc(g.eng) - before, 2 + (1u << 20));
    assert_int_equal(sim_engine_ack_interrupt(g.eng), 0xef);
    assert_int_equal(sim_engine_ack_interrupt(g.eng), -1);
    guest_teardown(&g);
}

static void rdtsc_returns_instructions_retired_plus_offset(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    static const uint8_t code[] = {0x90, 0x90, 0x90, 0x0f, 0x31, 0x0f, 0xa2}; /* 3x nop; rdtsc; cpuid */
    guest_code(&g, code, sizeof code);
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_USE_TSC_OFFSETTING, 0);
    guest_set(&g, VMCS_TSC_OFFSET, 1000000);
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(g.gprs.rax, 1000003);
    assert_int_equal(g.gprs.rdx, 0);
    guest_teardown(&g);
}

static void rdtscp_needs_its_control_and_exits_as_51(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    static const uint8_t code[] = {0x0f, 0x01, 0xf9, 0x0f, 0xa2}; /* rdtscp; cpuid */
    guest_code(&g, code, sizeof code);
    guest_set(&g, VMCS_EXCEPTION_BITMAP, EXC_UD);
    assert_int_equal(guest_run(&g), VMX_EXIT_EXCEPTION_NMI);
    assert_int_equal(guest_exit_info(&g).intr_info, INTR_HW_EXC(6));
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE);
    guest_ctl(&g, VMM_CTL_PROC2, VMX_PROC2_ENABLE_RDTSCP, 0);
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_RDTSC_EXITING, 0);
    assert_int_equal(guest_run(&g), VMX_EXIT_RDTSCP);
    assert_int_equal(guest_exit_info(&g).len, 3);
    guest_ctl(&g, VMM_CTL_PROC, 0, VMX_PROC_RDTSC_EXITING);
    g.gprs.rcx = 0xdead;
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(g.gprs.rcx, 0); /* IA32_TSC_AUX */
    guest_teardown(&g);
}

static void instructions_fault_before_their_exit(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_set(&g, VMCS_EXCEPTION_BITMAP, EXC_UD | EXC_GP);
    static const struct {
        uint8_t code[6];
        uint8_t len;
        uint32_t intr_info;
    } cases[] = {
        {{0x0f, 0x01, 0xd1}, 3, INTR_HW_EXC(6)},          /* xsetbv, CR4.OSXSAVE = 0 */
        {{0x0f, 0x37}, 2, INTR_HW_EXC(6)},                /* getsec, CR4.SMXE = 0 */
        {{0x0f, 0x33}, 2, INTR_HW_EXC_ERR(13)},           /* rdpmc: no counters */
        {{0x0f, 0x01, 0xd4}, 3, INTR_HW_EXC(6)},          /* vmfunc, not enabled */
        {{0x66, 0x0f, 0x38, 0x82, 0x03}, 5, INTR_HW_EXC(6)}, /* invpcid, not enabled */
        {{0xc5, 0xf1, 0xfe, 0xc2}, 4, INTR_HW_EXC(6)},    /* vpaddd: no AVX */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        guest_code(&g, cases[i].code, cases[i].len);
        guest_set(&g, VMCS_GUEST_RIP, GUEST_CODE);
        assert_int_equal(guest_run(&g), VMX_EXIT_EXCEPTION_NMI);
        struct guest_exit x = guest_exit_info(&g);
        assert_int_equal(x.intr_info, cases[i].intr_info);
        assert_int_equal(x.intr_error, 0);
        assert_int_equal(x.rip, GUEST_CODE);
        assert_int_equal(x.len, 0);
    }
    guest_teardown(&g);
}

static void xsetbv_exits_with_osxsave(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    static const uint8_t code[] = {0x0f, 0x01, 0xd1};
    guest_code(&g, code, sizeof code);
    guest_set(&g, VMCS_GUEST_CR4, guest_get(&g, VMCS_GUEST_CR4) | (1u << 18));
    assert_int_equal(guest_run(&g), VMX_EXIT_XSETBV);
    assert_int_equal(guest_exit_info(&g).len, 3);
    guest_teardown(&g);
}

static void getsec_exits_with_smxe(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    static const uint8_t code[] = {0x0f, 0x37};
    guest_code(&g, code, sizeof code);
    guest_set(&g, VMCS_GUEST_CR4, guest_get(&g, VMCS_GUEST_CR4) | (1u << 14));
    assert_int_equal(guest_run(&g), VMX_EXIT_GETSEC);
    assert_int_equal(guest_exit_info(&g).len, 2);
    assert_int_equal(guest_get(&g, VMCS_GUEST_CR4) & (1u << 14), 1u << 14);
    guest_teardown(&g);
}

static void invpcid_exits_under_invlpg_exiting(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    /* invpcid rax, [rbx+8]; cpuid */
    static const uint8_t code[] = {0x66, 0x0f, 0x38, 0x82, 0x43, 0x08, 0x0f, 0xa2};
    guest_code(&g, code, sizeof code);
    guest_ctl(&g, VMM_CTL_PROC2, VMX_PROC2_ENABLE_INVPCID, 0);
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_INVLPG_EXITING, 0);
    assert_int_equal(guest_run(&g), VMX_EXIT_INVPCID);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.len, 6);
    assert_int_equal(x.qual, 8);
    assert_int_equal(x.info, 0x1c18100); /* DS, base RBX, no index, Reg2 RAX */
    /* Without the exit: a (full) invalidation, then CPUID. */
    guest_ctl(&g, VMM_CTL_PROC, 0, VMX_PROC_INVLPG_EXITING);
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE + 6);
    guest_teardown(&g);
}

static void mwait_exit_says_whether_monitor_armed(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    static const uint8_t code[] = {0x0f, 0x01, 0xc8, 0x0f, 0x01, 0xc9}; /* monitor; mwait */
    guest_code(&g, code, sizeof code);
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_MWAIT_EXITING, 0);
    assert_int_equal(guest_run(&g), VMX_EXIT_MWAIT_INSTRUCTION);
    assert_int_equal(guest_exit_info(&g).qual, 1);
    assert_int_equal(guest_exit_info(&g).rip, GUEST_CODE + 3);
    guest_teardown(&g);
}

static void descriptor_table_register_forms_encode_reg1(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    static const uint8_t code[] = {0x0f, 0x00, 0xd0}; /* lldt ax */
    guest_code(&g, code, sizeof code);
    guest_ctl(&g, VMM_CTL_PROC2, VMX_PROC2_DESC_TABLE_EXITING, 0);
    assert_int_equal(guest_run(&g), VMX_EXIT_LDTR_TR);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.info, 0x20000400); /* LLDT, register operand, Reg1 RAX */
    assert_int_equal(x.qual, 0);
    assert_int_equal(x.len, 3);
    guest_teardown(&g);
}

static void rdrand_without_exiting_is_deterministic(void **state)
{
    (void)state;
    uint64_t seen[2];
    for (int run = 0; run < 2; run++) {
        struct guest g;
        guest_setup(&g, "modern");
        static const uint8_t code[] = {0x48, 0x0f, 0xc7, 0xf0, 0x0f, 0xa2}; /* rdrand rax; cpuid */
        guest_code(&g, code, sizeof code);
        assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
        assert_true(guest_get(&g, VMCS_GUEST_RFLAGS) & 1); /* CF: a value was returned */
        seen[run] = g.gprs.rax;
        guest_teardown(&g);
    }
    assert_int_equal(seen[0], seen[1]);
    assert_int_not_equal(seen[0], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unconditional_exits_report_their_operands),
        cmocka_unit_test(controlled_exits_follow_their_control),
        cmocka_unit_test(invlpg_exit_reports_the_linear_address),
        cmocka_unit_test(hlt_without_exiting_halts_until_the_host_timer),
        cmocka_unit_test(rdtsc_returns_instructions_retired_plus_offset),
        cmocka_unit_test(rdtscp_needs_its_control_and_exits_as_51),
        cmocka_unit_test(instructions_fault_before_their_exit),
        cmocka_unit_test(xsetbv_exits_with_osxsave),
        cmocka_unit_test(getsec_exits_with_smxe),
        cmocka_unit_test(invpcid_exits_under_invlpg_exiting),
        cmocka_unit_test(mwait_exit_says_whether_monitor_armed),
        cmocka_unit_test(descriptor_table_register_forms_encode_reg1),
        cmocka_unit_test(rdrand_without_exiting_is_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
