/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The reader shared by the two "dump_vmcs family" formats, KVM's
 * dump_vmcs() and Xen's vmcs_dump_vcpu(): sections headed "*** Guest
 * State ***", "*** Host State ***", "*** Control State ***", and lines of
 * "Label: key=value, key=value" or "Key = value  Key = value" items. What
 * an item means is a table row (section, label, key) -> field; each format
 * supplies its rows plus a hook for its own line shapes.
 *
 * Email line wraps are undone: a line ending in "=" or "," continues on
 * the next line, and a continuation line whose keys only make sense under
 * the previous line's label inherits that label.
 */
#ifndef VMXCHECK_KVSTYLE_H
#define VMXCHECK_KVSTYLE_H

#include "parse_util.h"

enum kv_section { KV_GUEST, KV_HOST, KV_CONTROL, KV_SECTION_COUNT };

enum kv_how {
    KV_PLAIN,      /* the value is the field */
    KV_SEL_EIP,    /* "CS:RIP=0010:ffffffff81000000": field = selector, field2 = RIP */
    KV_SVI_RVI,    /* "SVI|RVI = 00|22": guest interrupt status */
    KV_ANNOTATED,  /* a value followed by "(effective)"/"(autoload)" is not the VMCS field */
};

struct kv_row {
    uint8_t section; /* enum kv_section */
    uint8_t how;     /* enum kv_how */
    uint16_t field;  /* enum vmcs_field_id */
    uint16_t field2;
    const char *label; /* "CS" for "CS: sel=...", "" for items without a label */
    const char *key;   /* "sel", "RIP", "TSC Offset", ... */
};

struct kv_state;

/*
 * A format's own line shapes: called for each logical line before the
 * generic items. Returns 1 if it consumed the line, 0 if not, or a
 * negative enum vmm_err after filling err.
 */
typedef int (*kv_hook)(struct kv_state *st, struct span line, unsigned lineno,
                       struct vmxdump_error *err);

struct kv_format {
    enum vmxdump_format format;
    const struct kv_row *rows[2];
    size_t nrows[2];
    kv_hook hook;
};

/* Parser state the hooks may look at. */
struct kv_state {
    const struct kv_format *fmt;
    struct vmxdump *d;
    enum kv_section section;
    bool seen_header;   /* a "*** ... State ***" header was read */
    unsigned dumps;     /* "*** Guest State ***" headers seen */
    int msr_list;       /* enum vmxdump_msr_list being listed, or -1 */
    bool seg_table;     /* Xen's "sel attr limit base" header was read */
    char prev_label[16];
    long aux;           /* the format hook's own memory; starts at -1 */
};

/* The rows both formats print the same way (kv_common.c). */
extern const struct kv_row kv_common_rows[];
extern const size_t kv_common_row_count;

int kv_parse(const struct kv_format *fmt, const char *text, size_t len, struct vmxdump *out,
             struct vmxdump_error *err);

#endif /* VMXCHECK_KVSTYLE_H */
