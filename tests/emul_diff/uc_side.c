/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Unicorn side of the oracle: one 64-bit engine per process (a
 * Skylake-server model: MOVBE, SMEP/SMAP, 1 GiB pages), 4 MiB of
 * guest-physical memory mapped from a host buffer, paging on with the
 * case's own tables (UC_TLB_CPU: Unicorn walks them). Per case: the
 * touched pages restored, translated code dropped, control registers and
 * registers written (CR3 last, which flushes the TLB), then single steps
 * (count = 1) until RIP leaves the instruction, which completes a REP
 * string instruction one iteration per step. Exceptions arrive at the
 * INTR hook; the error code comes from the private context layout of
 * this exact Unicorn version (reference/unicorn.md section 5.6), guarded by
 * a version and size check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "emul_diff.h"
#include "layout.h"

#define UC211_VERSION 0x20101ffu
#define UC211_CTX_SIZE 5552u
#define UC211_OFF_ERROR_CODE 5372u
#define UC211_OFF_OLD_EXC 5484u

/*
 * Identity-mapping tables (2 MiB pages over the 4 MiB) at pages no case
 * uses: uc_ctl_remove_cache translates the linear address it is given, so
 * the stale code is dropped through these (a translation that faults
 * would leave a pending exception behind and the next fault becomes #DF).
 */
#define ED_UC_IDENTITY_PAGE 200u

/* Single steps while RIP stays on a REP instruction; more counts as a hang. */
#define ED_UC_STEP_LIMIT 4096u

struct ed_uc {
    uc_engine *uc;
    uint8_t *mem;
    uint64_t dirty[ED_BITMAP_WORDS];
    uc_context *ctx;
    uc_context *base;    /* the CPU as opened: every case starts from it */
    bool ec_ok;
    uint64_t cr0, cr4, efer;
    uint64_t base_cr0, base_cr4, base_efer;
    /* the current run */
    bool exception;
    uint8_t vector;
    uint32_t error_code;
    uint64_t *written;
};

static void mark(uint64_t *bits, uint64_t page)
{
    if (page < ED_PHYS_PAGES)
        bits[page / 64] |= 1ull << (page % 64);
}

static void on_intr(uc_engine *uc, uint32_t intno, void *ud)
{
    struct ed_uc *u = ud;
    u->exception = true;
    u->vector = (uint8_t)intno;
    u->error_code = 0;
    if (u->ec_ok && uc_context_save(uc, u->ctx) == UC_ERR_OK) {
        uint8_t *blob = (uint8_t *)u->ctx;
        int32_t none = -1;
        memcpy(&u->error_code, blob + UC211_OFF_ERROR_CODE, 4);
        memcpy(blob + UC211_OFF_OLD_EXC, &none, 4); /* no #DF escalation on the next fault */
        uc_context_restore(uc, u->ctx);
    }
    uc_emu_stop(uc);
}

static bool on_invalid(uc_engine *uc, void *ud)
{
    struct ed_uc *u = ud;
    u->exception = true;
    u->vector = 6;
    u->error_code = 0;
    uc_emu_stop(uc);
    return true;
}

static void on_write(uc_engine *uc, uc_mem_type type, uint64_t gpa, int size, int64_t value, void *ud)
{
    (void)uc, (void)type, (void)value;
    struct ed_uc *u = ud;
    mark(u->written, gpa / ED_PAGE);
    mark(u->written, (gpa + (uint64_t)size - 1) / ED_PAGE);
    mark(u->dirty, gpa / ED_PAGE);
    mark(u->dirty, (gpa + (uint64_t)size - 1) / ED_PAGE);
}

static int write_msr(uc_engine *uc, uint32_t index, uint64_t value)
{
    uc_x86_msr m = {index, value};
    return uc_reg_write(uc, UC_X86_REG_MSR, &m) == UC_ERR_OK ? 0 : -1;
}

void ed_uc_close(struct ed_uc *u)
{
    if (!u)
        return;
    if (u->ctx)
        uc_context_free(u->ctx);
    if (u->base)
        uc_context_free(u->base);
    if (u->uc)
        uc_close(u->uc);
    free(u->mem);
    free(u);
}

