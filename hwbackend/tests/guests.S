/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small 64-bit guest programs for the in-image tests, one scenario each
 * (the demo guest, tools/demo/demo_guest.S, is the big one). Position-
 * independent; the test copies the bytes between NAME and NAME_end into
 * guest RAM. Register contract at entry: RDI = the test's argument.
 * Each ends in HLT, which the platform's HLT policy turns into a stop.
 */
    .intel_syntax noprefix
    .section .rodata.hwtest_guests, "a"
    .code64

#define GUEST(name) .globl name, name##_end; .p2align 4; name:
#define END(name) name##_end:

/* CPUID leaf 0, then HLT: RBX/RDX/RCX hold the vendor the policy shows. */
GUEST(guest_cpuid)
    xor eax, eax
    xor ecx, ecx
    cpuid
    hlt
END(guest_cpuid)

/* RDI CPUID exits, then HLT (the exit benchmark). */
GUEST(guest_cpuid_loop)
    mov r8, rdi
1:  xor eax, eax
    cpuid
    dec r8
    jnz 1b
    hlt
END(guest_cpuid_loop)

/* The exit hypercall with status RDI. */
GUEST(guest_vmcall_exit)
    mov eax, 2                  /* VMM_HC_EXIT */
    mov rbx, rdi
    vmcall
    hlt
END(guest_vmcall_exit)

/* WRMSR IA32_TSC_AUX := RDI, RDMSR it back into R9. */
GUEST(guest_msr)
    mov ecx, 0xc0000103
    mov rax, rdi
    xor edx, edx
    wrmsr
    xor eax, eax
    rdmsr
    mov r9, rax
    hlt
END(guest_msr)

/* Sets CR0.CD (a host-owned bit: the write exits) and reads CR0 back into RBX. */
GUEST(guest_cr0_cd)
    mov rax, cr0
    bts rax, 30
    mov cr0, rax
    mov rbx, cr0
    hlt
END(guest_cr0_cd)

/* Reads 8 bytes at RDI into RAX. */
GUEST(guest_load)
    mov rax, [rdi]
    hlt
END(guest_load)

/* Spins until something outside the guest stops it. */
GUEST(guest_spin)
1:  jmp 1b
END(guest_spin)

    .section .note.GNU-stack, "", @progbits
