/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The emulator's entry points (vmm/x86_emul.h): the processor mode of a
 * state, the per-call context (CPL, paging view), decode results, and the
 * dispatch of one instruction to its handler.
 *
 * CPL is SS.DPL in protected and 64-bit mode (the VMCS keeps CPL there and
 * VM entry requires it), 0 in real mode and 3 in virtual-8086 mode.
 */
#include "emul_internal.h"

enum x86_mode x86_state_mode(const struct x86_cpu_state *st)
{
    uint32_t cs_ar = st->seg[X86_CS].ar;
    if (!(st->cr0 & EMUL_CR0_PE))
        return X86_MODE_REAL;
    if (st->rflags & EMUL_VM)
        return X86_MODE_VM86;
    if ((st->efer & EMUL_EFER_LMA) && (cs_ar & EMUL_AR_L))
        return X86_MODE_LONG64;
    return (cs_ar & EMUL_AR_DB) ? X86_MODE_PROT32 : X86_MODE_PROT16;
}

int emul_exception(struct emul_ctx *c, uint8_t vector, bool has_error_code, uint32_t error_code)
{
    struct x86_emul_result *res = c->res;
    res->outcome = X86_EMUL_EXCEPTION;
    res->vector = vector;
    res->has_error_code = has_error_code;
    res->error_code = error_code;
    res->why = "the instruction raises an exception";
    return EMUL_STOP;
}

int emul_gp0(struct emul_ctx *c)
{
    return emul_exception(c, EMUL_VEC_GP, true, 0);
}

int emul_ud(struct emul_ctx *c)
{
    return emul_exception(c, EMUL_VEC_UD, false, 0);
}

int emul_unsupported(struct emul_ctx *c, const char *why)
{
    c->res->outcome = X86_EMUL_UNSUPPORTED;
    c->res->why = why;
    return EMUL_STOP;
}

int emul_mem_failed(struct emul_ctx *c, int status, vmm_gpa_t gpa)
{
    struct x86_emul_result *res = c->res;
    res->outcome = X86_EMUL_MEM_FAILED;
    res->mem_status = status;
    res->mem_gpa = gpa;
    res->why = "a memory callback refused the access";
    return EMUL_STOP;
}

int emul_done(struct emul_ctx *c)
{
    c->st->rip = c->next_rip;
    c->st->rflags &= ~EMUL_RF;
    c->res->outcome = X86_EMUL_DONE;
    return 0;
}

/* Fills the context and the result's scalar fields (the byte buffer is left alone);
 * the page walker's view is built on the first walk. */
static int start(struct emul_ctx *c, struct x86_cpu_state *st, const struct x86_emul_mem *mem,
                 const struct x86_emul_options *opt, struct x86_emul_result *res)
{
    if (!st || !mem || !mem->read || !mem->write || !res)
        return VMM_E_INVAL;
    res->outcome = X86_EMUL_DONE;
    res->nbytes = 0;
    res->vector = 0;
    res->has_error_code = false;
    res->error_code = 0;
    res->cr2 = 0;
    res->rep_incomplete = false;
    res->mem_status = 0;
    res->mem_gpa = 0;
    res->why = 0;
    c->st = st;
    c->mem = mem;
    c->res = res;
    c->in = &res->insn;
    c->mode = x86_state_mode(st);
    c->cpl = c->mode == X86_MODE_REAL   ? 0
             : c->mode == X86_MODE_VM86 ? 3
                                        : (uint8_t)((st->seg[X86_SS].ar >> EMUL_AR_DPL_SHIFT) & 3);
    c->max_rep = (opt && opt->max_rep_iterations) ? opt->max_rep_iterations : 1;
    c->opt = opt;
    c->pg_ready = false;
    return VMM_OK;
}

static void execute(struct emul_ctx *c, enum x86_decode_status ds)
{
    const struct x86_insn *in = c->in;
    switch (ds) {
    case X86_DECODE_OK:
        break;
    case X86_DECODE_TRUNCATED:
        emul_unsupported(c, "the instruction bytes end before the instruction");
        return;
    case X86_DECODE_GP:
        emul_gp0(c);
        return;
    default:
        emul_ud(c);
        return;
    }
    c->next_rip = c->st->rip + in->len;
    if (c->mode != X86_MODE_LONG64)
        c->next_rip &= 0xffffffffull;
    struct emul_op scratch;
    const struct emul_op *op = emul_lookup(in, &scratch);
    if (!op->fn) {
        emul_unsupported(c, "the instruction is not in the emulated set");
        return;
    }
    if (!in->has_mem && ((op->flags & OPF_MEM_ONLY) || (in->prefixes & X86_PFX_LOCK))) {
        emul_ud(c);
        return;
    }
    op->fn(c, op);
}

int x86_emulate(struct x86_cpu_state *st, const struct x86_emul_mem *mem,
                const struct x86_emul_options *opt, struct x86_emul_result *res)
{
    struct emul_ctx c;
    int rc = start(&c, st, mem, opt, res);
    if (rc)
        return rc;
    enum x86_decode_status ds;
    if (emul_fetch_decode(&c, &ds))
        return VMM_OK;
    execute(&c, ds);
    return VMM_OK;
}

int x86_emulate_bytes(struct x86_cpu_state *st, const struct x86_emul_mem *mem,
                      const struct x86_emul_options *opt, const uint8_t *bytes, size_t n,
                      struct x86_emul_result *res)
{
    struct emul_ctx c;
    if (!bytes || n == 0)
        return VMM_E_INVAL;
    int rc = start(&c, st, mem, opt, res);
    if (rc)
        return rc;
    unsigned count = n < X86_MAX_INSN_LEN ? (unsigned)n : X86_MAX_INSN_LEN;
    emul_copy(res->bytes, bytes, count);
    res->nbytes = (uint8_t)count;
    execute(&c, x86_decode(res->bytes, count, c.mode, &res->insn));
    return VMM_OK;
}
