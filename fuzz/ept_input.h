/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The byte language of the ept harness: an EPT configuration and a
 * program of map / unmap / protect requests and probes, aimed at places
 * where tables and large pages meet.
 *
 *   byte 0   configuration (EPT_IN_*): levels, A/D, capabilities, MBEC,
 *            and which GPA window the program works in (bits 7:6)
 *   byte 1   physical-address width: ept_input_widths[b mod count]
 *   then     8-byte operations (at most EPT_INPUT_MAX_OPS); a partial
 *            operation at the end is ignored:
 *     b0  bits 1:0 kind (EPT_OP_*), 3:2 granule (4 KiB, 2 MiB, 1 GiB,
 *         odd), bit 6: the request's allocations fail (b6 picks which),
 *         bit 7: GPA 2 KiB off alignment
 *     b1  bits 2:0 hot spot in the window, 7:3 coarse offset (x 256 granules)
 *     b2  signed fine offset in granules
 *     b3  size: 4 KiB granule 1..256 pages; 2 MiB: 1..4 x 2 MiB, -4..+3
 *         pages; 1 GiB: 1 or 2 GiB; odd: below 0x80 that many pages (bit 6:
 *         and a half), from 0x80 2^(36 + bits 3:0) bytes (bit 4: plus
 *         2 MiB - 8 KiB, bit 5: plus 2 KiB)
 *     b4  bits 4:0 permissions (EPT_R/W/X/XU; values above 15 are invalid),
 *         7:5 memory type (2, 3 and 7 are invalid)
 *     b5  bits 5:0 HPA in GiB, 7:6 how the HPA is aligned (EPT_HPA_*);
 *         EPT_HPA_TOP: the range ends (bits 5:0 - 32) pages past the width
 *     b6  bit 0 ignore-PAT; bits 3:1 which allocation fails (1..8);
 *         probes: the access (ept_input_accesses[b6 mod count])
 *     b7  probes: byte offset / 8 within the page
 */
#ifndef LIBVMM_FUZZ_EPT_INPUT_H
#define LIBVMM_FUZZ_EPT_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/ept.h"

enum {
    EPT_IN_5LEVEL = 1 << 0,
    EPT_IN_AD = 1 << 1,
    EPT_IN_EXEC_ONLY = 1 << 2, /* the capability */
    EPT_IN_NO_2M = 1 << 3,
    EPT_IN_NO_1G = 1 << 4,
    EPT_IN_MBEC = 1 << 5,      /* walks use mode-based execute control */
    EPT_IN_WINDOW_SHIFT = 6,   /* EPT_WINDOW_* */
};

enum { EPT_WINDOW_LOW, EPT_WINDOW_PML4_EDGE, EPT_WINDOW_TOP_48, EPT_WINDOW_ABOVE_56 };

enum ept_op_kind { EPT_OP_MAP, EPT_OP_UNMAP, EPT_OP_PROTECT, EPT_OP_PROBE };
enum { EPT_GRAN_4K, EPT_GRAN_2M, EPT_GRAN_1G, EPT_GRAN_ODD };
enum { EPT_HPA_LIKE_GPA, EPT_HPA_OFF_4K, EPT_HPA_TOP, EPT_HPA_UNALIGNED };

#define EPT_INPUT_HEADER 2
#define EPT_INPUT_OP_BYTES 8
#define EPT_INPUT_MAX_OPS 48

extern const uint8_t ept_input_widths[];
extern const size_t ept_input_width_count;
extern const uint8_t ept_input_accesses[];
extern const size_t ept_input_access_count;

struct ept_input_config {
    unsigned levels;
    bool ad, exec_only, large_2m, large_1g, mbec;
    unsigned phys_addr_width;
    vmm_gpa_t window; /* GPA the hot spots are relative to */
};

struct ept_input_op {
    enum ept_op_kind kind;
    vmm_gpa_t gpa;
    uint64_t size;
    vmm_hpa_t hpa;
    struct ept_attr attr;   /* perms may be invalid on purpose */
    unsigned fail_alloc;    /* 0, or the n-th allocation of the request fails */
    unsigned access;        /* probes: EPT_ACCESS_* */
};

void ept_input_config(const uint8_t header[EPT_INPUT_HEADER], struct ept_input_config *cfg);

/* Decodes operation bytes b[0..7] under `cfg`. */
void ept_input_op(const struct ept_input_config *cfg, const uint8_t b[EPT_INPUT_OP_BYTES],
                  struct ept_input_op *op);

#endif
