/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VM entry and VM exit: uint64_t hwvmx_vmenter(struct vmm_guest_gprs *gprs,
 * uint64_t resume) (insn.h has the contract). The host's callee-saved
 * registers, its RFLAGS (a VM exit leaves only bit 1 set: IF would stay
 * off) and `gprs` stay on the stack across the guest's run; HOST_RSP points
 * at them and HOST_RIP at .Lvmexit, so the VM exit returns here.
 * Offsets follow struct vmm_guest_gprs (vmx_ops.c asserts them).
 */
#define G_RAX 0
#define G_RCX 8
#define G_RDX 16
#define G_RBX 24
#define G_RBP 32
#define G_RSI 40
#define G_RDI 48
#define G_R8 56
#define G_R9 64
#define G_R10 72
#define G_R11 80
#define G_R12 88
#define G_R13 96
#define G_R14 104
#define G_R15 112
#define G_CR2 120

#define ENC_HOST_RSP 0x6c14
#define ENC_HOST_RIP 0x6c16

    .text
    .globl hwvmx_vmenter
    .type hwvmx_vmenter, @function
hwvmx_vmenter:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    pushfq
    push %rdi                   /* gprs: 0(%rsp) at the VM exit */

    /* A failed VMWRITE here means no current VMCS: VMLAUNCH fails the same way. */
    mov $ENC_HOST_RSP, %eax
    vmwrite %rsp, %rax
    lea .Lvmexit(%rip), %rdx
    mov $ENC_HOST_RIP, %eax
    vmwrite %rdx, %rax

    mov G_CR2(%rdi), %rax
    mov %rax, %cr2              /* leaves the arithmetic flags undefined: test after it */
    test %rsi, %rsi
    mov G_RAX(%rdi), %rax
    mov G_RCX(%rdi), %rcx
    mov G_RDX(%rdi), %rdx
    mov G_RBX(%rdi), %rbx
    mov G_RBP(%rdi), %rbp
    mov G_RSI(%rdi), %rsi
    mov G_R8(%rdi), %r8
    mov G_R9(%rdi), %r9
    mov G_R10(%rdi), %r10
    mov G_R11(%rdi), %r11
    mov G_R12(%rdi), %r12
    mov G_R13(%rdi), %r13
    mov G_R14(%rdi), %r14
    mov G_R15(%rdi), %r15
    mov G_RDI(%rdi), %rdi
    jnz 1f
    vmlaunch
    jmp 2f
1:  vmresume
2:
    /* The instruction failed: nothing was loaded; return its RFLAGS. */
    pushfq
    pop %rax
    add $8, %rsp
    jmp .Lrestore

.Lvmexit:
    push %rdi
    mov 8(%rsp), %rdi
    mov %rax, G_RAX(%rdi)
    mov %rcx, G_RCX(%rdi)
    mov %rdx, G_RDX(%rdi)
    mov %rbx, G_RBX(%rdi)
    mov %rbp, G_RBP(%rdi)
    mov %rsi, G_RSI(%rdi)
    mov %r8, G_R8(%rdi)
    mov %r9, G_R9(%rdi)
    mov %r10, G_R10(%rdi)
    mov %r11, G_R11(%rdi)
    mov %r12, G_R12(%rdi)
    mov %r13, G_R13(%rdi)
    mov %r14, G_R14(%rdi)
    mov %r15, G_R15(%rdi)
    popq G_RDI(%rdi)
    mov %cr2, %rax
    mov %rax, G_CR2(%rdi)
    add $8, %rsp
    xor %eax, %eax

.Lrestore:
    popfq
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size hwvmx_vmenter, . - hwvmx_vmenter

    .section .note.GNU-stack, "", @progbits
