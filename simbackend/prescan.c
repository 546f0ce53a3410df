/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The block pre-scan: before Unicorn runs a translated block, the model
 * decodes it (Capstone) and records every instruction it must take part
 * in: those that can cause a VM exit under some controls, those Unicorn
 * gets wrong or cannot do (MSRs, TSC, CR8, debug registers, SYSCALL, INT n,
 * AVX), and those that change interrupt blocking (STI, MOV SS, POPF, IRET).
 * The code hook then stops exactly before each of them (insn.c decides
 * what happens under the current controls), so the plan does not depend on
 * the controls and survives every control change.
 *
 * Blocks are cached by (guest-linear address, CR3, code size) with a copy of their
 * bytes and where they live in host memory. A block is re-decoded when its
 * bytes changed (self-modifying code, host writes) or its translation did
 * (checked again after anything that may change translations).
 */
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"
#include "decoder_ud.h"

#define PLAN_MAX_BLOCKS (1u << 16)
#define PLAN_MAX_BYTES (32u << 20)
#define PLAN_DECODED (1u << 13)

/*
 * The decode of the instruction whose first bytes are `key` (plan.decoded).
 * Content-addressed: classify() must depend on the bytes and the code size
 * only (the address goes into insn.addr and nowhere else).
 */
struct decoded {
    uint8_t key[16]; /* up to 15 bytes from the instruction's start, zero-padded; [15]: count */
    csh cs;          /* 0: an empty slot */
    bool ok;         /* Capstone decoded it */
    struct insn insn;
};

int plan_init(struct plan *p)
{
    *p = (struct plan){.epoch = 1};
    p->cap = 1024;
    p->blocks = calloc(p->cap, sizeof *p->blocks);
    p->decoded = calloc(PLAN_DECODED, sizeof *p->decoded);
    return p->blocks && p->decoded ? VMM_OK : VMM_E_NOMEM;
}

void plan_fini(struct plan *p)
{
    free(p->blocks);
    free(p->insns);
    free(p->bytes);
    free(p->decoded);
    if (p->scratch)
        cs_free(p->scratch, 1);
    *p = (struct plan){0};
}

void plan_clear(struct plan *p)
{
    /* Records of older epochs are free slots: clearing costs nothing, however big the table. */
    if (++p->epoch == 0) {
        memset(p->blocks, 0, p->cap * sizeof *p->blocks);
        p->epoch = 1;
    }
    p->n = 0;
    p->insns_n = 0;
    p->bytes_n = 0;
    p->tlb_gen++;
}

