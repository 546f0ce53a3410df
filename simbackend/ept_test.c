/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guests under EPT (the core's builder makes the tables, the core's walkers
 * translate for Unicorn's TLB fills and the model's own accesses): EPT
 * violations on data reads, writes, fetches and guest paging-structure
 * accesses, misconfigurations, guest #PF with exact CR2, violations during
 * event delivery (IDT vectoring), accessed/dirty flags, and INVEPT.
 */
#include <string.h>

#include "testing/guest.h"
#include "vmm/ept.h"

#define RAM (16ull << 20)

struct ept_guest {
    struct guest g;
    struct ept ept;
};

static void setup(struct ept_guest *t, bool ad)
{
    guest_setup(&t->g, "modern");
    struct guest *g = &t->g;
    assert_int_equal(ept_init(&t->ept, g->f.cpu, sim_caps(g->f.sim), 4, ad), VMM_OK);
    struct ept_attr rwx = {.perms = EPT_R | EPT_W | EPT_X, .memtype = EPT_MT_WB};
    assert_int_equal(ept_map(&t->ept, 0, 0, RAM, rwx), VMM_OK);
    guest_set(g, VMCS_EPT_POINTER, ept_eptp(&t->ept));
    guest_ctl(g, VMM_CTL_PROC2, VMX_PROC2_ENABLE_EPT, 0);
}

static void teardown(struct ept_guest *t)
{
    sim_engine_destroy(t->g.eng);
    t->g.eng = NULL;
    assert_int_equal(ept_destroy(&t->ept), VMM_OK);
    guest_teardown(&t->g);
}

/* Runs `code` (then CPUID) at GUEST_CODE. */
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

static const uint8_t read_data[] = {0x48, 0x8b, 0x04, 0x25, 0x23, 0x01, 0x60, 0x00};  /* mov rax, [0x600123] */
static const uint8_t write_data[] = {0x48, 0x89, 0x04, 0x25, 0x10, 0x00, 0x60, 0x00}; /* mov [0x600010], rax */

static void identity_ept_runs_the_guest(void **state)
{
    (void)state;
    struct ept_guest t;
    setup(&t, false);
    uint64_t v = 0x1122334455667788ull;
    guest_poke(&t.g, GUEST_DATA + 0x123, &v, 8);
    assert_int_equal(run_code(&t.g, read_data, sizeof read_data), VMX_EXIT_CPUID);
    assert_int_equal(t.g.gprs.rax, v);
    assert_int_equal(guest_get(&t.g, VMCS_GUEST_RIP), GUEST_CODE + sizeof read_data);
    /* Off again: Unicorn's own paging. */
    guest_ctl(&t.g, VMM_CTL_PROC2, 0, VMX_PROC2_ENABLE_EPT);
    assert_int_equal(run_code(&t.g, read_data, sizeof read_data), VMX_EXIT_CPUID);
    teardown(&t);
}

static void violation_on_a_read_of_an_unmapped_page(void **state)
{
    (void)state;
    struct ept_guest t;
    setup(&t, false);
    assert_int_equal(ept_unmap(&t.ept, GUEST_DATA, 4096), VMM_OK);
    assert_int_equal(run_code(&t.g, read_data, sizeof read_data), VMX_EXIT_EPT_VIOLATION);
    struct guest_exit x = guest_exit_info(&t.g);
    /* read; no rights; linear address valid; final translation; the guest maps it writable (10) */
    assert_int_equal(x.qual, 0x581);
    assert_int_equal(guest_get(&t.g, VMCS_GUEST_PHYSICAL_ADDRESS), GUEST_DATA + 0x123);
    assert_int_equal(x.gla, GUEST_DATA + 0x123);
    assert_int_equal(x.rip, GUEST_CODE);
    assert_int_equal(x.len, 0);
    assert_int_equal(x.idt_info, 0);
    teardown(&t);
}

static void violation_on_a_write_to_a_read_only_page(void **state)
{
    (void)state;
    struct ept_guest t;
    setup(&t, false);
    assert_int_equal(ept_protect(&t.ept, GUEST_DATA, 4096, EPT_R), VMM_OK);
    assert_int_equal(run_code(&t.g, write_data, sizeof write_data), VMX_EXIT_EPT_VIOLATION);
    assert_int_equal(guest_exit_info(&t.g).qual, 0x58a); /* write; readable */
    assert_int_equal(guest_get(&t.g, VMCS_GUEST_PHYSICAL_ADDRESS), GUEST_DATA + 0x10);
    /* Reads of it still work. */
    assert_int_equal(run_code(&t.g, read_data, sizeof read_data), VMX_EXIT_CPUID);
    teardown(&t);
}

