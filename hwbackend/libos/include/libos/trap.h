/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CPU exceptions and interrupts in the library OS. All 256 vectors have
 * an entry (interrupts stay disabled: IF = 0, PICs masked); #DF, NMI and
 * #MC run on their own stacks (IST) so that a stack overflow is still
 * reported. An event a handler from libos_trap_set_handler() does not
 * take is unexpected: inside libos_catch() it returns to its caller;
 * inside a test it dumps the state and fails the test; anywhere else it
 * dumps the state and ends the run as failed.
 */
#ifndef LIBOS_TRAP_H
#define LIBOS_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* The stack frame of an exception, as the entry stubs build it. */
struct libos_trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code; /* error_code 0 when the CPU pushes none */
    uint64_t rip, cs, rflags, rsp, ss;
};

struct libos_fault {
    uint8_t vector;
    uint64_t error_code;
    uint64_t rip;
    uint64_t cr2; /* for #PF */
};

/*
 * A handler for one vector. It returns true when it handled the event:
 * execution resumes at f->rip (which it may change, e.g. past a faulting
 * instruction) with the frame's registers; false makes the event
 * unexpected.
 */
typedef bool (*libos_trap_handler)(struct libos_trap_frame *f);

/* Installs fn for vector; NULL removes it. */
void libos_trap_set_handler(uint8_t vector, libos_trap_handler fn);

/*
 * Runs fn(arg). Returns false when it returned normally, true when it
 * raised a CPU exception (fault, when non-NULL, says which); execution
 * then resumes here with the callee-saved registers and stack of the
 * call. Calls nest.
 */
bool libos_catch(void (*fn)(void *), void *arg, struct libos_fault *fault);

/* Prints vector, error code, RIP, CR2 and the GPRs. */
void libos_trap_dump(const struct libos_trap_frame *f);

/* The mnemonic of an exception vector ("#PF"), "INT" for vectors 32-255. */
const char *libos_trap_name(unsigned vector);

#endif
