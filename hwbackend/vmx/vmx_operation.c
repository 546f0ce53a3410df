/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Entering and leaving VMX operation: what the host must do before VMXON
 * (IA32_FEATURE_CONTROL, the fixed CR0/CR4 bits, CR4.VMXE) and after
 * VMXOFF (CR4 as it was).
 */
#include "hwvmx_internal.h"
#include "insn.h"
#include "vmm/msr.h"
#include "libos/cpu.h"


/*
 * IA32_FEATURE_CONTROL as VMXON needs it: locked with "VMX outside SMX".
 * Firmware that left it unlocked lets the host set and lock it; one that
 * locked it without the bit forbids VMX until reset (VMXON would #GP).
 */
static bool feature_control_allows_vmx(void)
{
    uint64_t fc = rdmsr(HWVMX_MSR_FEATURE_CONTROL);
    if (!(fc & HWVMX_FEATURE_CONTROL_LOCK)) {
        fc |= HWVMX_FEATURE_CONTROL_LOCK | HWVMX_FEATURE_CONTROL_VMX_OUTSIDE_SMX;
        wrmsr(HWVMX_MSR_FEATURE_CONTROL, fc);
    }
    return (fc & HWVMX_FEATURE_CONTROL_VMX_OUTSIDE_SMX) != 0;
}

/* CR0 and CR4 as IA32_VMX_CR0/CR4_FIXED0/1 demand (e.g. CR0.NE, which GRUB leaves 0). */
static void apply_fixed_bits(void)
{
    uint64_t cr0 = read_cr0(), cr4 = read_cr4() | HWVMX_CR4_VMXE;
    cr0 = (cr0 | rdmsr(VMX_CAP_MSR_BASE + VMX_MSR_CR0_FIXED0)) &
          rdmsr(VMX_CAP_MSR_BASE + VMX_MSR_CR0_FIXED1);
    cr4 = (cr4 | rdmsr(VMX_CAP_MSR_BASE + VMX_MSR_CR4_FIXED0)) &
          rdmsr(VMX_CAP_MSR_BASE + VMX_MSR_CR4_FIXED1);
    write_cr0(cr0);
    write_cr4(cr4);
}

struct vmx_status hwvmx_op_vmxon(struct vmm_cpu *cpu, vmm_hpa_t region)
{
    struct hwvmx *hw = hwvmx_of(cpu);
    if (hw->in_vmx) /* VMfailValid 15 (or VMfailInvalid): the processor says which */
        return hwvmx_vmxon(region);
    if (!(hwvmx_cpu_has_vmx()))
        return (struct vmx_status){VMX_FAULT_UD, 0};
    if (!feature_control_allows_vmx())
        return (struct vmx_status){VMX_FAULT_GP, 0};
    uint64_t cr4_before = read_cr4();
    apply_fixed_bits();
    struct vmx_status st = hwvmx_vmxon(region);
    if (st.outcome == VMX_SUCCEED) {
        hw->in_vmx = true;
        hw->vmxon_cr4 = cr4_before;
        hw->current = HWVMX_NO_VMCS;
    } else {
        write_cr4(cr4_before);
    }
    return st;
}

struct vmx_status hwvmx_op_vmxoff(struct vmm_cpu *cpu)
{
    struct hwvmx *hw = hwvmx_of(cpu);
    if (!hw->in_vmx)
        return (struct vmx_status){VMX_FAULT_UD, 0};
    struct vmx_status st = hwvmx_vmxoff();
    if (st.outcome == VMX_SUCCEED) {
        hw->in_vmx = false;
        hw->current = HWVMX_NO_VMCS;
        write_cr4(hw->vmxon_cr4 & ~HWVMX_CR4_VMXE);
    }
    return st;
}