struct ed_uc *ed_uc_open(char *err, size_t errlen)
{
    struct ed_uc *u = calloc(1, sizeof *u);
    uc_err rc = UC_ERR_NOMEM;
    const char *step = "allocation";
    if (!u || !(u->mem = calloc(1, ED_PHYS_SIZE)))
        goto fail;
    step = "uc_open";
    if ((rc = uc_open(UC_ARCH_X86, UC_MODE_64, &u->uc)) != UC_ERR_OK)
        goto fail;
    step = "CPU model";
    if ((rc = uc_ctl_set_cpu_model(u->uc, UC_CPU_X86_SKYLAKE_SERVER)) != UC_ERR_OK)
        goto fail;
    step = "memory";
    if ((rc = uc_mem_map_ptr(u->uc, 0, ED_PHYS_SIZE, UC_PROT_ALL, u->mem)) != UC_ERR_OK)
        goto fail;
    step = "hooks";
    uc_hook h;
    if ((rc = uc_hook_add(u->uc, &h, UC_HOOK_INTR, (void *)on_intr, u, 1, 0)) != UC_ERR_OK ||
        (rc = uc_hook_add(u->uc, &h, UC_HOOK_INSN_INVALID, (void *)on_invalid, u, 1, 0)) !=
            UC_ERR_OK ||
        (rc = uc_hook_add(u->uc, &h, UC_HOOK_MEM_WRITE, (void *)on_write, u, 1, 0)) != UC_ERR_OK)
        goto fail;
    step = "context";
    if ((rc = uc_context_alloc(u->uc, &u->ctx)) != UC_ERR_OK)
        goto fail;
    u->ec_ok = uc_version(NULL, NULL) == UC211_VERSION && uc_context_size(u->uc) == UC211_CTX_SIZE;
    uint64_t *id = (uint64_t *)(u->mem + (uint64_t)ED_UC_IDENTITY_PAGE * ED_PAGE);
    id[0] = (ED_UC_IDENTITY_PAGE + 1ull) * ED_PAGE | 3;
    id[512] = (ED_UC_IDENTITY_PAGE + 2ull) * ED_PAGE | 3;
    id[1024] = 0x83, id[1025] = 0x200083;
    /* long mode with paging: CR4.PAE before CR0.PG (reference/unicorn.md 4.2) */
    step = "control registers";
    u->cr4 = 0x20 | 0x200 | 0x400;
    u->cr0 = 0x80000033ull;
    u->efer = 0xd00;
    uint64_t cr3 = 0x1000;
    if (write_msr(u->uc, 0xc0000080, u->efer) != 0 ||
        (rc = uc_reg_write(u->uc, UC_X86_REG_CR4, &u->cr4)) != UC_ERR_OK ||
        (rc = uc_reg_write(u->uc, UC_X86_REG_CR3, &cr3)) != UC_ERR_OK ||
        (rc = uc_reg_write(u->uc, UC_X86_REG_CR0, &u->cr0)) != UC_ERR_OK)
        goto fail;
    /*
     * Raw bytes can change what no case restores by itself (MOV to CR0
     * through an ignored VEX prefix, segment loads, a far jump to 32-bit
     * code): each case starts from this context.
     */
    step = "base context";
    if ((rc = uc_context_alloc(u->uc, &u->base)) != UC_ERR_OK ||
        (rc = uc_context_save(u->uc, u->base)) != UC_ERR_OK)
        goto fail;
    u->base_cr0 = u->cr0, u->base_cr4 = u->cr4, u->base_efer = u->efer;
    return u;
fail:
    snprintf(err, errlen, "Unicorn: %s failed: %s", step, uc_strerror(rc));
    ed_uc_close(u);
    return NULL;
}

bool ed_uc_has_error_codes(const struct ed_uc *u)
{
    return u->ec_ok;
}

static const int gpr_ids[X86_GPR_COUNT] = {
    UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX,
    UC_X86_REG_RSP, UC_X86_REG_RBP, UC_X86_REG_RSI, UC_X86_REG_RDI,
    UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
    UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
};

static int write_regs(struct ed_uc *u, const struct ed_case *c)
{
    uc_engine *uc = u->uc;
    int ids[X86_GPR_COUNT + 4 + 16];
    const void *vals[X86_GPR_COUNT + 4 + 16];
    unsigned n = 0;
    for (unsigned i = 0; i < X86_GPR_COUNT; i++)
        ids[n] = gpr_ids[i], vals[n++] = &c->regs.gpr[i];
    ids[n] = UC_X86_REG_RIP, vals[n++] = &c->regs.rip;
    ids[n] = UC_X86_REG_RFLAGS, vals[n++] = &c->regs.rflags;
    ids[n] = UC_X86_REG_FS_BASE, vals[n++] = &c->fs_base;
    ids[n] = UC_X86_REG_GS_BASE, vals[n++] = &c->gs_base;
    for (unsigned i = 0; i < 16; i++)
        ids[n] = UC_X86_REG_XMM0 + (int)i, vals[n++] = c->regs.xmm[i];
    if (uc_reg_write_batch(uc, ids, (void *const *)vals, (int)n) != UC_ERR_OK)
        return -1;
    if (c->efer != u->efer && write_msr(uc, 0xc0000080, c->efer) != 0)
        return -1;
    u->efer = c->efer;
    if (c->cr4 != u->cr4 && uc_reg_write(uc, UC_X86_REG_CR4, &c->cr4) != UC_ERR_OK)
        return -1;
    u->cr4 = c->cr4;
    if (c->cr0 != u->cr0 && uc_reg_write(uc, UC_X86_REG_CR0, &c->cr0) != UC_ERR_OK)
        return -1;
    u->cr0 = c->cr0;
    /* the code bytes changed under the host buffer: drop what was translated there */
    uint64_t identity = (uint64_t)ED_UC_IDENTITY_PAGE * ED_PAGE;
    if (uc_reg_write(uc, UC_X86_REG_CR3, &identity) != UC_ERR_OK)
        return -1;
    uc_ctl_remove_cache(uc, (uint64_t)ED_CODE_PAGE * ED_PAGE, (ED_CODE_PAGE + 2ull) * ED_PAGE);
    /* CR3 last: a write flushes the TLB, even of the same value */
    return uc_reg_write(uc, UC_X86_REG_CR3, &c->cr3) == UC_ERR_OK ? 0 : -1;
}

