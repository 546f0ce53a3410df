/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Snapshots (snapshot.h): a restore puts registers, the VMCS, time, pending
 * events and memory back so that the same entries give the same exits;
 * memory comes back from the pages written (by the guest, the model and
 * the host through the seam) and from a comparison of the pages the host
 * can write untracked.
 */
#include <string.h>

#include "simbackend/snapshot.h"
#include "testing/guest.h"

#define DATA_BYTES 64

/* What a run produced. */
struct trace {
    uint32_t reason[48];
    uint64_t rip[48], rax[48], qual[48];
    unsigned n;
    uint64_t tsc;
    uint8_t data[DATA_BYTES];
    struct vmcs_image vmcs;
};

/*
 * loop: rdtsc; rdrand rcx; mov [rbx*8 + GUEST_DATA], rax; out 0x80, al;
 *       cpuid; inc rbx; cmp rbx, 6; jne loop; ud2; jmp loop
 */
static const uint8_t loop_code[] = {
    0x0f, 0x31, 0x48, 0x0f, 0xc7, 0xf1, 0x48, 0x89, 0x04, 0xdd, 0x00, 0x00, 0x60, 0x00,
    0xe6, 0x80, 0x0f, 0xa2, 0x48, 0xff, 0xc3, 0x48, 0x83, 0xfb, 0x06, 0x75, 0xe5, 0x0f,
    0x0b, 0xeb, 0xe1};

static void setup(struct guest *g)
{
    guest_setup(g, "bochs-skylake-x"); /* timer: one tick per instruction */
    guest_gate_default(g);
    guest_ctl(g, VMM_CTL_PROC, VMX_PROC_UNCOND_IO_EXITING | VMX_PROC_USE_TSC_OFFSETTING, 0);
    guest_ctl(g, VMM_CTL_PIN, VMX_PIN_PREEMPTION_TIMER, VMX_PIN_EXT_INTR_EXITING);
    guest_ctl(g, VMM_CTL_EXIT, VMX_EXIT_SAVE_PREEMPTION_TIMER, 0);
    guest_set(g, VMCS_VMX_PREEMPTION_TIMER_VALUE, 5);
    guest_set(g, VMCS_EXCEPTION_BITMAP, 1u << 6);
    guest_set(g, VMCS_GUEST_RFLAGS, 0x202);
    guest_code(g, loop_code, sizeof loop_code);
    static const uint8_t iretq[] = {0x48, 0xcf};
    guest_poke(g, GUEST_HANDLERS + 16 * 0x50, iretq, sizeof iretq);
}

/* Handles one exit as a VMM would: skip the instruction, re-arm the timer. */
static uint32_t step(struct guest *g)
{
    uint32_t r = guest_run(g);
    if (r == VMX_EXIT_PREEMPTION_TIMER)
        guest_set(g, VMCS_VMX_PREEMPTION_TIMER_VALUE, 5);
    else if (r != VMX_EXIT_EXTERNAL_INTERRUPT && r != VMX_EXIT_EXCEPTION_NMI)
        guest_skip(g);
    return r;
}

/* Runs to the #UD exit, with host actions along the way (the same every time). */
static void run(struct guest *g, struct trace *t)
{
    t->n = 0;
    while (t->n < 48) {
        if (t->n == 2)
            sim_engine_raise_interrupt(g->eng, 0x50);
        if (t->n == 4)
            guest_set(g, VMCS_TSC_OFFSET, 1000);
        uint32_t r = step(g);
        t->reason[t->n] = r;
        t->rip[t->n] = guest_get(g, VMCS_GUEST_RIP);
        t->rax[t->n] = g->gprs.rax ^ g->gprs.rcx;
        t->qual[t->n] = guest_get(g, VMCS_EXIT_QUALIFICATION);
        t->n++;
        if (r == VMX_EXIT_EXCEPTION_NMI)
            break;
    }
    t->tsc = sim_engine_tsc(g->eng);
    guest_peek(g, GUEST_DATA, t->data, sizeof t->data);
    t->vmcs = *sim_vmcs(g->f.sim);
}

static void assert_same_trace(const struct trace *a, const struct trace *b)
{
    assert_int_equal(a->n, b->n);
    assert_memory_equal(a->reason, b->reason, sizeof a->reason);
    assert_memory_equal(a->rip, b->rip, sizeof a->rip);
    assert_memory_equal(a->rax, b->rax, sizeof a->rax);
    assert_memory_equal(a->qual, b->qual, sizeof a->qual);
    assert_int_equal(a->tsc, b->tsc);
    assert_memory_equal(a->data, b->data, sizeof a->data);
    assert_memory_equal(&a->vmcs, &b->vmcs, sizeof a->vmcs);
}

