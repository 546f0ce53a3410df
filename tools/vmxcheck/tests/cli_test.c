/* SPDX-License-Identifier: Apache-2.0 */
/* The command line: exit status, --caps, --json round trip, --sdm-chapter, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"
#include "testutil.h"

struct run {
    int rc;
    char *out, *err;
};

static char *contents(FILE *f)
{
    long n = ftell(f);
    char *s = calloc(1, (size_t)n + 1);
    assert_non_null(s);
    rewind(f);
    if (n > 0 && fread(s, 1, (size_t)n, f) != (size_t)n)
        fail_msg("cannot read back output");
    fclose(f);
    return s;
}

/* Runs vmxcheck with the given arguments; stdin holds `input` (may be NULL). */
static struct run vmxcheck(const char *input, int argc, const char **args)
{
    char *argv[16] = {"vmxcheck"};
    for (int i = 0; i < argc && i < 15; i++)
        argv[i + 1] = (char *)args[i];
    FILE *in = tmpfile(), *out = tmpfile(), *err = tmpfile();
    assert_true(in && out && err);
    if (input)
        fputs(input, in);
    rewind(in);
    struct run r = {.rc = vmxcheck_main(argc + 1, argv, in, out, err)};
    fclose(in);
    r.out = contents(out);
    r.err = contents(err);
    return r;
}

static void run_free(struct run *r)
{
    free(r->out);
    free(r->err);
}

#define TD "tools/vmxcheck/testdata/"

static void exit_status_says_valid_invalid_or_unreadable(void **state)
{
    (void)state;
    struct run r = vmxcheck(NULL, 1, (const char *[]){TD "011-kvm-nvmx-ve-exit-not-an-entry-failure.txt"});
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "no rule is broken"));
    run_free(&r);

    r = vmxcheck(NULL, 1, (const char *[]){TD "001-kvm-dosemu2-ldt-ds-not-accessed.txt"});
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.out, "GUEST.SEG.DS.TYPE.A"));
    assert_non_null(strstr(r.out, "26.3.1.2 (29.3.1.2 in 2026 editions)"));
    assert_non_null(strstr(r.out, "GUEST_DS_AR_BYTES"));
    assert_non_null(strstr(r.out, "hint:"));
    assert_non_null(strstr(r.out, "assumed"));
    run_free(&r);

    r = vmxcheck("this is not a dump\nat all\n", 1, (const char *[]){"-"});
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "-:2:"));
    run_free(&r);

    r = vmxcheck(NULL, 1, (const char *[]){"/nonexistent/dump.txt"});
    assert_int_equal(r.rc, 2);
    run_free(&r);

    r = vmxcheck(NULL, 0, (const char *[]){NULL});
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "usage"));
    run_free(&r);
}

static void all_lists_every_finding_and_the_assumption_only_checks(void **state)
{
    (void)state;
    struct run r = vmxcheck(NULL, 2, (const char *[]){"--all", TD "004-kvm-custom-vmm-garbage-sregs-gdtr-tr.txt"});
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.out, "GUEST.DTR.GDTR.BASE"));
    assert_non_null(strstr(r.out, "GUEST.RFLAGS.IF"));
    run_free(&r);
}

static void sdm_chapter_picks_the_numbering(void **state)
{
    (void)state;
    struct run r = vmxcheck(NULL, 3, (const char *[]){"--sdm-chapter", "29", TD "017-kvm-syzbot-cr4-smxe-fixed1.txt"});
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.out, "SDM 29.3.1.1 "));
    assert_null(strstr(r.out, "26.3.1.1"));
    run_free(&r);
    r = vmxcheck(NULL, 3, (const char *[]){"--sdm-chapter", "30", TD "017-kvm-syzbot-cr4-smxe-fixed1.txt"});
    assert_int_equal(r.rc, 2);
    run_free(&r);
}

