/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seeds for the exit_handlers harness: a header (exit_handlers_input.h)
 * and a few hand-assembled 64-bit instructions that reach each standard
 * handler - CPUID, port I/O, MSRs, HLT, hypercalls, CR3, RDTSC, MMIO,
 * exceptions, XSETBV, INVLPG - plus an endless loop the preemption timer
 * has to end; and a few guests starting in compatibility, 32-bit protected
 * (paging off) and real mode, whose code is padded with HLT to EH_MAX_CODE
 * so that the mode byte follows it.
 *
 *   bazel run //fuzz:exit_handlers_seedgen [-- OUT_DIR]
 */
#include <stdio.h>
#include <string.h>

#include "exit_handlers_input.h"
#include "seedgen.h"

struct seed {
    const char *name;
    uint8_t hdr[EH_HEADER];
    uint8_t len;
    uint8_t code[64];
    uint8_t mode; /* EH_MODE_*; EH_MODE_64 writes no mode byte */
};

#define HLT 0xf4
#define BOCHS 0
#define MODERN EH_F_MODERN
#define SEED(n, f, msrs, ports, timer, ...)                                                        \
    {n, {f, msrs, ports, timer}, sizeof((uint8_t[]){__VA_ARGS__}), {__VA_ARGS__}, EH_MODE_64}
#define SEED_IN(mode, n, f, timer, ...)                                                            \
    {n, {f, 0, 0, timer}, sizeof((uint8_t[]){__VA_ARGS__}), {__VA_ARGS__}, mode}

