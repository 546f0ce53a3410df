/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded spans, lines, log prefixes, numbers and field recording for the dump parsers. */
#include "parse_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm/types.h"

void lines_init(struct line_iter *it, const char *text, size_t len)
{
    *it = (struct line_iter){.text = text, .len = text ? len : 0, .pos = 0, .no = 0};
}

bool lines_next(struct line_iter *it, struct span *line)
{
    if (it->pos >= it->len)
        return false;
    size_t start = it->pos, end = start;
    while (end < it->len && it->text[end] != '\n' && it->text[end] != '\r')
        end++;
    size_t next = end;
    if (next < it->len && it->text[next] == '\r')
        next++;
    if (next < it->len && it->text[next] == '\n')
        next++;
    it->pos = next;
    it->no++;
    *line = span_of(it->text + start, end - start);
    return true;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

struct span span_trim(struct span s)
{
    while (s.n && is_blank(s.p[0]))
        s.p++, s.n--;
    while (s.n && is_blank(s.p[s.n - 1]))
        s.n--;
    return s;
}

struct span span_skip(struct span s, size_t k)
{
    if (k > s.n)
        k = s.n;
    return span_of(s.p + k, s.n - k);
}

bool span_starts(struct span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n >= n && memcmp(s.p, lit, n) == 0;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool span_istarts(struct span s, const char *lit)
{
    size_t n = strlen(lit);
    if (s.n < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(s.p[i]) != lower(lit[i]))
            return false;
    return true;
}

bool span_eq(struct span s, const char *lit)
{
    return s.n == strlen(lit) && span_starts(s, lit);
}

bool span_ends(struct span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n >= n && memcmp(s.p + s.n - n, lit, n) == 0;
}

long span_find(struct span s, const char *lit)
{
    size_t n = strlen(lit);
    if (n == 0)
        return 0;
    /* memchr to each candidate first byte: detection runs every marker over every line. */
    for (size_t i = 0; i + n <= s.n; i++) {
        const char *c = memchr(s.p + i, lit[0], s.n - n + 1 - i);
        if (!c)
            return -1;
        i = (size_t)(c - s.p);
        if (memcmp(c, lit, n) == 0)
            return (long)i;
    }
    return -1;
}

bool span_cstr(struct span s, char *buf, size_t cap)
{
    if (cap == 0 || s.n >= cap)
        return false;
    memcpy(buf, s.p, s.n);
    buf[s.n] = '\0';
    return true;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "[ 1234.567890]" at the start: its length, or 0. */
static size_t timestamp_len(struct span s)
{
    if (!s.n || s.p[0] != '[')
        return 0;
    size_t i = 1;
    while (i < s.n && s.p[i] == ' ')
        i++;
    size_t digits = 0;
    while (i < s.n && (is_digit(s.p[i]) || s.p[i] == '.'))
        i++, digits++;
    if (!digits || i >= s.n || s.p[i] != ']')
        return 0;
    return i + 1;
}

/* "Jun 18 12:34:56 host kernel:" at the start: its length, or 0. */
static size_t syslog_len(struct span s)
{
    long k = span_find(span_of(s.p, s.n < 64 ? s.n : 64), " kernel:");
    if (k < 15 || s.p[3] != ' ' || s.p[9] != ':' || s.p[12] != ':')
        return 0;
    return (size_t)k + 8;
}

struct span strip_log_prefix(struct span s, bool *had)
{
    static const char *const tags[] = {"(XEN)", "kvm_intel:", "kvm:", "kvm_amd:"};
    bool any = false;
    for (int round = 0; round < 4; round++) {
        s = span_trim(s);
        size_t k = 0;
        if (s.n >= 3 && s.p[0] == '<' && is_digit(s.p[1]) && s.p[2] == '>')
            k = 3;
        else if ((k = timestamp_len(s)) == 0 && (k = syslog_len(s)) == 0)
            for (size_t t = 0; t < sizeof tags / sizeof tags[0]; t++)
                if (span_starts(s, tags[t])) {
                    k = strlen(tags[t]);
                    break;
                }
        if (!k)
            break;
        s = span_skip(s, k);
        any = true;
    }
    if (had)
        *had = any;
    return span_trim(s);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool parse_hex(struct span s, uint64_t *v)
{
    if (s.n >= 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X'))
        s = span_skip(s, 2);
    if (!s.n)
        return false;
    uint64_t x = 0;
    for (size_t i = 0; i < s.n; i++) {
        int d = hex_digit(s.p[i]);
        if (d < 0 || (x >> 60))
            return false;
        x = x << 4 | (uint64_t)d;
    }
    *v = x;
    return true;
}

bool parse_uint(struct span s, uint64_t *v)
{
    if (s.n >= 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X'))
        return parse_hex(s, v);
    if (!s.n)
        return false;
    uint64_t x = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (!is_digit(s.p[i]))
            return false;
        uint64_t d = (uint64_t)(s.p[i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return false;
        x = x * 10 + d;
    }
    *v = x;
    return true;
}

size_t token_len(struct span s, const char *stops)
{
    size_t i = 0;
    size_t nstops = strlen(stops);
    while (i < s.n && !is_blank(s.p[i]) && !memchr(stops, s.p[i], nstops))
        i++;
    return i;
}

bool field_by_span(struct span name, enum vmcs_field_id *id, bool *high)
{
    char buf[64];
    if (!span_cstr(name, buf, sizeof buf) || memchr(buf, '\0', name.n))
        return false;
    return vmcs_field_by_name(buf, id, high) == VMM_OK;
}

int dump_fail(struct vmxdump_error *err, unsigned line, const char *fmt, ...)
{
    if (err) {
        err->line = line;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return VMM_E_INVAL;
}

static void mark_given(struct vmxdump *d, enum vmcs_field_id id, unsigned line)
{
    if (!vmxdump_given(d, id)) {
        d->given[id / 64] |= 1ull << (id % 64);
        d->nfields++;
    }
    d->line_of[id] = line;
}

int dump_set(struct vmxdump *d, enum vmcs_field_id id, uint64_t v, unsigned line,
             struct vmxdump_error *err)
{
    if ((unsigned)id >= VMCS_FIELD_COUNT)
        return dump_fail(err, line, "internal: no such field");
    enum vmcs_width w = (enum vmcs_width)vmcs_field_table[id].width;
    if (v & ~vmcs_width_mask(w))
        return dump_fail(err, line, "value 0x%llx does not fit the %u-bit field %s",
                         (unsigned long long)v, vmcs_width_bits(w), vmcs_field_name(id));
    vmcs_set(&d->vmcs, id, v);
    mark_given(d, id, line);
    return VMM_OK;
}

int dump_set_high(struct vmxdump *d, enum vmcs_field_id id, uint64_t v, unsigned line,
                  struct vmxdump_error *err)
{
    if ((unsigned)id >= VMCS_FIELD_COUNT || vmcs_field_table[id].width != VMCS_W64)
        return dump_fail(err, line, "only 64-bit fields have a _HIGH half");
    if (v >> 32)
        return dump_fail(err, line, "value 0x%llx does not fit the high half of %s",
                         (unsigned long long)v, vmcs_field_name(id));
    uint64_t old = vmcs_get(&d->vmcs, id);
    vmcs_set(&d->vmcs, id, (old & 0xffffffffull) | v << 32);
    mark_given(d, id, line);
    return VMM_OK;
}

void dump_restart(struct vmxdump *d)
{
    vmcs_image_clear(&d->vmcs);
    memset(d->given, 0, sizeof d->given);
    memset(d->line_of, 0, sizeof d->line_of);
    memset(d->msrs, 0, sizeof d->msrs);
    memset(d->ctl_hint, 0, sizeof d->ctl_hint);
    d->nfields = 0;
    d->has_cpl = false;
}

int dump_add_msr(struct vmxdump *d, enum vmxdump_msr_list list, uint32_t slot, uint32_t index,
                 uint32_t reserved, uint64_t value, unsigned line, struct vmxdump_error *err)
{
    struct vmxdump_msrs *l = &d->msrs[list];
    for (uint32_t i = 0; i < l->n; i++)
        if (l->e[i].slot == slot) {
            l->e[i] = (struct vmxdump_msr){slot, index, reserved, value};
            return VMM_OK;
        }
    if (l->n >= VMXDUMP_MAX_MSRS)
        return dump_fail(err, line, "more than %u MSR-list entries", VMXDUMP_MAX_MSRS);
    l->e[l->n++] = (struct vmxdump_msr){slot, index, reserved, value};
    return VMM_OK;
}

void dump_state_vmfail(struct vmxdump *d, enum vmxdump_insn insn, uint32_t error, unsigned line)
{
    d->stated.vmfail = true;
    d->stated.error = error;
    if (insn != VMXDUMP_INSN_UNKNOWN)
        d->stated.insn = (uint8_t)insn;
    d->stated.line = line;
}

void dump_state_exit(struct vmxdump *d, uint32_t reason, unsigned line)
{
    d->stated.exit = true;
    d->stated.exit_reason = reason;
    d->stated.line = line;
}

void dump_state_qualification(struct vmxdump *d, uint64_t q)
{
    d->stated.has_qualification = true;
    d->stated.qualification = q;
}

void dump_note(struct vmxdump *d, const char *fmt, ...)
{
    if (d->nnotes >= VMXDUMP_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->note[d->nnotes++], VMXDUMP_NOTE_LEN, fmt, ap);
    va_end(ap);
}
