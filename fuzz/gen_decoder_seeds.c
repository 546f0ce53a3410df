/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seeds and dictionary for the decoder harness: one instruction per part
 * of the format (prefix runs, REX placement, every ModRM/SIB form in 16-,
 * 32- and 64-bit addressing, RIP-relative, moffs, every immediate kind,
 * 3DNow!, VEX, EVEX, VSIB, groups, x87, the #UD/#GP edges), each followed
 * by the next instruction's bytes so that length errors show. Each is
 * written once per mode (the harness's byte 0, decoder.c), as
 * <name>-<mode>.
 *
 *   bazel run //fuzz:decoder_seedgen [-- OUT_DIR DICT]
 */
#include <stdio.h>
#include <stdlib.h>

#include "seedgen.h"

struct seed {
    const char *name;
    const char *bytes; /* hex pairs */
};

static const struct seed seeds[] = {
    {"mov-rip-relative", "48 8b 05 10 00 00 00 90"},
    {"mov-sib-rsp", "8b 44 24 08 90"},
    {"mov-sib-no-base-rex-x", "42 8b 04 a5 00 10 00 00 90"},
    {"mov-r13-disp8", "41 8b 45 00 90"},
    {"mov-16bit-bp-si", "8b 42 04 90"},
    {"mov-16bit-disp16", "8b 06 34 12 90"},
    {"addr32-in-64bit", "67 8b 05 00 01 00 00 90"},
    {"addr16-in-32bit", "67 8b 00 90"},
    {"addr32-in-16bit", "66 67 8b 44 24 02 90"},
    {"segment-overrides", "2e 3e 64 26 8b 00 90"},
    {"rex-then-66", "48 66 8b 00 90"},
    {"66-then-rex", "66 48 8b 00 90"},
    {"two-rex", "41 48 8b 00 90"},
    {"rep-repne", "f3 f2 a4 90"},
    {"mandatory-f3-66", "66 f3 0f 10 00 90"},
    {"popcnt", "f3 0f b8 c0 90"},
    {"mov-imm64", "48 b8 88 77 66 55 44 33 22 11 90"},
    {"moffs64", "48 a1 88 77 66 55 44 33 22 11 90"},
    {"moffs32-in-64bit", "67 a2 00 00 00 80 90"},
    {"enter", "c8 10 00 01 90"},
    {"far-call-ptr1632", "9a 78 56 34 12 cd ab 90"},
    {"far-jmp-ptr1616", "66 ea 34 12 cd ab 90"},
    {"test-group3-imm", "f7 c0 01 00 00 00 f6 c0 12 90"},
    {"not-group3", "f6 d0 90"},
    {"jcc-rel32-66", "66 0f 84 00 00 00 00 90"},
    {"call-rel16", "e8 00 01 90"},
    {"xbegin-xabort", "c7 f8 00 00 00 00 c6 f8 01 90"},
    {"3dnow-pfmul", "0f 0f c1 b4 90"},
    {"3dnow-mem", "0f 0f 40 08 9e 90"},
    {"palignr-0f3a", "66 0f 3a 0f c1 08 90"},
    {"crc32", "f2 0f 38 f1 c0 90"},
    {"vzeroupper", "c5 f8 77 90"},
    {"vex3-broadcast", "c4 e2 79 18 00 90"},
    {"vex-vpermilps-imm", "c4 e3 79 04 c0 01 90"},
    {"vex-gather-vsib", "c4 e2 79 90 04 e0 90"},
    {"evex-vmovups-disp8n", "62 f1 7c 48 10 40 01 90"},
    {"evex-broadcast", "62 f1 74 58 58 40 02 90"},
    {"evex-high-regs", "62 61 7c 48 10 00 90"},
    {"bound-or-evex", "62 00 90"},
    {"les-or-vex", "c4 00 90"},
    {"lock-add", "f0 01 00 90"},
    {"lock-register", "f0 01 c0 90"},
    {"lock-cmpxchg16b", "f0 48 0f c7 08 90"},
    {"mov-cr8", "44 0f 20 c0 90"},
    {"mov-cr-mod-ignored", "0f 22 18 90"},
    {"ud2", "0f 0b 90"},
    {"ud1", "0f b9 40 01 90"},
    {"invalid-in-64bit", "06 27 60 ce d4 0a 90"},
    {"x87-holes", "d9 d1 d9 e8 df e1 90"},
    {"grp7-vmcall", "0f 01 c1 90"},
    {"grp9-rdrand", "0f c7 f0 90"},
    {"grp15-fences", "0f ae f0 90"},
    {"length-15", "66 66 66 66 66 66 66 66 66 66 66 66 66 66 90"},
    {"length-16", "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90"},
    {"prefixes-then-rip-relative", "2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 48 8b 05 00 00 00 00"},
    {"truncated-imm64", "48 b8 11 22"},
};

/* Tokens worth splicing: escapes, prefixes, VEX/EVEX leads, ModRM/SIB forms. */
static const char *const tokens[] = {
    "0f", "0f 38", "0f 3a", "0f 0f", "0f 01", "0f c7", "0f ae", "c4 e2 79", "c4 e3 79", "c5 f8",
    "62 f1 7c 48", "62 f2 7d 48", "8f e8 78", "66", "67", "f2", "f3", "f0", "2e", "3e", "26", "36",
    "64", "65", "48", "4c", "41", "44", "05 00 00 00 00", "04 24", "44 24 08", "84 24 00 01 00 00",
    "04 25 00 00 00 00", "a1", "b8", "9a", "ea", "c8", "f6", "f7", "ff", "d9", "df",
};

static size_t parse_hex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (*s && n < cap) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        unsigned v = 0;
        for (int i = 0; i < 2; i++, s++)
            v = v * 16 + (unsigned)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
        out[n++] = (uint8_t)v;
    }
    return n;
}

int main(int argc, char **argv)
{
    struct seedgen g;
    seedgen_init(&g, argc, argv, "decoder", 1);
    /* Byte 0 of an input: the mode, in the harness's order. */
    static const char *const mode_names[] = {"real", "vm86", "16", "32", "64"};
    uint8_t buf[64];
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        size_t n = 1 + parse_hex(seeds[i].bytes, buf + 1, sizeof buf - 1);
        for (size_t m = 0; m < sizeof mode_names / sizeof mode_names[0]; m++) {
            char name[96];
            snprintf(name, sizeof name, "%s-%s", seeds[i].name, mode_names[m]);
            buf[0] = (uint8_t)m;
            seedgen_write(&g, name, buf, n);
        }
    }
    void *dict = seedgen_open_dict(&g);
    for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++)
        seedgen_dict_entry(dict, (const char *)buf, parse_hex(tokens[i], buf, sizeof buf));
    if (fclose(dict) != 0) {
        perror(g.dict);
        exit(1);
    }
    printf("%u seeds written to %s, dictionary %s\n", g.written, g.dir, g.dict);
    return 0;
}
