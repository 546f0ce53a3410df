/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The x86 instruction emulator: performs one guest instruction that the
 * hypervisor must carry out itself, above all a memory access that hit an
 * MMIO page (an EPT violation gives only the address). It talks to the
 * world only through the memory operations below, each with a contract,
 * and through the register state it is given.
 *
 * An emulation is all-or-nothing towards the guest: every translation,
 * segment check and permission check of an instruction happens before its
 * first write, so an instruction that faults has changed neither registers
 * nor memory (REP string instructions commit completed iterations, as the
 * processor does). Instructions outside the supported set come back as
 * X86_EMUL_UNSUPPORTED with their bytes, never guessed at. A memory
 * callback that refuses part-way through an instruction (the second page
 * of a split access, the write after a device read) cannot undo what the
 * earlier callbacks did; X86_EMUL_MEM_FAILED says where.
 *
 * CPL is SS.DPL (the VMCS keeps it there), 0 in real mode and 3 in
 * virtual-8086 mode. LOCK is honoured as a single read-modify-write by
 * this vCPU, not as atomicity against other vCPUs. Completion clears
 * RFLAGS.RF; single-step (#DB on TF) and data breakpoints after the
 * instruction are the caller's to deliver. The supported instruction
 * list is core/emul/README.md.
 */
#ifndef VMM_X86_EMUL_H
#define VMM_X86_EMUL_H

#include "vmm/paging.h"
#include "vmm/types.h"
#include "vmm/x86_insn.h"

/* A segment register with its hidden part, access rights in the VMCS format. */
struct x86_segment {
    uint16_t selector;
    uint64_t base;
    uint32_t limit; /* byte granular (G already applied) */
    uint32_t ar;    /* VMCS access-rights layout; bit 16 = unusable */
};

union x86_vec {
    uint8_t b[32];
    uint64_t q[4];
}; /* YMM; XMM is the low 16 bytes */

/* The guest's processor state as the emulator sees it. */
struct x86_cpu_state {
    uint64_t gpr[X86_GPR_COUNT]; /* enum x86_gpr order */
    uint64_t rip;
    uint64_t rflags;
    struct x86_segment seg[X86_SEG_COUNT]; /* enum x86_seg_reg order */
    uint64_t cr0, cr2, cr3, cr4, efer;
    uint64_t xcr0;      /* XCR0: VEX-encoded instructions need SSE and AVX state enabled */
    uint32_t pkru, pkrs;
    uint64_t pdpte[4];  /* PAE paging */
    uint8_t maxphyaddr; /* guest physical-address width */
    bool gbpages;
    union x86_vec vec[16];
};

/*
 * Guest-physical memory. `read`/`write` move `size` bytes (1..32) that lie
 * within one 4 KiB page at `gpa`; the callback decides whether it is RAM or
 * a device (MMIO) and returns 0 or a negative status of its own, which
 * ends the emulation with X86_EMUL_MEM_FAILED. Paging-structure accesses
 * of the guest page walk go through the same callbacks (8 or 4 bytes).
 */
struct x86_emul_mem {
    int (*read)(void *ctx, vmm_gpa_t gpa, void *buf, unsigned size);
    int (*write)(void *ctx, vmm_gpa_t gpa, const void *buf, unsigned size);
    void *ctx;
};

struct x86_emul_options {
    uint32_t max_rep_iterations; /* per call; 0 means 1. The rest resumes by re-executing. */
    /*
     * A translation the processor made for this instruction's data access
     * and reported with the exit, e.g. an EPT violation whose qualification
     * says the guest-linear address is valid and the access was to its
     * final translation: guest paging allowed that access, so data accesses
     * to the linear page of `gla` use the physical page of `gpa` without a
     * guest page walk. With `gla_write` false (the exit was a read) only
     * reads use it. Segmentation, alignment and every other page are checked
     * as usual; instruction fetch always walks.
     */
    bool has_gla;
    bool gla_write;
    uint64_t gla;
    vmm_gpa_t gpa;
};

enum x86_emul_outcome {
    X86_EMUL_DONE,        /* performed: registers, RIP and memory updated */
    X86_EMUL_EXCEPTION,   /* inject vector/error_code (CR2 for #PF); state unchanged but
                           * for the iterations a REP instruction completed before it */
    X86_EMUL_UNSUPPORTED, /* not in the emulated set: bytes and reason returned */
    X86_EMUL_MEM_FAILED,  /* a memory callback refused (mem_status, mem_gpa) */
};

struct x86_emul_result {
    enum x86_emul_outcome outcome;
    struct x86_insn insn;   /* as decoded (valid when decoding succeeded) */
    uint8_t bytes[X86_MAX_INSN_LEN];
    uint8_t nbytes;         /* bytes fetched */
    /* X86_EMUL_EXCEPTION */
    uint8_t vector;
    bool has_error_code;
    uint32_t error_code;
    uint64_t cr2;
    /* X86_EMUL_DONE with a REP prefix: iterations left; RIP stays on the instruction
     * and emulating it again continues (max_rep_iterations more at most) */
    bool rep_incomplete;
    /* X86_EMUL_MEM_FAILED */
    int mem_status;
    vmm_gpa_t mem_gpa;
    const char *why;        /* a short English reason for anything but DONE */
};

/*
 * Fetches, decodes and performs the instruction at CS:RIP of *st, reading
 * the instruction bytes through the guest's segmentation and paging.
 * Returns 0 with the outcome in *res, or VMM_E_INVAL for a bad argument.
 */
int x86_emulate(struct x86_cpu_state *st, const struct x86_emul_mem *mem,
                const struct x86_emul_options *opt, struct x86_emul_result *res);

/*
 * The same with the instruction bytes already known (a VM exit that
 * provided them, or a test): `bytes` must be the instruction at CS:RIP.
 */
int x86_emulate_bytes(struct x86_cpu_state *st, const struct x86_emul_mem *mem,
                      const struct x86_emul_options *opt, const uint8_t *bytes, size_t n,
                      struct x86_emul_result *res);

/* The decoder mode that *st executes in (from CR0.PE, RFLAGS.VM, EFER.LMA, CS.L, CS.D). */
enum x86_mode x86_state_mode(const struct x86_cpu_state *st);

#endif /* VMM_X86_EMUL_H */