static uint32_t slot_of(const struct plan *p, uint64_t addr, uint64_t cr3)
{
    uint64_t h = (addr ^ (cr3 * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
    return (uint32_t)(h >> 32) & (p->cap - 1);
}

static struct plan_block *find(struct plan *p, uint64_t addr, uint64_t cr3)
{
    for (uint32_t i = slot_of(p, addr, cr3);; i = (i + 1) & (p->cap - 1)) {
        struct plan_block *b = &p->blocks[i];
        if (b->used != p->epoch || (b->addr == addr && b->cr3 == cr3))
            return b;
    }
}

static bool grow(struct plan *p)
{
    if (p->cap >= PLAN_MAX_BLOCKS)
        return false;
    struct plan_block *old = p->blocks;
    uint32_t old_cap = p->cap;
    struct plan_block *nb = calloc(old_cap * 2, sizeof *nb);
    if (!nb)
        return false;
    p->blocks = nb;
    p->cap = old_cap * 2;
    for (uint32_t i = 0; i < old_cap; i++)
        if (old[i].used == p->epoch)
            *find(p, old[i].addr, old[i].cr3) = old[i];
    free(old);
    return true;
}

static bool reserve(void **buf, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    uint32_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    void *nb = realloc(*buf, (size_t)n * elem);
    if (!nb)
        return false;
    *buf = nb;
    *cap = n;
    return true;
}

/* ---- decoding ---- */

/* Capstone register -> VMX register number (0 RAX ... 15 R15), or INSN_REG_NONE. */
static uint8_t gpr_of(unsigned reg)
{
    static const uint16_t fam[16][4] = {
        {X86_REG_RAX, X86_REG_EAX, X86_REG_AX, X86_REG_AL},
        {X86_REG_RCX, X86_REG_ECX, X86_REG_CX, X86_REG_CL},
        {X86_REG_RDX, X86_REG_EDX, X86_REG_DX, X86_REG_DL},
        {X86_REG_RBX, X86_REG_EBX, X86_REG_BX, X86_REG_BL},
        {X86_REG_RSP, X86_REG_ESP, X86_REG_SP, X86_REG_SPL},
        {X86_REG_RBP, X86_REG_EBP, X86_REG_BP, X86_REG_BPL},
        {X86_REG_RSI, X86_REG_ESI, X86_REG_SI, X86_REG_SIL},
        {X86_REG_RDI, X86_REG_EDI, X86_REG_DI, X86_REG_DIL},
        {X86_REG_R8, X86_REG_R8D, X86_REG_R8W, X86_REG_R8B},
        {X86_REG_R9, X86_REG_R9D, X86_REG_R9W, X86_REG_R9B},
        {X86_REG_R10, X86_REG_R10D, X86_REG_R10W, X86_REG_R10B},
        {X86_REG_R11, X86_REG_R11D, X86_REG_R11W, X86_REG_R11B},
        {X86_REG_R12, X86_REG_R12D, X86_REG_R12W, X86_REG_R12B},
        {X86_REG_R13, X86_REG_R13D, X86_REG_R13W, X86_REG_R13B},
        {X86_REG_R14, X86_REG_R14D, X86_REG_R14W, X86_REG_R14B},
        {X86_REG_R15, X86_REG_R15D, X86_REG_R15W, X86_REG_R15B},
    };
    if (reg == X86_REG_RIP || reg == X86_REG_EIP)
        return INSN_REG_RIP;
    for (unsigned n = 0; n < 16; n++)
        for (unsigned w = 0; w < 4; w++)
            if (fam[n][w] == reg)
                return (uint8_t)n;
    return INSN_REG_NONE;
}

static int cr_of(unsigned reg)
{
    return reg >= X86_REG_CR0 && reg <= X86_REG_CR15 ? (int)(reg - X86_REG_CR0) : -1;
}

static int dr_of(unsigned reg)
{
    return reg >= X86_REG_DR0 && reg <= X86_REG_DR15 ? (int)(reg - X86_REG_DR0) : -1;
}

/* VMX segment numbering: 0 ES, 1 CS, 2 SS, 3 DS, 4 FS, 5 GS. */
static uint8_t seg_of(unsigned reg, uint8_t base)
{
    switch (reg) {
    case X86_REG_ES: return 0;
    case X86_REG_CS: return 1;
    case X86_REG_SS: return 2;
    case X86_REG_DS: return 3;
    case X86_REG_FS: return 4;
    case X86_REG_GS: return 5;
    default: return base == 4 || base == 5 ? 2 : 3; /* RSP/RBP-based: SS */
    }
}

static void take_mem(const cs_x86 *x, const cs_x86_op *op, struct insn *out)
{
    uint8_t base = op->mem.base == X86_REG_INVALID ? INSN_REG_NONE : gpr_of(op->mem.base);
    uint8_t index = op->mem.index == X86_REG_INVALID ? INSN_REG_NONE : gpr_of(op->mem.index);
    unsigned scale = op->mem.scale == 8 ? 3 : op->mem.scale == 4 ? 2 : op->mem.scale == 2 ? 1 : 0;
    out->flags |= INSN_F_MEM;
    out->mem = (struct insn_mem){
        .seg = seg_of(op->mem.segment, base),
        .base = base,
        .index = index,
        .scale = (uint8_t)scale,
        .addr_size = x->addr_size ? x->addr_size : 8,
        .disp = op->mem.disp,
    };
}

bool plan_decode_mem(const cs_x86 *x, const cs_x86_op *op, uint64_t addr, uint8_t len,
                     struct insn *out)
{
    if (op->type != X86_OP_MEM)
        return false;
    *out = (struct insn){.addr = addr, .len = len, .reg1 = INSN_REG_NONE, .reg2 = INSN_REG_NONE};
    take_mem(x, op, out);
    return true;
}

/* The operands of `x`: memory operand into out->mem, register operands into reg1/reg2. */
static void take_operands(const cs_x86 *x, struct insn *out)
{
    for (unsigned i = 0; i < x->op_count; i++) {
        const cs_x86_op *op = &x->operands[i];
        if (op->type == X86_OP_MEM)
            take_mem(x, op, out);
    }
}

/* Skips legacy prefixes and REX; the first opcode byte's offset. */
static size_t opcode_offset(const uint8_t *b, size_t n)
{
    size_t i = 0;
    while (i < n && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf0 || b[i] == 0xf2 ||
                     b[i] == 0xf3 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e ||
                     b[i] == 0x26 || b[i] == 0x64 || b[i] == 0x65))
        i++;
    if (i < n && (b[i] & 0xf0) == 0x40)
        i++;
    return i;
}

/* VEX/EVEX/XOP encodings (AVX: Unicorn has none and decodes VEX-encoded SSE wrongly). */
static bool vector_extension(const uint8_t *b, size_t n)
{
    size_t i = opcode_offset(b, n);
    if (i >= n)
        return false;
    if (b[i] == 0xc4 || b[i] == 0xc5 || b[i] == 0x62)
        return true;
    return b[i] == 0x8f && i + 1 < n && (b[i + 1] & 0x38) != 0;
}

/* UMWAIT / TPAUSE (66/F2 0F AE /6, register form): Capstone 4 calls them MFENCE. */
static bool waitpkg(const uint8_t *b, size_t n)
{
    size_t i = opcode_offset(b, n);
    bool prefixed = memchr(b, 0x66, i) || memchr(b, 0xf2, i);
    return prefixed && i + 2 < n && b[i] == 0x0f && b[i + 1] == 0xae && (b[i + 2] & 0xf8) == 0xf0;
}

struct kind_row {
    uint16_t id;  /* X86_INS_* */
    uint8_t kind; /* enum insn_kind */
};

/* Instructions recognised by Capstone's id alone. */
static const struct kind_row kind_rows[] = {
    {X86_INS_CPUID, INSN_CPUID}, {X86_INS_GETSEC, INSN_GETSEC}, {X86_INS_HLT, INSN_HLT},
    {X86_INS_INVD, INSN_INVD}, {X86_INS_WBINVD, INSN_WBINVD}, {X86_INS_INVLPG, INSN_INVLPG},
    {X86_INS_INVPCID, INSN_INVPCID}, {X86_INS_RDPMC, INSN_RDPMC}, {X86_INS_RDTSC, INSN_RDTSC},
    {X86_INS_RDTSCP, INSN_RDTSCP}, {X86_INS_RSM, INSN_RSM}, {X86_INS_VMCALL, INSN_VMCALL},
    {X86_INS_VMCLEAR, INSN_VMCLEAR}, {X86_INS_VMLAUNCH, INSN_VMLAUNCH},
    {X86_INS_VMPTRLD, INSN_VMPTRLD}, {X86_INS_VMPTRST, INSN_VMPTRST},
    {X86_INS_VMREAD, INSN_VMREAD}, {X86_INS_VMRESUME, INSN_VMRESUME},
    {X86_INS_VMWRITE, INSN_VMWRITE}, {X86_INS_VMXOFF, INSN_VMXOFF}, {X86_INS_VMXON, INSN_VMXON},
    {X86_INS_INVEPT, INSN_INVEPT}, {X86_INS_INVVPID, INSN_INVVPID}, {X86_INS_VMFUNC, INSN_VMFUNC},
    {X86_INS_CLTS, INSN_CLTS}, {X86_INS_LMSW, INSN_LMSW}, {X86_INS_SMSW, INSN_SMSW},
    {X86_INS_IN, INSN_IO}, {X86_INS_OUT, INSN_IO}, {X86_INS_INSB, INSN_IO},
    {X86_INS_INSW, INSN_IO}, {X86_INS_INSD, INSN_IO}, {X86_INS_OUTSB, INSN_IO},
    {X86_INS_OUTSW, INSN_IO}, {X86_INS_OUTSD, INSN_IO}, {X86_INS_RDMSR, INSN_RDMSR},
    {X86_INS_WRMSR, INSN_WRMSR}, {X86_INS_MONITOR, INSN_MONITOR}, {X86_INS_MWAIT, INSN_MWAIT},
    {X86_INS_PAUSE, INSN_PAUSE}, {X86_INS_SGDT, INSN_SGDT}, {X86_INS_SIDT, INSN_SIDT},
    {X86_INS_LGDT, INSN_LGDT}, {X86_INS_LIDT, INSN_LIDT}, {X86_INS_SLDT, INSN_SLDT},
    {X86_INS_STR, INSN_STR}, {X86_INS_LLDT, INSN_LLDT}, {X86_INS_LTR, INSN_LTR},
    {X86_INS_XSETBV, INSN_XSETBV}, {X86_INS_XSAVES, INSN_XSAVES},
    {X86_INS_XSAVES64, INSN_XSAVES}, {X86_INS_XRSTORS, INSN_XRSTORS},
    {X86_INS_XRSTORS64, INSN_XRSTORS}, {X86_INS_RDRAND, INSN_RDRAND},
    {X86_INS_RDSEED, INSN_RDSEED}, {X86_INS_ENCLS, INSN_ENCLS}, {X86_INS_ENCLU, INSN_ENCLS},
    {X86_INS_STI, INSN_STI}, {X86_INS_POPF, INSN_POPF}, {X86_INS_POPFQ, INSN_POPF},
    {X86_INS_POPFD, INSN_POPF}, {X86_INS_LJMP, INSN_LJMP}, {X86_INS_LCALL, INSN_LCALL},
    {X86_INS_RETF, INSN_RETF}, {X86_INS_RETFQ, INSN_RETF}, {X86_INS_SYSENTER, INSN_SYSENTER},
    {X86_INS_SYSEXIT, INSN_SYSEXIT}, {X86_INS_LDS, INSN_MOV_SEG}, {X86_INS_LES, INSN_MOV_SEG},
    {X86_INS_LFS, INSN_MOV_SEG}, {X86_INS_LGS, INSN_MOV_SEG}, {X86_INS_LSS, INSN_MOV_SEG},
    {X86_INS_IRET, INSN_IRET}, {X86_INS_IRETD, INSN_IRET}, {X86_INS_IRETQ, INSN_IRET},
    {X86_INS_SYSRET, INSN_SYSRET}, {X86_INS_INT, INSN_INT}, {X86_INS_INT3, INSN_INT3},
    {X86_INS_INT1, INSN_INT1}, {X86_INS_INTO, INSN_INTO}, {X86_INS_SYSCALL, INSN_SYSCALL},
};

static uint8_t kind_of_id(unsigned id)
{
    for (size_t i = 0; i < sizeof kind_rows / sizeof kind_rows[0]; i++)
        if (kind_rows[i].id == id)
            return kind_rows[i].kind;
    return INSN_NONE;
}

static bool is_sreg(unsigned reg)
{
    return reg == X86_REG_DS || reg == X86_REG_ES || reg == X86_REG_FS || reg == X86_REG_GS ||
           reg == X86_REG_SS;
}

/* MOV to/from CR, DR or a segment register: Capstone calls them all MOV. */
static uint8_t classify_mov(const cs_x86 *x, struct insn *out)
{
    if (x->op_count != 2 || x->operands[0].type != X86_OP_REG)
        return INSN_NONE;
    unsigned dst = x->operands[0].reg;
    unsigned src = x->operands[1].type == X86_OP_REG ? x->operands[1].reg : 0;
    if (cr_of(dst) >= 0 || cr_of(src) >= 0) {
        bool to = cr_of(dst) >= 0;
        out->ctl = (uint8_t)(to ? cr_of(dst) : cr_of(src));
        out->reg1 = gpr_of(to ? src : dst);
        return to ? INSN_MOV_TO_CR : INSN_MOV_FROM_CR;
    }
    if (dr_of(dst) >= 0 || dr_of(src) >= 0) {
        bool to = dr_of(dst) >= 0;
        out->ctl = (uint8_t)(to ? dr_of(dst) : dr_of(src));
        out->reg1 = gpr_of(to ? src : dst);
        return to ? INSN_MOV_TO_DR : INSN_MOV_FROM_DR;
    }
    if (dst == X86_REG_SS)
        return INSN_MOV_SS;
    return is_sreg(dst) ? INSN_MOV_SEG : INSN_NONE;
}

/* I/O instructions: size, direction, string, REP, port operand. */
static void classify_io(const cs_insn *ci, const cs_x86 *x, struct insn *out)
{
    switch (ci->id) {
    case X86_INS_INSB: case X86_INS_OUTSB: out->opsize = 1; break;
    case X86_INS_INSW: case X86_INS_OUTSW: out->opsize = 2; break;
    case X86_INS_INSD: case X86_INS_OUTSD: out->opsize = 4; break;
    default: out->opsize = 0; break;
    }
    bool in = ci->id == X86_INS_IN || ci->id == X86_INS_INSB || ci->id == X86_INS_INSW ||
              ci->id == X86_INS_INSD;
    out->flags |= in ? INSN_F_IN : 0;
    if (out->opsize) {
        out->flags |= INSN_F_STRING;
        if (x->prefix[0] == X86_PREFIX_REP || x->prefix[0] == X86_PREFIX_REPNE)
            out->flags |= INSN_F_REP;
        take_operands(x, out);
        if (in)
            out->mem.seg = 0; /* INS always writes ES:[RDI] */
        return;
    }
    for (unsigned i = 0; i < x->op_count; i++) {
        const cs_x86_op *op = &x->operands[i];
        if (op->type == X86_OP_IMM) {
            out->flags |= INSN_F_IMM;
            out->imm = (uint16_t)(op->imm & 0xff);
        } else if (op->type == X86_OP_REG && op->reg != X86_REG_DX) {
            out->opsize = op->size;
        }
    }
}

/* The pre-scan's classification of `ci`, decoded from `bytes` at `addr`. */
static void classify(const cs_insn *ci, const uint8_t *bytes, uint64_t addr, unsigned code_bytes,
                     struct insn *out)
{
    const cs_x86 *x = &ci->detail->x86;
    *out = (struct insn){.addr = addr, .len = (uint8_t)ci->size, .reg1 = INSN_REG_NONE,
                         .reg2 = INSN_REG_NONE};
    uint8_t kind = kind_of_id(ci->id);
    /* Outside 64-bit mode C4/C5/62 with a memory operand are LES/LDS/BOUND, not VEX/EVEX. */
    bool legacy = ci->id == X86_INS_LES || ci->id == X86_INS_LDS || ci->id == X86_INS_BOUND;
    if ((vector_extension(bytes, ci->size) && !legacy) || waitpkg(bytes, ci->size) ||
        (x->prefix[0] == X86_PREFIX_LOCK && plan_decoder_ud(bytes, ci->size, code_bytes)))
        kind = INSN_UNMODELLED_UD;
    else if (ci->id == X86_INS_MOV)
        kind = classify_mov(x, out);
    else if (ci->id == X86_INS_POP && x->op_count == 1 && x->operands[0].type == X86_OP_REG &&
             is_sreg(x->operands[0].reg))
        kind = x->operands[0].reg == X86_REG_SS ? INSN_MOV_SS : INSN_MOV_SEG; /* POP SS blocks too */
    out->kind = kind;
    switch (kind) {
    case INSN_IO:
        classify_io(ci, x, out);
        break;
    case INSN_INT:
        if (x->op_count && x->operands[0].type == X86_OP_IMM)
            out->imm = (uint16_t)(x->operands[0].imm & 0xff);
        break;
    case INSN_MOV_TO_CR: case INSN_MOV_FROM_CR: case INSN_MOV_TO_DR: case INSN_MOV_FROM_DR:
    case INSN_MOV_SEG:
        break;
    case INSN_MOV_SS: /* the selector's source: register (reg1) or memory; none for POP SS */
        if (ci->id == X86_INS_MOV && x->op_count == 2) {
            if (x->operands[1].type == X86_OP_REG)
                out->reg1 = gpr_of(x->operands[1].reg);
            else if (x->operands[1].type == X86_OP_MEM)
                take_mem(x, &x->operands[1], out);
        }
        break;
    case INSN_VMREAD: /* vmread r/m64, r64: Reg1 = r/m (register form), Reg2 = the encoding */
    case INSN_VMWRITE: /* vmwrite r64, r/m64 */ {
        const cs_x86_op *rm = &x->operands[kind == INSN_VMREAD ? 0 : 1];
        const cs_x86_op *enc = &x->operands[kind == INSN_VMREAD ? 1 : 0];
        out->reg2 = gpr_of(enc->reg);
        if (rm->type == X86_OP_REG)
            out->reg1 = gpr_of(rm->reg);
        else
            take_mem(x, rm, out);
        break;
    }
    case INSN_INVEPT: case INSN_INVVPID: case INSN_INVPCID:
        out->reg2 = x->op_count ? gpr_of(x->operands[0].reg) : INSN_REG_NONE;
        take_operands(x, out);
        break;
    case INSN_RDRAND: case INSN_RDSEED:
        if (x->op_count) {
            out->reg1 = gpr_of(x->operands[0].reg);
            out->opsize = x->operands[0].size;
        }
        break;
    default:
        /* One r/m operand at most: register (reg1) or memory. */
        for (unsigned i = 0; i < x->op_count; i++) {
            if (x->operands[i].type == X86_OP_REG && out->reg1 == INSN_REG_NONE)
                out->reg1 = gpr_of(x->operands[i].reg);
            if (x->operands[i].size && !out->opsize)
                out->opsize = x->operands[i].size;
        }
        take_operands(x, out);
        break;
    }
}

bool plan_decode(csh cs, unsigned code_bytes, const uint8_t *bytes, size_t n, uint64_t addr,
                 struct insn *out)
{
    cs_insn *ci;
    if (cs_disasm(cs, bytes, n, addr, 1, &ci) != 1)
        return false;
    classify(ci, bytes, addr, code_bytes, out);
    cs_free(ci, 1);
    return true;
}

static uint64_t decoded_hash(csh cs, const uint8_t key[16])
{
    uint64_t a, b;
    memcpy(&a, key, 8);
    memcpy(&b, key + 8, 8);
    uint64_t h = (a ^ (uint64_t)cs * 0x9e3779b97f4a7c15ull) * 0xff51afd7ed558ccdull;
    h = (h ^ (h >> 29) ^ b) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 32);
}

