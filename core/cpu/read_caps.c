/* SPDX-License-Identifier: Apache-2.0 */
/* Reading a backend's capabilities through the seam. */
#include "vmm/cpu.h"

int vmm_cpu_read_caps(struct vmm_cpu *cpu, struct vmx_caps *caps, struct vmx_caps_error *err)
{
    struct vmx_raw_caps raw = {0};
    int rc = cpu->ops->read_cpu_facts(cpu, &raw);
    if (rc != VMM_OK)
        return rc;
    raw.msr_present = 0;
    for (unsigned i = 0; i < VMX_CAP_MSR_COUNT; i++) {
        rc = cpu->ops->read_cap_msr(cpu, VMX_CAP_MSR_BASE + i, &raw.msr[i]);
        if (rc == VMM_OK)
            raw.msr_present |= 1u << i;
        else if (rc == VMM_E_NOENT)
            raw.msr[i] = 0;
        else
            return rc;
    }
    return vmx_caps_parse(&raw, caps, err);
}
