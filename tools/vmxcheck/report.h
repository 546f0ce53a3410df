/* SPDX-License-Identifier: Apache-2.0 */
/* vmxcheck's reports: readable text (report_text.c) and JSON (report_json.c). */
#ifndef VMXCHECK_REPORT_H
#define VMXCHECK_REPORT_H

#include <stdio.h>

#include "check.h"

struct report {
    const char *input;  /* file name as given, "-" for stdin */
    bool all;           /* every failing check, not just the first */
    unsigned chapter;   /* SDM chapter number of "VM Entries" to cite */
    const struct vmxdump *d;
    const struct capspec *caps;
    const struct assumed *a;
    const struct vmxcheck_result *r;
};

void report_text(FILE *out, const struct report *rep);
void report_json(FILE *out, const struct report *rep);

/* Shared wording (report_common.c). */
const char *insn_error_text(uint32_t error);
/* "VMfailValid(7): VM entry with invalid control field(s)", "VM entry succeeds", ... */
void verdict_text(const struct vmx_entry_verdict *v, uint32_t msr_entry, char *buf, size_t len);
/* What the dump says happened ("" when it says nothing). */
void stated_text(const struct vmxdump *d, char *buf, size_t len);

enum agreement {
    AGREE_UNSTATED,  /* the dump does not say how an entry ended */
    AGREE_NOT_ENTRY, /* it shows an ordinary VM exit, not a failed entry */
    AGREE_YES,       /* same outcome */
    AGREE_NO,        /* a different outcome */
};
/* Compares the dump's statement with the verdict; `why` explains a difference. */
enum agreement compare_stated(const struct vmxdump *d, const struct vmxcheck_result *r,
                              char *why, size_t len);
const char *agreement_name(enum agreement a);

#endif /* VMXCHECK_REPORT_H */
