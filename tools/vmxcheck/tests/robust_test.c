/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bad input never crashes the parsers: truncated, mutated, random, token
 * soup, huge and empty inputs, each in its own exactly-sized allocation
 * (so AddressSanitizer sees any read past the end), through every format.
 * Each either parses or fails with a message and a line number inside the
 * input; inputs that parse also go through the whole check. Deterministic
 * seed; a few thousand inputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "testutil.h"

static const char *const files[] = {
    "001-kvm-dosemu2-ldt-ds-not-accessed.txt",
    "004-kvm-custom-vmm-garbage-sregs-gdtr-tr.txt",
    "006-xen-nested-vmlaunch-err7-gp-reinject-no-errcode.txt",
    "008-xen-msr-load-fail-ler-from-lip-broadwell.txt",
    "011-kvm-nvmx-ve-exit-not-an-entry-failure.txt",
    "015-qemu-err7-bad-vmexit-ctls-perf-global-ctrl.txt",
    "017-kvm-syzbot-cr4-smxe-fixed1.txt",
    "021-other-xmhf-cr0-ne-cleared-on-reboot-bug007.txt",
    "023-other-xmhf-stale-build-garbage-vmcs-bug015.txt",
    "024-other-xmhf-ap-tr-type3-ia32e-bug014-partial.txt",
    "025-other-xmhf-nested-vbox-msr-load-efer-bug093.txt",
    "028-other-xmhf-nested-vmcs02-swexc-zero-insn-len-bug088.txt",
    "029-other-xmhf-nested-hyperv-procbased-allowed1-bug104-partial.txt",
};
#define NFILES (sizeof files / sizeof files[0])

/* Pieces of every format, for inputs that get past the first checks. */
static const char *const tokens[] = {
    "*** Guest State ***", "*** Host State ***", "*** Control State ***", "CR0: actual=",
    "shadow=", "gh_mask=", "CS:   sel=", "attr=", "limit=", "base=", "RIP = ", "RSP =",
    "Sysenter RSP=", "CS:RIP=", "0010:ffff", "SVI|RVI = ", "|", "EFER= ", "(effective)", "(",
    ")", "PinBased=", "VMEntry: intr_info=", "MSR guest autoload:", "0: msr=", "value=", "(XEN)",
    "        sel  attr  limit   base", "  CS: ", "GDTR: ", "VMLAUNCH error: ",
    "vmentry failure (reason ", "(entry ", "msr ", " val ", "(mbz ", "EAX=", "EIP=", "ES =",
    "GDT=", "CR0=", "hardware error ", "{", "}", "[", "]", ":", ",", "\"", "\"GUEST_RIP\"",
    "\"fields\"", "\"stated\"", "\"msr_lists\"", "\"entry_load\"", "\"capability_hints\"",
    "\"proc\"", "\"allowed0\"", "null", "\\u00", "# Guest-state fields", "GUEST_RIP (0x681e) = ",
    "guest_CS_selector=", "guest_CS_base/limit=", "/", "CPU(0x01): ", "(0x0800) ",
    "@vmentry-failure02@", "VMCS02.", "unavailable", "VM-ENTRY error: reason=",
    "qualification=", "code=", "[cr0-01] new gstCR0: ", "TR_acc_rts: ", "(gdb) p/x val",
    "(gdb) p/x fixed0", "(gdb) p/x fixed1", "$1 = ", "0x", "0x4006172", "ffffffffffffffff",
    "00000000", "1", "=", " ", "  ", "\n", "\r\n", "\t", "[123.456] ", "kvm_intel: ",
};
#define NTOKENS (sizeof tokens / sizeof tokens[0])

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

struct stats {
    unsigned inputs, parsed, refused, checked;
};

static unsigned count_lines(const char *p, size_t n)
{
    unsigned lines = 1;
    for (size_t i = 0; i < n; i++)
        lines += p[i] == '\n' || (p[i] == '\r' && (i + 1 == n || p[i + 1] != '\n'));
    return lines;
}

/* One input through every parser; the text is copied into an exact-size buffer. */
static void try(const char *src, size_t n, struct stats *st, bool full)
{
    char *p = malloc(n ? n : 1);
    assert_non_null(p);
    if (n)
        memcpy(p, src, n);
    unsigned lines = count_lines(src, n);
    st->inputs++;
    static struct vmxdump d;
    for (int f = VMXDUMP_AUTO; f < VMXDUMP_FORMAT_COUNT; f++) {
        struct vmxdump_error e;
        int rc = vmxdump_parse_as(p, n, (enum vmxdump_format)f, &d, &e);
        if (rc != 0) {
            st->refused++;
            if (e.line < 1 || e.line > lines || !e.message[0])
                fail_msg("format %s: error line %u of %u lines, message \"%s\"",
                         vmxdump_format_name((enum vmxdump_format)f), e.line, lines, e.message);
            continue;
        }
        st->parsed++;
        if (!d.nfields && !d.stated.vmfail && !d.stated.exit)
            fail_msg("format %s: success without fields", vmxdump_format_name((enum vmxdump_format)f));
        if (full && f == VMXDUMP_AUTO) {
            static struct capspec caps;
            static struct assumed a;
            static struct vmxcheck_result r;
            struct vmxdump_error ce;
            if (capspec_guess(&d, &caps, &ce) == 0 && vmxcheck_run(&d, &caps, &a, &r) == 0)
                st->checked++;
        }
    }
    free(p);
}

