/* SPDX-License-Identifier: Apache-2.0 */
/* In-image tests of exception handling: libos_catch reports the vector,
 * error code, RIP and CR2, nests, and survives a stack overflow (#DF on
 * its own stack). */
#include <stddef.h>

#include "libos/cpu.h"
#include "libos/test.h"
#include "libos/trap.h"

extern char libos_boot_stack_guard[];
extern char ud2_site[];

static void raise_invalid_opcode(void *arg)
{
    (void)arg;
    __asm__ volatile(".globl ud2_site\nud2_site: ud2");
}

static void return_normally(void *arg)
{
    *(int *)arg = 7;
}

static void read_byte(void *addr)
{
    (void)*(volatile char *)addr;
}

LIBOS_TEST(trap_catch_returns_false_when_nothing_faults)
{
    int x = 0;
    struct libos_fault f = {.vector = 0xff};
    TEST_ASSERT(!libos_catch(return_normally, &x, &f));
    TEST_ASSERT_EQ(x, 7);
    TEST_ASSERT_EQ(f.vector, 0xff);
}

LIBOS_TEST(trap_catch_reports_invalid_opcode)
{
    struct libos_fault f;
    TEST_ASSERT(libos_catch(raise_invalid_opcode, NULL, &f));
    TEST_ASSERT_EQ(f.vector, 6);
    TEST_ASSERT_EQ(f.rip, (uintptr_t)ud2_site);
}

LIBOS_TEST(trap_catch_reports_page_fault_address_and_error_code)
{
    struct libos_fault f;
    TEST_ASSERT(libos_catch(read_byte, libos_boot_stack_guard + 0x123, &f));
    TEST_ASSERT_EQ(f.vector, 14);
    TEST_ASSERT_EQ(f.error_code, 0); /* not present, read, supervisor */
    TEST_ASSERT_EQ(f.cr2, (uintptr_t)(libos_boot_stack_guard + 0x123));
}

LIBOS_TEST(trap_catch_reports_general_protection_for_non_canonical_address)
{
    struct libos_fault f;
    TEST_ASSERT(libos_catch(read_byte, (void *)0x8000000000000000ull, &f));
    TEST_ASSERT_EQ(f.vector, 13);
    TEST_ASSERT_EQ(f.error_code, 0);
}

static void catch_inner(void *arg)
{
    struct libos_fault *inner = arg;
    TEST_ASSERT(libos_catch(raise_invalid_opcode, NULL, inner));
    read_byte(libos_boot_stack_guard); /* faults to the outer catch */
}

LIBOS_TEST(trap_catch_nests)
{
    struct libos_fault inner = {0}, outer = {0};
    TEST_ASSERT(libos_catch(catch_inner, &inner, &outer));
    TEST_ASSERT_EQ(inner.vector, 6);
    TEST_ASSERT_EQ(outer.vector, 14);
}

static unsigned recurse(volatile unsigned depth)
{
    volatile char frame[512];
    if (depth > (1u << 30)) return 0; /* never: the stack ends long before */
    frame[0] = (char)depth;
    return recurse(depth + 1) + frame[0];
}

static void overflow_stack(void *arg)
{
    (void)arg;
    recurse(0);
}

LIBOS_TEST(trap_catch_survives_stack_overflow_as_double_fault)
{
    struct libos_fault f;
    TEST_ASSERT(libos_catch(overflow_stack, NULL, &f));
    /* The #PF on the guard page cannot push its frame there: #DF, on IST. */
    TEST_ASSERT_EQ(f.vector, 8);
    /* And the stack works again. */
    int x = 0;
    TEST_ASSERT(!libos_catch(return_normally, &x, NULL));
    TEST_ASSERT_EQ(x, 7);
}

LIBOS_TEST(cpu_tables_are_loaded_with_a_nonzero_task_register)
{
    struct libos_dtr gdtr, idtr;
    sgdt(&gdtr);
    sidt(&idtr);
    TEST_ASSERT_EQ(gdtr.base, libos_gdt_base());
    TEST_ASSERT_EQ(idtr.base, libos_idt_base());
    TEST_ASSERT_EQ(str(), LIBOS_SEL_TSS);
    TEST_ASSERT_EQ(read_cs(), LIBOS_SEL_CODE64);
    TEST_ASSERT_EQ(read_ss(), LIBOS_SEL_DATA);
    /* The TSS descriptor in the GDT points at the TSS. */
    const uint64_t *gdt = (const uint64_t *)(uintptr_t)gdtr.base;
    uint64_t lo = gdt[LIBOS_SEL_TSS / 8], hi = gdt[LIBOS_SEL_TSS / 8 + 1];
    uint64_t base = ((lo >> 16) & 0xFFFFFF) | (((lo >> 56) & 0xFF) << 24) | (hi << 32);
    TEST_ASSERT_EQ(base, libos_tss_base());
    TEST_ASSERT(read_cr0() & (1u << 5)); /* NE: VMXON needs it */
}

static unsigned handled_count;

static bool count_and_resume(struct libos_trap_frame *f)
{
    (void)f;
    handled_count++;
    return true;
}

static bool skip_ud2(struct libos_trap_frame *f)
{
    f->rip += 2;
    handled_count++;
    return true;
}

static void software_interrupt_0x41(void *arg)
{
    (void)arg;
    __asm__ volatile("int $0x41");
}

LIBOS_TEST(trap_handler_takes_software_interrupts_and_others_stay_unexpected)
{
    handled_count = 0;
    libos_trap_set_handler(0x40, count_and_resume);
    __asm__ volatile("int $0x40" ::: "memory");
    __asm__ volatile("int $0x40" ::: "memory");
    libos_trap_set_handler(0x40, NULL);
    TEST_ASSERT_EQ(handled_count, 2);
    struct libos_fault f;
    TEST_ASSERT(libos_catch(software_interrupt_0x41, NULL, &f));
    TEST_ASSERT_EQ(f.vector, 0x41);
}

LIBOS_TEST(trap_handler_can_resume_past_a_fault)
{
    handled_count = 0;
    libos_trap_set_handler(6, skip_ud2);
    __asm__ volatile("ud2" ::: "memory");
    libos_trap_set_handler(6, NULL);
    TEST_ASSERT_EQ(handled_count, 1);
    /* Removed again: #UD is unexpected once more. */
    struct libos_fault f;
    TEST_ASSERT(libos_catch(raise_invalid_opcode, NULL, &f));
    TEST_ASSERT_EQ(f.vector, 6);
}
