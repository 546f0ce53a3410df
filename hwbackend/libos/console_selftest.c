/* SPDX-License-Identifier: Apache-2.0 */
/* In-image tests of the console and the formatter on the kernel ABI
 * (no SSE, no red zone: va_list handling differs from the host build). */
#include "libos/console.h"
#include "libos/string.h"
#include "libos/test.h"

LIBOS_TEST(console_prints_formatted_line)
{
    /* The Bochs rule checks that this exact line reaches the serial port. */
    kprintf("console check: %d %u %x %016llx %-4s| %c %p\n", -42, 42u, 0xbeefu,
            0xdeadbeefull, "ab", 'z', (void *)0x1000);
}

LIBOS_TEST(console_ksnprintf_formats_and_truncates)
{
    char buf[32];
    TEST_ASSERT_EQ(ksnprintf(buf, sizeof(buf), "%lu-%lx-%05d", 18446744073709551615ul,
                             0xabcul, -7),
                   30);
    TEST_ASSERT(strcmp(buf, "18446744073709551615-abc--0007") == 0);
    TEST_ASSERT_EQ(ksnprintf(buf, 4, "%s", "truncated"), 9);
    TEST_ASSERT(strcmp(buf, "tru") == 0);
}