static void a_restored_run_repeats_its_exits_and_memory(void **state)
{
    (void)state;
    struct guest g;
    setup(&g);
    for (int i = 0; i < 3; i++)
        step(&g);
    struct sim_snapshot *snap;
    assert_int_equal(sim_snapshot_create(g.eng, &snap), VMM_OK);
    struct vmm_guest_gprs gprs = g.gprs;
    uint8_t data[DATA_BYTES];
    guest_peek(&g, GUEST_DATA, data, sizeof data);
    struct vmcs_image vmcs = *sim_vmcs(g.f.sim);

    static struct trace a, b;
    run(&g, &a);
    assert_true(a.n > 10);
    assert_int_equal(a.reason[a.n - 1], VMX_EXIT_EXCEPTION_NMI);
    assert_memory_not_equal(a.data, data, sizeof data);

    sim_snapshot_restore(snap);
    g.gprs = gprs;
    uint8_t back[DATA_BYTES];
    guest_peek(&g, GUEST_DATA, back, sizeof back);
    assert_memory_equal(back, data, sizeof data);
    assert_memory_equal(sim_vmcs(g.f.sim), &vmcs, sizeof vmcs);
    run(&g, &b);
    assert_same_trace(&a, &b);

    /* And again: the snapshot is still there. */
    sim_snapshot_restore(snap);
    g.gprs = gprs;
    run(&g, &b);
    assert_same_trace(&a, &b);
    sim_snapshot_destroy(snap);
    guest_teardown(&g);
}

static void restore_copies_back_only_the_pages_written(void **state)
{
    (void)state;
    struct guest g;
    setup(&g);
    struct sim_snapshot *snap;
    assert_int_equal(sim_snapshot_create(g.eng, &snap), VMM_OK);
    struct vmm_guest_gprs gprs = g.gprs;
    static struct trace a;
    run(&g, &a);
    sim_snapshot_restore(snap);
    struct sim_snapshot_stats st = sim_snapshot_last_sync(snap);
    /* The data page, the stack page, page tables with new A/D flags, the IDT's handler page... */
    assert_true(st.pages_copied >= 1);
    assert_true(st.pages_copied <= 8);
    /* ... and the pages the allocator has out (VMXON region, VMCS) are compared. */
    assert_true(st.pages_compared >= 2);
    assert_true(st.pages_compared <= 8);
    /* Nothing ran since: nothing to copy. */
    sim_snapshot_restore(snap);
    assert_int_equal(sim_snapshot_last_sync(snap).pages_copied, 0);
    g.gprs = gprs;
    sim_snapshot_destroy(snap);
    guest_teardown(&g);
}

static void host_writes_are_undone_and_the_old_code_runs_again(void **state)
{
    (void)state;
    struct guest g;
    setup(&g);
    struct vmm_host_page page;
    assert_int_equal(g.f.cpu->ops->alloc_page(g.f.cpu, &page), VMM_OK);
    memset(page.hva, 0x5a, 64);
    struct sim_snapshot *snap;
    assert_int_equal(sim_snapshot_create(g.eng, &snap), VMM_OK);
    struct vmm_guest_gprs gprs = g.gprs;
    assert_int_equal(guest_run(&g), VMX_EXIT_IO_INSTRUCTION);

    /* Through the seam (tracked), through an hva (compared), and a new page. */
    static const uint8_t hlt = 0xf4;
    guest_code(&g, &hlt, 1);
    memset(page.hva, 0xa5, 64);
    struct vmm_host_page later;
    assert_int_equal(g.f.cpu->ops->alloc_page(g.f.cpu, &later), VMM_OK);
    memset(later.hva, 0x11, 64);
    sim_snapshot_restore(snap);
    g.gprs = gprs;
    g.launched = false; /* the caller's record: the take preceded VMLAUNCH */
    uint8_t code[sizeof loop_code];
    guest_peek(&g, GUEST_CODE, code, sizeof code);
    assert_memory_equal(code, loop_code, sizeof loop_code);
    for (unsigned i = 0; i < 64; i++) {
        assert_int_equal(((uint8_t *)page.hva)[i], 0x5a);
        assert_int_equal(((uint8_t *)later.hva)[i], 0);
    }
    /* The page allocated after the take is free again: the allocator hands it out anew. */
    struct vmm_host_page again;
    assert_int_equal(g.f.cpu->ops->alloc_page(g.f.cpu, &again), VMM_OK);
    assert_int_equal(again.hpa, later.hpa);
    /* Translated code and the plan of the HLT are gone: the loop runs to its OUT. */
    assert_int_equal(guest_run(&g), VMX_EXIT_IO_INSTRUCTION);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE + 14);

    /* Memory changed somewhere untracked: the next restore compares every page. */
    sim_note_host_write(g.f.sim);
    sim_snapshot_restore(snap);
    struct sim_snapshot_stats st = sim_snapshot_last_sync(snap);
    assert_int_equal(st.pages_compared, sim_host_mem_size(g.f.sim) / 4096);
    sim_snapshot_destroy(snap);
    guest_teardown(&g);
}

