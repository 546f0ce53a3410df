/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The emulator side of the oracle: the case's image as guest-physical
 * memory behind x86_emul_mem, the register state as x86_cpu_state (flat
 * 64-bit segments, CPL 0), then x86_emulate (fetch through the page walk,
 * decode, execute) until the instruction is complete.
 */
#include <stdlib.h>
#include <string.h>

#include "emul_diff.h"
#include "vmm/x86_emul.h"

struct ed_emu {
    uint8_t *mem;
    uint64_t dirty[ED_BITMAP_WORDS]; /* pages that may differ from zero */
    uint64_t *written;
};

/* REP iterations beyond which a string instruction counts as not finishing. */
#define ED_REP_CALL_LIMIT 4096u

struct ed_emu *ed_emu_open(void)
{
    struct ed_emu *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->mem = calloc(1, ED_PHYS_SIZE);
    if (!e->mem) {
        free(e);
        return NULL;
    }
    return e;
}

void ed_emu_close(struct ed_emu *e)
{
    if (!e)
        return;
    free(e->mem);
    free(e);
}

static int mem_read(void *ctx, vmm_gpa_t gpa, void *buf, unsigned size)
{
    struct ed_emu *e = ctx;
    if (gpa >= ED_PHYS_SIZE || size > ED_PHYS_SIZE - gpa)
        return -1;
    memcpy(buf, e->mem + gpa, size);
    return 0;
}

static void mark(uint64_t *bits, uint64_t page)
{
    bits[page / 64] |= 1ull << (page % 64);
}

static int mem_write(void *ctx, vmm_gpa_t gpa, const void *buf, unsigned size)
{
    struct ed_emu *e = ctx;
    if (gpa >= ED_PHYS_SIZE || size > ED_PHYS_SIZE - gpa)
        return -1;
    memcpy(e->mem + gpa, buf, size);
    mark(e->written, gpa / ED_PAGE);
    mark(e->written, (gpa + size - 1) / ED_PAGE);
    mark(e->dirty, gpa / ED_PAGE);
    mark(e->dirty, (gpa + size - 1) / ED_PAGE);
    return 0;
}

/* Makes the side's memory the case's image, touching only pages either defines. */
void ed_restore_image(uint8_t *mem, uint64_t *dirty, const struct ed_case *c)
{
    for (unsigned w = 0; w < ED_BITMAP_WORDS; w++) {
        for (uint64_t bits = dirty[w] | c->used[w]; bits; bits &= bits - 1) {
            uint64_t page = (uint64_t)w * 64 + (unsigned)__builtin_ctzll(bits);
            if (c->used[w] & (1ull << (page % 64)))
                memcpy(mem + page * ED_PAGE, c->mem + page * ED_PAGE, ED_PAGE);
            else
                memset(mem + page * ED_PAGE, 0, ED_PAGE);
        }
        dirty[w] = c->used[w];
    }
}

static void set_seg(struct x86_segment *s, uint16_t sel, uint64_t base, uint32_t ar)
{
    *s = (struct x86_segment){.selector = sel, .base = base, .limit = 0xffffffffu, .ar = ar};
}

static void load_state(struct x86_cpu_state *st, const struct ed_case *c)
{
    memset(st, 0, sizeof *st);
    memcpy(st->gpr, c->regs.gpr, sizeof st->gpr);
    st->rip = c->regs.rip;
    st->rflags = c->regs.rflags;
    for (unsigned i = 0; i < X86_SEG_COUNT; i++)
        set_seg(&st->seg[i], 0x10, 0, 0xc093); /* flat data, present, DPL 0 */
    set_seg(&st->seg[X86_CS], 0x08, 0, 0xa09b); /* 64-bit code, DPL 0 */
    st->seg[X86_FS].base = c->fs_base;
    st->seg[X86_GS].base = c->gs_base;
    st->cr0 = c->cr0;
    st->cr3 = c->cr3;
    st->cr4 = c->cr4;
    st->efer = c->efer;
    st->xcr0 = c->xcr0;
    st->maxphyaddr = 40; /* Unicorn's CPU models */
    st->gbpages = true;
    for (unsigned i = 0; i < 16; i++)
        memcpy(st->vec[i].q, c->regs.xmm[i], 16);
}

static void save_regs(struct ed_regs *r, const struct x86_cpu_state *st)
{
    memcpy(r->gpr, st->gpr, sizeof r->gpr);
    r->rip = st->rip;
    r->rflags = st->rflags;
    for (unsigned i = 0; i < 16; i++)
        memcpy(r->xmm[i], st->vec[i].q, 16);
}

void ed_emu_run(struct ed_emu *e, const struct ed_case *c, struct ed_outcome *out)
{
    memset(out, 0, sizeof *out);
    ed_restore_image(e->mem, e->dirty, c);
    e->written = out->written;
    out->mem = e->mem;

    struct x86_cpu_state st;
    load_state(&st, c);
    const struct x86_emul_mem mem = {mem_read, mem_write, e};
    const struct x86_emul_options opt = {.max_rep_iterations = c->max_rep};
    struct x86_emul_result res;
    out->kind = ED_DONE;
    for (unsigned calls = 0; calls < ED_REP_CALL_LIMIT; calls++) {
        memset(&res, 0, sizeof res);
        if (x86_emulate(&st, &mem, &opt, &res) != 0) {
            out->kind = ED_FAILED;
            out->why = "x86_emulate refused its arguments";
            break;
        }
        if (res.outcome == X86_EMUL_DONE && res.rep_incomplete)
            continue;
        if (res.outcome == X86_EMUL_EXCEPTION) {
            out->kind = ED_EXCEPTION;
            out->vector = res.vector;
            out->has_error_code = res.has_error_code;
            out->error_code = res.error_code;
            out->cr2 = res.cr2;
        } else if (res.outcome == X86_EMUL_UNSUPPORTED) {
            out->kind = ED_UNSUPPORTED;
            out->why = res.why ? res.why : "unsupported";
        } else if (res.outcome == X86_EMUL_MEM_FAILED) {
            out->kind = ED_FAILED;
            out->why = "a memory callback refused (address outside the image)";
        }
        break;
    }
    save_regs(&out->regs, &st);
}
