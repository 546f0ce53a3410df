/* SPDX-License-Identifier: Apache-2.0 */
/*
 * XMHF's CR0-intercept trace: what the hypervisor changed in the VMCS on
 * each guest MOV to CR0, followed at some point by the entry failure:
 *
 *   [cr0-01] new gstCR0: 0x0000000080010021
 *   [cr0-01] new entctl: 0x00000000000013ff
 *   [int-01] TR_acc_rts: 0x0000000000000083
 *   VM-ENTRY error: reason=0x80000021, qualification=0x0000000000000000
 *
 * The VMCS at the failure is each field's last value before the failure
 * line; a field the trace only shows after that line takes its first later
 * value (traces of the same code path printed later), and a note says so.
 * "old ..." and "requested" lines are history, not VMCS contents.
 */
#include <string.h>

#include "parse_util.h"
#include "vmm/types.h"

static const struct {
    const char *key;
    enum vmcs_field_id field;
} keys[] = {
    {"new gstCR0", VMCS_GUEST_CR0},
    {"new shadow", VMCS_CR0_READ_SHADOW},
    {"new entctl", VMCS_VM_ENTRY_CONTROLS},
    {"mask", VMCS_CR0_GUEST_HOST_MASK},
    {"guest efer", VMCS_GUEST_IA32_EFER},
    {"TR_acc_rts", VMCS_GUEST_TR_AR_BYTES},
};

int parse_xmhf_trace(const char *text, size_t len, struct vmxdump *out,
                     struct vmxdump_error *err)
{
    struct line_iter it;
    struct span raw;
    unsigned failure = 0;
    lines_init(&it, text, len);
    while (lines_next(&it, &raw)) {
        struct span s = strip_log_prefix(raw, NULL);
        long at = span_find(s, "VM-ENTRY error: reason=");
        if (at >= 0) {
            struct span t = span_skip(s, (size_t)at + 23);
            uint64_t v, q;
            if (!parse_uint(span_of(t.p, token_len(t, ",")), &v) || v > 0xffffffffull)
                return dump_fail(err, it.no, "bad VM-ENTRY error reason");
            if (!failure) {
                failure = it.no;
                dump_state_exit(out, (uint32_t)v, it.no);
                long qa = span_find(t, "qualification=");
                if (qa >= 0) {
                    struct span qs = span_skip(t, (size_t)qa + 14);
                    if (!parse_uint(span_of(qs.p, token_len(qs, ",")), &q))
                        return dump_fail(err, it.no, "bad VM-ENTRY error qualification");
                    dump_state_qualification(out, q);
                }
            }
            continue;
        }
        if (s.n < 4 || s.p[0] != '[' || span_find(s, "]") < 0)
            continue;
        s = span_trim(span_skip(s, (size_t)span_find(s, "]") + 1));
        long colon = span_find(s, ":");
        if (colon <= 0)
            continue;
        struct span key = span_trim(span_of(s.p, (size_t)colon));
        struct span val = span_trim(span_skip(s, (size_t)colon + 1));
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            if (!span_eq(key, keys[i].key))
                continue;
            uint64_t v;
            if (!parse_hex(val, &v))
                return dump_fail(err, it.no, "bad value for %s", keys[i].key);
            if (failure && vmxdump_given(out, keys[i].field))
                break; /* after the failure: only fields not seen before */
            if (failure)
                dump_note(out, "%s taken from line %u, after the failure (line %u)",
                          vmcs_field_name(keys[i].field), it.no, failure);
            if (dump_set(out, keys[i].field, v, it.no, err) != VMM_OK)
                return VMM_E_INVAL;
            break;
        }
    }
    out->lines = it.no;
    return VMM_OK;
}
