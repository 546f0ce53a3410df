/* SPDX-License-Identifier: Apache-2.0 */
/* vmxcheck's options, input reading, capability choice and exit status. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "vmm/types.h"

#define MAX_INPUT (256u << 20)

static const char usage[] =
    "usage: vmxcheck [--caps PROFILE|FILE] [--all] [--json] [--format F] [--sdm-chapter N] "
    "FILE|-\n"
    "\n"
    "Explains a failed VM entry: reads a VMCS dump and says which Intel SDM rule it breaks.\n"
    "\n"
    "  FILE             the dump (- reads standard input): Linux KVM dump_vmcs() output, a Xen\n"
    "                   VMCS dump, QEMU's register dump after \"KVM: entry failed\", a JSON\n"
    "                   object of VMCS fields (or a vmxcheck --json report), libvmm's dump,\n"
    "                   or XMHF's dumps, traces and gdb printouts; the format is detected\n"
    "  --format F       read FILE as F: kvm xen qemu json libvmm xmhf xmhf-trace gdb\n"
    "  --caps X         the processor's capabilities: a profile (bochs-skylake-x, minimal,\n"
    "                   modern, or guess) or a file with one \"0x480 0x00da040000000012\" line\n"
    "                   per capability MSR (480H..493H) and optional \"maxphyaddr 46\",\n"
    "                   \"linear 48\", \"cpuid smx la57 ...\" lines\n"
    "  --all            list every broken rule, and the checks that fail only through\n"
    "                   assumed values\n"
    "  --json           print a machine-readable report (its \"fields\" read back as a dump)\n"
    "  --sdm-chapter N  cite SDM sections with \"VM Entries\" as chapter N: 26 (2016-2022\n"
    "                   editions, the default), 27, 28 or 29 (2026 editions)\n"
    "\n"
    "Fields the dump does not show are filled with values consistent with the ones it shows\n"
    "(a valid 64-bit host, controls negotiated from the capabilities, IA-32e mode from\n"
    "EFER.LMA, link pointer ~0, ...) and every assumption is printed. A rule that reads only\n"
    "assumed values is listed apart, never as broken.\n"
    "\n"
    "Default capabilities (--caps guess): the processor a dump came from is unknown, so\n"
    "vmxcheck guesses from the dump. Its controls were negotiated against that processor, so\n"
    "every control is allowed (the \"modern\" profile; use --caps to check them against a real\n"
    "CPU). But the capability bits real failures hinge on take their restrictive side: no\n"
    "zero-length software-event injection (IA32_VMX_MISC[30] = 0), error codes checked on\n"
    "injected exceptions (IA32_VMX_BASIC[56] = 0), no SMX, 48-bit linear addresses unless a\n"
    "CR4 in the dump has LA57, MAXPHYADDR 46. Findings that only these restrictions produce\n"
    "are marked. \"modern\" alone would hide exactly those failures; a fixed older profile\n"
    "would reject controls the dump's processor did support.\n"
    "\n"
    "Exit status: 0 no rule broken, 1 a rule is broken, 2 unreadable input or bad usage.\n";

struct options {
    const char *caps, *format, *file;
    bool all, json;
    unsigned chapter;
};

static int parse_args(int argc, char **argv, struct options *o, FILE *err)
{
    *o = (struct options){.chapter = 26};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "--all")) {
            o->all = true;
        } else if (!strcmp(a, "--json")) {
            o->json = true;
        } else if (!strcmp(a, "--caps") && more) {
            o->caps = argv[++i];
        } else if (!strcmp(a, "--format") && more) {
            o->format = argv[++i];
        } else if (!strcmp(a, "--sdm-chapter") && more) {
            const char *n = argv[++i];
            o->chapter = !strcmp(n, "26") ? 26 : !strcmp(n, "27") ? 27
                         : !strcmp(n, "28") ? 28 : !strcmp(n, "29") ? 29 : 0;
            if (!o->chapter) {
                fprintf(err, "vmxcheck: --sdm-chapter takes 26, 27, 28 or 29\n");
                return 2;
            }
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, err);
            return 2;
        } else if ((a[0] != '-' || !strcmp(a, "-")) && !o->file) {
            o->file = a;
        } else {
            fprintf(err, "vmxcheck: unexpected argument \"%s\"\n\n%s", a, usage);
            return 2;
        }
    }
    if (!o->file) {
        fputs(usage, err);
        return 2;
    }
    return 0;
}

/* The whole of a stream, NUL-terminated (for convenience; parsers use the length). */
static char *slurp(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *b = cap >= MAX_INPUT ? NULL : realloc(buf, cap * 2);
            if (!b) {
                free(buf);
                return NULL;
            }
            buf = b;
            cap *= 2;
        }
        size_t k = fread(buf + n, 1, cap - n - 1, f);
        n += k;
        if (k == 0)
            break;
    }
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

