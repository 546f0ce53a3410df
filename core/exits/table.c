/* SPDX-License-Identifier: Apache-2.0 */
/* The exit-reason table expanded into data, and name lookups. */
#include "vmm/exits.h"

const struct vmx_exit_info vmx_exit_table[VMX_EXIT_REASON_COUNT] = {
#define VMX_EXIT(num, nm, ln, inf, ql, ex, ttl) \
    [num] = {.name = #nm, .title = ttl, .len = VMX_EXIT_LEN_##ln, .info = VMX_INFO_##inf, \
             .qual = VMX_QUAL_##ql, .extra = VMX_EXIT_EXTRA_##ex},
#include "vmm/exit_reasons.def"
#undef VMX_EXIT
};

/* The table must hold exactly the reasons 0..85, each once. */
enum {
#define VMX_EXIT(num, nm, ln, inf, ql, ex, ttl) ROW_##nm,
#include "vmm/exit_reasons.def"
#undef VMX_EXIT
    ROW_COUNT
};
_Static_assert(ROW_COUNT == VMX_EXIT_REASON_COUNT, "exit_reasons.def must list 86 reasons");

const struct vmx_exit_info *vmx_exit_info_of(uint32_t reason)
{
    return reason < VMX_EXIT_REASON_COUNT ? &vmx_exit_table[reason] : 0;
}

const char *vmx_exit_name(uint32_t reason)
{
    const struct vmx_exit_info *e = vmx_exit_info_of(reason);
    return e && e->name ? e->name : "?";
}

const char *vmx_event_type_name(unsigned type)
{
    static const char *const names[8] = {
        "external interrupt", "reserved type 1", "NMI", "hardware exception",
        "software interrupt", "privileged software exception", "software exception",
        "other event",
    };
    return type < 8 ? names[type] : "?";
}
