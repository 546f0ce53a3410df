/* SPDX-License-Identifier: Apache-2.0 */
/* Names of the VMX control words and bits, from vmx_controls.def. */
#include "vmm/controls.h"

struct ctl_bit_row {
    uint8_t kind, bit;
    const char *name;
};

static const struct ctl_bit_row ctl_bits[] = {
#define VMX_CTL(kind, bit, name, desc) {VMM_CTL_##kind, bit, desc},
#include "vmm/vmx_controls.def"
#undef VMX_CTL
};

const char *vmm_ctl_kind_name(enum vmm_ctl_kind kind)
{
    static const char *const names[VMM_CTL_KIND_COUNT] = {
        [VMM_CTL_PIN] = "pin-based VM-execution",
        [VMM_CTL_PROC] = "primary processor-based VM-execution",
        [VMM_CTL_PROC2] = "secondary processor-based VM-execution",
        [VMM_CTL_PROC3] = "tertiary processor-based VM-execution",
        [VMM_CTL_EXIT] = "primary VM-exit",
        [VMM_CTL_EXIT2] = "secondary VM-exit",
        [VMM_CTL_ENTRY] = "VM-entry",
        [VMM_CTL_VMFUNC] = "VM-function",
    };
    return (unsigned)kind < VMM_CTL_KIND_COUNT ? names[kind] : "?";
}

const char *vmm_ctl_bit_name(enum vmm_ctl_kind kind, unsigned bit)
{
    for (size_t i = 0; i < sizeof ctl_bits / sizeof ctl_bits[0]; i++)
        if (ctl_bits[i].kind == kind && ctl_bits[i].bit == bit)
            return ctl_bits[i].name;
    return NULL;
}

uint64_t vmm_ctl_defined_bits(enum vmm_ctl_kind kind)
{
    uint64_t bits = 0;
    for (size_t i = 0; i < sizeof ctl_bits / sizeof ctl_bits[0]; i++)
        if (ctl_bits[i].kind == kind)
            bits |= 1ull << ctl_bits[i].bit;
    return bits;
}
