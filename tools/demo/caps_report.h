/* SPDX-License-Identifier: Apache-2.0 */
/* The demo's capability report: what the core knows about VMX, without running a guest. */
#ifndef LIBVMM_DEMO_CAPS_REPORT_H
#define LIBVMM_DEMO_CAPS_REPORT_H

#include <stdbool.h>

/*
 * Prints the report: the whole VMCS field table (all_fields), one profile
 * (profile != NULL), or the field summary and every profile. Returns the
 * exit status (2 for an unknown profile).
 */
int demo_caps_report(bool all_fields, const char *profile);

#endif
