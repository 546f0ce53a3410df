/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guests outside 64-bit mode: real mode (unrestricted guest, with EPT),
 * 32-bit protected mode without paging, with 32-bit paging (4 KiB and
 * 4 MiB pages) and with PAE paging (PDPTEs from the VMCS under EPT), and
 * compatibility mode. Each runs code that exits (CPUID, I/O, HLT, CR
 * access, EPT violation, #PF) and the test checks the state the exit
 * stores (segments with their hidden parts, CR0, RIP, RFLAGS, PDPTEs),
 * the decoding in the guest's code size (I/O operand sizes), mode switches
 * the guest makes itself, event delivery through the real-mode IVT and the
 * 32-bit IDT (injected and software interrupts, from CPL 3 through the
 * TSS), SYSENTER/SYSEXIT, task-switch exits, and a virtual-8086 guest
 * with its monitor.
 */
#include <string.h>

#include "testing/guest.h"
#include "vmm/ept.h"
#include "vmm/msr.h"

#define RAM (16ull << 20)
#define REAL_CS_BASE 0x20000ull /* not selector << 4: unrestricted guests may have any base */
#define REAL_IP 0x100ull
#define PM_CODE 0x801000ull
#define PD32 0x700000ull  /* 32-bit page directory */
#define PT32 0x701000ull  /* its page table for the first 4 MiB */
#define PDPT 0x702000ull  /* PAE: page-directory-pointer table in memory */
#define PD_A 0x703000ull  /* ... the directory memory's PDPTE 0 names */
#define PD_B 0x704000ull  /* ... the directory the VMCS's PDPTE 0 names */

struct mode_guest {
    struct guest g;
    struct ept ept;
    bool ept_on;
};

static const enum vmcs_field_id seg_sel[6] = {VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_CS_SELECTOR,
                                              VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_DS_SELECTOR,
                                              VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_GS_SELECTOR};
static const enum vmcs_field_id seg_base[6] = {VMCS_GUEST_ES_BASE, VMCS_GUEST_CS_BASE,
                                               VMCS_GUEST_SS_BASE, VMCS_GUEST_DS_BASE,
                                               VMCS_GUEST_FS_BASE, VMCS_GUEST_GS_BASE};
static const enum vmcs_field_id seg_limit[6] = {VMCS_GUEST_ES_LIMIT, VMCS_GUEST_CS_LIMIT,
                                                VMCS_GUEST_SS_LIMIT, VMCS_GUEST_DS_LIMIT,
                                                VMCS_GUEST_FS_LIMIT, VMCS_GUEST_GS_LIMIT};
static const enum vmcs_field_id seg_ar[6] = {VMCS_GUEST_ES_AR_BYTES, VMCS_GUEST_CS_AR_BYTES,
                                             VMCS_GUEST_SS_AR_BYTES, VMCS_GUEST_DS_AR_BYTES,
                                             VMCS_GUEST_FS_AR_BYTES, VMCS_GUEST_GS_AR_BYTES};
enum { ES, CS, SS, DS, FS, GS };

static void set_seg(struct guest *g, unsigned s, uint16_t sel, uint64_t base, uint32_t limit,
                    uint32_t ar)
{
    guest_set(g, seg_sel[s], sel);
    guest_set(g, seg_base[s], base);
    guest_set(g, seg_limit[s], limit);
    guest_set(g, seg_ar[s], ar);
}

static void assert_seg(struct guest *g, unsigned s, uint16_t sel, uint64_t base, uint32_t limit,
                       uint32_t ar)
{
    assert_int_equal(guest_get(g, seg_sel[s]), sel);
    assert_int_equal(guest_get(g, seg_base[s]), base);
    assert_int_equal(guest_get(g, seg_limit[s]), limit);
    assert_int_equal(guest_get(g, seg_ar[s]), ar);
}

static void poke32(struct guest *g, uint64_t gpa, uint32_t v)
{
    guest_poke(g, gpa, &v, 4);
}

static void poke64(struct guest *g, uint64_t gpa, uint64_t v)
{
    guest_poke(g, gpa, &v, 8);
}

static uint16_t peek16(struct guest *g, uint64_t gpa)
{
    uint16_t v;
    guest_peek(g, gpa, &v, 2);
    return v;
}

static uint32_t peek32(struct guest *g, uint64_t gpa)
{
    uint32_t v;
    guest_peek(g, gpa, &v, 4);
    return v;
}

static void setup(struct mode_guest *t, bool ept)
{
    memset(t, 0, sizeof *t);
    guest_setup(&t->g, "modern");
    struct guest *g = &t->g;
    /* 32-bit flat code 28H and data 30H beside the 64-bit ones. */
    poke64(g, GUEST_GDT + 0x28, 0x00cf9b000000ffffull);
    poke64(g, GUEST_GDT + 0x30, 0x00cf93000000ffffull);
    guest_set(g, VMCS_GUEST_GDTR_LIMIT, 0x37);
    t->ept_on = ept;
    if (!ept)
        return;
    assert_int_equal(ept_init(&t->ept, g->f.cpu, sim_caps(g->f.sim), 4, false), VMM_OK);
    struct ept_attr rwx = {.perms = EPT_R | EPT_W | EPT_X, .memtype = EPT_MT_WB};
    assert_int_equal(ept_map(&t->ept, 0, 0, RAM, rwx), VMM_OK);
    guest_set(g, VMCS_EPT_POINTER, ept_eptp(&t->ept));
    guest_ctl(g, VMM_CTL_PROC2, VMX_PROC2_ENABLE_EPT, 0);
}

static void teardown(struct mode_guest *t)
{
    sim_engine_destroy(t->g.eng);
    t->g.eng = NULL;
    if (t->ept_on)
        assert_int_equal(ept_destroy(&t->ept), VMM_OK);
    guest_teardown(&t->g);
}

/* Outside IA-32e mode: EFER 0, no "IA-32e mode guest". */
static void legacy(struct guest *g, uint64_t cr0, uint64_t cr3, uint64_t cr4)
{
    guest_ctl(g, VMM_CTL_ENTRY, 0, VMX_ENTRY_IA32E_MODE_GUEST);
    guest_set(g, VMCS_GUEST_IA32_EFER, 0);
    guest_set(g, VMCS_GUEST_CR0, cr0);
    guest_set(g, VMCS_GUEST_CR3, cr3);
    guest_set(g, VMCS_GUEST_CR4, cr4);
}

/* Real mode (CR0.PE = 0) under "unrestricted guest": CS F000H with base REAL_CS_BASE. */
static void real_mode(struct mode_guest *t)
{
    setup(t, true);
    struct guest *g = &t->g;
    guest_ctl(g, VMM_CTL_PROC2, VMX_PROC2_UNRESTRICTED_GUEST, 0);
    legacy(g, 0x30, 0, 0x2000);
    for (unsigned s = ES; s <= GS; s++)
        set_seg(g, s, 0, 0, 0xffff, 0x93);
    set_seg(g, CS, 0xf000, REAL_CS_BASE, 0xffff, 0x9b);
    guest_set(g, VMCS_GUEST_IDTR_BASE, 0);
    guest_set(g, VMCS_GUEST_IDTR_LIMIT, 0x3ff);
    guest_set(g, VMCS_GUEST_RIP, REAL_IP);
    guest_set(g, VMCS_GUEST_RFLAGS, 0x2);
}

static void real_code(struct guest *g, const void *code, size_t n)
{
    guest_poke(g, REAL_CS_BASE + REAL_IP, code, n);
}

/* 32-bit protected mode, flat CS 28H / data 30H, code at PM_CODE. */
static void prot32(struct guest *g, uint64_t cr0, uint64_t cr3, uint64_t cr4)
{
    legacy(g, cr0, cr3, cr4);
    for (unsigned s = ES; s <= GS; s++)
        set_seg(g, s, 0x30, 0, 0xffffffff, 0xc093);
    set_seg(g, CS, 0x28, 0, 0xffffffff, 0xc09b);
    guest_set(g, VMCS_GUEST_RIP, PM_CODE);
    guest_set(g, VMCS_GUEST_RSP, GUEST_STACK);
}

/*
 * 32-bit paging: the first 4 MiB through PT32 (identity, but linear
 * 123000H -> 600000H), 4 MiB pages for 8 MiB (identity) and 12 MiB (->
 * 8 MiB); 4 MiB - 8 MiB not present.
 */
static void tables32_with(struct guest *g, uint32_t user)
{
    poke32(g, PD32, (uint32_t)PT32 | 3 | user);
    for (uint32_t i = 0; i < 1024; i++)
        poke32(g, PT32 + 4 * i, i << 12 | 3 | user);
    poke32(g, PT32 + 4 * 0x123, 0x600000 | 3 | user);
    poke32(g, PD32 + 4 * 2, 0x800000 | 0x83 | user);
    poke32(g, PD32 + 4 * 3, 0x800000 | 0x83 | user);
}

static void tables32(struct guest *g)
{
    tables32_with(g, 0);
}

/* User code 38H and data 40H (32-bit, DPL 3) and user-accessible paging. */
static void user32(struct guest *g)
{
    poke64(g, GUEST_GDT + 0x38, 0x00cffb000000ffffull);
    poke64(g, GUEST_GDT + 0x40, 0x00cff3000000ffffull);
    guest_set(g, VMCS_GUEST_GDTR_LIMIT, 0x47);
    tables32_with(g, 4);
}

static const uint8_t real_exits[] = {
    0x0f, 0xa2,                         /* cpuid */
    0xb8, 0x45, 0x23, 0x8e, 0xd8,       /* mov ax, 0x2345; mov ds, ax */
    0xe6, 0x80,                         /* out 0x80, al */
    0xf4,                               /* hlt */
    0x66, 0xb8, 0x31, 0x00, 0x00, 0x00, /* mov eax, 0x31 */
    0x0f, 0x22, 0xc0,                   /* mov cr0, eax */
};

static void real_mode_guest_exits_and_stores_its_segments(void **state)
{
    (void)state;
    struct mode_guest t;
    real_mode(&t);
    struct guest *g = &t.g;
    guest_ctl(g, VMM_CTL_PROC, VMX_PROC_UNCOND_IO_EXITING, 0);
    guest_set(g, VMCS_CR0_GUEST_HOST_MASK, 1); /* PE belongs to the host */
    guest_set(g, VMCS_CR0_READ_SHADOW, 0);
    real_code(g, real_exits, sizeof real_exits);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    struct guest_exit x = guest_exit_info(g);
    assert_int_equal(x.rip, REAL_IP);
    assert_int_equal(x.len, 2);
    assert_seg(g, CS, 0xf000, REAL_CS_BASE, 0xffff, 0x9b);
    assert_int_equal(guest_get(g, VMCS_GUEST_CR0) & 1, 0);
    assert_int_equal(guest_get(g, VMCS_VM_ENTRY_CONTROLS) & VMX_ENTRY_IA32E_MODE_GUEST, 0);
    guest_skip(g);
    assert_int_equal(guest_run(g), VMX_EXIT_IO_INSTRUCTION);
    x = guest_exit_info(g);
    assert_int_equal(x.qual, 0x80ull << 16 | 1u << 6); /* port 80H, immediate, OUT, 1 byte */
    assert_int_equal(x.rip, REAL_IP + 7);
    /* MOV DS in real mode: base = selector << 4, limit and attributes kept. */
    assert_seg(g, DS, 0x2345, 0x23450, 0xffff, 0x93);
    guest_skip(g);
    assert_int_equal(guest_run(g), VMX_EXIT_HLT);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), REAL_IP + 9);
    guest_skip(g);
    assert_int_equal(guest_run(g), VMX_EXIT_CR_ACCESS);
    x = guest_exit_info(g);
    assert_int_equal(x.qual, 0); /* CR0, MOV to CR, EAX */
    assert_int_equal(x.rip, REAL_IP + 16);
    assert_int_equal(g->gprs.rax, 0x31);
    assert_int_equal(guest_get(g, VMCS_GUEST_RFLAGS), 0x2);
    teardown(&t);
}

