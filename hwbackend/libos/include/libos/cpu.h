/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small wrappers around privileged x86-64 instructions, and the layout of
 * the kernel's descriptor tables (the VMX host state refers to them).
 */
#ifndef LIBOS_CPU_H
#define LIBOS_CPU_H

#include <stdint.h>

/* The kernel's GDT: selectors (RPL 0). TR is always non-zero: VM entry
 * rejects a host TR selector of 0. */
#define LIBOS_SEL_CODE64 0x08u
#define LIBOS_SEL_DATA 0x10u
#define LIBOS_SEL_CODE32 0x18u
#define LIBOS_SEL_TSS 0x20u /* a 64-bit TSS, two GDT slots */

struct libos_dtr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/* Linear bases of the kernel's GDT, IDT and TSS. */
uint64_t libos_gdt_base(void);
uint64_t libos_idt_base(void);
uint64_t libos_tss_base(void);

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value),
                     "d"((uint32_t)(value >> 32))
                     : "memory");
}

static inline void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *eax,
                         uint32_t *ebx, uint32_t *ecx, uint32_t *edx)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
                     : "a"(leaf), "c"(subleaf));
    if (eax) *eax = a;
    if (ebx) *ebx = b;
    if (ecx) *ecx = c;
    if (edx) *edx = d;
}

#define LIBOS_DEFINE_CR(n)                                                     \
    static inline uint64_t read_cr##n(void)                                    \
    {                                                                          \
        uint64_t v;                                                            \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                      \
        return v;                                                              \
    }                                                                          \
    static inline void write_cr##n(uint64_t v)                                 \
    {                                                                          \
        __asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory");               \
    }
LIBOS_DEFINE_CR(0)
LIBOS_DEFINE_CR(2)
LIBOS_DEFINE_CR(3)
LIBOS_DEFINE_CR(4)
#undef LIBOS_DEFINE_CR

static inline uint64_t read_rflags(void)
{
    uint64_t v;
    __asm__ volatile("pushfq; pop %0" : "=r"(v));
    return v;
}

static inline void sgdt(struct libos_dtr *d) { __asm__ volatile("sgdt %0" : "=m"(*d)); }
static inline void sidt(struct libos_dtr *d) { __asm__ volatile("sidt %0" : "=m"(*d)); }

static inline uint16_t str(void)
{
    uint16_t v;
    __asm__ volatile("str %0" : "=r"(v));
    return v;
}

#define LIBOS_DEFINE_SEG_READ(seg)                                             \
    static inline uint16_t read_##seg(void)                                    \
    {                                                                          \
        uint16_t v;                                                            \
        __asm__ volatile("mov %%" #seg ", %0" : "=r"(v));                      \
        return v;                                                              \
    }
LIBOS_DEFINE_SEG_READ(cs)
LIBOS_DEFINE_SEG_READ(ds)
LIBOS_DEFINE_SEG_READ(es)
LIBOS_DEFINE_SEG_READ(ss)
LIBOS_DEFINE_SEG_READ(fs)
LIBOS_DEFINE_SEG_READ(gs)
#undef LIBOS_DEFINE_SEG_READ

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void invlpg(const void *va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }
static inline void cpu_pause(void) { __asm__ volatile("pause"); }
static inline void cpu_hlt(void) { __asm__ volatile("hlt"); }
static inline void cpu_cli(void) { __asm__ volatile("cli" ::: "memory"); }

#define LIBOS_MSR_EFER 0xC0000080u
#define LIBOS_MSR_PAT 0x00000277u
#define LIBOS_MSR_FS_BASE 0xC0000100u
#define LIBOS_MSR_GS_BASE 0xC0000101u

#endif
