/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Events while the guest runs: exceptions (exception bitmap, #PF error-code
 * mask/match, error codes, CR2), delivery through the guest's IDT (frame,
 * RFLAGS, software events), #DF and triple fault, IDT-vectoring information,
 * external interrupts and NMIs (exiting, acknowledgement, delivery), the
 * interrupt and NMI windows with STI blocking, the VMX-preemption timer and
 * the monitor trap flag.
 */
#include <string.h>

#include "simbackend/snapshot.h"
#include "testing/guest.h"

#define EXC(v) (1u << (v))
#define RF (1ull << 16)
#define IF (1ull << 9)
#define ABSENT 0x800000ull /* 2 MiB page made not present */

static void make_absent(struct guest *g, uint64_t gva)
{
    uint64_t zero = 0;
    guest_poke(g, GUEST_CR3 + 0x2000 + 8 * (gva >> 21), &zero, 8);
}

/* Runs `code` at GUEST_CODE (from the start). */
static uint32_t run_code(struct guest *g, const uint8_t *code, size_t n)
{
    guest_code(g, code, n);
    guest_set(g, VMCS_GUEST_RIP, GUEST_CODE);
    return guest_run(g);
}

struct frame {
    uint64_t error, rip, cs, rflags, rsp, ss;
};

/* The interrupt frame at the guest's RSP (with or without an error code). */
static struct frame frame_at(struct guest *g, bool error)
{
    uint64_t rsp = guest_get(g, VMCS_GUEST_RSP);
    struct frame f = {0};
    unsigned i = 0;
    if (error)
        f.error = guest_peek64(g, rsp + 8 * i++);
    f.rip = guest_peek64(g, rsp + 8 * i++);
    f.cs = guest_peek64(g, rsp + 8 * i++);
    f.rflags = guest_peek64(g, rsp + 8 * i++);
    f.rsp = guest_peek64(g, rsp + 8 * i++);
    f.ss = guest_peek64(g, rsp + 8 * i++);
    return f;
}

/* mov rax, [0x800000] */
static const uint8_t load_absent[] = {0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x80, 0x00};

static void page_fault_exit_reports_the_address_and_leaves_cr2(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    make_absent(&g, ABSENT);
    guest_set(&g, VMCS_EXCEPTION_BITMAP, EXC(14));
    g.gprs.cr2 = 0x1234;
    assert_int_equal(run_code(&g, load_absent, sizeof load_absent), VMX_EXIT_EXCEPTION_NMI);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.intr_info, 0x80000b0e);
    assert_int_equal(x.intr_error, 0); /* not present, read, supervisor */
    assert_int_equal(x.qual, ABSENT);
    assert_int_equal(x.rip, GUEST_CODE);
    assert_int_equal(x.len, 0);
    assert_int_equal(g.gprs.cr2, 0x1234);
    /* A second fault still arrives as #PF (old_exception was reset). */
    assert_int_equal(run_code(&g, load_absent, sizeof load_absent), VMX_EXIT_EXCEPTION_NMI);
    assert_int_equal(guest_exit_info(&g).intr_info, 0x80000b0e);
    guest_teardown(&g);
}

/*
 * A jump to an absent page retires; the fault is the fetch at its target.
 * Time (retired instructions) counts the MOV and the JMP, whether Unicorn
 * walks the guest's page tables (TLB_CPU) or the fill hook does (a
 * snapshot exists: TLB_VIRTUAL).
 */
