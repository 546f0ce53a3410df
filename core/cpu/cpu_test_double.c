/* SPDX-License-Identifier: Apache-2.0 */
/* TEST DOUBLE: fixed capability values; every other operation refuses. */
#include "cpu_test_double.h"

static struct cpu_test_double *self(struct vmm_cpu *cpu)
{
    return (struct cpu_test_double *)cpu->backend;
}

static int read_cap_msr(struct vmm_cpu *cpu, uint32_t msr, uint64_t *value)
{
    struct cpu_test_double *td = self(cpu);
    if (td->fail_msr && (uint32_t)td->fail_msr == msr)
        return td->fail_rc;
    uint32_t i = msr - VMX_CAP_MSR_BASE;
    if (msr < VMX_CAP_MSR_BASE || i >= VMX_CAP_MSR_COUNT || !((td->raw.msr_present >> i) & 1))
        return VMM_E_NOENT;
    *value = td->raw.msr[i];
    return VMM_OK;
}

static int read_cpu_facts(struct vmm_cpu *cpu, struct vmx_raw_caps *raw)
{
    struct cpu_test_double *td = self(cpu);
    raw->phys_addr_width = td->raw.phys_addr_width;
    raw->linear_addr_width = td->raw.linear_addr_width;
    raw->cpuid_features = td->raw.cpuid_features;
    return VMM_OK;
}

static int refuse_alloc(struct vmm_cpu *cpu, struct vmm_host_page *page)
{
    (void)cpu, (void)page;
    return VMM_E_UNSUPPORTED;
}

static int refuse_free(struct vmm_cpu *cpu, vmm_hpa_t hpa)
{
    (void)cpu, (void)hpa;
    return VMM_E_UNSUPPORTED;
}

static const struct vmx_status not_in_vmx = {VMX_FAULT_UD, 0};

static struct vmx_status refuse_addr(struct vmm_cpu *cpu, vmm_hpa_t a)
{
    (void)cpu, (void)a;
    return not_in_vmx;
}

static struct vmx_status refuse_none(struct vmm_cpu *cpu)
{
    (void)cpu;
    return not_in_vmx;
}

static struct vmx_status refuse_ptrst(struct vmm_cpu *cpu, vmm_hpa_t *a)
{
    (void)cpu, (void)a;
    return not_in_vmx;
}

static struct vmx_status refuse_read(struct vmm_cpu *cpu, uint32_t enc, uint64_t *v)
{
    (void)cpu, (void)enc, (void)v;
    return not_in_vmx;
}

static struct vmx_status refuse_write(struct vmm_cpu *cpu, uint32_t enc, uint64_t v)
{
    (void)cpu, (void)enc, (void)v;
    return not_in_vmx;
}

static struct vmx_status refuse_enter(struct vmm_cpu *cpu, enum vmm_entry_kind k,
                                      struct vmm_guest_gprs *g)
{
    (void)cpu, (void)k, (void)g;
    return not_in_vmx;
}

static struct vmx_status refuse_invept(struct vmm_cpu *cpu, enum vmx_invept_type t, uint64_t e)
{
    (void)cpu, (void)t, (void)e;
    return not_in_vmx;
}

static struct vmx_status refuse_invvpid(struct vmm_cpu *cpu, enum vmx_invvpid_type t,
                                        uint16_t vpid, vmm_gva_t gla)
{
    (void)cpu, (void)t, (void)vpid, (void)gla;
    return not_in_vmx;
}

static int refuse_gpa_read(struct vmm_cpu *cpu, vmm_gpa_t gpa, void *buf, size_t len)
{
    (void)cpu, (void)gpa, (void)buf, (void)len;
    return VMM_E_RANGE;
}

static int refuse_gpa_write(struct vmm_cpu *cpu, vmm_gpa_t gpa, const void *buf, size_t len)
{
    (void)cpu, (void)gpa, (void)buf, (void)len;
    return VMM_E_RANGE;
}

static const struct vmm_cpu_ops test_double_ops = {
    .read_cap_msr = read_cap_msr,
    .read_cpu_facts = read_cpu_facts,
    .alloc_page = refuse_alloc,
    .free_page = refuse_free,
    .vmxon = refuse_addr,
    .vmxoff = refuse_none,
    .vmclear = refuse_addr,
    .vmptrld = refuse_addr,
    .vmptrst = refuse_ptrst,
    .vmread = refuse_read,
    .vmwrite = refuse_write,
    .enter_guest = refuse_enter,
    .invept = refuse_invept,
    .invvpid = refuse_invvpid,
    .gpa_read = refuse_gpa_read,
    .gpa_write = refuse_gpa_write,
};

void cpu_test_double_init(struct cpu_test_double *td, const struct vmx_raw_caps *raw)
{
    *td = (struct cpu_test_double){.raw = *raw};
    td->cpu.ops = &test_double_ops;
    td->cpu.backend = td;
}
