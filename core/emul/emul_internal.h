/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pieces of the instruction emulator shared by its files: the per-call
 * context, guest memory access (emul_mem.c), register and operand access
 * (emul_operand.c), arithmetic and flags (emul_flags.c), the handlers of
 * each instruction family and the dispatch table (emul_table.c).
 *
 * Every function that can end the emulation returns an `int`: 0 to go on,
 * EMUL_STOP when it has filled the result (exception, unsupported, memory
 * failure) and the handler must return at once.
 */
#ifndef VMM_EMUL_INTERNAL_H
#define VMM_EMUL_INTERNAL_H

#include "vmm/x86_emul.h"

#define EMUL_STOP 1

/* Exception vectors the emulator raises. */
enum {
    EMUL_VEC_UD = 6,
    EMUL_VEC_NM = 7,
    EMUL_VEC_SS = 12,
    EMUL_VEC_GP = 13,
    EMUL_VEC_PF = 14,
    EMUL_VEC_AC = 17,
};

/* Architectural bits the emulator reads. */
#define EMUL_CR0_PE (1ull << 0)
#define EMUL_CR0_EM (1ull << 2)
#define EMUL_CR0_TS (1ull << 3)
#define EMUL_CR0_AM (1ull << 18)
#define EMUL_CR4_OSFXSR (1ull << 9)
#define EMUL_CR4_LA57 (1ull << 12)
#define EMUL_CR4_OSXSAVE (1ull << 18)
#define EMUL_EFER_LMA (1ull << 10)
#define EMUL_XCR0_SSE_AVX 6ull

#define EMUL_CF (1ull << 0)
#define EMUL_PF (1ull << 2)
#define EMUL_AF (1ull << 4)
#define EMUL_ZF (1ull << 6)
#define EMUL_SF (1ull << 7)
#define EMUL_DF (1ull << 10)
#define EMUL_OF (1ull << 11)
#define EMUL_RF (1ull << 16)
#define EMUL_VM (1ull << 17)
#define EMUL_AC (1ull << 18)
#define EMUL_ARITH_FLAGS (EMUL_CF | EMUL_PF | EMUL_AF | EMUL_ZF | EMUL_SF | EMUL_OF)

/* Segment access rights (VMCS layout). */
#define EMUL_AR_TYPE_WRITABLE (1u << 1) /* data: writable; code: readable */
#define EMUL_AR_TYPE_DOWN (1u << 2)     /* data: expand-down */
#define EMUL_AR_TYPE_CODE (1u << 3)
#define EMUL_AR_S (1u << 4)
#define EMUL_AR_DPL_SHIFT 5
#define EMUL_AR_L (1u << 13)
#define EMUL_AR_DB (1u << 14)
#define EMUL_AR_UNUSABLE (1u << 16)

/* The per-call context. */
struct emul_ctx {
    struct x86_cpu_state *st;
    const struct x86_emul_mem *mem;
    struct x86_emul_result *res;
    const struct x86_insn *in; /* &res->insn */
    enum x86_mode mode;
    uint8_t cpl;
    uint64_t next_rip;
    uint32_t max_rep;
    const struct x86_emul_options *opt; /* NULL: none */
    bool pg_ready;          /* pg and pmem filled (on the first walk) */
    struct paging_state pg; /* the walker's view of *st */
    struct paging_mem pmem; /* the walker's accessor over *mem */
};

/* ---- results (emul.c) ---- */
int emul_exception(struct emul_ctx *c, uint8_t vector, bool has_error_code, uint32_t error_code);
int emul_gp0(struct emul_ctx *c);
int emul_ud(struct emul_ctx *c);
int emul_unsupported(struct emul_ctx *c, const char *why);
int emul_mem_failed(struct emul_ctx *c, int status, vmm_gpa_t gpa);
/* Completes the instruction: RIP to the next instruction, RF cleared. */
int emul_done(struct emul_ctx *c);

/* ---- guest memory (emul_mem.c) ---- */