static void caps_take_a_profile_or_a_file(void **state)
{
    (void)state;
    /* With every feature allowed (modern: SMX, 57-bit), the syzbot CR4.SMXE dump passes. */
    struct run r = vmxcheck(NULL, 3, (const char *[]){"--caps", "modern", TD "017-kvm-syzbot-cr4-smxe-fixed1.txt"});
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "profile modern"));
    run_free(&r);
    r = vmxcheck(NULL, 3, (const char *[]){"--caps", "no-such-profile", TD "017-kvm-syzbot-cr4-smxe-fixed1.txt"});
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "bochs-skylake-x"));
    run_free(&r);
    /* A file: read from stdin here. Bochs has no SMX either. */
    const char *caps = "0x480 0x00d810000000002b\n0x481 0x0000007f00000016\n"
                       "0x482 0xf7f9fffe0401e172\n0x483 0x007fffff00036dff\n"
                       "0x484 0x0000ffff000011ff\n0x485 0x00000000600401e0\n0x486 0x80000021\n"
                       "0x487 0xffffffff\n0x488 0x2000\n0x489 0x3727ff\n0x48a 0x34\n"
                       "0x48b 0x02177fff00000000\n0x48c 0x00000f0106334141\n"
                       "0x48d 0x0000007f00000016\n0x48e 0xf7f9fffe04006172\n"
                       "0x48f 0x007fffff00036dfb\n0x490 0x0000ffff000011fb\n0x491 0x1\n"
                       "maxphyaddr 40\nlinear 48\n";
    r = vmxcheck(caps, 3, (const char *[]){"--caps", "-", TD "017-kvm-syzbot-cr4-smxe-fixed1.txt"});
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.out, "GUEST.CR4.FIXED1"));
    assert_non_null(strstr(r.out, "492H 493H"));
    run_free(&r);
    r = vmxcheck("0x480 0x1 junk\n", 3, (const char *[]){"--caps", "-", TD "017-kvm-syzbot-cr4-smxe-fixed1.txt"});
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "-:1:"));
    run_free(&r);
}

/* The "verdict" line of a JSON report and the ids of every failing check, in order. */
static void verdict_and_ids(const char *json, char *buf, size_t cap)
{
    const char *v = strstr(json, "\"verdict\"");
    assert_non_null(v);
    size_t n = (size_t)(strchr(v, '\n') - v);
    snprintf(buf, cap, "%.*s", (int)n, v);
    for (const char *p = strstr(v, "{\"id\": "); p; p = strstr(p + 1, "{\"id\": ")) {
        size_t len = strlen(buf);
        const char *end = strchr(p + 8, ',');
        snprintf(buf + len, cap - len, " %.*s", (int)(end ? end - p - 8 : 0), p + 8);
    }
}

static void json_report_reads_back_as_the_same_dump(void **state)
{
    (void)state;
    static const char *const files[] = {
        TD "008-xen-msr-load-fail-ler-from-lip-broadwell.txt",
        TD "029-other-xmhf-nested-hyperv-procbased-allowed1-bug104-partial.txt",
        TD "015-qemu-err7-bad-vmexit-ctls-perf-global-ctrl.txt",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct run a = vmxcheck(NULL, 2, (const char *[]){"--json", files[i]});
        assert_true(a.rc == 0 || a.rc == 1);
        assert_non_null(strstr(a.out, "\"verdict\""));
        struct run b = vmxcheck(a.out, 2, (const char *[]){"--json", "-"});
        assert_int_equal(b.rc, a.rc);
        /* Same verdict and the same failing checks (line numbers differ, of course). */
        char ia[4096], ib[4096];
        verdict_and_ids(a.out, ia, sizeof ia);
        verdict_and_ids(b.out, ib, sizeof ib);
        assert_string_equal(ia, ib);
        /* And the same fields. */
        struct vmxdump da, db;
        size_t len;
        char *text = testdata(files[i] + strlen(TD), &len);
        parse_ok(text, VMXDUMP_AUTO, &da);
        parse_ok(a.out, VMXDUMP_JSON, &db);
        assert_memory_equal(da.given, db.given, sizeof da.given);
        assert_memory_equal(&da.vmcs, &db.vmcs, sizeof da.vmcs);
        free(text);
        run_free(&a);
        run_free(&b);
    }
    struct run e = vmxcheck("{\"GUEST_RIPX\": 1}", 2, (const char *[]){"--json", "-"});
    assert_int_equal(e.rc, 2);
    assert_non_null(strstr(e.out, "\"error\""));
    run_free(&e);
}

static void format_overrides_detection(void **state)
{
    (void)state;
    struct run r = vmxcheck(NULL, 3, (const char *[]){"--format", "json", TD "001-kvm-dosemu2-ldt-ds-not-accessed.txt"});
    assert_int_equal(r.rc, 2);
    run_free(&r);
    r = vmxcheck(NULL, 3, (const char *[]){"--format", "kvm", TD "001-kvm-dosemu2-ldt-ds-not-accessed.txt"});
    assert_int_equal(r.rc, 1);
    run_free(&r);
    r = vmxcheck(NULL, 3, (const char *[]){"--format", "nope", TD "001-kvm-dosemu2-ldt-ds-not-accessed.txt"});
    assert_int_equal(r.rc, 2);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exit_status_says_valid_invalid_or_unreadable),
        cmocka_unit_test(all_lists_every_finding_and_the_assumption_only_checks),
        cmocka_unit_test(sdm_chapter_picks_the_numbering),
        cmocka_unit_test(caps_take_a_profile_or_a_file),
        cmocka_unit_test(json_report_reads_back_as_the_same_dump),
        cmocka_unit_test(format_overrides_detection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