static void a_fetch_fault_after_a_jump_counts_the_jump(void **state)
{
    (void)state;
    static const uint8_t mov_jmp[] = {0x48, 0xb8, 0, 0, 0x80, 0, 0, 0, 0, 0, /* mov rax, ABSENT */
                                      0xff, 0xe0};                          /* jmp rax */
    for (int snap = 0; snap < 2; snap++) {
        struct guest g;
        guest_setup(&g, "modern");
        make_absent(&g, ABSENT);
        guest_set(&g, VMCS_EXCEPTION_BITMAP, EXC(14));
        struct sim_snapshot *s = NULL;
        if (snap)
            assert_int_equal(sim_snapshot_create(g.eng, &s), VMM_OK);
        uint64_t t0 = sim_engine_tsc(g.eng);
        assert_int_equal(run_code(&g, mov_jmp, sizeof mov_jmp), VMX_EXIT_EXCEPTION_NMI);
        assert_int_equal(guest_exit_info(&g).intr_info, 0x80000b0e);
        assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), ABSENT);
        assert_int_equal(sim_engine_tsc(g.eng) - t0, 2);
        /* A data fault does not retire: the load is not counted. */
        t0 = sim_engine_tsc(g.eng);
        assert_int_equal(run_code(&g, load_absent, sizeof load_absent), VMX_EXIT_EXCEPTION_NMI);
        assert_int_equal(sim_engine_tsc(g.eng) - t0, 0);
        if (s)
            sim_snapshot_destroy(s);
        guest_teardown(&g);
    }
}

/*
 * MOV SS of a null selector in 64-bit mode: legal at CPL 0 with RPL 0,
 * #GP(0) with RPL 1 (SDM, MOV); Unicorn would load it either way.
 */
static void mov_ss_of_a_null_selector_needs_rpl_equal_to_cpl(void **state)
{
    (void)state;
    static const uint8_t rpl1[] = {0x66, 0xb8, 0x01, 0x00, 0x8e, 0xd0, 0x0f, 0xa2}; /* mov ss, 1; cpuid */
    static const uint8_t rpl0[] = {0x66, 0xb8, 0x00, 0x00, 0x8e, 0xd0, 0x0f, 0xa2}; /* mov ss, 0; cpuid */
    struct guest g;
    guest_setup(&g, "modern");
    guest_set(&g, VMCS_EXCEPTION_BITMAP, EXC(13));
    assert_int_equal(run_code(&g, rpl1, sizeof rpl1), VMX_EXIT_EXCEPTION_NMI);
    assert_int_equal(guest_exit_info(&g).intr_info, 0x80000b0d);
    assert_int_equal(guest_exit_info(&g).intr_error, 0);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE + 4);
    assert_int_equal(run_code(&g, rpl0, sizeof rpl0), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(&g, VMCS_GUEST_SS_SELECTOR), 0);
    guest_teardown(&g);
}

static void page_fault_mask_match_sends_others_to_the_guest(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    make_absent(&g, ABSENT);
    /* Bit 14 set and only write faults match: a read fault is delivered. */
    guest_set(&g, VMCS_EXCEPTION_BITMAP, EXC(14));
    guest_set(&g, VMCS_PAGE_FAULT_ERROR_CODE_MASK, 2);
    guest_set(&g, VMCS_PAGE_FAULT_ERROR_CODE_MATCH, 2);
    assert_int_equal(run_code(&g, load_absent, sizeof load_absent), VMX_EXIT_HLT);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_HANDLERS + 16 * 14);
    assert_int_equal(g.gprs.cr2, ABSENT);
    struct frame f = frame_at(&g, true);
    assert_int_equal(f.error, 0);
    assert_int_equal(f.rip, GUEST_CODE);
    assert_int_equal(f.cs, 8);
    assert_int_equal(f.rflags, 0x2 | RF);
    assert_int_equal(f.rsp, GUEST_STACK);
    assert_int_equal(f.ss, 0x10);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RSP), GUEST_STACK - 48);
    guest_teardown(&g);
}

static void general_protection_carries_unicorns_error_code(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_set(&g, VMCS_EXCEPTION_BITMAP, EXC(13));
    static const uint8_t code[] = {0x66, 0x8e, 0xd8}; /* mov ds, ax (beyond the GDT limit) */
    g.gprs.rax = 0x80;
    assert_int_equal(run_code(&g, code, sizeof code), VMX_EXIT_EXCEPTION_NMI);
    assert_int_equal(guest_exit_info(&g).intr_info, 0x80000b0d);
    assert_int_equal(guest_exit_info(&g).intr_error, 0x80);
    guest_teardown(&g);
}

