/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Entry stubs for all 256 vectors: each pushes a zero error code when the
 * CPU pushes none, then its vector, then every GPR, so that the C handler
 * sees a struct libos_trap_frame. The handler may rewrite the frame (RIP,
 * RSP, RDI, RSI) to resume somewhere else. Vectors 32-255 (interrupts,
 * INT n) share one 16-byte stub layout from libos_trap_stubs_32.
 */
    .text

    .macro TRAP_NO_ERROR vector
    .balign 16
trap_\vector:
    pushq $0
    pushq $\vector
    jmp trap_common
    .endm

    .macro TRAP_WITH_ERROR vector
    .balign 16
trap_\vector:
    pushq $\vector
    jmp trap_common
    .endm

    TRAP_NO_ERROR 0
    TRAP_NO_ERROR 1
    TRAP_NO_ERROR 2
    TRAP_NO_ERROR 3
    TRAP_NO_ERROR 4
    TRAP_NO_ERROR 5
    TRAP_NO_ERROR 6
    TRAP_NO_ERROR 7
    TRAP_WITH_ERROR 8
    TRAP_NO_ERROR 9
    TRAP_WITH_ERROR 10
    TRAP_WITH_ERROR 11
    TRAP_WITH_ERROR 12
    TRAP_WITH_ERROR 13
    TRAP_WITH_ERROR 14
    TRAP_NO_ERROR 15
    TRAP_NO_ERROR 16
    TRAP_WITH_ERROR 17
    TRAP_NO_ERROR 18
    TRAP_NO_ERROR 19
    TRAP_NO_ERROR 20
    TRAP_WITH_ERROR 21
    TRAP_NO_ERROR 22
    TRAP_NO_ERROR 23
    TRAP_NO_ERROR 24
    TRAP_NO_ERROR 25
    TRAP_NO_ERROR 26
    TRAP_NO_ERROR 27
    TRAP_NO_ERROR 28
    TRAP_WITH_ERROR 29
    TRAP_WITH_ERROR 30
    TRAP_NO_ERROR 31

    /* Vectors 32-255: stub v at libos_trap_stubs_32 + 16 * (v - 32). */
    .balign 16
    .globl libos_trap_stubs_32
libos_trap_stubs_32:
    .set vector, 32
    .rept 224
    .balign 16
    pushq $0
    pushq $vector
    jmp trap_common
    .set vector, vector + 1
    .endr

trap_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    cld
    mov %rsp, %rdi
    call libos_trap_handle
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp               /* vector, error code */
    iretq

    .section .rodata
    .balign 8
    .globl libos_trap_stubs
libos_trap_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad trap_\v
    .endr

    .section .note.GNU-stack, "", @progbits
