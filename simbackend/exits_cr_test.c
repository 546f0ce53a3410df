/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Control-register accesses (exit 28: guest/host masks and read shadows,
 * CR3-load/store exiting and the CR3-target list, CR8 exiting, CLTS, LMSW),
 * the TPR shadow with its threshold (exit 43, trap-like), and MOV DR
 * (exit 29), with what each does when it does not exit.
 */
#include <string.h>

#include "testing/guest.h"

#define CR0_TS (1ull << 3)
#define CR0_MP (1ull << 1)
#define CR4_VMXE (1ull << 13)
#define CR4_PGE (1ull << 7)
#define VAPIC 0x703000ull

/* Runs `code` (followed by CPUID) from GUEST_CODE and returns the exit reason. */
static uint32_t run_code(struct guest *g, const uint8_t *code, size_t n)
{
    uint8_t buf[32];
    memcpy(buf, code, n);
    buf[n] = 0x0f;
    buf[n + 1] = 0xa2;
    guest_code(g, buf, n + 2);
    guest_set(g, VMCS_GUEST_RIP, GUEST_CODE);
    return guest_run(g);
}

static void mov_to_cr0_exits_when_an_owned_bit_differs_from_the_shadow(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    uint64_t cr0 = guest_get(&g, VMCS_GUEST_CR0);
    guest_set(&g, VMCS_CR0_GUEST_HOST_MASK, CR0_TS | CR0_MP);
    guest_set(&g, VMCS_CR0_READ_SHADOW, cr0 & ~(CR0_TS | CR0_MP));
    static const uint8_t mov_rbx[] = {0x0f, 0x22, 0xc3}; /* mov cr0, rbx */
    g.gprs.rbx = cr0 | CR0_TS;
    assert_int_equal(run_code(&g, mov_rbx, sizeof mov_rbx), VMX_EXIT_CR_ACCESS);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.qual, 0x300); /* CR0, MOV to CR, RBX */
    assert_int_equal(x.len, 3);
    assert_int_equal(x.rip, GUEST_CODE);
    assert_int_equal(guest_get(&g, VMCS_GUEST_CR0), cr0);
    /* Equal to the shadow in owned bits: no exit; owned bits keep the real value. */
    guest_set(&g, VMCS_GUEST_CR0, cr0 | CR0_MP);
    g.gprs.rbx = cr0 & ~(CR0_TS | CR0_MP);
    assert_int_equal(run_code(&g, mov_rbx, sizeof mov_rbx), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(&g, VMCS_GUEST_CR0), cr0 | CR0_MP);
    /* MOV from CR0 reads the shadow in owned bits. */
    static const uint8_t read[] = {0x0f, 0x20, 0xc0}; /* mov rax, cr0 */
    assert_int_equal(run_code(&g, read, sizeof read), VMX_EXIT_CPUID);
    assert_int_equal(g.gprs.rax, cr0 & ~(CR0_TS | CR0_MP));
    guest_teardown(&g);
}

static void cr4_vmxe_hidden_behind_its_shadow(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    uint64_t cr4 = guest_get(&g, VMCS_GUEST_CR4);
    assert_true(cr4 & CR4_VMXE);
    guest_set(&g, VMCS_CR4_GUEST_HOST_MASK, CR4_VMXE);
    guest_set(&g, VMCS_CR4_READ_SHADOW, 0);
    /* mov rax, cr4; or rax, 0x80 (PGE); mov cr4, rax */
    static const uint8_t code[] = {0x0f, 0x20, 0xe0, 0x48, 0x0d, 0x80, 0x00, 0x00, 0x00,
                                   0x0f, 0x22, 0xe0};
    assert_int_equal(run_code(&g, code, sizeof code), VMX_EXIT_CPUID);
    assert_int_equal(g.gprs.rax, (cr4 & ~CR4_VMXE) | CR4_PGE);
    assert_int_equal(guest_get(&g, VMCS_GUEST_CR4), cr4 | CR4_PGE);
    /* Setting VMXE differs from the shadow: exit, qualification CR4 / MOV to / RAX. */
    static const uint8_t set[] = {0x0f, 0x22, 0xe0}; /* mov cr4, rax */
    g.gprs.rax = cr4 | CR4_PGE;
    assert_int_equal(run_code(&g, set, sizeof set), VMX_EXIT_CR_ACCESS);
    assert_int_equal(guest_exit_info(&g).qual, 4);
    guest_teardown(&g);
}

