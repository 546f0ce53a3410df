/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The in-image test runner: selects tests from the command line, runs
 * each inside a catch frame (so that a failed assertion, a skip or a CPU
 * exception ends only that test), prints one line per test and the
 * result, and ends the machine.
 */
#include "libos/test.h"

#include "libos/boot.h"
#include "libos/console.h"
#include "libos/string.h"
#include "libos/trap.h"
#include "libos_internal.h"

enum outcome { OUTCOME_PASS = 0, OUTCOME_FAIL = 1, OUTCOME_SKIP = 2 };

extern const struct libos_test __start_libos_tests[], __stop_libos_tests[];

static const struct libos_test *current;
static struct libos_catch_frame *test_frame;

const struct libos_test *libos_current_test(void) { return current; }

_Noreturn static void end_test(enum outcome o)
{
    if (!test_frame) {
        kputs("libos: test_fail/test_skip outside a test\n");
        libos_exit(false);
    }
    libos_catch_unwind_to(test_frame->outer);
    libos_longjmp(&test_frame->jmp, (int)o);
}

void test_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kputs("  ");
    kvprintf(fmt, ap);
    kputc('\n');
    va_end(ap);
    end_test(OUTCOME_FAIL);
}

void test_skip(const char *reason)
{
    kprintf("  skipped: %s\n", reason);
    end_test(OUTCOME_SKIP);
}

struct tally {
    unsigned run, failed, skipped;
};

static const char *const outcome_names[] = {"PASS", "FAIL", "SKIP"};

static void run_one(const struct libos_test *t, struct tally *tally)
{
    struct libos_catch_frame frame;
    kprintf("RUN %s\n", t->name); /* names the test a hang or crash is in */
    current = t;
    test_frame = &frame;
    libos_catch_push(&frame, true);
    int o = libos_setjmp(&frame.jmp);
    if (o != 0) libos_trap_recovered();
    if (o == 0) {
        t->fn();
        libos_catch_pop(&frame);
    } else if (frame.faulted) {
        kprintf("  CPU exception %s in the test\n", libos_trap_name(frame.fault.vector));
        o = OUTCOME_FAIL;
    }
    test_frame = NULL;
    current = NULL;
    tally->run++;
    if (o == OUTCOME_FAIL) tally->failed++;
    if (o == OUTCOME_SKIP) tally->skipped++;
    kprintf("TEST %s: %s\n", t->name, outcome_names[o]);
}

static const struct libos_test *find(const char *name, unsigned len)
{
    for (const struct libos_test *t = __start_libos_tests; t < __stop_libos_tests; t++)
        if (strlen(t->name) == len && memcmp(t->name, name, len) == 0) return t;
    return NULL;
}

static void run_named(const char *name, unsigned len, void *ctx)
{
    struct tally *tally = ctx;
    const struct libos_test *t = find(name, len);
    if (t) {
        run_one(t, tally);
        return;
    }
    kprintf("TEST %.*s: FAIL (no such test)\n", (int)len, name);
    tally->run++;
    tally->failed++;
}

/* Two tests with one name would make `tests=` ambiguous. */
static bool names_are_unique(void)
{
    bool unique = true;
    for (const struct libos_test *a = __start_libos_tests; a < __stop_libos_tests; a++)
        for (const struct libos_test *b = a + 1; b < __stop_libos_tests; b++)
            if (strcmp(a->name, b->name) == 0) {
                kprintf("libos: two tests are named %s\n", a->name);
                unique = false;
            }
    return unique;
}

void libos_run_tests(const char *cmdline)
{
    struct tally tally = {0};
    if (!names_are_unique()) {
        kputs("RESULT: FAIL duplicate test names\n");
        libos_exit(false);
    }
    const char *list, *prefix = "";
    unsigned list_len, prefix_len = 0;
    if (libos_cmdline_value(cmdline, "tests", &list, &list_len)) {
        libos_list_each(list, list_len, run_named, &tally);
    } else {
        bool filtered = libos_cmdline_value(cmdline, "filter", &prefix, &prefix_len);
        for (const struct libos_test *t = __start_libos_tests; t < __stop_libos_tests; t++) {
            if (t->flags & LIBOS_TEST_ONLY_BY_NAME) continue;
            if (filtered && strncmp(t->name, prefix, prefix_len) != 0) continue;
            run_one(t, &tally);
        }
    }
    bool pass = tally.failed == 0 && tally.run > 0;
    if (tally.run == 0) kputs("libos: no test selected\n");
    if (pass)
        kprintf("RESULT: PASS %u tests (%u skipped)\n", tally.run, tally.skipped);
    else
        kprintf("RESULT: FAIL %u of %u\n", tally.failed, tally.run);
    libos_exit(pass);
}
