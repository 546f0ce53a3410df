/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capabilities for vmxcheck: profile, file, or a guess from the dump.
 *
 * The guess. A dump does not say which processor it came from, but its
 * controls were negotiated against that processor by a working hypervisor,
 * so vmxcheck starts from the "modern" profile, which allows every control
 * (a control the real CPU lacks is then not reported: pass --caps for
 * that). On top it assumes the restrictive side of the capability bits
 * that differ between processors and that real failures hinge on:
 *   - IA32_VMX_BASIC[56] = 0: injected hardware exceptions must get the
 *     deliver-error-code bit right (only recent CPUs relax this);
 *   - IA32_VMX_MISC[30] = 0: injected software events need an instruction
 *     length of 1..15;
 *   - no SMX: CR4.SMXE (bit 14) must be 0, unless the host's CR4 has it;
 *   - 48-bit linear addresses (canonical checks), unless the host's or the
 *     guest's CR4.LA57 is set;
 *   - MAXPHYADDR 46.
 * and takes any capability value the dump itself states (gdb fixed0/
 * fixed1). Every finding that appears only because of these restrictions
 * is marked, using a permissive twin of the guess.
 */
#include "capspec.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parse_util.h"
#include "vmm/types.h"

#define BASIC_NO_ERRCODE_CHECK (1ull << 56)
#define MISC_ZERO_LEN_INJECTION (1ull << 30)
#define CR4_LA57 (1ull << 12)
#define CR4_SMXE (1ull << 14)

static const char *const cpuid_names[VMM_CPUID_FEATURE_COUNT] = {
    [VMM_CPUID_FRED] = "fred",     [VMM_CPUID_LA57] = "la57",   [VMM_CPUID_PCID] = "pcid",
    [VMM_CPUID_RTM] = "rtm",       [VMM_CPUID_CET_SS] = "cet_ss", [VMM_CPUID_CET_IBT] = "cet_ibt",
    [VMM_CPUID_PKS] = "pks",       [VMM_CPUID_MPX] = "mpx",     [VMM_CPUID_PT] = "pt",
    [VMM_CPUID_ARCH_LBR] = "arch_lbr", [VMM_CPUID_SGX] = "sgx", [VMM_CPUID_SMX] = "smx",
    [VMM_CPUID_UINTR] = "uintr", [VMM_CPUID_SPEC_CTRL] = "spec_ctrl",
};

const char *capspec_cpuid_name(unsigned feature)
{
    return feature < VMM_CPUID_FEATURE_COUNT ? cpuid_names[feature] : NULL;
}

static void note(struct capspec *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct capspec *c, const char *fmt, ...)
{
    if (c->nnotes >= CAPSPEC_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->note[c->nnotes++], CAPSPEC_NOTE_LEN, fmt, ap);
    va_end(ap);
}

static int finish(struct capspec *c, struct vmxdump_error *err, unsigned line)
{
    struct vmx_caps_error ce;
    if (vmx_caps_parse(&c->raw, &c->caps, &ce) != VMM_OK)
        return dump_fail(err, line, "capabilities rejected: %s %s", vmx_cap_msr_name(ce.msr),
                         ce.reason);
    return VMM_OK;
}

int capspec_from_profile(const char *name, struct capspec *out, struct vmxdump_error *err)
{
    memset(out, 0, sizeof *out);
    const struct vmx_profile *p = vmx_profile_find(name);
    if (!p) {
        dump_fail(err, 0, "no capability profile or file named \"%s\"", name);
        return VMM_E_NOENT;
    }
    out->source = CAPSPEC_PROFILE;
    snprintf(out->name, sizeof out->name, "%s", name);
    out->raw = *p->raw;
    return finish(out, err, 0);
}

/* The capability MSR a token names: "0x480", "480", "480H" or "IA32_VMX_BASIC". */
static bool msr_token(struct span t, enum vmx_cap_msr *m)
{
    for (int i = 0; i < VMX_CAP_MSR_COUNT; i++)
        if (span_eq(t, vmx_cap_msr_name((enum vmx_cap_msr)i))) {
            *m = (enum vmx_cap_msr)i;
            return true;
        }
    if (t.n && (t.p[t.n - 1] == 'h' || t.p[t.n - 1] == 'H'))
        t.n--;
    uint64_t v;
    if (!parse_hex(t, &v) || v < VMX_CAP_MSR_BASE || v >= VMX_CAP_MSR_BASE + VMX_CAP_MSR_COUNT)
        return false;
    *m = (enum vmx_cap_msr)(v - VMX_CAP_MSR_BASE);
    return true;
}

