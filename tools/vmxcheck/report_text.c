/* SPDX-License-Identifier: Apache-2.0 */
/* The readable report: what the dump says, the verdict, each broken rule, every assumption. */
#include <string.h>

#include "report.h"

static const char *class_text(const struct vmx_check_info *ci, char *buf, size_t len)
{
    switch (ci->cls) {
    case VMX_CLASS_FAIL_INVALID:
        return "VMfailInvalid";
    case VMX_CLASS_VMFAIL:
        snprintf(buf, len, "VMfailValid(%u)", ci->number);
        return buf;
    case VMX_CLASS_GUEST:
        snprintf(buf, len, "exit 33, qualification %u", ci->number);
        return buf;
    default:
        return "exit 34";
    }
}

static void field_line(FILE *out, const struct report *rep, enum vmcs_field_id f)
{
    fprintf(out, "    %-30s = 0x%llx", vmcs_field_name(f),
            (unsigned long long)vmcs_get(&rep->a->vmcs, f));
    if (rep->a->origin[f] == ORIGIN_GIVEN && rep->d->line_of[f])
        fprintf(out, "   (line %u)\n", rep->d->line_of[f]);
    else if (rep->a->origin[f] == ORIGIN_GIVEN)
        fprintf(out, "   (from the dump)\n");
    else
        fprintf(out, "   [assumed]\n");
}

static void msr_line(FILE *out, const struct report *rep, uint32_t entry)
{
    const struct vmxdump_msrs *l = &rep->d->msrs[VMXDUMP_MSRS_ENTRY_LOAD];
    for (uint32_t i = 0; i < l->n; i++)
        if (l->e[i].slot + 1 == entry)
            fprintf(out, "    MSR-load entry %u: MSR 0x%x, value 0x%llx, bits 63:32 0x%x\n", entry,
                    l->e[i].index, (unsigned long long)l->e[i].value, l->e[i].reserved);
}

static void failure(FILE *out, const struct report *rep, const struct vmxcheck_failure *f)
{
    const struct vmx_check_info *ci = &vmx_check_table[f->check];
    char sec[64], cls[48];
    vmxcheck_section(f->check, rep->chapter, sec, sizeof sec);
    fprintf(out, "  %s   SDM %s   %s\n", ci->id, sec, class_text(ci, cls, sizeof cls));
    fprintf(out, "    rule: %s\n", ci->message);
    if (f->msr_entry)
        msr_line(out, rep, f->msr_entry);
    for (unsigned i = 0; i < ci->nfields && i < 4; i++)
        if (ci->fields[i] < VMCS_FIELD_COUNT)
            field_line(out, rep, (enum vmcs_field_id)ci->fields[i]);
    fprintf(out, "    hint: %s\n", ci->hint);
    if (f->guessed_caps)
        fprintf(out, "    note: fails only under a guessed capability (see \"capabilities\" "
                     "below); pass --caps to decide it for your processor\n");
}

static void header(FILE *out, const struct report *rep)
{
    const struct vmxdump *d = rep->d;
    char buf[256], why[320];
    fprintf(out, "vmxcheck: %s: %s, %u lines, %u VMCS fields given\n", rep->input,
            vmxdump_format_title(d->format), d->lines, d->nfields);
    for (unsigned i = 0; i < d->nnotes; i++)
        fprintf(out, "  note: %s\n", d->note[i]);
    stated_text(d, buf, sizeof buf);
    fprintf(out, "the dump says: %s\n", buf[0] ? buf : "nothing about how the VM entry ended");
    verdict_text(&rep->r->verdict, rep->r->verdict_msr_entry, buf, sizeof buf);
    enum agreement ag = compare_stated(d, rep->r, why, sizeof why);
    fprintf(out, "verdict: %s%s\n", buf,
            ag == AGREE_YES ? " (agrees with the dump)" : ag == AGREE_NO ? " (differs from the dump)" : "");
    if (why[0])
        fprintf(out, "  why: %s\n", why);
    if (rep->r->verdict.check < VMX_CHECK_COUNT && !rep->r->verdict_given)
        fprintf(out, "  the first failing check, %s, reads only assumed values\n",
                vmx_check_table[rep->r->verdict.check].id);
    if (rep->r->verdict.memory_unchecked)
        fprintf(out, "  some checks need guest memory, which the dump does not show: they were "
                     "skipped\n");
}

static void failures(FILE *out, const struct report *rep)
{
    const struct vmxcheck_result *r = rep->r;
    size_t first = r->n;
    for (size_t i = 0; i < r->n && first == r->n; i++)
        if (r->f[i].given)
            first = i;
    if (!r->nfindings) {
        fprintf(out, "\nno rule is broken by the values the dump shows\n");
    } else if (!rep->all) {
        fprintf(out, "\nbroken rule (the first in the SDM's order; %zu in all, --all lists them):\n",
                r->nfindings);
        failure(out, rep, &r->f[first]);
    } else {
        fprintf(out, "\nbroken rules (%zu):\n", r->nfindings);
        for (size_t i = 0; i < r->n; i++)
            if (r->f[i].given)
                failure(out, rep, &r->f[i]);
    }
    size_t assumed = r->n - r->nfindings;
    if (assumed && rep->all) {
        fprintf(out, "\ndepends on assumed values (%zu; these rules read nothing the dump shows):\n",
                assumed);
        for (size_t i = 0; i < r->n; i++)
            if (!r->f[i].given)
                failure(out, rep, &r->f[i]);
    } else if (assumed) {
        fprintf(out, "\n%zu more failing checks read only assumed values (--all lists them)\n",
                assumed);
    }
    if (r->truncated)
        fprintf(out, "(more than %d failures; the rest are not listed)\n", VMXCHECK_MAX_FAILURES);
}

/* Every assumed field, grouped by reason, wrapped. */
static void assumptions(FILE *out, const struct report *rep)
{
    const struct assumed *a = rep->a;
    fprintf(out, "\nassumed (the dump does not show these; %u fields):\n", a->n);
    for (unsigned i = 0; i < a->nfacts; i++)
        fprintf(out, "  - %s\n", a->fact[i]);
    for (int why = 0; why < WHY_COUNT; why++) {
        size_t col = 0;
        for (unsigned i = 0; i < a->n; i++) {
            if (a->a[i].why != why)
                continue;
            if (!col) {
                fprintf(out, "  %s:\n   ", assume_why_text((enum assume_why)why));
                col = 3;
            }
            char item[80];
            int k = snprintf(item, sizeof item, " %s=0x%llx", vmcs_field_name(a->a[i].field),
                             (unsigned long long)a->a[i].value);
            if (col + (size_t)k > 100) {
                fprintf(out, "\n   ");
                col = 3;
            }
            fputs(item, out);
            col += (size_t)k;
        }
        if (col)
            fputc('\n', out);
    }
}

static void capabilities(FILE *out, const struct report *rep)
{
    const struct capspec *c = rep->caps;
    fprintf(out, "\ncapabilities: %s%s\n",
            c->source == CAPSPEC_PROFILE ? "profile " : c->source == CAPSPEC_FILE ? "file " : "",
            c->name);
    for (unsigned i = 0; i < c->nnotes; i++)
        fprintf(out, "  - %s\n", c->note[i]);
}

void report_text(FILE *out, const struct report *rep)
{
    header(out, rep);
    failures(out, rep);
    assumptions(out, rep);
    capabilities(out, rep);
}
