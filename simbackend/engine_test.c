/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The engine as a whole: its Unicorn self-test and life cycle, the entries
 * it refuses (and that a refusal changes nothing), state that must survive
 * exits (CPL 3 after SYSRET, segment caches), SYSCALL, code the guest or
 * the host rewrites, and determinism.
 */
#include <string.h>

#include "testing/guest.h"

#define MSR_AREA 0x704000ull
#define USER_CODE (GUEST_CODE + 0x100)

static void selftest_passes_on_the_linked_unicorn(void **state)
{
    (void)state;
    const char *why = "not set";
    assert_int_equal(sim_engine_selftest(&why), VMM_OK);
    assert_null(why);
}

static void one_engine_per_sim_and_destroy_detaches_it(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    struct sim_engine *second;
    assert_int_equal(sim_engine_create(g.f.sim, NULL, &second), VMM_E_STATE);
    assert_int_equal(sim_engine_create(NULL, NULL, &second), VMM_E_INVAL);
    sim_engine_destroy(g.eng);
    g.eng = NULL;
    assert_null(sim_executor(g.f.sim));
    /* Without an executor a valid entry is refused, as before the engine existed. */
    assert_int_equal(guest_enter(&g).outcome, VMX_FAULT_UD);
    assert_int_equal(sim_last_entry(g.f.sim)->outcome, VMX_ENTRY_OK);
    guest_teardown(&g);
}

static void cpuid_exits_before_the_instruction(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "bochs-skylake-x");
    static const uint8_t code[] = {0x0f, 0xa2, 0x0f, 0xa2};
    guest_code(&g, code, sizeof code);
    g.gprs.rax = 7;
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.len, 2);
    assert_int_equal(x.rip, GUEST_CODE);
    assert_int_equal(x.qual, 0);
    assert_int_equal(g.gprs.rax, 7);
    assert_true(sim_vmcs_launched(g.f.sim));
    guest_skip(&g);
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE + 2);
    guest_teardown(&g);
}

/* A refused entry: VMX_FAULT_UD, the reason, and nothing changed. */
static void assert_refused(struct guest *g, enum sim_engine_refusal why)
{
    struct vmm_guest_gprs before = g->gprs;
    uint64_t rip = guest_get(g, VMCS_GUEST_RIP), reason = guest_get(g, VMCS_VM_EXIT_REASON);
    assert_int_equal(guest_enter(g).outcome, VMX_FAULT_UD);
    assert_int_equal(sim_last_entry(g->f.sim)->outcome, VMX_ENTRY_OK);
    assert_int_equal(sim_engine_last(g->eng)->refusal, why);
    assert_non_null(sim_engine_last(g->eng)->what);
    assert_false(sim_vmcs_launched(g->f.sim));
    assert_memory_equal(&before, &g->gprs, sizeof before);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), rip);
    assert_int_equal(guest_get(g, VMCS_VM_EXIT_REASON), reason);
}

static void entries_it_cannot_represent_are_refused_clearly(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "bochs-skylake-x");
    g.gprs.rbx = 0x55;
    guest_write_baseline(&g, BASE_V8086);
    guest_set(&g, VMCS_GUEST_CR4, guest_get(&g, VMCS_GUEST_CR4) | 1); /* CR4.VME */
    assert_refused(&g, SIM_ENGINE_MODE);
    guest_teardown(&g);

    guest_setup(&g, "modern");
    guest_ctl(&g, VMM_CTL_PROC2, VMX_PROC2_ENABLE_EPT | VMX_PROC2_MODE_BASED_EPT_EXEC, 0);
    guest_set(&g, VMCS_EPT_POINTER, 0x106000 | 6 | (3 << 3));
    assert_refused(&g, SIM_ENGINE_CONTROL);
    guest_teardown(&g);

    guest_setup(&g, "modern");
    guest_ctl(&g, VMM_CTL_PROC2, VMX_PROC2_BUS_LOCK_DETECTION, 0);
    assert_refused(&g, SIM_ENGINE_CONTROL);
    guest_teardown(&g);

    guest_setup(&g, "modern");
    guest_ctl(&g, VMM_CTL_ENTRY, VMX_ENTRY_LOAD_DEBUG_CTLS, 0);
    guest_set(&g, VMCS_GUEST_DR7, 0x401);
    assert_refused(&g, SIM_ENGINE_DEBUG);
    guest_teardown(&g);

    guest_setup(&g, "modern");
    guest_set(&g, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 1ull << 14);
    guest_set(&g, VMCS_GUEST_RFLAGS, 0x2 | (1u << 8));
    assert_refused(&g, SIM_ENGINE_DEBUG);
    guest_teardown(&g);
}