static void real_mode_ept_violation_has_the_linear_address(void **state)
{
    (void)state;
    struct mode_guest t;
    real_mode(&t);
    struct guest *g = &t.g;
    assert_int_equal(ept_unmap(&t.ept, 0x90000, 4096), VMM_OK);
    static const uint8_t code[] = {
        0xb8, 0x00, 0x90, 0x8e, 0xc0, /* mov ax, 0x9000; mov es, ax */
        0x26, 0x8b, 0x1e, 0x23, 0x01, /* mov bx, es:[0x123] */
    };
    real_code(g, code, sizeof code);
    assert_int_equal(guest_run(g), VMX_EXIT_EPT_VIOLATION);
    struct guest_exit x = guest_exit_info(g);
    /* read; no rights; linear address valid; final; paging off: user, writable (9, 10) */
    assert_int_equal(x.qual, 0x781);
    assert_int_equal(guest_get(g, VMCS_GUEST_PHYSICAL_ADDRESS), 0x90123);
    assert_int_equal(x.gla, 0x90123);
    assert_int_equal(x.rip, REAL_IP + 5);
    assert_seg(g, ES, 0x9000, 0x90000, 0xffff, 0x93);
    /* Mapped again, the instruction completes. */
    struct ept_attr rwx = {.perms = EPT_R | EPT_W | EPT_X, .memtype = EPT_MT_WB};
    assert_int_equal(ept_map(&t.ept, 0x90000, 0x90000, 4096, rwx), VMM_OK);
    guest_poke(g, 0x90123, "\x34\x12\xf4", 3);
    guest_poke(g, REAL_CS_BASE + REAL_IP + sizeof code, "\xf4", 1);
    assert_int_equal(g->f.cpu->ops->invept(g->f.cpu, 2, 0).outcome, VMX_SUCCEED);
    assert_int_equal(guest_run(g), VMX_EXIT_HLT);
    assert_int_equal(g->gprs.rbx & 0xffff, 0x1234);
    teardown(&t);
}

