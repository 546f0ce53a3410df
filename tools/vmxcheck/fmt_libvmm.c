/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libvmm's own dump, vmcs_image_dump():
 *
 *   # Guest-state fields
 *   GUEST_CR0                       (0x6800) = 0x0000000080000031
 *
 * "# ..." headings and blank lines are skipped; the encoding in
 * parentheses is optional but, when present, must be the named field's.
 * Every other line must be a field: this format is written by programs,
 * so anything else is an error.
 */
#include "parse_util.h"
#include "vmm/types.h"

int parse_libvmm(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err)
{
    struct line_iter it;
    struct span s;
    lines_init(&it, text, len);
    while (lines_next(&it, &s)) {
        s = span_trim(s);
        if (!s.n || s.p[0] == '#')
            continue;
        size_t k = token_len(s, "=(");
        struct span name = span_of(s.p, k);
        enum vmcs_field_id id;
        bool high;
        if (!field_by_span(name, &id, &high))
            return dump_fail(err, it.no, "\"%.*s\" is not a VMCS field name",
                             (int)(k > 40 ? 40 : k), s.p);
        struct span rest = span_trim(span_skip(s, k));
        if (rest.n && rest.p[0] == '(') {
            long close = span_find(rest, ")");
            uint64_t enc;
            if (close < 0 || !parse_hex(span_of(rest.p + 1, (size_t)close - 1), &enc))
                return dump_fail(err, it.no, "bad encoding after %s", vmcs_field_name(id));
            if (enc != (uint64_t)(vmcs_field_table[id].encoding | (high ? 1 : 0)))
                return dump_fail(err, it.no, "encoding 0x%llx is not that of %s",
                                 (unsigned long long)enc, vmcs_field_name(id));
            rest = span_trim(span_skip(rest, (size_t)close + 1));
        }
        if (!rest.n || rest.p[0] != '=')
            return dump_fail(err, it.no, "expected \"= value\" after %s", vmcs_field_name(id));
        rest = span_trim(span_skip(rest, 1));
        uint64_t v;
        if (!parse_uint(rest, &v))
            return dump_fail(err, it.no, "bad value for %s", vmcs_field_name(id));
        int rc = high ? dump_set_high(out, id, v, it.no, err) : dump_set(out, id, v, it.no, err);
        if (rc != VMM_OK)
            return rc;
    }
    out->lines = it.no;
    return VMM_OK;
}