/* GDT slots 28H (user data) and 30H (user code), as SYSRET's fixed loads describe them. */
static void user_segments(struct guest *g)
{
    static const uint64_t user[2] = {0x00cff3000000ffffull, 0x00affb000000ffffull};
    guest_poke(g, GUEST_GDT + 0x28, user, sizeof user);
    guest_set(g, VMCS_GUEST_GDTR_LIMIT, 0x37);
    /* User-accessible paging for the code and stack regions. */
    uint64_t e;
    for (uint64_t at = GUEST_CR3; at <= GUEST_CR3 + 0x1000; at += 0x1000) {
        e = guest_peek64(g, at) | 4;
        guest_poke(g, at, &e, 8);
    }
    for (uint64_t i = 0; i < 4; i++) {
        e = (i << 21) | 0x87;
        guest_poke(g, GUEST_CR3 + 0x2000 + 8 * i, &e, 8);
    }
}

static void msr_on_entry(struct guest *g, uint32_t msr, uint64_t value)
{
    uint8_t entry[16] = {0};
    memcpy(entry, &msr, 4);
    memcpy(entry + 8, &value, 8);
    guest_poke(g, MSR_AREA, entry, sizeof entry);
    guest_set(g, VMCS_VM_ENTRY_MSR_LOAD_ADDR, MSR_AREA);
    guest_set(g, VMCS_VM_ENTRY_MSR_LOAD_COUNT, 1);
}

static void cpl3_after_sysret_survives_exits_resumes_and_relaunches(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    user_segments(&g);
    msr_on_entry(&g, 0xc0000081, 0x0020000800000000ull); /* STAR: SYSRET base 20H */
    static const uint8_t kernel[] = {0x48, 0x0f, 0x07};    /* sysretq */
    static const uint8_t user[] = {0x90, 0x0f, 0xa2, 0x0f, 0xa2}; /* nop; cpuid; cpuid */
    guest_code(&g, kernel, sizeof kernel);
    guest_poke(&g, USER_CODE, user, sizeof user);
    g.gprs.rcx = USER_CODE;
    g.gprs.r11 = 0x202;
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), USER_CODE + 1);
    assert_int_equal(guest_get(&g, VMCS_GUEST_CS_SELECTOR), 0x33);
    assert_int_equal(guest_get(&g, VMCS_GUEST_CS_AR_BYTES), 0xa0fb);
    assert_int_equal(guest_get(&g, VMCS_GUEST_SS_SELECTOR), 0x2b);
    assert_int_equal(guest_get(&g, VMCS_GUEST_SS_AR_BYTES), 0xc0f3);
    /* VMRESUME at CPL 3: Unicorn still holds it. */
    guest_set(&g, VMCS_VM_ENTRY_MSR_LOAD_COUNT, 0);
    guest_skip(&g);
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), USER_CODE + 3);
    assert_int_equal(guest_get(&g, VMCS_GUEST_CS_SELECTOR), 0x33);
    /* A VMLAUNCH loads CS and SS at CPL 3 with their hidden parts. */
    g.launched = false;
    assert_int_equal(g.f.cpu->ops->vmclear(g.f.cpu, g.f.vmcs.hpa).outcome, VMX_SUCCEED);
    assert_int_equal(g.f.cpu->ops->vmptrld(g.f.cpu, g.f.vmcs.hpa).outcome, VMX_SUCCEED);
    guest_set(&g, VMCS_GUEST_RIP, USER_CODE + 1);
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), USER_CODE + 1);
    assert_int_equal(guest_get(&g, VMCS_GUEST_CS_SELECTOR), 0x33);
    assert_int_equal(guest_get(&g, VMCS_GUEST_CS_AR_BYTES), 0xa0fb);
    assert_int_equal(guest_get(&g, VMCS_GUEST_SS_AR_BYTES), 0xc0f3);
    guest_teardown(&g);
}

