/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every VM-entry verdict must satisfy, whatever the input: the
 * validator is deterministic, its first failure is the first of all
 * failures vmx_entry_check_all() lists (so it is among them), and the
 * verdict's outcome is the one the failing row's class names (VMfailValid
 * with the row's number, exit 33 with the row's qualification, exit 34
 * with a 1-based MSR-load entry index). A violation prints the details
 * and aborts, so a fuzzer reports it as a crash.
 */
#ifndef LIBVMM_FUZZ_ENTRY_INVARIANTS_H
#define LIBVMM_FUZZ_ENTRY_INVARIANTS_H

#include "vmm/entry.h"

/* Checks every invariant for `in`; returns its verdict (for further checks). */
struct vmx_entry_verdict entry_invariants_check(const struct vmx_entry_input *in,
                                                const char *who);

/*
 * The same with `thorough` false: one validation; the verdict's shape and
 * class. The second validation and the comparison with
 * vmx_entry_check_all() (for a success: that it lists no failure) are left
 * out (together over half of the cost).
 */
struct vmx_entry_verdict entry_invariants_check_depth(const struct vmx_entry_input *in,
                                                      const char *who, bool thorough);

/* Prints `what` and the verdict, then aborts. */
_Noreturn void entry_invariants_fail(const char *who, const char *what,
                                     const struct vmx_entry_verdict *v);

#endif
