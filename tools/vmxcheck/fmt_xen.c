/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Xen's VMCS dump, "(XEN) *** Guest State ***" and on: the dump_vmcs rows
 * both hypervisors share, Xen's own labels, its segment table
 *
 *   (XEN)        sel  attr  limit   base
 *   (XEN)   CS: f000 0009b 0000ffff 00000000ffff0000
 *   (XEN) GDTR:            0000ffff 0000000000000000
 *
 * and the lines Xen prints about the failure itself:
 *
 *   (XEN) d2v0 VMLAUNCH error: 0x7
 *   (XEN) d24v1 vmentry failure (reason 0x80000022): MSR loading (entry 1)
 *   (XEN)   msr 000001dd val 1ffff80676f52be5 (mbz 0)
 *
 * Xen numbers the failing MSR-load entry from 0 ("entry 1" is the second
 * entry, exit qualification 2).
 */
#include "kvstyle.h"

#include <string.h>

#include "vmm/types.h"

#define ROW(sec, label, key, field) {sec, KV_PLAIN, VMCS_##field, 0, label, key}

static const struct kv_row xen_rows[] = {
    ROW(KV_GUEST, "", "EFER(VMCS)", GUEST_IA32_EFER),
    ROW(KV_GUEST, "", "PreemptionTimer", VMX_PREEMPTION_TIMER_VALUE),
    ROW(KV_GUEST, "", "SM Base", GUEST_SMBASE),
    ROW(KV_GUEST, "", "InterruptStatus", GUEST_INTR_STATUS),
    ROW(KV_GUEST, "", "S_CET", GUEST_S_CET),
    ROW(KV_GUEST, "", "SSP", GUEST_SSP),
    ROW(KV_GUEST, "", "Interrupt SSP table", GUEST_INTR_SSP_TABLE),
};

/* The segment table: which fields each row's columns fill. */
static const struct {
    const char *name;
    enum vmcs_field_id sel, attr, limit, base;
} seg_rows[] = {
    {"CS:", VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_CS_AR_BYTES, VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_BASE},
    {"DS:", VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_DS_AR_BYTES, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_BASE},
    {"SS:", VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_SS_AR_BYTES, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_BASE},
    {"ES:", VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_ES_AR_BYTES, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_BASE},
    {"FS:", VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_FS_AR_BYTES, VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_BASE},
    {"GS:", VMCS_GUEST_GS_SELECTOR, VMCS_GUEST_GS_AR_BYTES, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_BASE},
    {"LDTR:", VMCS_GUEST_LDTR_SELECTOR, VMCS_GUEST_LDTR_AR_BYTES, VMCS_GUEST_LDTR_LIMIT,
     VMCS_GUEST_LDTR_BASE},
    {"TR:", VMCS_GUEST_TR_SELECTOR, VMCS_GUEST_TR_AR_BYTES, VMCS_GUEST_TR_LIMIT, VMCS_GUEST_TR_BASE},
    {"GDTR:", VMCS_NO_FIELD, VMCS_NO_FIELD, VMCS_GUEST_GDTR_LIMIT, VMCS_GUEST_GDTR_BASE},
    {"IDTR:", VMCS_NO_FIELD, VMCS_NO_FIELD, VMCS_GUEST_IDTR_LIMIT, VMCS_GUEST_IDTR_BASE},
};

/* Up to `max` blank-separated hex columns; returns how many, -1 on a bad one. */
static int columns(struct span s, uint64_t *v, int max)
{
    int n = 0;
    for (s = span_trim(s); s.n; s = span_trim(s)) {
        size_t k = token_len(s, "");
        if (n == max || !parse_hex(span_of(s.p, k), &v[n]))
            return -1;
        n++;
        s = span_skip(s, k);
    }
    return n;
}

