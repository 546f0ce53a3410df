/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Linux KVM's dump_vmcs() output, as it appears in kernel logs: with or
 * without timestamps and "kvm_intel:" tags. Besides the rows both dump_vmcs
 * families share, KVM prints CET state, the #VE information address and
 * the MSR autoload lists ("MSR guest autoload:" then "0: msr=... value=...").
 */
#include "kvstyle.h"

#include <string.h>

#include "vmm/types.h"

#define ROW(sec, label, key, field) {sec, KV_PLAIN, VMCS_##field, 0, label, key}

static const struct kv_row kvm_rows[] = {
    ROW(KV_GUEST, "", "S_CET", GUEST_S_CET),
    ROW(KV_GUEST, "", "SSP", GUEST_SSP),
    ROW(KV_GUEST, "", "INTR SSP", GUEST_INTR_SSP_TABLE),
    ROW(KV_GUEST, "", "PKRS", GUEST_IA32_PKRS),
    ROW(KV_HOST, "", "S_CET", HOST_S_CET),
    ROW(KV_HOST, "", "SSP", HOST_SSP),
    ROW(KV_HOST, "", "INTR SSP", HOST_INTR_SSP_TABLE),
    ROW(KV_HOST, "", "PKRS", HOST_IA32_PKRS),
    ROW(KV_CONTROL, "", "VE info address", VE_INFORMATION_ADDRESS),
    ROW(KV_CONTROL, "", "Notify window", NOTIFY_WINDOW),
};

/* The MSR lists KVM prints, and the VMCS count field each one mirrors. */
static const struct {
    const char *title;
    enum vmxdump_msr_list list;
} msr_lists[] = {
    {"MSR guest autoload:", VMXDUMP_MSRS_ENTRY_LOAD},
    {"MSR guest autostore:", VMXDUMP_MSRS_EXIT_STORE},
    {"MSR host autoload:", VMXDUMP_MSRS_EXIT_LOAD},
};

/* "3: msr=0x00000600 value=0x0000000000000000" */
static int msr_entry(struct kv_state *st, struct span s, unsigned line, struct vmxdump_error *err)
{
    size_t k = token_len(s, ":");
    uint64_t slot, msr, value;
    if (k == 0 || k >= s.n || s.p[k] != ':' || !parse_uint(span_of(s.p, k), &slot))
        return 0;
    struct span rest = span_trim(span_skip(s, k + 1));
    if (!span_starts(rest, "msr="))
        return 0;
    rest = span_skip(rest, 4);
    size_t mn = token_len(rest, "");
    struct span v = span_trim(span_skip(rest, mn));
    if (!parse_hex(span_of(rest.p, mn), &msr) || !span_starts(v, "value=") ||
        !parse_hex(span_skip(v, 6), &value) || msr > 0xffffffffull || slot > 0xffffffffull)
        return dump_fail(err, line, "malformed MSR-list entry");
    return dump_add_msr(st->d, (enum vmxdump_msr_list)st->msr_list, (uint32_t)slot,
                        (uint32_t)msr, 0, value, line, err) == VMM_OK
               ? 1
               : VMM_E_INVAL;
}

static int kvm_hook(struct kv_state *st, struct span s, unsigned line, struct vmxdump_error *err)
{
    for (size_t i = 0; i < sizeof msr_lists / sizeof msr_lists[0]; i++)
        if (span_starts(s, msr_lists[i].title)) {
            st->msr_list = (int)msr_lists[i].list;
            return 1;
        }
    if (st->msr_list < 0)
        return 0;
    int r = msr_entry(st, s, line, err);
    if (r == 0)
        st->msr_list = -1;
    return r;
}

static const struct kv_format kvm_format = {
    .format = VMXDUMP_KVM,
    .rows = {kv_common_rows, kvm_rows},
    .nrows = {0, sizeof kvm_rows / sizeof kvm_rows[0]},
    .hook = kvm_hook,
};

/* KVM prints each list in full from the count it wrote: the counts are given too. */
static int mirror_counts(struct vmxdump *d, struct vmxdump_error *err)
{
    static const enum vmcs_field_id count_of[VMXDUMP_MSR_LIST_COUNT] = {
        [VMXDUMP_MSRS_ENTRY_LOAD] = VMCS_VM_ENTRY_MSR_LOAD_COUNT,
        [VMXDUMP_MSRS_EXIT_STORE] = VMCS_VM_EXIT_MSR_STORE_COUNT,
        [VMXDUMP_MSRS_EXIT_LOAD] = VMCS_VM_EXIT_MSR_LOAD_COUNT,
    };
    for (int l = 0; l < VMXDUMP_MSR_LIST_COUNT; l++)
        if (d->msrs[l].n && !vmxdump_given(d, count_of[l]) &&
            dump_set(d, count_of[l], d->msrs[l].n, 0, err) != VMM_OK)
            return VMM_E_INVAL;
    return VMM_OK;
}

int parse_kvm(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err)
{
    struct kv_format f = kvm_format;
    f.nrows[0] = kv_common_row_count;
    int rc = kv_parse(&f, text, len, out, err);
    return rc != VMM_OK ? rc : mirror_counts(out, err);
}