static void legacy_les_and_bound_are_not_vex_or_evex(void **state)
{
    (void)state;
    struct mode_guest t;
    real_mode(&t);
    struct guest *g = &t.g;
    static const uint8_t code[] = {
        0xc4, 0x1e, 0x10, 0x00, /* les bx, [0x10] (C4: VEX in 64-bit mode) */
        0x62, 0x1e, 0x14, 0x00, /* bound bx, [0x14] (62: EVEX in 64-bit mode) */
        0x0f, 0xa2,             /* cpuid */
    };
    real_code(g, code, sizeof code);
    poke32(g, 0x10, 0x4321u << 16 | 0x0010); /* ES:BX = 4321:0010 */
    poke32(g, 0x14, 0x0020u << 16 | 0x0000); /* BX within [0, 20H] */
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), REAL_IP + 8);
    assert_int_equal(g->gprs.rbx & 0xffff, 0x10);
    assert_seg(g, ES, 0x4321, 0x43210, 0xffff, 0x93);
    teardown(&t);
}

static void real_mode_push_violation_names_the_stack_slot(void **state)
{
    (void)state;
    struct mode_guest t;
    real_mode(&t);
    struct guest *g = &t.g;
    assert_int_equal(ept_unmap(&t.ept, 0x91000, 4096), VMM_OK);
    set_seg(g, SS, 0x9100, 0x91000, 0xffff, 0x93);
    guest_set(g, VMCS_GUEST_RSP, 0xdead0010); /* a 16-bit stack uses SP only */
    real_code(g, "\x50", 1);                 /* push ax */
    assert_int_equal(guest_run(g), VMX_EXIT_EPT_VIOLATION);
    struct guest_exit x = guest_exit_info(g);
    assert_int_equal(x.qual, 0x782); /* write */
    assert_int_equal(x.gla, 0x9100e);
    assert_int_equal(guest_get(g, VMCS_GUEST_PHYSICAL_ADDRESS), 0x9100e);
    teardown(&t);
}

static void real_mode_guest_enters_protected_mode_itself(void **state)
{
    (void)state;
    struct mode_guest t;
    real_mode(&t);
    struct guest *g = &t.g;
    guest_ctl(g, VMM_CTL_PROC, VMX_PROC_UNCOND_IO_EXITING, 0);
    uint8_t code[] = {
        0x66, 0x0f, 0x01, 0x16, 0x00, 0x80,       /* lgdt [0x8000] (32-bit operand) */
        0x0f, 0x20, 0xc0, 0x0c, 0x01,             /* mov eax, cr0; or al, 1 */
        0x0f, 0x22, 0xc0,                         /* mov cr0, eax */
        0x66, 0xea, 0, 0, 0, 0, 0x28, 0x00,       /* jmp dword 0x28:pm32 */
        0x66, 0xb8, 0x30, 0x00, 0x8e, 0xd8,       /* pm32: mov ax, 0x30; mov ds, ax */
        0x66, 0xba, 0x34, 0x12, 0xef,             /* mov dx, 0x1234; out dx, eax */
        0x0f, 0xa2,                               /* cpuid */
    };
    uint32_t pm32 = (uint32_t)(REAL_CS_BASE + REAL_IP + 22);
    memcpy(code + 16, &pm32, 4);
    real_code(g, code, sizeof code);
    uint8_t gdtr[6] = {0x37, 0};
    uint32_t gdt = (uint32_t)GUEST_GDT;
    memcpy(gdtr + 2, &gdt, 4);
    guest_poke(g, 0x8000, gdtr, sizeof gdtr);
    assert_int_equal(guest_run(g), VMX_EXIT_IO_INSTRUCTION);
    /* OUT DX, EAX decoded as 32-bit code: 4 bytes, port in DX. */
    assert_int_equal(guest_get(g, VMCS_EXIT_QUALIFICATION), 0x1234ull << 16 | 3);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), pm32 + 10);
    assert_int_equal(guest_get(g, VMCS_GUEST_CR0) & 1, 1);
    assert_seg(g, CS, 0x28, 0, 0xffffffff, 0xc09b);
    assert_seg(g, DS, 0x30, 0, 0xffffffff, 0xc093);
    assert_int_equal(guest_get(g, VMCS_GUEST_GDTR_BASE), GUEST_GDT);
    guest_skip(g);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    teardown(&t);
}

