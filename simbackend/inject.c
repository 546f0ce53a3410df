/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event injection on VM entry (SDM Vol. 3C "Event Injection"): the event in
 * the VM-entry interruption-information field is delivered through the
 * guest's IDT after the guest state is loaded, as if it occurred right then
 * (the validator has already checked the field). It is never subject to the
 * exception bitmap; faults during its delivery are, and a VM exit they
 * cause reports the injected event as IDT-vectoring information (with the
 * VM-entry instruction length for software events). Injection wakes a
 * guest from HLT; an injected NMI blocks NMIs (virtual-NMI blocking with
 * "virtual NMIs"); "other event" vector 0 is a pending MTF VM exit. An
 * injected #PF does not write CR2: the VMM sets it.
 */
#include "engine_internal.h"

void inject_on_entry(struct sim_engine *e)
{
    uint32_t info = (uint32_t)vmcs_get(e->vmcs, VMCS_VM_ENTRY_INTR_INFO_FIELD);
    if (!(info & VMX_INTR_VALID))
        return;
    uint8_t type = (uint8_t)((info & VMX_INTR_TYPE_MASK) >> VMX_INTR_TYPE_SHIFT);
    if (type == VMX_EVENT_OTHER) {
        e->mtf_pending = true;
        return;
    }
    struct event ev = {
        .type = type,
        .vector = (uint8_t)(info & VMX_INTR_VECTOR_MASK),
        .has_error = info & VMX_INTR_ERROR_VALID,
        .error = (uint32_t)vmcs_get(e->vmcs, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE),
    };
    if (type == VMX_EVENT_SW_INTR || type == VMX_EVENT_SW_EXCEPTION ||
        type == VMX_EVENT_PRIV_SW_EXCEPTION)
        ev.instr_len = (uint8_t)vmcs_get(e->vmcs, VMCS_VM_ENTRY_INSTRUCTION_LEN);
    e->halted = false;
    ev_deliver(e, &ev);
}
