/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoder speed: ns per instruction over a stream of common 64-bit code
 * (prologues, loads/stores with every addressing form, ALU, branches,
 * calls, MMIO-style moves, SSE/AVX moves), decoded by x86_decode, Zydis
 * 4.0.0 (ZydisDecoderDecodeInstruction, and ZydisDecoderDecodeFull with
 * operands) and Capstone 4.0.2 (cs_disasm_iter, details off and on) on the
 * same bytes in the same run. Each decoder runs RUNS times; min and median
 * are printed with the ratio to x86_decode.
 *
 *   bazel run --config=opt //core/emul:bench_decode [-- INSNS RUNS]
 */
#define _POSIX_C_SOURCE 200809L
#include <Zydis/Zydis.h>
#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_decode_ours.h"
#include "tools/bench/bench.h"

static const char *const mix[] = {
    "55", "48 89 e5", "41 57", "41 56", "53", "48 83 ec 28", "48 8b 47 08", "8b 46 10",
    "48 8b 05 78 56 34 12", "89 47 0c", "48 89 44 24 08", "4c 8b 4c 24 20", "48 8d 04 c8",
    "48 8d 54 24 10", "0f b6 07", "0f b7 4e 02", "48 63 d0", "01 c8", "48 01 d0", "29 f7",
    "83 c0 01", "48 83 e1 f0", "81 e2 ff 0f 00 00", "31 c0", "85 c0", "48 39 d1", "3b 47 04",
    "74 12", "75 f0", "0f 84 10 01 00 00", "0f 8f 00 ff ff ff", "eb 05", "e9 00 10 00 00",
    "e8 00 00 00 00", "ff d0", "ff 15 00 00 00 00", "c3", "5b", "41 5e", "41 5f", "5d",
    "c7 07 01 00 00 00", "c7 47 10 00 00 00 80", "66 89 47 02", "88 07", "f3 48 ab", "f3 a4",
    "48 c1 e0 04", "48 d3 e2", "0f af c1", "48 f7 f1", "48 99", "0f 1f 44 00 00", "66 90",
    "f0 0f b1 0f", "f0 48 0f c1 07", "87 07", "48 b8 88 77 66 55 44 33 22 11", "0f 10 07",
    "66 0f 6f 06", "f3 0f 7f 07", "c5 fa 6f 07", "c5 fe 7f 47 20", "62 f1 7e 48 6f 46 01",
    "64 48 8b 04 25 28 00 00 00", "0f 01 d6", "0f a2", "0f 31",
};

static size_t parse_hex(const char *s, uint8_t *out)
{
    size_t n = 0;
    while (*s) {
        if (*s == ' ') {
            s++;
            continue;
        }
        unsigned v = 0;
        for (int i = 0; i < 2; i++, s++)
            v = v * 16 + (unsigned)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
        out[n++] = (uint8_t)v;
    }
    return n;
}

struct stream {
    uint8_t *bytes;
    size_t size, insns;
};

enum decoder { OURS, ZYDIS_INSN, ZYDIS_FULL, CAPSTONE, CAPSTONE_DETAIL, DECODERS };
static const char *const names[DECODERS] = {
    "x86_decode", "Zydis DecodeInstruction", "Zydis DecodeFull", "Capstone cs_disasm_iter",
    "Capstone cs_disasm_iter +detail",
};

static ZydisDecoder zydis;
static csh cs_plain, cs_with_detail;
static volatile unsigned long sink;

/* Decodes the whole stream once; returns ns per instruction (0 on a decode failure). */
static double pass(enum decoder d, const struct stream *s)
{
    size_t off = 0, count = 0;
    double t0 = (bench_wall_seconds() * 1e9);
    if (d == OURS) {
        count = bench_decode_stream(s->bytes, s->size);
    } else if (d == ZYDIS_INSN || d == ZYDIS_FULL) {
        ZydisDecodedInstruction in;
        ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
        while (off < s->size) {
            ZyanStatus st = d == ZYDIS_INSN
                                ? ZydisDecoderDecodeInstruction(&zydis, NULL, s->bytes + off, s->size - off, &in)
                                : ZydisDecoderDecodeFull(&zydis, s->bytes + off, s->size - off, &in, ops);
            if (ZYAN_FAILED(st))
                return 0;
            off += in.length;
            count++;
        }
    } else {
        csh h = d == CAPSTONE ? cs_plain : cs_with_detail;
        cs_insn *in = cs_malloc(h);
        const uint8_t *code = s->bytes;
        size_t left = s->size;
        uint64_t addr = 0;
        while (left && cs_disasm_iter(h, &code, &left, &addr, in))
            count++;
        cs_free(in, 1);
        if (left)
            return 0;
    }
    double t = (bench_wall_seconds() * 1e9) - t0;
    sink += count;
    return count == s->insns ? t / (double)count : 0;
}

int main(int argc, char **argv)
{
    size_t insns = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000;
    int runs = argc > 2 ? atoi(argv[2]) : 9;
    if (runs < 1 || runs > 99 || insns == 0) {
        fprintf(stderr, "usage: bench_decode [INSNS] [RUNS (1-99)]\n");
        return 2;
    }
    /* The stream: the mix in a fixed pseudo-random order. */
    struct stream s = {.bytes = malloc(insns * 16), .insns = insns};
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < insns; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        s.size += parse_hex(mix[x % (sizeof mix / sizeof mix[0])], s.bytes + s.size);
    }
    ZydisDecoderInit(&zydis, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs_plain) != CS_ERR_OK ||
        cs_open(CS_ARCH_X86, CS_MODE_64, &cs_with_detail) != CS_ERR_OK)
        return 1;
    cs_option(cs_with_detail, CS_OPT_DETAIL, CS_OPT_ON);

    double t[DECODERS][99];
    for (int r = 0; r < runs; r++) /* interleaved, so that machine noise hits every decoder */
        for (int d = 0; d < DECODERS; d++)
            if ((t[d][r] = pass((enum decoder)d, &s)) == 0) {
                fprintf(stderr, "%s failed to decode the stream\n", names[d]);
                return 1;
            }
    printf("%zu instructions (%zu bytes, %zu distinct encodings), %d runs, ns per instruction\n",
           insns, s.size, sizeof mix / sizeof mix[0], runs);
    printf("%-34s %8s %8s %12s\n", "decoder", "min", "median", "median/ours");
    double ours_median = 0;
    for (int d = 0; d < DECODERS; d++) {
        bench_sort(t[d], (size_t)runs);
        double median = t[d][runs / 2];
        if (d == OURS)
            ours_median = median;
        printf("%-34s %8.1f %8.1f %11.1fx\n", names[d], t[d][0], median, median / ours_median);
    }
    cs_close(&cs_plain);
    cs_close(&cs_with_detail);
    free(s.bytes);
    return 0;
}
