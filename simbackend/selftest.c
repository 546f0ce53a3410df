/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The engine depends on two private fields of Unicorn 2.1.1's CPU context
 * (reference/unicorn.md §5.6): the pending exception's error code, which no
 * API returns, and old_exception, which must be reset after every exception
 * the model takes over or the next fault escalates to #DF. Their offsets
 * belong to one package build, so every engine checks them before use: the
 * version and context size, then three page faults whose error codes are
 * known (not-present read 0, not-present write 2, read-only write with
 * CR0.WP 3), each with 14 as the old exception, and a fourth after the
 * resets that must still arrive as 14 (a wrong reset offset makes it #DF).
 * The segment caches and hflags segcache.c writes are located the same way
 * (values written through the API must appear where it expects them).
 */
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

#define ST_MEM 0x20000ull  /* scratch memory, GPA 0 */
#define ST_CR3 0x1000ull   /* PML4; PDPT 0x2000; PD 0x3000; PT 0x4000 */
#define ST_CODE 0x8000ull
#define ST_ABSENT 0x10000ull   /* not present */
#define ST_READONLY 0x11000ull /* present, read-only */

struct st_fault {
    uint32_t vector;
    int32_t error_code;
    int32_t old_exception;
    bool seen;
};

struct st_ctx {
    uc_context *ctx;
    struct st_fault f;
};

static void st_intr(uc_engine *uc, uint32_t intno, void *user)
{
    struct st_ctx *c = user;
    uint8_t *blob = (uint8_t *)c->ctx;
    uc_context_save(uc, c->ctx);
    c->f.vector = intno;
    memcpy(&c->f.error_code, blob + UC211_OFF_ERROR_CODE, 4);
    memcpy(&c->f.old_exception, blob + UC211_OFF_OLD_EXC, 4);
    c->f.seen = true;
    int32_t none = -1;
    memcpy(blob + UC211_OFF_OLD_EXC, &none, 4);
    uc_context_restore(uc, c->ctx);
    uc_emu_stop(uc);
}

uint32_t eng_take_error_code(uc_engine *uc, uc_context *ctx)
{
    uint8_t *blob = (uint8_t *)ctx;
    int32_t code, none = -1;
    uc_context_save(uc, ctx);
    memcpy(&code, blob + UC211_OFF_ERROR_CODE, 4);
    memcpy(blob + UC211_OFF_OLD_EXC, &none, 4);
    uc_context_restore(uc, ctx);
    return (uint32_t)code;
}

static void put64(uint8_t *m, uint64_t at, uint64_t v)
{
    memcpy(m + at, &v, 8);
}

/* One access that must fault: the instruction at ST_CODE + 8 * i. */
static bool st_fault(uc_engine *uc, struct st_ctx *c, unsigned i, int32_t want_code)
{
    c->f = (struct st_fault){0};
    uint64_t rip = ST_CODE + 8 * i;
    if (uc_emu_start(uc, rip, 0, 0, 1) != UC_ERR_OK || !c->f.seen)
        return false;
    uint64_t now = 0;
    uc_reg_read(uc, UC_X86_REG_RIP, &now);
    return c->f.vector == 14 && c->f.error_code == want_code && c->f.old_exception == 14 &&
           now == rip;
}

int eng_selftest(uc_engine *uc, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    if (uc_version(NULL, NULL) != 0x20101ff) {
        *why = "the linked Unicorn is not 2.1.1";
        return VMM_E_UNSUPPORTED;
    }
    if (uc_context_size(uc) != UC211_CTX_SIZE) {
        *why = "Unicorn's context size is not 5552 bytes (another build of 2.1.1?)";
        return VMM_E_UNSUPPORTED;
    }
    uint8_t *mem = calloc(1, ST_MEM);
    struct st_ctx c = {0};
    uc_hook hook = 0;
    int rc = VMM_E_UNSUPPORTED;
    *why = "Unicorn refused the self-test set-up";
    if (!mem || uc_context_alloc(uc, &c.ctx) != UC_ERR_OK)
        goto out;
    if (uc_mem_map_ptr(uc, 0, ST_MEM, UC_PROT_ALL, mem) != UC_ERR_OK)
        goto out;
    /* 4-level tables: the first 2 MiB through one page table, identity. */
    put64(mem, ST_CR3, 0x2000 | 3);
    put64(mem, 0x2000, 0x3000 | 3);
    put64(mem, 0x3000, 0x4000 | 3);
    for (uint64_t p = 0; p < ST_MEM; p += 0x1000)
        put64(mem, 0x4000 + p / 0x1000 * 8, p | 3);
    put64(mem, 0x4000 + ST_ABSENT / 0x1000 * 8, 0);
    put64(mem, 0x4000 + ST_READONLY / 0x1000 * 8, ST_READONLY | 1);
    static const uint8_t code[3][8] = {
        {0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x01, 0x00}, /* mov rax, [0x10000] */
        {0x48, 0x89, 0x04, 0x25, 0x00, 0x00, 0x01, 0x00}, /* mov [0x10000], rax */
        {0x48, 0x89, 0x04, 0x25, 0x00, 0x10, 0x01, 0x00}, /* mov [0x11000], rax */
    };
    memcpy(mem + ST_CODE, code, sizeof code);
    uint64_t cr3 = ST_CR3, cr4 = 0x20, cr0 = 0x80010033, rsp = 0x7000;
    uc_x86_msr efer = {VMM_MSR_IA32_EFER, 0x500};
    if (uc_reg_write(uc, UC_X86_REG_CR3, &cr3) || uc_reg_write(uc, UC_X86_REG_CR4, &cr4) ||
        uc_reg_write(uc, UC_X86_REG_MSR, &efer) || uc_reg_write(uc, UC_X86_REG_CR0, &cr0) ||
        uc_reg_write(uc, UC_X86_REG_RSP, &rsp))
        goto out;
    if (uc_hook_add(uc, &hook, UC_HOOK_INTR, (void *)st_intr, &c, 1, 0) != UC_ERR_OK)
        goto out;
    *why = "the segment caches or hflags are not at the expected context offsets";
    if (!seg_layout_ok(uc, c.ctx))
        goto out;
    *why = "#PF error codes or old_exception are not at the expected context offsets";
    if (!st_fault(uc, &c, 0, 0) || !st_fault(uc, &c, 1, 2) || !st_fault(uc, &c, 2, 3) ||
        !st_fault(uc, &c, 0, 0))
        goto out;
    *why = NULL;
    rc = VMM_OK;
out:
    if (hook)
        uc_hook_del(uc, hook);
    uc_mem_unmap(uc, 0, ST_MEM);
    uc_ctl_flush_tb(uc);
    uc_ctl_flush_tlb(uc);
    if (c.ctx)
        uc_context_free(c.ctx);
    free(mem);
    return rc;
}

int sim_engine_selftest(const char **why)
{
    uc_engine *uc;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK) {
        if (why)
            *why = "uc_open failed";
        return VMM_E_UNSUPPORTED;
    }
    int rc = eng_selftest(uc, why);
    uc_close(uc);
    return rc;
}