static void prot32_guest_enters_long_mode_itself(void **state)
{
    (void)state;
    struct mode_guest t;
    setup(&t, true);
    struct guest *g = &t.g;
    guest_ctl(g, VMM_CTL_PROC2, VMX_PROC2_UNRESTRICTED_GUEST, 0);
    guest_ctl(g, VMM_CTL_PROC, VMX_PROC_UNCOND_IO_EXITING | VMX_PROC_USE_MSR_BITMAPS, 0);
    guest_set(g, VMCS_MSR_BITMAP, 0x710000); /* all zeros: RDMSR/WRMSR do not exit */
    prot32(g, 0x31, GUEST_CR3, 0x2000);    /* paging off; CR3 names the 4-level tables */
    uint8_t code[] = {
        0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x20, 0x0f, 0x22, 0xe0, /* CR4.PAE = 1 */
        0xb9, 0x80, 0x00, 0x00, 0xc0, 0x0f, 0x32,             /* rdmsr IA32_EFER */
        0x0d, 0x00, 0x01, 0x00, 0x00, 0x0f, 0x30,             /* EFER.LME = 1: wrmsr */
        0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80,       /* mov eax, cr0; or PG */
        0x0f, 0x22, 0xc0,                                     /* mov cr0, eax: IA-32e */
        0xea, 0, 0, 0, 0, 0x08, 0x00,                         /* jmp 0x08:long64 */
        0x66, 0xba, 0x34, 0x12, 0xef,                         /* long64: out dx, eax */
        0x0f, 0xa2,                                           /* cpuid */
    };
    uint32_t long64 = (uint32_t)PM_CODE + 41;
    memcpy(code + 35, &long64, 4);
    guest_poke(g, PM_CODE, code, sizeof code);
    assert_int_equal(guest_run(g), VMX_EXIT_IO_INSTRUCTION);
    assert_int_equal(guest_get(g, VMCS_EXIT_QUALIFICATION), 0x1234ull << 16 | 3);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), long64 + 4);
    assert_int_equal(guest_get(g, VMCS_GUEST_CR0), 0x80000031);
    assert_int_equal(guest_get(g, VMCS_GUEST_CR4), 0x2020);
    assert_int_equal(guest_get(g, VMCS_GUEST_IA32_EFER), VMM_EFER_LME | VMM_EFER_LMA);
    assert_true(guest_get(g, VMCS_VM_ENTRY_CONTROLS) & VMX_ENTRY_IA32E_MODE_GUEST);
    assert_int_equal(guest_get(g, VMCS_GUEST_CS_SELECTOR), 0x08);
    assert_int_equal(guest_get(g, VMCS_GUEST_CS_AR_BYTES), 0xa09b);
    /* The stored state enters again as a 64-bit guest. */
    guest_skip(g);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    teardown(&t);
}

static void prot32_guest_without_paging_applies_segment_bases(void **state)
{
    (void)state;
    struct mode_guest t;
    setup(&t, true);
    struct guest *g = &t.g;
    guest_ctl(g, VMM_CTL_PROC2, VMX_PROC2_UNRESTRICTED_GUEST, 0);
    guest_ctl(g, VMM_CTL_PROC, VMX_PROC_UNCOND_IO_EXITING, 0);
    prot32(g, 0x31, 0, 0x2000);
    /* DS based at 500000H: INS/OUTS report the linear address with it. */
    set_seg(g, DS, 0x30, 0x500000, 0xfffff, 0x4093);
    static const uint8_t code[] = {
        0xa1, 0x10, 0x00, 0x00, 0x00, /* mov eax, [0x10] */
        0xbe, 0x20, 0x00, 0x00, 0x00, /* mov esi, 0x20 */
        0x66, 0xba, 0x34, 0x12, 0x6f, /* mov dx, 0x1234; outsd */
    };
    guest_poke(g, PM_CODE, code, sizeof code);
    poke32(g, 0x500010, 0xcafef00d);
    assert_int_equal(guest_run(g), VMX_EXIT_IO_INSTRUCTION);
    struct guest_exit x = guest_exit_info(g);
    assert_int_equal(x.qual, 0x1234ull << 16 | 1u << 4 | 3); /* string, 4 bytes */
    assert_int_equal(x.gla, 0x500020);
    assert_int_equal(g->gprs.rax, 0xcafef00d);
    assert_int_equal(x.rip, PM_CODE + 14);
    assert_seg(g, DS, 0x30, 0x500000, 0xfffff, 0x4093);
    assert_int_equal(guest_get(g, VMCS_GUEST_CR0), 0x31);
    teardown(&t);
}

static const uint8_t paging_code[] = {
    0xa1, 0x10, 0x30, 0x12, 0x00,       /* mov eax, [0x123010] */
    0x8b, 0x1d, 0x10, 0x00, 0xc0, 0x00, /* mov ebx, [0xc00010] */
    0x0f, 0xa2,                         /* cpuid */
    0x8b, 0x0d, 0x00, 0x00, 0x40, 0x00, /* mov ecx, [0x400000] */
};

static void reloading_the_same_selector_takes_the_descriptor(void **state)
{
    (void)state;
    struct mode_guest t;
    setup(&t, false);
    struct guest *g = &t.g;
    prot32(g, 0x80000031, PD32, 0x2010);
    tables32(g);
    set_seg(g, DS, 0x30, 0x500000, 0xfffff, 0x4093); /* not what GDT slot 30H says */
    set_seg(g, ES, 0x30, 0x600000, 0xfffff, 0x4093);
    static const uint8_t code[] = {
        0x0f, 0xa2,             /* cpuid: the VMCS's hidden parts are kept */
        0x8c, 0xd8, 0x8e, 0xd8, /* mov ax, ds; mov ds, ax */
        0x06, 0x07,             /* push es; pop es */
        0x0f, 0xa2,             /* cpuid */
    };
    guest_poke(g, PM_CODE, code, sizeof code);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_seg(g, DS, 0x30, 0x500000, 0xfffff, 0x4093);
    assert_seg(g, ES, 0x30, 0x600000, 0xfffff, 0x4093);
    guest_skip(g);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_seg(g, DS, 0x30, 0, 0xffffffff, 0xc093);
    assert_seg(g, ES, 0x30, 0, 0xffffffff, 0xc093);
    teardown(&t);
}

static void paging32_run(bool ept)
{
    struct mode_guest t;
    setup(&t, ept);
    struct guest *g = &t.g;
    prot32(g, 0x80000031, PD32, 0x2010); /* PG, PE; PSE */
    tables32(g);
    guest_set(g, VMCS_EXCEPTION_BITMAP, 1u << VMX_VEC_PF);
    guest_poke(g, PM_CODE, paging_code, sizeof paging_code);
    poke32(g, 0x600010, 0x4444);   /* through the 4 KiB page */
    poke32(g, 0x800010, 0x8888);   /* through the 4 MiB page at 12 MiB */
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(g->gprs.rax, 0x4444);
    assert_int_equal(g->gprs.rbx, 0x8888);
    assert_int_equal(guest_get(g, VMCS_GUEST_CR0), 0x80000031);
    assert_int_equal(guest_get(g, VMCS_GUEST_CR3), PD32);
    assert_seg(g, CS, 0x28, 0, 0xffffffff, 0xc09b);
    guest_skip(g);
    assert_int_equal(guest_run(g), VMX_EXIT_EXCEPTION_NMI);
    struct guest_exit x = guest_exit_info(g);
    assert_int_equal(x.intr_info, 0x80000b0e);
    assert_int_equal(x.intr_error, 0);          /* not present, read, supervisor */
    assert_int_equal(x.qual, 0x400000);
    assert_int_equal(x.rip, PM_CODE + 13);
    teardown(&t);
}