static const struct seed seeds[] = {
    /* xor eax,eax; cpuid; mov eax,1; cpuid; mov eax,0x40000001; cpuid; hlt */
    SEED("cpuid", BOCHS, 0, 0, 63, 0x31, 0xc0, 0x0f, 0xa2, 0xb8, 1, 0, 0, 0, 0x0f, 0xa2, 0xb8, 1, 0,
         0, 0x40, 0x0f, 0xa2, HLT),
    /* mov dx,3F8H; mov al,'A'; out dx,al; add dx,5; in al,dx; hlt */
    SEED("out_3f8", MODERN, 0, 0, 63, 0x66, 0xba, 0xf8, 0x03, 0xb0, 0x41, 0xee, 0x66, 0x83, 0xc2,
         0x05, 0xec, HLT),
    /* in al,60H (no device); in eax,dx with dx=E9H; out 80H,al; hlt */
    SEED("in_unbacked", BOCHS, 0, 0, 63, 0xe4, 0x60, 0x66, 0xba, 0xe9, 0x00, 0xed, 0xe6, 0x80, HLT),
    /* the same with 80H and 60H passed through the I/O bitmap */
    SEED("io_passthrough", MODERN, 0, 0x05, 63, 0xe4, 0x60, 0xe6, 0x80, 0xe6, 0xe9, HLT),
    /* out 80H,al; out E9H,al under unconditional I/O exiting */
    SEED("io_unconditional", MODERN | EH_F_UNCOND_IO, 0, 0, 63, 0xe6, 0x80, 0xb0, 0x21, 0xe6, 0xe9,
         HLT),
    /* mov ecx,1BH; rdmsr; mov ecx,277H; rdmsr; wrmsr; mov ecx,-1; rdmsr (#GP); hlt */
    SEED("rdmsr_wrmsr", BOCHS, 0, 0, 63, 0xb9, 0x1b, 0, 0, 0, 0x0f, 0x32, 0xb9, 0x77, 0x02, 0, 0,
         0x0f, 0x32, 0x0f, 0x30, 0xb9, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x32, HLT),
    /* every chosen MSR passed through: rdmsr/wrmsr of PAT and TSC exit no more */
    SEED("msr_passthrough", MODERN, 0xff, 0, 63, 0xb9, 0x77, 0x02, 0, 0, 0x0f, 0x32, 0x0f, 0x30,
         0xb9, 0x10, 0, 0, 0, 0x0f, 0x32, 0x0f, 0x30, HLT),
    SEED("hlt", BOCHS, 0, 0, 0, HLT),
    /* hlt; jmp hlt - HLT policy resume: the exit budget ends it */
    SEED("hlt_resume_loop", MODERN | EH_F_HLT_RESUME, 0, 0, 63, HLT, 0xeb, 0xfd),
    /* no HLT exiting: sti; hlt idles to the timer; jmp back */
    SEED("hlt_idle", BOCHS | EH_F_NO_HLT_EXIT, 0, 0, 3, 0xfb, HLT, 0xeb, 0xfd),
    /* xor eax,eax; vmcall (version); mov eax,1; mov ebx,entry; mov ecx,4; vmcall (print);
       mov eax,7; vmcall (nosys); mov eax,2; mov ebx,5; vmcall (exit) */
    SEED("vmcall", MODERN, 0, 0, 63, 0x31, 0xc0, 0x0f, 0x01, 0xc1, 0xb8, 1, 0, 0, 0, 0xbb, 0x00,
         0x00, 0x01, 0x00, 0xb9, 4, 0, 0, 0, 0x0f, 0x01, 0xc1, 0xb8, 7, 0, 0, 0, 0x0f, 0x01, 0xc1,
         0xb8, 2, 0, 0, 0, 0xbb, 5, 0, 0, 0, 0x0f, 0x01, 0xc1, HLT),
    /* mov rax,cr3; mov cr3,rax; mov rax,cr0; mov cr0,rax; mov rax,cr4; mov cr4,rax; hlt */
    SEED("mov_cr3", BOCHS | EH_F_CR3_LOAD_EXIT, 0, 0, 63, 0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8, 0x0f,
         0x20, 0xc0, 0x0f, 0x22, 0xc0, 0x0f, 0x20, 0xe0, 0x0f, 0x22, 0xe0, HLT),
    SEED("mov_cr3_ept", MODERN | EH_F_EPT | EH_F_CR3_LOAD_EXIT, 0, 0, 63, 0x0f, 0x20, 0xd8, 0x0f,
         0x22, 0xd8, HLT),
    /* mov rax,cr0; btr rax,31; mov cr0,rax (paging off in long mode: #GP); hlt */
    SEED("cr0_paging_off", MODERN, 0, 0, 63, 0x0f, 0x20, 0xc0, 0x48, 0x0f, 0xba, 0xf0, 0x1f, 0x0f,
         0x22, 0xc0, HLT),
    /* rdtsc; rdtsc; rdtscp; hlt */
    SEED("rdtsc_exiting", MODERN | EH_F_RDTSC_EXIT, 0, 0, 63, 0x0f, 0x31, 0x0f, 0x31, 0x0f, 0x01,
         0xf9, HLT),
    SEED("rdtsc", BOCHS, 0, 0, 63, 0x0f, 0x31, 0x0f, 0x31, HLT),
    /* mov eax,800000H; mov eax,[rax] (the MMIO hole); mov [rax],eax; hlt */
    SEED("mmio", MODERN | EH_F_EPT, 0, 0, 63, 0xb8, 0x00, 0x00, 0x80, 0x00, 0x8b, 0x00, 0x89, 0x00,
         HLT),
    SEED("mmio_bochs", BOCHS | EH_F_EPT, 0, 0, 63, 0xb8, 0x00, 0x00, 0x80, 0x00, 0x89, 0x00, HLT),
    SEED("int3", BOCHS, 0, 0, 63, 0xcc, HLT),
    SEED("ud2", MODERN, 0, 0, 63, 0x0f, 0x0b),
    /* push 0; push 0; lidt [rsp] (limit 0); ud2: triple fault */
    SEED("triple_fault", MODERN, 0, 0, 63, 0x6a, 0x00, 0x6a, 0x00, 0x0f, 0x01, 0x1c, 0x24, 0x0f,
         0x0b),
    /* xor ecx,ecx; xor edx,edx; mov eax,7; xsetbv; invlpg [rax]; hlt */
    SEED("xsetbv_invlpg", MODERN | EH_F_EPT, 0, 0, 63, 0x31, 0xc9, 0x31, 0xd2, 0xb8, 7, 0, 0, 0,
         0x0f, 0x01, 0xd1, 0x0f, 0x01, 0x38, HLT),
    /* inc eax; inc ebx; inc ecx; rdtsc; jmp back: timer exits land all over the loop */
    SEED("timer_phase", MODERN | EH_F_TWICE, 0, 0, 6, 0xff, 0xc0, 0xff, 0xc3, 0xff, 0xc1, 0x0f,
         0x31, 0xeb, 0xf6),
    /* jmp $ - only the preemption timer ends it (checked twice) */
    SEED("infinite_loop", BOCHS | EH_F_TWICE, 0, 0, 15, 0xeb, 0xfe),
    SEED("infinite_loop_ept", MODERN | EH_F_EPT | EH_F_TWICE, 0, 0, 255, 0xeb, 0xfe),
    /* 32-bit code: xor eax,eax; cpuid; mov dx,3F8H; mov al,'C'; out dx,al; in al,60H; hlt */
    SEED_IN(EH_MODE_COMPAT, "compat_cpuid_io", MODERN, 63, 0x31, 0xc0, 0x0f, 0xa2, 0x66, 0xba,
            0xf8, 0x03, 0xb0, 0x43, 0xee, 0xe4, 0x60, HLT),
    /* mov eax,cr0; mov cr0,eax; mov eax,cr3; mov cr3,eax; hlt */
    SEED_IN(EH_MODE_COMPAT, "compat_mov_cr", BOCHS | EH_F_CR3_LOAD_EXIT, 63, 0x0f, 0x20, 0xc0,
            0x0f, 0x22, 0xc0, 0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8, HLT),
    /* mov eax,2; mov ebx,5; vmcall (exit) */
    SEED_IN(EH_MODE_COMPAT, "compat_vmcall_exit", BOCHS, 63, 0xb8, 2, 0, 0, 0, 0xbb, 5, 0, 0, 0,
            0x0f, 0x01, 0xc1),
    /* the compat_cpuid_io code, paging off */
    SEED_IN(EH_MODE_PROT32, "prot32_cpuid_io", MODERN | EH_F_EPT, 63, 0x31, 0xc0, 0x0f, 0xa2, 0x66,
            0xba, 0xf8, 0x03, 0xb0, 0x43, 0xee, 0xe4, 0x60, HLT),
    /* mov eax,800000H; mov eax,[eax] (the MMIO hole); mov [eax],eax; hlt */
    SEED_IN(EH_MODE_PROT32, "prot32_mmio", BOCHS | EH_F_EPT, 63, 0xb8, 0x00, 0x00, 0x80, 0x00, 0x8b,
            0x00, 0x89, 0x00, HLT),
    /* mov eax,cr0; and eax,-2; mov cr0,eax (to real mode); hlt */
    SEED_IN(EH_MODE_PROT32, "prot32_to_real", MODERN | EH_F_EPT, 63, 0x0f, 0x20, 0xc0, 0x83, 0xe0,
            0xfe, 0x0f, 0x22, 0xc0, HLT),
    /* 16-bit code: xor ax,ax; cpuid; mov dx,3F8H; mov al,'R'; out dx,al; out 80H,al; hlt */
    SEED_IN(EH_MODE_REAL, "real_cpuid_io", MODERN | EH_F_EPT, 63, 0x31, 0xc0, 0x0f, 0xa2, 0xba,
            0xf8, 0x03, 0xb0, 0x52, 0xee, 0xe6, 0x80, HLT),
    /* mov eax,cr0; or al,1; mov cr0,eax (to protected mode); hlt */
    SEED_IN(EH_MODE_REAL, "real_to_protected", BOCHS | EH_F_EPT, 63, 0x0f, 0x20, 0xc0, 0x0c, 0x01,
            0x0f, 0x22, 0xc0, HLT),
    /* push ax; pop bx; pushf; popf; inc cx; jmp back - the timer ends it (checked twice) */
    SEED_IN(EH_MODE_REAL, "real_stack_loop", BOCHS | EH_F_EPT | EH_F_TWICE, 31, 0x50, 0x5b, 0x9c,
            0x9d, 0x41, 0xeb, 0xf9),
};

int main(int argc, char **argv)
{
    struct seedgen g;
    seedgen_init(&g, argc, argv, "exit_handlers", 0);
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        uint8_t buf[EH_MODE_AT + 1];
        size_t size = EH_HEADER + seeds[i].len;
        memcpy(buf, seeds[i].hdr, EH_HEADER);
        memset(buf + EH_HEADER, HLT, EH_MAX_CODE);
        memcpy(buf + EH_HEADER, seeds[i].code, seeds[i].len);
        if (seeds[i].mode != EH_MODE_64) {
            buf[EH_MODE_AT] = seeds[i].mode;
            size = EH_MODE_AT + 1;
        }
        seedgen_write(&g, seeds[i].name, buf, size);
    }
    printf("%u seeds written to %s\n", g.written, g.dir);
    return 0;
}
