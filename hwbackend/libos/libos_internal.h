/* SPDX-License-Identifier: Apache-2.0 */
/* Interfaces between the library OS's own files (not for tests or the
 * VMX backend: they use include/libos/). */
#ifndef LIBOS_INTERNAL_H
#define LIBOS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "libos/mem.h"
#include "libos/trap.h"

/* main.c: called by boot.S in long mode with the boot loader's EAX/EBX. */
void libos_main(uint32_t magic, uint32_t info);

/* console.c */
void libos_console_init(void);
/* Whether port 0xE9 is an emulator's debug console (Bochs, QEMU). */
bool libos_debug_port_present(void);

/* cpu_tables.c: GDT with a 64-bit TSS, IDT for vectors 0-31. */
void libos_cpu_tables_init(void);

/* multiboot.c: what the boot information says. */
#define LIBOS_MAX_RAM_RANGES 32
struct libos_boot_facts {
    struct libos_mem_range ram[LIBOS_MAX_RAM_RANGES]; /* usable, as reported */
    unsigned ram_count;
    uint64_t info_start, info_end; /* the boot information itself */
    const char *loader;            /* boot loader name, "" when not given */
};
/* Returns 0, or -1 when the information is malformed (reason printed). */
int libos_boot_parse(uint64_t info, struct libos_boot_facts *facts);

/* mem.c */
void libos_mem_init(const struct libos_boot_facts *facts);

/* jump.S: non-local return, used by libos_catch and the test runner. */
struct libos_jmp {
    uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};
int libos_setjmp(struct libos_jmp *j) __attribute__((returns_twice));
_Noreturn void libos_longjmp(struct libos_jmp *j, int value);

/* trap.c: a frame that an exception (or test_fail) returns to. */
struct libos_catch_frame {
    struct libos_jmp jmp;
    struct libos_catch_frame *outer;
    bool dump;                  /* print the state of an exception */
    bool faulted;
    struct libos_fault fault;
};
void libos_catch_push(struct libos_catch_frame *f, bool dump);
void libos_catch_pop(struct libos_catch_frame *f);
/* Makes f the innermost frame again (drops frames a failed test left). */
void libos_catch_unwind_to(struct libos_catch_frame *f);
/* The run is back on a catch frame's stack: no handler is active. */
void libos_trap_recovered(void);
/* Called by the exception stubs (isr.S). */
struct libos_trap_frame;
void libos_trap_handle(struct libos_trap_frame *f);

/* test.c */
_Noreturn void libos_run_tests(const char *cmdline);

/* cmdline.c: `key=value` words of the kernel command line. */
/* Finds key's value; *len is its length (it ends at a space or NUL). */
bool libos_cmdline_value(const char *cmdline, const char *key,
                         const char **value, unsigned *len);
/* Calls fn for each comma-separated item of list[0..len). */
void libos_list_each(const char *list, unsigned len,
                     void (*fn)(const char *item, unsigned item_len, void *ctx),
                     void *ctx);

#endif