static void paging32_guest_with_4k_and_4m_pages(void **state)
{
    (void)state;
    paging32_run(false); /* Unicorn walks */
    paging32_run(true);  /* the core's walker, then EPT */
}

static void pae_guest_uses_the_vmcs_pdptes_under_ept(void **state)
{
    (void)state;
    struct mode_guest t;
    setup(&t, true);
    struct guest *g = &t.g;
    prot32(g, 0x80000031, PDPT, 0x2020); /* PAE */
    guest_ctl(g, VMM_CTL_PROC, 0, VMX_PROC_CR3_LOAD_EXITING | VMX_PROC_CR3_STORE_EXITING);
    poke64(g, PDPT, PD_A | 1);
    for (uint64_t i = 0; i < 512; i++) {
        poke64(g, PD_A + 8 * i, i << 21 | 0x83);
        poke64(g, PD_B + 8 * i, i << 21 | 0x83);
    }
    poke64(g, PD_A + 8 * 6, 0x800000 | 0x83); /* linear 12 MiB -> 8 MiB */
    poke64(g, PD_B + 8 * 6, 0xa00000 | 0x83); /* ... -> 10 MiB */
    guest_set(g, VMCS_GUEST_PDPTR0, PD_B | 1);
    static const uint8_t code[] = {
        0x8b, 0x1d, 0x10, 0x00, 0xc0, 0x00, /* mov ebx, [0xc00010] */
        0x0f, 0xa2,                         /* cpuid */
        0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8, /* mov eax, cr3; mov cr3, eax: PDPTEs from memory */
        0x8b, 0x1d, 0x10, 0x00, 0xc0, 0x00, /* mov ebx, [0xc00010] */
        0x0f, 0xa2,                         /* cpuid */
    };
    guest_poke(g, PM_CODE, code, sizeof code);
    poke32(g, 0x800010, 0xaaaa);
    poke32(g, 0xa00010, 0xbbbb);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(g->gprs.rbx, 0xbbbb);
    assert_int_equal(guest_get(g, VMCS_GUEST_PDPTR0), PD_B | 1);
    guest_skip(g);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(g->gprs.rbx, 0xaaaa);
    assert_int_equal(guest_get(g, VMCS_GUEST_PDPTR0), PD_A | 1);
    assert_int_equal(guest_get(g, VMCS_GUEST_CR4), 0x2020);
    teardown(&t);
}

static void pae_pdpte_loads_fault_or_exit(void **state)
{
    (void)state;
    struct mode_guest t;
    setup(&t, true);
    struct guest *g = &t.g;
    prot32(g, 0x80000031, PDPT, 0x2020);
    guest_ctl(g, VMM_CTL_PROC, 0, VMX_PROC_CR3_LOAD_EXITING | VMX_PROC_CR3_STORE_EXITING);
    for (uint64_t i = 0; i < 512; i++)
        poke64(g, PD_A + 8 * i, i << 21 | 0x83);
    guest_set(g, VMCS_GUEST_PDPTR0, PD_A | 1);
    guest_set(g, VMCS_EXCEPTION_BITMAP, 1u << VMX_VEC_GP);
    static const uint8_t code[] = {0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8}; /* reload CR3 */
    guest_poke(g, PM_CODE, code, sizeof code);
    /* A present PDPTE with a reserved bit (2): #GP(0) at the MOV, CR3 unchanged. */
    poke64(g, PDPT, PD_A | 5);
    assert_int_equal(guest_run(g), VMX_EXIT_EXCEPTION_NMI);
    assert_int_equal(guest_get(g, VMCS_VM_EXIT_INTR_INFO), 0x80000b0d);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), PM_CODE + 3);
    /* The PDPT not mapped by EPT: an EPT violation without a linear address. */
    assert_int_equal(ept_unmap(&t.ept, PDPT, 4096), VMM_OK);
    assert_int_equal(guest_run(g), VMX_EXIT_EPT_VIOLATION);
    struct guest_exit x = guest_exit_info(g);
    assert_int_equal(x.qual, 1); /* a read; bits 7 and 8 clear */
    assert_int_equal(guest_get(g, VMCS_GUEST_PHYSICAL_ADDRESS), PDPT);
    assert_int_equal(x.gla, 0);
    assert_int_equal(x.rip, PM_CODE + 3);
    assert_int_equal(guest_get(g, VMCS_GUEST_PDPTR0), PD_A | 1);
    teardown(&t);
}

static void compatibility_mode_runs_32_bit_code(void **state)
{
    (void)state;
    struct mode_guest t;
    setup(&t, false);
    struct guest *g = &t.g;
    guest_ctl(g, VMM_CTL_PROC, VMX_PROC_UNCOND_IO_EXITING, 0);
    guest_set(g, VMCS_GUEST_CS_SELECTOR, 0x28);
    guest_set(g, VMCS_GUEST_CS_AR_BYTES, 0xc09b); /* L = 0, D = 1 */
    static const uint8_t code[] = {
        0x66, 0xba, 0x34, 0x12, 0xef, /* mov dx, 0x1234; out dx, eax */
        0x0f, 0xa2,                   /* cpuid */
    };
    guest_code(g, code, sizeof code);
    assert_int_equal(guest_run(g), VMX_EXIT_IO_INSTRUCTION);
    assert_int_equal(guest_get(g, VMCS_EXIT_QUALIFICATION), 0x1234ull << 16 | 3);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), GUEST_CODE + 4);
    assert_seg(g, CS, 0x28, 0, 0xffffffff, 0xc09b);
    assert_true(guest_get(g, VMCS_VM_ENTRY_CONTROLS) & VMX_ENTRY_IA32E_MODE_GUEST);
    guest_skip(g);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    /* Back to 64-bit code on the next entry (the VMM changed CS). */
    guest_set(g, VMCS_GUEST_CS_SELECTOR, 0x08);
    guest_set(g, VMCS_GUEST_CS_AR_BYTES, 0xa09b);
    guest_set(g, VMCS_GUEST_RIP, GUEST_CODE);
    static const uint8_t code64[] = {0x66, 0xba, 0x34, 0x12, 0x48, 0x0f, 0xa2};
    guest_code(g, code64, sizeof code64); /* 48 0F A2 is CPUID with REX.W: 64-bit decoding */
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), GUEST_CODE + 4);
    teardown(&t);
}

