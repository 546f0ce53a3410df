/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The libvmm demo guest: a small 64-bit, position-independent program.
 * The host copies the bytes between demo_guest_start and demo_guest_end
 * into guest RAM and starts it there (register contract in
 * demo_guest_abi.h). It lives in the host binary's read-only data: it is
 * never executed on the host.
 *
 * It prints through the 16550 at 3F8H (OUT DX, AL, polling LSR.THRE with
 * IN), asks CPUID leaves 0 and 40000000H, reads, writes and reads back an
 * MSR, stores to the demo's MMIO device, asks the hypercall ABI version,
 * prints by hypercall, exits by hypercall and, should the host resume it,
 * halts.
 */
#include "demo_guest_abi.h"

    .intel_syntax noprefix
    .section .rodata.libvmm_demo_guest, "a"
    .p2align 4
    .code64
    .globl demo_guest_start, demo_guest_end
    .globl demo_guest_mmio_store, demo_guest_mmio_store_end

demo_guest_start:
    mov r15, rdi                        /* the MMIO page, or 0 */

    lea rsi, [rip + msg_hello]
    call g_puts

    /* CPUID 0: highest basic leaf and the vendor (EBX, EDX, ECX). */
    xor eax, eax
    xor ecx, ecx
    cpuid
    lea rsi, [rip + msg_cpuid0]
    call g_puts
    mov r8d, 8
    call g_puthex
    lea rsi, [rip + msg_vendor]
    call g_puts
    sub rsp, 16
    mov [rsp], ebx
    mov [rsp + 4], edx
    mov [rsp + 8], ecx
    mov byte ptr [rsp + 12], 0
    mov rsi, rsp
    call g_puts
    add rsp, 16
    call g_quote_nl

    /* CPUID 40000000H: highest hypervisor leaf and the signature (EBX, ECX, EDX). */
    mov eax, 0x40000000
    xor ecx, ecx
    cpuid
    lea rsi, [rip + msg_cpuidhv]
    call g_puts
    mov r8d, 8
    call g_puthex
    lea rsi, [rip + msg_signature]
    call g_puts
    sub rsp, 16
    mov [rsp], ebx
    mov [rsp + 4], ecx
    mov [rsp + 8], edx
    mov byte ptr [rsp + 12], 0
    mov rsi, rsp
    call g_puts
    add rsp, 16
    call g_quote_nl

    /* The MSR: read, write, read back. */
    mov ecx, DEMO_MSR
    rdmsr
    lea rsi, [rip + msg_rdmsr]
    call g_puts
    call g_print_edx_eax
    mov ecx, DEMO_MSR
    mov eax, DEMO_MSR_VALUE
    xor edx, edx
    wrmsr
    rdmsr
    lea rsi, [rip + msg_wrmsr]
    call g_puts
    call g_print_edx_eax
    xor r14d, r14d                      /* exit status */
    cmp eax, DEMO_MSR_VALUE
    jne 1f
    test edx, edx
    jz 2f
1:  mov r14d, DEMO_EXIT_MSR_MISMATCH
2:

    /* The MMIO device: one 32-bit store to register 0. */
    test r15, r15
    jz 3f
    mov eax, DEMO_MMIO_VALUE
demo_guest_mmio_store:
    mov dword ptr [r15], eax
demo_guest_mmio_store_end:
    lea rsi, [rip + msg_mmio]
    call g_puts
    mov r8d, 8
    call g_puthex
    lea rsi, [rip + msg_mmio_at]
    call g_puts
    mov rax, r15
    mov r8d, 16
    call g_puthex
    jmp 4f
3:  lea rsi, [rip + msg_no_mmio]
    call g_puts
4:  mov al, 10
    call g_putc

    /* Hypercalls: the ABI version, a message printed by the host, exit. */
    mov eax, DEMO_HC_VERSION
    vmcall
    lea rsi, [rip + msg_version]
    call g_puts
    mov r8d, 8
    call g_puthex
    mov al, 10
    call g_putc

    mov eax, DEMO_HC_PRINT
    lea rbx, [rip + msg_bye]            /* guest-linear = guest-physical */
    lea rcx, [rip + msg_bye_end]
    sub rcx, rbx                        /* its length */
    vmcall

    mov eax, DEMO_HC_EXIT
    mov ebx, r14d
    vmcall
5:  hlt
    jmp 5b

/* ---- helpers; each preserves every register it does not return ---- */

/* AL: one byte to COM1, once the transmitter holding register is empty. */
g_putc:
    push rdx
    push rax
    mov dx, DEMO_COM1_LSR
1:  in al, dx
    test al, DEMO_LSR_THRE
    jz 1b
    pop rax
    mov dx, DEMO_COM1
    out dx, al
    pop rdx
    ret

/* RSI: a NUL-terminated string. */
g_puts:
    push rax
    push rsi
1:  mov al, [rsi]
    test al, al
    jz 2f
    call g_putc
    inc rsi
    jmp 1b
2:  pop rsi
    pop rax
    ret

/* RAX: the value; R8D: how many hex digits (low ones). */
g_puthex:
    push rax
    push rcx
    push rdx
    push r8
    push r9
    mov r9, rax
    lea rdx, [rip + hex_digits]
1:  dec r8d
    lea ecx, [r8 * 4]
    mov rax, r9
    shr rax, cl
    and eax, 15
    mov al, [rdx + rax]
    call g_putc
    test r8d, r8d
    jnz 1b
    pop r9
    pop r8
    pop rdx
    pop rcx
    pop rax
    ret

/* EDX:EAX as 16 hex digits and a newline. */
g_print_edx_eax:
    push rax
    push r8
    push rdx
    shl rdx, 32
    mov eax, eax
    or rax, rdx
    mov r8d, 16
    call g_puthex
    mov al, 10
    call g_putc
    pop rdx
    pop r8
    pop rax
    ret

/* A closing quote and a newline. */
g_quote_nl:
    push rax
    mov al, 0x22                        /* '"' */
    call g_putc
    mov al, 10
    call g_putc
    pop rax
    ret

hex_digits:     .ascii "0123456789abcdef"
msg_hello:      .asciz "Hello from the libvmm demo guest: 64-bit mode, CPL 0, paging on.\n"
msg_cpuid0:     .asciz "CPUID 0:         max leaf "
msg_vendor:     .asciz ", vendor \""
msg_cpuidhv:    .asciz "CPUID 40000000H: max leaf "
msg_signature:  .asciz ", hypervisor \""
msg_rdmsr:      .asciz "RDMSR IA32_TSC_AUX               = "
msg_wrmsr:      .asciz "WRMSR IA32_TSC_AUX cafe0042, now = "
msg_mmio:       .asciz "MMIO: stored "
msg_mmio_at:    .asciz " to the demo device at GPA "
msg_no_mmio:    .asciz "MMIO: no device page in this VM (no EPT): store skipped"
msg_version:    .asciz "hypercall ABI version "
msg_bye:        .ascii "Goodbye from the guest, printed by VMCALL (VMM_HC_PRINT); "
                .ascii "exiting by VMM_HC_EXIT.\n"
msg_bye_end:
demo_guest_end:

        .section .note.GNU-stack, "", @progbits
