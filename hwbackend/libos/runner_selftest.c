/* SPDX-License-Identifier: Apache-2.0 */
/* Tests that fail or skip on purpose, to check that the runner reports
 * them and carries on (and, for deliberate_hang, that a hang times out).
 * They run only when named (tests=...). */
#include <stddef.h>

#include "libos/cpu.h"
#include "libos/test.h"
#include "libos/trap.h"

extern char libos_boot_stack_guard[];

LIBOS_TEST_EXPLICIT(deliberate_invalid_opcode)
{
    __asm__ volatile("ud2");
}

LIBOS_TEST_EXPLICIT(deliberate_page_fault)
{
    *(volatile char *)libos_boot_stack_guard = 1;
}

LIBOS_TEST_EXPLICIT(deliberate_assert_eq)
{
    TEST_ASSERT_EQ(1 + 1, 3);
}

LIBOS_TEST_EXPLICIT(deliberate_skip)
{
    test_skip("skipping on purpose");
}

LIBOS_TEST_EXPLICIT(deliberate_hang)
{
    for (;;) cpu_pause();
}

static bool fail_from_handler(struct libos_trap_frame *f)
{
    (void)f;
    libos_trap_set_handler(3, NULL);
    test_fail("failing from inside the #BP handler");
}

LIBOS_TEST_EXPLICIT(deliberate_fail_inside_trap_handler)
{
    libos_trap_set_handler(3, fail_from_handler);
    __asm__ volatile("int3");
}