static void real_mode_events_go_through_the_ivt(void **state)
{
    (void)state;
    struct mode_guest t;
    real_mode(&t);
    struct guest *g = &t.g;
    poke32(g, 0x20 * 4, 0x2000u << 16 | 0x200); /* IVT: 20H -> 2000:0200, 21H -> 2000:0210 */
    poke32(g, 0x21 * 4, 0x2000u << 16 | 0x210);
    guest_poke(g, 0x20200, "\x0f\xa2", 2);
    guest_poke(g, 0x20210, "\x0f\xa2", 2);
    real_code(g, "\xcd\x21", 2); /* int 0x21 */
    guest_set(g, VMCS_GUEST_RFLAGS, 0x202);
    guest_set(g, VMCS_GUEST_RSP, 0x7000);
    /* An injected external interrupt, delivered before the first instruction. */
    guest_set(g, VMCS_VM_ENTRY_INTR_INFO_FIELD, VMX_INTR_VALID | 0x20);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), 0x200);
    assert_seg(g, CS, 0x2000, 0x20000, 0xffff, 0x9b);
    assert_int_equal(guest_get(g, VMCS_GUEST_RFLAGS), 0x2); /* IF cleared */
    assert_int_equal(guest_get(g, VMCS_GUEST_RSP), 0x7000 - 6);
    assert_int_equal(peek16(g, 0x7000 - 6), REAL_IP);
    assert_int_equal(peek16(g, 0x7000 - 4), 0xf000);
    assert_int_equal(peek16(g, 0x7000 - 2), 0x202);
    /* INT 21H from the guest: the return address is past the instruction. */
    set_seg(g, CS, 0xf000, REAL_CS_BASE, 0xffff, 0x9b);
    guest_set(g, VMCS_GUEST_RIP, REAL_IP);
    guest_set(g, VMCS_GUEST_RSP, 0x7000);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), 0x210);
    assert_int_equal(peek16(g, 0x7000 - 6), REAL_IP + 2);
    /* #DE raised by Unicorn (a fault): the return address is the DIV itself. */
    poke32(g, 0, 0x2000u << 16 | 0x220);
    guest_poke(g, 0x20220, "\x0f\xa2", 2);
    real_code(g, "\x31\xc9\xf7\xf1", 4); /* xor cx, cx; div cx */
    set_seg(g, CS, 0xf000, REAL_CS_BASE, 0xffff, 0x9b);
    guest_set(g, VMCS_GUEST_RIP, REAL_IP);
    guest_set(g, VMCS_GUEST_RSP, 0x7000);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), 0x220);
    assert_int_equal(peek16(g, 0x7000 - 6), REAL_IP + 2);
    assert_int_equal(peek16(g, 0x7000 - 4), 0xf000);
    /* With #DE in the exception bitmap it exits instead, RIP at the DIV. */
    guest_set(g, VMCS_EXCEPTION_BITMAP, 1u << VMX_VEC_DE);
    set_seg(g, CS, 0xf000, REAL_CS_BASE, 0xffff, 0x9b);
    guest_set(g, VMCS_GUEST_RIP, REAL_IP);
    assert_int_equal(guest_run(g), VMX_EXIT_EXCEPTION_NMI);
    assert_int_equal(guest_get(g, VMCS_VM_EXIT_INTR_INFO), 0x80000300);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), REAL_IP + 2);
    teardown(&t);
}

static void real_mode_ivt_read_under_ept_reports_the_event(void **state)
{
    (void)state;
    struct mode_guest t;
    real_mode(&t);
    struct guest *g = &t.g;
    assert_int_equal(ept_unmap(&t.ept, 0, 4096), VMM_OK); /* the IVT's page */
    real_code(g, "\x0f\xa2", 2);
    guest_set(g, VMCS_GUEST_RFLAGS, 0x202);
    guest_set(g, VMCS_VM_ENTRY_INTR_INFO_FIELD, VMX_INTR_VALID | 0x20);
    assert_int_equal(guest_run(g), VMX_EXIT_EPT_VIOLATION);
    struct guest_exit x = guest_exit_info(g);
    assert_int_equal(x.qual, 0x781);
    assert_int_equal(x.gla, 0x20 * 4);
    assert_int_equal(guest_get(g, VMCS_GUEST_PHYSICAL_ADDRESS), 0x20 * 4);
    assert_int_equal(x.idt_info, VMX_INTR_VALID | 0x20); /* the external interrupt */
    assert_int_equal(x.rip, REAL_IP);
    teardown(&t);
}

/* A 32-bit gate for `vector` to `handler` (type 0xe interrupt, 0xf trap), code selector 28H. */
static void gate32(struct guest *g, unsigned vector, uint32_t handler, unsigned type)
{
    uint64_t d = (handler & 0xffffu) | 0x28u << 16 | (uint64_t)(0x80 | type) << 40 |
                 (uint64_t)(handler >> 16) << 48;
    poke64(g, GUEST_IDT + 8ull * vector, d);
}

