/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every real dump of shared/reference/realdumps (copied into testdata/)
 * parses and gets the verdict its INDEX.md row states: the failing SDM
 * checks (by the stable IDs of sdm-entry-checks.md) are among the
 * findings, and "valid per SDM" dumps have none. Default capabilities
 * (guessed from the dump), as a user running `vmxcheck FILE` gets.
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

#define EXIT33 0x80000021u
#define EXIT34 0x80000022u
#define ANY_OUTCOME (-1)

struct realdump {
    const char *file;
    enum vmxdump_format format;
    const char *expect[13]; /* INDEX.md verdict: failing check IDs; none = valid per SDM */
    bool exact;             /* INDEX.md says everything else in the dump passes */
    int outcome;            /* the hardware verdict vmxcheck must give, or ANY_OUTCOME */
    uint32_t number;        /* VMfailValid error, or exit reason */
    uint64_t qualification; /* exit 33: qualification; exit 34: the dump's entry number */
};

static const struct realdump dumps[] = {
    {"001-kvm-dosemu2-ldt-ds-not-accessed.txt", VMXDUMP_KVM,
     {"GUEST.SEG.DS.TYPE.A", "GUEST.SEG.ES.TYPE.A"}, true, VMX_ENTRY_FAIL_EXIT, EXIT33, 0},
    {"004-kvm-custom-vmm-garbage-sregs-gdtr-tr.txt", VMXDUMP_KVM,
     {"GUEST.DTR.GDTR.BASE", "GUEST.SEG.TR.USABLE", "GUEST.SEG.TR.P", "GUEST.SEG.TR.TYPE.IA32E",
      "GUEST.SEG.TR.G.HI", "GUEST.RFLAGS.IF"},
     true, VMX_ENTRY_FAIL_EXIT, EXIT33, 0},
    {"006-xen-nested-vmlaunch-err7-gp-reinject-no-errcode.txt", VMXDUMP_XEN, {"ENTRY.INJ.EC.VEC"},
     true, VMX_ENTRY_FAIL_VALID, 7, 0},
    {"008-xen-msr-load-fail-ler-from-lip-broadwell.txt", VMXDUMP_XEN, {"MSRLOAD.WRMSR"}, true,
     VMX_ENTRY_FAIL_EXIT, EXIT34, 2},
    {"011-kvm-nvmx-ve-exit-not-an-entry-failure.txt", VMXDUMP_KVM, {NULL}, true, VMX_ENTRY_OK, 0, 0},
    {"015-qemu-err7-bad-vmexit-ctls-perf-global-ctrl.txt", VMXDUMP_QEMU, {NULL}, true,
     VMX_ENTRY_OK, 0, 0},
    {"017-kvm-syzbot-cr4-smxe-fixed1.txt", VMXDUMP_KVM, {"GUEST.CR4.FIXED1"}, true,
     VMX_ENTRY_FAIL_EXIT, EXIT33, 0},
    {"021-other-xmhf-cr0-ne-cleared-on-reboot-bug007.txt", VMXDUMP_XMHF, {"GUEST.CR0.FIXED0"}, true,
     VMX_ENTRY_FAIL_EXIT, EXIT33, 0},
    {"022-other-xmhf-cr0-ne-cleared-long-mode-bug008.txt", VMXDUMP_XMHF, {"GUEST.CR0.FIXED0"}, true,
     VMX_ENTRY_FAIL_EXIT, EXIT33, 0},
    {"023-other-xmhf-stale-build-garbage-vmcs-bug015.txt", VMXDUMP_XMHF,
     {"GUEST.CR0.FIXED0", "GUEST.CR4.FIXED0", "GUEST.RFLAGS.ONE", "GUEST.SEG.CS.TYPE",
      "GUEST.SEG.CS.S", "GUEST.SEG.CS.P", "GUEST.SEG.TR.SEL.TI", "GUEST.SEG.TR.TYPE.LEGACY",
      "GUEST.SEG.TR.P", "GUEST.SEG.LDTR.SEL.TI", "GUEST.SEG.LDTR.TYPE", "GUEST.SEG.LDTR.P"},
     false, VMX_ENTRY_FAIL_EXIT, EXIT33, 0},
    {"024-other-xmhf-ap-tr-type3-ia32e-bug014-partial.txt", VMXDUMP_XMHF_TRACE,
     {"GUEST.SEG.TR.TYPE.IA32E"}, true, VMX_ENTRY_FAIL_EXIT, EXIT33, 0},
    {"025-other-xmhf-nested-vbox-msr-load-efer-bug093.txt", VMXDUMP_XMHF, {NULL}, true,
     VMX_ENTRY_OK, 0, 0},
    {"027-other-xmhf-vmlaunch-err7-invpcid-unsupported-bug005.txt", VMXDUMP_XMHF, {NULL}, true,
     VMX_ENTRY_OK, 0, 0},
    {"028-other-xmhf-nested-vmcs02-swexc-zero-insn-len-bug088.txt", VMXDUMP_XMHF,
     {"ENTRY.INJ.ILEN.ZERO"}, true, VMX_ENTRY_FAIL_VALID, 7, 0},
    {"029-other-xmhf-nested-hyperv-procbased-allowed1-bug104-partial.txt", VMXDUMP_GDB,
     {"CTL.PROC.RSVD1"}, true, VMX_ENTRY_FAIL_VALID, 7, 0},
};

