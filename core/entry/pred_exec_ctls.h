/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Predicates of the VM-execution control checks (checks/exec_ctls.def),
 * and the helpers about VMX control addresses that the VM-exit and
 * VM-entry control checks share (the MSR areas).
 */
#ifndef VMM_PRED_EXEC_CTLS_H
#define VMM_PRED_EXEC_CTLS_H

#include "ctx.h"

/* The control word `kind` as VM entry sees it. */
static inline uint64_t ctl_word(const struct vmx_check_ctx *c, enum vmm_ctl_kind kind)
{
    switch (kind) {
    case VMM_CTL_PIN: return c->pin;
    case VMM_CTL_PROC: return c->proc;
    case VMM_CTL_PROC2: return c->proc2;
    case VMM_CTL_PROC3: return c->proc3;
    case VMM_CTL_EXIT: return c->exit;
    case VMM_CTL_EXIT2: return c->exit2;
    case VMM_CTL_ENTRY: return c->entry;
    case VMM_CTL_VMFUNC: return c->vmfunc;
    default: return 0;
    }
}

/* Every must-be-1 bit (allowed-0 = 1) of the word is 1. */
static inline bool ctl_word_has_required_bits(const struct vmx_check_ctx *c, unsigned kind)
{
    uint64_t required = c->caps->ctl[kind].allowed0;
    return (ctl_word(c, (enum vmm_ctl_kind)kind) & required) == required;
}

/*
 * No bit with allowed-1 = 0 is set. Words that are not activated read as
 * 0 in the context, so this also serves tertiary, secondary-exit and
 * VM-function controls.
 */
static inline bool ctl_word_has_only_allowed_bits(const struct vmx_check_ctx *c, unsigned kind)
{
    return (ctl_word(c, (enum vmm_ctl_kind)kind) & ~c->caps->ctl[kind].allowed1) == 0;
}

/* Secondary controls, when activated, respect both halves of IA32_VMX_PROCBASED_CTLS2. */
static inline bool ctl_proc2_settings_allowed(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    if (!(c->proc & VMX_PROC_ACTIVATE_SECONDARY))
        return true;
    const struct vmx_ctl_caps *k = &c->caps->ctl[VMM_CTL_PROC2];
    return (c->proc2 & k->allowed0) == k->allowed0 && (c->proc2 & ~k->allowed1) == 0;
}

static inline bool ctl_cr3_target_count_supported(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return FIELD(c, CR3_TARGET_COUNT) <= c->caps->cr3_target_count;
}

/* ---- physical addresses named by VMX controls ---- */

/* Every address a VM-execution, VM-exit or VM-entry control names (V7 rules). */
enum ctl_addr {
    CTL_ADDR_IO_BITMAPS, /* A and B, checked together */
    CTL_ADDR_MSR_BITMAP,
    CTL_ADDR_VIRTUAL_APIC,
    CTL_ADDR_APIC_ACCESS,
    CTL_ADDR_PI_DESC,
    CTL_ADDR_PML,
    CTL_ADDR_SPPT,
    CTL_ADDR_EPTP_LIST,
    CTL_ADDR_VMREAD_BITMAP,
    CTL_ADDR_VMWRITE_BITMAP,
    CTL_ADDR_VE_INFO,
    CTL_ADDR_EXIT_MSR_STORE,
    CTL_ADDR_EXIT_MSR_LOAD,
    CTL_ADDR_ENTRY_MSR_LOAD,
    CTL_ADDR_COUNT
};

/*
 * True when the control that makes VM entry use address `a` is on; then
 * *addr is the address (for the I/O bitmaps, A | B: a bit set in either is
 * set in the result, which is all the alignment and width rules need).
 */
