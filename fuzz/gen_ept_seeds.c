/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seeds for the ept harness: short programs that reach each path of the
 * builder - large pages made and split, tables across 2 MiB, 1 GiB and
 * PML4 edges, 5-level walks, execute-only and MBEC permissions, A/D
 * flags, every refusal, and allocation failures.
 *
 *   bazel run //fuzz:ept_seedgen [-- OUT_DIR]
 */
#include <stdio.h>

#include "ept_input.h"
#include "seedgen.h"

/* One operation, by field (ept_input.h has the layout). */
struct op {
    uint8_t kind, gran, hot, coarse;
    int8_t fine;
    uint8_t size, perms, memtype, hpa_gib, hpa_mode, b6, b7;
    bool fail_alloc, misalign;
};

#define MAX_OPS 12

struct program {
    const char *name;
    uint8_t config, width;
    struct op ops[MAX_OPS];
};

#define RW (EPT_R | EPT_W)
#define RWX (EPT_R | EPT_W | EPT_X)
#define WB EPT_MT_WB
#define MAP(gran, hot, fine, size, perms) {EPT_OP_MAP, gran, hot, 0, fine, size, perms, WB, 1, 0, 0, 0}
#define UNMAP(gran, hot, fine, size) {EPT_OP_UNMAP, gran, hot, 0, fine, size, 0, 0, 0, 0, 0, 0}
#define PROTECT(gran, hot, fine, size, perms) {EPT_OP_PROTECT, gran, hot, 0, fine, size, perms, 0, 0, 0, 0, 0}
#define PROBE(hot, fine, access, off) {EPT_OP_PROBE, EPT_GRAN_4K, hot, 0, fine, 0, 0, 0, 0, 0, access, off}

/* ept_input_accesses[] indices */
enum { A_R, A_W, A_RW, A_F, A_FU, A_RU, A_RWF, A_WFU };