static void invalid_opcode_is_delivered_through_an_interrupt_gate(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    guest_set(&g, VMCS_GUEST_RFLAGS, 0x2 | IF);
    static const uint8_t code[] = {0x0f, 0x0b}; /* ud2 */
    assert_int_equal(run_code(&g, code, sizeof code), VMX_EXIT_HLT);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_HANDLERS + 16 * 6);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RFLAGS), 0x2); /* IF cleared by the gate */
    struct frame f = frame_at(&g, false);
    assert_int_equal(f.rip, GUEST_CODE);
    assert_int_equal(f.rflags, 0x2 | IF | RF);
    guest_teardown(&g);
}

static void int3_exits_as_a_software_exception(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    static const uint8_t code[] = {0x90, 0xcc}; /* nop; int3 */
    guest_set(&g, VMCS_EXCEPTION_BITMAP, EXC(3));
    assert_int_equal(run_code(&g, code, sizeof code), VMX_EXIT_EXCEPTION_NMI);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.intr_info, 0x80000603);
    assert_int_equal(x.len, 1);
    assert_int_equal(x.rip, GUEST_CODE + 1);
    /* Without the bitmap bit it is delivered, returning after the INT3. */
    guest_set(&g, VMCS_EXCEPTION_BITMAP, 0);
    assert_int_equal(run_code(&g, code, sizeof code), VMX_EXIT_HLT);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_HANDLERS + 16 * 3);
    assert_int_equal(frame_at(&g, false).rip, GUEST_CODE + 2);
    assert_int_equal(frame_at(&g, false).rflags, 0x2);
    guest_teardown(&g);
}

static void int_n_never_exits_through_the_bitmap(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    guest_set(&g, VMCS_EXCEPTION_BITMAP, 0xffffffff);
    static const uint8_t code[] = {0xcd, 0x0d}; /* int 0x0d */
    assert_int_equal(run_code(&g, code, sizeof code), VMX_EXIT_HLT);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_HANDLERS + 16 * 13);
    assert_int_equal(frame_at(&g, false).rip, GUEST_CODE + 2); /* no error code pushed */
    guest_teardown(&g);
}

static const uint8_t bad_ds[] = {0x66, 0x8e, 0xd8}; /* mov ds, ax with AX = 0x80: #GP(0x80) */

static void contributory_fault_in_delivery_becomes_a_double_fault(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    static const uint8_t zero[16] = {0};
    guest_poke(&g, GUEST_IDT + 16 * 13, zero, 16); /* #GP gate not present: #NP */
    g.gprs.rax = 0x80;
    guest_set(&g, VMCS_EXCEPTION_BITMAP, EXC(8));
    assert_int_equal(run_code(&g, bad_ds, sizeof bad_ds), VMX_EXIT_EXCEPTION_NMI);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.intr_info, 0x80000b08);
    assert_int_equal(x.intr_error, 0);
    assert_int_equal(x.idt_info, 0);
    assert_int_equal(x.rip, GUEST_CODE);
    /* Without the bit, #DF goes to its handler with error code 0. */
    guest_set(&g, VMCS_EXCEPTION_BITMAP, 0);
    assert_int_equal(run_code(&g, bad_ds, sizeof bad_ds), VMX_EXIT_HLT);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_HANDLERS + 16 * 8);
    assert_int_equal(frame_at(&g, true).error, 0);
    guest_teardown(&g);
}

static void no_usable_gate_is_a_triple_fault(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    g.gprs.rax = 0x80;
    assert_int_equal(run_code(&g, bad_ds, sizeof bad_ds), VMX_EXIT_TRIPLE_FAULT);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.qual, 0);
    assert_int_equal(x.intr_info, 0);
    assert_int_equal(x.rip, GUEST_CODE);
    guest_teardown(&g);
}

static void fault_while_delivering_reports_idt_vectoring(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    make_absent(&g, ABSENT);
    guest_set(&g, VMCS_EXCEPTION_BITMAP, EXC(14));
    guest_set(&g, VMCS_GUEST_RSP, ABSENT + 0x100);
    static const uint8_t code[] = {0xcd, 0x80}; /* int 0x80 */
    assert_int_equal(run_code(&g, code, sizeof code), VMX_EXIT_EXCEPTION_NMI);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.intr_info, 0x80000b0e);
    assert_int_equal(x.intr_error, 2);           /* write, not present */
    assert_int_equal(x.qual, ABSENT + 0x100 - 8); /* the SS slot, pushed first */
    assert_int_equal(x.idt_info, 0x80000480);     /* INT 0x80, software interrupt */
    assert_int_equal(x.len, 2);                  /* its instruction length */
    assert_int_equal(x.rip, GUEST_CODE);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RSP), ABSENT + 0x100);
    guest_teardown(&g);
}