/*
 * Code Unicorn already translated, rewritten behind its back, runs as
 * rewritten: written by the host through the seam, by the caller straight
 * into host memory (sim_note_host_write_at), and put back by a restore.
 * MOV EAX is Unicorn's to run (the model only sees the CPUID after it), so
 * a stale translation would show in RAX. UD2 at the page's first byte is
 * the hard case: its translation covers no bytes.
 */
static void mov_cpuid(struct guest *g, uint8_t imm)
{
    const uint8_t code[] = {0xb8, imm, 0, 0, 0, 0x0f, 0xa2}; /* mov eax, imm; cpuid */
    guest_code(g, code, sizeof code);
}

static uint64_t rax_at_cpuid(struct guest *g)
{
    guest_set(g, VMCS_GUEST_RIP, GUEST_CODE);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    return (uint32_t)g->gprs.rax;
}

static void rewritten_code_runs_as_rewritten(void **state)
{
    (void)state;
    struct guest g;
    setup(&g);
    static const uint8_t ud2[] = {0x0f, 0x0b};
    guest_code(&g, ud2, sizeof ud2);
    struct sim_snapshot *snap;
    assert_int_equal(sim_snapshot_create(g.eng, &snap), VMM_OK);
    struct vmm_guest_gprs gprs = g.gprs;
    assert_int_equal(guest_run(&g), VMX_EXIT_EXCEPTION_NMI);
    assert_int_equal(guest_exit_info(&g).intr_info & 0xff, 6);

    mov_cpuid(&g, 1); /* through the seam, over the UD2 */
    assert_int_equal(rax_at_cpuid(&g), 1);
    mov_cpuid(&g, 2);
    assert_int_equal(rax_at_cpuid(&g), 2);

    /* Straight into host memory, then said. */
    struct sim_guest_ram ram = sim_guest_ram(g.f.sim);
    vmm_hpa_t hpa = ram.hpa + (GUEST_CODE - ram.gpa);
    sim_host_mem(g.f.sim)[hpa + 1] = 3;
    sim_note_host_write_at(g.f.sim, hpa + 1, 1);
    assert_int_equal(rax_at_cpuid(&g), 3);

    /* The restore brings UD2 back. */
    sim_snapshot_restore(snap);
    g.gprs = gprs;
    g.launched = false;
    assert_int_equal(guest_run(&g), VMX_EXIT_EXCEPTION_NMI);
    assert_int_equal(guest_get(&g, VMCS_GUEST_RIP), GUEST_CODE);
    mov_cpuid(&g, 4);
    assert_int_equal(rax_at_cpuid(&g), 4);
    sim_snapshot_destroy(snap);
    guest_teardown(&g);
}

static void an_older_snapshot_restores_every_page(void **state)
{
    (void)state;
    struct guest g;
    setup(&g);
    struct sim_snapshot *first, *second;
    assert_int_equal(sim_snapshot_create(g.eng, &first), VMM_OK);
    struct vmm_guest_gprs gprs = g.gprs;
    static struct trace a, b;
    run(&g, &a);
    assert_int_equal(sim_snapshot_create(g.eng, &second), VMM_OK);
    uint8_t zero[DATA_BYTES] = {0};
    sim_snapshot_restore(first);
    guest_peek(&g, GUEST_DATA, b.data, sizeof b.data);
    assert_memory_equal(b.data, zero, sizeof zero);
    sim_snapshot_restore(second);
    guest_peek(&g, GUEST_DATA, b.data, sizeof b.data);
    assert_memory_equal(b.data, a.data, sizeof a.data);
    assert_int_equal(sim_engine_tsc(g.eng), a.tsc);
    sim_snapshot_restore(first);
    g.gprs = gprs;
    g.launched = false;
    run(&g, &b);
    assert_same_trace(&a, &b);
    sim_snapshot_destroy(second);
    sim_snapshot_destroy(first);
    guest_teardown(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_restored_run_repeats_its_exits_and_memory),
        cmocka_unit_test(restore_copies_back_only_the_pages_written),
        cmocka_unit_test(host_writes_are_undone_and_the_old_code_runs_again),
        cmocka_unit_test(rewritten_code_runs_as_rewritten),
        cmocka_unit_test(an_older_snapshot_restores_every_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
