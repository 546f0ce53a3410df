/* SPDX-License-Identifier: Apache-2.0 */
/* A readable account of one exit record, for stop dumps and tools. */
#include "vmm/exits.h"
#include "vmm/textbuf.h"

static const char *const gpr_names[16] = {
    "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
    "R8",  "R9",  "R10", "R11", "R12", "R13", "R14", "R15",
};

static void label(struct vmm_textbuf *tb, const char *name)
{
    tb_puts(tb, "  ");
    tb_puts(tb, name);
    tb_pad_to(tb, 20);
}

static void flag(struct vmm_textbuf *tb, bool on, const char *name)
{
    if (on) {
        tb_putc(tb, ' ');
        tb_puts(tb, name);
    }
}

static void describe_cr(uint64_t q, struct vmm_textbuf *tb)
{
    struct vmx_qual_cr cr;
    if (vmx_qual_cr_decode(q, &cr) != VMM_OK) {
        tb_puts(tb, "malformed control-register qualification");
        return;
    }
    switch (cr.access) {
    case VMX_CR_MOV_TO:
    case VMX_CR_MOV_FROM:
        tb_puts(tb, cr.access == VMX_CR_MOV_TO ? "MOV to CR" : "MOV from CR");
        tb_dec(tb, cr.cr);
        tb_puts(tb, cr.access == VMX_CR_MOV_TO ? " from " : " to ");
        tb_puts(tb, gpr_names[cr.gpr]);
        break;
    case VMX_CR_CLTS:
        tb_puts(tb, "CLTS");
        break;
    default:
        tb_puts(tb, "LMSW ");
        tb_hex(tb, cr.lmsw_source, 4);
        tb_puts(tb, cr.lmsw_memory ? " (memory operand)" : " (register operand)");
    }
}

static void describe_io(uint64_t q, struct vmm_textbuf *tb)
{
    struct vmx_qual_io io;
    if (vmx_qual_io_decode(q, &io) != VMM_OK) {
        tb_puts(tb, "malformed I/O qualification");
        return;
    }
    tb_puts(tb, io.rep ? "REP " : "");
    tb_puts(tb, io.in ? (io.string ? "INS" : "IN") : (io.string ? "OUTS" : "OUT"));
    tb_puts(tb, ", ");
    tb_dec(tb, io.size);
    tb_puts(tb, io.size == 1 ? " byte, port " : " bytes, port ");
    tb_hex(tb, io.port, 4);
    tb_puts(tb, io.immediate ? " (immediate)" : " (DX)");
}

static void describe_ept(uint64_t q, struct vmm_textbuf *tb)
{
    struct vmx_qual_ept e;
    if (vmx_qual_ept_decode(q, &e) != VMM_OK) {
        tb_puts(tb, "malformed EPT-violation qualification");
        return;
    }
    tb_puts(tb, "access:");
    flag(tb, e.read, "read");
    flag(tb, e.write, "write");
    flag(tb, e.fetch, "fetch");
    tb_puts(tb, "; EPT allows:");
    flag(tb, e.readable, "R");
    flag(tb, e.writable, "W");
    flag(tb, e.executable, "X");
    flag(tb, e.user_executable, "XU");
    if (!(e.readable || e.writable || e.executable || e.user_executable))
        tb_puts(tb, " nothing (not present)");
    tb_puts(tb, e.gla_valid ? (e.final_translation ? "; final translation"
                                                   : "; guest paging-structure access")
                            : "; no linear address");
    flag(tb, e.nmi_unblock, "; NMI unblocking due to IRET");
    flag(tb, e.shadow_stack, "; shadow-stack access");
    flag(tb, e.asynchronous, "; asynchronous");
}