static int seg_row(struct kv_state *st, struct span s, unsigned line, struct vmxdump_error *err)
{
    for (size_t i = 0; i < sizeof seg_rows / sizeof seg_rows[0]; i++) {
        if (!span_starts(s, seg_rows[i].name))
            continue;
        bool dtr = seg_rows[i].sel == VMCS_NO_FIELD;
        uint64_t v[4];
        int n = columns(span_skip(s, strlen(seg_rows[i].name)), v, 4);
        if (n != (dtr ? 2 : 4))
            return dump_fail(err, line, "segment-table row %s needs %d columns", seg_rows[i].name,
                             dtr ? 2 : 4);
        const enum vmcs_field_id f[4] = {seg_rows[i].sel, seg_rows[i].attr, seg_rows[i].limit,
                                         seg_rows[i].base};
        for (int c = dtr ? 2 : 0, k = 0; c < 4; c++, k++)
            if (dump_set(st->d, f[c], v[k], line, err) != VMM_OK)
                return VMM_E_INVAL;
        return 1;
    }
    return 0;
}

/* The hex number right after `lit` in s, if lit occurs. */
static bool number_after(struct span s, const char *lit, uint64_t *v)
{
    long at = span_find(s, lit);
    if (at < 0)
        return false;
    struct span t = span_trim(span_skip(s, (size_t)at + strlen(lit)));
    return parse_hex(span_of(t.p, token_len(t, "):,.")), v);
}

static int failure_lines(struct kv_state *st, struct span s, unsigned line,
                         struct vmxdump_error *err)
{
    uint64_t v = 0, w = 0, m = 0;
    if (number_after(s, "VMLAUNCH error:", &v) || number_after(s, "VMRESUME error:", &w)) {
        bool launch = span_find(s, "VMLAUNCH") >= 0;
        dump_state_vmfail(st->d, launch ? VMXDUMP_INSN_VMLAUNCH : VMXDUMP_INSN_VMRESUME,
                          (uint32_t)(launch ? v : w), line);
        return 1;
    }
    if (number_after(s, "vmentry failure (reason", &v)) {
        dump_state_exit(st->d, (uint32_t)v, line);
        if (number_after(s, "(entry", &w) && w < 0x10000) {
            st->aux = (long)w;
            dump_state_qualification(st->d, w + 1);
        }
        return 1;
    }
    if (span_starts(s, "msr ") && span_find(s, " val ") > 0) {
        struct span t = span_trim(span_skip(s, 4));
        size_t k = token_len(t, "");
        if (!parse_hex(span_of(t.p, k), &v) || v > 0xffffffffull || !number_after(s, " val ", &w))
            return dump_fail(err, line, "malformed MSR-load failure line");
        if (span_find(s, "(mbz") >= 0 && (!number_after(s, "(mbz", &m) || m > 0xffffffffull))
            return dump_fail(err, line, "malformed MSR-load failure line");
        uint32_t slot = st->aux >= 0 ? (uint32_t)st->aux : 0;
        if (dump_add_msr(st->d, VMXDUMP_MSRS_ENTRY_LOAD, slot, (uint32_t)v, (uint32_t)m, w, line,
                         err) != VMM_OK)
            return VMM_E_INVAL;
        return 1;
    }
    return 0;
}

static int xen_hook(struct kv_state *st, struct span s, unsigned line, struct vmxdump_error *err)
{
    if (span_find(s, "sel") >= 0 && span_find(s, "attr") >= 0 && span_find(s, "limit") >= 0 &&
        span_find(s, "base") >= 0 && span_find(s, "=") < 0) {
        st->seg_table = true;
        return 1;
    }
    if (st->seg_table && st->section == KV_GUEST) {
        int r = seg_row(st, s, line, err);
        if (r != 0)
            return r;
    }
    return failure_lines(st, s, line, err);
}

static const struct kv_format xen_format = {
    .format = VMXDUMP_XEN,
    .rows = {kv_common_rows, xen_rows},
    .nrows = {0, sizeof xen_rows / sizeof xen_rows[0]},
    .hook = xen_hook,
};

int parse_xen(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err)
{
    struct kv_format f = xen_format;
    f.nrows[0] = kv_common_row_count;
    return kv_parse(&f, text, len, out, err);
}