/* plan_decode through the content-addressed cache, with Capstone's buffer reused. */
static bool decode_cached(struct plan *p, csh cs, unsigned code_bytes, const uint8_t *bytes,
                          size_t n, uint64_t addr, struct insn *out)
{
    struct decoded probe = {.cs = cs};
    size_t k = n < 15 ? n : 15;
    memcpy(probe.key, bytes, k);
    probe.key[15] = (uint8_t)k;
    struct decoded *d = &p->decoded[decoded_hash(cs, probe.key) & (PLAN_DECODED - 1)];
    if (d->cs == cs && memcmp(d->key, probe.key, sizeof probe.key) == 0) {
        p->decode_hits++;
        *out = d->insn;
        out->addr = addr;
        return d->ok;
    }
    p->decode_misses++;
    if (p->scratch && p->scratch_cs != cs) {
        cs_free(p->scratch, 1);
        p->scratch = NULL;
    }
    if (!p->scratch) {
        p->scratch = cs_malloc(cs);
        p->scratch_cs = cs;
        if (!p->scratch)
            return plan_decode(cs, code_bytes, bytes, n, addr, out); /* nothing cached */
    }
    const uint8_t *code = bytes;
    size_t left = k;
    uint64_t at = addr;
    probe.ok = cs_disasm_iter(cs, &code, &left, &at, p->scratch);
    if (probe.ok)
        classify(p->scratch, bytes, addr, code_bytes, &probe.insn);
    *d = probe;
    *out = probe.insn;
    return probe.ok;
}