static bool found(const struct vmxcheck_result *r, const char *id)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->f[i].given && !strcmp(vmx_check_table[r->f[i].check].id, id))
            return true;
    return false;
}

static bool expected(const struct realdump *t, const char *id)
{
    for (size_t i = 0; i < sizeof t->expect / sizeof t->expect[0] && t->expect[i]; i++)
        if (!strcmp(t->expect[i], id))
            return true;
    return false;
}

static void gets_its_index_verdict(void **state)
{
    const struct realdump *t = *state;
    static struct vmxdump d;
    static struct capspec caps;
    static struct assumed a;
    static struct vmxcheck_result r;
    parse_file_ok(t->file, t->format, &d);
    struct vmxdump_error e;
    if (capspec_guess(&d, &caps, &e) != 0)
        fail_msg("%s: capabilities: %s", t->file, e.message);
    assert_int_equal(vmxcheck_run(&d, &caps, &a, &r), 0);

    char problems[2048] = "";
    size_t len = 0;
#define PROBLEM(...) \
    len += (size_t)snprintf(problems + len, len < sizeof problems ? sizeof problems - len : 0, __VA_ARGS__)
    for (size_t i = 0; i < sizeof t->expect / sizeof t->expect[0] && t->expect[i]; i++) {
        enum vmx_check_id id;
        if (vmx_check_by_id(t->expect[i], &id) != 0)
            PROBLEM("\n  %s: not in vmx_check_table yet (its .def row has not landed)", t->expect[i]);
        else if (!found(&r, t->expect[i]))
            PROBLEM("\n  %s: expected by INDEX.md, not reported", t->expect[i]);
    }
    for (size_t i = 0; i < r.n && t->exact; i++) {
        const char *id = vmx_check_table[r.f[i].check].id;
        if (r.f[i].given && !expected(t, id))
            PROBLEM("\n  %s: reported, but INDEX.md says the rest of the dump passes", id);
    }
    if (t->outcome != ANY_OUTCOME) {
        const struct vmx_entry_verdict *v = &r.verdict;
        uint32_t number = v->outcome == VMX_ENTRY_FAIL_VALID ? v->error : v->exit_reason;
        uint64_t q = v->exit_reason == EXIT34 ? r.verdict_msr_entry : v->qualification;
        if ((int)v->outcome != t->outcome || number != t->number ||
            (v->outcome == VMX_ENTRY_FAIL_EXIT && q != t->qualification))
            PROBLEM("\n  verdict: outcome %d number 0x%x qualification %llu (check %s); expected "
                    "outcome %d number 0x%x qualification %llu",
                    (int)v->outcome, number, (unsigned long long)q,
                    v->check < VMX_CHECK_COUNT ? vmx_check_table[v->check].id : "none", t->outcome,
                    t->number, (unsigned long long)t->qualification);
    }
#undef PROBLEM
    if (problems[0])
        fail_msg("%s:%s", t->file, problems);
}

int main(void)
{
    struct CMUnitTest tests[sizeof dumps / sizeof dumps[0]];
    for (size_t i = 0; i < sizeof dumps / sizeof dumps[0]; i++)
        tests[i] = (struct CMUnitTest){dumps[i].file, gets_its_index_verdict, NULL, NULL,
                                       (void *)&dumps[i]};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
