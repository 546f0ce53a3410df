/* SPDX-License-Identifier: Apache-2.0 */
/*
 * XMHF's field dumps, in their regular shapes:
 *
 *   guest_CS_selector=0x0008
 *   guest_CS_base/limit=0x0009b000/0xffff
 *   guest_CR0=0x00000011, guest_CR4=0x001526d0, guest_CR3=0x01c84000
 *   VM-ENTRY error: reason=0x80000021, qualification=0x0000000000000000
 *   CPU(0x00): VMLAUNCH error; code=0x7. HALT!
 *   CPU(0x01): @vmentry-failure12@control_vpid = 0x0003
 *   CPU(0x01): (0x0002) @vmentry-failure02@control_post_interrupt_notification_vec = unavailable
 *   CPU(0x00): (0x0000) VMCS02.control_vpid = 0x0001
 *
 * When a line carries the encoding, the encoding decides the field (and
 * must agree with the name when the name is known). "unavailable" (the
 * dumper's VMREAD failed) leaves the field absent. A nested hypervisor
 * prints several VMCSs, tagged "@...12@"/"VMCS12." (what L1 wrote) and
 * "@...02@"/"VMCS02." (what the CPU ran): the "02" one is used, or else the
 * last tag seen.
 */
#include <stdio.h>
#include <string.h>

#include "parse_util.h"
#include "vmm/types.h"
#include "xmhf_names.h"

#define TAG_CAP 40

/* The tag of a "@tag@name" or "VMCSnn.name" item: its length and the name after it. */
static struct span tag_of(struct span s, struct span *name)
{
    *name = s;
    if (s.n >= 2 && s.p[0] == '@') {
        long end = span_find(span_skip(s, 1), "@");
        if (end >= 0) {
            *name = span_skip(s, (size_t)end + 2);
            return span_of(s.p, (size_t)end + 2);
        }
    }
    if (span_starts(s, "VMCS") && s.n > 6 && s.p[6] == '.') {
        *name = span_skip(s, 7);
        return span_of(s.p, 7);
    }
    return span_of(s.p, 0);
}

/* Skips "CPU(0x01): " and an optional "(0x0800) " encoding. */
static struct span heads(struct span s, bool *has_enc, uint64_t *enc)
{
    *has_enc = false;
    s = strip_log_prefix(s, NULL);
    if (span_starts(s, "CPU(")) {
        long k = span_find(s, "):");
        if (k > 0)
            s = span_trim(span_skip(s, (size_t)k + 2));
    }
    if (s.n && s.p[0] == '(') {
        long k = span_find(s, ")");
        if (k > 1 && parse_hex(span_of(s.p + 1, (size_t)k - 1), enc)) {
            *has_enc = true;
            s = span_trim(span_skip(s, (size_t)k + 1));
        }
    }
    return s;
}

struct xstate {
    struct vmxdump *d;
    char tag[TAG_CAP];
    unsigned unknown;
    char unknown_name[48];
};

/* "guest_CS_base/limit=A/B": two fields from one item. */
static int base_limit(struct xstate *x, struct span name, struct span v, unsigned line,
                      struct vmxdump_error *err)
{
    char buf[64];
    size_t stem = name.n - strlen("base/limit");
    long slash = span_find(v, "/");
    uint64_t a, b;
    if (slash < 0 || !parse_uint(span_of(v.p, (size_t)slash), &a) ||
        !parse_uint(span_skip(v, (size_t)slash + 1), &b))
        return dump_fail(err, line, "bad base/limit value");
    const char *part[2] = {"base", "limit"};
    const uint64_t val[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        enum vmcs_field_id id;
        snprintf(buf, sizeof buf, "%.*s%s", (int)stem, name.p, part[i]);
        if (!xmhf_field(span_of(buf, strlen(buf)), &id))
            return dump_fail(err, line, "unknown field %s", buf);
        if (dump_set(x->d, id, val[i], line, err) != VMM_OK)
            return VMM_E_INVAL;
    }
    return VMM_OK;
}

/* One "name=value" item (name possibly tagged). */
static int item(struct xstate *x, struct span it, bool has_enc, uint64_t enc, unsigned line,
                struct vmxdump_error *err)
{
    long eq = span_find(it, "=");
    if (eq <= 0)
        return VMM_OK;
    struct span name;
    struct span tag = tag_of(span_trim(span_of(it.p, (size_t)eq)), &name);
    struct span v = span_trim(span_skip(it, (size_t)eq + 1));
    if (tag.n && !span_eq(tag, x->tag))
        return VMM_OK;
    if (span_ends(name, "base/limit") && name.n > 10 && name.n < 60)
        return base_limit(x, name, v, line, err);
    enum vmcs_field_id id = VMCS_NO_FIELD, by_name;
    bool known = xmhf_field(name, &by_name);
    if (has_enc) {
        bool high;
        if (enc > 0xffffffffull || vmcs_field_lookup((uint32_t)enc, &id, &high) != VMM_OK || high)
            return dump_fail(err, line, "encoding 0x%llx names no VMCS field",
                             (unsigned long long)enc);
        if (known && by_name != id)
            return dump_fail(err, line, "encoding 0x%llx is %s, not \"%.*s\"",
                             (unsigned long long)enc, vmcs_field_name(id),
                             (int)(name.n > 40 ? 40 : name.n), name.p);
    } else if (known) {
        id = by_name;
    } else {
        if (!x->unknown++)
            snprintf(x->unknown_name, sizeof x->unknown_name, "%.*s",
                     (int)(name.n > 40 ? 40 : name.n), name.p);
        return VMM_OK;
    }
    if (span_eq(v, "unavailable"))
        return VMM_OK;
    uint64_t val;
    if (!parse_uint(span_of(v.p, token_len(v, ",.")), &val))
        return dump_fail(err, line, "bad value for %s", vmcs_field_name(id));
    return dump_set(x->d, id, val, line, err);
}