static void external_interrupt_exits_with_and_without_acknowledge(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    static const uint8_t code[] = {0x90, 0x90};
    guest_code(&g, code, sizeof code);
    assert_int_equal(sim_engine_raise_interrupt(g.eng, 0x40), VMM_OK);
    assert_int_equal(sim_engine_raise_interrupt(g.eng, 0x30), VMM_OK);
    assert_int_equal(sim_engine_raise_interrupt(g.eng, 3), VMM_E_INVAL);
    assert_int_equal(guest_run(&g), VMX_EXIT_EXTERNAL_INTERRUPT);
    assert_int_equal(guest_exit_info(&g).intr_info, 0); /* not acknowledged: still pending */
    assert_int_equal(guest_exit_info(&g).rip, GUEST_CODE);
    guest_ctl(&g, VMM_CTL_EXIT, VMX_EXIT_ACK_INTR_ON_EXIT, 0);
    assert_int_equal(guest_run(&g), VMX_EXIT_EXTERNAL_INTERRUPT);
    assert_int_equal(guest_exit_info(&g).intr_info, 0x80000040); /* highest vector first */
    assert_int_equal(guest_run(&g), VMX_EXIT_EXTERNAL_INTERRUPT);
    assert_int_equal(guest_exit_info(&g).intr_info, 0x80000030);
    assert_int_equal(sim_engine_ack_interrupt(g.eng), -1);
    guest_teardown(&g);
}

static void external_interrupt_waits_for_the_sti_shadow(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    guest_ctl(&g, VMM_CTL_PIN, 0, VMX_PIN_EXT_INTR_EXITING);
    static const uint8_t code[] = {0xfb, 0x90, 0x0f, 0xa2}; /* sti; nop; cpuid */
    sim_engine_raise_interrupt(g.eng, 0x40);
    assert_int_equal(run_code(&g, code, sizeof code), VMX_EXIT_HLT);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_HANDLERS + 16 * 0x40);
    struct frame f = frame_at(&g, false);
    assert_int_equal(f.rip, GUEST_CODE + 2); /* after the instruction STI protected */
    assert_int_equal(f.rflags, 0x2 | IF);
    guest_teardown(&g);
}

static void interrupt_window_opens_after_sti_and_one_instruction(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_INTR_WINDOW_EXITING, 0);
    static const uint8_t code[] = {0x90, 0xfb, 0x90, 0x90, 0x0f, 0xa2}; /* nop; sti; nop; nop; cpuid */
    assert_int_equal(run_code(&g, code, sizeof code), VMX_EXIT_INTERRUPT_WINDOW);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.rip, GUEST_CODE + 3);
    assert_int_equal(x.qual, 0);
    assert_int_equal(x.len, 0);
    assert_int_equal(guest_get(&g, VMCS_GUEST_INTERRUPTIBILITY_INFO), 0);
    /* Already open at entry: the exit comes before the first instruction. */
    guest_set(&g, VMCS_GUEST_RIP, GUEST_CODE);
    assert_int_equal(guest_run(&g), VMX_EXIT_INTERRUPT_WINDOW);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE);
    guest_teardown(&g);
}

static void nmi_exits_or_is_delivered_and_then_blocked(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    static const uint8_t code[] = {0x90, 0x0f, 0xa2};
    guest_code(&g, code, sizeof code);
    sim_engine_raise_nmi(g.eng);
    assert_int_equal(guest_run(&g), VMX_EXIT_EXCEPTION_NMI);
    assert_int_equal(guest_exit_info(&g).intr_info, 0x80000202);
    assert_int_equal(guest_exit_info(&g).rip, GUEST_CODE);
    guest_ctl(&g, VMM_CTL_PIN, 0, VMX_PIN_NMI_EXITING);
    sim_engine_raise_nmi(g.eng);
    assert_int_equal(guest_run(&g), VMX_EXIT_HLT);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_HANDLERS + 16 * 2);
    assert_int_equal(guest_get(&g, VMCS_GUEST_INTERRUPTIBILITY_INFO), 8); /* blocking by NMI */
    guest_teardown(&g);
}