static void describe_exception(const struct vmm_exit *e, uint64_t q, struct vmm_textbuf *tb)
{
    unsigned vector = e->intr_info & VMX_INTR_VECTOR_MASK;
    unsigned type = (e->intr_info & VMX_INTR_TYPE_MASK) >> VMX_INTR_TYPE_SHIFT;
    if (type == VMX_EVENT_HW_EXCEPTION && vector == 14) {
        tb_puts(tb, "#PF linear address");
    } else if (vector == 1) {
        tb_puts(tb, "#DB:");
        for (unsigned i = 0; i < 4; i++)
            if ((q >> i) & 1) {
                tb_puts(tb, " B");
                tb_dec(tb, i);
            }
        flag(tb, (q >> 13) & 1, "BD");
        flag(tb, (q >> 14) & 1, "BS");
    } else {
        tb_puts(tb, "not used");
    }
}

static void describe_qual(const struct vmm_exit *e, const struct vmx_exit_info *row,
                          struct vmm_textbuf *tb)
{
    static const char *const entry_guest[] = {
        "no further information", "?", "PDPTE loading failed",
        "NMI injection while blocked by STI", "invalid VMCS link pointer",
    };
    static const char *const ts_source[] = {"CALL", "IRET", "JMP", "task gate in the IDT"};
    uint64_t q = e->qualification;
    if (!row) {
        tb_puts(tb, "unknown exit reason");
        return;
    }
    switch ((enum vmx_qual_kind)row->qual) {
    case VMX_QUAL_EXCEPTION: describe_exception(e, q, tb); break;
    case VMX_QUAL_IO: describe_io(q, tb); break;
    case VMX_QUAL_CR: describe_cr(q, tb); break;
    case VMX_QUAL_EPT_VIOLATION: describe_ept(q, tb); break;
    case VMX_QUAL_DR: {
        struct vmx_qual_dr dr;
        if (vmx_qual_dr_decode(q, &dr) != VMM_OK) {
            tb_puts(tb, "malformed MOV-DR qualification");
            break;
        }
        tb_puts(tb, dr.from_dr ? "MOV from DR" : "MOV to DR");
        tb_dec(tb, dr.dr);
        tb_puts(tb, dr.from_dr ? " to " : " from ");
        tb_puts(tb, gpr_names[dr.gpr]);
        break;
    }
    case VMX_QUAL_TASK_SWITCH: {
        struct vmx_qual_task_switch ts;
        if (vmx_qual_task_switch_decode(q, &ts) != VMM_OK) {
            tb_puts(tb, "malformed task-switch qualification");
            break;
        }
        tb_puts(tb, "TSS selector ");
        tb_hex(tb, ts.selector, 4);
        tb_puts(tb, " by ");
        tb_puts(tb, ts_source[ts.source]);
        break;
    }
    case VMX_QUAL_ENTRY_GUEST:
        tb_puts(tb, q < 5 ? entry_guest[q] : "unknown VM-entry failure qualification");
        break;
    case VMX_QUAL_ENTRY_MSR:
        tb_puts(tb, "VM-entry MSR-load entry ");
        tb_dec(tb, q);
        tb_puts(tb, " failed");
        break;
    case VMX_QUAL_LINEAR: tb_puts(tb, "linear-address operand"); break;
    case VMX_QUAL_DISPLACEMENT: tb_puts(tb, "operand displacement"); break;
    case VMX_QUAL_SIPI: tb_puts(tb, "SIPI vector"); break;
    case VMX_QUAL_MWAIT: tb_puts(tb, (q & 1) ? "monitoring armed" : "monitoring not armed"); break;
    case VMX_QUAL_APIC_ACCESS: tb_puts(tb, "APIC-access offset 11:0, type 15:12"); break;
    case VMX_QUAL_EOI_VECTOR: tb_puts(tb, "EOI vector"); break;
    case VMX_QUAL_APIC_WRITE: tb_puts(tb, "APIC-page offset"); break;
    case VMX_QUAL_MSR_INDEX: tb_puts(tb, "MSR index"); break;
    case VMX_QUAL_NMI_UNBLOCK:
    case VMX_QUAL_SPP:
    case VMX_QUAL_NOTIFY:
    case VMX_QUAL_OTHER_SMI:
    case VMX_QUAL_OPAQUE: tb_puts(tb, "see exit-qualifications.md"); break;
    case VMX_QUAL_NONE:
    case VMX_QUAL_RESERVED: tb_puts(tb, "not used"); break;
    }
}

