/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VMX instructions, one function each, with their outcome decoded
 * from RFLAGS (CF: VMfailInvalid, ZF: VMfailValid with the VM-instruction
 * error read from the current VMCS). They execute unconditionally: the
 * caller (vmx_ops.c) keeps them from faulting.
 */
#ifndef HWBACKEND_VMX_INSN_H
#define HWBACKEND_VMX_INSN_H

#include "vmm/cpu.h"

#include "vmm/vmcs_fields.h"

struct vmx_status hwvmx_vmxon(uint64_t region);
struct vmx_status hwvmx_vmxoff(void);
struct vmx_status hwvmx_vmclear(uint64_t vmcs);
struct vmx_status hwvmx_vmptrld(uint64_t vmcs);
struct vmx_status hwvmx_vmptrst(uint64_t *vmcs);
struct vmx_status hwvmx_vmread(uint32_t encoding, uint64_t *value);
struct vmx_status hwvmx_vmwrite(uint32_t encoding, uint64_t value);
struct vmx_status hwvmx_invept(uint64_t type, uint64_t eptp);
struct vmx_status hwvmx_invvpid(uint64_t type, uint16_t vpid, uint64_t gla);

/* The outcome RFLAGS says after a VMX instruction. */
struct vmx_status hwvmx_status_of_flags(uint64_t rflags);

/*
 * The entry trampoline (enter.S): loads `gprs` (and CR2), writes HOST_RSP
 * and HOST_RIP, executes VMLAUNCH (resume = 0) or VMRESUME, and at the VM
 * exit stores the guest's registers into `gprs`. Returns 0 after a VM exit
 * and RFLAGS (bit 1 always set) when the instruction failed; `gprs` is
 * untouched then.
 */
uint64_t hwvmx_vmenter(struct vmm_guest_gprs *gprs, uint64_t resume);

#endif /* HWBACKEND_VMX_INSN_H */