static void prot32_events_go_through_32_bit_gates(void **state)
{
    (void)state;
    struct mode_guest t;
    setup(&t, false);
    struct guest *g = &t.g;
    prot32(g, 0x80000031, PD32, 0x2010);
    tables32(g);
    gate32(g, VMX_VEC_GP, 0x802000, 0xe);
    gate32(g, 0x30, 0x802010, 0xf);
    guest_poke(g, 0x802000, "\x0f\xa2", 2);
    guest_poke(g, 0x802010, "\x0f\xa2", 2);
    guest_poke(g, PM_CODE, "\xcd\x30", 2); /* int 0x30 */
    guest_set(g, VMCS_GUEST_IDTR_LIMIT, 0x7ff);
    guest_set(g, VMCS_GUEST_RFLAGS, 0x202);
    /* Injected #GP(1234H) through an interrupt gate: IF cleared, error code pushed. */
    guest_set(g, VMCS_VM_ENTRY_INTR_INFO_FIELD, 0x80000b0d);
    guest_set(g, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE, 0x1234);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), 0x802000);
    assert_int_equal(guest_get(g, VMCS_GUEST_RFLAGS), 0x2);
    uint64_t esp = GUEST_STACK - 16;
    assert_int_equal(guest_get(g, VMCS_GUEST_RSP), esp);
    assert_int_equal(peek32(g, esp), 0x1234);
    assert_int_equal(peek32(g, esp + 4), PM_CODE);
    assert_int_equal(peek32(g, esp + 8), 0x28);
    assert_int_equal(peek32(g, esp + 12), 0x202);
    assert_seg(g, CS, 0x28, 0, 0xffffffff, 0xc09b);
    /* INT 30H through a trap gate: IF stays, no error code, return past the INT. */
    guest_set(g, VMCS_GUEST_RIP, PM_CODE);
    guest_set(g, VMCS_GUEST_RSP, GUEST_STACK);
    guest_set(g, VMCS_GUEST_RFLAGS, 0x202);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), 0x802010);
    assert_int_equal(guest_get(g, VMCS_GUEST_RFLAGS), 0x202);
    assert_int_equal(guest_get(g, VMCS_GUEST_RSP), GUEST_STACK - 12);
    assert_int_equal(peek32(g, GUEST_STACK - 12), PM_CODE + 2);
    /* INT 31H through a 16-bit interrupt gate: 16-bit IP, CS, FLAGS. */
    gate32(g, 0x31, 0x9000, 0x6);
    guest_poke(g, 0x9000, "\x0f\xa2", 2);
    guest_poke(g, PM_CODE, "\xcd\x31", 2);
    guest_set(g, VMCS_GUEST_RIP, PM_CODE);
    guest_set(g, VMCS_GUEST_RSP, GUEST_STACK);
    guest_set(g, VMCS_GUEST_RFLAGS, 0x202);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), 0x9000);
    assert_int_equal(guest_get(g, VMCS_GUEST_RFLAGS), 0x2);
    assert_int_equal(guest_get(g, VMCS_GUEST_RSP), GUEST_STACK - 6);
    assert_int_equal(peek16(g, GUEST_STACK - 6), (uint16_t)(PM_CODE + 2));
    assert_int_equal(peek16(g, GUEST_STACK - 4), 0x28);
    assert_int_equal(peek16(g, GUEST_STACK - 2), 0x202);
    teardown(&t);
}

static void prot32_delivery_from_cpl3_takes_the_tss_stack(void **state)
{
    (void)state;
    struct mode_guest t;
    setup(&t, false);
    struct guest *g = &t.g;
    prot32(g, 0x80000031, PD32, 0x2010);
    user32(g);
    for (unsigned s = ES; s <= GS; s++)
        set_seg(g, s, 0x43, 0, 0xffffffff, 0xc0f3);
    set_seg(g, CS, 0x3b, 0, 0xffffffff, 0xc0fb);
    poke32(g, GUEST_TSS + 4, 0x9000); /* ESP0 */
    poke32(g, GUEST_TSS + 8, 0x30);   /* SS0 */
    gate32(g, 0x20, 0x802000, 0xe);
    guest_poke(g, 0x802000, "\x0f\xa2", 2);
    guest_poke(g, PM_CODE, "\x90", 1);
    guest_set(g, VMCS_GUEST_IDTR_LIMIT, 0x7ff);
    guest_set(g, VMCS_GUEST_RFLAGS, 0x202);
    guest_set(g, VMCS_VM_ENTRY_INTR_INFO_FIELD, VMX_INTR_VALID | 0x20);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), 0x802000);
    assert_seg(g, CS, 0x28, 0, 0xffffffff, 0xc09b);
    assert_seg(g, SS, 0x30, 0, 0xffffffff, 0xc093);
    uint64_t esp = 0x9000 - 20;
    assert_int_equal(guest_get(g, VMCS_GUEST_RSP), esp);
    assert_int_equal(peek32(g, esp), PM_CODE);
    assert_int_equal(peek32(g, esp + 4), 0x3b);
    assert_int_equal(peek32(g, esp + 8), 0x202);
    assert_int_equal(peek32(g, esp + 12), GUEST_STACK);
    assert_int_equal(peek32(g, esp + 16), 0x43);
    teardown(&t);
}

static void sysexit_and_sysenter_switch_privilege_levels(void **state)
{
    (void)state;
    struct mode_guest t;
    setup(&t, false);
    struct guest *g = &t.g;
    prot32(g, 0x80000031, PD32, 0x2010);
    user32(g);
    guest_set(g, VMCS_GUEST_SYSENTER_CS, 0x28);
    guest_set(g, VMCS_GUEST_SYSENTER_ESP, 0x9000);
    guest_set(g, VMCS_GUEST_SYSENTER_EIP, 0x802000);
    uint8_t kernel[] = {
        0xb9, 0, 0, 0, 0, /* mov ecx, GUEST_STACK */
        0xba, 0, 0, 0, 0, /* mov edx, PM_CODE + 0x100 */
        0x0f, 0x35,       /* sysexit */
    };
    uint32_t stack = (uint32_t)GUEST_STACK, user = (uint32_t)PM_CODE + 0x100;
    memcpy(kernel + 1, &stack, 4);
    memcpy(kernel + 6, &user, 4);
    guest_poke(g, PM_CODE, kernel, sizeof kernel);
    guest_poke(g, PM_CODE + 0x100, "\x0f\xa2\x0f\x34", 4); /* cpuid; sysenter */
    guest_poke(g, 0x802000, "\x0f\xa2", 2);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), user);
    assert_int_equal(guest_get(g, VMCS_GUEST_RSP), GUEST_STACK);
    assert_seg(g, CS, 0x3b, 0, 0xffffffff, 0xc0fb);
    assert_seg(g, SS, 0x43, 0, 0xffffffff, 0xc0f3);
    guest_skip(g);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), 0x802000);
    assert_int_equal(guest_get(g, VMCS_GUEST_RSP), 0x9000);
    assert_seg(g, CS, 0x28, 0, 0xffffffff, 0xc09b);
    assert_seg(g, SS, 0x30, 0, 0xffffffff, 0xc093);
    teardown(&t);
}