static inline bool ctl_addr_in_use(const struct vmx_check_ctx *c, enum ctl_addr a, uint64_t *addr)
{
    switch (a) {
    case CTL_ADDR_IO_BITMAPS:
        *addr = FIELD(c, IO_BITMAP_A) | FIELD(c, IO_BITMAP_B);
        return (c->proc & VMX_PROC_USE_IO_BITMAPS) != 0;
    case CTL_ADDR_MSR_BITMAP:
        *addr = FIELD(c, MSR_BITMAP);
        return (c->proc & VMX_PROC_USE_MSR_BITMAPS) != 0;
    case CTL_ADDR_VIRTUAL_APIC:
        *addr = FIELD(c, VIRTUAL_APIC_PAGE_ADDR);
        return (c->proc & VMX_PROC_USE_TPR_SHADOW) != 0;
    case CTL_ADDR_APIC_ACCESS:
        *addr = FIELD(c, APIC_ACCESS_ADDR);
        return (c->proc2 & VMX_PROC2_VIRT_APIC_ACCESSES) != 0;
    case CTL_ADDR_PI_DESC:
        *addr = FIELD(c, POSTED_INTR_DESC_ADDR);
        return (c->pin & VMX_PIN_POSTED_INTR) != 0;
    case CTL_ADDR_PML:
        *addr = FIELD(c, PML_ADDRESS);
        return (c->proc2 & VMX_PROC2_ENABLE_PML) != 0;
    case CTL_ADDR_SPPT:
        *addr = FIELD(c, SPPT_POINTER);
        return (c->proc2 & VMX_PROC2_SUBPAGE_WRITE) != 0;
    case CTL_ADDR_EPTP_LIST:
        *addr = FIELD(c, EPTP_LIST_ADDRESS);
        return (c->vmfunc & VMX_VMFUNC_EPTP_SWITCHING) != 0;
    case CTL_ADDR_VMREAD_BITMAP:
        *addr = FIELD(c, VMREAD_BITMAP);
        return (c->proc2 & VMX_PROC2_VMCS_SHADOWING) != 0;
    case CTL_ADDR_VMWRITE_BITMAP:
        *addr = FIELD(c, VMWRITE_BITMAP);
        return (c->proc2 & VMX_PROC2_VMCS_SHADOWING) != 0;
    case CTL_ADDR_VE_INFO:
        *addr = FIELD(c, VE_INFORMATION_ADDRESS);
        return (c->proc2 & VMX_PROC2_EPT_VIOLATION_VE) != 0;
    case CTL_ADDR_EXIT_MSR_STORE:
        *addr = FIELD(c, VM_EXIT_MSR_STORE_ADDR);
        return FIELD(c, VM_EXIT_MSR_STORE_COUNT) != 0;
    case CTL_ADDR_EXIT_MSR_LOAD:
        *addr = FIELD(c, VM_EXIT_MSR_LOAD_ADDR);
        return FIELD(c, VM_EXIT_MSR_LOAD_COUNT) != 0;
    case CTL_ADDR_ENTRY_MSR_LOAD:
        *addr = FIELD(c, VM_ENTRY_MSR_LOAD_ADDR);
        return FIELD(c, VM_ENTRY_MSR_LOAD_COUNT) != 0;
    default:
        *addr = 0;
        return false;
    }
}

/* The low address bits that must be 0: MSR areas 16-byte, PI descriptor 64-byte, else 4-KByte. */
static inline uint64_t ctl_addr_align_mask(enum ctl_addr a)
{
    switch (a) {
    case CTL_ADDR_PI_DESC: return 0x3f;
    case CTL_ADDR_EXIT_MSR_STORE:
    case CTL_ADDR_EXIT_MSR_LOAD:
    case CTL_ADDR_ENTRY_MSR_LOAD: return 0xf;
    default: return 0xfff;
    }
}

/* Entries in MSR area `a` (0 for addresses that are not MSR areas). */
static inline uint64_t ctl_msr_area_count(const struct vmx_check_ctx *c, enum ctl_addr a)
{
    switch (a) {
    case CTL_ADDR_EXIT_MSR_STORE: return FIELD(c, VM_EXIT_MSR_STORE_COUNT);
    case CTL_ADDR_EXIT_MSR_LOAD: return FIELD(c, VM_EXIT_MSR_LOAD_COUNT);
    case CTL_ADDR_ENTRY_MSR_LOAD: return FIELD(c, VM_ENTRY_MSR_LOAD_COUNT);
    default: return 0;
    }
}

/*
 * The last byte of `count` (>= 1) 16-byte entries at `addr`, computed
 * without truncation, sets no bit at or above `width`.
 */
static inline bool msr_area_end_within(uint64_t addr, uint64_t count, unsigned width)
{
    uint64_t span = count * 16; /* count is a 32-bit field: no overflow */
    if (addr > ~0ull - (span - 1))
        return false;
    return ((addr + span - 1) >> width) == 0;
}

