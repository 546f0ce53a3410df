/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers for vmxcheck's tests: test data, parsing with a clear failure message. */
#ifndef VMXCHECK_TESTUTIL_H
#define VMXCHECK_TESTUTIL_H

#include <stddef.h>

#include "dump.h"

/* The bytes of tools/vmxcheck/testdata/NAME (malloc'ed, NUL-terminated); aborts if missing. */
char *testdata(const char *name, size_t *len);

/* Parses a C string in `format`; fails the test with the parser's message on error. */
void parse_ok(const char *text, enum vmxdump_format format, struct vmxdump *d);

/* Parses a testdata file (format detected) and checks the detected format. */
void parse_file_ok(const char *name, enum vmxdump_format expect, struct vmxdump *d);

/* Expects a parse error on `line`; returns the message for further checks. */
const char *parse_fails_at(const char *text, enum vmxdump_format format, unsigned line);

/* The value of a field, failing the test if the dump did not give it. */
uint64_t given_value(const struct vmxdump *d, enum vmcs_field_id id);

#endif /* VMXCHECK_TESTUTIL_H */
