/* SPDX-License-Identifier: Apache-2.0 */
/* The emulator's test guest (emul_testing.h). */
#include "emul_testing.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

struct t_guest tg;

#define PML4 0xe0000ull
#define TABLES_START 0xe1000ull
#define TABLES_END 0xf0000ull

static uint8_t *backing(vmm_gpa_t gpa, unsigned size)
{
    if (gpa < T_RAM_SIZE && gpa + size <= T_RAM_SIZE)
        return tg.ram + gpa;
    if (gpa >= T_MMIO_GPA && gpa + size <= T_MMIO_GPA + T_MMIO_SIZE)
        return tg.mmio + (gpa - T_MMIO_GPA);
    return NULL;
}

static bool is_mmio(vmm_gpa_t gpa)
{
    return gpa >= T_MMIO_GPA;
}

static int access(vmm_gpa_t gpa, void *buf, unsigned size, bool write)
{
    assert_true(size >= 1 && size <= 32);
    assert_true((gpa & 0xfff) + size <= 0x1000); /* the contract: within one page */
    if (tg.fail_rc && tg.fail_gpa >= gpa && tg.fail_gpa < gpa + size)
        return tg.fail_rc;
    uint8_t *p = backing(gpa, size);
    if (!p)
        return -100;
    if (write)
        memcpy(p, buf, size);
    else
        memcpy(buf, p, size);
    if (is_mmio(gpa) && tg.nlog < T_MAX_LOG) {
        struct t_access *a = &tg.log[tg.nlog++];
        a->write = write;
        a->gpa = gpa;
        a->size = size;
        memcpy(a->bytes, p, size);
    } else if (!is_mmio(gpa) && write) {
        tg.ram_writes++;
    }
    return 0;
}

static int mem_read(void *ctx, vmm_gpa_t gpa, void *buf, unsigned size)
{
    (void)ctx;
    return access(gpa, buf, size, false);
}

static int mem_write(void *ctx, vmm_gpa_t gpa, const void *buf, unsigned size)
{
    (void)ctx;
    return access(gpa, (void *)(uintptr_t)buf, size, true);
}

struct x86_emul_mem t_mem(void)
{
    return (struct x86_emul_mem){mem_read, mem_write, NULL};
}

uint64_t t_peek(vmm_gpa_t gpa, unsigned size)
{
    uint8_t *p = backing(gpa, size);
    assert_non_null(p);
    uint64_t v = 0;
    memcpy(&v, p, size);
    return v;
}

void t_poke(vmm_gpa_t gpa, unsigned size, uint64_t value)
{
    uint8_t *p = backing(gpa, size);
    assert_non_null(p);
    memcpy(p, &value, size);
}

void t_reset(void)
{
    memset(&tg, 0, sizeof(tg));
    tg.next_table = TABLES_START;
    tg.max_rep = 1;
}

static vmm_gpa_t table_entry(vmm_gpa_t table, vmm_gva_t gva, unsigned level, bool create)
{
    vmm_gpa_t e = table + ((gva >> (12 + 9 * (level - 1))) & 511) * 8;
    if (!create)
        return e;
    uint64_t v = t_peek(e, 8);
    if (!(v & T_P)) {
        assert_true(tg.next_table < TABLES_END);
        v = tg.next_table | T_P | T_RW | T_US;
        tg.next_table += 0x1000;
        t_poke(e, 8, v);
    }
    return e;
}

void t_map(const struct x86_cpu_state *st, vmm_gva_t gva, vmm_gpa_t gpa, uint64_t flags)
{
    vmm_gpa_t table = st->cr3 & ~0xfffull;
    for (unsigned level = 4; level > 1; level--)
        table = t_peek(table_entry(table, gva, level, true), 8) & 0x000ffffffffff000ull;
    t_poke(table_entry(table, gva, 1, false), 8, (gpa & ~0xfffull) | flags);
}

void t_seg(struct x86_cpu_state *st, unsigned seg, uint64_t base, uint32_t limit, uint32_t ar)
{
    st->seg[seg].base = base;
    st->seg[seg].limit = limit;
    st->seg[seg].ar = ar;
}