static const struct program programs[] = {
    {"map-4k", 0, 4, {MAP(EPT_GRAN_4K, 0, 0, 15, RW), PROBE(0, 3, A_R, 9), PROBE(0, 3, A_F, 0)}},
    {"map-2m-pages", 0, 4, {MAP(EPT_GRAN_2M, 6, 0, 1, RWX), PROBE(6, 100, A_RWF, 1)}},
    {"map-1g-page", 0, 4, {MAP(EPT_GRAN_1G, 6, 0, 0, RWX), PROBE(6, 77, A_W, 0)}},
    {"split-1g-by-unmap", 0, 4,
     {MAP(EPT_GRAN_1G, 6, 0, 0, RWX), UNMAP(EPT_GRAN_4K, 2, 0, 0), PROBE(2, 0, A_R, 0),
      PROBE(2, 1, A_R, 0)}},
    {"split-2m-by-protect", 0, 4,
     {MAP(EPT_GRAN_2M, 3, 0, 1, RWX),
      {EPT_OP_PROTECT, EPT_GRAN_4K, 3, 2, -4, 7, EPT_R, 0, 0, 0, 0, 0}, /* across the 2 MiB edge */
      {EPT_OP_PROBE, EPT_GRAN_4K, 3, 2, -1, 0, 0, 0, 0, 0, A_W, 0},
      {EPT_OP_PROBE, EPT_GRAN_4K, 3, 2, 4, 0, 0, 0, 0, 0, A_W, 0}, PROBE(3, 0, A_W, 0)}},
    {"protect-whole-large-page", 0, 4,
     {MAP(EPT_GRAN_1G, 6, 0, 0, RWX), PROTECT(EPT_GRAN_1G, 6, 0, 0, EPT_R | EPT_X),
      PROBE(6, 5, A_F, 0)}},
    {"exec-only-mbec", EPT_IN_EXEC_ONLY | EPT_IN_MBEC, 4,
     {MAP(EPT_GRAN_4K, 5, 0, 3, EPT_X), MAP(EPT_GRAN_4K, 5, 8, 3, EPT_XU),
      MAP(EPT_GRAN_4K, 5, 16, 3, EPT_R | EPT_XU), PROBE(5, 8, A_FU, 0), PROBE(5, 0, A_FU, 0),
      PROBE(5, 16, A_RU, 0)}},
    {"exec-only-unsupported", 0, 4, {MAP(EPT_GRAN_4K, 5, 0, 3, EPT_X)}},
    {"xu-without-mbec", EPT_IN_EXEC_ONLY, 4,
     {MAP(EPT_GRAN_4K, 5, 0, 1, EPT_XU), MAP(EPT_GRAN_4K, 5, 4, 1, EPT_X | EPT_XU),
      PROBE(5, 0, A_FU, 0), PROBE(5, 4, A_FU, 0)}},
    {"no-large-pages", EPT_IN_NO_2M | EPT_IN_NO_1G, 4,
     {MAP(EPT_GRAN_2M, 6, 0, 1, RW), PROBE(6, 100, A_R, 0)}},
    {"no-1g-pages", EPT_IN_NO_1G, 4, {MAP(EPT_GRAN_1G, 6, 0, 0, RW), PROBE(6, 3, A_R, 0)}},
    {"five-level-above-2^56", EPT_IN_5LEVEL | (EPT_WINDOW_ABOVE_56 << EPT_IN_WINDOW_SHIFT), 5,
     {MAP(EPT_GRAN_2M, 7, 0, 0, RWX), MAP(EPT_GRAN_1G, 0, 0, 0, RW), PROBE(7, 1, A_R, 0),
      UNMAP(EPT_GRAN_4K, 7, 0, 3)}},
    {"four-level-above-2^56", EPT_WINDOW_ABOVE_56 << EPT_IN_WINDOW_SHIFT, 4,
     {MAP(EPT_GRAN_4K, 0, 0, 0, RW), PROBE(0, 0, A_R, 0)}},
    {"across-pml4-edge", EPT_WINDOW_PML4_EDGE << EPT_IN_WINDOW_SHIFT, 4,
     {MAP(EPT_GRAN_4K, 7, -4, 7, RW), MAP(EPT_GRAN_2M, 3, 2, 1, RW),
      UNMAP(EPT_GRAN_4K, 7, -1, 1), PROBE(7, -1, A_R, 0), PROBE(7, 0, A_R, 0)}},
    {"top-of-48-bits", EPT_WINDOW_TOP_48 << EPT_IN_WINDOW_SHIFT, 4,
     {MAP(EPT_GRAN_1G, 4, 0, 0, RW), MAP(EPT_GRAN_2M, 7, -1, 0, RW), MAP(EPT_GRAN_2M, 7, 0, 0, RW),
      MAP(EPT_GRAN_1G, 7, 2, 0, RW), PROBE(7, -1, A_R, 0)}},
    {"hpa-at-the-width", 0, 0,
     {{EPT_OP_MAP, EPT_GRAN_2M, 0, 0, 0, 0, RW, WB, 32, EPT_HPA_TOP, 0, 0},
      {EPT_OP_MAP, EPT_GRAN_2M, 6, 0, 0, 0, RW, WB, 33, EPT_HPA_TOP, 0, 0},
      {EPT_OP_MAP, EPT_GRAN_2M, 6, 0, 0, 0, RW, WB, 31, EPT_HPA_TOP, 0, 0}}},
    {"refusals", 0, 4,
     {MAP(EPT_GRAN_4K, 0, 0, 3, EPT_W), MAP(EPT_GRAN_4K, 0, 0, 3, 0x10),
      {EPT_OP_MAP, EPT_GRAN_4K, 0, 0, 0, 3, RW, 2, 0, 0, 0, 0},
      {EPT_OP_MAP, EPT_GRAN_4K, 0, 0, 0, 3, RW, WB, 0, EPT_HPA_UNALIGNED, 0, 0},
      {EPT_OP_MAP, EPT_GRAN_ODD, 0, 0, 0, 0, RW, WB, 0, 0, 0, 0},
      {EPT_OP_MAP, EPT_GRAN_ODD, 0, 0, 0, 0x41, RW, WB, 0, 0, 0, 0},
      UNMAP(EPT_GRAN_4K, 0, 0, 3), MAP(EPT_GRAN_4K, 0, 0, 3, RW), MAP(EPT_GRAN_4K, 0, 2, 3, RW),
      PROTECT(EPT_GRAN_4K, 0, 2, 3, EPT_R),
      {EPT_OP_MAP, EPT_GRAN_4K, 0, 0, 0, 3, RW, WB, 1, 0, 0, 0, false, true}}},
    {"allocation-failures", 0, 4,
     {{EPT_OP_MAP, EPT_GRAN_4K, 1, 0, 0, 20, RW, WB, 1, 0, 2, 0, true, false},
      MAP(EPT_GRAN_1G, 6, 0, 0, RW),
      {EPT_OP_UNMAP, EPT_GRAN_4K, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, true, false},
      {EPT_OP_PROTECT, EPT_GRAN_4K, 2, 0, 5, 0, EPT_R, 0, 0, 0, 4, 0, true, false}}},
    {"ad-flags", EPT_IN_AD, 4,
     {MAP(EPT_GRAN_2M, 6, 0, 0, RW), PROBE(6, 1, A_W, 0), PROTECT(EPT_GRAN_4K, 6, 1, 0, EPT_R),
      PROBE(6, 1, A_W, 0), PROBE(6, 2, A_RW, 0)}},
    {"huge-ranges", 0, 4,
     {{EPT_OP_MAP, EPT_GRAN_ODD, 6, 0, 0, 0x84, RW, WB, 1, 0, 0, 0},
      {EPT_OP_PROTECT, EPT_GRAN_ODD, 6, 0, 0, 0x83, EPT_R, 0, 0, 0, 0, 0},
      UNMAP(EPT_GRAN_4K, 6, 0, 3), {EPT_OP_UNMAP, EPT_GRAN_ODD, 6, 0, 4, 0x82, 0, 0, 0, 0, 0, 0},
      {EPT_OP_MAP, EPT_GRAN_ODD, 0, 0, 0, 0x8f, RW, WB, 1, 0, 0, 0}}},
    {"ignore-pat-and-types", 0, 4,
     {{EPT_OP_MAP, EPT_GRAN_4K, 0, 0, 0, 1, RW, EPT_MT_UC, 1, 0, 1, 0},
      {EPT_OP_MAP, EPT_GRAN_4K, 0, 0, 4, 1, RW, EPT_MT_WP, 1, 0, 0, 0}, PROBE(0, 0, A_R, 0),
      PROBE(0, 4, A_R, 0)}},
};

