/* SPDX-License-Identifier: Apache-2.0 */
/*
 * INVEPT and INVVPID: the checks of the SDM's instruction reference. The
 * sim keeps no translations of its own; a successful invalidation is
 * counted (sim_invalidations) so that the executor can flush its caches.
 */
#include "sim_internal.h"

/* IA32_VMX_EPT_VPID_CAP bit of an INVEPT type (1, 2) or INVVPID type (0..3). */
static const uint64_t invept_type_cap[] = {
    [VMX_INVEPT_SINGLE] = VMX_EPT_CAP_INVEPT_SINGLE,
    [VMX_INVEPT_ALL] = VMX_EPT_CAP_INVEPT_ALL,
};
static const uint64_t invvpid_type_cap[] = {
    [VMX_INVVPID_ADDR] = VMX_VPID_CAP_INVVPID_ADDR,
    [VMX_INVVPID_SINGLE] = VMX_VPID_CAP_INVVPID_SINGLE,
    [VMX_INVVPID_ALL] = VMX_VPID_CAP_INVVPID_ALL,
    [VMX_INVVPID_SINGLE_NONGLOBAL] = VMX_VPID_CAP_INVVPID_SINGLE_NONGLOBAL,
};
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static bool type_supported(const struct sim *s, const uint64_t *caps, size_t n, unsigned type)
{
    return type < n && caps[type] && (s->caps.ept_vpid_cap & caps[type]);
}

/*
 * An EPTP is valid for INVEPT when it would pass VM entry's EPTP checks
 * (memory type, walk length, A/D and SSS bits, reserved bits). Those rules
 * live once, in the validator's table: ask it about a VMCS that enables
 * EPT with this EPTP and see whether a rule reading the EPT pointer fails.
 */
static bool eptp_valid(const struct sim *s, uint64_t eptp)
{
    struct vmcs_image img;
    vmcs_image_clear(&img);
    vmcs_set(&img, VMCS_CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_ACTIVATE_SECONDARY);
    vmcs_set(&img, VMCS_SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT);
    vmcs_set(&img, VMCS_EPT_POINTER, eptp);
    struct vmx_entry_input in = {.vmcs = &img, .caps = &s->caps, .kind = VMM_LAUNCH};
    struct vmx_check_failure failed[VMX_CHECK_COUNT];
    size_t n = vmx_entry_check_all(&in, failed, VMX_CHECK_COUNT);
    for (size_t i = 0; i < n && i < VMX_CHECK_COUNT; i++) {
        const struct vmx_check_info *rule = &vmx_check_table[failed[i].check];
        for (unsigned f = 0; f < rule->nfields; f++)
            if (rule->fields[f] == VMCS_EPT_POINTER)
                return false;
    }
    return true;
}

struct vmx_status sim_invept(struct vmm_cpu *cpu, enum vmx_invept_type type, uint64_t eptp)
{
    struct sim *s = sim_of(cpu);
    if (!s->in_vmx || !vmx_ctl_allowed1(&s->caps, VMM_CTL_PROC2, VMX_PROC2_ENABLE_EPT) ||
        !(s->caps.ept_vpid_cap & VMX_EPT_CAP_INVEPT))
        return vmx_status(VMX_FAULT_UD, 0);
    if (!type_supported(s, invept_type_cap, COUNT_OF(invept_type_cap), (unsigned)type))
        return sim_vmfail(s, VMXERR_INVALID_INVEPT_INVVPID_OPERAND);
    if (type == VMX_INVEPT_SINGLE && !eptp_valid(s, eptp))
        return sim_vmfail(s, VMXERR_INVALID_INVEPT_INVVPID_OPERAND);
    s->invalidations.invept++;
    return vmx_succeed();
}

struct vmx_status sim_invvpid(struct vmm_cpu *cpu, enum vmx_invvpid_type type, uint16_t vpid,
                              vmm_gva_t gla)
{
    struct sim *s = sim_of(cpu);
    if (!s->in_vmx || !vmx_ctl_allowed1(&s->caps, VMM_CTL_PROC2, VMX_PROC2_ENABLE_VPID) ||
        !(s->caps.ept_vpid_cap & VMX_VPID_CAP_INVVPID))
        return vmx_status(VMX_FAULT_UD, 0);
    if (!type_supported(s, invvpid_type_cap, COUNT_OF(invvpid_type_cap), (unsigned)type))
        return sim_vmfail(s, VMXERR_INVALID_INVEPT_INVVPID_OPERAND);
    /* VPID 0 is the host's: only the all-context type may name it. */
    if (type != VMX_INVVPID_ALL && vpid == 0)
        return sim_vmfail(s, VMXERR_INVALID_INVEPT_INVVPID_OPERAND);
    if (type == VMX_INVVPID_ADDR && !vmm_canonical(gla, s->caps.linear_addr_width))
        return sim_vmfail(s, VMXERR_INVALID_INVEPT_INVVPID_OPERAND);
    s->invalidations.invvpid++;
    return vmx_succeed();
}
