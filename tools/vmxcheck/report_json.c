/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The machine-readable report (--json). Its "fields", "stated" and
 * "msr_lists" members are what the JSON dump reader takes back, so a
 * report is also a dump: `vmxcheck --json x.txt > x.json; vmxcheck x.json`.
 * Every failing check is listed, findings and assumption-only ones apart.
 */
#include <string.h>

#include "report.h"

static void jstr(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void jhex(FILE *out, uint64_t v)
{
    fprintf(out, "\"0x%llx\"", (unsigned long long)v);
}

static const char *sep(bool *first)
{
    bool f = *first;
    *first = false;
    return f ? "" : ",";
}

static void notes(FILE *out, const struct vmxdump *d)
{
    fprintf(out, ",\n  \"notes\": [");
    for (unsigned i = 0; i < d->nnotes; i++) {
        fputs(i ? ", " : "", out);
        jstr(out, d->note[i]);
    }
    fputc(']', out);
}

static void given_fields(FILE *out, const struct vmxdump *d)
{
    bool first = true;
    fprintf(out, ",\n  \"fields\": {");
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++)
        if (vmxdump_given(d, (enum vmcs_field_id)i)) {
            fprintf(out, "%s\n    \"%s\": ", sep(&first), vmcs_field_name((enum vmcs_field_id)i));
            jhex(out, vmcs_get(&d->vmcs, (enum vmcs_field_id)i));
        }
    fprintf(out, "\n  }");
}

static void stated(FILE *out, const struct vmxdump *d)
{
    bool first = true;
    fprintf(out, ",\n  \"stated\": {");
    if (d->stated.insn != VMXDUMP_INSN_UNKNOWN)
        fprintf(out, "%s\"instruction\": \"%s\"", sep(&first),
                d->stated.insn == VMXDUMP_INSN_VMLAUNCH ? "VMLAUNCH" : "VMRESUME");
    if (d->stated.vmfail)
        fprintf(out, "%s\"vm_instruction_error\": %u", sep(&first), d->stated.error);
    if (d->stated.exit) {
        fprintf(out, "%s\"exit_reason\": ", sep(&first));
        jhex(out, d->stated.exit_reason);
    }
    if (d->stated.has_qualification) {
        fprintf(out, "%s\"exit_qualification\": ", sep(&first));
        jhex(out, d->stated.qualification);
    }
    fputc('}', out);
}

static void msr_lists(FILE *out, const struct vmxdump *d)
{
    static const char *const names[VMXDUMP_MSR_LIST_COUNT] = {"entry_load", "exit_store",
                                                              "exit_load"};
    bool first = true;
    fprintf(out, ",\n  \"msr_lists\": {");
    for (int l = 0; l < VMXDUMP_MSR_LIST_COUNT; l++) {
        if (!d->msrs[l].n)
            continue;
        fprintf(out, "%s\"%s\": [", sep(&first), names[l]);
        for (uint32_t i = 0; i < d->msrs[l].n; i++) {
            const struct vmxdump_msr *e = &d->msrs[l].e[i];
            fprintf(out, "%s{\"slot\": %u, \"index\": \"0x%x\", \"reserved\": \"0x%x\", \"value\": ",
                    i ? ", " : "", e->slot, e->index, e->reserved);
            jhex(out, e->value);
            fputc('}', out);
        }
        fputc(']', out);
    }
    fputc('}', out);
}

static void ctl_hints(FILE *out, const struct vmxdump *d)
{
    bool first = true;
    fprintf(out, ",\n  \"capability_hints\": {");
    for (int k = 0; k < VMM_CTL_KIND_COUNT; k++) {
        const struct vmxdump_ctl_hint *h = &d->ctl_hint[k];
        if (!h->present)
            continue;
        fprintf(out, "%s\"%s\": {\"allowed0\": ", sep(&first), vmxdump_ctl_key((enum vmm_ctl_kind)k));
        jhex(out, h->allowed0);
        fprintf(out, ", \"allowed1\": ");
        jhex(out, h->allowed1);
        fputc('}', out);
    }
    fputc('}', out);
}

static void assumed(FILE *out, const struct assumed *a)
{
    bool first = true;
    fprintf(out, ",\n  \"assumed\": {");
    for (unsigned i = 0; i < a->n; i++) {
        fprintf(out, "%s\n    \"%s\": {\"value\": ", sep(&first), vmcs_field_name(a->a[i].field));
        jhex(out, a->a[i].value);
        fprintf(out, ", \"why\": ");
        jstr(out, assume_why_text((enum assume_why)a->a[i].why));
        fputc('}', out);
    }
    fprintf(out, "\n  },\n  \"assumed_facts\": [");
    for (unsigned i = 0; i < a->nfacts; i++) {
        fputs(i ? ", " : "", out);
        jstr(out, a->fact[i]);
    }
    fputc(']', out);
}

static const char *class_name(uint8_t cls)
{
    static const char *const n[] = {"VMfailInvalid", "VMfailValid", "exit-33", "exit-34"};
    return cls < 4 ? n[cls] : "?";
}

