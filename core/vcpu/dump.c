/* SPDX-License-Identifier: Apache-2.0 */
/* The state dump of a stopped vCPU and its exit statistics. */
#include "vmm/textbuf.h"
#include "vmm/vcpu.h"
#include "vmm/vmcs_access.h"

/* The fields that explain why a guest stopped, in reading order. */
static const enum vmcs_field_id dump_fields[] = {
    VMCS_GUEST_RIP, VMCS_GUEST_RSP, VMCS_GUEST_RFLAGS,
    VMCS_GUEST_CR0, VMCS_CR0_READ_SHADOW, VMCS_CR0_GUEST_HOST_MASK,
    VMCS_GUEST_CR3,
    VMCS_GUEST_CR4, VMCS_CR4_READ_SHADOW, VMCS_CR4_GUEST_HOST_MASK,
    VMCS_GUEST_IA32_EFER,
    VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_CS_BASE, VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_AR_BYTES,
    VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_SS_AR_BYTES,
    VMCS_GUEST_INTERRUPTIBILITY_INFO, VMCS_GUEST_ACTIVITY_STATE,
    VMCS_GUEST_PENDING_DBG_EXCEPTIONS,
    VMCS_VM_ENTRY_INTR_INFO_FIELD, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE,
    VMCS_VM_ENTRY_INSTRUCTION_LEN,
    VMCS_PIN_BASED_VM_EXEC_CONTROL, VMCS_CPU_BASED_VM_EXEC_CONTROL,
    VMCS_SECONDARY_VM_EXEC_CONTROL, VMCS_VM_ENTRY_CONTROLS, VMCS_VM_EXIT_CONTROLS,
    VMCS_EXCEPTION_BITMAP,
    VMCS_VM_INSTRUCTION_ERROR,
};

static const char *outcome_name(enum vmx_outcome o)
{
    switch (o) {
    case VMX_SUCCEED: return "VM exit";
    case VMX_FAIL_INVALID: return "VMfailInvalid";
    case VMX_FAIL_VALID: return "VMfailValid";
    case VMX_FAULT_UD: return "#UD";
    case VMX_FAULT_GP: return "#GP";
    }
    return "?";
}

static void heading(struct vmm_textbuf *tb, const char *title)
{
    tb_puts(tb, "# ");
    tb_puts(tb, title);
    tb_putc(tb, '\n');
}

static void item(struct vmm_textbuf *tb, const char *label)
{
    tb_puts(tb, "  ");
    tb_puts(tb, label);
    tb_pad_to(tb, 20);
}

static void dump_gprs(struct vmm_vcpu *v, struct vmm_textbuf *tb)
{
    static const char *const names[16] = {
        "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
        "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
    };
    for (unsigned i = 0; i < 16; i++) {
        uint64_t value;
        size_t column = (i % 4) * 28;
        tb_pad_to(tb, column + 2);
        tb_puts(tb, names[i]);
        tb_pad_to(tb, column + 6);
        if (vmm_vcpu_get_gpr(v, i, &value) == VMM_OK)
            tb_hex(tb, value, 16);
        else
            tb_puts(tb, "(unreadable)      ");
        if (i % 4 == 3)
            tb_putc(tb, '\n');
    }
}

static void dump_field(struct vmm_vcpu *v, enum vmcs_field_id id, struct vmm_textbuf *tb)
{
    const struct vmcs_field_info *f = &vmcs_field_table[id];
    uint64_t value;
    int rc = vmm_vmread(v->cpu, id, &value);
    tb_puts(tb, f->name);
    tb_pad_to(tb, 32);
    tb_puts(tb, "(");
    tb_hex(tb, f->encoding, 4);
    tb_puts(tb, ") = ");
    if (rc == VMM_OK) {
        tb_hex(tb, value, vmcs_width_bits((enum vmcs_width)f->width) / 4);
    } else {
        tb_puts(tb, "(unreadable: ");
        tb_puts(tb, vmm_strerror(rc));
        tb_putc(tb, ')');
    }
    tb_putc(tb, '\n');
}

void vmm_vcpu_dump(struct vmm_vcpu *v, struct vmm_textbuf *tb)
{
    heading(tb, "libvmm vCPU stop");
    item(tb, "stop");
    tb_puts(tb, vmm_stop_name(v->stop));
    tb_putc(tb, '\n');
    if (v->note) {
        item(tb, "note");
        tb_puts(tb, v->note);
        tb_putc(tb, '\n');
    }
    if (v->error) {
        item(tb, "error");
        tb_puts(tb, vmm_strerror(v->error));
        tb_putc(tb, '\n');
    }
    item(tb, "last entry");
    tb_puts(tb, outcome_name(v->entry_status.outcome));
    if (v->entry_status.outcome == VMX_FAIL_VALID) {
        tb_puts(tb, ", VM-instruction error ");
        tb_dec(tb, v->entry_status.error);
    }
    tb_puts(tb, v->launched ? " (next entry: VMRESUME)\n" : " (next entry: VMLAUNCH)\n");
    if (v->stop != VMM_STOP_VMFAIL) {
        heading(tb, "Exit");
        vmm_exit_describe(&v->exit, tb);
    }
    heading(tb, "Guest registers");
    dump_gprs(v, tb);
    heading(tb, "VMCS (selected fields)");
    for (size_t i = 0; i < sizeof dump_fields / sizeof dump_fields[0]; i++)
        dump_field(v, dump_fields[i], tb);
}

void vmm_vcpu_stats_dump(const struct vmm_vcpu *v, struct vmm_textbuf *tb)
{
    for (uint32_t r = 0; r < VMX_EXIT_REASON_COUNT; r++) {
        if (!v->stats.exits[r])
            continue;
        tb_puts(tb, vmx_exit_name(r));
        tb_pad_to(tb, 28);
        tb_dec(tb, v->stats.exits[r]);
        tb_putc(tb, '\n');
    }
    static const char *const totals[] = {
        "entries", "vmfails", "entry failures", "unknown reasons", "re-injections",
    };
    const uint64_t values[] = {
        v->stats.entries, v->stats.vmfails, v->stats.entry_failures,
        v->stats.unknown_reasons, v->stats.reinjections,
    };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        tb_puts(tb, totals[i]);
        tb_pad_to(tb, 28);
        tb_dec(tb, values[i]);
        tb_putc(tb, '\n');
    }
}