static inline bool ctl_addr_aligned(const struct vmx_check_ctx *c, unsigned a)
{
    uint64_t addr;
    return !ctl_addr_in_use(c, (enum ctl_addr)a, &addr) ||
           (addr & ctl_addr_align_mask((enum ctl_addr)a)) == 0;
}

static inline bool ctl_addr_within_width(const struct vmx_check_ctx *c, unsigned a)
{
    uint64_t addr;
    return !ctl_addr_in_use(c, (enum ctl_addr)a, &addr) || within_phys_width(c, addr);
}

/* An MSR area in use ends below the physical-address width. */
static inline bool ctl_msr_area_end_within_width(const struct vmx_check_ctx *c, unsigned a)
{
    uint64_t addr;
    return !ctl_addr_in_use(c, (enum ctl_addr)a, &addr) ||
           msr_area_end_within(addr, ctl_msr_area_count(c, (enum ctl_addr)a),
                               c->caps->phys_addr_width);
}

/*
 * IA32_VMX_BASIC[48] = 1: no address VM entry uses (nor the last byte of
 * an MSR area) sets a bit in 63:32. Evaluated only on such processors.
 */
static inline bool ctl_addrs_below_4g(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    if (!c->caps->addr_width_32)
        return true;
    for (unsigned a = 0; a < CTL_ADDR_COUNT; a++) {
        uint64_t addr;
        if (!ctl_addr_in_use(c, (enum ctl_addr)a, &addr))
            continue;
        if (addr >> 32)
            return false;
        uint64_t count = ctl_msr_area_count(c, (enum ctl_addr)a);
        if (count && !msr_area_end_within(addr, count, 32))
            return false;
    }
    return true;
}

/* ---- TPR shadow and APIC virtualization ---- */

/* Neither "virtual-interrupt delivery" nor (for arg) "virtualize APIC accesses" is on. */
static inline bool tpr_threshold_checked(const struct vmx_check_ctx *c, uint64_t proc2_off)
{
    return (c->proc & VMX_PROC_USE_TPR_SHADOW) && !(c->proc2 & proc2_off);
}

static inline bool ctl_tpr_threshold_reserved_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !tpr_threshold_checked(c, VMX_PROC2_VIRT_INTR_DELIVERY) ||
           (FIELD(c, TPR_THRESHOLD) >> 4) == 0;
}

/* TPR threshold[3:0] <= VTPR[7:4], VTPR being byte 80H of the virtual-APIC page. */
static inline bool ctl_tpr_threshold_within_vtpr(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    if (!tpr_threshold_checked(c, VMX_PROC2_VIRT_INTR_DELIVERY | VMX_PROC2_VIRT_APIC_ACCESSES))
        return true;
    /* A malformed virtual-APIC address is reported by its own rows; nothing to read. */
    if (!ctl_addr_aligned(c, CTL_ADDR_VIRTUAL_APIC) || !ctl_addr_within_width(c, CTL_ADDR_VIRTUAL_APIC))
        return true;
    uint8_t vtpr;
    if (!read_phys(c, FIELD(c, VIRTUAL_APIC_PAGE_ADDR) + 0x80, &vtpr, 1))
        return true;
    return (FIELD(c, TPR_THRESHOLD) & 0xf) <= (uint64_t)(vtpr >> 4);
}

static inline bool ctl_virtual_nmis_need_nmi_exiting(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (c->pin & VMX_PIN_NMI_EXITING) || !(c->pin & VMX_PIN_VIRTUAL_NMIS);
}

static inline bool ctl_nmi_window_needs_virtual_nmis(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (c->pin & VMX_PIN_VIRTUAL_NMIS) || !(c->proc & VMX_PROC_NMI_WINDOW_EXITING);
}

static inline bool ctl_apicv_needs_tpr_shadow(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (c->proc & VMX_PROC_USE_TPR_SHADOW) ||
           !(c->proc2 & (VMX_PROC2_VIRT_X2APIC_MODE | VMX_PROC2_APIC_REGISTER_VIRT |
                         VMX_PROC2_VIRT_INTR_DELIVERY));
}

static inline bool ctl_x2apic_excludes_apic_accesses(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !((c->proc2 & VMX_PROC2_VIRT_X2APIC_MODE) && (c->proc2 & VMX_PROC2_VIRT_APIC_ACCESSES));
}

