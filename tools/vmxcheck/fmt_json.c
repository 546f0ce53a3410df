/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON input: either a flat object of VMCS field names (the table's names,
 * any case, "_HIGH" for the upper half) to values, or the report that
 * `vmxcheck --json` prints, whose "fields" member is such an object:
 *
 *   {"GUEST_RIP": "0xfff0", "guest_cr0": 96, "VM_ENTRY_CONTROLS": "0x11ff"}
 *
 * Values are non-negative integers or strings holding "0x..." hex or
 * decimal; null and "unavailable" mean the field is absent. Besides
 * fields, "stated" ({"instruction", "vm_instruction_error", "exit_reason",
 * "exit_qualification"}), "msr_lists" ({"entry_load": [{"slot",
 * "index", "reserved", "value"}], "exit_store": ..., "exit_load": ...})
 * and "capability_hints" ({"proc": {"allowed0", "allowed1"}, ...}) are read. A recursive-descent reader with a depth limit; no allocation.
 */
#include <stdio.h>
#include <string.h>

#include "parse_util.h"
#include "vmm/types.h"

#define MAX_DEPTH 32

struct jp {
    const char *p;
    size_t n, i;
    unsigned line;
    struct vmxdump *d;
    struct vmxdump_error *err;
    int depth;
};

static int fail(struct jp *j, const char *what)
{
    return dump_fail(j->err, j->line, "JSON: %s", what);
}

static void skip_ws(struct jp *j)
{
    while (j->i < j->n) {
        char c = j->p[j->i];
        if (c == '\n')
            j->line++;
        else if (c != ' ' && c != '\t' && c != '\r')
            return;
        j->i++;
    }
}

static bool peek(struct jp *j, char c)
{
    skip_ws(j);
    return j->i < j->n && j->p[j->i] == c;
}

static bool eat(struct jp *j, char c)
{
    if (!peek(j, c))
        return false;
    j->i++;
    return true;
}

/* A string into buf (truncated to cap - 1, *trunc set); escapes decoded to ASCII. */
static int string(struct jp *j, char *buf, size_t cap, bool *trunc)
{
    size_t len = 0;
    *trunc = false;
    if (!eat(j, '"'))
        return fail(j, "expected a string");
    for (;;) {
        if (j->i >= j->n)
            return fail(j, "unterminated string");
        char c = j->p[j->i++];
        if (c == '"')
            break;
        if (c == '\n' || (unsigned char)c < 0x20)
            return fail(j, "control character in a string");
        if (c == '\\') {
            if (j->i >= j->n)
                return fail(j, "unterminated string");
            char e = j->p[j->i++];
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            const char *k = strchr(from, e);
            if (e && k) {
                c = to[k - from];
            } else if (e == 'u') {
                uint64_t cp;
                if (j->n - j->i < 4 || !parse_hex(span_of(j->p + j->i, 4), &cp))
                    return fail(j, "bad \\u escape");
                j->i += 4;
                c = cp < 0x80 ? (char)cp : '?';
            } else {
                return fail(j, "bad escape");
            }
        }
        if (len + 1 < cap)
            buf[len++] = c;
        else
            *trunc = true;
    }
    buf[len] = '\0';
    return VMM_OK;
}

/* A JSON number; *is_uint when it is a non-negative integer that fits 64 bits. */
static int number(struct jp *j, uint64_t *v, bool *is_uint)
{
    size_t start = j->i;
    if (j->i < j->n && j->p[j->i] == '-')
        j->i++;
    size_t digits = j->i;
    while (j->i < j->n && j->p[j->i] >= '0' && j->p[j->i] <= '9')
        j->i++;
    if (j->i == digits)
        return fail(j, "bad number");
    size_t int_end = j->i;
    if (j->i < j->n && j->p[j->i] == '.') {
        j->i++;
        while (j->i < j->n && j->p[j->i] >= '0' && j->p[j->i] <= '9')
            j->i++;
    }
    if (j->i < j->n && (j->p[j->i] == 'e' || j->p[j->i] == 'E')) {
        j->i++;
        if (j->i < j->n && (j->p[j->i] == '+' || j->p[j->i] == '-'))
            j->i++;
        while (j->i < j->n && j->p[j->i] >= '0' && j->p[j->i] <= '9')
            j->i++;
    }
    *is_uint = j->p[start] != '-' && int_end == j->i &&
               parse_uint(span_of(j->p + digits, int_end - digits), v);
    return VMM_OK;
}