/* How an access is checked. */
#define EMUL_ACC_READ 0u
#define EMUL_ACC_WRITE 1u /* writes and read-modify-writes */
#define EMUL_ACC_FETCH 2u
#define EMUL_ACC_NO_AC 4u /* exempt from alignment checking (#AC) */

/* A checked and translated access of up to 32 bytes, split at a page boundary. */
struct emul_ref {
    uint64_t la;
    uint8_t size;
    uint8_t first; /* bytes in the first page */
    vmm_gpa_t gpa[2];
};

/* The effective address of the instruction's memory operand (address size applied). */
uint64_t emul_effective_address(const struct emul_ctx *c);

/*
 * Checks `size` bytes at seg:offset (segmentation or canonical form, then
 * `align_gp` alignment for #GP(0) when nonzero, then #AC, then paging for
 * both pages) and translates them. Nothing is read or written but the
 * paging structures' accessed/dirty flags.
 */
int emul_prepare(struct emul_ctx *c, unsigned seg, uint64_t offset, unsigned size, unsigned acc,
                 unsigned align_gp, struct emul_ref *ref);
int emul_ref_read(struct emul_ctx *c, const struct emul_ref *ref, uint8_t *buf);
int emul_ref_write(struct emul_ctx *c, const struct emul_ref *ref, const uint8_t *buf);

/*
 * Reads the instruction at CS:RIP through segmentation and paging into
 * c->res->bytes (up to 15 bytes, never past the CS limit, the second page
 * only when the instruction continues there) and decodes it into *ds.
 */
int emul_fetch_decode(struct emul_ctx *c, enum x86_decode_status *ds);

/* ---- values: operand-size masks and little-endian guest bytes (inline: hot) ---- */

