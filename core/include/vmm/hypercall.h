/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libvmm's hypercall ABI (VMCALL from the guest).
 *
 *   RAX = hypercall number; RBX, RCX, RDX = arguments 1, 2, 3;
 *   on return RAX = result (>= 0) or a negative VMM_HC_E_* code; other
 *   registers are preserved. Outside 64-bit mode only the low 32 bits of
 *   the number and arguments are used, and the result is seen in EAX.
 *   Only CPL 0 may call: from CPL > 0 every call returns VMM_HC_E_PERM.
 *   The VMCALL is complete when the guest resumes (RIP past it), also for
 *   VMM_HC_EXIT should the host resume the guest.
 *
 *   0 VMM_HC_VERSION            -> RAX = VMM_HYPERCALL_ABI_VERSION
 *   1 VMM_HC_PRINT (gpa, len)   writes guest-physical bytes [gpa, gpa+len)
 *                               to the host's console sink; len <=
 *                               VMM_HC_PRINT_MAX; -> RAX = len, or
 *                               VMM_HC_E_INVAL (len too big, range wraps),
 *                               VMM_HC_E_FAULT (not guest RAM; bytes of
 *                               earlier chunks may have been written)
 *   2 VMM_HC_EXIT (status)      the guest is done: the run loop returns
 *                               VMM_STOP_HANDLER with the status recorded
 *                               -> RAX = 0
 *   other                       -> RAX = VMM_HC_E_NOSYS
 *
 * CPUID leaf 40000001H reports the ABI version in EAX.
 */
#ifndef VMM_HYPERCALL_H
#define VMM_HYPERCALL_H

#include "vmm/types.h"

#define VMM_HYPERCALL_ABI_VERSION 0x00010000u /* 1.0: major in 31:16, minor in 15:0 */

enum vmm_hypercall {
    VMM_HC_VERSION = 0,
    VMM_HC_PRINT = 1,
    VMM_HC_EXIT = 2,
};

#define VMM_HC_PRINT_MAX 4096u

/* Results, as 64-bit two's complement in RAX. */
#define VMM_HC_E_NOSYS ((uint64_t)-1) /* unknown hypercall number */
#define VMM_HC_E_INVAL ((uint64_t)-2) /* invalid argument */
#define VMM_HC_E_FAULT ((uint64_t)-3) /* guest memory not readable */
#define VMM_HC_E_PERM ((uint64_t)-4)  /* called from CPL > 0 */

#endif /* VMM_HYPERCALL_H */