static bool literal(struct jp *j, const char *lit)
{
    size_t n = strlen(lit);
    if (j->n - j->i < n || memcmp(j->p + j->i, lit, n) != 0)
        return false;
    j->i += n;
    return true;
}

static int skip_value(struct jp *j);

static int skip_container(struct jp *j, char open, char close)
{
    if (++j->depth > MAX_DEPTH)
        return fail(j, "nested too deeply");
    j->i++;
    if (eat(j, close)) {
        j->depth--;
        return VMM_OK;
    }
    for (;;) {
        if (open == '{') {
            char key[8];
            bool t;
            if (string(j, key, sizeof key, &t) != VMM_OK)
                return VMM_E_INVAL;
            if (!eat(j, ':'))
                return fail(j, "expected ':'");
        }
        if (skip_value(j) != VMM_OK)
            return VMM_E_INVAL;
        if (eat(j, close))
            break;
        if (!eat(j, ','))
            return fail(j, "expected ',' or the end of a list");
    }
    j->depth--;
    return VMM_OK;
}

static int skip_value(struct jp *j)
{
    skip_ws(j);
    if (j->i >= j->n)
        return fail(j, "unexpected end of input");
    char c = j->p[j->i];
    if (c == '{')
        return skip_container(j, '{', '}');
    if (c == '[')
        return skip_container(j, '[', ']');
    if (c == '"') {
        char buf[8];
        bool t;
        return string(j, buf, sizeof buf, &t);
    }
    if (literal(j, "true") || literal(j, "false") || literal(j, "null"))
        return VMM_OK;
    uint64_t v;
    bool u;
    return number(j, &v, &u);
}

/* A value that must be an unsigned integer (number or string); *absent for null/"unavailable". */
static int uint_value(struct jp *j, uint64_t *v, bool *absent)
{
    *absent = false;
    skip_ws(j);
    if (j->i >= j->n)
        return fail(j, "unexpected end of input");
    if (literal(j, "null")) {
        *absent = true;
        return VMM_OK;
    }
    if (j->p[j->i] == '"') {
        char buf[40];
        bool t;
        if (string(j, buf, sizeof buf, &t) != VMM_OK)
            return VMM_E_INVAL;
        if (!strcmp(buf, "unavailable")) {
            *absent = true;
            return VMM_OK;
        }
        if (t || !parse_uint(span_of(buf, strlen(buf)), v))
            return fail(j, "a value must be \"0x...\" hex or decimal");
        return VMM_OK;
    }
    bool u;
    if (number(j, v, &u) != VMM_OK)
        return VMM_E_INVAL;
    return u ? VMM_OK : fail(j, "a value must be a non-negative integer below 2^64");
}

/* Generic "{ key: value, ... }" walk calling member() for each key. */
typedef int (*member_fn)(struct jp *j, const char *key, bool trunc, unsigned line, void *ctx);

static int object(struct jp *j, member_fn member, void *ctx)
{
    if (!eat(j, '{'))
        return fail(j, "expected an object");
    if (++j->depth > MAX_DEPTH)
        return fail(j, "nested too deeply");
    if (!eat(j, '}'))
        for (;;) {
            char key[64];
            bool trunc;
            skip_ws(j);
            unsigned line = j->line;
            if (string(j, key, sizeof key, &trunc) != VMM_OK)
                return VMM_E_INVAL;
            if (!eat(j, ':'))
                return fail(j, "expected ':'");
            if (member(j, key, trunc, line, ctx) != VMM_OK)
                return VMM_E_INVAL;
            if (eat(j, '}'))
                break;
            if (!eat(j, ','))
                return fail(j, "expected ',' or '}'");
        }
    j->depth--;
    return VMM_OK;
}