/* ---- the cache ---- */

static bool bytes_at(struct sim_engine *e, const uint64_t hpa[2], uint64_t addr, uint32_t size,
                     const uint8_t **first, const uint8_t **second, uint32_t *first_len)
{
    uint32_t in_first = 4096 - (uint32_t)(addr & 4095);
    *first_len = size < in_first ? size : in_first;
    uint64_t mem = sim_host_mem_size(e->sim);
    if (hpa[0] == NO_ADDR || hpa[0] + *first_len > mem)
        return false;
    *first = sim_host_mem(e->sim) + hpa[0];
    *second = NULL;
    if (size > *first_len) {
        if (hpa[1] == NO_ADDR || hpa[1] + (size - *first_len) > mem)
            return false;
        *second = sim_host_mem(e->sim) + hpa[1];
    }
    return true;
}

static void translate_block(struct sim_engine *e, uint64_t addr, uint32_t size, uint64_t hpa[2])
{
    hpa[0] = lin_fetch_hpa(e, addr);
    hpa[1] = NO_ADDR;
    if ((addr & 4095) + size > 4096)
        hpa[1] = lin_fetch_hpa(e, (addr & ~4095ull) + 4096);
}

static bool same_bytes(struct sim_engine *e, const struct plan_block *b)
{
    const uint8_t *first, *second;
    uint32_t n1;
    if (!bytes_at(e, b->hpa, b->addr, b->len, &first, &second, &n1))
        return false;
    const uint8_t *copy = e->plan.bytes + b->bytes;
    return memcmp(copy, first, n1) == 0 && (!second || memcmp(copy + n1, second, b->len - n1) == 0);
}

