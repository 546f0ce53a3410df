/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest memory as an instruction sees it: effective address, segmentation
 * (limits, expand-down, types, unusable segments; base and canonical form
 * in 64-bit mode), alignment checks, the guest page walk for both pages of
 * an access that crosses a page boundary, and instruction fetch through CS.
 *
 * Checks run in the processor's order for one access: segment, #GP
 * alignment (MOVDQA ...), #AC, then paging. An access is translated as a
 * whole before any byte of it moves, so a fault on its second page leaves
 * the first untouched.
 */
#include "emul_internal.h"

#define PAGE_SIZE 4096u

static unsigned linear_width(const struct emul_ctx *c)
{
    return (c->st->cr4 & EMUL_CR4_LA57) ? 57 : 48;
}

/* #SS(0) for a stack-segment reference, #GP(0) for every other segment. */
static int segment_fault(struct emul_ctx *c, unsigned seg)
{
    return emul_exception(c, seg == X86_SS ? EMUL_VEC_SS : EMUL_VEC_GP, true, 0);
}

uint64_t emul_effective_address(const struct emul_ctx *c)
{
    const struct x86_insn *in = c->in;
    uint64_t ea = (uint64_t)in->disp;
    if (in->mem_base == X86_REG_RIP)
        ea += c->next_rip;
    else if (in->mem_base < X86_GPR_COUNT)
        ea += c->st->gpr[in->mem_base];
    if (in->mem_index < X86_GPR_COUNT)
        ea += c->st->gpr[in->mem_index] * in->mem_scale;
    return ea & emul_mask(in->addrsize);
}

/* Offsets offset..offset+size-1 inside the segment (expand-down: above the limit). */
static bool within_limit(const struct x86_segment *s, uint64_t offset, unsigned size)
{
    uint64_t last = offset + size - 1;
    if ((s->ar & (EMUL_AR_TYPE_CODE | EMUL_AR_TYPE_DOWN)) == EMUL_AR_TYPE_DOWN) {
        uint64_t top = (s->ar & EMUL_AR_DB) ? 0xffffffffull : 0xffffull;
        return offset > s->limit && last <= top;
    }
    return last <= s->limit;
}

/* Protected-mode type rules: no writes to code or read-only data, no reads of execute-only code. */
static bool type_allows(uint32_t ar, unsigned acc)
{
    if (!(ar & EMUL_AR_S))
        return false;
    bool code = (ar & EMUL_AR_TYPE_CODE) != 0;
    bool rw = (ar & EMUL_AR_TYPE_WRITABLE) != 0;
    if (acc & EMUL_ACC_WRITE)
        return !code && rw;
    if (acc & EMUL_ACC_FETCH)
        return code;
    return !code || rw;
}

/*
 * seg:offset to a linear address. Real and virtual-8086 mode check the
 * limit held in the segment cache only (the cache holds the base), and
 * ignore types and the unusable bit, which those modes do not have.
 */
static int linear_address(struct emul_ctx *c, unsigned seg, uint64_t offset, unsigned size,
                          unsigned acc, uint64_t *la)
{
    const struct x86_segment *s = &c->st->seg[seg];
    if (c->mode == X86_MODE_LONG64) {
        uint64_t base = (seg == X86_FS || seg == X86_GS) ? s->base : 0;
        uint64_t a = base + offset;
        unsigned width = linear_width(c);
        if (!vmm_canonical(a, width) || !vmm_canonical(a + size - 1, width))
            return segment_fault(c, seg);
        *la = a;
        return 0;
    }
    bool protected_mode = c->mode == X86_MODE_PROT16 || c->mode == X86_MODE_PROT32;
    if (protected_mode && ((s->ar & EMUL_AR_UNUSABLE) || !type_allows(s->ar, acc)))
        return segment_fault(c, seg);
    if (!within_limit(s, offset, size))
        return segment_fault(c, seg);
    *la = (s->base + offset) & 0xffffffffull;
    return 0;
}

static bool alignment_checked(const struct emul_ctx *c)
{
    return c->cpl == 3 && (c->st->cr0 & EMUL_CR0_AM) && (c->st->rflags & EMUL_AC);
}

