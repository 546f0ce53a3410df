/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Completing a dump: the assumed values never break a rule by themselves,
 * on every profile, and a failing rule is a finding only when it reads a
 * value the dump gave.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "testutil.h"

static const char *const profiles[] = {"modern", "bochs-skylake-x", "minimal"};

/* Dumps of one or two fields that every processor accepts. */
static const char *const tiny[] = {
    "{\"GUEST_RIP\": 1}",
    "{\"GUEST_IA32_EFER\": \"0x500\"}",               /* IA-32e guest from EFER.LMA */
    "{\"GUEST_RFLAGS\": \"0x20002\"}",                /* virtual-8086 guest */
    "{\"CR0_READ_SHADOW\": \"0x60000010\"}",          /* real mode, as QEMU shows it */
    "{\"GUEST_CS_AR_BYTES\": \"0xa09b\"}",            /* 64-bit code segment */
    "{\"HOST_RIP\": \"0x100000\"}",                   /* a 32-bit host */
    "{\"GUEST_TR_AR_BYTES\": \"0x808b\"}",            /* TR with G = 1: its limit follows */
    "{\"GUEST_SS_SELECTOR\": \"0x2b\"}",              /* SS RPL 3: CS and SS DPL follow */
    "{\"VM_ENTRY_INTR_INFO_FIELD\": \"0x80000020\"}", /* an external interrupt: IF = 1 */
    "{\"GUEST_INTERRUPTIBILITY_INFO\": 1}",           /* blocking by STI: IF = 1 */
    "{\"HOST_CR4\": \"0x2000\"}",                     /* no PAE: a 32-bit host */
    "{\"GUEST_ACTIVITY_STATE\": 1}",                  /* HLT */
    "{\"SECONDARY_VM_EXEC_CONTROL\": \"0x2\"}",       /* EPT: activated, with an EPTP */
    "{\"VM_EXIT_MSR_LOAD_COUNT\": 2}",                /* an MSR area address */
    "{\"GUEST_CS_SELECTOR\": \"0x33\"}",              /* CS RPL 3: SS follows */
    "{\"GUEST_LDTR_SELECTOR\": \"0x28\"}",            /* a usable LDT */
    "{\"VM_ENTRY_INTR_INFO_FIELD\": \"0x80000b0e\"}", /* #PF with an error code */
};

static void assumptions_alone_break_no_rule_on_any_profile(void **state)
{
    (void)state;
    static struct vmxdump d;
    static struct capspec caps;
    static struct assumed a;
    static struct vmxcheck_result r;
    struct vmxdump_error e;
    for (size_t t = 0; t < sizeof tiny / sizeof tiny[0]; t++) {
        parse_ok(tiny[t], VMXDUMP_JSON, &d);
        for (size_t p = 0; p <= sizeof profiles / sizeof profiles[0]; p++) {
            int rc = p < sizeof profiles / sizeof profiles[0]
                         ? capspec_from_profile(profiles[p], &caps, &e)
                         : capspec_guess(&d, &caps, &e);
            assert_int_equal(rc, 0);
            assert_int_equal(vmxcheck_run(&d, &caps, &a, &r), 0);
            if (r.n)
                fail_msg("%s on %s: %s fails", tiny[t], caps.name, vmx_check_table[r.f[0].check].id);
            assert_int_equal(r.verdict.outcome, VMX_ENTRY_OK);
        }
    }
}

static void real_dumps_need_no_rule_broken_by_assumptions(void **state)
{
    (void)state;
    static const char *const files[] = {
        "001-kvm-dosemu2-ldt-ds-not-accessed.txt", "006-xen-nested-vmlaunch-err7-gp-reinject-no-errcode.txt",
        "015-qemu-err7-bad-vmexit-ctls-perf-global-ctrl.txt", "021-other-xmhf-cr0-ne-cleared-on-reboot-bug007.txt",
        "024-other-xmhf-ap-tr-type3-ia32e-bug014-partial.txt",
        "029-other-xmhf-nested-hyperv-procbased-allowed1-bug104-partial.txt",
    };
    static struct vmxdump d;
    static struct capspec caps;
    static struct assumed a;
    static struct vmxcheck_result r;
    struct vmxdump_error e;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t len;
        char *text = testdata(files[i], &len);
        assert_int_equal(vmxdump_parse(text, len, &d, &e), 0);
        free(text);
        assert_int_equal(capspec_guess(&d, &caps, &e), 0);
        assert_int_equal(vmxcheck_run(&d, &caps, &a, &r), 0);
        for (size_t k = 0; k < r.n; k++)
            if (!r.f[k].given)
                fail_msg("%s: %s fails on assumed values only", files[i],
                         vmx_check_table[r.f[k].check].id);
    }
}

static void a_failure_is_a_finding_only_if_it_reads_a_given_value(void **state)
{
    (void)state;
    static struct vmxdump d;
    static struct capspec caps;
    static struct assumed a;
    static struct vmxcheck_result r;
    struct vmxdump_error e;
    /* Real mode on a processor without "unrestricted guest": CR0.PE/PG are given, so it is a finding. */
    parse_ok("{\"GUEST_CR0\": \"0x30\"}", VMXDUMP_JSON, &d);
    assert_int_equal(capspec_from_profile("minimal", &caps, &e), 0);
    assert_int_equal(vmxcheck_run(&d, &caps, &a, &r), 0);
    assert_true(r.nfindings >= 1);
    assert_true(r.verdict_given);
    assert_int_equal(vmxcheck_exit_code(&r), 1);
    /* The same rule on an assumed CR0 is not. */
    enum vmx_check_id id = r.verdict.check;
    a.origin[VMCS_GUEST_CR0] = ORIGIN_ASSUMED;
    assert_false(vmxcheck_reads_given(&a, id));
    r.nfindings = 0;
    assert_int_equal(vmxcheck_exit_code(&r), 0);
}

/*
 * realdumps/025: the dump lacks the MSR-load area; its notes give entry 1 as
 * IA32_EFER = 0xd01. With that entry, the verdict is the hardware's: exit 34,
 * entry 1 (LME may not change while CR0.PG = 1).
 */
static void the_msr_entry_025_leaves_out_fails_wrmsr_at_entry_1(void **state)
{
    (void)state;
    static struct vmxdump d;
    static struct capspec caps;
    static struct assumed a;
    static struct vmxcheck_result r;
    struct vmxdump_error e;
    parse_file_ok("025-other-xmhf-nested-vbox-msr-load-efer-bug093.txt", VMXDUMP_XMHF, &d);
    d.msrs[VMXDUMP_MSRS_ENTRY_LOAD].n = 1;
    d.msrs[VMXDUMP_MSRS_ENTRY_LOAD].e[0] = (struct vmxdump_msr){0, 0xc0000080, 0, 0xd01};
    assert_int_equal(capspec_guess(&d, &caps, &e), 0);
    assert_int_equal(vmxcheck_run(&d, &caps, &a, &r), 0);
    assert_int_equal(r.verdict.exit_reason, 0x80000022);
    assert_int_equal(r.verdict_msr_entry, 1);
    assert_string_equal(vmx_check_table[r.verdict.check].id, "MSRLOAD.WRMSR");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(assumptions_alone_break_no_rule_on_any_profile),
        cmocka_unit_test(real_dumps_need_no_rule_broken_by_assumptions),
        cmocka_unit_test(a_failure_is_a_finding_only_if_it_reads_a_given_value),
        cmocka_unit_test(the_msr_entry_025_leaves_out_fails_wrmsr_at_entry_1),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