static void cr3_exits_and_the_target_list(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_CR3_LOAD_EXITING | VMX_PROC_CR3_STORE_EXITING, 0);
    static const uint8_t load[] = {0x0f, 0x22, 0xd8};  /* mov cr3, rax */
    static const uint8_t store[] = {0x0f, 0x20, 0xd8}; /* mov rax, cr3 */
    g.gprs.rax = GUEST_CR3;
    assert_int_equal(run_code(&g, load, sizeof load), VMX_EXIT_CR_ACCESS);
    assert_int_equal(guest_exit_info(&g).qual, 3);
    assert_int_equal(run_code(&g, store, sizeof store), VMX_EXIT_CR_ACCESS);
    assert_int_equal(guest_exit_info(&g).qual, 0x13);
    /* A target value loads without exiting. */
    guest_set(&g, VMCS_CR3_TARGET_COUNT, 1);
    guest_set(&g, VMCS_CR3_TARGET_VALUE0, GUEST_CR3);
    assert_int_equal(run_code(&g, load, sizeof load), VMX_EXIT_CPUID);
    guest_teardown(&g);
}

static void cr8_exits_and_the_tpr_shadow(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    static const uint8_t write[] = {0x44, 0x0f, 0x22, 0xc0}; /* mov cr8, rax */
    static const uint8_t read[] = {0x44, 0x0f, 0x20, 0xc3};  /* mov rbx, cr8 */
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_CR8_LOAD_EXITING | VMX_PROC_CR8_STORE_EXITING, 0);
    assert_int_equal(run_code(&g, write, sizeof write), VMX_EXIT_CR_ACCESS);
    assert_int_equal(guest_exit_info(&g).qual, 8);
    assert_int_equal(guest_exit_info(&g).len, 4);
    assert_int_equal(run_code(&g, read, sizeof read), VMX_EXIT_CR_ACCESS);
    assert_int_equal(guest_exit_info(&g).qual, 0x318);
    /* TPR shadow: CR8 is VTPR[7:4]; going below the threshold exits after the MOV. */
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_USE_TPR_SHADOW,
              VMX_PROC_CR8_LOAD_EXITING | VMX_PROC_CR8_STORE_EXITING);
    guest_set(&g, VMCS_VIRTUAL_APIC_PAGE_ADDR, VAPIC);
    guest_set(&g, VMCS_TPR_THRESHOLD, 5);
    uint32_t vtpr = 0x80;
    guest_poke(&g, VAPIC + 0x80, &vtpr, 4);
    g.gprs.rax = 9;
    assert_int_equal(run_code(&g, write, sizeof write), VMX_EXIT_CPUID);
    guest_peek(&g, VAPIC + 0x80, &vtpr, 4);
    assert_int_equal(vtpr, 0x90);
    assert_int_equal(run_code(&g, read, sizeof read), VMX_EXIT_CPUID);
    assert_int_equal(g.gprs.rbx, 9);
    g.gprs.rax = 3;
    assert_int_equal(run_code(&g, write, sizeof write), VMX_EXIT_TPR_BELOW_THRESHOLD);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.rip, GUEST_CODE + 4); /* trap-like */
    assert_int_equal(x.qual, 0);
    assert_int_equal(x.len, 0);
    guest_peek(&g, VAPIC + 0x80, &vtpr, 4);
    assert_int_equal(vtpr, 0x30);
    guest_teardown(&g);
}