static void violation_on_a_fetch_from_a_non_executable_page(void **state)
{
    (void)state;
    struct ept_guest t;
    setup(&t, false);
    static const uint8_t nop = 0x90;
    guest_code(&t.g, &nop, 1);
    assert_int_equal(ept_protect(&t.ept, GUEST_CODE, 4096, EPT_R | EPT_W), VMM_OK);
    assert_int_equal(guest_run(&t.g), VMX_EXIT_EPT_VIOLATION);
    struct guest_exit x = guest_exit_info(&t.g);
    assert_int_equal(x.qual, 0x59c); /* fetch; readable and writable */
    assert_int_equal(guest_get(&t.g, VMCS_GUEST_PHYSICAL_ADDRESS), GUEST_CODE);
    assert_int_equal(x.gla, GUEST_CODE);
    assert_int_equal(x.rip, GUEST_CODE);
    teardown(&t);
}

static void violation_in_the_guest_page_walk(void **state)
{
    (void)state;
    struct ept_guest t;
    setup(&t, false);
    /* The guest's page directory (CR3 + 0x2000) is not mapped: the walk for the fetch fails. */
    assert_int_equal(ept_unmap(&t.ept, GUEST_CR3 + 0x2000, 4096), VMM_OK);
    assert_int_equal(guest_run(&t.g), VMX_EXIT_EPT_VIOLATION);
    struct guest_exit x = guest_exit_info(&t.g);
    assert_int_equal(x.qual, 0x81); /* a read of a paging-structure entry, linear address valid */
    assert_int_equal(guest_get(&t.g, VMCS_GUEST_PHYSICAL_ADDRESS),
                     GUEST_CR3 + 0x2000 + 8 * (GUEST_CODE >> 21));
    assert_int_equal(x.gla, GUEST_CODE);
    teardown(&t);
}

static void misconfiguration_of_a_write_only_entry(void **state)
{
    (void)state;
    struct ept_guest t;
    setup(&t, false);
    struct ept_mem mem;
    struct ept_walk_cfg cfg;
    struct ept_translation tr;
    ept_own_mem(&t.ept, &mem);
    ept_own_walk_cfg(&t.ept, false, &cfg);
    assert_int_equal(ept_translate(&cfg, &mem, GUEST_DATA, EPT_ACCESS_READ, &tr), VMM_OK);
    uint64_t *leaf = (uint64_t *)(sim_host_mem(t.g.f.sim) + tr.entry_hpa);
    *leaf = (*leaf & ~7ull) | EPTE_WRITE; /* write without read */
    sim_note_host_write(t.g.f.sim);
    assert_int_equal(run_code(&t.g, read_data, sizeof read_data), VMX_EXIT_EPT_MISCONFIG);
    struct guest_exit x = guest_exit_info(&t.g);
    assert_int_equal(x.qual, 0);
    assert_int_equal(guest_get(&t.g, VMCS_GUEST_PHYSICAL_ADDRESS), GUEST_DATA + 0x123);
    assert_int_equal(x.rip, GUEST_CODE);
    teardown(&t);
}

static void guest_page_fault_under_ept_has_the_exact_address(void **state)
{
    (void)state;
    struct ept_guest t;
    setup(&t, false);
    uint64_t zero = 0;
    guest_poke(&t.g, GUEST_CR3 + 0x2000 + 8 * 4, &zero, 8); /* guest: 0x800000 not present */
    guest_set(&t.g, VMCS_EXCEPTION_BITMAP, 1u << 14);
    static const uint8_t code[] = {0x48, 0x8b, 0x43, 0x08}; /* mov rax, [rbx+8] */
    t.g.gprs.rbx = 0x800ff8 + 0x100;
    assert_int_equal(run_code(&t.g, code, sizeof code), VMX_EXIT_EXCEPTION_NMI);
    struct guest_exit x = guest_exit_info(&t.g);
    assert_int_equal(x.intr_info, 0x80000b0e);
    assert_int_equal(x.intr_error, 0);
    assert_int_equal(x.qual, 0x801100);
    assert_int_equal(x.rip, GUEST_CODE);
    teardown(&t);
}

static void violation_while_delivering_reports_the_event(void **state)
{
    (void)state;
    struct ept_guest t;
    setup(&t, false);
    guest_gate_default(&t.g);
    assert_int_equal(ept_unmap(&t.ept, GUEST_IDT, 4096), VMM_OK);
    static const uint8_t ud2[] = {0x0f, 0x0b};
    assert_int_equal(run_code(&t.g, ud2, sizeof ud2), VMX_EXIT_EPT_VIOLATION);
    struct guest_exit x = guest_exit_info(&t.g);
    assert_int_equal(x.qual, 0x581);
    assert_int_equal(guest_get(&t.g, VMCS_GUEST_PHYSICAL_ADDRESS), GUEST_IDT + 6 * 16);
    assert_int_equal(x.gla, GUEST_IDT + 6 * 16);
    assert_int_equal(x.idt_info, 0x80000306);
    assert_int_equal(x.rip, GUEST_CODE);
    teardown(&t);
}

