/* SPDX-License-Identifier: Apache-2.0 */
/* Wording shared by the text and JSON reports: outcomes, what the dump says, agreement. */
#include <stdio.h>
#include <string.h>

#include "report.h"

#define ENTRY_FAILURE (1u << 31)

/* The VM-instruction errors a VM entry or a dumper can leave behind. */
static const struct {
    uint32_t error;
    const char *text;
} insn_errors[] = {
    {4, "VMLAUNCH with non-clear VMCS"},
    {5, "VMRESUME with non-launched VMCS"},
    {6, "VMRESUME after VMXOFF"},
    {7, "VM entry with invalid control field(s)"},
    {8, "VM entry with invalid host-state field(s)"},
    {12, "VMREAD/VMWRITE from/to unsupported VMCS component"},
    {16, "VM entry with invalid executive-VMCS pointer"},
    {17, "VM entry with non-launched executive VMCS"},
    {18, "VM entry with executive-VMCS pointer not VMXON pointer"},
    {25, "VM entry with invalid VM-execution control fields in executive VMCS"},
    {26, "VM entry with events blocked by MOV SS"},
};

const char *insn_error_text(uint32_t error)
{
    for (size_t i = 0; i < sizeof insn_errors / sizeof insn_errors[0]; i++)
        if (insn_errors[i].error == error)
            return insn_errors[i].text;
    return "see the SDM's VM-instruction error table";
}

static const char *exit_text(uint32_t reason)
{
    switch (reason & 0xffff) {
    case 33:
        return "invalid guest state";
    case 34:
        return "MSR loading";
    case 41:
        return "machine-check event";
    default:
        return "";
    }
}

void verdict_text(const struct vmx_entry_verdict *v, uint32_t msr_entry, char *buf, size_t len)
{
    switch (v->outcome) {
    case VMX_ENTRY_OK:
        snprintf(buf, len, "VM entry succeeds");
        break;
    case VMX_ENTRY_FAIL_INVALID:
        snprintf(buf, len, "VMfailInvalid");
        break;
    case VMX_ENTRY_FAIL_VALID:
        snprintf(buf, len, "VMfailValid(%u): %s", v->error, insn_error_text(v->error));
        break;
    case VMX_ENTRY_FAIL_EXIT:
        if ((v->exit_reason & 0xffff) == 34)
            snprintf(buf, len, "VM-entry failure, exit reason 0x%08x (34, MSR loading), "
                               "qualification %u (MSR-load entry %u)",
                     v->exit_reason, msr_entry, msr_entry);
        else
            snprintf(buf, len, "VM-entry failure, exit reason 0x%08x (%u, %s), qualification %llu",
                     v->exit_reason, v->exit_reason & 0xffff, exit_text(v->exit_reason),
                     (unsigned long long)v->qualification);
        break;
    }
}

static const char *insn_name(uint8_t insn)
{
    return insn == VMXDUMP_INSN_VMLAUNCH ? "VMLAUNCH " : insn == VMXDUMP_INSN_VMRESUME ? "VMRESUME " : "";
}

/* The exit reason the dump shows: stated, or else the exit-reason field. */
static bool shown_exit(const struct vmxdump *d, uint32_t *reason)
{
    if (d->stated.exit) {
        *reason = d->stated.exit_reason;
        return true;
    }
    if (vmxdump_given(d, VMCS_VM_EXIT_REASON)) {
        *reason = (uint32_t)vmcs_get(&d->vmcs, VMCS_VM_EXIT_REASON);
        return true;
    }
    return false;
}

static bool shown_qualification(const struct vmxdump *d, uint64_t *q)
{
    if (d->stated.has_qualification) {
        *q = d->stated.qualification;
        return true;
    }
    if (vmxdump_given(d, VMCS_EXIT_QUALIFICATION)) {
        *q = vmcs_get(&d->vmcs, VMCS_EXIT_QUALIFICATION);
        return true;
    }
    return false;
}