static void clts_and_lmsw_follow_the_cr0_mask(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    uint64_t cr0 = guest_get(&g, VMCS_GUEST_CR0);
    guest_set(&g, VMCS_CR0_GUEST_HOST_MASK, 0xf);
    guest_set(&g, VMCS_CR0_READ_SHADOW, (cr0 & ~0xfull) | 1 | CR0_TS);
    static const uint8_t clts[] = {0x0f, 0x06};
    assert_int_equal(run_code(&g, clts, sizeof clts), VMX_EXIT_CR_ACCESS);
    assert_int_equal(guest_exit_info(&g).qual, 0x20);
    assert_int_equal(guest_exit_info(&g).len, 2);
    /* lmsw ax with MP set: MP is owned and the shadow has it clear. */
    static const uint8_t lmsw_reg[] = {0x0f, 0x01, 0xf0};
    g.gprs.rax = 0x3 | CR0_TS;
    assert_int_equal(run_code(&g, lmsw_reg, sizeof lmsw_reg), VMX_EXIT_CR_ACCESS);
    assert_int_equal(guest_exit_info(&g).qual, 0x30 | (0xbull << 16));
    assert_int_equal(guest_exit_info(&g).gla, 0);
    /* lmsw [rbx]: memory operand, bit 6, linear address reported. */
    static const uint8_t lmsw_mem[] = {0x0f, 0x01, 0x33};
    uint16_t src = 0x3;
    guest_poke(&g, GUEST_DATA, &src, 2);
    g.gprs.rbx = GUEST_DATA;
    assert_int_equal(run_code(&g, lmsw_mem, sizeof lmsw_mem), VMX_EXIT_CR_ACCESS);
    assert_int_equal(guest_exit_info(&g).qual, 0x70 | (0x3ull << 16));
    assert_int_equal(guest_exit_info(&g).gla, GUEST_DATA);
    /* Nothing owned: CLTS clears TS. */
    guest_set(&g, VMCS_CR0_GUEST_HOST_MASK, 0);
    guest_set(&g, VMCS_GUEST_CR0, cr0 | CR0_TS);
    assert_int_equal(run_code(&g, clts, sizeof clts), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(&g, VMCS_GUEST_CR0) & CR0_TS, 0);
    guest_teardown(&g);
}

static void mov_dr_exits_or_uses_the_model_registers(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    static const uint8_t to_dr7[] = {0x0f, 0x23, 0xf8};   /* mov dr7, rax */
    static const uint8_t from_dr6[] = {0x0f, 0x21, 0xf3}; /* mov rbx, dr6 */
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_MOV_DR_EXITING, 0);
    assert_int_equal(run_code(&g, to_dr7, sizeof to_dr7), VMX_EXIT_DR_ACCESS);
    assert_int_equal(guest_exit_info(&g).qual, 7);
    assert_int_equal(guest_exit_info(&g).len, 3);
    assert_int_equal(run_code(&g, from_dr6, sizeof from_dr6), VMX_EXIT_DR_ACCESS);
    assert_int_equal(guest_exit_info(&g).qual, 0x316);
    /* Without exiting: DR0 holds what was written (no breakpoint is ever armed). */
    guest_ctl(&g, VMM_CTL_PROC, 0, VMX_PROC_MOV_DR_EXITING);
    static const uint8_t dr0[] = {0x0f, 0x23, 0xc0, 0x0f, 0x21, 0xc3}; /* mov dr0, rax; mov rbx, dr0 */
    g.gprs.rax = 0x401000;
    assert_int_equal(run_code(&g, dr0, sizeof dr0), VMX_EXIT_CPUID);
    assert_int_equal(g.gprs.rbx, 0x401000);
    guest_teardown(&g);
}

static void clearing_cr0_pg_in_64_bit_mode_faults(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_set(&g, VMCS_EXCEPTION_BITMAP, 1u << 13);
    static const uint8_t code[] = {0x0f, 0x22, 0xc0}; /* mov cr0, rax */
    g.gprs.rax = guest_get(&g, VMCS_GUEST_CR0) & ~(1ull << 31);
    assert_int_equal(run_code(&g, code, sizeof code), VMX_EXIT_EXCEPTION_NMI);
    assert_int_equal(guest_exit_info(&g).intr_info, 0x80000b0d);
    assert_int_equal(guest_exit_info(&g).rip, GUEST_CODE);
    guest_teardown(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mov_to_cr0_exits_when_an_owned_bit_differs_from_the_shadow),
        cmocka_unit_test(cr4_vmxe_hidden_behind_its_shadow),
        cmocka_unit_test(cr3_exits_and_the_target_list),
        cmocka_unit_test(cr8_exits_and_the_tpr_shadow),
        cmocka_unit_test(clts_and_lmsw_follow_the_cr0_mask),
        cmocka_unit_test(mov_dr_exits_or_uses_the_model_registers),
        cmocka_unit_test(clearing_cr0_pg_in_64_bit_mode_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
