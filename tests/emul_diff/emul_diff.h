/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The emulator's differential oracle: one generated case (instruction
 * bytes, register state, a guest-physical memory image with real 4-level
 * page tables) runs on libvmm's x86 emulator and on Unicorn 2.1.1; the two
 * outcomes are compared and every difference is either explained by a
 * known-difference class (KNOWN_DIFFERENCES.md) or reported with a
 * one-line reproducer.
 */
#ifndef LIBVMM_EMUL_DIFF_H
#define LIBVMM_EMUL_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/x86_insn.h"

#define ED_PAGE 4096u
#define ED_PHYS_PAGES 1024u /* 4 MiB of guest-physical memory on both sides */
#define ED_PHYS_SIZE ((uint64_t)ED_PHYS_PAGES * ED_PAGE)
#define ED_BITMAP_WORDS (ED_PHYS_PAGES / 64)
#define ED_MAX_RECORD 2048u /* choice bytes one case consumes at most */
#define ED_NAME_LEN 24

/* ---- the choice source: a PRNG (recording what it drew) or fuzz input bytes ---- */

struct ed_src {
    uint64_t state;
    const uint8_t *in; /* NULL: PRNG mode */
    size_t len, pos;
    uint8_t record[ED_MAX_RECORD]; /* PRNG mode: the bytes drawn, as a fuzz input */
    size_t recorded;
};

void ed_src_prng(struct ed_src *s, uint64_t seed);
void ed_src_bytes(struct ed_src *s, const uint8_t *data, size_t len);
/* A value in [0, n) from as many bytes as n needs (0 once input bytes run out). */
uint64_t ed_draw(struct ed_src *s, uint64_t n);
/* True with probability num/den. */
bool ed_chance(struct ed_src *s, unsigned num, unsigned den);

/* ---- a case ---- */

struct ed_regs {
    uint64_t gpr[X86_GPR_COUNT];
    uint64_t rip, rflags;
    uint64_t xmm[16][2];
};

struct ed_case {
    struct ed_regs regs;
    uint64_t fs_base, gs_base;
    uint64_t cr0, cr3, cr4, efer, xcr0;
    uint8_t bytes[X86_MAX_INSN_LEN];
    uint8_t len;
    bool raw;                            /* bytes taken from the source as they are */
    char name[ED_NAME_LEN];              /* the generator's instruction name */
    uint32_t max_rep;                    /* emulator's REP iterations per call */
    uint64_t used[ED_BITMAP_WORDS];      /* pages the image defines (others are zero) */
    uint8_t *mem;                        /* ED_PHYS_SIZE bytes: the initial image */
};

/* Allocates / frees a case (its memory image included). */
struct ed_case *ed_case_new(void);
void ed_case_free(struct ed_case *c);

/* Generates the next case from the source into c (64-bit mode, 4-level paging). */
void ed_generate(struct ed_src *s, struct ed_case *c);

/* ---- an outcome, one per side ---- */

enum ed_kind {
    ED_DONE,        /* the instruction completed */
    ED_EXCEPTION,   /* it raised vector (error code, CR2) */
    ED_UNSUPPORTED, /* the emulator does not emulate it */
    ED_FAILED,      /* the side could not run the case (reason in why) */
    ED_NOT_RUN,     /* Unicorn cannot run the case: it would abort, or it restarts forever */
};

struct ed_outcome {
    enum ed_kind kind;
    uint8_t vector;
    bool has_error_code;
    uint32_t error_code;
    uint64_t cr2;
    struct ed_regs regs;
    uint64_t written[ED_BITMAP_WORDS]; /* pages written during the run */
    const uint8_t *mem;                /* the side's memory after the run */
    const char *why;
};

/* Makes a side's memory the case's image, touching only pages in `dirty` or the case. */
void ed_restore_image(uint8_t *mem, uint64_t *dirty, const struct ed_case *c);

/* The Unicorn side: one engine per process, state restored per case. */
struct ed_uc;
struct ed_uc *ed_uc_open(char *err, size_t errlen);
void ed_uc_close(struct ed_uc *u);
/* True when the private error-code offset is usable (version and self-check). */
bool ed_uc_has_error_codes(const struct ed_uc *u);
void ed_uc_run(struct ed_uc *u, const struct ed_case *c, struct ed_outcome *out);

/* The emulator side. */
struct ed_emu;
struct ed_emu *ed_emu_open(void);
void ed_emu_close(struct ed_emu *e);
void ed_emu_run(struct ed_emu *e, const struct ed_case *c, struct ed_outcome *out);

/* ---- comparison ---- */