static void delivery_from_cpl3_switches_to_the_kernel_stack(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    user_segments(&g);
    msr_on_entry(&g, 0xc0000081, 0x0020000800000000ull);
    uint64_t rsp0 = 0x9000;
    guest_poke(&g, GUEST_TSS + 4, &rsp0, 8);
    static const uint8_t kernel[] = {0x48, 0x0f, 0x07}; /* sysretq */
    static const uint8_t user[] = {0x0f, 0x0b};         /* ud2 */
    guest_code(&g, kernel, sizeof kernel);
    guest_poke(&g, USER_CODE, user, sizeof user);
    g.gprs.rcx = USER_CODE;
    g.gprs.r11 = 0x202;
    guest_set(&g, VMCS_GUEST_RSP, 0x5800);
    assert_int_equal(guest_run(&g), VMX_EXIT_HLT);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_HANDLERS + 16 * 6);
    assert_int_equal(guest_get(&g, VMCS_GUEST_CS_SELECTOR), 0x08);
    assert_int_equal(guest_get(&g, VMCS_GUEST_SS_SELECTOR), 0);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RSP), rsp0 - 40);
    /* The frame: user RIP, CS, RFLAGS, RSP, SS. */
    assert_int_equal(guest_peek64(&g, rsp0 - 40), USER_CODE);
    assert_int_equal(guest_peek64(&g, rsp0 - 32), 0x33);
    assert_int_equal(guest_peek64(&g, rsp0 - 24), 0x202 | (1ull << 16));
    assert_int_equal(guest_peek64(&g, rsp0 - 16), 0x5800);
    assert_int_equal(guest_peek64(&g, rsp0 - 8), 0x2b);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RFLAGS), 0x2); /* IF cleared by the gate */
    /* The kernel goes on at CPL 0: the next instruction is privileged. */
    static const uint8_t kernel2[] = {0x0f, 0x20, 0xc0, 0x0f, 0xa2}; /* mov rax, cr0; cpuid */
    guest_poke(&g, GUEST_HANDLERS + 16 * 6 + 1, kernel2, sizeof kernel2);
    guest_skip(&g);
    guest_set(&g, VMCS_VM_ENTRY_MSR_LOAD_COUNT, 0);
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(g.gprs.rax, guest_get(&g, VMCS_GUEST_CR0));
    guest_teardown(&g);
}

static void syscall_from_cpl3_enters_the_kernel(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    user_segments(&g);
    /* STAR: SYSCALL CS 08H, SYSRET base 20H; LSTAR = the kernel entry. */
    msr_on_entry(&g, 0xc0000081, 0x0020000800000000ull);
    static const uint8_t kernel[] = {0x48, 0x0f, 0x07}; /* sysretq */
    static const uint8_t user[] = {0x0f, 0x05};         /* syscall */
    static const uint8_t entry[] = {0x0f, 0x20, 0xc0, 0x0f, 0xa2}; /* mov rax, cr0; cpuid */
    guest_code(&g, kernel, sizeof kernel);
    guest_poke(&g, USER_CODE, user, sizeof user);
    guest_poke(&g, GUEST_CODE + 0x200, entry, sizeof entry);
    uint8_t lstar[16] = {0};
    uint32_t index = 0xc0000082;
    uint64_t target = GUEST_CODE + 0x200;
    memcpy(lstar, &index, 4);
    memcpy(lstar + 8, &target, 8);
    guest_poke(&g, MSR_AREA + 16, lstar, sizeof lstar);
    guest_set(&g, VMCS_VM_ENTRY_MSR_LOAD_COUNT, 2);
    g.gprs.rcx = USER_CODE;
    g.gprs.r11 = 0x202;
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE + 0x203);
    assert_int_equal(guest_get(&g, VMCS_GUEST_CS_SELECTOR), 0x08);
    assert_int_equal(guest_get(&g, VMCS_GUEST_SS_SELECTOR), 0x10);
    assert_int_equal(g.gprs.rcx, USER_CODE + 2);
    assert_int_equal(g.gprs.r11, 0x202);
    assert_int_equal(g.gprs.rax, guest_get(&g, VMCS_GUEST_CR0)); /* CPL 0: MOV from CR0 ran */
    guest_teardown(&g);
}

