/* SPDX-License-Identifier: Apache-2.0 */
/* Which VMCS fields a processor has, from its capabilities. */
#include "vmm/caps.h"
#include "vmm/vmcs_fields.h"

static bool requirement_holds(const struct vmx_caps *caps, struct vmcs_requirement r)
{
    if (r.kind == VMCS_REQ_NONE)
        return true;
    if (r.kind == VMCS_REQ_CPUID)
        return (caps->cpuid_features & VMM_CPUID_BIT(r.bit)) != 0;
    if (r.kind >= VMM_CTL_KIND_COUNT)
        return false;
    return vmx_ctl_allowed1(caps, (enum vmm_ctl_kind)r.kind, 1ull << r.bit);
}

bool vmcs_field_exists(const struct vmx_caps *caps, enum vmcs_field_id id)
{
    if ((unsigned)id >= VMCS_FIELD_COUNT)
        return false;
    const struct vmcs_field_info *f = &vmcs_field_table[id];
    if (((f->encoding >> 1) & 0x1ff) > caps->vmcs_max_index)
        return false;
    /* A second requirement of REQ_NONE means "no alternative". */
    return requirement_holds(caps, f->req[0]) ||
           (f->req[1].kind != VMCS_REQ_NONE && requirement_holds(caps, f->req[1]));
}
