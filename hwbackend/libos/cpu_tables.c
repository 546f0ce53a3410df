/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel's GDT (64-bit code, data, 32-bit code, a 64-bit TSS), the
 * TSS with separate stacks for #DF, NMI and #MC, and the IDT (all 256
 * vectors; interrupts stay disabled, but INT n and stray events are
 * reported instead of ending in #GP). The VMX host state refers to all three.
 */
#include <stddef.h>
#include <stdint.h>

#include "libos/cpu.h"
#include "libos_internal.h"

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

enum { IST_DOUBLE_FAULT = 1, IST_NMI = 2, IST_MACHINE_CHECK = 3, IST_COUNT = 3 };
#define IST_STACK_SIZE 8192
#define GATE_INTERRUPT_PRESENT 0x8E /* P, DPL 0, 64-bit interrupt gate */
#define TSS_AVAILABLE_PRESENT 0x89

static uint64_t gdt[7] __attribute__((aligned(16))) = {
    0,
    0x00AF9A000000FFFFull, /* LIBOS_SEL_CODE64 */
    0x00CF92000000FFFFull, /* LIBOS_SEL_DATA */
    0x00CF9A000000FFFFull, /* LIBOS_SEL_CODE32 */
    0, 0,                  /* LIBOS_SEL_TSS, filled at init */
    0,
};
static struct tss64 tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint8_t ist_stacks[IST_COUNT][IST_STACK_SIZE] __attribute__((aligned(16)));

extern const uint64_t libos_trap_stubs[32];
extern const char libos_trap_stubs_32[]; /* 16 bytes per vector 32-255 */

uint64_t libos_gdt_base(void) { return (uint64_t)(uintptr_t)gdt; }
uint64_t libos_idt_base(void) { return (uint64_t)(uintptr_t)idt; }
uint64_t libos_tss_base(void) { return (uint64_t)(uintptr_t)&tss; }

static void set_tss_descriptor(void)
{
    uint64_t base = libos_tss_base();
    uint64_t limit = sizeof(tss) - 1;
    gdt[LIBOS_SEL_TSS / 8] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
                             ((uint64_t)TSS_AVAILABLE_PRESENT << 40) |
                             (((limit >> 16) & 0xF) << 48) |
                             (((base >> 24) & 0xFF) << 56);
    gdt[LIBOS_SEL_TSS / 8 + 1] = base >> 32;
}

static void set_gate(unsigned vector, uint64_t handler, uint8_t ist)
{
    idt[vector] = (struct idt_gate){
        .offset_low = (uint16_t)handler,
        .selector = LIBOS_SEL_CODE64,
        .ist = ist,
        .type_attr = GATE_INTERRUPT_PRESENT,
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_high = (uint32_t)(handler >> 32),
    };
}

static uint8_t ist_for_vector(unsigned vector)
{
    switch (vector) {
    case 2: return IST_NMI;
    case 8: return IST_DOUBLE_FAULT;
    case 18: return IST_MACHINE_CHECK;
    default: return 0;
    }
}

void libos_cpu_tables_init(void)
{
    for (unsigned i = 0; i < IST_COUNT; i++)
        tss.ist[i] = (uint64_t)(uintptr_t)(ist_stacks[i] + IST_STACK_SIZE);
    tss.iomap_base = sizeof(tss); /* no I/O permission bitmap */
    set_tss_descriptor();
    for (unsigned v = 0; v < 32; v++) set_gate(v, libos_trap_stubs[v], ist_for_vector(v));
    for (unsigned v = 32; v < 256; v++)
        set_gate(v, (uint64_t)(uintptr_t)(libos_trap_stubs_32 + 16 * (v - 32)), 0);

    struct libos_dtr gdtr = {sizeof(gdt) - 1, libos_gdt_base()};
    struct libos_dtr idtr = {sizeof(idt) - 1, libos_idt_base()};
    __asm__ volatile("lgdt %0" ::"m"(gdtr) : "memory");
    /* Reload CS with a far return, then the data segments and TR. */
    __asm__ volatile("pushq %[cs]\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "mov %[ds], %%eax\n\t"
                     "mov %%eax, %%ds\n\t"
                     "mov %%eax, %%es\n\t"
                     "mov %%eax, %%ss\n\t"
                     "ltr %w[tr]"
                     :
                     : [cs] "i"(LIBOS_SEL_CODE64), [ds] "i"(LIBOS_SEL_DATA),
                       [tr] "r"((uint16_t)LIBOS_SEL_TSS)
                     : "rax", "memory");
    __asm__ volatile("lidt %0" ::"m"(idtr) : "memory");
    /* The BIOS leaves the 8259 PICs delivering IRQs on vectors 8-15, which
     * are exceptions in protected mode: mask them all (IF stays 0 too). */
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
}
