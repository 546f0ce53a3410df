/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seam's table for real VMX: VMCS operations, VM entry, INVEPT/INVVPID,
 * and the backend's initialisation. An instruction that would fault in the
 * current state (#UD outside VMX operation) is reported, never executed.
 */
#include <stddef.h>

#include "hwvmx_internal.h"
#include "insn.h"
#include "vmm/vmcs_fields.h"
#include "libos/cpu.h"

/* enter.S addresses the registers by these offsets. */
_Static_assert(offsetof(struct vmm_guest_gprs, rax) == 0 &&
                   offsetof(struct vmm_guest_gprs, rdi) == 48 &&
                   offsetof(struct vmm_guest_gprs, r8) == 56 &&
                   offsetof(struct vmm_guest_gprs, r15) == 112 &&
                   offsetof(struct vmm_guest_gprs, cr2) == 120,
               "enter.S follows struct vmm_guest_gprs");

static const struct vmx_status ud = {VMX_FAULT_UD, 0};

static struct vmx_status op_vmclear(struct vmm_cpu *cpu, vmm_hpa_t vmcs)
{
    struct hwvmx *hw = hwvmx_of(cpu);
    if (!hw->in_vmx)
        return ud;
    struct vmx_status st = hwvmx_vmclear(vmcs);
    if (st.outcome == VMX_SUCCEED && vmcs == hw->current)
        hw->current = HWVMX_NO_VMCS;
    return st;
}

static struct vmx_status op_vmptrld(struct vmm_cpu *cpu, vmm_hpa_t vmcs)
{
    struct hwvmx *hw = hwvmx_of(cpu);
    if (!hw->in_vmx)
        return ud;
    struct vmx_status st = hwvmx_vmptrld(vmcs);
    if (st.outcome == VMX_SUCCEED) {
        hw->current = vmcs;
        hw->host_dirty = true;
    }
    return st;
}

static struct vmx_status op_vmptrst(struct vmm_cpu *cpu, vmm_hpa_t *vmcs)
{
    if (!hwvmx_of(cpu)->in_vmx)
        return ud;
    return hwvmx_vmptrst(vmcs);
}

static struct vmx_status op_vmread(struct vmm_cpu *cpu, uint32_t encoding, uint64_t *value)
{
    if (!hwvmx_of(cpu)->in_vmx)
        return ud;
    return hwvmx_vmread(encoding, value);
}

/* A write the host state depends on: a host-state field, or the exit controls (EFER/PAT loads). */
static bool touches_host_state(uint32_t encoding)
{
    return ((encoding >> 10) & 3u) == VMCS_HOST ||
           (encoding & ~1u) == VMCS_ENC_VM_EXIT_CONTROLS;
}

static struct vmx_status op_vmwrite(struct vmm_cpu *cpu, uint32_t encoding, uint64_t value)
{
    struct hwvmx *hw = hwvmx_of(cpu);
    if (!hw->in_vmx)
        return ud;
    struct vmx_status st = hwvmx_vmwrite(encoding, value);
    if (st.outcome == VMX_SUCCEED && touches_host_state(encoding))
        hw->host_dirty = true;
    return st;
}

static struct vmx_status op_enter_guest(struct vmm_cpu *cpu, enum vmm_entry_kind kind,
                                        struct vmm_guest_gprs *gprs)
{
    struct hwvmx *hw = hwvmx_of(cpu);
    if (!hw->in_vmx || !gprs)
        return ud;
    if (hw->host_dirty && hw->current != HWVMX_NO_VMCS) {
        /* Fails only without a current VMCS, which the entry then reports itself. */
        if (hwvmx_write_host_state().outcome == VMX_SUCCEED)
            hw->host_dirty = false;
    }
    hw->entries++;
    uint64_t flags = hwvmx_vmenter(gprs, kind == VMM_RESUME);
    if (flags == 0)
        return (struct vmx_status){VMX_SUCCEED, 0};
    struct vmx_status st = hwvmx_status_of_flags(flags);
    /* Neither CF nor ZF cannot follow a VMLAUNCH that did not exit; say so rather than succeed. */
    return st.outcome == VMX_SUCCEED ? (struct vmx_status){VMX_FAIL_INVALID, 0} : st;
}

static struct vmx_status op_invept(struct vmm_cpu *cpu, enum vmx_invept_type type, uint64_t eptp)
{
    if (!hwvmx_of(cpu)->in_vmx)
        return ud;
    return hwvmx_invept((uint64_t)type, eptp);
}

static struct vmx_status op_invvpid(struct vmm_cpu *cpu, enum vmx_invvpid_type type,
                                    uint16_t vpid, vmm_gva_t gla)
{
    if (!hwvmx_of(cpu)->in_vmx)
        return ud;
    return hwvmx_invvpid((uint64_t)type, vpid, gla);
}

static const struct vmm_cpu_ops hwvmx_ops = {
    .read_cap_msr = hwvmx_read_cap_msr,
    .read_cpu_facts = hwvmx_read_cpu_facts,
    .alloc_page = hwvmx_alloc_page,
    .free_page = hwvmx_free_page,
    .vmxon = hwvmx_op_vmxon,
    .vmxoff = hwvmx_op_vmxoff,
    .vmclear = op_vmclear,
    .vmptrld = op_vmptrld,
    .vmptrst = op_vmptrst,
    .vmread = op_vmread,
    .vmwrite = op_vmwrite,
    .enter_guest = op_enter_guest,
    .invept = op_invept,
    .invvpid = op_invvpid,
    .gpa_read = hwvmx_gpa_read,
    .gpa_write = hwvmx_gpa_write,
};


int hwvmx_init(struct hwvmx *hw, const struct hwvmx_config *cfg)
{
    if (!hw || !cfg)
        return VMM_E_INVAL;
    if ((cfg->ram_gpa | cfg->ram_hpa | cfg->ram_size) & (HWVMX_PAGE_SIZE - 1))
        return VMM_E_INVAL;
    if (!(hwvmx_cpu_has_vmx()))
        return VMM_E_UNSUPPORTED;
    *hw = (struct hwvmx){
        .cpu = {.ops = &hwvmx_ops, .backend = hw},
        .cfg = *cfg,
        .current = HWVMX_NO_VMCS,
    };
    return VMM_OK;
}