/* The page walker's accessor: one little-endian entry through the emulator's callbacks. */
static int walker_read(void *ctx, vmm_gpa_t gpa, unsigned size, uint64_t *value)
{
    const struct x86_emul_mem *m = ctx;
    uint8_t b[8];
    int rc = m->read(m->ctx, gpa, b, size);
    if (rc)
        return rc;
    *value = emul_get_le(b, size);
    return 0;
}

static int walker_write(void *ctx, vmm_gpa_t gpa, unsigned size, uint64_t value)
{
    const struct x86_emul_mem *m = ctx;
    uint8_t b[8];
    emul_put_le(b, size, value);
    return m->write(m->ctx, gpa, b, size);
}

/* The page walker's view of the state and its accessor over the memory callbacks. */
static void paging_view(struct emul_ctx *c)
{
    const struct x86_cpu_state *st = c->st;
    c->pg.cr0 = st->cr0;
    c->pg.cr3 = st->cr3;
    c->pg.cr4 = st->cr4;
    c->pg.efer = st->efer;
    c->pg.rflags = st->rflags;
    c->pg.pkru = st->pkru;
    c->pg.pkrs = st->pkrs;
    for (unsigned i = 0; i < 4; i++)
        c->pg.pdpte[i] = st->pdpte[i];
    c->pg.maxphyaddr = st->maxphyaddr;
    c->pg.gbpages = st->gbpages;
    c->pmem.read = walker_read;
    c->pmem.write = walker_write;
    c->pmem.ctx = (void *)(uintptr_t)c->mem;
    c->pg_ready = true;
}

/* The caller's known translation (x86_emul_options.gla) covers this data access. */
static bool known_translation(const struct emul_ctx *c, uint64_t la, unsigned acc)
{
    const struct x86_emul_options *o = c->opt;
    return o && o->has_gla && !(acc & EMUL_ACC_FETCH) &&
           (o->gla_write || !(acc & EMUL_ACC_WRITE)) && (la >> 12) == (o->gla >> 12);
}

/* One page of an access through the guest's paging; #PF carries CR2 = la. */
static int translate(struct emul_ctx *c, unsigned seg, uint64_t la, unsigned acc, vmm_gpa_t *gpa)
{
    if (!(c->st->cr0 & PG_CR0_PG)) { /* linear is physical (below 4 GiB outside 64-bit mode) */
        *gpa = la;
        return 0;
    }
    if (known_translation(c, la, acc)) {
        *gpa = (c->opt->gpa & ~(vmm_gpa_t)(PAGE_SIZE - 1)) | (la & (PAGE_SIZE - 1));
        return 0;
    }
    if (!c->pg_ready)
        paging_view(c);
    unsigned access = 0;
    if (acc & EMUL_ACC_WRITE)
        access |= PAGING_ACCESS_WRITE;
    if (acc & EMUL_ACC_FETCH)
        access |= PAGING_ACCESS_FETCH;
    if (c->cpl == 3)
        access |= PAGING_ACCESS_USER;
    struct paging_result r;
    int rc = paging_translate(&c->pg, &c->pmem, la, access, &r);
    if (rc == VMM_E_RANGE)
        return segment_fault(c, seg);
    if (rc)
        return emul_unsupported(c, "the page walker rejects the paging state");
    if (r.outcome == PAGING_PAGE_FAULT) {
        c->res->cr2 = la;
        return emul_exception(c, EMUL_VEC_PF, true, r.error_code);
    }
    if (r.outcome == PAGING_MEM_FAILED)
        return emul_mem_failed(c, r.mem_status, r.entry_gpa);
    *gpa = r.gpa;
    return 0;
}

static uint64_t next_linear(const struct emul_ctx *c, uint64_t la, unsigned delta)
{
    uint64_t next = la + delta;
    return c->mode == X86_MODE_LONG64 ? next : next & 0xffffffffull;
}

