/* SPDX-License-Identifier: Apache-2.0 */
/* Decoding ept harness inputs; the format is in ept_input.h. */
#include "ept_input.h"

#define KiB4 0x1000ull
#define MiB2 0x200000ull
#define GiB1 0x40000000ull

const uint8_t ept_input_widths[] = {37, 39, 40, 42, 46, 48, 52};
const size_t ept_input_width_count = sizeof ept_input_widths;

const uint8_t ept_input_accesses[] = {
    EPT_ACCESS_READ,
    EPT_ACCESS_WRITE,
    EPT_ACCESS_READ | EPT_ACCESS_WRITE,
    EPT_ACCESS_FETCH,
    EPT_ACCESS_FETCH | EPT_ACCESS_USER,
    EPT_ACCESS_READ | EPT_ACCESS_USER,
    EPT_ACCESS_READ | EPT_ACCESS_WRITE | EPT_ACCESS_FETCH,
    EPT_ACCESS_WRITE | EPT_ACCESS_FETCH | EPT_ACCESS_USER,
};
const size_t ept_input_access_count = sizeof ept_input_accesses;

/* Windows: low memory, across a PML4 entry, the top of 48 bits, above 2^56. */
static const vmm_gpa_t windows[4] = {
    0,
    (1ull << 39) - 2 * GiB1,
    (1ull << 48) - 4 * GiB1,
    (1ull << 56) + (0x1a5ull << 39),
};

/* Offsets in a window where 2 MiB and 1 GiB tables meet. */
static const uint64_t hot[8] = {
    0, GiB1 - 4 * MiB2, GiB1 + 17 * MiB2, 2 * GiB1 - MiB2,
    3 * GiB1 - 128 * KiB4, 32 * MiB2 + 3 * KiB4, GiB1, 2 * GiB1,
};

void ept_input_config(const uint8_t h[EPT_INPUT_HEADER], struct ept_input_config *cfg)
{
    *cfg = (struct ept_input_config){
        .levels = (h[0] & EPT_IN_5LEVEL) ? 5 : 4,
        .ad = (h[0] & EPT_IN_AD) != 0,
        .exec_only = (h[0] & EPT_IN_EXEC_ONLY) != 0,
        .large_2m = !(h[0] & EPT_IN_NO_2M),
        .large_1g = !(h[0] & EPT_IN_NO_1G),
        .mbec = (h[0] & EPT_IN_MBEC) != 0,
        .phys_addr_width = ept_input_widths[h[1] % ept_input_width_count],
        .window = windows[h[0] >> EPT_IN_WINDOW_SHIFT],
    };
}

void ept_input_op(const struct ept_input_config *cfg, const uint8_t b[EPT_INPUT_OP_BYTES],
                  struct ept_input_op *op)
{
    static const uint64_t unit[4] = {KiB4, MiB2, GiB1, 37 * KiB4};
    unsigned gran = (b[0] >> 2) & 3;
    int64_t granules = (int64_t)(b[1] >> 3) * 256 + (int8_t)b[2];
    *op = (struct ept_input_op){.kind = (enum ept_op_kind)(b[0] & 3)};
    op->gpa = cfg->window + hot[b[1] & 7] + (uint64_t)granules * unit[gran] +
              ((b[0] & 0x80) ? 0x800 : 0);

    switch (gran) {
    case EPT_GRAN_4K:
        op->size = (1ull + b[3]) * KiB4;
        break;
    case EPT_GRAN_2M: { /* 1..4 x 2 MiB, up to 4 pages less or 3 more */
        int fine = (b[3] >> 2) & 7;
        op->size = (uint64_t)(512 * (1 + (b[3] & 3)) + (fine ? fine - 4 : 0)) * KiB4;
        break;
    }
    case EPT_GRAN_1G:
        op->size = (1ull + (b[3] & 1)) * GiB1;
        break;
    default:
        if (b[3] < 0x80) /* 0, pages, or pages and a half */
            op->size = b[3] * KiB4 + ((b[3] & 0x40) ? 0x800 : 0);
        else /* 64 GiB .. 2 PiB, optionally 2 MiB - 8 KiB more */
            op->size = (1ull << (36 + (b[3] & 15))) + ((b[3] & 0x10) ? MiB2 - 2 * KiB4 : 0) +
                       ((b[3] & 0x20) ? 0x800 : 0);
        break;
    }

    uint64_t gib = (uint64_t)(b[5] & 0x3f) * GiB1;
    switch (b[5] >> 6) {
    case EPT_HPA_LIKE_GPA: op->hpa = gib + (op->gpa & (GiB1 - 1)); break;
    case EPT_HPA_OFF_4K: op->hpa = gib + (op->gpa & (MiB2 - 1)) + KiB4; break;
    case EPT_HPA_TOP: /* ends 32 pages below the width ... 31 pages beyond it */
        op->hpa = (1ull << cfg->phys_addr_width) - op->size + ((b[5] & 0x3f) - 32ull) * KiB4;
        break;
    default: op->hpa = gib + 0x800; break;
    }

    op->attr = (struct ept_attr){
        .perms = (uint8_t)(b[4] & 0x1f),
        .memtype = (uint8_t)(b[4] >> 5),
        .ignore_pat = b[6] & 1,
    };
    op->fail_alloc = (b[0] & 0x40) ? 1u + ((b[6] >> 1) & 7) : 0;
    if (op->kind == EPT_OP_PROBE) {
        op->access = ept_input_accesses[b[6] % ept_input_access_count];
        op->gpa = (op->gpa & ~0xfffull) + 8ull * b[7] % 4096;
    }
}