static void task_switches_exit_with_their_source(void **state)
{
    (void)state;
    struct mode_guest t;
    setup(&t, false);
    struct guest *g = &t.g;
    prot32(g, 0x80000031, PD32, 0x2010);
    tables32(g);
    uint64_t tss = 0x300100; /* an available 32-bit TSS, selector 48H */
    poke64(g, GUEST_GDT + 0x48, 0x67 | (tss & 0xffffff) << 16 | 0x89ull << 40);
    guest_set(g, VMCS_GUEST_GDTR_LIMIT, 0x4f);
    poke64(g, GUEST_IDT + 8 * 0x40, 0x48ull << 16 | 0x85ull << 40); /* task gate */
    guest_set(g, VMCS_GUEST_IDTR_LIMIT, 0x7ff);
    static const uint8_t code[] = {
        0xea, 0, 0, 0, 0, 0x48, 0x00, /* jmp 0x48:0 */
        0xcd, 0x40,                   /* int 0x40 */
        0xcf,                         /* iret (NT = 1) */
    };
    guest_poke(g, PM_CODE, code, sizeof code);
    assert_int_equal(guest_run(g), VMX_EXIT_TASK_SWITCH);
    struct guest_exit x = guest_exit_info(g);
    assert_int_equal(x.qual, 0x48 | 2ull << 30); /* JMP */
    assert_int_equal(x.rip, PM_CODE);
    assert_int_equal(x.len, 7);
    guest_skip(g);
    assert_int_equal(guest_run(g), VMX_EXIT_TASK_SWITCH);
    x = guest_exit_info(g);
    assert_int_equal(x.qual, 0x48 | 3ull << 30); /* task gate in the IDT */
    assert_int_equal(x.idt_info, VMX_INTR_VALID | (uint32_t)VMX_EVENT_SW_INTR << 8 | 0x40);
    assert_int_equal(x.len, 2);
    assert_int_equal(x.rip, PM_CODE + 7);
    poke32(g, GUEST_TSS, 0x48); /* previous-task link */
    guest_set(g, VMCS_GUEST_RIP, PM_CODE + 9);
    guest_set(g, VMCS_GUEST_RFLAGS, 0x4002);
    assert_int_equal(guest_run(g), VMX_EXIT_TASK_SWITCH);
    x = guest_exit_info(g);
    assert_int_equal(x.qual, 0x48 | 1ull << 30); /* IRET */
    assert_int_equal(x.rip, PM_CODE + 9);
    teardown(&t);
}

static void virtual_8086_guest_faults_to_its_monitor_and_returns(void **state)
{
    (void)state;
    struct mode_guest t;
    setup(&t, false);
    struct guest *g = &t.g;
    prot32(g, 0x80000031, PD32, 0x2010);
    user32(g);
    for (unsigned s = ES; s <= GS; s++)
        set_seg(g, s, 0x1000, 0x10000, 0xffff, 0xf3);
    guest_set(g, VMCS_GUEST_RIP, 0x100);
    guest_set(g, VMCS_GUEST_RSP, 0x800);
    guest_set(g, VMCS_GUEST_RFLAGS, 0x20202); /* VM, IF; IOPL 0 */
    poke32(g, GUEST_TSS + 4, 0x9000);
    poke32(g, GUEST_TSS + 8, 0x30);
    gate32(g, VMX_VEC_GP, 0x802000, 0xe);
    guest_set(g, VMCS_GUEST_IDTR_LIMIT, 0x7ff);
    guest_poke(g, 0x10100, "\x0f\xa2\xcd\x30\x0f\xa2", 6); /* cpuid; int 0x30; cpuid */
    static const uint8_t monitor[] = {
        0x0f, 0xa2,                   /* cpuid */
        0x83, 0xc4, 0x04,             /* add esp, 4: the error code */
        0x83, 0x04, 0x24, 0x02,       /* add dword [esp], 2: past the INT */
        0xcf,                         /* iret: back to virtual-8086 mode */
    };
    guest_poke(g, 0x802000, monitor, sizeof monitor);
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), 0x100);
    assert_int_equal(guest_get(g, VMCS_GUEST_RFLAGS), 0x20202);
    assert_seg(g, CS, 0x1000, 0x10000, 0xffff, 0xf3);
    guest_skip(g);
    /* INT n at IOPL 0 is #GP(0), delivered to CPL 0 with the virtual-8086 frame. */
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), 0x802000);
    assert_int_equal(guest_get(g, VMCS_GUEST_RFLAGS), 0x2);
    assert_seg(g, CS, 0x28, 0, 0xffffffff, 0xc09b);
    assert_seg(g, SS, 0x30, 0, 0xffffffff, 0xc093);
    assert_int_equal(guest_get(g, VMCS_GUEST_DS_AR_BYTES), 0x10000);
    uint64_t esp = 0x9000 - 40;
    assert_int_equal(guest_get(g, VMCS_GUEST_RSP), esp);
    static const uint32_t frame[10] = {0, 0x102, 0x1000, 0x30202, 0x800,
                                       0x1000, 0x1000, 0x1000, 0x1000, 0x1000};
    for (unsigned i = 0; i < 10; i++)
        assert_int_equal(peek32(g, esp + 4 * i), frame[i]);
    guest_skip(g);
    /* The monitor's IRET (Unicorn's) returns to virtual-8086 mode past the INT. */
    assert_int_equal(guest_run(g), VMX_EXIT_CPUID);
    assert_int_equal(guest_get(g, VMCS_GUEST_RIP), 0x104);
    assert_true(guest_get(g, VMCS_GUEST_RFLAGS) & (1u << 17));
    assert_seg(g, CS, 0x1000, 0x10000, 0xffff, 0xf3);
    assert_seg(g, DS, 0x1000, 0x10000, 0xffff, 0xf3);
    assert_int_equal(guest_get(g, VMCS_GUEST_RSP), 0x800);
    teardown(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_mode_guest_exits_and_stores_its_segments),
        cmocka_unit_test(real_mode_ept_violation_has_the_linear_address),
        cmocka_unit_test(legacy_les_and_bound_are_not_vex_or_evex),
        cmocka_unit_test(real_mode_push_violation_names_the_stack_slot),
        cmocka_unit_test(real_mode_guest_enters_protected_mode_itself),
        cmocka_unit_test(prot32_guest_without_paging_applies_segment_bases),
        cmocka_unit_test(prot32_guest_enters_long_mode_itself),
        cmocka_unit_test(reloading_the_same_selector_takes_the_descriptor),
        cmocka_unit_test(paging32_guest_with_4k_and_4m_pages),
        cmocka_unit_test(pae_guest_uses_the_vmcs_pdptes_under_ept),
        cmocka_unit_test(pae_pdpte_loads_fault_or_exit),
        cmocka_unit_test(compatibility_mode_runs_32_bit_code),
        cmocka_unit_test(real_mode_events_go_through_the_ivt),
        cmocka_unit_test(real_mode_ivt_read_under_ept_reports_the_event),
        cmocka_unit_test(prot32_events_go_through_32_bit_gates),
        cmocka_unit_test(prot32_delivery_from_cpl3_takes_the_tss_stack),
        cmocka_unit_test(sysexit_and_sysenter_switch_privilege_levels),
        cmocka_unit_test(task_switches_exit_with_their_source),
        cmocka_unit_test(virtual_8086_guest_faults_to_its_monitor_and_returns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