static void syscall_is_performed_by_the_model(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_set(&g, VMCS_MSR_BITMAP, 0x702000); /* zero: WRMSR does not exit */
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_USE_MSR_BITMAPS, 0);
    /* wrmsr (LSTAR); syscall; ...; at LSTAR: cpuid */
    static const uint8_t code[] = {0x0f, 0x30, 0x0f, 0x05};
    static const uint8_t target[] = {0x0f, 0xa2};
    guest_code(&g, code, sizeof code);
    guest_poke(&g, GUEST_CODE + 0x200, target, sizeof target);
    msr_on_entry(&g, 0xc0000081, 0x0000000800000000ull); /* STAR: SYSCALL CS 08H */
    g.gprs.rcx = 0xc0000082;
    g.gprs.rax = (uint32_t)(GUEST_CODE + 0x200);
    g.gprs.rdx = 0;
    guest_set(&g, VMCS_GUEST_RFLAGS, 0x202);
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE + 0x200);
    assert_int_equal(g.gprs.rcx, GUEST_CODE + 4);
    assert_int_equal(g.gprs.r11, 0x202);
    assert_int_equal(guest_get(&g, VMCS_GUEST_CS_SELECTOR), 0x08);
    assert_int_equal(guest_get(&g, VMCS_GUEST_SS_SELECTOR), 0x10);
    guest_teardown(&g);
}

static void guest_written_code_is_decoded_again(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    static const uint8_t nops[] = {0x90, 0x90, 0x90, 0x90, 0x0f, 0xa2};
    /* mov word [0x401020], 0xa20f (CPUID over the first two NOPs); jmp 0x401020 */
    static const uint8_t writer[] = {0x66, 0xc7, 0x04, 0x25, 0x20, 0x10, 0x40, 0x00, 0x0f, 0xa2,
                                     0xeb, 0x14};
    guest_code(&g, writer, sizeof writer);
    guest_poke(&g, GUEST_CODE + 0x20, nops, sizeof nops);
    guest_set(&g, VMCS_GUEST_RIP, GUEST_CODE + 0x20);
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID); /* decoded with NOPs first */
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE + 0x24);
    guest_set(&g, VMCS_GUEST_RIP, GUEST_CODE);
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE + 0x20);
    guest_teardown(&g);
}