static struct span next_token(struct span *s)
{
    *s = span_trim(*s);
    size_t k = token_len(*s, "");
    struct span t = span_of(s->p, k);
    *s = span_skip(*s, k);
    return t;
}

static int cpuid_line(struct capspec *c, struct span rest, unsigned line, struct vmxdump_error *err)
{
    for (struct span t = next_token(&rest); t.n; t = next_token(&rest)) {
        bool found = false;
        for (unsigned f = 0; f < VMM_CPUID_FEATURE_COUNT; f++)
            if (span_eq(t, cpuid_names[f])) {
                c->raw.cpuid_features |= VMM_CPUID_BIT(f);
                found = true;
            }
        if (!found)
            return dump_fail(err, line, "unknown CPUID feature \"%.*s\"",
                             (int)(t.n > 30 ? 30 : t.n), t.p);
    }
    return VMM_OK;
}

int capspec_from_text(const char *text, size_t len, const char *name, struct capspec *out,
                      struct vmxdump_error *err)
{
    memset(out, 0, sizeof *out);
    out->source = CAPSPEC_FILE;
    snprintf(out->name, sizeof out->name, "%s", name ? name : "-");
    bool have_phys = false, have_linear = false;
    struct line_iter it;
    struct span s;
    lines_init(&it, text, len);
    while (lines_next(&it, &s)) {
        long hash = span_find(s, "#");
        if (hash >= 0)
            s.n = (size_t)hash;
        struct span rest = s, a = next_token(&rest), b = next_token(&rest);
        if (!a.n)
            continue;
        uint64_t v;
        enum vmx_cap_msr m;
        if (span_eq(a, "cpuid")) {
            if (cpuid_line(out, span_of(b.p, (size_t)(rest.p + rest.n - b.p)), it.no, err))
                return VMM_E_INVAL;
            continue;
        }
        if (next_token(&rest).n)
            return dump_fail(err, it.no, "expected \"MSR VALUE\", \"maxphyaddr N\" or \"linear N\"");
        if (span_eq(a, "maxphyaddr") || span_eq(a, "linear")) {
            if (!parse_uint(b, &v) || v > 64)
                return dump_fail(err, it.no, "bad width");
            if (a.p[0] == 'm')
                out->raw.phys_addr_width = (uint8_t)v, have_phys = true;
            else
                out->raw.linear_addr_width = (uint8_t)v, have_linear = true;
            continue;
        }
        if (!msr_token(a, &m))
            return dump_fail(err, it.no, "\"%.*s\" is not a VMX capability MSR (480H..493H)",
                             (int)(a.n > 30 ? 30 : a.n), a.p);
        if (!parse_hex(b, &v))
            return dump_fail(err, it.no, "bad value for %s", vmx_cap_msr_name(m));
        out->raw.msr[m] = v;
        out->raw.msr_present |= 1u << m;
    }
    if (!have_phys) {
        out->raw.phys_addr_width = 46;
        note(out, "no \"maxphyaddr\" line: physical-address width assumed 46");
    }
    if (!have_linear) {
        out->raw.linear_addr_width = 48;
        note(out, "no \"linear\" line: linear-address width assumed 48");
    }
    char absent[VMX_CAP_MSR_COUNT * 8] = "";
    for (int i = 0; i < VMX_CAP_MSR_COUNT; i++)
        if (!((out->raw.msr_present >> i) & 1)) {
            size_t l = strlen(absent);
            snprintf(absent + l, sizeof absent - l, "%s%XH", l ? " " : "", VMX_CAP_MSR_BASE + i);
        }
    if (absent[0])
        note(out, "MSRs not in the file (treated as not readable): %s", absent);
    return finish(out, err, it.no ? it.no : 1);
}

/* The word's plain and TRUE capability MSRs. */
static const struct {
    enum vmm_ctl_kind kind;
    enum vmx_cap_msr plain, true_msr;
} hint_msrs[] = {
    {VMM_CTL_PIN, VMX_MSR_PINBASED_CTLS, VMX_MSR_TRUE_PINBASED_CTLS},
    {VMM_CTL_PROC, VMX_MSR_PROCBASED_CTLS, VMX_MSR_TRUE_PROCBASED_CTLS},
    {VMM_CTL_EXIT, VMX_MSR_EXIT_CTLS, VMX_MSR_TRUE_EXIT_CTLS},
    {VMM_CTL_ENTRY, VMX_MSR_ENTRY_CTLS, VMX_MSR_TRUE_ENTRY_CTLS},
};

