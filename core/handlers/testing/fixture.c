/* SPDX-License-Identifier: Apache-2.0 */
#include "fixture.h"

#include <stdlib.h>

static uint64_t next_counter(void *opaque)
{
    struct hfix *f = opaque;
    uint64_t v = f->counter;
    f->counter += f->counter_step;
    return v;
}

struct hfix *hfix_new(const char *cpuid)
{
    struct hfix *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    const struct vmx_profile *vp = vmx_profile_find("bochs-skylake-x");
    cpu_test_double_init(&f->td, vp->raw);
    cpu_test_double_enable_vmx(&f->td, &f->vmx, f->ram, sizeof f->ram);
    if (vmx_caps_parse(vp->raw, &f->caps, NULL) != VMM_OK ||
        vmm_platform_init(&f->platform, &f->caps,
                          vmm_cpuid_profile_find(cpuid ? cpuid : "generic-intel64"), 0) != VMM_OK) {
        free(f);
        return NULL;
    }
    vmm_vcpu_init(&f->vcpu, &f->td.cpu);
    vmm_platform_install(&f->platform, &f->vcpu);
    f->counter_step = 1;
    f->platform.tsc = (struct vmm_tsc_source){next_counter, f};
    hfix_long_mode(f);
    return f;
}

void hfix_free(struct hfix *f)
{
    free(f);
}

void hfix_set(struct hfix *f, enum vmcs_field_id id, uint64_t value)
{
    cpu_td_set_vmcs(&f->td, id, value);
}

uint64_t hfix_vmcs(struct hfix *f, enum vmcs_field_id id)
{
    return cpu_td_vmcs(&f->td, id);
}

uint32_t hfix_injected(struct hfix *f)
{
    uint32_t info = (uint32_t)hfix_vmcs(f, VMCS_VM_ENTRY_INTR_INFO_FIELD);
    return (info >> 31) ? info : 0;
}

void hfix_long_mode(struct hfix *f)
{
    hfix_set(f, VMCS_GUEST_CR0, 0x80050033);       /* PG WP NE ET MP PE */
    hfix_set(f, VMCS_CR0_READ_SHADOW, 0x80050033);
    hfix_set(f, VMCS_CR0_GUEST_HOST_MASK, 0x80000021 | 0x60000000); /* fixed bits, CD, NW */
    hfix_set(f, VMCS_GUEST_CR4, 0x2020 | 0x200);   /* VMXE PAE OSFXSR */
    hfix_set(f, VMCS_CR4_READ_SHADOW, 0x0020 | 0x200);
    hfix_set(f, VMCS_CR4_GUEST_HOST_MASK, 0x2000 | 0x20);
    hfix_set(f, VMCS_GUEST_CR3, 0x2000);
    hfix_set(f, VMCS_GUEST_IA32_EFER, 0x500 | 0x1); /* LMA LME SCE */
    hfix_set(f, VMCS_VM_ENTRY_CONTROLS, (1u << 9) | (1u << 15));
    hfix_set(f, VMCS_GUEST_CS_AR_BYTES, 0xa09b);  /* L */
    hfix_set(f, VMCS_GUEST_SS_AR_BYTES, 0xc093);  /* DPL 0 */
    hfix_set(f, VMCS_GUEST_RIP, 0x1000);
    hfix_set(f, VMCS_GUEST_RFLAGS, 0x2);
    hfix_set(f, VMCS_CPU_BASED_VM_EXEC_CONTROL, VMX_PROC_ACTIVATE_SECONDARY);
    hfix_set(f, VMCS_SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT);
}

void hfix_protected_mode(struct hfix *f)
{
    hfix_set(f, VMCS_GUEST_CR0, 0x00000031);       /* NE ET PE, no paging */
    hfix_set(f, VMCS_CR0_READ_SHADOW, 0x00000011);
    hfix_set(f, VMCS_GUEST_CR4, 0x2000);
    hfix_set(f, VMCS_CR4_READ_SHADOW, 0);
    hfix_set(f, VMCS_GUEST_IA32_EFER, 0);
    hfix_set(f, VMCS_VM_ENTRY_CONTROLS, 1u << 15);
    hfix_set(f, VMCS_GUEST_CS_AR_BYTES, 0xc09b);  /* D */
    hfix_set(f, VMCS_SECONDARY_VM_EXEC_CONTROL,
             VMX_PROC2_ENABLE_EPT | VMX_PROC2_UNRESTRICTED_GUEST);
}

int hfix_run_exit(struct hfix *f, uint32_t reason, uint64_t qualification, uint32_t instr_len)
{
    cpu_td_queue_exit(&f->td, reason, qualification, instr_len);
    return vmm_vcpu_run(&f->vcpu, 1);
}
