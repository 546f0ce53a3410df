/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing of the VMX capability MSRs (SDM appendix "VMX Capability
 * Reporting Facility") and control negotiation.
 */
#include "vmm/caps.h"

const char *vmx_cap_msr_name(enum vmx_cap_msr m)
{
    static const char *const names[VMX_CAP_MSR_COUNT] = {
        "IA32_VMX_BASIC",          "IA32_VMX_PINBASED_CTLS",      "IA32_VMX_PROCBASED_CTLS",
        "IA32_VMX_EXIT_CTLS",      "IA32_VMX_ENTRY_CTLS",         "IA32_VMX_MISC",
        "IA32_VMX_CR0_FIXED0",     "IA32_VMX_CR0_FIXED1",         "IA32_VMX_CR4_FIXED0",
        "IA32_VMX_CR4_FIXED1",     "IA32_VMX_VMCS_ENUM",          "IA32_VMX_PROCBASED_CTLS2",
        "IA32_VMX_EPT_VPID_CAP",   "IA32_VMX_TRUE_PINBASED_CTLS", "IA32_VMX_TRUE_PROCBASED_CTLS",
        "IA32_VMX_TRUE_EXIT_CTLS", "IA32_VMX_TRUE_ENTRY_CTLS",    "IA32_VMX_VMFUNC",
        "IA32_VMX_PROCBASED_CTLS3", "IA32_VMX_EXIT_CTLS2",
    };
    if (m == VMX_CAP_MSR_COUNT)
        return "CPUID facts";
    return (unsigned)m < VMX_CAP_MSR_COUNT ? names[m] : "?";
}

static int fail(struct vmx_caps_error *err, enum vmx_cap_msr msr, const char *reason)
{
    if (err) {
        err->msr = msr;
        err->reason = reason;
    }
    return VMM_E_INVAL;
}

static bool present(const struct vmx_raw_caps *raw, enum vmx_cap_msr m)
{
    return (raw->msr_present >> m) & 1;
}

/* A 32-bit control MSR: allowed-0 settings in 31:0, allowed-1 in 63:32. */
static int parse_ctl32(const struct vmx_raw_caps *raw, enum vmx_cap_msr legacy,
                       enum vmx_cap_msr true_msr, bool use_true, struct vmx_ctl_caps *out,
                       struct vmx_caps_error *err)
{
    uint64_t v = raw->msr[legacy];
    out->default1 = v & 0xffffffffu;
    out->allowed0 = out->default1;
    out->allowed1 = v >> 32;
    if (out->allowed0 & ~out->allowed1)
        return fail(err, legacy, "requires a control bit it does not allow");
    if (use_true) {
        uint64_t t = raw->msr[true_msr];
        out->allowed0 = t & 0xffffffffu;
        out->allowed1 = t >> 32;
        if (out->allowed0 & ~out->allowed1)
            return fail(err, true_msr, "requires a control bit it does not allow");
        if (out->allowed0 & ~out->default1)
            return fail(err, true_msr, "requires a bit the non-TRUE MSR allows to be 0");
    }
    return VMM_OK;
}

static const enum vmx_cap_msr always_present[] = {
    VMX_MSR_BASIC,      VMX_MSR_PINBASED_CTLS, VMX_MSR_PROCBASED_CTLS, VMX_MSR_EXIT_CTLS,
    VMX_MSR_ENTRY_CTLS, VMX_MSR_MISC,          VMX_MSR_CR0_FIXED0,     VMX_MSR_CR0_FIXED1,
    VMX_MSR_CR4_FIXED0, VMX_MSR_CR4_FIXED1,    VMX_MSR_VMCS_ENUM,
};

static int parse_basic(const struct vmx_raw_caps *raw, struct vmx_caps *c,
                       struct vmx_caps_error *err)
{
    uint64_t b = raw->msr[VMX_MSR_BASIC];
    if (b & (1ull << 31))
        return fail(err, VMX_MSR_BASIC, "bit 31 (revision identifier) must be 0");
    c->revision_id = (uint32_t)(b & 0x7fffffffu);
    c->vmcs_size = (uint16_t)((b >> 32) & 0x1fff);
    if (c->vmcs_size == 0 || c->vmcs_size > 4096)
        return fail(err, VMX_MSR_BASIC, "VMCS region size (bits 44:32) must be 1..4096");
    c->addr_width_32 = (b >> 48) & 1;
    c->dual_monitor = (b >> 49) & 1;
    c->vmcs_memory_type = (uint8_t)((b >> 50) & 0xf);
    if (c->vmcs_memory_type != 0 && c->vmcs_memory_type != 6)
        return fail(err, VMX_MSR_BASIC, "VMCS memory type (bits 53:50) must be UC (0) or WB (6)");
    c->ins_outs_info = (b >> 54) & 1;
    c->true_ctls = (b >> 55) & 1;
    c->no_errcode_check = (b >> 56) & 1;
    return VMM_OK;
}

static void parse_misc(uint64_t m, struct vmx_caps *c)
{
    c->preemption_timer_shift = (uint8_t)(m & 0x1f);
    c->exit_stores_lma = (m >> 5) & 1;
    c->activity_states = (uint16_t)(m & 0x1c0);
    c->pt_in_vmx = (m >> 14) & 1;
    c->rdmsr_smbase_in_smm = (m >> 15) & 1;
    c->cr3_target_count = (uint16_t)((m >> 16) & 0x1ff);
    c->max_msr_list = 512u * (uint32_t)(((m >> 25) & 7) + 1);
    c->smm_monitor_ctl_b2 = (m >> 28) & 1;
    c->vmwrite_exit_info = (m >> 29) & 1;
    c->zero_len_injection = (m >> 30) & 1;
    c->mseg_revision = (uint32_t)(m >> 32);
}

/* A word whose only MSR lists allowed-1 settings (tertiary, exit2, VMFUNC). */
static int parse_ctl64(const struct vmx_raw_caps *raw, bool active, enum vmx_cap_msr msr,
                       struct vmx_ctl_caps *out, struct vmx_caps_error *err)
{
    out->allowed0 = out->default1 = out->allowed1 = 0;
    if (!active)
        return VMM_OK;
    if (!present(raw, msr))
        return fail(err, msr, "absent although its activating control can be 1");
    out->allowed1 = raw->msr[msr];
    return VMM_OK;
}

int vmx_caps_parse(const struct vmx_raw_caps *raw, struct vmx_caps *c,
                   struct vmx_caps_error *err)
{
    int rc;
    *c = (struct vmx_caps){.raw = *raw};

    for (size_t i = 0; i < sizeof always_present / sizeof always_present[0]; i++)
        if (!present(raw, always_present[i]))
            return fail(err, always_present[i], "absent on a VMX processor");
    if ((rc = parse_basic(raw, c, err)) != VMM_OK)
        return rc;

    if (c->true_ctls) {
        for (enum vmx_cap_msr m = VMX_MSR_TRUE_PINBASED_CTLS; m <= VMX_MSR_TRUE_ENTRY_CTLS; m++)
            if (!present(raw, m))
                return fail(err, m, "absent although IA32_VMX_BASIC bit 55 is set");
    }
    static const struct {
        enum vmm_ctl_kind kind;
        enum vmx_cap_msr legacy, true_msr;
    } words[] = {
        {VMM_CTL_PIN, VMX_MSR_PINBASED_CTLS, VMX_MSR_TRUE_PINBASED_CTLS},
        {VMM_CTL_PROC, VMX_MSR_PROCBASED_CTLS, VMX_MSR_TRUE_PROCBASED_CTLS},
        {VMM_CTL_EXIT, VMX_MSR_EXIT_CTLS, VMX_MSR_TRUE_EXIT_CTLS},
        {VMM_CTL_ENTRY, VMX_MSR_ENTRY_CTLS, VMX_MSR_TRUE_ENTRY_CTLS},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        rc = parse_ctl32(raw, words[i].legacy, words[i].true_msr, c->true_ctls,
                         &c->ctl[words[i].kind], err);
        if (rc != VMM_OK)
            return rc;
    }

    /* Secondary controls exist only if "activate secondary controls" can be 1. */
    struct vmx_ctl_caps *p2 = &c->ctl[VMM_CTL_PROC2];
    *p2 = (struct vmx_ctl_caps){0};
    if (vmx_ctl_allowed1(c, VMM_CTL_PROC, VMX_PROC_ACTIVATE_SECONDARY)) {
        if (!present(raw, VMX_MSR_PROCBASED_CTLS2))
            return fail(err, VMX_MSR_PROCBASED_CTLS2,
                        "absent although \"activate secondary controls\" can be 1");
        uint64_t v = raw->msr[VMX_MSR_PROCBASED_CTLS2];
        p2->allowed0 = p2->default1 = v & 0xffffffffu;
        p2->allowed1 = v >> 32;
        if (p2->allowed0 & ~p2->allowed1)
            return fail(err, VMX_MSR_PROCBASED_CTLS2, "requires a control bit it does not allow");
    }
    rc = parse_ctl64(raw, vmx_ctl_allowed1(c, VMM_CTL_PROC, VMX_PROC_ACTIVATE_TERTIARY),
                     VMX_MSR_PROCBASED_CTLS3, &c->ctl[VMM_CTL_PROC3], err);
    if (rc != VMM_OK)
        return rc;
    rc = parse_ctl64(raw, vmx_ctl_allowed1(c, VMM_CTL_EXIT, VMX_EXIT_ACTIVATE_SECONDARY),
                     VMX_MSR_EXIT_CTLS2, &c->ctl[VMM_CTL_EXIT2], err);
    if (rc != VMM_OK)
        return rc;
    rc = parse_ctl64(raw, vmx_ctl_allowed1(c, VMM_CTL_PROC2, VMX_PROC2_ENABLE_VMFUNC),
                     VMX_MSR_VMFUNC, &c->ctl[VMM_CTL_VMFUNC], err);
    if (rc != VMM_OK)
        return rc;

    if (vmx_ctl_allowed1(c, VMM_CTL_PROC2, VMX_PROC2_ENABLE_EPT) ||
        vmx_ctl_allowed1(c, VMM_CTL_PROC2, VMX_PROC2_ENABLE_VPID)) {
        if (!present(raw, VMX_MSR_EPT_VPID_CAP))
            return fail(err, VMX_MSR_EPT_VPID_CAP, "absent although EPT or VPID can be enabled");
        c->ept_vpid_cap = raw->msr[VMX_MSR_EPT_VPID_CAP];
    }

    parse_misc(raw->msr[VMX_MSR_MISC], c);
    c->cr0_fixed0 = raw->msr[VMX_MSR_CR0_FIXED0];
    c->cr0_fixed1 = raw->msr[VMX_MSR_CR0_FIXED1];
    c->cr4_fixed0 = raw->msr[VMX_MSR_CR4_FIXED0];
    c->cr4_fixed1 = raw->msr[VMX_MSR_CR4_FIXED1];
    if (c->cr0_fixed0 & ~c->cr0_fixed1)
        return fail(err, VMX_MSR_CR0_FIXED0, "has bits fixed to 1 that CR0_FIXED1 allows to be 0");
    if (c->cr4_fixed0 & ~c->cr4_fixed1)
        return fail(err, VMX_MSR_CR4_FIXED0, "has bits fixed to 1 that CR4_FIXED1 allows to be 0");
    c->vmcs_max_index = (uint16_t)((raw->msr[VMX_MSR_VMCS_ENUM] >> 1) & 0x1ff);

    if (raw->phys_addr_width < 32 || raw->phys_addr_width > 52)
        return fail(err, VMX_CAP_MSR_COUNT, "physical-address width must be 32..52");
    if (raw->linear_addr_width != 48 && raw->linear_addr_width != 57)
        return fail(err, VMX_CAP_MSR_COUNT, "linear-address width must be 48 or 57");
    c->phys_addr_width = c->addr_width_32 && raw->phys_addr_width > 32 ? 32 : raw->phys_addr_width;
    c->linear_addr_width = raw->linear_addr_width;
    c->cpuid_features = raw->cpuid_features;
    return VMM_OK;
}

int vmx_ctl_negotiate(const struct vmx_caps *caps, enum vmm_ctl_kind kind, uint64_t want1,
                      uint64_t want0, struct vmx_ctl_result *res)
{
    *res = (struct vmx_ctl_result){0};
    if ((unsigned)kind >= VMM_CTL_KIND_COUNT || (want1 & want0))
        return VMM_E_INVAL;
    const struct vmx_ctl_caps *c = &caps->ctl[kind];
    res->unsupported = want1 & ~c->allowed1;
    res->required = want0 & c->allowed0;
    if (res->unsupported || res->required)
        return VMM_E_UNSUPPORTED;
    uint64_t dont_care = ~(want1 | want0);
    res->value = want1 | c->allowed0 | (dont_care & c->default1 & c->allowed1);
    return VMM_OK;
}