/*
 * Unicorn's block size stops short of an instruction that faults at
 * translation (a VMX instruction ends its block after the ModRM byte, and a
 * block that starts with one has size 0). So the decoder sees up to 15
 * bytes past the block (where they can be fetched) and decodes every
 * instruction that starts inside it, or the first one of an empty block.
 */
#define TAIL 15u

/* Decodes a block into a fresh record; false when out of room (the plan is then cleared). */
static bool scan(struct sim_engine *e, struct plan_block *b, uint64_t addr, uint64_t cr3,
                 uint32_t size, const uint64_t hpa_in[2])
{
    struct plan *p = &e->plan;
    uint64_t hpa[2] = {hpa_in[0], hpa_in[1]};
    uint32_t len = size + TAIL;
    uint32_t in_first = 4096 - (uint32_t)(addr & 4095);
    if (len > in_first && hpa[1] == NO_ADDR && size <= in_first)
        len = in_first; /* the tail's page is not mapped: the block ends before it */
    uint64_t mem = sim_host_mem_size(e->sim);
    if (hpa[0] < mem && len <= in_first && hpa[0] + len > mem && hpa[0] + size <= mem)
        len = (uint32_t)(mem - hpa[0]); /* nor is memory past the end of host memory */
    const uint8_t *first, *second;
    uint32_t n1;
    if (!bytes_at(e, hpa, addr, len, &first, &second, &n1))
        return false;
    if (p->bytes_n + len > PLAN_MAX_BYTES ||
        !reserve((void **)&p->bytes, &p->bytes_cap, p->bytes_n + len, 1))
        return false;
    uint8_t *copy = p->bytes + p->bytes_n;
    memcpy(copy, first, n1);
    if (second)
        memcpy(copy + n1, second, len - n1);
    *b = (struct plan_block){.addr = addr, .cr3 = cr3, .size = size, .len = len,
                             .bytes = p->bytes_n, .first = p->insns_n,
                             .hpa = {hpa[0], hpa[1]}, .tlb_gen = p->tlb_gen, .used = p->epoch};
    p->bytes_n += len;
    for (uint32_t off = 0; off < size || off == 0;) {
        struct insn in;
        if (!reserve((void **)&p->insns, &p->insns_cap, p->insns_n + 1, sizeof in))
            return false;
        if (!decode_cached(p, e->cs, e->code_bytes, copy + off, len - off, addr + off, &in)) {
            /*
             * Capstone does not know it: if libvmm's decoder says #UD the
             * model raises it (Unicorn may run it: LOCK MOV CR0), else stop
             * the block here so that the code hook resumes decoding after
             * it with Unicorn's length.
             */
            bool ud = plan_decoder_ud(copy + off, len - off, e->code_bytes);
            p->insns[p->insns_n++] = (struct insn){
                .addr = addr + off, .len = ud, .kind = ud ? INSN_UNMODELLED_UD : INSN_NONE,
                .reg1 = INSN_REG_NONE, .reg2 = INSN_REG_NONE};
            break;
        }
        if (in.kind != INSN_NONE)
            p->insns[p->insns_n++] = in;
        off += in.len;
    }
    b->count = p->insns_n - b->first;
    p->scans++;
    return true;
}