static void truncated_dumps_never_crash(void **state)
{
    (void)state;
    struct stats st = {0};
    for (size_t i = 0; i < NFILES; i++) {
        size_t len;
        char *text = testdata(files[i], &len);
        for (size_t k = 0; k <= 48; k++)
            try(text, len * k / 48, &st, k % 4 == 0);
        free(text);
    }
    print_message("truncated: %u inputs, %u parses, %u refusals, %u full checks\n", st.inputs,
                  st.parsed, st.refused, st.checked);
}

static void mutated_dumps_never_crash(void **state)
{
    (void)state;
    uint64_t seed = 0x5eed0f0dd1ce5ull;
    struct stats st = {0};
    static char buf[1 << 16];
    for (size_t i = 0; i < NFILES; i++) {
        size_t len;
        char *text = testdata(files[i], &len);
        for (int m = 0; m < 120; m++) {
            size_t n = len < sizeof buf ? len : sizeof buf;
            memcpy(buf, text, n);
            int edits = 1 + (int)(rnd(&seed) % 8);
            for (int e = 0; e < edits && n; e++) {
                size_t at = rnd(&seed) % n;
                switch (rnd(&seed) % 6) {
                case 0: /* flip a byte */
                    buf[at] = (char)rnd(&seed);
                    break;
                case 1: { /* delete a range */
                    size_t k = 1 + rnd(&seed) % 40;
                    if (k > n - at)
                        k = n - at;
                    memmove(buf + at, buf + at + k, n - at - k);
                    n -= k;
                    break;
                }
                case 2: /* a digit becomes a letter, a separator disappears */
                    buf[at] = "gZ=,:\n (x"[rnd(&seed) % 9];
                    break;
                default: { /* insert a token */
                    const char *t = tokens[rnd(&seed) % NTOKENS];
                    size_t k = strlen(t);
                    if (n + k > sizeof buf)
                        break;
                    memmove(buf + at + k, buf + at, n - at);
                    memcpy(buf + at, t, k);
                    n += k;
                    break;
                }
                }
            }
            try(buf, n, &st, m % 8 == 0);
        }
        free(text);
    }
    print_message("mutated: %u inputs, %u parses, %u refusals, %u full checks\n", st.inputs,
                  st.parsed, st.refused, st.checked);
}

static void random_bytes_and_token_soup_never_crash(void **state)
{
    (void)state;
    uint64_t seed = 0x0123456789abcdefull;
    struct stats st = {0};
    static char buf[8192];
    for (int i = 0; i < 400; i++) {
        size_t n = rnd(&seed) % sizeof buf;
        for (size_t k = 0; k < n; k++)
            buf[k] = (char)rnd(&seed);
        try(buf, n, &st, false);
    }
    for (int i = 0; i < 800; i++) {
        size_t n = 0;
        int count = 1 + (int)(rnd(&seed) % 120);
        for (int k = 0; k < count; k++) {
            const char *t = tokens[rnd(&seed) % NTOKENS];
            size_t l = strlen(t);
            if (n + l >= sizeof buf)
                break;
            memcpy(buf + n, t, l);
            n += l;
            if (rnd(&seed) % 3 == 0 && n + 16 < sizeof buf)
                n += (size_t)snprintf(buf + n, 16, "%llx", (unsigned long long)rnd(&seed));
        }
        try(buf, n, &st, i % 4 == 0);
    }
    print_message("random: %u inputs, %u parses, %u refusals, %u full checks\n", st.inputs,
                  st.parsed, st.refused, st.checked);
}

static void empty_nul_and_huge_inputs_are_handled(void **state)
{
    (void)state;
    struct stats st = {0};
    struct vmxdump d;
    struct vmxdump_error e;
    assert_int_not_equal(vmxdump_parse(NULL, 0, &d, &e), 0);
    assert_int_equal(e.line, 1);
    assert_int_not_equal(vmxdump_parse("", 0, &d, &e), 0);
    assert_int_equal(e.line, 1);
    assert_non_null(strstr(e.message, "empty"));
    char nuls[300] = {0};
    try(nuls, sizeof nuls, &st, false);
    /* 4 MiB: a dump repeated (the last copy is used) and one line without a newline. */
    size_t len;
    char *text = testdata(files[0], &len);
    size_t big = 4u << 20;
    char *huge = malloc(big);
    assert_non_null(huge);
    for (size_t k = 0; k < big; k++)
        huge[k] = text[k % len];
    try(huge, big, &st, true);
    memset(huge, 'A', big);
    try(huge, big, &st, false);
    memset(huge, '=', big);
    try(huge, big, &st, false);
    free(huge);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(truncated_dumps_never_crash),
        cmocka_unit_test(mutated_dumps_never_crash),
        cmocka_unit_test(random_bytes_and_token_soup_never_crash),
        cmocka_unit_test(empty_nul_and_huge_inputs_are_handled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
