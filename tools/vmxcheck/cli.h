/* SPDX-License-Identifier: Apache-2.0 */
/* vmxcheck's command line, callable from tests with their own streams. */
#ifndef VMXCHECK_CLI_H
#define VMXCHECK_CLI_H

#include <stdio.h>

/*
 * Runs `vmxcheck ARGS...` (argv[0] is the program name) reading standard
 * input from `in` for "-", writing the report to `out` and diagnostics to
 * `err`. Returns the exit status: 0 valid, 1 invalid, 2 unreadable/usage.
 */
int vmxcheck_main(int argc, char **argv, FILE *in, FILE *out, FILE *err);

#endif /* VMXCHECK_CLI_H */