static void apply_hints(const struct vmxdump *d, struct vmx_raw_caps *raw, struct capspec *c)
{
    for (size_t i = 0; i < sizeof hint_msrs / sizeof hint_msrs[0]; i++) {
        const struct vmxdump_ctl_hint *h = &d->ctl_hint[hint_msrs[i].kind];
        if (!h->present)
            continue;
        uint64_t lo = h->allowed0 & 0xffffffffu, hi = h->allowed1 & 0xffffffffu;
        uint64_t plain_lo = (raw->msr[hint_msrs[i].plain] & 0xffffffffu) | lo;
        raw->msr[hint_msrs[i].true_msr] = hi << 32 | lo;
        raw->msr[hint_msrs[i].plain] = (hi | plain_lo) << 32 | plain_lo;
        if (c)
            note(c, "%s controls: allowed-0 0x%llx, allowed-1 0x%llx, as the dump states",
                 vmm_ctl_kind_name(hint_msrs[i].kind), (unsigned long long)lo,
                 (unsigned long long)hi);
    }
}

static bool cr4_bit(const struct vmxdump *d, enum vmcs_field_id f, uint64_t bit)
{
    return vmxdump_given(d, f) && (vmcs_get(&d->vmcs, f) & bit);
}

int capspec_guess(const struct vmxdump *d, struct capspec *out, struct vmxdump_error *err)
{
    memset(out, 0, sizeof *out);
    out->source = CAPSPEC_GUESS;
    snprintf(out->name, sizeof out->name, "guessed from the dump");
    const struct vmx_profile *base = vmx_profile_find("modern");
    if (!base)
        return dump_fail(err, 0, "internal: no \"modern\" profile");

    /* The permissive twin: modern plus what the dump states. */
    struct vmx_raw_caps loose = *base->raw;
    apply_hints(d, &loose, NULL);
    struct vmx_caps_error ce;
    out->has_permissive = vmx_caps_parse(&loose, &out->permissive, &ce) == VMM_OK;

    out->raw = loose;
    note(out, "base: the \"modern\" profile (every control allowed; pass --caps to check the "
              "controls against a real processor)");
    apply_hints(d, &out->raw, out);
    out->raw.msr[VMX_MSR_BASIC] &= ~BASIC_NO_ERRCODE_CHECK;
    note(out, "IA32_VMX_BASIC[56] = 0: injected hardware exceptions are checked for the "
              "deliver-error-code bit");
    out->raw.msr[VMX_MSR_MISC] &= ~MISC_ZERO_LEN_INJECTION;
    note(out, "IA32_VMX_MISC[30] = 0: injected software events need an instruction length "
              "of 1..15");
    if (cr4_bit(d, VMCS_HOST_CR4, CR4_SMXE)) {
        note(out, "SMX available (the host's CR4.SMXE is set)");
    } else {
        out->raw.msr[VMX_MSR_CR4_FIXED1] &= ~CR4_SMXE;
        out->raw.cpuid_features &= ~VMM_CPUID_BIT(VMM_CPUID_SMX);
        note(out, "no SMX: IA32_VMX_CR4_FIXED1[14] = 0 (CR4.SMXE must be 0)");
    }
    if (cr4_bit(d, VMCS_HOST_CR4, CR4_LA57) || cr4_bit(d, VMCS_GUEST_CR4, CR4_LA57)) {
        out->raw.linear_addr_width = 57;
        note(out, "57-bit linear addresses (CR4.LA57 is set in the dump)");
    } else {
        out->raw.linear_addr_width = 48;
        out->raw.msr[VMX_MSR_CR4_FIXED1] &= ~CR4_LA57;
        out->raw.cpuid_features &= ~VMM_CPUID_BIT(VMM_CPUID_LA57);
        note(out, "48-bit linear addresses for canonical checks (CR4.LA57 is not set in the "
                  "dump)");
    }
    out->raw.phys_addr_width = 46;
    note(out, "MAXPHYADDR 46");
    return finish(out, err, 0);
}
