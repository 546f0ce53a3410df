/* SPDX-License-Identifier: Apache-2.0 */
/* Saying why a VM could not be created, in one line. */
#include "vm_internal.h"
#include "vmm/textbuf.h"
#include "vmm/vmcs_fields.h"

const char *vmm_vm_step_name(enum vmm_vm_step step)
{
    static const char *const names[VMM_VM_STEP_COUNT] = {
        [VMM_VM_STEP_NONE] = "no failure",
        [VMM_VM_STEP_CONFIG] = "configuration",
        [VMM_VM_STEP_CONTROLS] = "control negotiation",
        [VMM_VM_STEP_ALLOC] = "host page allocation",
        [VMM_VM_STEP_VMXON] = "VMXON",
        [VMM_VM_STEP_VMCLEAR] = "VMCLEAR",
        [VMM_VM_STEP_VMPTRLD] = "VMPTRLD",
        [VMM_VM_STEP_EPT] = "EPT",
        [VMM_VM_STEP_GUEST_RAM] = "guest RAM",
        [VMM_VM_STEP_VMWRITE] = "VMWRITE",
        [VMM_VM_STEP_INVALIDATE] = "TLB invalidation",
    };
    return (unsigned)step < VMM_VM_STEP_COUNT ? names[step] : "?";
}

static void describe_status(struct vmx_status st, struct vmm_textbuf *tb)
{
    static const char *const outcome[] = {"succeeded", "VMfailInvalid", "VMfailValid",
                                          "#UD", "#GP"};
    tb_puts(tb, " (");
    tb_puts(tb, (unsigned)st.outcome < 5 ? outcome[st.outcome] : "?");
    if (st.outcome == VMX_FAIL_VALID) {
        tb_puts(tb, ", error ");
        tb_dec(tb, st.error);
    }
    tb_putc(tb, ')');
}

static void describe_bits(enum vmm_ctl_kind kind, uint64_t bits, const char *label,
                          struct vmm_textbuf *tb)
{
    if (!bits)
        return;
    tb_puts(tb, "; ");
    tb_puts(tb, vmm_ctl_kind_name(kind));
    tb_puts(tb, label);
    for (unsigned bit = 0; bit < 64; bit++) {
        if (!((bits >> bit) & 1))
            continue;
        const char *name = vmm_ctl_bit_name(kind, bit);
        tb_puts(tb, " \"");
        tb_puts(tb, name ? name : "reserved bit");
        tb_putc(tb, '"');
    }
}

void vmm_vm_error_describe(const struct vmm_vm_error *err, struct vmm_textbuf *tb)
{
    if (!err || !tb)
        return;
    tb_puts(tb, vmm_vm_step_name(err->step));
    tb_puts(tb, ": ");
    tb_puts(tb, err->what ? err->what : "failed");
    tb_puts(tb, " [");
    tb_puts(tb, vmm_strerror(err->rc));
    tb_putc(tb, ']');
    switch (err->step) {
    case VMM_VM_STEP_VMXON:
    case VMM_VM_STEP_VMCLEAR:
    case VMM_VM_STEP_VMPTRLD:
    case VMM_VM_STEP_INVALIDATE:
        describe_status(err->status, tb);
        break;
    case VMM_VM_STEP_VMWRITE:
        tb_puts(tb, " field ");
        tb_puts(tb, vmcs_field_name((enum vmcs_field_id)err->field));
        describe_status(err->status, tb);
        break;
    case VMM_VM_STEP_CONTROLS:
        for (unsigned k = 0; k < VMM_CTL_KIND_COUNT; k++) {
            describe_bits((enum vmm_ctl_kind)k, err->unsupported[k], " cannot set:", tb);
            describe_bits((enum vmm_ctl_kind)k, err->required[k], " cannot clear:", tb);
        }
        break;
    default:
        break;
    }
}