static inline uint64_t emul_mask(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/*
 * On a little-endian host the common sizes are single loads and stores
 * (__builtin_memcpy of a constant size is inlined, never a libc call).
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define EMUL_HOST_LE 1
#else
#define EMUL_HOST_LE 0
#endif

static inline uint64_t emul_get_le(const uint8_t *p, unsigned size)
{
    if (EMUL_HOST_LE && (size == 8 || size == 4 || size == 2)) {
        uint64_t v8;
        uint32_t v4;
        uint16_t v2;
        switch (size) {
        case 8: __builtin_memcpy(&v8, p, 8); return v8;
        case 4: __builtin_memcpy(&v4, p, 4); return v4;
        default: __builtin_memcpy(&v2, p, 2); return v2;
        }
    }
    uint64_t v = 0;
    for (unsigned i = size; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

static inline void emul_put_le(uint8_t *p, unsigned size, uint64_t v)
{
    if (EMUL_HOST_LE && (size == 8 || size == 4 || size == 2)) {
        uint32_t v4 = (uint32_t)v;
        uint16_t v2 = (uint16_t)v;
        switch (size) {
        case 8: __builtin_memcpy(p, &v, 8); return;
        case 4: __builtin_memcpy(p, &v4, 4); return;
        default: __builtin_memcpy(p, &v2, 2); return;
        }
    }
    for (unsigned i = 0; i < size; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

static inline void emul_copy(uint8_t *dst, const uint8_t *src, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        dst[i] = src[i];
}

/* ---- registers and operands (emul_operand.c) ---- */

/* A GPR of `size` bytes; byte registers 4..7 are AH/CH/DH/BH when there is no REX prefix. */
uint64_t emul_reg_get(const struct emul_ctx *c, unsigned reg, unsigned size);
void emul_reg_set(struct emul_ctx *c, unsigned reg, unsigned size, uint64_t v);
/* A register used as an address or counter of `asize` bytes: 2 merges, 4 zero-extends. */
void emul_addr_reg_set(struct emul_ctx *c, unsigned reg, unsigned asize, uint64_t v);

struct emul_opnd {
    bool is_mem;
    uint8_t size;
    uint8_t reg; /* register operands: encoded number (byte registers: 4..7 may be AH..BH) */
    struct emul_ref ref;
};

/* The ModRM r/m operand (or moffs): register, or memory checked for `acc`. */
int emul_rm_opnd(struct emul_ctx *c, unsigned size, unsigned acc, struct emul_opnd *o);
void emul_reg_opnd(unsigned reg, unsigned size, struct emul_opnd *o);
int emul_opnd_load(struct emul_ctx *c, const struct emul_opnd *o, uint64_t *v);
int emul_opnd_store(struct emul_ctx *c, const struct emul_opnd *o, uint64_t v);

/* ---- arithmetic (emul_flags.c) ---- */
enum emul_alu_op {
    ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP, /* 00-3F order */
    ALU_TEST, ALU_MOV, ALU_INC, ALU_DEC, ALU_NOT, ALU_NEG,
    ALU_COUNT,
};
/* What an operation does with its destination. */
bool emul_alu_reads_dst(unsigned op);
bool emul_alu_writes_dst(unsigned op);
/* dst op src on `size` bytes; updates the arithmetic flags in *rflags as the SDM defines. */
uint64_t emul_alu(unsigned op, uint64_t dst, uint64_t src, unsigned size, uint64_t *rflags);
/* Condition code 0..15 (the low nibble of Jcc/SETcc) on rflags. */
bool emul_condition(unsigned cc, uint64_t rflags);

/* ---- dispatch (emul_table.c) ---- */
struct emul_op;
typedef int (*emul_handler)(struct emul_ctx *c, const struct emul_op *op);

#define OPF_BYTE (1u << 0)    /* byte operands */
#define OPF_DST_RM (1u << 1)  /* binary forms: destination r/m (else ModRM.reg or accumulator) */
#define OPF_DST_ACC (1u << 2) /* destination AL/rAX */
#define OPF_SRC_RM (1u << 3)  /* source r/m */
#define OPF_SRC_IMM (1u << 4) /* source immediate */
#define OPF_SRC_ACC (1u << 5) /* source AL/rAX (else ModRM.reg) */
#define OPF_MEM_ONLY (1u << 6) /* a register r/m is #UD */

struct emul_op {
    emul_handler fn; /* NULL: not emulated (or a group) */
    uint8_t arg;     /* handler-specific: ALU op, condition, string kind ... */
    uint8_t flags;   /* OPF_* */
    uint8_t group;   /* nonzero: look up ModRM.reg in this group */
};

/* The table entry for the decoded instruction (fn NULL if not emulated). */
const struct emul_op *emul_lookup(const struct x86_insn *in, struct emul_op *scratch);

/* Handlers, one per instruction family. */
int emul_h_binary(struct emul_ctx *c, const struct emul_op *op);  /* ALU, TEST, MOV forms */
int emul_h_unary(struct emul_ctx *c, const struct emul_op *op);   /* INC DEC NOT NEG */
int emul_h_movx(struct emul_ctx *c, const struct emul_op *op);    /* MOVZX MOVSX MOVSXD */
int emul_h_xchg(struct emul_ctx *c, const struct emul_op *op);
int emul_h_cmpxchg(struct emul_ctx *c, const struct emul_op *op);
int emul_h_xadd(struct emul_ctx *c, const struct emul_op *op);
int emul_h_setcc(struct emul_ctx *c, const struct emul_op *op);
int emul_h_bt(struct emul_ctx *c, const struct emul_op *op);
int emul_h_movbe(struct emul_ctx *c, const struct emul_op *op);
int emul_h_push(struct emul_ctx *c, const struct emul_op *op);
int emul_h_pop(struct emul_ctx *c, const struct emul_op *op);
int emul_h_string(struct emul_ctx *c, const struct emul_op *op);
int emul_h_vec(struct emul_ctx *c, const struct emul_op *op);

/* String kinds (arg of emul_h_string). */
enum { STR_MOVS, STR_CMPS, STR_STOS, STR_LODS, STR_SCAS };
/* emul_h_movx: arg is the source size in bytes, with MOVX_SIGN for sign extension. */
#define MOVX_SIGN 0x80u
/* Bit-test kinds (arg of emul_h_bt): the 0F BA /4../7 order. */
enum { BT_TEST, BT_SET, BT_RESET, BT_COMPLEMENT };

#endif /* VMM_EMUL_INTERNAL_H */
