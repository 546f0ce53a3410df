/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gdb printouts from a debugging session:
 *
 *   (gdb) p/x vcpu->vmcs.control_VMX_cpu_based        a field, by name
 *   $5 = 0xb6a06dfa
 *   (gdb) p/x fixed0                                  its allowed-0 setting
 *   $6 = 0x4006172
 *   (gdb) p/x fixed1                                  its allowed-1 setting
 *   $7 = 0xeff9fffe
 *
 * A printed expression whose last member is a VMCS field name (table or
 * XMHF spelling) gives that field. "fixed0"/"fixed1" (or "allowed0"/
 * "allowed1") give the allowed settings of the control word in the same
 * session. When that word was printed under a local name ("val"), it is
 * recognised by its allowed-0 setting, which is each word's fixed
 * default1 pattern (SDM appendix A): pin 0x16, primary processor-based
 * 0x401e172/0x4006172, VM-exit 0x36dff/0x36dfb, VM-entry 0x11ff/0x11fb.
 */
#include <stdio.h>
#include <string.h>

#include "parse_util.h"
#include "vmm/types.h"
#include "xmhf_names.h"

#define MAX_PRINTS 32

struct print {
    char name[48];
    uint64_t value;
    unsigned line;
};

static const struct {
    enum vmm_ctl_kind kind;
    enum vmcs_field_id field;
    uint32_t default1[2]; /* plain and TRUE-MSR allowed-0 */
} words[] = {
    {VMM_CTL_PIN, VMCS_PIN_BASED_VM_EXEC_CONTROL, {0x16, 0x16}},
    {VMM_CTL_PROC, VMCS_CPU_BASED_VM_EXEC_CONTROL, {0x0401e172, 0x04006172}},
    {VMM_CTL_EXIT, VMCS_VM_EXIT_CONTROLS, {0x00036dff, 0x00036dfb}},
    {VMM_CTL_ENTRY, VMCS_VM_ENTRY_CONTROLS, {0x000011ff, 0x000011fb}},
};

/* The last member of an expression: "vcpu->vmcs.control_VMX_cpu_based" -> "control_VMX_cpu_based". */
static struct span last_member(struct span e)
{
    size_t start = 0;
    for (size_t i = 0; i < e.n; i++)
        if (e.p[i] == '.' || e.p[i] == '>' || e.p[i] == ' ' || e.p[i] == '*' || e.p[i] == '(' ||
            e.p[i] == ')')
            start = i + 1;
    return span_skip(e, start);
}

static bool resolve(const char *name, enum vmcs_field_id *id)
{
    struct span n = span_of(name, strlen(name));
    bool high;
    return xmhf_field(n, id) || (field_by_span(n, id, &high) && !high);
}

static const struct print *find(const struct print *p, unsigned n, const char *a, const char *b)
{
    for (unsigned i = n; i-- > 0;)
        if (!strcmp(p[i].name, a) || !strcmp(p[i].name, b))
            return &p[i];
    return NULL;
}

/* Applies fixed0/fixed1 to the control word printed in the same session. */
static int control_word(struct vmxdump *d, const struct print *p, unsigned n,
                        struct vmxdump_error *err)
{
    const struct print *f0 = find(p, n, "fixed0", "allowed0");
    const struct print *f1 = find(p, n, "fixed1", "allowed1");
    if (!f0 || !f1)
        return VMM_OK;
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        if (f0->value != words[w].default1[0] && f0->value != words[w].default1[1])
            continue;
        const struct print *val = NULL;
        for (unsigned i = 0; i < n; i++) {
            enum vmcs_field_id id;
            if (&p[i] == f0 || &p[i] == f1)
                continue;
            if (resolve(p[i].name, &id) ? id == words[w].field : !val)
                val = &p[i];
        }
        if (!val)
            return VMM_OK;
        if (dump_set(d, words[w].field, val->value, val->line, err) != VMM_OK)
            return VMM_E_INVAL;
        d->ctl_hint[words[w].kind] =
            (struct vmxdump_ctl_hint){true, f0->value, f1->value};
        dump_note(d, "\"%s\" read as %s: its allowed-0 setting 0x%llx is that word's default1 "
                     "pattern; fixed0/fixed1 read as its capability",
                  val->name, vmcs_field_name(words[w].field), (unsigned long long)f0->value);
        return VMM_OK;
    }
    return dump_fail(err, f0->line, "cannot tell which control word fixed0 0x%llx belongs to",
                     (unsigned long long)f0->value);
}

int parse_gdb(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err)
{
    struct print p[MAX_PRINTS];
    unsigned n = 0;
    char expr[48] = "";
    struct line_iter it;
    struct span s;
    lines_init(&it, text, len);
    while (lines_next(&it, &s)) {
        s = span_trim(s);
        if (span_starts(s, "(gdb)")) {
            s = span_trim(span_skip(s, 5));
            size_t cmd = token_len(s, "");
            bool print = cmd && (span_starts(s, "p/") || span_eq(span_of(s.p, cmd), "p") ||
                                 span_starts(s, "print"));
            struct span m = last_member(span_trim(span_skip(s, cmd)));
            expr[0] = '\0';
            if (print && m.n)
                snprintf(expr, sizeof expr, "%.*s", (int)(m.n > 47 ? 47 : m.n), m.p);
            continue;
        }
        if (!s.n || s.p[0] != '$' || !expr[0])
            continue;
        long eq = span_find(s, "=");
        uint64_t v;
        if (eq < 0 || !parse_uint(span_trim(span_skip(s, (size_t)eq + 1)), &v))
            return dump_fail(err, it.no, "gdb: expected \"$N = <number>\"");
        if (n == MAX_PRINTS)
            return dump_fail(err, it.no, "gdb: more than %d printed values", MAX_PRINTS);
        p[n] = (struct print){.value = v, .line = it.no};
        memcpy(p[n].name, expr, sizeof p[n].name);
        enum vmcs_field_id id;
        if (resolve(p[n].name, &id) && dump_set(out, id, v, it.no, err) != VMM_OK)
            return VMM_E_INVAL;
        n++;
        expr[0] = '\0';
    }
    out->lines = it.no;
    return control_word(out, p, n, err);
}
