/* SPDX-License-Identifier: Apache-2.0 */
/* What the files of hwbackend/vmx share: the seam operations they implement. */
#ifndef HWBACKEND_VMX_HWVMX_INTERNAL_H
#define HWBACKEND_VMX_HWVMX_INTERNAL_H

#include "hwvmx.h"

static inline struct hwvmx *hwvmx_of(struct vmm_cpu *cpu)
{
    return cpu->backend;
}

#include "libos/cpu.h"
#include "vmm/cpuid.h"

#define HWVMX_NO_VMCS (~0ull)
#define HWVMX_MSR_FEATURE_CONTROL 0x3au
#define HWVMX_CR4_VMXE (1ull << 13)

/* CPUID.1:ECX.VMX */
static inline bool hwvmx_cpu_has_vmx(void)
{
    uint32_t ecx = 0;
    cpuid(1, 0, NULL, NULL, &ecx, NULL);
    return (ecx & VMM_CPUID_1_ECX_VMX) != 0;
}
#define HWVMX_PAGE_SIZE 4096u

/* caps.c */
int hwvmx_read_cap_msr(struct vmm_cpu *cpu, uint32_t msr, uint64_t *value);
int hwvmx_read_cpu_facts(struct vmm_cpu *cpu, struct vmx_raw_caps *raw);

/* memory.c */
int hwvmx_alloc_page(struct vmm_cpu *cpu, struct vmm_host_page *page);
int hwvmx_free_page(struct vmm_cpu *cpu, vmm_hpa_t hpa);
int hwvmx_gpa_read(struct vmm_cpu *cpu, vmm_gpa_t gpa, void *buf, size_t len);
int hwvmx_gpa_write(struct vmm_cpu *cpu, vmm_gpa_t gpa, const void *buf, size_t len);

/* host_state.c: writes the processor's real host state into the current VMCS. */
struct vmx_status hwvmx_write_host_state(void);

/* vmx_operation.c */
struct vmx_status hwvmx_op_vmxon(struct vmm_cpu *cpu, vmm_hpa_t region);
struct vmx_status hwvmx_op_vmxoff(struct vmm_cpu *cpu);

#endif /* HWBACKEND_VMX_HWVMX_INTERNAL_H */