static void accessed_and_dirty_flags_follow_the_accesses(void **state)
{
    (void)state;
    struct ept_guest t;
    setup(&t, true);
    assert_int_equal(run_code(&t.g, write_data, sizeof write_data), VMX_EXIT_CPUID);
    struct ept_mem mem;
    struct ept_walk_cfg cfg;
    struct ept_translation tr;
    ept_own_mem(&t.ept, &mem);
    ept_own_walk_cfg(&t.ept, false, &cfg);
    cfg.ad = false; /* look without setting anything */
    assert_int_equal(ept_translate(&cfg, &mem, GUEST_DATA, EPT_ACCESS_READ, &tr), VMM_OK);
    assert_true(tr.entry & EPTE_ACCESSED);
    assert_true(tr.entry & EPTE_DIRTY);
    assert_int_equal(ept_translate(&cfg, &mem, 0xa00000, EPT_ACCESS_READ, &tr), VMM_OK);
    assert_false(tr.entry & EPTE_DIRTY);
    teardown(&t);
}

static void invept_makes_new_rights_visible(void **state)
{
    (void)state;
    struct ept_guest t;
    setup(&t, false);
    assert_int_equal(run_code(&t.g, read_data, sizeof read_data), VMX_EXIT_CPUID);
    assert_int_equal(ept_protect(&t.ept, GUEST_DATA, 4096, EPT_X), VMM_OK);
    struct vmx_status st = t.g.f.cpu->ops->invept(t.g.f.cpu, VMX_INVEPT_ALL, 0);
    assert_int_equal(st.outcome, VMX_SUCCEED);
    guest_set(&t.g, VMCS_GUEST_RIP, GUEST_CODE);
    assert_int_equal(guest_run(&t.g), VMX_EXIT_EPT_VIOLATION);
    assert_int_equal(guest_exit_info(&t.g).qual, 0x5a1); /* read; execute only */
    teardown(&t);
}

static void vmfunc_switches_to_an_eptp_from_the_list(void **state)
{
    (void)state;
    struct ept_guest t;
    setup(&t, false);
    struct guest *g = &t.g;
    struct ept other;
    assert_int_equal(ept_init(&other, g->f.cpu, sim_caps(g->f.sim), 4, false), VMM_OK);
    struct ept_attr rwx = {.perms = EPT_R | EPT_W | EPT_X, .memtype = EPT_MT_WB};
    assert_int_equal(ept_map(&other, 0, 0, GUEST_DATA, rwx), VMM_OK); /* not GUEST_DATA */
    struct vmm_host_page list;
    assert_int_equal(g->f.cpu->ops->alloc_page(g->f.cpu, &list), VMM_OK);
    uint64_t eptps[2] = {ept_eptp(&t.ept), ept_eptp(&other)};
    memcpy(list.hva, eptps, sizeof eptps);
    guest_ctl(g, VMM_CTL_PROC2, VMX_PROC2_ENABLE_VMFUNC, 0);
    guest_set(g, VMCS_VM_FUNCTION_CONTROL, VMX_VMFUNC_EPTP_SWITCHING);
    guest_set(g, VMCS_EPTP_LIST_ADDRESS, list.hpa);
    /* vmfunc; mov rax, [0x600123] */
    static const uint8_t code[] = {0x0f, 0x01, 0xd4, 0x48, 0x8b, 0x04, 0x25, 0x23, 0x01, 0x60, 0x00};
    g->gprs.rax = 0;
    g->gprs.rcx = 512;
    assert_int_equal(run_code(g, code, sizeof code), VMX_EXIT_VMFUNC);
    assert_int_equal(guest_exit_info(g).len, 3);
    g->gprs.rax = 1; /* not enabled */
    g->gprs.rcx = 1;
    assert_int_equal(run_code(g, code, sizeof code), VMX_EXIT_VMFUNC);
    g->gprs.rax = 0;
    assert_int_equal(run_code(g, code, sizeof code), VMX_EXIT_EPT_VIOLATION);
    assert_int_equal(guest_get(g, VMCS_EPT_POINTER), eptps[1]);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), GUEST_CODE + 3);
    sim_engine_destroy(t.g.eng);
    t.g.eng = NULL;
    assert_int_equal(ept_destroy(&other), VMM_OK);
    teardown(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identity_ept_runs_the_guest),
        cmocka_unit_test(violation_on_a_read_of_an_unmapped_page),
        cmocka_unit_test(violation_on_a_write_to_a_read_only_page),
        cmocka_unit_test(violation_on_a_fetch_from_a_non_executable_page),
        cmocka_unit_test(violation_in_the_guest_page_walk),
        cmocka_unit_test(misconfiguration_of_a_write_only_entry),
        cmocka_unit_test(guest_page_fault_under_ept_has_the_exact_address),
        cmocka_unit_test(violation_while_delivering_reports_the_event),
        cmocka_unit_test(accessed_and_dirty_flags_follow_the_accesses),
        cmocka_unit_test(invept_makes_new_rights_visible),
        cmocka_unit_test(vmfunc_switches_to_an_eptp_from_the_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
