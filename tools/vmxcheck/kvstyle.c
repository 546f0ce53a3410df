/* SPDX-License-Identifier: Apache-2.0 */
/* The reader of "dump_vmcs family" text: sections, labelled key=value items, line wraps. */
#include "kvstyle.h"

#include <string.h>

#include "vmm/types.h"

#define JOIN_CAP 2048

static const struct kv_row *lookup(const struct kv_state *st, const char *label, struct span key)
{
    for (int t = 0; t < 2; t++)
        for (size_t i = 0; i < st->fmt->nrows[t]; i++) {
            const struct kv_row *r = &st->fmt->rows[t][i];
            if (r->section == st->section && !strcmp(r->label, label) && span_eq(key, r->key))
                return r;
        }
    return NULL;
}

static bool label_known(const struct kv_state *st, struct span label)
{
    for (int t = 0; t < 2; t++)
        for (size_t i = 0; i < st->fmt->nrows[t]; i++) {
            const struct kv_row *r = &st->fmt->rows[t][i];
            if (r->section == st->section && r->label[0] && span_eq(label, r->label))
                return true;
        }
    return false;
}

/* Splits "Label:  rest" into label and rest; label.n == 0 when there is none. */
static void split_label(struct span s, struct span *label, struct span *rest)
{
    size_t t = token_len(s, "=");
    *label = span_of(s.p, 0);
    *rest = s;
    if (t >= 2 && t <= 15 && s.p[t - 1] == ':' && (t == s.n || s.p[t] == ' ' || s.p[t] == '\t')) {
        *label = span_of(s.p, t - 1);
        *rest = span_trim(span_skip(s, t));
    }
}

/* A key as printed, without leading "(...)" remnants and blanks. */
static struct span clean_key(struct span k)
{
    k = span_trim(k);
    while (k.n && k.p[0] == '(') {
        long close = span_find(k, ")");
        if (close < 0)
            break;
        k = span_trim(span_skip(k, (size_t)close + 1));
    }
    return k;
}

/* The first key of a run of items (up to the first '='); n == 0 if there is none. */
static struct span first_key(struct span rest)
{
    long eq = span_find(rest, "=");
    if (eq <= 0)
        return span_of(rest.p, 0);
    struct span k = span_of(rest.p, (size_t)eq);
    while (k.n && (k.p[0] == ',' || k.p[0] == ' '))
        k = span_skip(k, 1);
    return clean_key(k);
}

/* True if the line begins a record of its own (not a wrapped continuation). */
static bool starts_record(const struct kv_state *st, struct span s)
{
    if (span_starts(s, "***"))
        return true;
    struct span label, rest;
    split_label(s, &label, &rest);
    if (label.n)
        return label_known(st, label);
    struct span key = first_key(rest);
    return key.n && lookup(st, "", key) != NULL;
}

static bool ends_open(struct span s)
{
    s = span_trim(s);
    return s.n && (s.p[s.n - 1] == '=' || s.p[s.n - 1] == ',');
}

static int bad_value(struct vmxdump_error *err, unsigned line, struct span key, struct span v)
{
    return dump_fail(err, line, "bad value \"%.*s\" for %.*s", (int)(v.n > 40 ? 40 : v.n), v.p,
                     (int)(key.n > 40 ? 40 : key.n), key.p);
}

static int apply(struct kv_state *st, const struct kv_row *r, struct span key, struct span v,
                 struct span note, unsigned line, struct vmxdump_error *err)
{
    uint64_t a, b;
    long sep;
    switch (r->how) {
    case KV_ANNOTATED:
        if (note.n && !parse_hex(note, &a)) {
            dump_note(st->d, "line %u: %.*s is shown as (%.*s), not the VMCS field; not used", line,
                      (int)key.n, key.p, (int)(note.n > 20 ? 20 : note.n), note.p);
            return VMM_OK;
        }
        /* fall through */
    case KV_PLAIN:
        if (!parse_hex(v, &a))
            return bad_value(err, line, key, v);
        return dump_set(st->d, (enum vmcs_field_id)r->field, a, line, err);
    case KV_SEL_EIP:
    case KV_SVI_RVI:
        sep = span_find(v, r->how == KV_SEL_EIP ? ":" : "|");
        if (sep < 0 || !parse_hex(span_of(v.p, (size_t)sep), &a) ||
            !parse_hex(span_skip(v, (size_t)sep + 1), &b))
            return bad_value(err, line, key, v);
        if (r->how == KV_SVI_RVI) {
            if (a > 0xff || b > 0xff)
                return bad_value(err, line, key, v);
            return dump_set(st->d, (enum vmcs_field_id)r->field, a << 8 | b, line, err);
        }
        if (dump_set(st->d, (enum vmcs_field_id)r->field, a, line, err) != VMM_OK)
            return VMM_E_INVAL;
        return dump_set(st->d, (enum vmcs_field_id)r->field2, b, line, err);
    }
    return VMM_OK;
}