/* A field member; returns 1 if key is not a field name. */
static int field_member(struct jp *j, const char *key, bool trunc, unsigned line)
{
    enum vmcs_field_id id;
    bool high;
    if (trunc || !field_by_span(span_of(key, strlen(key)), &id, &high))
        return 1;
    uint64_t v = 0;
    bool absent;
    if (uint_value(j, &v, &absent) != VMM_OK)
        return VMM_E_INVAL;
    if (absent)
        return VMM_OK;
    return high ? dump_set_high(j->d, id, v, line, j->err) : dump_set(j->d, id, v, line, j->err);
}

static int fields_member(struct jp *j, const char *key, bool trunc, unsigned line, void *ctx)
{
    (void)ctx;
    int r = field_member(j, key, trunc, line);
    if (r == 1)
        return dump_fail(j->err, line, "JSON: \"%s\" is not a VMCS field name", key);
    return r;
}

static int stated_member(struct jp *j, const char *key, bool trunc, unsigned line, void *ctx)
{
    (void)trunc;
    (void)ctx;
    struct vmxdump *d = j->d;
    if (!strcmp(key, "instruction")) {
        char buf[16];
        bool t;
        if (string(j, buf, sizeof buf, &t) != VMM_OK)
            return VMM_E_INVAL;
        d->stated.insn = !strcmp(buf, "VMLAUNCH")   ? VMXDUMP_INSN_VMLAUNCH
                         : !strcmp(buf, "VMRESUME") ? VMXDUMP_INSN_VMRESUME
                                                    : VMXDUMP_INSN_UNKNOWN;
        return VMM_OK;
    }
    uint64_t v = 0;
    bool absent;
    bool err = !strcmp(key, "vm_instruction_error"), ex = !strcmp(key, "exit_reason"),
         q = !strcmp(key, "exit_qualification");
    if (!err && !ex && !q)
        return skip_value(j);
    if (uint_value(j, &v, &absent) != VMM_OK)
        return VMM_E_INVAL;
    if (absent)
        return VMM_OK;
    if ((err || ex) && v > 0xffffffffull)
        return dump_fail(j->err, line, "JSON: %s wider than 32 bits", key);
    if (err)
        dump_state_vmfail(d, VMXDUMP_INSN_UNKNOWN, (uint32_t)v, line);
    else if (ex)
        dump_state_exit(d, (uint32_t)v, line);
    else
        dump_state_qualification(d, v);
    return VMM_OK;
}

struct msr_ctx {
    uint64_t slot, index, reserved, value;
    bool has_index, has_value;
};

static int msr_member(struct jp *j, const char *key, bool trunc, unsigned line, void *ctx)
{
    (void)trunc;
    (void)line;
    struct msr_ctx *m = ctx;
    uint64_t *to = !strcmp(key, "slot")       ? &m->slot
                   : !strcmp(key, "index")    ? &m->index
                   : !strcmp(key, "reserved") ? &m->reserved
                   : !strcmp(key, "value")    ? &m->value
                                              : NULL;
    if (!to)
        return skip_value(j);
    bool absent;
    if (uint_value(j, to, &absent) != VMM_OK)
        return VMM_E_INVAL;
    m->has_index |= to == &m->index && !absent;
    m->has_value |= to == &m->value && !absent;
    return VMM_OK;
}

static int msr_array(struct jp *j, enum vmxdump_msr_list list)
{
    if (!eat(j, '['))
        return fail(j, "an MSR list must be an array");
    if (eat(j, ']'))
        return VMM_OK;
    for (uint32_t n = 0;; n++) {
        struct msr_ctx m = {.slot = n};
        skip_ws(j);
        unsigned line = j->line;
        if (object(j, msr_member, &m) != VMM_OK)
            return VMM_E_INVAL;
        if (!m.has_index || !m.has_value || m.index > 0xffffffffull ||
            m.reserved > 0xffffffffull || m.slot > 0xffffffffull)
            return dump_fail(j->err, line, "JSON: an MSR entry needs 32-bit \"index\" and a \"value\"");
        if (dump_add_msr(j->d, list, (uint32_t)m.slot, (uint32_t)m.index, (uint32_t)m.reserved,
                         m.value, line, j->err) != VMM_OK)
            return VMM_E_INVAL;
        if (eat(j, ']'))
            return VMM_OK;
        if (!eat(j, ','))
            return fail(j, "expected ',' or ']'");
    }
}

