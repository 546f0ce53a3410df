/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sim's VMCS region format. The first 8 bytes are architectural; the
 * rest is this implementation's own, as on hardware:
 *
 *   offset  0  u32  revision ID (bits 30:0) and shadow-VMCS indicator (bit 31)
 *   offset  4  u32  VMX-abort indicator
 *   offset  8  u32  flags: bit 0 launched, bit 1 active (VMPTRLDed since the
 *                   last VMCLEAR), bit 2 was active when VMX operation ended
 *   offset 12  u32  the VMXON epoch in which the VMCS became active
 *   offset 16  u64  one value per field of the VMCS field table, in table
 *                   order (enum vmcs_field_id), little-endian
 *
 * The processor keeps the current VMCS in struct sim and writes it back
 * when it stops being current (VMCLEAR, VMPTRLD of another VMCS, VMXOFF).
 * A region is read as whatever its bytes hold: values are truncated to
 * their field's width, so a corrupted region loads as garbage, never as
 * an out-of-range state. The table order changes when the field table
 * does, so a region is meaningful only to the build that wrote it.
 */
#include "sim_internal.h"

enum {
    REGION_FLAGS = 8,
    REGION_EPOCH = 12,
    REGION_DATA = 16,
};

enum {
    REGION_LAUNCHED = 1u << 0,
    REGION_ACTIVE = 1u << 1,
    REGION_STALE = 1u << 2,
};

size_t sim_vmcs_region_size(void)
{
    return REGION_DATA + 8u * VMCS_FIELD_COUNT;
}

_Static_assert(REGION_DATA + 8u * VMCS_FIELD_COUNT <= SIM_PAGE_SIZE,
               "the sim's VMCS layout must fit one page");

static void write_header(struct sim *s, vmm_hpa_t hpa, uint32_t flags, uint32_t epoch)
{
    sim_phys_write32(s, hpa + REGION_FLAGS, flags);
    sim_phys_write32(s, hpa + REGION_EPOCH, epoch);
}

void sim_vmcs_flush(struct sim *s)
{
    if (s->current == SIM_NO_VMCS)
        return;
    uint8_t data[8u * VMCS_FIELD_COUNT];
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++)
        for (unsigned b = 0; b < 8; b++)
            data[8u * i + b] = (uint8_t)(s->vmcs.value[i] >> (8 * b));
    sim_phys_write(s, s->current + REGION_DATA, data, sizeof data);
    uint32_t flags = REGION_ACTIVE | (s->current_launched ? REGION_LAUNCHED : 0) |
                     (s->current_stale ? REGION_STALE : 0);
    write_header(s, s->current, flags, s->vmxon_epoch);
}

void sim_vmcs_load(struct sim *s, vmm_hpa_t hpa)
{
    uint32_t flags = sim_phys_read32(s, hpa + REGION_FLAGS);
    uint32_t epoch = sim_phys_read32(s, hpa + REGION_EPOCH);
    uint8_t data[8u * VMCS_FIELD_COUNT];
    sim_phys_read(s, hpa + REGION_DATA, data, sizeof data);
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++) {
        uint64_t v = 0;
        for (unsigned b = 8; b-- > 0;)
            v = v << 8 | data[8u * i + b];
        vmcs_set(&s->vmcs, (enum vmcs_field_id)i, v);
    }
    s->current = hpa;
    s->current_launched = (flags & REGION_LAUNCHED) != 0;
    /* Active in an earlier VMX operation and never cleared: VMXOFF left it behind. */
    s->current_stale = (flags & REGION_STALE) ||
                       ((flags & REGION_ACTIVE) && epoch != s->vmxon_epoch);
    write_header(s, hpa,
                 REGION_ACTIVE | (flags & REGION_LAUNCHED) | (s->current_stale ? REGION_STALE : 0),
                 s->vmxon_epoch);
}

void sim_vmcs_clear_region(struct sim *s, vmm_hpa_t hpa)
{
    write_header(s, hpa, 0, 0);
}
