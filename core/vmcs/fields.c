/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VMCS field table expanded into data, plus encoding decode, O(1)
 * lookup by encoding, lookup by name and the VMCS image accessors.
 */
#include "vmm/caps.h"
#include "vmm/vmcs_fields.h"

#define REQ_NONE {VMCS_REQ_NONE, 0}
#define REQ(kind, bit) {REQ_KIND_##kind, (bit)}
#define REQ_KIND_PIN VMM_CTL_PIN
#define REQ_KIND_PROC VMM_CTL_PROC
#define REQ_KIND_PROC2 VMM_CTL_PROC2
#define REQ_KIND_PROC3 VMM_CTL_PROC3
#define REQ_KIND_EXIT VMM_CTL_EXIT
#define REQ_KIND_EXIT2 VMM_CTL_EXIT2
#define REQ_KIND_ENTRY VMM_CTL_ENTRY
#define REQ_KIND_VMFUNC VMM_CTL_VMFUNC
#define REQ_KIND_CPUID VMCS_REQ_CPUID

const struct vmcs_field_info vmcs_field_table[VMCS_FIELD_COUNT] = {
#define VMCS_FIELD(nm, enc, w, t, ra, rb, ttl) \
    [VMCS_##nm] = {.name = #nm, .title = ttl, .encoding = (enc), \
                   .width = VMCS_##w, .type = VMCS_##t, .req = {ra, rb}},
#include "vmm/vmcs_fields.def"
#undef VMCS_FIELD
};

#define ENC_RESERVED_BITS 0xffff9000u

int vmcs_encoding_decode(uint32_t encoding, struct vmcs_encoding *out)
{
    if (encoding & ENC_RESERVED_BITS)
        return VMM_E_INVAL;
    out->width = (uint8_t)((encoding >> 13) & 3);
    out->type = (uint8_t)((encoding >> 10) & 3);
    out->index = (uint16_t)((encoding >> 1) & 0x1ff);
    out->high = encoding & 1;
    if (out->high && out->width != VMCS_W64)
        return VMM_E_INVAL;
    return VMM_OK;
}

/*
 * Encoding -> field, without searching: bits 14:13, 11:10 and 9:1 of the
 * full encoding form a 13-bit slot; the slot holds field id + 1 (0: none).
 */
#define SLOT(enc) ((((enc) >> 13) & 3u) << 11 | (((enc) >> 10) & 3u) << 9 | (((enc) >> 1) & 0x1ffu))
static const uint8_t field_by_slot[1u << 13] = {
#define VMCS_FIELD(nm, enc, w, t, ra, rb, ttl) [SLOT(enc)] = VMCS_##nm + 1,
#include "vmm/vmcs_fields.def"
#undef VMCS_FIELD
};
_Static_assert(VMCS_FIELD_COUNT < 255, "field ids must fit the slot table");

int vmcs_field_lookup(uint32_t encoding, enum vmcs_field_id *id, bool *high)
{
    struct vmcs_encoding e;
    if (vmcs_encoding_decode(encoding, &e) != VMM_OK)
        return VMM_E_NOENT;
    unsigned slot = field_by_slot[SLOT(encoding)];
    if (slot == 0)
        return VMM_E_NOENT;
    *id = (enum vmcs_field_id)(slot - 1);
    *high = e.high;
    return VMM_OK;
}

static char ascii_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

/* Compares `s` (any case) with the prefix of `name`; returns what follows in s. */
static const char *match_name(const char *s, const char *name)
{
    while (*name) {
        if (ascii_upper(*s) != *name)
            return NULL;
        s++, name++;
    }
    return s;
}

int vmcs_field_by_name(const char *name, enum vmcs_field_id *id, bool *high)
{
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++) {
        const char *rest = match_name(name, vmcs_field_table[i].name);
        if (!rest)
            continue;
        if (*rest == '\0') {
            *id = (enum vmcs_field_id)i;
            *high = false;
            return VMM_OK;
        }
        const char *end = match_name(rest, "_HIGH");
        if (end && *end == '\0' && vmcs_field_table[i].width == VMCS_W64) {
            *id = (enum vmcs_field_id)i;
            *high = true;
            return VMM_OK;
        }
    }
    return VMM_E_NOENT;
}

const enum vmcs_field_id vmcs_guest_seg_fields[6][VMCS_SEG_PARTS] = {
    {VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_ES_BASE, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_AR_BYTES},
    {VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_CS_BASE, VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_AR_BYTES},
    {VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_SS_BASE, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_AR_BYTES},
    {VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_DS_BASE, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_AR_BYTES},
    {VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_FS_BASE, VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_AR_BYTES},
    {VMCS_GUEST_GS_SELECTOR, VMCS_GUEST_GS_BASE, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_AR_BYTES},
};

enum vmcs_field_id vmcs_ctl_field(enum vmm_ctl_kind kind)
{
    static const enum vmcs_field_id field[VMM_CTL_KIND_COUNT] = {
        [VMM_CTL_PIN] = VMCS_PIN_BASED_VM_EXEC_CONTROL,
        [VMM_CTL_PROC] = VMCS_CPU_BASED_VM_EXEC_CONTROL,
        [VMM_CTL_PROC2] = VMCS_SECONDARY_VM_EXEC_CONTROL,
        [VMM_CTL_PROC3] = VMCS_TERTIARY_VM_EXEC_CONTROL,
        [VMM_CTL_EXIT] = VMCS_VM_EXIT_CONTROLS,
        [VMM_CTL_EXIT2] = VMCS_SECONDARY_VM_EXIT_CONTROLS,
        [VMM_CTL_ENTRY] = VMCS_VM_ENTRY_CONTROLS,
        [VMM_CTL_VMFUNC] = VMCS_VM_FUNCTION_CONTROL,
    };
    return (unsigned)kind < VMM_CTL_KIND_COUNT ? field[kind] : VMCS_NO_FIELD;
}

const char *vmcs_width_name(enum vmcs_width w)
{
    static const char *const names[] = {"16", "64", "32", "natural"};
    return (unsigned)w < 4 ? names[w] : "?";
}

const char *vmcs_type_name(enum vmcs_type t)
{
    static const char *const names[] = {"control", "exit-info", "guest", "host"};
    return (unsigned)t < 4 ? names[t] : "?";
}

void vmcs_image_clear(struct vmcs_image *v)
{
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++)
        v->value[i] = 0;
}

int vmcs_image_read(const struct vmcs_image *v, uint32_t encoding, uint64_t *value)
{
    enum vmcs_field_id id;
    bool high;
    if (vmcs_field_lookup(encoding, &id, &high) != VMM_OK)
        return VMM_E_NOENT;
    *value = high ? v->value[id] >> 32 : v->value[id];
    return VMM_OK;
}

int vmcs_image_write(struct vmcs_image *v, uint32_t encoding, uint64_t value)
{
    enum vmcs_field_id id;
    bool high;
    if (vmcs_field_lookup(encoding, &id, &high) != VMM_OK)
        return VMM_E_NOENT;
    if (high)
        v->value[id] = (v->value[id] & 0xffffffffull) | (value << 32);
    else
        vmcs_set(v, id, value);
    return VMM_OK;
}
