/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bridge between a vCPU and the x86 emulator: the guest's processor
 * state as x86_cpu_state (VMCS guest-state area plus the registers the
 * vCPU holds), written back after an emulated instruction, and guest
 * memory as the emulator's memory operations (MMIO regions through the
 * platform's MMIO bus, everything else through the seam's gpa_read and
 * gpa_write).
 */
#include "handler_util.h"
#include "vmm/msr.h"

/* vmcs_guest_seg_fields' rows follow enum x86_seg_reg (ES CS SS DS FS GS). */
_Static_assert(X86_SEG_COUNT == 6, "one row per segment register");

static const enum vmcs_field_id pdpte_fields[4] = {
    VMCS_GUEST_PDPTR0, VMCS_GUEST_PDPTR1, VMCS_GUEST_PDPTR2, VMCS_GUEST_PDPTR3,
};

#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXSAVE (1ull << 18)

int emul_state_load(struct vmm_vcpu *v, const struct vmm_platform *p, struct x86_cpu_state *st)
{
    struct vmm_cpu *cpu = v->cpu;
    *st = (struct x86_cpu_state){0};
    for (unsigned i = 0; i < X86_GPR_COUNT; i++) {
        int rc = vmm_vcpu_get_gpr(v, i, &st->gpr[i]);
        if (rc != VMM_OK)
            return rc;
    }
    for (unsigned s = 0; s < X86_SEG_COUNT; s++) {
        uint64_t sel, base, limit, ar;
        const enum vmcs_field_id *f = vmcs_guest_seg_fields[s];
        int rc = vmm_vmread(cpu, f[VMCS_SEG_SELECTOR], &sel);
        if (rc == VMM_OK)
            rc = vmm_vmread(cpu, f[VMCS_SEG_BASE], &base);
        if (rc == VMM_OK)
            rc = vmm_vmread(cpu, f[VMCS_SEG_LIMIT], &limit);
        if (rc == VMM_OK)
            rc = vmm_vmread(cpu, f[VMCS_SEG_AR], &ar);
        if (rc != VMM_OK)
            return rc;
        st->seg[s] = (struct x86_segment){(uint16_t)sel, base, (uint32_t)limit, (uint32_t)ar};
    }
    int rc = vmm_vmread(cpu, VMCS_GUEST_RIP, &st->rip);
    if (rc == VMM_OK)
        rc = vmm_vmread(cpu, VMCS_GUEST_RFLAGS, &st->rflags);
    if (rc == VMM_OK)
        rc = vmm_vmread(cpu, VMCS_GUEST_CR0, &st->cr0);
    if (rc == VMM_OK)
        rc = vmm_vmread(cpu, VMCS_GUEST_CR3, &st->cr3);
    if (rc == VMM_OK)
        rc = vmm_vmread(cpu, VMCS_GUEST_CR4, &st->cr4);
    if (rc != VMM_OK)
        return rc;
    /* EFER: the field when the VMCS has it; LMA and LME follow "IA-32e mode guest" */
    if (vmm_vmread(cpu, VMCS_GUEST_IA32_EFER, &st->efer) != VMM_OK)
        st->efer = 0;
    st->efer &= ~(VMM_EFER_LMA | VMM_EFER_LME);
    if (control(cpu, VMCS_VM_ENTRY_CONTROLS) & VMX_ENTRY_IA32E_MODE_GUEST)
        st->efer |= VMM_EFER_LMA | VMM_EFER_LME;
    for (unsigned i = 0; i < 4; i++)
        if (vmm_vmread(cpu, pdpte_fields[i], &st->pdpte[i]) != VMM_OK)
            st->pdpte[i] = 0;
    st->cr2 = v->gprs.cr2;
    st->xcr0 = p->xcr0 ? p->xcr0 : 1;
    /*
     * The vCPU holds no vector registers: SSE/AVX instructions must raise
     * #UD in the emulator (before any access) rather than use zeros.
     */
    st->cr4 &= ~(CR4_OSFXSR | CR4_OSXSAVE);
    struct vmm_cpuid_regs r;
    vmm_cpuid_query(&p->cpuid, 0x80000008u, 0, st->cr4, &r);
    uint8_t width = (uint8_t)(r.eax & 0xff);
    st->maxphyaddr = width < 32 ? 36 : width > 52 ? 52 : width;
    vmm_cpuid_query(&p->cpuid, 0x80000001u, 0, st->cr4, &r);
    st->gbpages = (r.edx >> 26) & 1;
    return VMM_OK;
}

int emul_state_store(struct vmm_vcpu *v, const struct x86_cpu_state *st)
{
    for (unsigned i = 0; i < X86_GPR_COUNT; i++) {
        int rc = vmm_vcpu_set_gpr(v, i, st->gpr[i]);
        if (rc != VMM_OK)
            return rc;
    }
    return vmm_vmwrite(v->cpu, VMCS_GUEST_RFLAGS, st->rflags);
}

/* ---- guest memory for the emulator ---- */

static bool mmio_size(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

static int mem_read(void *ctx, vmm_gpa_t gpa, void *buf, unsigned size)
{
    struct emul_mem_ctx *m = ctx;
    if (!vmm_mmio_find(&m->platform->mmio, gpa))
        return m->vcpu->cpu->ops->gpa_read(m->vcpu->cpu, gpa, buf, size);
    if (!mmio_size(size))
        return VMM_E_UNSUPPORTED;
    uint64_t value = 0;
    int rc = vmm_mmio_read(&m->platform->mmio, gpa, size, &value);
    uint8_t *out = buf;
    for (unsigned i = 0; rc == VMM_OK && i < size; i++)
        out[i] = (uint8_t)(value >> (8 * i));
    return rc;
}

static int mem_write(void *ctx, vmm_gpa_t gpa, const void *buf, unsigned size)
{
    struct emul_mem_ctx *m = ctx;
    if (!vmm_mmio_find(&m->platform->mmio, gpa))
        return m->vcpu->cpu->ops->gpa_write(m->vcpu->cpu, gpa, buf, size);
    if (!mmio_size(size))
        return VMM_E_UNSUPPORTED;
    const uint8_t *in = buf;
    uint64_t value = 0;
    for (unsigned i = 0; i < size; i++)
        value |= (uint64_t)in[i] << (8 * i);
    return vmm_mmio_write(&m->platform->mmio, gpa, size, value);
}

struct x86_emul_mem emul_mem_of(struct emul_mem_ctx *m)
{
    return (struct x86_emul_mem){mem_read, mem_write, m};
}
