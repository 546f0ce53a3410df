/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where vmxcheck's processor capabilities come from: a named profile, a
 * file of capability-MSR values, or (the default) a guess made from the
 * dump itself. A guess also keeps a permissive twin, so that findings
 * which only the guessed restrictions produce can be marked as such.
 */
#ifndef VMXCHECK_CAPSPEC_H
#define VMXCHECK_CAPSPEC_H

#include <stddef.h>

#include "dump.h"
#include "vmm/caps.h"

enum capspec_source { CAPSPEC_GUESS, CAPSPEC_PROFILE, CAPSPEC_FILE };

#define CAPSPEC_MAX_NOTES 24
#define CAPSPEC_NOTE_LEN 176

struct capspec {
    enum capspec_source source;
    char name[128]; /* profile name or file name */
    struct vmx_raw_caps raw;
    struct vmx_caps caps;
    bool has_permissive; /* guess: caps without the guessed restrictions */
    struct vmx_caps permissive;
    unsigned nnotes; /* what was guessed, what the file lacks */
    char note[CAPSPEC_MAX_NOTES][CAPSPEC_NOTE_LEN];
};

/*
 * Reads a capability file: one "MSR VALUE" pair per line (hex, "0x"
 * optional; the MSR by number 480..493 or by name IA32_VMX_BASIC...),
 * "maxphyaddr N", "linear 48|57", "cpuid NAME..." (fred la57 pcid rtm
 * cet_ss cet_ibt pks mpx pt arch_lbr sgx smx uintr), '#' comments.
 * Missing MSRs stay absent (vmx_caps_parse decides whether that is
 * legal); missing widths default to 46 and 48. Notes say what was absent.
 * Errors carry the line number.
 */
int capspec_from_text(const char *text, size_t len, const char *name, struct capspec *out,
                      struct vmxdump_error *err);

/* A built-in profile (vmx_profile_find). VMM_E_NOENT if there is none. */
int capspec_from_profile(const char *name, struct capspec *out, struct vmxdump_error *err);

/* The default: capabilities guessed from what the dump shows (see capspec.c). */
int capspec_guess(const struct vmxdump *d, struct capspec *out, struct vmxdump_error *err);

/* The names "cpuid" lines use, by enum vmm_cpuid_feature. */
const char *capspec_cpuid_name(unsigned feature);

#endif /* VMXCHECK_CAPSPEC_H */