static bool number_after(struct span s, const char *lit, uint64_t *v)
{
    long at = span_find(s, lit);
    if (at < 0)
        return false;
    struct span t = span_skip(s, (size_t)at + strlen(lit));
    return parse_uint(span_of(t.p, token_len(t, ",.;")), v);
}

/* "VM-ENTRY error: reason=..., qualification=..." and "VMLAUNCH error; code=0x7". */
static int failure_line(struct xstate *x, struct span s, unsigned line, struct vmxdump_error *err)
{
    uint64_t v;
    if (span_find(s, "VM-ENTRY error") >= 0) {
        if (!number_after(s, "reason=", &v) || v > 0xffffffffull)
            return dump_fail(err, line, "VM-ENTRY error line without a reason");
        dump_state_exit(x->d, (uint32_t)v, line);
        if (dump_set(x->d, VMCS_VM_EXIT_REASON, v, line, err) != VMM_OK)
            return VMM_E_INVAL;
        if (number_after(s, "qualification=", &v)) {
            dump_state_qualification(x->d, v);
            if (dump_set(x->d, VMCS_EXIT_QUALIFICATION, v, line, err) != VMM_OK)
                return VMM_E_INVAL;
        }
        return 1;
    }
    bool launch = span_find(s, "VMLAUNCH error") >= 0;
    if (launch || span_find(s, "VMRESUME error") >= 0) {
        if (!number_after(s, "code=", &v) || v > 0xffffffffull)
            return dump_fail(err, line, "VMLAUNCH/VMRESUME error line without a code");
        dump_state_vmfail(x->d, launch ? VMXDUMP_INSN_VMLAUNCH : VMXDUMP_INSN_VMRESUME,
                          (uint32_t)v, line);
        return 1;
    }
    return 0;
}

/* Chooses the tag to read: one containing "02" (the VMCS the CPU ran), else the last. */
static void choose_tag(struct xstate *x, const char *text, size_t len)
{
    struct line_iter it;
    struct span s;
    char first[TAG_CAP] = "";
    unsigned tags = 0;
    lines_init(&it, text, len);
    x->tag[0] = '\0';
    while (lines_next(&it, &s)) {
        bool has_enc;
        uint64_t enc;
        struct span name, tag = tag_of(heads(s, &has_enc, &enc), &name);
        if (!tag.n || tag.n >= TAG_CAP || span_eq(tag, x->tag))
            continue;
        if (x->tag[0] && span_find(span_of(x->tag, strlen(x->tag)), "02") >= 0)
            continue; /* keep the 02 one */
        if (!tags++)
            span_cstr(tag, first, sizeof first);
        span_cstr(tag, x->tag, sizeof x->tag);
    }
    if (tags > 1)
        dump_note(x->d, "several VMCS dumps (tags %s, %s, ...); using %s, the one the processor "
                        "ran", first, x->tag, x->tag);
}

int parse_xmhf(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err)
{
    struct xstate x = {.d = out};
    choose_tag(&x, text, len);
    struct line_iter it;
    struct span raw;
    lines_init(&it, text, len);
    while (lines_next(&it, &raw)) {
        bool has_enc;
        uint64_t enc = 0;
        struct span s = heads(raw, &has_enc, &enc);
        int r = failure_line(&x, s, it.no, err);
        if (r < 0)
            return r;
        if (r)
            continue;
        /* Items separated by ", " (several per line in the "Guest State follows" shape). */
        while (s.n) {
            long comma = span_find(s, ", ");
            struct span one = comma < 0 ? s : span_of(s.p, (size_t)comma);
            if (item(&x, span_trim(one), has_enc, enc, it.no, err) != VMM_OK)
                return VMM_E_INVAL;
            s = comma < 0 ? span_of(s.p, 0) : span_skip(s, (size_t)comma + 2);
        }
    }
    out->lines = it.no;
    if (x.unknown)
        dump_note(out, "%u items with names that are no VMCS field were skipped (e.g. %s)",
                  x.unknown, x.unknown_name);
    return VMM_OK;
}
