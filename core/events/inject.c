/* SPDX-License-Identifier: Apache-2.0 */
/* Event injection through the VM-entry interruption-information fields. */
#include "vmm/events.h"
#include "vmm/vmcs_access.h"

#define CR0_PE 1ull
#define MAX_INSTR_LEN 15u

bool vmx_exception_has_error_code(unsigned vector)
{
    /* #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP */
    return vector < 32 && ((0x00227d00u >> vector) & 1);
}

static bool is_software(unsigned type)
{
    return type == VMX_EVENT_SW_INTR || type == VMX_EVENT_PRIV_SW_EXCEPTION ||
           type == VMX_EVENT_SW_EXCEPTION;
}

int vmm_event_pending(struct vmm_cpu *cpu, struct vmm_event *ev)
{
    uint64_t info, error = 0, len = 0;
    int rc = vmm_vmread(cpu, VMCS_VM_ENTRY_INTR_INFO_FIELD, &info);
    if (rc != VMM_OK)
        return rc;
    if (!(info & VMX_INTR_VALID))
        return 0;
    if ((rc = vmm_vmread(cpu, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE, &error)) != VMM_OK ||
        (rc = vmm_vmread(cpu, VMCS_VM_ENTRY_INSTRUCTION_LEN, &len)) != VMM_OK)
        return rc;
    *ev = (struct vmm_event){
        .type = (uint8_t)((info & VMX_INTR_TYPE_MASK) >> VMX_INTR_TYPE_SHIFT),
        .vector = (uint8_t)(info & VMX_INTR_VECTOR_MASK),
        .has_error = (info & VMX_INTR_ERROR_VALID) != 0,
        .error_code = (uint32_t)error,
        .instr_len = (uint32_t)len,
    };
    return 1;
}

/* Whether the guest will be in protected mode at entry (error codes need it). */
static int protected_mode(struct vmm_cpu *cpu, bool *pe)
{
    uint64_t cr0;
    int rc = vmm_vmread(cpu, VMCS_GUEST_CR0, &cr0);
    if (rc == VMM_OK)
        *pe = (cr0 & CR0_PE) != 0;
    return rc;
}

static int check_event(const struct vmm_event *ev, bool pe)
{
    switch (ev->type) {
    case VMX_EVENT_NMI:
        if (ev->vector != VMX_VEC_NMI)
            return VMM_E_INVAL;
        break;
    case VMX_EVENT_HW_EXCEPTION:
        if (ev->vector > 31)
            return VMM_E_INVAL;
        break;
    case VMX_EVENT_OTHER:
        if (ev->vector != 0)
            return VMM_E_INVAL;
        break;
    case VMX_EVENT_RESERVED:
        return VMM_E_INVAL;
    default:
        if (ev->type > 7)
            return VMM_E_INVAL;
    }
    bool want_error = ev->type == VMX_EVENT_HW_EXCEPTION && pe &&
                      vmx_exception_has_error_code(ev->vector);
    if (ev->has_error != want_error || (ev->has_error && (ev->error_code >> 16)))
        return VMM_E_INVAL;
    if (is_software(ev->type) && (ev->instr_len == 0 || ev->instr_len > MAX_INSTR_LEN))
        return VMM_E_INVAL;
    return VMM_OK;
}

/* Writes the fields; the event has been checked. */
static int write_event(struct vmm_cpu *cpu, const struct vmm_event *ev)
{
    int rc;
    if (ev->has_error &&
        (rc = vmm_vmwrite(cpu, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE, ev->error_code)) != VMM_OK)
        return rc;
    if (is_software(ev->type) &&
        (rc = vmm_vmwrite(cpu, VMCS_VM_ENTRY_INSTRUCTION_LEN, ev->instr_len)) != VMM_OK)
        return rc;
    uint32_t info = VMX_INTR_VALID | (uint32_t)ev->type << VMX_INTR_TYPE_SHIFT | ev->vector |
                    (ev->has_error ? VMX_INTR_ERROR_VALID : 0);
    return vmm_vmwrite(cpu, VMCS_VM_ENTRY_INTR_INFO_FIELD, info);
}