static inline bool ctl_vid_needs_ext_intr_exiting(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(c->proc2 & VMX_PROC2_VIRT_INTR_DELIVERY) || (c->pin & VMX_PIN_EXT_INTR_EXITING);
}

static inline bool ctl_posted_intr_needs_vid(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(c->pin & VMX_PIN_POSTED_INTR) || (c->proc2 & VMX_PROC2_VIRT_INTR_DELIVERY);
}

static inline bool ctl_posted_intr_needs_ack_on_exit(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(c->pin & VMX_PIN_POSTED_INTR) || (c->exit & VMX_EXIT_ACK_INTR_ON_EXIT);
}

/* The notification vector is 8 bits wide in a 16-bit field. */
static inline bool ctl_posted_intr_vector_8bit(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(c->pin & VMX_PIN_POSTED_INTR) || (FIELD(c, POSTED_INTR_NV) >> 8) == 0;
}

static inline bool ctl_vpid_nonzero(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(c->proc2 & VMX_PROC2_ENABLE_VPID) || FIELD(c, VIRTUAL_PROCESSOR_ID) != 0;
}

/* ---- EPT ---- */

static inline bool ept_enabled(const struct vmx_check_ctx *c)
{
    return (c->proc2 & VMX_PROC2_ENABLE_EPT) != 0;
}

/* EPTP[2:0]: UC (0) or WB (6), each only if IA32_VMX_EPT_VPID_CAP reports it. */
static inline bool ctl_eptp_memtype_supported(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    if (!ept_enabled(c))
        return true;
    uint64_t mt = bits(FIELD(c, EPT_POINTER), 2, 0), cap = c->caps->ept_vpid_cap;
    return (mt == 0 && (cap & VMX_EPT_CAP_MT_UC)) || (mt == 6 && (cap & VMX_EPT_CAP_MT_WB));
}

/* EPTP[5:3] = page-walk length - 1: 3 (4-level) or 4 (5-level), as the capability MSR allows. */
static inline bool ctl_eptp_walk_length_supported(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    if (!ept_enabled(c))
        return true;
    uint64_t w = bits(FIELD(c, EPT_POINTER), 5, 3), cap = c->caps->ept_vpid_cap;
    return (w == 3 && (cap & VMX_EPT_CAP_PWL4)) || (w == 4 && (cap & VMX_EPT_CAP_PWL5));
}

/* EPTP bit `arg` (6: A/D flags, 7: supervisor shadow stacks) only with its capability bit. */
static inline bool ctl_eptp_feature_supported(const struct vmx_check_ctx *c, unsigned arg)
{
    if (!ept_enabled(c) || !(FIELD(c, EPT_POINTER) & (1ull << arg)))
        return true;
    uint64_t cap = arg == 6 ? VMX_EPT_CAP_AD : VMX_EPT_CAP_SSS;
    return (c->caps->ept_vpid_cap & cap) != 0;
}

static inline bool ctl_eptp_reserved_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    uint64_t eptp = FIELD(c, EPT_POINTER);
    return !ept_enabled(c) || (bits(eptp, 11, 8) == 0 && within_phys_width(c, eptp));
}

/* A secondary control (arg = its bit mask) that works on EPT requires "enable EPT". */
static inline bool ctl_proc2_needs_ept(const struct vmx_check_ctx *c, unsigned mask)
{
    return !(c->proc2 & mask) || ept_enabled(c);
}

/* The same for a tertiary control. */
static inline bool ctl_proc3_needs_ept(const struct vmx_check_ctx *c, unsigned mask)
{
    return !(c->proc3 & mask) || ept_enabled(c);
}

static inline bool ctl_eptp_switching_needs_ept(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(c->vmfunc & VMX_VMFUNC_EPTP_SWITCHING) || ept_enabled(c);
}

/* "Intel PT uses guest physical addresses" requires a VM-entry or VM-exit control (arg). */
static inline bool ctl_pt_gpa_needs_entry_ctl(const struct vmx_check_ctx *c, unsigned mask)
{
    return !(c->proc2 & VMX_PROC2_PT_USES_GPA) || (c->entry & mask);
}

static inline bool ctl_pt_gpa_needs_exit_ctl(const struct vmx_check_ctx *c, unsigned mask)
{
    return !(c->proc2 & VMX_PROC2_PT_USES_GPA) || (c->exit & mask);
}

#endif