static void nmi_window_exits_unless_virtual_nmis_are_blocked(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_ctl(&g, VMM_CTL_PIN, VMX_PIN_VIRTUAL_NMIS, 0);
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_NMI_WINDOW_EXITING, 0);
    static const uint8_t code[] = {0x90, 0x0f, 0xa2};
    guest_set(&g, VMCS_GUEST_INTERRUPTIBILITY_INFO, 8);
    assert_int_equal(run_code(&g, code, sizeof code), VMX_EXIT_CPUID);
    guest_set(&g, VMCS_GUEST_INTERRUPTIBILITY_INFO, 0);
    guest_set(&g, VMCS_GUEST_RIP, GUEST_CODE);
    assert_int_equal(guest_run(&g), VMX_EXIT_NMI_WINDOW);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE);
    guest_teardown(&g);
}

static void preemption_timer_counts_retired_instructions(void **state)
{
    (void)state;
    static const struct {
        const char *profile;
        uint64_t value, expect; /* instructions until expiry from TSC 0 */
    } cases[] = {
        {"bochs-skylake-x", 10, 10}, /* one tick per instruction */
        {"modern", 2, 64},           /* one tick per 2^5 instructions */
        {"modern", 0, 0},            /* zero: before the first instruction */
    };
    uint8_t nops[128];
    memset(nops, 0x90, sizeof nops);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct guest g;
        guest_setup(&g, cases[i].profile);
        guest_code(&g, nops, sizeof nops);
        guest_ctl(&g, VMM_CTL_PIN, VMX_PIN_PREEMPTION_TIMER, 0);
        guest_ctl(&g, VMM_CTL_EXIT, VMX_EXIT_SAVE_PREEMPTION_TIMER, 0);
        guest_set(&g, VMCS_VMX_PREEMPTION_TIMER_VALUE, cases[i].value);
        assert_int_equal(guest_run(&g), VMX_EXIT_PREEMPTION_TIMER);
        assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE + cases[i].expect);
        assert_int_equal(guest_get(&g, VMCS_VMX_PREEMPTION_TIMER_VALUE), 0);
        assert_int_equal(guest_exit_info(&g).qual, 0);
        guest_teardown(&g);
    }
}

static void monitor_trap_flag_exits_after_each_instruction(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_gate_default(&g);
    guest_ctl(&g, VMM_CTL_PROC, VMX_PROC_MONITOR_TRAP_FLAG, 0);
    static const uint8_t code[] = {0x90, 0xfb, 0x0f, 0x0b}; /* nop; sti; ud2 */
    guest_code(&g, code, sizeof code);
    assert_int_equal(guest_run(&g), VMX_EXIT_MONITOR_TRAP_FLAG);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE + 1);
    assert_int_equal(guest_run(&g), VMX_EXIT_MONITOR_TRAP_FLAG);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE + 2);
    assert_int_equal(guest_get(&g, VMCS_GUEST_INTERRUPTIBILITY_INFO), 1); /* blocking by STI */
    /* A fault: the exit follows its delivery, before the handler's first instruction. */
    assert_int_equal(guest_run(&g), VMX_EXIT_MONITOR_TRAP_FLAG);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_HANDLERS + 16 * 6);
    assert_int_equal(guest_get(&g, VMCS_GUEST_INTERRUPTIBILITY_INFO), 0);
    guest_teardown(&g);
}

