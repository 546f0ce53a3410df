/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What happens on a CPU exception: the innermost catch frame (a test, or
 * libos_catch) gets the fault and resumes at its setjmp point; with no
 * frame, the state is dumped and the run ends as failed.
 */
#include "libos/trap.h"

#include "libos/boot.h"
#include "libos/console.h"
#include "libos/cpu.h"
#include "libos_internal.h"

#define RESUME_STACK_GAP 256 /* below the frame's RSP, for the longjmp call */

static struct libos_catch_frame *catch_top;
static unsigned trap_depth;
static libos_trap_handler handlers[256];

void libos_trap_set_handler(uint8_t vector, libos_trap_handler fn)
{
    handlers[vector] = fn;
}

static const char *const trap_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
    "#DF", "#CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
    "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
    "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *libos_trap_name(unsigned vector)
{
    return vector < 32 ? trap_names[vector] : vector < 256 ? "INT" : "#??";
}

void libos_trap_dump(const struct libos_trap_frame *f)
{
    kprintf("EXCEPTION %s (vector %llu) error code 0x%llx\n",
            libos_trap_name((unsigned)f->vector), (unsigned long long)f->vector,
            (unsigned long long)f->error_code);
    kprintf("  RIP %016llx  CS %04llx  RFLAGS %016llx\n", (unsigned long long)f->rip,
            (unsigned long long)f->cs, (unsigned long long)f->rflags);
    kprintf("  RSP %016llx  SS %04llx  CR2 %016llx\n", (unsigned long long)f->rsp,
            (unsigned long long)f->ss, (unsigned long long)read_cr2());
    kprintf("  RAX %016llx  RBX %016llx  RCX %016llx  RDX %016llx\n",
            (unsigned long long)f->rax, (unsigned long long)f->rbx,
            (unsigned long long)f->rcx, (unsigned long long)f->rdx);
    kprintf("  RSI %016llx  RDI %016llx  RBP %016llx  R8  %016llx\n",
            (unsigned long long)f->rsi, (unsigned long long)f->rdi,
            (unsigned long long)f->rbp, (unsigned long long)f->r8);
    kprintf("  R9  %016llx  R10 %016llx  R11 %016llx  R12 %016llx\n",
            (unsigned long long)f->r9, (unsigned long long)f->r10,
            (unsigned long long)f->r11, (unsigned long long)f->r12);
    kprintf("  R13 %016llx  R14 %016llx  R15 %016llx\n", (unsigned long long)f->r13,
            (unsigned long long)f->r14, (unsigned long long)f->r15);
    kprintf("  CR0 %016llx  CR3 %016llx  CR4 %016llx\n", (unsigned long long)read_cr0(),
            (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

void libos_catch_push(struct libos_catch_frame *f, bool dump)
{
    f->outer = catch_top;
    f->dump = dump;
    f->faulted = false;
    catch_top = f;
}

void libos_catch_pop(struct libos_catch_frame *f)
{
    catch_top = f->outer;
}

/* A handler that left through test_fail (longjmp) never returned. */
void libos_trap_recovered(void)
{
    trap_depth = 0;
}

void libos_trap_handle(struct libos_trap_frame *f)
{
    if (++trap_depth > 1) {
        kprintf("EXCEPTION %s inside an exception handler\n",
                libos_trap_name((unsigned)f->vector));
        libos_trap_dump(f);
        libos_exit(false);
    }
    libos_trap_handler h = handlers[f->vector & 0xFF];
    if (h && h(f)) {
        trap_depth--;
        return;
    }
    struct libos_catch_frame *c = catch_top;
    if (!c || c->dump) libos_trap_dump(f);
    if (!c) {
        kputs("EXCEPTION outside any test: the run ends\n");
        libos_exit(false);
    }
    c->faulted = true;
    c->fault.vector = (uint8_t)f->vector;
    c->fault.error_code = f->error_code;
    c->fault.rip = f->rip;
    c->fault.cr2 = read_cr2();
    catch_top = c->outer;
    /* Return from the exception into libos_longjmp(&c->jmp, 1), on the
     * catcher's own stack (the faulting stack may be the broken thing). */
    f->rip = (uint64_t)(uintptr_t)libos_longjmp;
    f->rdi = (uint64_t)(uintptr_t)&c->jmp;
    f->rsi = 1;
    f->rsp = ((c->jmp.rsp - RESUME_STACK_GAP) & ~0xFull) - 8;
    f->cs = LIBOS_SEL_CODE64;
    f->ss = LIBOS_SEL_DATA;
    f->rflags = 0x2; /* IF = 0, like everywhere in the library OS */
    trap_depth--;
}

bool libos_catch(void (*fn)(void *), void *arg, struct libos_fault *fault)
{
    struct libos_catch_frame frame;
    libos_catch_push(&frame, false);
    if (libos_setjmp(&frame.jmp) == 0) {
        fn(arg);
        libos_catch_pop(&frame);
        return false;
    }
    if (fault) *fault = frame.fault;
    return true;
}

void libos_catch_unwind_to(struct libos_catch_frame *f)
{
    catch_top = f;
}