static char *read_input(const char *path, FILE *in, size_t *len, FILE *err)
{
    /* Under `bazel run`, a relative name is relative to where the user ran it. */
    char full[4096];
    const char *wd = getenv("BUILD_WORKING_DIRECTORY");
    if (wd && path[0] != '/' && strcmp(path, "-") &&
        (size_t)snprintf(full, sizeof full, "%s/%s", wd, path) < sizeof full)
        path = full;
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : in;
    if (!f) {
        fprintf(err, "vmxcheck: cannot open %s\n", path);
        return NULL;
    }
    char *text = slurp(f, len);
    bool bad = ferror(f);
    if (f != in)
        fclose(f);
    if (!text || bad) {
        fprintf(err, "vmxcheck: cannot read %s%s\n", path, text ? "" : " (over 256 MiB?)");
        free(text);
        return NULL;
    }
    return text;
}

static int choose_caps(const struct options *o, const struct vmxdump *d, struct capspec *c,
                       FILE *in, FILE *err)
{
    struct vmxdump_error e = {0};
    if (!o->caps || !strcmp(o->caps, "guess")) {
        if (capspec_guess(d, c, &e) == VMM_OK)
            return 0;
    } else if (vmx_profile_find(o->caps)) {
        if (capspec_from_profile(o->caps, c, &e) == VMM_OK)
            return 0;
    } else {
        size_t len;
        char *text = read_input(o->caps, in, &len, err);
        if (!text) {
            fprintf(err, "vmxcheck: --caps: no profile named \"%s\" either; profiles:", o->caps);
            for (size_t i = 0; i < vmx_profile_count; i++)
                fprintf(err, " %s", vmx_profiles[i].name);
            fprintf(err, " guess\n");
            return 2;
        }
        int rc = capspec_from_text(text, len, o->caps, c, &e);
        free(text);
        if (rc == VMM_OK)
            return 0;
        fprintf(err, "vmxcheck: %s:%u: %s\n", o->caps, e.line, e.message);
        return 2;
    }
    fprintf(err, "vmxcheck: capabilities: %s\n", e.message);
    return 2;
}

struct work {
    struct vmxdump d;
    struct capspec caps;
    struct assumed a;
    struct vmxcheck_result r;
};

static int run(const struct options *o, struct work *w, FILE *in, FILE *out, FILE *err)
{
    enum vmxdump_format fmt = VMXDUMP_AUTO;
    if (o->format && (fmt = vmxdump_format_by_name(o->format)) == VMXDUMP_FORMAT_COUNT) {
        fprintf(err, "vmxcheck: unknown format \"%s\"\n", o->format);
        return 2;
    }
    size_t len = 0;
    char *text = read_input(o->file, in, &len, err);
    if (!text)
        return 2;
    struct vmxdump_error e;
    int rc = vmxdump_parse_as(text, len, fmt, &w->d, &e);
    free(text);
    if (rc != VMM_OK) {
        fprintf(err, "vmxcheck: %s:%u: %s\n", o->file, e.line, e.message);
        if (o->json) {
            fprintf(out, "{\"tool\": \"vmxcheck\", \"error\": {\"line\": %u, \"message\": \"", e.line);
            for (const char *p = e.message; *p; p++)
                fprintf(out, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
            fprintf(out, "\"}, \"exit_code\": 2}\n");
        }
        return 2;
    }
    if ((rc = choose_caps(o, &w->d, &w->caps, in, err)) != 0)
        return rc;
    if (vmxcheck_run(&w->d, &w->caps, &w->a, &w->r) != VMM_OK) {
        fprintf(err, "vmxcheck: the validator refused its input\n");
        return 2;
    }
    struct report rep = {.input = o->file, .all = o->all, .chapter = o->chapter, .d = &w->d,
                         .caps = &w->caps, .a = &w->a, .r = &w->r};
    if (o->json)
        report_json(out, &rep);
    else
        report_text(out, &rep);
    return vmxcheck_exit_code(&w->r);
}

int vmxcheck_main(int argc, char **argv, FILE *in, FILE *out, FILE *err)
{
    struct options o;
    int rc = parse_args(argc, argv, &o, err);
    if (rc)
        return rc;
    struct work *w = calloc(1, sizeof *w);
    if (!w) {
        fprintf(err, "vmxcheck: out of memory\n");
        return 2;
    }
    rc = run(&o, w, in, out, err);
    free(w);
    return rc;
}