static void read_regs(uc_engine *uc, struct ed_regs *r)
{
    int ids[X86_GPR_COUNT + 2 + 16];
    void *vals[X86_GPR_COUNT + 2 + 16];
    unsigned n = 0;
    for (unsigned i = 0; i < X86_GPR_COUNT; i++)
        ids[n] = gpr_ids[i], vals[n++] = &r->gpr[i];
    ids[n] = UC_X86_REG_RIP, vals[n++] = &r->rip;
    ids[n] = UC_X86_REG_RFLAGS, vals[n++] = &r->rflags;
    for (unsigned i = 0; i < 16; i++)
        ids[n] = UC_X86_REG_XMM0 + (int)i, vals[n++] = r->xmm[i];
    uc_reg_read_batch(uc, ids, vals, (int)n);
}

/*
 * LOCK 0F A3/AB/B3/BB/BA with a register operand: Unicorn 2.1.1 ends the
 * process ("tcg fatal error") instead of raising #UD. MOV to a debug
 * register (DR5 is DR7 with CR4.DE = 0) can arm a breakpoint, which
 * crashes it (reference/unicorn.md 5.3).
 */
static bool aborts_unicorn(const struct ed_case *c)
{
    struct ed_opcode o;
    ed_scan_opcode(c->bytes, c->len, &o);
    uint8_t op = o.opcode;
    bool bt = op == 0xa3 || op == 0xab || op == 0xb3 || op == 0xbb || op == 0xba;
    if (o.vex || o.map != X86_MAP_0F)
        return false;
    return (o.lock && bt && o.has_modrm && (o.modrm >> 6) == 3) || op == 0x23;
}

static bool writes_code(const struct ed_outcome *out)
{
    for (unsigned p = ED_CODE_PAGE; p < ED_CODE_PAGE + 2; p++)
        if (out->written[p / 64] & (1ull << (p % 64)))
            return true;
    return false;
}

void ed_uc_run(struct ed_uc *u, const struct ed_case *c, struct ed_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (aborts_unicorn(c)) {
        out->kind = ED_NOT_RUN;
        out->why = "the instruction would end the Unicorn process";
        out->mem = c->mem;
        return;
    }
    u->written = out->written;
    out->mem = u->mem;
    ed_restore_image(u->mem, u->dirty, c);
    uc_context_restore(u->uc, u->base);
    u->cr0 = u->base_cr0, u->cr4 = u->base_cr4, u->efer = u->base_efer;
    if (write_regs(u, c) != 0) {
        out->kind = ED_FAILED;
        out->why = "Unicorn refused the register state";
        return;
    }
    out->kind = ED_DONE;
    uint64_t rip = c->regs.rip;
    for (unsigned step = 0; step < ED_UC_STEP_LIMIT; step++) {
        u->exception = false;
        uc_err rc = uc_emu_start(u->uc, rip, 0, 0, 1);
        if (u->exception) {
            out->kind = ED_EXCEPTION;
            out->vector = u->vector;
            out->error_code = u->error_code;
            out->has_error_code = u->ec_ok && (u->vector == 8 || (u->vector >= 10 && u->vector <= 14) ||
                                               u->vector == 17);
            if (u->vector == 14)
                uc_reg_read(u->uc, UC_X86_REG_CR2, &out->cr2);
            break;
        }
        if (rc != UC_ERR_OK) {
            out->kind = ED_FAILED;
            out->why = uc_strerror(rc);
            break;
        }
        uint64_t now;
        uc_reg_read(u->uc, UC_X86_REG_RIP, &now);
        if (now != rip)
            break;
        if (writes_code(out)) {
            /* self-modifying: Unicorn restarts the instruction, count = 1 never completes it */
            out->kind = ED_NOT_RUN;
            out->why = "the instruction writes its own code page";
            break;
        }
    }
    read_regs(u->uc, &out->regs);
}