static void header(struct kv_state *st, struct span s, unsigned line)
{
    if (span_find(s, "Guest State") >= 0) {
        if (st->d->nfields && st->dumps)
            dump_restart(st->d);
        if (st->dumps++ == 1)
            dump_note(st->d, "more than one VMCS dump in the input; using the last (line %u)",
                      line);
        st->section = KV_GUEST;
    } else if (span_find(s, "Host State") >= 0) {
        st->section = KV_HOST;
    } else if (span_find(s, "Control State") >= 0) {
        st->section = KV_CONTROL;
    }
    st->seen_header = true;
    st->msr_list = -1;
    st->seg_table = false;
    st->prev_label[0] = '\0';
}

/* One logical line: a header, a format's own shape, or labelled items. */
static int process(struct kv_state *st, struct span s, unsigned line, struct vmxdump_error *err)
{
    if (span_starts(s, "***")) {
        header(st, s, line);
        return VMM_OK;
    }
    if (st->fmt->hook) {
        int r = st->fmt->hook(st, s, line, err);
        if (r != 0)
            return r < 0 ? r : VMM_OK;
    }
    struct span label, cur;
    split_label(s, &label, &cur);
    char lab[16] = "";
    if (label.n && !span_cstr(label, lab, sizeof lab))
        return VMM_OK;
    bool inherited = false, matched = false;
    while (cur.n) {
        while (cur.n && (cur.p[0] == ' ' || cur.p[0] == '\t' || cur.p[0] == ','))
            cur = span_skip(cur, 1);
        long eq = span_find(cur, "=");
        if (eq < 0)
            break;
        struct span key = clean_key(span_of(cur.p, (size_t)eq));
        struct span v = span_trim(span_skip(cur, (size_t)eq + 1));
        size_t vn = token_len(v, ",");
        struct span value = span_of(v.p, vn);
        cur = span_trim(span_skip(v, vn));
        struct span note = span_of(cur.p, 0);
        if (cur.n && cur.p[0] == '(') {
            long close = span_find(cur, ")");
            size_t end = close < 0 ? cur.n : (size_t)close;
            note = span_of(cur.p + 1, end ? end - 1 : 0);
            cur = span_skip(cur, end + 1);
        }
        const struct kv_row *r = lookup(st, lab, key);
        if (!r && !lab[0] && st->prev_label[0] && (r = lookup(st, st->prev_label, key)))
            inherited = true;
        if (!r)
            continue;
        if (!value.n)
            return dump_fail(err, line, "no value for %.*s", (int)(key.n > 40 ? 40 : key.n),
                             key.p);
        int rc = apply(st, r, key, value, note, line, err);
        if (rc != VMM_OK)
            return rc;
        matched = true;
    }
    if (lab[0])
        memcpy(st->prev_label, lab, sizeof lab);
    else if (matched && !inherited)
        st->prev_label[0] = '\0';
    return VMM_OK;
}

int kv_parse(const struct kv_format *fmt, const char *text, size_t len, struct vmxdump *out,
             struct vmxdump_error *err)
{
    struct kv_state st = {.fmt = fmt, .d = out, .section = KV_GUEST, .msr_list = -1,
                          .aux = -1};
    char buf[JOIN_CAP];
    size_t blen = 0;
    unsigned bline = 0;
    bool open = false;
    struct line_iter it;
    struct span raw;
    lines_init(&it, text, len);
    while (lines_next(&it, &raw)) {
        struct span s = strip_log_prefix(raw, NULL);
        if (open) {
            if (!s.n || starts_record(&st, s))
                return dump_fail(err, bline, "the line ends inside a field (cut off?)");
            if (blen + 1 + s.n >= sizeof buf)
                return dump_fail(err, it.no, "wrapped line too long");
            buf[blen++] = ' ';
        } else {
            if (s.n >= sizeof buf)
                continue; /* not a line of a dump */
            blen = 0;
            bline = it.no;
        }
        memcpy(buf + blen, s.p, s.n);
        blen += s.n;
        struct span logical = span_of(buf, blen);
        open = ends_open(logical) && starts_record(&st, logical);
        if (open)
            continue;
        int rc = process(&st, logical, bline, err);
        if (rc != VMM_OK)
            return rc;
    }
    out->lines = it.no;
    if (open)
        return dump_fail(err, bline, "the input ends inside a field (truncated?)");
    return VMM_OK;
}
