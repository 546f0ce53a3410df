/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The exit_handlers harness's input: a 4-byte header, then guest code.
 *
 *   byte 0  flags (EH_F_*): profile, EPT, control choices, HLT policy
 *   byte 1  MSRs whose RDMSR/WRMSR pass through (bit i: eh_msrs[i])
 *   byte 2  port groups that pass through the I/O bitmap (bit i: eh_ports[i])
 *   byte 3  instructions per entry - 1 before the VMX-preemption timer
 *           expires: (byte + 1) >> X ticks, at least 1 (a tick is 2^X instructions)
 *   rest    guest code, at most EH_MAX_CODE bytes, loaded at EH_ENTRY
 *   byte EH_MODE_AT (right after the longest code, optional): the mode
 *           the guest starts in (EH_MODE_*, modulo EH_MODE_COUNT); absent
 *           in shorter inputs, which start in 64-bit mode
 *
 * Every byte string decodes: short headers read as zero, bytes past the
 * mode byte are cut. Real and 32-bit protected mode (no paging) need
 * "unrestricted guest", hence EPT: they turn EH_F_EPT on, and run in
 * 64-bit mode on a profile without unrestricted guest.
 */
#ifndef LIBVMM_FUZZ_EXIT_HANDLERS_INPUT_H
#define LIBVMM_FUZZ_EXIT_HANDLERS_INPUT_H

#include <stdint.h>

enum {
    EH_F_MODERN = 1u << 0,       /* profile "modern", else "bochs-skylake-x" */
    EH_F_EPT = 1u << 1,          /* EPT on, with an MMIO hole at EH_MMIO_GPA */
    EH_F_NO_HLT_EXIT = 1u << 2,  /* clear HLT exiting (where allowed) */
    EH_F_RDTSC_EXIT = 1u << 3,   /* set RDTSC exiting */
    EH_F_CR3_LOAD_EXIT = 1u << 4, /* set CR3-load exiting (where allowed) */
    EH_F_UNCOND_IO = 1u << 5,    /* unconditional I/O exiting instead of the bitmaps */
    EH_F_HLT_RESUME = 1u << 6,   /* HLT policy: resume, else stop */
    EH_F_TWICE = 1u << 7,        /* always run twice (determinism), not only sampled */
};

#define EH_HEADER 4u
#define EH_MAX_CODE 256u
#define EH_ENTRY 0x10000ull    /* guest code; the stack grows down from here */
#define EH_MMIO_GPA 0x800000ull /* above the 4 MiB of guest RAM */
#define EH_MODE_AT (EH_HEADER + EH_MAX_CODE)

/* The mode the guest starts in; the same code bytes, decoded as that mode decodes them. */
enum {
    EH_MODE_64,     /* vmm_vm_create's 64-bit guest */
    EH_MODE_COMPAT, /* compatibility mode: IA-32e with a 32-bit CS, same paging */
    EH_MODE_PROT32, /* 32-bit protected mode, flat, paging off (unrestricted guest) */
    EH_MODE_REAL,   /* real mode, CS:IP = 1000H:0 (unrestricted guest) */
    EH_MODE_COUNT,
};

/* MSRs byte 1 can pass through: TSC, APIC base, SYSENTER_CS, PAT, EFER, FS base, KGS base, STAR. */
static const uint32_t eh_msrs[8] = {0x10,       0x1b,       0x174,      0x277,
                                    0xc0000080, 0xc0000100, 0xc0000102, 0xc0000081};
/* Port groups byte 2 can pass through: {first, count}. */
static const uint16_t eh_ports[8][2] = {{0x80, 1}, {0x3f8, 8}, {0x60, 1}, {0x64, 1},
                                        {0x70, 2}, {0xe9, 1},  {0xcf8, 8}, {0x2f8, 8}};

#endif