const struct plan_block *plan_block_for(struct sim_engine *e, uint64_t addr, uint32_t size)
{
    struct plan *p = &e->plan;
    /* Keyed by code size too (CR3 bits 62:56 are reserved): the bytes decode per mode. */
    uint64_t cr3 = e->cr3 | (uint64_t)e->code_bytes << 56;
    struct plan_block *b = find(p, addr, cr3);
    if (b->used == p->epoch && b->size == size) {
        if (b->tlb_gen != p->tlb_gen) {
            uint64_t hpa[2];
            translate_block(e, addr, b->len, hpa);
            if (hpa[0] == b->hpa[0] && hpa[1] == b->hpa[1])
                b->tlb_gen = p->tlb_gen;
        }
        if (b->tlb_gen == p->tlb_gen && same_bytes(e, b))
            return b;
    }
    /* New, changed or moved: decode it (into fresh storage). */
    if (b->used != p->epoch && (p->n + 1) * 2 > p->cap && !grow(p))
        plan_clear(p);
    b = find(p, addr, cr3);
    bool fresh = b->used != p->epoch;
    uint64_t hpa[2];
    translate_block(e, addr, size + TAIL, hpa);
    if (!scan(e, b, addr, cr3, size, hpa)) {
        plan_clear(p);
        b = find(p, addr, cr3);
        fresh = true;
        if (!scan(e, b, addr, cr3, size, hpa)) {
            *b = (struct plan_block){0};
            return NULL;
        }
    }
    if (fresh)
        p->n++;
    return b;
}