static void describe_event(struct vmm_textbuf *tb, const char *name, uint32_t info,
                           uint32_t error)
{
    label(tb, name);
    tb_hex(tb, info, 8);
    if (info & VMX_INTR_VALID) {
        tb_puts(tb, ": vector ");
        tb_dec(tb, info & VMX_INTR_VECTOR_MASK);
        tb_puts(tb, ", ");
        tb_puts(tb, vmx_event_type_name((info & VMX_INTR_TYPE_MASK) >> VMX_INTR_TYPE_SHIFT));
        if (info & VMX_INTR_ERROR_VALID) {
            tb_puts(tb, ", error code ");
            tb_hex(tb, error, 4);
        }
        flag(tb, info & VMX_INTR_NMI_UNBLOCK, ", NMI unblocking");
    } else {
        tb_puts(tb, " (not valid)");
    }
    tb_putc(tb, '\n');
}

static void hex_line(struct vmm_textbuf *tb, const char *name, uint64_t v)
{
    label(tb, name);
    tb_hex(tb, v, 1);
    tb_putc(tb, '\n');
}

void vmm_exit_describe(const struct vmm_exit *e, struct vmm_textbuf *tb)
{
    const struct vmx_exit_info *row = vmx_exit_info_of(e->reason);
    label(tb, "exit reason");
    tb_hex(tb, e->reason_raw, 8);
    tb_puts(tb, " = ");
    tb_dec(tb, e->reason);
    tb_putc(tb, ' ');
    tb_puts(tb, vmx_exit_name(e->reason));
    if (row) {
        tb_puts(tb, " (");
        tb_puts(tb, row->title);
        tb_putc(tb, ')');
    }
    flag(tb, e->entry_failure, "[VM-entry failure]");
    flag(tb, e->reason_raw & VMX_EXIT_REASON_BUS_LOCK, "[bus lock]");
    flag(tb, e->reason_raw & VMX_EXIT_REASON_ENCLAVE, "[enclave]");
    tb_putc(tb, '\n');
    if (e->have & VMM_EXIT_HAVE_QUAL) {
        label(tb, "qualification");
        tb_hex(tb, e->qualification, 1);
        tb_puts(tb, ": ");
        describe_qual(e, row, tb);
        tb_putc(tb, '\n');
    }
    if (e->have & VMM_EXIT_HAVE_GLA)
        hex_line(tb, "guest-linear", e->guest_linear);
    if (e->have & VMM_EXIT_HAVE_GPA)
        hex_line(tb, "guest-physical", e->guest_physical);
    if (e->have & VMM_EXIT_HAVE_LEN) {
        label(tb, "instr length");
        tb_dec(tb, e->instr_len);
        tb_putc(tb, '\n');
    }
    if (e->have & VMM_EXIT_HAVE_INFO)
        hex_line(tb, "instr info", e->instr_info);
    if (e->have & VMM_EXIT_HAVE_INTR)
        describe_event(tb, "exiting event", e->intr_info, e->intr_error);
    if (e->have & VMM_EXIT_HAVE_IDT)
        describe_event(tb, "original event", e->idt_info, e->idt_error);
    if (e->have & VMM_EXIT_HAVE_IO_REGS) {
        hex_line(tb, "I/O RCX", e->io_rcx);
        hex_line(tb, "I/O RSI", e->io_rsi);
        hex_line(tb, "I/O RDI", e->io_rdi);
        hex_line(tb, "I/O RIP", e->io_rip);
    }
    if (e->have & VMM_EXIT_HAVE_MSR_DATA)
        hex_line(tb, "MSR data", e->msr_data);
}
