/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every dump parser shares: bounded text spans and lines, log-prefix
 * stripping, number parsing, and recording fields and facts into a struct
 * vmxdump with errors that carry a line number. Internal to //tools/vmxcheck:dump.
 */
#ifndef VMXCHECK_PARSE_UTIL_H
#define VMXCHECK_PARSE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dump.h"

/* A piece of the input: never NUL-terminated, never read beyond n. */
struct span {
    const char *p;
    size_t n;
};

static inline struct span span_of(const char *p, size_t n)
{
    return (struct span){p, n};
}

/* Splits the input into lines ("\n", "\r\n" or "\r\n\r"); numbers them from 1. */
struct line_iter {
    const char *text;
    size_t len, pos;
    unsigned no;
};
void lines_init(struct line_iter *it, const char *text, size_t len);
bool lines_next(struct line_iter *it, struct span *line);

struct span span_trim(struct span s);
struct span span_skip(struct span s, size_t k); /* drops the first k bytes (at most n) */
bool span_starts(struct span s, const char *lit);
bool span_istarts(struct span s, const char *lit);
bool span_eq(struct span s, const char *lit);
bool span_ends(struct span s, const char *lit);
/* Offset of the first occurrence of lit in s, or -1. */
long span_find(struct span s, const char *lit);
/* Copies s into buf[cap] as a C string; false if it does not fit. */
bool span_cstr(struct span s, char *buf, size_t cap);

/*
 * Strips what kernel logs and hypervisor consoles put before a message:
 * leading blanks, "<4>", "[ 123.456789]" timestamps, "(XEN)", a syslog
 * "Mon DD HH:MM:SS host kernel:" head, "kvm_intel:" / "kvm:" tags.
 * *had is set when any of it was there.
 */
struct span strip_log_prefix(struct span s, bool *had);

/* Hex digits (optional 0x) filling the whole span; false if bad or over 64 bits. */
bool parse_hex(struct span s, uint64_t *v);
/* "0x..." hex or decimal filling the whole span. */
bool parse_uint(struct span s, uint64_t *v);
/* Length of the leading run of non-blank bytes not in `stops` (a value token); NUL is a byte like any other. */
size_t token_len(struct span s, const char *stops);

/* The field a name denotes (table spelling, any case, optional _HIGH). */
bool field_by_span(struct span name, enum vmcs_field_id *id, bool *high);

/* Returns VMM_E_INVAL after writing "line: message" into *err. */
int dump_fail(struct vmxdump_error *err, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Records a field value from `line`. A value wider than the field is an
 * error; `high` stores bits 63:32 of a 64-bit field.
 */
int dump_set(struct vmxdump *d, enum vmcs_field_id id, uint64_t v, unsigned line,
             struct vmxdump_error *err);
int dump_set_high(struct vmxdump *d, enum vmcs_field_id id, uint64_t v, unsigned line,
                  struct vmxdump_error *err);

/* Forgets every field and list (a second dump in the same text starts over). */
void dump_restart(struct vmxdump *d);

/* Adds an entry to one of the MSR lists (slot is 0-based). */
int dump_add_msr(struct vmxdump *d, enum vmxdump_msr_list list, uint32_t slot, uint32_t index,
                 uint32_t reserved, uint64_t value, unsigned line, struct vmxdump_error *err);

/* Records what the text says happened. */
void dump_state_vmfail(struct vmxdump *d, enum vmxdump_insn insn, uint32_t error, unsigned line);
void dump_state_exit(struct vmxdump *d, uint32_t reason, unsigned line);
void dump_state_qualification(struct vmxdump *d, uint64_t q);

/* Appends a remark (dropped when the notes are full). */
void dump_note(struct vmxdump *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The parsers, one per format (fmt_*.c). Same contract as vmxdump_parse. */
typedef int (*dump_parser)(const char *text, size_t len, struct vmxdump *out,
                           struct vmxdump_error *err);
int parse_kvm(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err);
int parse_xen(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err);
int parse_qemu(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err);
int parse_json(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err);
int parse_libvmm(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err);
int parse_xmhf(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err);
int parse_xmhf_trace(const char *text, size_t len, struct vmxdump *out,
                     struct vmxdump_error *err);
int parse_gdb(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err);

#endif /* VMXCHECK_PARSE_UTIL_H */