static void flat(struct x86_cpu_state *st, uint32_t code_ar)
{
    for (unsigned s = 0; s < X86_SEG_COUNT; s++)
        t_seg(st, s, 0, 0xffffffffu, T_AR_DATA);
    t_seg(st, X86_CS, 0, 0xffffffffu, code_ar);
}

struct x86_cpu_state t_state64(void)
{
    struct x86_cpu_state st = {
        .rflags = 2,
        .cr0 = 0x80050033ull, /* PG AM WP NE ET MP PE */
        .cr3 = PML4,
        .cr4 = (1u << 5) | (1u << 9) | (1u << 10) | (1u << 18), /* PAE OSFXSR OSXMMEXCPT OSXSAVE */
        .efer = 0xd00, /* NXE LMA LME */
        .xcr0 = 7,
        .maxphyaddr = 46,
    };
    flat(&st, T_AR_CODE64);
    for (vmm_gva_t a = 0; a < T_RAM_SIZE; a += 0x1000)
        t_map(&st, a, a, T_P | T_RW);
    for (vmm_gva_t a = 0; a < T_MMIO_SIZE; a += 0x1000)
        t_map(&st, T_MMIO_GPA + a, T_MMIO_GPA + a, T_P | T_RW);
    return st;
}

struct x86_cpu_state t_state32(void)
{
    struct x86_cpu_state st = {
        .rflags = 2,
        .cr0 = 0x00050033ull,
        .cr4 = (1u << 9) | (1u << 10),
        .maxphyaddr = 46,
    };
    flat(&st, T_AR_CODE32);
    return st;
}

struct x86_cpu_state t_state16(void)
{
    struct x86_cpu_state st = t_state32();
    for (unsigned s = 0; s < X86_SEG_COUNT; s++)
        t_seg(&st, s, 0, 0xffff, 0x93);
    t_seg(&st, X86_CS, 0, 0xffff, 0x9b);
    return st;
}

struct x86_cpu_state t_state_real(void)
{
    struct x86_cpu_state st = t_state16();
    st.cr0 = 0x10;
    return st;
}

struct x86_cpu_state t_state_vm86(void)
{
    struct x86_cpu_state st = t_state16();
    st.rflags |= 1u << 17;
    for (unsigned s = 0; s < X86_SEG_COUNT; s++)
        t_seg(&st, s, 0, 0xffff, 0xf3);
    return st;
}

struct x86_emul_result t_run_bytes(struct x86_cpu_state *st, const uint8_t *b, size_t n)
{
    struct x86_emul_mem mem = t_mem();
    struct x86_emul_options opt = {.max_rep_iterations = tg.max_rep};
    struct x86_emul_result r;
    memset(&r, 0xa5, sizeof(r)); /* the emulator must set what it reports */
    assert_int_equal(x86_emulate_bytes(st, &mem, &opt, b, n, &r), VMM_OK);
    return r;
}

struct x86_emul_result t_run_fetch(struct x86_cpu_state *st, uint64_t rip, const uint8_t *b,
                                   size_t n)
{
    assert_true(rip + n <= T_RAM_SIZE);
    memcpy(tg.ram + rip, b, n);
    st->rip = rip;
    struct x86_emul_mem mem = t_mem();
    struct x86_emul_options opt = {.max_rep_iterations = tg.max_rep};
    struct x86_emul_result r;
    memset(&r, 0xa5, sizeof(r));
    assert_int_equal(x86_emulate(st, &mem, &opt, &r), VMM_OK);
    return r;
}

void t_expect_done(const struct x86_emul_result *r)
{
    if (r->outcome != X86_EMUL_DONE)
        print_error("outcome %d vector %u ec %#x why %s\n", r->outcome, r->vector, r->error_code,
                    r->outcome == X86_EMUL_DONE ? "" : r->why);
    assert_int_equal(r->outcome, X86_EMUL_DONE);
}

void t_expect_exception(const struct x86_emul_result *r, unsigned vector, uint32_t error_code)
{
    if (r->outcome != X86_EMUL_EXCEPTION)
        print_error("outcome %d why %s\n", r->outcome,
                    r->outcome == X86_EMUL_DONE ? "" : r->why);
    assert_int_equal(r->outcome, X86_EMUL_EXCEPTION);
    assert_int_equal(r->vector, vector);
    if (r->has_error_code)
        assert_int_equal(r->error_code, error_code);
}
