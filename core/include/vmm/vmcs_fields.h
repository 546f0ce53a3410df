/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMCS fields: identifiers, encodings, their decoding, name lookup and a
 * typed in-memory VMCS image. Everything here is expanded from the one
 * field table, vmcs_fields.def.
 */
#ifndef VMM_VMCS_FIELDS_H
#define VMM_VMCS_FIELDS_H

#include "vmm/controls.h"
#include "vmm/types.h"

/* Bits 14:13 of an encoding. */
enum vmcs_width { VMCS_W16 = 0, VMCS_W64 = 1, VMCS_W32 = 2, VMCS_WNAT = 3 };
/* Bits 11:10 of an encoding. */
enum vmcs_type { VMCS_CONTROL = 0, VMCS_EXIT_INFO = 1, VMCS_GUEST = 2, VMCS_HOST = 3 };

/* Dense field identifiers, in table order: VMCS_GUEST_RIP, ... */
enum vmcs_field_id {
#define VMCS_FIELD(name, enc, w, t, ra, rb, title) VMCS_##name,
#include "vmm/vmcs_fields.def"
#undef VMCS_FIELD
    VMCS_FIELD_COUNT
};
/* "No field", where a list of fields is expected. */
#define VMCS_NO_FIELD VMCS_FIELD_COUNT

/* Encodings (the "full" access): VMCS_ENC_GUEST_RIP = 0x681E, ... */
enum vmcs_field_encoding {
#define VMCS_FIELD(name, enc, w, t, ra, rb, title) VMCS_ENC_##name = (enc),
#include "vmm/vmcs_fields.def"
#undef VMCS_FIELD
};

/* What makes a field exist: the 1-setting of a control bit is allowed. */
enum vmcs_req_kind {
    VMCS_REQ_NONE = 0xff,  /* exists on every VMX processor */
    VMCS_REQ_CPUID = 0xfe, /* a CPUID feature (enum vmm_cpuid_feature) */
    /* otherwise an enum vmm_ctl_kind */
};
struct vmcs_requirement {
    uint8_t kind; /* enum vmm_ctl_kind or enum vmcs_req_kind */
    uint8_t bit;  /* control bit, or feature number */
};

struct vmcs_field_info {
    const char *name;  /* "GUEST_RIP" */
    const char *title; /* "Guest RIP" (the SDM's wording) */
    uint16_t encoding;
    uint8_t width; /* enum vmcs_width */
    uint8_t type;  /* enum vmcs_type */
    /* The field exists if either requirement holds. */
    struct vmcs_requirement req[2];
};

extern const struct vmcs_field_info vmcs_field_table[VMCS_FIELD_COUNT];

/* A decoded encoding (the bit layout of the SDM appendix). */
struct vmcs_encoding {
    uint8_t width;  /* enum vmcs_width */
    uint8_t type;   /* enum vmcs_type */
    uint16_t index; /* bits 9:1 */
    bool high;      /* bit 0: the upper 32 bits of a 64-bit field */
};

/*
 * Splits an encoding into its parts. VMM_E_INVAL when a reserved bit (12,
 * 31:15) is set or bit 0 is set on a field that is not 64 bits wide: such
 * an encoding names no field on any processor.
 */
int vmcs_encoding_decode(uint32_t encoding, struct vmcs_encoding *out);

/*
 * The field an encoding names, and whether it is the high access. O(1).
 * VMM_E_NOENT if no field of the table has that encoding.
 */
int vmcs_field_lookup(uint32_t encoding, enum vmcs_field_id *id, bool *high);

/*
 * The field called `name` (table spelling, any case; a "_HIGH" suffix
 * names the high access of a 64-bit field). VMM_E_NOENT if none.
 */
int vmcs_field_by_name(const char *name, enum vmcs_field_id *id, bool *high);

/* Number of value bits of a width: 16, 32 or 64 (natural width on Intel 64). */
static inline unsigned vmcs_width_bits(enum vmcs_width w)
{
    return w == VMCS_W16 ? 16u : w == VMCS_W32 ? 32u : 64u;
}

static inline uint64_t vmcs_width_mask(enum vmcs_width w)
{
    return w == VMCS_W16 ? 0xffffull : w == VMCS_W32 ? 0xffffffffull : ~0ull;
}

static inline const char *vmcs_field_name(enum vmcs_field_id id)
{
    return id < VMCS_FIELD_COUNT ? vmcs_field_table[id].name : "?";
}

/*
 * The guest segment registers' fields, rows ES CS SS DS FS GS (the order of
 * their encodings and of enum x86_seg_reg), columns by enum vmcs_seg_part.
 */
enum vmcs_seg_part { VMCS_SEG_SELECTOR, VMCS_SEG_BASE, VMCS_SEG_LIMIT, VMCS_SEG_AR, VMCS_SEG_PARTS };
extern const enum vmcs_field_id vmcs_guest_seg_fields[6][VMCS_SEG_PARTS];

/* The VMCS field that holds control word `kind`. */
enum vmcs_field_id vmcs_ctl_field(enum vmm_ctl_kind kind);

const char *vmcs_width_name(enum vmcs_width w); /* "16", "32", "64", "natural" */
const char *vmcs_type_name(enum vmcs_type t);   /* "control", "exit-info", ... */

/*
 * A VMCS held in memory as values indexed by field: the simulated VMCS,
 * the validator's input and what dump parsers produce. Values are always
 * kept truncated to the field's width.
 */
struct vmcs_image {
    uint64_t value[VMCS_FIELD_COUNT];
};

static inline uint64_t vmcs_get(const struct vmcs_image *v, enum vmcs_field_id id)
{
    return v->value[id];
}

static inline void vmcs_set(struct vmcs_image *v, enum vmcs_field_id id, uint64_t value)
{
    v->value[id] = value & vmcs_width_mask((enum vmcs_width)vmcs_field_table[id].width);
}

/* Every field zero. */
void vmcs_image_clear(struct vmcs_image *v);

/*
 * Access by encoding, as VMREAD/VMWRITE do (no capability check; see
 * vmcs_field_exists): a high access reads/writes bits 63:32 of its field.
 * VMM_E_NOENT for an encoding that names no field.
 */
int vmcs_image_read(const struct vmcs_image *v, uint32_t encoding, uint64_t *value);
int vmcs_image_write(struct vmcs_image *v, uint32_t encoding, uint64_t value);


struct vmx_caps;
struct vmm_textbuf;

/*
 * True if the field exists on a processor with these capabilities: its
 * control (or CPUID feature) is supported and its index is within
 * IA32_VMX_VMCS_ENUM. VMREAD/VMWRITE of a field that does not exist fail
 * with VM-instruction error 12.
 */
bool vmcs_field_exists(const struct vmx_caps *caps, enum vmcs_field_id id);

enum vmcs_dump_flags {
    VMCS_DUMP_ALL = 0,         /* every field */
    VMCS_DUMP_NONZERO = 1 << 0 /* skip fields whose value is 0 */
};

/*
 * Appends a readable dump of the image, grouped by field type, one
 * "NAME (0xENC) = 0xVALUE" line per field; with `caps`, only fields that
 * exist on that processor. The output is what `vmxcheck` reads back.
 */
void vmcs_image_dump(const struct vmcs_image *v, const struct vmx_caps *caps, unsigned flags,
                     struct vmm_textbuf *tb);

#endif /* VMM_VMCS_FIELDS_H */