int emul_prepare(struct emul_ctx *c, unsigned seg, uint64_t offset, unsigned size, unsigned acc,
                 unsigned align_gp, struct emul_ref *ref)
{
    uint64_t la;
    if (linear_address(c, seg, offset, size, acc, &la))
        return EMUL_STOP;
    if (align_gp && (la & (align_gp - 1)))
        return emul_gp0(c);
    if (!(acc & EMUL_ACC_NO_AC) && (la & (size - 1)) && alignment_checked(c))
        return emul_exception(c, EMUL_VEC_AC, true, 0);
    unsigned room = PAGE_SIZE - (unsigned)(la & (PAGE_SIZE - 1));
    ref->la = la;
    ref->size = (uint8_t)size;
    ref->first = (uint8_t)(size <= room ? size : room);
    if (translate(c, seg, la, acc, &ref->gpa[0]))
        return EMUL_STOP;
    if (ref->first < size && translate(c, seg, next_linear(c, la, room), acc, &ref->gpa[1]))
        return EMUL_STOP;
    return 0;
}

/* Moves the bytes of a translated access, one callback per page. */
static int ref_move(struct emul_ctx *c, const struct emul_ref *ref, uint8_t *buf, bool write)
{
    const struct x86_emul_mem *m = c->mem;
    unsigned done = 0;
    for (unsigned i = 0; done < ref->size; i++) {
        unsigned n = i == 0 ? ref->first : ref->size - ref->first;
        int rc = write ? m->write(m->ctx, ref->gpa[i], buf + done, n)
                       : m->read(m->ctx, ref->gpa[i], buf + done, n);
        if (rc)
            return emul_mem_failed(c, rc, ref->gpa[i]);
        done += n;
    }
    return 0;
}

int emul_ref_read(struct emul_ctx *c, const struct emul_ref *ref, uint8_t *buf)
{
    return ref_move(c, ref, buf, false);
}

int emul_ref_write(struct emul_ctx *c, const struct emul_ref *ref, const uint8_t *buf)
{
    return ref_move(c, ref, (uint8_t *)(uintptr_t)buf, true);
}

/* Appends `n` instruction bytes read at linear address la. */
static int fetch_piece(struct emul_ctx *c, uint64_t la, unsigned n)
{
    struct x86_emul_result *res = c->res;
    vmm_gpa_t gpa;
    if (translate(c, X86_CS, la, EMUL_ACC_FETCH, &gpa))
        return EMUL_STOP;
    int rc = c->mem->read(c->mem->ctx, gpa, res->bytes + res->nbytes, n);
    if (rc)
        return emul_mem_failed(c, rc, gpa);
    res->nbytes = (uint8_t)(res->nbytes + n);
    return 0;
}

int emul_fetch_decode(struct emul_ctx *c, enum x86_decode_status *ds)
{
    const struct x86_segment *cs = &c->st->seg[X86_CS];
    uint64_t ip = c->st->rip;
    unsigned avail = X86_MAX_INSN_LEN; /* bytes the segment lets us fetch */
    uint64_t la;
    if (c->mode == X86_MODE_LONG64) {
        if (!vmm_canonical(ip, linear_width(c)))
            return emul_gp0(c);
        la = ip;
    } else {
        ip &= 0xffffffffull;
        if (ip > cs->limit)
            return emul_gp0(c);
        if ((uint64_t)cs->limit - ip + 1 < avail)
            avail = (unsigned)(cs->limit - ip + 1);
        la = (cs->base + ip) & 0xffffffffull;
    }
    unsigned room = PAGE_SIZE - (unsigned)(la & (PAGE_SIZE - 1));
    unsigned first = avail < room ? avail : room;
    c->res->nbytes = 0;
    if (fetch_piece(c, la, first))
        return EMUL_STOP;
    *ds = x86_decode(c->res->bytes, first, c->mode, &c->res->insn);
    if (*ds != X86_DECODE_TRUNCATED)
        return 0;
    if (first == avail) /* the instruction runs past the CS limit */
        return emul_gp0(c);
    uint64_t la2 = next_linear(c, la, first);
    if (c->mode == X86_MODE_LONG64 && !vmm_canonical(la2, linear_width(c)))
        return emul_gp0(c);
    if (fetch_piece(c, la2, avail - first))
        return EMUL_STOP;
    *ds = x86_decode(c->res->bytes, avail, c->mode, &c->res->insn);
    if (*ds == X86_DECODE_TRUNCATED)
        return emul_gp0(c);
    return 0;
}
