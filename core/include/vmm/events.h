/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event injection: placing an exception, NMI, external or software
 * interrupt in the VM-entry interruption-information fields so that the
 * next VM entry delivers it through the guest's IDT (SDM Vol. 3C "Event
 * Injection" and the VM-entry checks on those fields), plus re-injection
 * of an event whose delivery a VM exit interrupted.
 *
 * Rules applied:
 *  - the type/vector pairs VM entry accepts: NMI is vector 2, hardware
 *    exceptions are vectors 0-31, "other event" is vector 0 (pending MTF);
 *  - an error code is delivered exactly for hardware exceptions #DF(8),
 *    #TS(10), #NP(11), #SS(12), #GP(13), #PF(14), #AC(17) and #CP(21), and
 *    only in protected mode (guest CR0.PE = 1); bits 31:16 must be 0;
 *  - software interrupts and software / privileged software exceptions
 *    carry the instruction length (1-15) so that the pushed return address
 *    follows the instruction (zero-length injection, IA32_VMX_MISC[30], is
 *    not used);
 *  - an exception raised while another exception is pending combines as
 *    the SDM's exception classes say (contributory + contributory, page
 *    fault + contributory/page fault: #DF; #DF + contributory/page fault:
 *    triple fault).
 */
#ifndef VMM_EVENTS_H
#define VMM_EVENTS_H

#include "vmm/cpu.h"
#include "vmm/exits.h"

struct vmm_event {
    uint8_t type;        /* enum vmx_event_type */
    uint8_t vector;
    bool has_error;      /* deliver error_code */
    uint32_t error_code;
    uint32_t instr_len;  /* software events: the instruction's length */
};

/* Exception vectors (SDM Vol. 3A "Exception and Interrupt Reference"). */
enum vmx_vector {
    VMX_VEC_DE = 0, VMX_VEC_DB = 1, VMX_VEC_NMI = 2, VMX_VEC_BP = 3, VMX_VEC_OF = 4,
    VMX_VEC_BR = 5, VMX_VEC_UD = 6, VMX_VEC_NM = 7, VMX_VEC_DF = 8, VMX_VEC_TS = 10,
    VMX_VEC_NP = 11, VMX_VEC_SS = 12, VMX_VEC_GP = 13, VMX_VEC_PF = 14, VMX_VEC_MF = 16,
    VMX_VEC_AC = 17, VMX_VEC_MC = 18, VMX_VEC_XM = 19, VMX_VEC_VE = 20, VMX_VEC_CP = 21,
};

/* True for the exception vectors that push an error code (in protected mode). */
bool vmx_exception_has_error_code(unsigned vector);

/*
 * The event in the VM-entry interruption-information field. Returns 1 and
 * fills *ev when one is pending (valid bit set), 0 when none, or a
 * negative vmm_err when the VMCS cannot be read.
 */
int vmm_event_pending(struct vmm_cpu *cpu, struct vmm_event *ev);

/*
 * Makes `ev` the event the next VM entry injects. VMM_E_INVAL when the
 * event breaks a rule above (including an error code where none is
 * delivered or none where one is), VMM_E_STATE when an event is already
 * pending (combine exceptions with vmm_inject_exception), or the error of
 * a failed VMREAD/VMWRITE.
 */
int vmm_inject_event(struct vmm_cpu *cpu, const struct vmm_event *ev);

/* What vmm_inject_exception did. */
enum vmm_inject_outcome {
    VMM_INJECTED = 0,          /* the exception is pending */
    VMM_INJECTED_REPLACING,    /* it replaced a pending benign exception or a
                                * non-exception event, which is dropped: an
                                * external interrupt must be requested again */
    VMM_INJECTED_DOUBLE_FAULT, /* it combined with a pending exception into #DF(0) */
    VMM_INJECT_TRIPLE_FAULT,   /* it met a pending #DF: the guest must shut
                                * down; nothing is left pending */
};

/*
 * Injects hardware exception `vector` (0-31), delivering `error_code` if the
 * vector has one and the guest is in protected mode (otherwise it is
 * ignored), combined with any pending event as described above. Returns an
 * enum vmm_inject_outcome, or a negative vmm_err.
 */
int vmm_inject_exception(struct vmm_cpu *cpu, uint8_t vector, uint32_t error_code);

/* NMI; VMM_E_STATE if an event is pending. */
int vmm_inject_nmi(struct vmm_cpu *cpu);
/* External interrupt `vector`; VMM_E_STATE if an event is pending. */
int vmm_inject_external_interrupt(struct vmm_cpu *cpu, uint8_t vector);
/* INT n of length `instr_len`; VMM_E_STATE if an event is pending. */
int vmm_inject_software_interrupt(struct vmm_cpu *cpu, uint8_t vector, uint32_t instr_len);
/* INT3 (vector 3) or INTO (vector 4) of length `instr_len`. */
int vmm_inject_software_exception(struct vmm_cpu *cpu, uint8_t vector, uint32_t instr_len);

/*
 * After a VM exit during event delivery (original-event identification
 * valid), makes that event pending again so the next VM entry delivers
 * it: vector, type, error code and, for software events, the exit's
 * instruction length. Returns 1 if an event was re-injected, 0 if there
 * was none, or a negative vmm_err (VMM_E_INVAL for a malformed event).
 */
int vmm_event_reinject(struct vmm_cpu *cpu, const struct vmm_exit *exit);

/*
 * After a VM exit caused by a fault on IRET (or an access it made) that
 * had unblocked NMIs ("NMI unblocking due to IRET": exiting-event
 * identification bit 12, or qualification bit 12 of EPT-violation, PML-
 * full, SPP and instruction-timeout exits), sets blocking by NMI in the
 * guest interruptibility state, so that re-executing the IRET finds NMIs
 * blocked as before (SDM Vol. 3C "Information for VM Exits Due to
 * Vectored Events"). Not done when the bit is undefined: during event
 * delivery, for #DF, or with "NMI exiting" = 1 and "virtual NMIs" = 0.
 * Returns 1 if blocking was set, 0 if not needed, or a negative vmm_err.
 */
int vmm_event_restore_nmi_blocking(struct vmm_cpu *cpu, const struct vmm_exit *exit);

#endif /* VMM_EVENTS_H */
