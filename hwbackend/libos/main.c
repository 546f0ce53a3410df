/* SPDX-License-Identifier: Apache-2.0 */
/* The library OS from its first C instruction to the end of the run. */
#include <stddef.h>

#include "libos/boot.h"
#include "libos/console.h"
#include "libos/cpu.h"
#include "libos_internal.h"

#define BOCHS_SHUTDOWN_PORT 0x8900
#define QEMU_DEBUG_EXIT_PORT 0xF4
#define QEMU_EXIT_PASS 0x10 /* QEMU exits with (value << 1) | 1 = 33 */
#define QEMU_EXIT_FAIL 0x11 /* 35 */

void libos_main(uint32_t magic, uint32_t info)
{
    libos_console_init();
    libos_cpu_tables_init();
    kputs("\nlibos: started\n");
    if (magic != LIBOS_MB2_BOOT_MAGIC) {
        kprintf("libos: not started by a multiboot2 loader (EAX 0x%x)\n", magic);
        libos_exit(false);
    }
    struct libos_boot_facts facts;
    if (libos_boot_parse(info, &facts) < 0) libos_exit(false);
    libos_mem_init(&facts);
    kprintf("libos: loader '%s', command line '%s'\n",
            facts.loader[0] ? facts.loader : "libos disk boot", libos_cmdline());
    kprintf("libos: kernel 0x%llx-0x%llx, memory top 0x%llx, %llu free pages\n",
            (unsigned long long)libos_kernel_start(), (unsigned long long)libos_kernel_end(),
            (unsigned long long)libos_mem_top(),
            (unsigned long long)libos_mem_free_pages());
    libos_run_tests(libos_cmdline());
}

static bool running_in_a_hypervisor(void)
{
    uint32_t ecx;
    cpuid(1, 0, NULL, NULL, &ecx, NULL);
    return ecx & (1u << 31);
}

/* The exit ports are written only where they mean "exit": Bochs (its
 * debug port answers) and a hypervisor (QEMU); a real machine halts. */
void libos_exit(bool pass)
{
    static const char fail_word[] = "Shutdown";
    libos_console_flush();
    if (libos_debug_port_present()) {
        if (pass) {
            outb(BOCHS_SHUTDOWN_PORT, 'D');
        } else {
            for (const char *c = fail_word; *c; c++) outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*c);
        }
    }
    if (running_in_a_hypervisor())
        outb(QEMU_DEBUG_EXIT_PORT, pass ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
    kputs("libos: halted\n");
    libos_console_flush();
    for (;;) {
        cpu_cli();
        cpu_hlt();
    }
}