static void single_step_traps_after_every_instruction(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    guest_set(&g, VMCS_EXCEPTION_BITMAP, EXC(1));
    guest_set(&g, VMCS_GUEST_RFLAGS, 0x2 | (1u << 8));
    static const uint8_t code[] = {0x90, 0x0f, 0x31}; /* nop (Unicorn's); rdtsc (the model's) */
    guest_code(&g, code, sizeof code);
    assert_int_equal(guest_run(&g), VMX_EXIT_EXCEPTION_NMI);
    struct guest_exit x = guest_exit_info(&g);
    assert_int_equal(x.intr_info, 0x80000301);
    assert_int_equal(x.qual, 1u << 14); /* BS */
    assert_int_equal(x.rip, GUEST_CODE + 1);
    assert_int_equal(guest_run(&g), VMX_EXIT_EXCEPTION_NMI);
    assert_int_equal(guest_exit_info(&g).intr_info, 0x80000301);
    assert_int_equal(guest_exit_info(&g).rip, GUEST_CODE + 3);
    guest_teardown(&g);
}

static void halted_guest_wakes_for_the_preemption_timer(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "bochs-skylake-x");
    static const uint8_t code[] = {0x90, 0xf4, 0x90}; /* nop; hlt; nop */
    guest_code(&g, code, sizeof code);
    guest_ctl(&g, VMM_CTL_PROC, 0, VMX_PROC_HLT_EXITING);
    guest_ctl(&g, VMM_CTL_PIN, VMX_PIN_PREEMPTION_TIMER, 0);
    guest_set(&g, VMCS_VMX_PREEMPTION_TIMER_VALUE, 1000);
    assert_int_equal(guest_run(&g), VMX_EXIT_PREEMPTION_TIMER);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE + 2);
    assert_int_equal(guest_get(&g, VMCS_GUEST_ACTIVITY_STATE), 1);
    assert_int_equal(sim_engine_tsc(g.eng), 1000); /* time skipped to the expiry */
    guest_teardown(&g);
}

static void a_guest_nothing_can_wake_is_reported_hung(void **state)
{
    (void)state;
    struct guest g;
    guest_setup(&g, "modern");
    static const uint8_t code[] = {0xf4};
    guest_code(&g, code, sizeof code);
    guest_ctl(&g, VMM_CTL_PROC, 0, VMX_PROC_HLT_EXITING);
    guest_ctl(&g, VMM_CTL_PIN, 0, VMX_PIN_EXT_INTR_EXITING);
    assert_int_equal(guest_enter(&g).outcome, VMX_FAULT_UD);
    assert_int_equal(sim_engine_last(g.eng)->refusal, SIM_ENGINE_HUNG);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE + 1); /* it ran */
    assert_int_equal(guest_get(&g, VMCS_GUEST_ACTIVITY_STATE), 1);
    assert_false(sim_vmcs_launched(g.f.sim));
    guest_teardown(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(page_fault_exit_reports_the_address_and_leaves_cr2),
        cmocka_unit_test(a_fetch_fault_after_a_jump_counts_the_jump),
        cmocka_unit_test(mov_ss_of_a_null_selector_needs_rpl_equal_to_cpl),
        cmocka_unit_test(page_fault_mask_match_sends_others_to_the_guest),
        cmocka_unit_test(general_protection_carries_unicorns_error_code),
        cmocka_unit_test(invalid_opcode_is_delivered_through_an_interrupt_gate),
        cmocka_unit_test(int3_exits_as_a_software_exception),
        cmocka_unit_test(int_n_never_exits_through_the_bitmap),
        cmocka_unit_test(contributory_fault_in_delivery_becomes_a_double_fault),
        cmocka_unit_test(no_usable_gate_is_a_triple_fault),
        cmocka_unit_test(fault_while_delivering_reports_idt_vectoring),
        cmocka_unit_test(external_interrupt_exits_with_and_without_acknowledge),
        cmocka_unit_test(external_interrupt_waits_for_the_sti_shadow),
        cmocka_unit_test(interrupt_window_opens_after_sti_and_one_instruction),
        cmocka_unit_test(nmi_exits_or_is_delivered_and_then_blocked),
        cmocka_unit_test(nmi_window_exits_unless_virtual_nmis_are_blocked),
        cmocka_unit_test(preemption_timer_counts_retired_instructions),
        cmocka_unit_test(monitor_trap_flag_exits_after_each_instruction),
        cmocka_unit_test(single_step_traps_after_every_instruction),
        cmocka_unit_test(halted_guest_wakes_for_the_preemption_timer),
        cmocka_unit_test(a_guest_nothing_can_wake_is_reported_hung),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
