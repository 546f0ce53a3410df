/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel entry: the multiboot2 header, the 32-bit entry point (GRUB and
 * the disk boot sector both jump here in protected mode with EAX = the
 * multiboot2 magic and EBX = the boot information), the switch to long
 * mode with the first 4 GiB identity-mapped in 2 MiB pages, and the call
 * to libos_main(magic, info).
 */

#define MB2_HEADER_MAGIC 0xE85250D6
#define BOOT_STACK_SIZE (64 * 1024)

    .section .text.entry, "ax"
    .code32
    .globl _entry
_entry:                         /* the first byte of the image: the disk */
    jmp _start                  /* boot sector jumps to the load address */

    .balign 8
mb2_header:
    .long MB2_HEADER_MAGIC
    .long 0                     /* architecture: i386 protected mode */
    .long mb2_header_end - mb2_header
    .long 0x100000000 - (MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
    .word 0, 0                  /* end tag */
    .long 8
mb2_header_end:

_start:
    cli
    cld
    mov %eax, %ebp
    mov %ebx, %esi
    /* .bss: nothing else zeroes it on the disk boot path. */
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    xor %eax, %eax
    rep stosb
    mov %ebp, boot_magic
    mov %esi, boot_info
    mov $boot_stack_top, %esp

    /* Long mode needs CPUID leaf 0x80000001 EDX.LM. */
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb no_long_mode
    mov $0x80000001, %eax
    cpuid
    bt $29, %edx
    jnc no_long_mode

    /* PML4[0] -> PDPT, PDPT[0..3] -> four PDs, each 512 x 2 MiB. */
    mov $libos_boot_pdpt + 3, %eax
    mov %eax, libos_boot_pml4
    mov $libos_boot_pd + 3, %eax
    xor %ecx, %ecx
1:  mov %eax, libos_boot_pdpt(,%ecx,8)
    add $4096, %eax
    inc %ecx
    cmp $4, %ecx
    jb 1b
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax              /* present, writable, 2 MiB page */
    mov %eax, libos_boot_pd(,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jb 2b

    mov %cr4, %eax
    or $0x20, %eax              /* PAE */
    mov %eax, %cr4
    mov $libos_boot_pml4, %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx       /* EFER.LME */
    rdmsr
    or $0x100, %eax
    wrmsr
    mov %cr0, %eax
    and $0x9FFFFFFF, %eax       /* caches on (CD = NW = 0) */
    or $0x80010021, %eax        /* PG, WP, NE (VMX requires NE), PE */
    mov %eax, %cr0
    lgdt boot_gdtr
    ljmp $0x08, $long_mode

no_long_mode:
    mov $no_long_mode_msg, %esi
    mov $0xE9, %dx
3:  lodsb
    test %al, %al
    jz 4f
    outb %al, %dx
    jmp 3b
4:  hlt
    jmp 4b

    .code64
long_mode:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    mov $boot_stack_top, %rsp
    xor %ebp, %ebp
    mov boot_magic, %edi
    mov boot_info, %esi
    call libos_main
5:  cli
    hlt
    jmp 5b

    .section .rodata
no_long_mode_msg:
    .asciz "libos: this CPU has no long mode\n"

    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF    /* 0x08: 64-bit code */
    .quad 0x00CF92000000FFFF    /* 0x10: data */
boot_gdtr:
    .word boot_gdtr - boot_gdt - 1
    .quad boot_gdt

    .data
    .balign 4
boot_magic: .long 0
    .globl libos_boot_info_addr
libos_boot_info_addr:
boot_info: .long 0

    .section .bss
    .balign 4096
    .globl libos_boot_pml4, libos_boot_pdpt, libos_boot_pd
libos_boot_pml4: .skip 4096
libos_boot_pdpt: .skip 4096
libos_boot_pd: .skip 4 * 4096
    .balign 4096
    .globl libos_boot_stack_guard
libos_boot_stack_guard: .skip 4096  /* unmapped by mem.c */
boot_stack: .skip BOOT_STACK_SIZE
    .globl libos_boot_stack_top
libos_boot_stack_top:
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