static void reloaded_segments_are_read_from_the_gdt(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    /* Give DS an odd cache in the VMCS, then let the guest load the GDT's flat one. */
    guest_set(&g, VMCS_GUEST_DS_SELECTOR, 0);
    guest_set(&g, VMCS_GUEST_DS_AR_BYTES, 0x10000);
    static const uint8_t code[] = {0x66, 0x8e, 0xd8, 0x0f, 0xa2}; /* mov ds, ax; cpuid */
    guest_code(&g, code, sizeof code);
    g.gprs.rax = 0x10;
    assert_int_equal(guest_run(&g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(&g, VMCS_GUEST_DS_SELECTOR), 0x10);
    assert_int_equal(guest_get(&g, VMCS_GUEST_DS_AR_BYTES), 0xc093);
    assert_int_equal(guest_get(&g, VMCS_GUEST_DS_LIMIT), 0xffffffff);
    assert_int_equal(guest_get(&g, VMCS_GUEST_DS_BASE), 0);
    /* Segments the guest did not touch keep the VMCS's values. */
    assert_int_equal(guest_get(&g, VMCS_GUEST_ES_SELECTOR), 0x10);
    assert_int_equal(guest_get(&g, VMCS_GUEST_TR_SELECTOR), 0x18);
    assert_int_equal(guest_get(&g, VMCS_GUEST_TR_AR_BYTES), 0x8b);
    guest_teardown(&g);
}

/* A scenario touching most of the model: timers, TSC, I/O, MSRs, interrupts, exceptions. */
struct trace {
    uint32_t reason[64];
    uint64_t rip[64], rax[64], qual[64];
    unsigned n;
    uint64_t tsc;
    struct vmcs_image vmcs;
};

static void scenario(struct trace *t)
{
    struct guest g;
    guest_setup(&g, "bochs-skylake-x"); /* timer: one tick per instruction */
    guest_gate_default(&g);
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_UNCOND_IO_EXITING | VMX_PROC_USE_TSC_OFFSETTING, 0);
    guest_ctl(&g, VMM_CTL_PIN, VMX_PIN_PREEMPTION_TIMER, VMX_PIN_EXT_INTR_EXITING);
    guest_ctl(&g, VMM_CTL_EXIT, VMX_EXIT_SAVE_PREEMPTION_TIMER, 0);
    guest_set(&g, VMCS_VMX_PREEMPTION_TIMER_VALUE, 7);
    guest_set(&g, VMCS_TSC_OFFSET, 77);
    guest_set(&g, VMCS_EXCEPTION_BITMAP, 1u << 6);
    guest_set(&g, VMCS_GUEST_RFLAGS, 0x202);
    /* loop: rdtsc; rdrand rcx; out 0x80, al; cpuid; inc rbx; cmp rbx, 6; jne loop; ud2; jmp loop */
    static const uint8_t code[] = {0x0f, 0x31, 0x48, 0x0f, 0xc7, 0xf1, 0xe6, 0x80, 0x0f, 0xa2,
                                   0x48, 0xff, 0xc3, 0x48, 0x83, 0xfb, 0x06, 0x75, 0xed,
                                   0x0f, 0x0b, 0xeb, 0xe9};
    guest_code(&g, code, sizeof code);
    static const uint8_t iretq[] = {0x48, 0xcf};
    guest_poke(&g, GUEST_HANDLERS + 16 * 0x50, iretq, sizeof iretq);
    sim_engine_raise_interrupt(g.eng, 0x50);
    t->n = 0;
    while (t->n < 64) {
        uint32_t r = guest_run(&g);
        t->reason[t->n] = r;
        t->rip[t->n] = guest_get(&g, VMCS_GUEST_RIP);
        t->rax[t->n] = g.gprs.rax ^ g.gprs.rcx;
        t->qual[t->n] = guest_get(&g, VMCS_EXIT_QUALIFICATION);
        t->n++;
        if (r == VMX_EXIT_EXCEPTION_NMI)
            break;
        if (r == VMX_EXIT_PREEMPTION_TIMER)
            guest_set(&g, VMCS_VMX_PREEMPTION_TIMER_VALUE, 7);
        else if (r != VMX_EXIT_EXTERNAL_INTERRUPT)
            guest_skip(&g);
    }
    t->tsc = sim_engine_tsc(g.eng);
    t->vmcs = *sim_vmcs(g.f.sim);
    guest_teardown(&g);
}

static void the_same_scenario_twice_gives_the_same_run(void **state)
{
    (void)state;
    static struct trace a, b;
    scenario(&a);
    scenario(&b);
    assert_true(a.n > 10);
    bool timer = false;
    for (unsigned i = 0; i < a.n; i++)
        timer |= a.reason[i] == VMX_EXIT_PREEMPTION_TIMER;
    assert_true(timer);
    assert_int_equal(a.reason[a.n - 1], VMX_EXIT_EXCEPTION_NMI);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.reason, b.reason, sizeof a.reason);
    assert_memory_equal(a.rip, b.rip, sizeof a.rip);
    assert_memory_equal(a.rax, b.rax, sizeof a.rax);
    assert_memory_equal(a.qual, b.qual, sizeof a.qual);
    assert_int_equal(a.tsc, b.tsc);
    assert_memory_equal(&a.vmcs, &b.vmcs, sizeof a.vmcs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(selftest_passes_on_the_linked_unicorn),
        cmocka_unit_test(one_engine_per_sim_and_destroy_detaches_it),
        cmocka_unit_test(cpuid_exits_before_the_instruction),
        cmocka_unit_test(entries_it_cannot_represent_are_refused_clearly),
        cmocka_unit_test(cpl3_after_sysret_survives_exits_resumes_and_relaunches),
        cmocka_unit_test(delivery_from_cpl3_switches_to_the_kernel_stack),
        cmocka_unit_test(syscall_from_cpl3_enters_the_kernel),
        cmocka_unit_test(syscall_is_performed_by_the_model),
        cmocka_unit_test(guest_written_code_is_decoded_again),
        cmocka_unit_test(reloaded_segments_are_read_from_the_gdt),
        cmocka_unit_test(the_same_scenario_twice_gives_the_same_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