#define ED_KNOWN_LIST(X)                                                                        \
    X(WALK_FLAGS_ON_FAULT, "accessed/dirty flags of page walks in an instruction that faults") \
    X(UNICORN_TRANSLATES_AHEAD, "Unicorn walks the next code page near a page end (accessed flags)") \
    X(UNICORN_SPLIT_STORE, "Unicorn writes the first half of a 16-byte store whose second page faults") \
    X(UNICORN_MOVBE_REG, "Unicorn executes MOVBE with a register operand (mod = 3)")          \
    X(UNICORN_CMPS_ORDER, "Unicorn checks CMPS's ES:rDI before DS:rSI (no SDM order; Bochs: rSI first)") \
    X(UNICORN_RMW_READ_FAULT, "Unicorn reads a read-modify-write operand first: #PF W/R = 0") \
    X(UNICORN_RESERVED_EXT, "Unicorn executes reserved opcode extensions (8F /1-7, FF /7, C6/C7 /1-7)") \
    X(UNICORN_DECODE_BEFORE_FETCH, "Unicorn raises #UD before the fetch #PF of the rest of the instruction") \
    X(UNICORN_MOVSXD_16, "Unicorn reads 4 bytes for MOVSXD r16, r/m16")                       \
    X(UNICORN_TEST_ALIAS, "Unicorn raises #UD for F6/F7 /1, the alias of TEST r/m, imm")      \
    X(UNICORN_LOCK_IGNORED, "Unicorn executes LOCK on non-lockable or register forms")        \
    X(UNICORN_LOCK_BT_REG_ABORT, "Unicorn aborts on LOCK BT/BTS/BTR/BTC with a register operand") \
    X(UNICORN_MOV_DR_CRASH, "Unicorn crashes on a MOV to DR7 arming a breakpoint: not run")   \
    X(UNICORN_SELF_MODIFYING, "Unicorn restarts an instruction that writes its own code page") \
    X(UNICORN_LOCK_NEG_FLAGS, "Unicorn's LOCK NEG sets the flags of the operand, not the result") \
    X(UNICORN_REX_R_OPCODE_EXT, "Unicorn raises #UD for C6/C7 /0 when REX.R is set")          \
    X(UNICORN_NP_PREFIX, "Unicorn executes MOVNTI with a 66/F2/F3 prefix")                    \
    X(UNICORN_VEX_STATE, "Unicorn executes VEX-encoded SSE without CR4.OSXSAVE and XCR0")     \
    X(UNICORN_NO_AVX, "Unicorn has no AVX: VEX.256 instructions are #UD")                     \
    X(UNICORN_ACCEPTS_UD, "Unicorn executes other encodings the decoder rejects as #UD")      \
    X(UNICORN_SSE_ALIGN, "Unicorn misses #GP(0) for a misaligned MOVDQA/MOVAPS operand")      \
    X(UNICORN_SSE_SPLIT_LOAD, "Unicorn's faulting 16-byte load leaves 8 bytes in the register") \
    X(UNICORN_STACK_CANONICAL, "Unicorn raises #GP(0), not #SS(0), for a non-canonical stack access") \
    X(UNICORN_NULL_SEG_PREFIX, "Unicorn lets a later CS/DS/ES/SS prefix cancel FS/GS in 64-bit mode") \
    X(UNICORN_CMPXCHG32_RAX, "Unicorn's 32-bit CMPXCHG that succeeds zero-extends RAX")        \
    X(UNICORN_CANONICAL_SPAN, "Unicorn checks only an access's first byte for canonical form") \
    X(UNICORN_LONG_INSN, "Unicorn executes an instruction longer than 15 bytes")

enum ed_known {
#define ED_KNOWN_ENUM(id, text) ED_KNOWN_##id,
    ED_KNOWN_LIST(ED_KNOWN_ENUM)
#undef ED_KNOWN_ENUM
    ED_KNOWN_COUNT
};

enum ed_verdict {
    ED_SAME,        /* identical (undefined flags masked) */
    ED_EXPLAINED,   /* differs, by a known difference (class in known) */
    ED_SKIPPED,     /* not comparable: the emulator does not support it */
    ED_DIFFERENT,   /* an unexplained difference: a bug on one side */
};

struct ed_compare {
    enum ed_verdict verdict;
    enum ed_known known;
    char detail[256]; /* what differs, first difference */
};

/* An instruction's prefixes and opcode, read from its bytes (also where decoding fails). */
struct ed_opcode {
    bool lock, opsize, rep, repne, vex;
    uint8_t rex;
    unsigned map;   /* enum x86_map */
    uint8_t opcode;
    bool has_modrm; /* a byte follows the opcode */
    uint8_t modrm;
};
void ed_scan_opcode(const uint8_t *bytes, unsigned len, struct ed_opcode *o);

/* RFLAGS bits the instruction leaves undefined (never compared). */
uint64_t ed_undefined_flags(const struct x86_insn *insn);

void ed_compare(const struct ed_case *c, const struct ed_outcome *emu, const struct ed_outcome *uc,
                struct ed_compare *r);

const char *ed_known_name(enum ed_known k);
const char *ed_known_text(enum ed_known k);

/* Prints "bytes ... | name | detail" for a case (a reproducer line). */
void ed_format_case(const struct ed_case *c, char *buf, size_t len);

/* ---- a whole run (test, big run and fuzz harness share it) ---- */

struct ed_stats {
    uint64_t cases, same, skipped, different;
    uint64_t explained[ED_KNOWN_COUNT];
    uint64_t emu_exceptions[32], uc_exceptions[32];
    uint64_t unsupported_by_opcode[4][256]; /* [map][opcode] */
};

struct ed_runner {
    struct ed_uc *uc;
    struct ed_emu *emu;
    struct ed_case *c;
    struct ed_outcome out_emu, out_uc;
    struct ed_compare cmp;
    struct ed_stats stats;
};

int ed_runner_open(struct ed_runner *r, char *err, size_t errlen);
void ed_runner_close(struct ed_runner *r);
/* Runs the case in r->c on both sides and compares; returns the verdict. */
enum ed_verdict ed_runner_run(struct ed_runner *r);
/* Prints the per-class counts. */
void ed_stats_print(const struct ed_stats *s, void *file);

#endif /* LIBVMM_EMUL_DIFF_H */
