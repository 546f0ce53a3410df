/* SPDX-License-Identifier: Apache-2.0 */
/*
 * In-image tests. LIBOS_TEST(name) { ... } registers a test in the
 * `libos_tests` linker section; the runner executes every selected test,
 * prints `RUN <name>` before and `TEST <name>: PASS|FAIL|SKIP` after it, then `RESULT: PASS <n> tests` or
 * `RESULT: FAIL <k> of <n>`, and ends the machine (Bochs exit port,
 * QEMU isa-debug-exit, else halt).
 *
 * A test passes by returning. TEST_ASSERT*, test_fail() and test_skip()
 * end the test at once. A CPU exception inside a test prints a state dump
 * and fails that test; the run continues with the next test.
 *
 * Selection, from the kernel command line: `tests=a,b` runs exactly the
 * named tests in that order (an unknown name fails the run; `filter=` is
 * then ignored), `filter=prefix` runs the
 * tests whose names start with prefix; without either, all tests run
 * except those registered with LIBOS_TEST_EXPLICIT (which run only when
 * named in `tests=`, e.g. tests that must fail on purpose).
 */
#ifndef LIBOS_TEST_H
#define LIBOS_TEST_H

#include <stdint.h>

enum libos_test_flags {
    LIBOS_TEST_ONLY_BY_NAME = 1u << 0,
};

struct libos_test {
    const char *name;
    void (*fn)(void);
    unsigned flags;
};

#define LIBOS_TEST_WITH_FLAGS(name_, flags_)                                   \
    static void libos_test_fn_##name_(void);                                   \
    static const struct libos_test libos_test_##name_                          \
        __attribute__((used, section("libos_tests"), aligned(8))) = {          \
            #name_, libos_test_fn_##name_, (flags_)};                          \
    static void libos_test_fn_##name_(void)

#define LIBOS_TEST(name) LIBOS_TEST_WITH_FLAGS(name, 0)
#define LIBOS_TEST_EXPLICIT(name) LIBOS_TEST_WITH_FLAGS(name, LIBOS_TEST_ONLY_BY_NAME)

/* Ends the running test as failed / skipped; never returns. */
_Noreturn void test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void test_skip(const char *reason);

#define TEST_ASSERT(cond)                                                      \
    do {                                                                       \
        if (!(cond))                                                           \
            test_fail("%s:%d: assertion failed: %s", __FILE__, __LINE__,       \
                      #cond);                                                  \
    } while (0)

#define TEST_ASSERT_EQ(a, b)                                                   \
    do {                                                                       \
        unsigned long long libos_a_ = (unsigned long long)(a);                 \
        unsigned long long libos_b_ = (unsigned long long)(b);                 \
        if (libos_a_ != libos_b_)                                              \
            test_fail("%s:%d: %s == %s: 0x%llx != 0x%llx", __FILE__,           \
                      __LINE__, #a, #b, libos_a_, libos_b_);                   \
    } while (0)

#define TEST_ASSERT_NE(a, b)                                                   \
    do {                                                                       \
        unsigned long long libos_a_ = (unsigned long long)(a);                 \
        unsigned long long libos_b_ = (unsigned long long)(b);                 \
        if (libos_a_ == libos_b_)                                              \
            test_fail("%s:%d: %s != %s: both 0x%llx", __FILE__, __LINE__, #a,  \
                      #b, libos_a_);                                           \
    } while (0)

/* The test being run, or NULL outside the runner. */
const struct libos_test *libos_current_test(void);

#endif