void stated_text(const struct vmxdump *d, char *buf, size_t len)
{
    uint32_t reason;
    uint64_t q;
    buf[0] = '\0';
    if (d->stated.vmfail) {
        snprintf(buf, len, "%sVMfailValid(%u): %s", insn_name(d->stated.insn), d->stated.error,
                 insn_error_text(d->stated.error));
    } else if (shown_exit(d, &reason) && (reason & ENTRY_FAILURE)) {
        int k = snprintf(buf, len, "VM-entry failure, exit reason 0x%08x (%u, %s)", reason,
                         reason & 0xffff, exit_text(reason));
        if (shown_qualification(d, &q) && k > 0 && (size_t)k < len)
            snprintf(buf + k, len - (size_t)k, ", qualification %llu", (unsigned long long)q);
    } else if (shown_exit(d, &reason)) {
        snprintf(buf, len, "the exit-reason field holds %u, an ordinary VM exit (not a failed VM "
                           "entry; it may predate the entry that was dumped)",
                 reason & 0xffff);
    }
    size_t k = strlen(buf);
    uint64_t e = vmcs_get(&d->vmcs, VMCS_VM_INSTRUCTION_ERROR);
    if (!d->stated.vmfail && vmxdump_given(d, VMCS_VM_INSTRUCTION_ERROR) && e && k + 1 < len)
        snprintf(buf + k, len - k, "%sthe VM-instruction error field holds %llu (%s; any failing "
                                   "VMX instruction writes it)",
                 k ? "; " : "", (unsigned long long)e, insn_error_text((uint32_t)e));
}

enum agreement compare_stated(const struct vmxdump *d, const struct vmxcheck_result *r,
                              char *why, size_t len)
{
    const struct vmx_entry_verdict *v = &r->verdict;
    uint32_t reason;
    uint64_t q;
    why[0] = '\0';
    if (d->stated.vmfail) {
        if (v->outcome == VMX_ENTRY_FAIL_VALID && v->error == d->stated.error)
            return AGREE_YES;
        if (v->outcome == VMX_ENTRY_OK)
            snprintf(why, len, "%s",
                     d->stated.error == 7   ? "no control field shown breaks a rule: the cause is "
                                              "a control this processor does not support (pass "
                                              "--caps with its capability MSRs) or a field the "
                                              "dump does not show"
                     : d->stated.error == 8 ? "no host-state field shown breaks a rule: the cause "
                                              "is in host state the dump does not show"
                                            : "the cause is not in the fields shown");
        return AGREE_NO;
    }
    if (!shown_exit(d, &reason))
        return AGREE_UNSTATED;
    if (!(reason & ENTRY_FAILURE))
        return AGREE_NOT_ENTRY;
    if (v->outcome == VMX_ENTRY_FAIL_EXIT && v->exit_reason == reason) {
        bool msr = (reason & 0xffff) == 34;
        uint64_t ours = msr ? r->verdict_msr_entry : v->qualification;
        if (!shown_qualification(d, &q) || q == ours)
            return AGREE_YES;
        snprintf(why, len, "same exit reason, but qualification %llu here and %llu in the dump",
                 (unsigned long long)ours, (unsigned long long)q);
        return AGREE_NO;
    }
    if (v->outcome == VMX_ENTRY_OK)
        snprintf(why, len, "%s",
                 (reason & 0xffff) == 34
                     ? "the failing MSR-load entry is not in the dump, so it could not be checked"
                     : "no guest-state field shown breaks a rule: the cause is in a field the "
                       "dump does not show, or in guest memory (PDPTEs, link-pointer VMCS)");
    return AGREE_NO;
}

const char *agreement_name(enum agreement a)
{
    static const char *const names[] = {"unstated", "not-an-entry-failure", "agrees", "differs"};
    return (unsigned)a < 4 ? names[a] : "?";
}