static void encode(const struct op *o, uint8_t b[EPT_INPUT_OP_BYTES])
{
    b[0] = (uint8_t)(o->kind | o->gran << 2 | (o->fail_alloc ? 0x40 : 0) | (o->misalign ? 0x80 : 0));
    b[1] = (uint8_t)(o->hot | o->coarse << 3);
    b[2] = (uint8_t)o->fine;
    b[3] = o->size;
    b[4] = (uint8_t)(o->perms | o->memtype << 5);
    b[5] = (uint8_t)(o->hpa_gib | o->hpa_mode << 6);
    b[6] = o->b6;
    b[7] = o->b7;
}

int main(int argc, char **argv)
{
    struct seedgen g;
    seedgen_init(&g, argc, argv, "ept", 0);
    for (size_t p = 0; p < sizeof programs / sizeof programs[0]; p++) {
        uint8_t buf[EPT_INPUT_HEADER + MAX_OPS * EPT_INPUT_OP_BYTES];
        size_t len = 0;
        buf[len++] = programs[p].config;
        buf[len++] = programs[p].width;
        for (unsigned i = 0; i < MAX_OPS; i++) {
            const struct op *o = &programs[p].ops[i];
            if (i > 0 && o->kind == 0 && o->size == 0 && o->perms == 0 && o->gran == 0)
                break; /* the zero-filled rest of the list */
            encode(o, buf + len);
            len += EPT_INPUT_OP_BYTES;
        }
        seedgen_write(&g, programs[p].name, buf, len);
    }
    printf("%u seeds written to %s\n", g.written, g.dir);
    return 0;
}