static const char *const list_names[VMXDUMP_MSR_LIST_COUNT] = {
    [VMXDUMP_MSRS_ENTRY_LOAD] = "entry_load",
    [VMXDUMP_MSRS_EXIT_STORE] = "exit_store",
    [VMXDUMP_MSRS_EXIT_LOAD] = "exit_load",
};

static int lists_member(struct jp *j, const char *key, bool trunc, unsigned line, void *ctx)
{
    (void)trunc;
    (void)line;
    (void)ctx;
    for (int l = 0; l < VMXDUMP_MSR_LIST_COUNT; l++)
        if (!strcmp(key, list_names[l]))
            return msr_array(j, (enum vmxdump_msr_list)l);
    return skip_value(j);
}

struct hint_ctx {
    uint64_t allowed0, allowed1;
    bool has0, has1;
};

static int hint_member(struct jp *j, const char *key, bool trunc, unsigned line, void *ctx)
{
    (void)trunc;
    (void)line;
    struct hint_ctx *h = ctx;
    bool is0 = !strcmp(key, "allowed0"), is1 = !strcmp(key, "allowed1");
    if (!is0 && !is1)
        return skip_value(j);
    bool absent;
    if (uint_value(j, is0 ? &h->allowed0 : &h->allowed1, &absent) != VMM_OK)
        return VMM_E_INVAL;
    h->has0 |= is0 && !absent;
    h->has1 |= is1 && !absent;
    return VMM_OK;
}

static int hints_member(struct jp *j, const char *key, bool trunc, unsigned line, void *ctx)
{
    (void)trunc;
    (void)ctx;
    for (int k = 0; k < VMM_CTL_KIND_COUNT; k++) {
        if (strcmp(key, vmxdump_ctl_key((enum vmm_ctl_kind)k)))
            continue;
        struct hint_ctx h = {0};
        if (object(j, hint_member, &h) != VMM_OK)
            return VMM_E_INVAL;
        if (!h.has0 || !h.has1)
            return dump_fail(j->err, line, "JSON: a capability hint needs allowed0 and allowed1");
        j->d->ctl_hint[k] = (struct vmxdump_ctl_hint){true, h.allowed0, h.allowed1};
        return VMM_OK;
    }
    return skip_value(j);
}

struct top_ctx {
    bool has_fields;
    unsigned unknown_line;
    char unknown[64];
};

static int top_member(struct jp *j, const char *key, bool trunc, unsigned line, void *ctx)
{
    struct top_ctx *t = ctx;
    if (!strcmp(key, "fields") && peek(j, '{')) {
        t->has_fields = true;
        return object(j, fields_member, NULL);
    }
    if (!strcmp(key, "stated") && peek(j, '{'))
        return object(j, stated_member, NULL);
    if (!strcmp(key, "msr_lists") && peek(j, '{'))
        return object(j, lists_member, NULL);
    if (!strcmp(key, "capability_hints") && peek(j, '{'))
        return object(j, hints_member, NULL);
    int r = field_member(j, key, trunc, line);
    if (r != 1)
        return r;
    if (!t->unknown_line) {
        t->unknown_line = line;
        snprintf(t->unknown, sizeof t->unknown, "%s", key);
    }
    return skip_value(j);
}

int parse_json(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err)
{
    struct jp j = {.p = text, .n = text ? len : 0, .line = 1, .d = out, .err = err};
    struct top_ctx t = {0};
    if (object(&j, top_member, &t) != VMM_OK)
        return VMM_E_INVAL;
    skip_ws(&j);
    if (j.i != j.n)
        return fail(&j, "text after the object");
    out->lines = j.line;
    if (!t.has_fields && t.unknown_line)
        return dump_fail(err, t.unknown_line, "JSON: \"%s\" is not a VMCS field name", t.unknown);
    return VMM_OK;
}
