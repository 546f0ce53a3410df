/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VMX control words and their named bits (expanded from
 * vmx_controls.def): VMX_PIN_NMI_EXITING, VMX_PROC2_ENABLE_EPT, ...
 */
#ifndef VMM_CONTROLS_H
#define VMM_CONTROLS_H

#include "vmm/types.h"

/* The control words a capability MSR describes. */
enum vmm_ctl_kind {
    VMM_CTL_PIN,    /* pin-based VM-execution controls (32 bits) */
    VMM_CTL_PROC,   /* primary processor-based (32 bits) */
    VMM_CTL_PROC2,  /* secondary processor-based (32 bits) */
    VMM_CTL_PROC3,  /* tertiary processor-based (64 bits) */
    VMM_CTL_EXIT,   /* primary VM-exit controls (32 bits) */
    VMM_CTL_EXIT2,  /* secondary VM-exit controls (64 bits) */
    VMM_CTL_ENTRY,  /* VM-entry controls (32 bits) */
    VMM_CTL_VMFUNC, /* VM-function controls (64 bits) */
    VMM_CTL_KIND_COUNT,
};

enum vmm_ctl_bit {
#define VMX_CTL(kind, bit, name, desc) VMX_##kind##_##name = (1ull << (bit)),
#include "vmm/vmx_controls.def"
#undef VMX_CTL
};

/* "pin-based", "secondary processor-based", ... */
const char *vmm_ctl_kind_name(enum vmm_ctl_kind kind);

/* The control's description ("enable EPT"), or NULL for a reserved bit. */
const char *vmm_ctl_bit_name(enum vmm_ctl_kind kind, unsigned bit);

/* The bits of a control word that the SDM defines (all others reserved). */
uint64_t vmm_ctl_defined_bits(enum vmm_ctl_kind kind);

#endif /* VMM_CONTROLS_H */
