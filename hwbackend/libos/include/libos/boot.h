/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the boot loader handed over (multiboot2: GRUB, or the project's
 * own disk boot sector which builds the same information) and how the
 * machine ends.
 */
#ifndef LIBOS_BOOT_H
#define LIBOS_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#define LIBOS_MB2_BOOT_MAGIC 0x36d76289u

/* The kernel command line ("" when none). */
const char *libos_cmdline(void);

/*
 * Ends the machine: Bochs' shutdown port 0x8900 ('D' = pass, "Shutdown"
 * = fail) when port 0xE9 is an emulator's debug console, QEMU's
 * isa-debug-exit (iobase 0xf4: exit status 33 on pass, 35 on fail) when
 * CPUID reports a hypervisor, then halts forever (real hardware).
 */
_Noreturn void libos_exit(bool pass);

#endif