static int inject_checked(struct vmm_cpu *cpu, const struct vmm_event *ev, bool pe)
{
    int rc = check_event(ev, pe);
    return rc != VMM_OK ? rc : write_event(cpu, ev);
}

int vmm_inject_event(struct vmm_cpu *cpu, const struct vmm_event *ev)
{
    struct vmm_event pending;
    bool pe;
    int rc = vmm_event_pending(cpu, &pending);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return VMM_E_STATE;
    if ((rc = protected_mode(cpu, &pe)) != VMM_OK)
        return rc;
    return inject_checked(cpu, ev, pe);
}

/* SDM Vol. 3A "Conditions for Generating a Double Fault". */
enum exc_class { BENIGN, CONTRIBUTORY, PAGE_FAULT, DOUBLE_FAULT };

static enum exc_class exception_class(unsigned vector)
{
    switch (vector) {
    case VMX_VEC_DE: case VMX_VEC_TS: case VMX_VEC_NP: case VMX_VEC_SS: case VMX_VEC_GP:
    case VMX_VEC_CP:
        return CONTRIBUTORY;
    case VMX_VEC_PF: case VMX_VEC_VE:
        return PAGE_FAULT;
    case VMX_VEC_DF:
        return DOUBLE_FAULT;
    default:
        return BENIGN;
    }
}

static int clear_pending(struct vmm_cpu *cpu)
{
    return vmm_vmwrite(cpu, VMCS_VM_ENTRY_INTR_INFO_FIELD, 0);
}

int vmm_inject_exception(struct vmm_cpu *cpu, uint8_t vector, uint32_t error_code)
{
    if (vector > 31 || vector == VMX_VEC_NMI)
        return VMM_E_INVAL;
    bool pe;
    struct vmm_event pending;
    int rc = protected_mode(cpu, &pe);
    if (rc != VMM_OK)
        return rc;
    int have = vmm_event_pending(cpu, &pending);
    if (have < 0)
        return have;

    struct vmm_event ev = {.type = VMX_EVENT_HW_EXCEPTION, .vector = vector};
    ev.has_error = pe && vmx_exception_has_error_code(vector);
    ev.error_code = ev.has_error ? error_code : 0;
    enum vmm_inject_outcome outcome = have ? VMM_INJECTED_REPLACING : VMM_INJECTED;

    if (have && pending.type == VMX_EVENT_HW_EXCEPTION) {
        enum exc_class first = exception_class(pending.vector);
        enum exc_class second = exception_class(vector);
        if (first == DOUBLE_FAULT && second != BENIGN) {
            rc = clear_pending(cpu);
            return rc != VMM_OK ? rc : VMM_INJECT_TRIPLE_FAULT;
        }
        if ((first == CONTRIBUTORY && second == CONTRIBUTORY) ||
            (first == PAGE_FAULT && second != BENIGN)) {
            ev = (struct vmm_event){.type = VMX_EVENT_HW_EXCEPTION, .vector = VMX_VEC_DF,
                                    .has_error = pe};
            outcome = VMM_INJECTED_DOUBLE_FAULT;
        }
    }
    /* The new event replaces whatever was pending. */
    if ((rc = inject_checked(cpu, &ev, pe)) != VMM_OK)
        return rc;
    return (int)outcome;
}

static int inject_simple(struct vmm_cpu *cpu, uint8_t type, uint8_t vector, uint32_t len)
{
    struct vmm_event ev = {.type = type, .vector = vector, .instr_len = len};
    return vmm_inject_event(cpu, &ev);
}

int vmm_inject_nmi(struct vmm_cpu *cpu)
{
    return inject_simple(cpu, VMX_EVENT_NMI, VMX_VEC_NMI, 0);
}

