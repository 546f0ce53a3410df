/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

char *testdata(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "tools/vmxcheck/testdata/%s", name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open test data %s\n", path);
        abort();
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        abort();
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

void parse_ok(const char *text, enum vmxdump_format format, struct vmxdump *d)
{
    struct vmxdump_error e;
    int rc = vmxdump_parse_as(text, strlen(text), format, d, &e);
    if (rc != 0)
        fail_msg("parse failed at line %u: %s", e.line, e.message);
}

void parse_file_ok(const char *name, enum vmxdump_format expect, struct vmxdump *d)
{
    size_t len;
    char *text = testdata(name, &len);
    struct vmxdump_error e;
    int rc = vmxdump_parse(text, len, d, &e);
    free(text);
    if (rc != 0)
        fail_msg("%s: parse failed at line %u: %s", name, e.line, e.message);
    if (d->format != expect)
        fail_msg("%s: read as %s, expected %s", name, vmxdump_format_name(d->format),
                 vmxdump_format_name(expect));
}

const char *parse_fails_at(const char *text, enum vmxdump_format format, unsigned line)
{
    static struct vmxdump d;
    static struct vmxdump_error e;
    int rc = vmxdump_parse_as(text, strlen(text), format, &d, &e);
    if (rc == 0)
        fail_msg("parse succeeded, expected an error on line %u", line);
    if (e.line != line)
        fail_msg("error on line %u (%s), expected line %u", e.line, e.message, line);
    if (!e.message[0])
        fail_msg("error without a message");
    return e.message;
}

uint64_t given_value(const struct vmxdump *d, enum vmcs_field_id id)
{
    if (!vmxdump_given(d, id))
        fail_msg("%s was not given by the dump", vmcs_field_name(id));
    return vmcs_get(&d->vmcs, id);
}
