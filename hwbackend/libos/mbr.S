/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The disk boot sector: a faster stand-in for GRUB in tests. Disk layout:
 * sector 0 this code, sector 1 a prebuilt multiboot2 command-line tag
 * (256 bytes), sectors 2.. the flat kernel image. It loads the kernel in
 * 32 KiB chunks through INT 13h AH=42h and copies each to 1 MiB in
 * "unreal" mode, builds multiboot2 boot information at 0x9000 (the
 * command-line tag, a memory-map tag from INT 15h E820, the end tag),
 * enters 32-bit protected mode and jumps to the kernel's first byte with
 * the multiboot2 register state (EAX magic, EBX info).
 */

#define INFO 0x9000
#define INFO_CMDLINE (INFO + 8)
#define INFO_MMAP (INFO_CMDLINE + 256)
#define MMAP_ENTRIES (INFO_MMAP + 16)
#define MAX_E820 64
#define CHUNK_SECTORS 64
#define BOUNCE_SEG 0x1000
#define KERNEL_ADDR 0x100000

    .code16
    .text
    .globl start
start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x7C00, %sp
    ljmp $0, $1f
1:  mov %dl, boot_drive
    sti
    in $0x92, %al               /* A20 on (fast gate) */
    or $2, %al
    and $0xFE, %al
    out %al, $0x92

    movw $1, dap_count          /* sector 1: the command-line tag */
    movw $INFO_CMDLINE, dap_off
    movw $0, dap_seg
    movl $1, dap_lba
    call read_sectors
    movl $2, dap_lba

load_chunk:
    mov kernel_sectors, %cx
    jcxz loaded
    mov $CHUNK_SECTORS, %ax
    cmp %ax, %cx
    jae 2f
    mov %cx, %ax
2:  mov %ax, chunk
    mov %ax, dap_count
    movw $0, dap_off
    movw $BOUNCE_SEG, dap_seg
    call read_sectors
    call enter_unreal
    mov $BOUNCE_SEG * 16, %esi
    mov dest, %edi
    movzwl chunk, %ecx
    shl $7, %ecx                /* dwords */
    .byte 0x67                  /* addr32: ESI/EDI, not SI/DI */
    rep movsl
    xor %ax, %ax                /* plain real-mode segments again */
    mov %ax, %ds
    mov %ax, %es
    sti
    movzwl chunk, %eax
    sub %ax, kernel_sectors
    add %eax, dap_lba
    shl $9, %eax
    add %eax, dest
    jmp load_chunk

loaded:
    /* Memory map: E820 entries are laid out exactly like multiboot2's
     * (base, length, type, 4 reserved bytes) when asked for 24 bytes. */
    xor %ebx, %ebx
    mov $MMAP_ENTRIES, %di
    xor %bp, %bp
e820_next:
    movl $0, %es:20(%di)
    mov $0xE820, %eax
    mov $24, %ecx
    mov $0x534D4150, %edx
    int $0x15
    jc e820_done
    cmp $0x534D4150, %eax
    jne e820_done
    movl $0, %es:20(%di)        /* multiboot2: reserved = 0 */
    add $24, %di
    inc %bp
    test %ebx, %ebx
    jz e820_done
    cmp $MAX_E820, %bp
    jb e820_next
e820_done:
    movl $6, INFO_MMAP
    mov %di, %ax
    sub $INFO_MMAP, %ax
    movzwl %ax, %eax
    mov %eax, INFO_MMAP + 4     /* tag size: header + entries */
    movl $24, INFO_MMAP + 8
    movl $0, INFO_MMAP + 12
    movl $0, (%di)              /* end tag */
    movl $8, 4(%di)
    add $8, %di
    sub $INFO, %di
    movzwl %di, %eax
    mov %eax, INFO              /* total size */
    movl $0, INFO + 4

    cli
    lgdtl gdt_desc
    mov %cr0, %eax
    or $1, %al
    mov %eax, %cr0
    ljmpl $0x08, $pm32

/* Loads DS and ES with a flat 4 GiB descriptor and returns to real mode:
 * the limits stay, so 32-bit addresses reach above 1 MiB. */
enter_unreal:
    cli
    lgdtl gdt_desc
    mov %cr0, %eax
    or $1, %al
    mov %eax, %cr0
    jmp 3f
3:  mov $0x10, %bx
    mov %bx, %ds
    mov %bx, %es
    and $0xFE, %al
    mov %eax, %cr0
    ret

read_sectors:
    mov $dap, %si
    mov boot_drive, %dl
    mov $0x42, %ah
    int $0x13
    jc disk_error
    ret

disk_error:
    mov $disk_error_msg, %si
    mov $0xE9, %dx
4:  lodsb
    test %al, %al
    jz 5f
    out %al, %dx
    jmp 4b
5:  cli
    hlt
    jmp 5b

    .code32
pm32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    mov $0x36D76289, %eax
    mov $INFO, %ebx
    mov $KERNEL_ADDR, %ecx
    jmp *%ecx

    .balign 8
gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF    /* 0x08: 32-bit code, flat */
    .quad 0x00CF92000000FFFF    /* 0x10: data, flat */
gdt_desc:
    .word gdt_desc - gdt - 1
    .long gdt

dap:
    .byte 16, 0
dap_count: .word 0
dap_off: .word 0
dap_seg: .word 0
dap_lba: .quad 0

dest: .long KERNEL_ADDR
chunk: .word 0
boot_drive: .byte 0
disk_error_msg: .asciz "mbr: disk read error\n"

    .org 0x1FC
kernel_sectors: .word 0         /* patched by the image builder */
    .word 0xAA55

    .section .note.GNU-stack, "", @progbits