static void failure(FILE *out, const struct report *rep, const struct vmxcheck_failure *f)
{
    const struct vmx_check_info *ci = &vmx_check_table[f->check];
    char a[32], b[32];
    vmx_check_section(f->check, rep->chapter, a, sizeof a);
    vmx_check_section(f->check, 29, b, sizeof b);
    fprintf(out, "\n    {\"id\": ");
    jstr(out, ci->id);
    fprintf(out, ", \"section\": \"%s\", \"section_2026\": \"%s\", \"class\": \"%s\", "
                 "\"number\": %u, \"message\": ",
            a, b, class_name(ci->cls), ci->number);
    jstr(out, ci->message);
    fprintf(out, ", \"hint\": ");
    jstr(out, ci->hint);
    if (f->msr_entry)
        fprintf(out, ", \"msr_entry\": %u", f->msr_entry);
    fprintf(out, ", \"guessed_capability\": %s, \"fields\": [", f->guessed_caps ? "true" : "false");
    bool first = true;
    for (unsigned i = 0; i < ci->nfields && i < 4; i++) {
        enum vmcs_field_id id = (enum vmcs_field_id)ci->fields[i];
        if (id >= VMCS_FIELD_COUNT)
            continue;
        bool given = rep->a->origin[id] == ORIGIN_GIVEN;
        fprintf(out, "%s{\"name\": \"%s\", \"value\": ", sep(&first), vmcs_field_name(id));
        jhex(out, vmcs_get(&rep->a->vmcs, id));
        fprintf(out, ", \"origin\": \"%s\"", given ? "dump" : "assumed");
        if (given && rep->d->line_of[id])
            fprintf(out, ", \"line\": %u", rep->d->line_of[id]);
        fputc('}', out);
    }
    fprintf(out, "]}");
}

static void failures(FILE *out, const struct report *rep, const char *name, bool given)
{
    bool first = true;
    fprintf(out, ",\n  \"%s\": [", name);
    for (size_t i = 0; i < rep->r->n; i++)
        if (rep->r->f[i].given == given) {
            fputs(sep(&first), out);
            failure(out, rep, &rep->r->f[i]);
        }
    fprintf(out, "%s]", first ? "" : "\n  ");
}

static void verdict(FILE *out, const struct report *rep)
{
    const struct vmx_entry_verdict *v = &rep->r->verdict;
    static const char *const outcomes[] = {"ok", "vmfail-invalid", "vmfail-valid", "entry-failure"};
    char text[256], why[320];
    verdict_text(v, rep->r->verdict_msr_entry, text, sizeof text);
    enum agreement ag = compare_stated(rep->d, rep->r, why, sizeof why);
    fprintf(out, ",\n  \"verdict\": {\"outcome\": \"%s\", \"text\": ", outcomes[v->outcome & 3]);
    jstr(out, text);
    if (v->outcome == VMX_ENTRY_FAIL_VALID)
        fprintf(out, ", \"error\": %u", v->error);
    if (v->outcome == VMX_ENTRY_FAIL_EXIT) {
        fprintf(out, ", \"exit_reason\": ");
        jhex(out, v->exit_reason);
        fprintf(out, ", \"qualification\": %llu",
                (unsigned long long)((v->exit_reason & 0xffff) == 34 ? rep->r->verdict_msr_entry
                                                                     : v->qualification));
    }
    fprintf(out, ", \"check\": ");
    if (v->check < VMX_CHECK_COUNT) {
        jstr(out, vmx_check_table[v->check].id);
        fprintf(out, ", \"check_reads_dump\": %s", rep->r->verdict_given ? "true" : "false");
    } else {
        fputs("null", out);
    }
    fprintf(out, ", \"agreement\": \"%s\", \"why\": ", agreement_name(ag));
    jstr(out, why);
    fprintf(out, ", \"memory_unchecked\": %s}", v->memory_unchecked ? "true" : "false");
}

void report_json(FILE *out, const struct report *rep)
{
    const struct vmxdump *d = rep->d;
    const struct capspec *c = rep->caps;
    static const char *const src[] = {"guess", "profile", "file"};
    fprintf(out, "{\n  \"tool\": \"vmxcheck\",\n  \"input\": ");
    jstr(out, rep->input);
    fprintf(out, ",\n  \"format\": \"%s\",\n  \"lines\": %u", vmxdump_format_name(d->format),
            d->lines);
    notes(out, d);
    fprintf(out, ",\n  \"capabilities\": {\"source\": \"%s\", \"name\": ", src[c->source % 3]);
    jstr(out, c->name);
    fprintf(out, ", \"notes\": [");
    for (unsigned i = 0; i < c->nnotes; i++) {
        fputs(i ? ", " : "", out);
        jstr(out, c->note[i]);
    }
    fprintf(out, "]}");
    given_fields(out, d);
    stated(out, d);
    msr_lists(out, d);
    ctl_hints(out, d);
    assumed(out, rep->a);
    verdict(out, rep);
    failures(out, rep, "findings", true);
    failures(out, rep, "depends_on_assumed", false);
    fprintf(out, ",\n  \"exit_code\": %d\n}\n", vmxcheck_exit_code(rep->r));
}