int vmm_inject_external_interrupt(struct vmm_cpu *cpu, uint8_t vector)
{
    return inject_simple(cpu, VMX_EVENT_EXT_INTR, vector, 0);
}

int vmm_inject_software_interrupt(struct vmm_cpu *cpu, uint8_t vector, uint32_t instr_len)
{
    return inject_simple(cpu, VMX_EVENT_SW_INTR, vector, instr_len);
}

int vmm_inject_software_exception(struct vmm_cpu *cpu, uint8_t vector, uint32_t instr_len)
{
    if (vector != VMX_VEC_BP && vector != VMX_VEC_OF)
        return VMM_E_INVAL;
    return inject_simple(cpu, VMX_EVENT_SW_EXCEPTION, vector, instr_len);
}

int vmm_event_reinject(struct vmm_cpu *cpu, const struct vmm_exit *exit)
{
    if (!(exit->have & VMM_EXIT_HAVE_IDT) || !(exit->idt_info & VMX_INTR_VALID))
        return 0;
    uint32_t info = exit->idt_info;
    struct vmm_event ev = {
        .type = (uint8_t)((info & VMX_INTR_TYPE_MASK) >> VMX_INTR_TYPE_SHIFT),
        .vector = (uint8_t)(info & VMX_INTR_VECTOR_MASK),
        .has_error = (info & VMX_INTR_ERROR_VALID) != 0,
        .error_code = exit->idt_error,
    };
    if (is_software(ev.type)) {
        if (!(exit->have & VMM_EXIT_HAVE_LEN))
            return VMM_E_INVAL;
        ev.instr_len = exit->instr_len;
    }
    /* The processor cleared the entry field at the exit: nothing is pending. */
    int rc = vmm_inject_event(cpu, &ev);
    return rc == VMM_OK ? 1 : rc;
}

#define PIN_NMI_EXITING (1ull << 3)
#define PIN_VIRTUAL_NMIS (1ull << 5)
#define BLOCKING_BY_NMI (1ull << 3)
#define QUAL_NMI_UNBLOCK (1ull << 12)

static bool unblocked_nmis(const struct vmm_exit *e)
{
    if ((e->have & VMM_EXIT_HAVE_IDT) && (e->idt_info & VMX_INTR_VALID))
        return false; /* undefined during event delivery */
    if (e->have & VMM_EXIT_HAVE_INTR)
        return (e->intr_info & VMX_INTR_VALID) && (e->intr_info & VMX_INTR_NMI_UNBLOCK) &&
               (e->intr_info & VMX_INTR_VECTOR_MASK) != VMX_VEC_DF;
    const struct vmx_exit_info *row = vmx_exit_info_of(e->reason);
    if (!row || !(e->have & VMM_EXIT_HAVE_QUAL) || e->entry_failure)
        return false;
    switch (row->qual) {
    case VMX_QUAL_EPT_VIOLATION:
    case VMX_QUAL_NMI_UNBLOCK:
    case VMX_QUAL_SPP:
    case VMX_QUAL_NOTIFY:
        return (e->qualification & QUAL_NMI_UNBLOCK) != 0;
    default:
        return false;
    }
}

int vmm_event_restore_nmi_blocking(struct vmm_cpu *cpu, const struct vmm_exit *exit)
{
    if (!unblocked_nmis(exit))
        return 0;
    uint64_t pin, intr;
    int rc = vmm_vmread(cpu, VMCS_PIN_BASED_VM_EXEC_CONTROL, &pin);
    if (rc != VMM_OK)
        return rc;
    if ((pin & PIN_NMI_EXITING) && !(pin & PIN_VIRTUAL_NMIS))
        return 0; /* the bit is undefined then */
    if ((rc = vmm_vmread(cpu, VMCS_GUEST_INTERRUPTIBILITY_INFO, &intr)) != VMM_OK ||
        (rc = vmm_vmwrite(cpu, VMCS_GUEST_INTERRUPTIBILITY_INFO, intr | BLOCKING_BY_NMI)) != VMM_OK)
        return rc;
    return 1;
}
