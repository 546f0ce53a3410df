/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A guest for the emulator's tests: 1 MiB of RAM at GPA 0 with 4-level
 * page tables that identity-map it, an MMIO window at T_MMIO_GPA (GVA the
 * same) whose accesses are logged, an injectable failure, and processor
 * states for each mode. The paging structures live at 0xe0000..0xf0000.
 */
#ifndef VMM_EMUL_TESTING_H
#define VMM_EMUL_TESTING_H

#include "vmm/x86_emul.h"

#define T_RAM_SIZE (1u << 20)
#define T_MMIO_GPA 0xfee00000ull
#define T_MMIO_SIZE 0x2000u
#define T_CODE 0x10000ull /* a free page for instructions */
#define T_MAX_LOG 64

/* Leaf flags for t_map. */
#define T_P 1ull
#define T_RW 2ull
#define T_US 4ull
#define T_XD (1ull << 63)

struct t_access {
    bool write;
    vmm_gpa_t gpa;
    unsigned size;
    uint8_t bytes[32];
};

struct t_guest {
    uint8_t ram[T_RAM_SIZE];
    uint8_t mmio[T_MMIO_SIZE];
    struct t_access log[T_MAX_LOG]; /* MMIO accesses in order */
    unsigned nlog;
    unsigned ram_writes;            /* writes to RAM (data and paging structures) */
    vmm_gpa_t fail_gpa;             /* an access touching it fails with fail_rc (if nonzero) */
    int fail_rc;
    vmm_gpa_t next_table;
    uint32_t max_rep;               /* options.max_rep_iterations for t_run */
};

extern struct t_guest tg;

/* Clears the guest; the states below then identity-map RAM and the MMIO window. */
void t_reset(void);
struct x86_emul_mem t_mem(void);

/* 4-level paging: maps the 4 KiB page at gva to gpa with `flags` (T_P not implied). */
void t_map(const struct x86_cpu_state *st, vmm_gva_t gva, vmm_gpa_t gpa, uint64_t flags);

struct x86_cpu_state t_state64(void);   /* 64-bit, CPL 0, paging, SSE and AVX enabled */
struct x86_cpu_state t_state32(void);   /* flat 32-bit protected mode, no paging */
struct x86_cpu_state t_state16(void);   /* 16-bit protected mode, flat 64 KiB segments */
struct x86_cpu_state t_state_real(void); /* real mode, every selector 0 */
struct x86_cpu_state t_state_vm86(void);

/* Sets a segment's cache: base, limit, access rights. */
void t_seg(struct x86_cpu_state *st, unsigned seg, uint64_t base, uint32_t limit, uint32_t ar);

/* Data-segment access rights: read/write data, present, 32-bit, DPL 0. */
#define T_AR_DATA 0xc093u
#define T_AR_CODE32 0xc09bu
#define T_AR_CODE64 0xa09bu
#define T_AR_UNUSABLE 0x10000u

/* Guest memory at a GPA (RAM or the MMIO backing). */
uint64_t t_peek(vmm_gpa_t gpa, unsigned size);
void t_poke(vmm_gpa_t gpa, unsigned size, uint64_t value);

/* x86_emulate_bytes on the given bytes; asserts the call itself succeeded. */
struct x86_emul_result t_run_bytes(struct x86_cpu_state *st, const uint8_t *b, size_t n);
/* Writes the bytes at GPA `rip`, sets RIP and runs x86_emulate (fetch through CS and paging). */
struct x86_emul_result t_run_fetch(struct x86_cpu_state *st, uint64_t rip, const uint8_t *b,
                                   size_t n);

#define T_BYTES(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})
#define RUN(st, ...) t_run_bytes((st), T_BYTES(__VA_ARGS__))

/* Assertions on a result. */
void t_expect_done(const struct x86_emul_result *r);
void t_expect_exception(const struct x86_emul_result *r, unsigned vector, uint32_t error_code);

#endif
