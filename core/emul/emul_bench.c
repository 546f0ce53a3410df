/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark: one MMIO MOV emulated end to end.
 *
 *   bazel run --config=opt //core/emul:bench_emul [-- iterations runs]
 *
 * The guest is in 64-bit mode with 4-level paging; `mov [rax], ecx` with
 * RAX in an MMIO page. x86_emulate fetches the instruction through CS and
 * the guest page walk, decodes it, walks again for the data address and
 * calls the device. Also measured: x86_emulate given the guest-linear and
 * guest-physical address an EPT violation reports (so only the fetch
 * walks), x86_emulate_bytes (the bytes known, as when the VM exit supplies
 * them) and the decoder alone. The peer, in the
 * same run: Unicorn 2.1.1 executing the same instruction into an MMIO
 * region (uc_mmio_map), one uc_emu_start per instruction, which is what an
 * emulator built on Unicorn would pay. Prints CPU ns per instruction, min
 * and median of several runs, and the ratio of the medians.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "emul_testing.h"
#include "tools/bench/bench.h"

static const uint8_t insn[] = {0x89, 0x08}; /* mov [rax], ecx */
static volatile uint64_t device_reg;

/* Guest memory: RAM is the test guest's array, the MMIO page one register. */
static int bench_read(void *ctx, vmm_gpa_t gpa, void *buf, unsigned size)
{
    (void)ctx;
    if (gpa >= T_MMIO_GPA) {
        memcpy(buf, (const void *)&device_reg, size < 8 ? size : 8);
        return 0;
    }
    memcpy(buf, tg.ram + gpa, size);
    return 0;
}

static int bench_write(void *ctx, vmm_gpa_t gpa, const void *buf, unsigned size)
{
    (void)ctx;
    if (gpa >= T_MMIO_GPA) {
        uint64_t v = 0;
        memcpy(&v, buf, size < 8 ? size : 8);
        device_reg = v;
        return 0;
    }
    memcpy(tg.ram + gpa, buf, size);
    return 0;
}

enum variant { EMULATE, EMULATE_KNOWN_GLA, EMULATE_BYTES, DECODE_ONLY, UNICORN, VARIANTS };
static const char *const names[VARIANTS] = {
    "x86_emulate (fetch + 2 page walks + decode + MMIO write)",
    "x86_emulate, the exit's GLA/GPA given (fetch walk only)",
    "x86_emulate_bytes (bytes given, 1 page walk)",
    "x86_decode only",
    "peer: Unicorn, uc_emu_start per MOV into uc_mmio_map",
};

static uint64_t uc_mmio_read(uc_engine *uc, uint64_t offset, unsigned size, void *user)
{
    (void)uc, (void)offset, (void)size, (void)user;
    return device_reg;
}

static void uc_mmio_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *user)
{
    (void)uc, (void)offset, (void)size, (void)user;
    device_reg = value;
}

static uc_engine *unicorn_setup(void)
{
    uc_engine *uc;
    static uint8_t code[4096];
    memcpy(code, insn, sizeof insn);
    uint64_t rax = T_MMIO_GPA, rcx = 0x12345678;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK ||
        uc_mem_map_ptr(uc, 0x1000, sizeof code, UC_PROT_ALL, code) != UC_ERR_OK ||
        uc_mmio_map(uc, T_MMIO_GPA, 0x1000, uc_mmio_read, NULL, uc_mmio_write, NULL) !=
            UC_ERR_OK ||
        uc_reg_write(uc, UC_X86_REG_RAX, &rax) != UC_ERR_OK ||
        uc_reg_write(uc, UC_X86_REG_RCX, &rcx) != UC_ERR_OK) {
        fprintf(stderr, "bench_emul: Unicorn setup failed\n");
        exit(1);
    }
    return uc;
}

static double run_once(enum variant v, long n, struct x86_cpu_state *st, uc_engine *uc)
{
    struct x86_emul_mem mem = {bench_read, bench_write, NULL};
    struct x86_emul_options opt = {.max_rep_iterations = 64};
    struct x86_emul_options known = {.has_gla = true, .gla_write = true, .gla = T_MMIO_GPA,
                                     .gpa = T_MMIO_GPA};
    struct x86_emul_result res;
    struct x86_insn decoded;
    double t0 = bench_cpu_seconds();
    for (long i = 0; i < n; i++) {
        switch (v) {
        case EMULATE:
            st->rip = T_CODE;
            if (x86_emulate(st, &mem, &opt, &res) || res.outcome != X86_EMUL_DONE)
                goto fail;
            break;
        case EMULATE_KNOWN_GLA:
            st->rip = T_CODE;
            if (x86_emulate(st, &mem, &known, &res) || res.outcome != X86_EMUL_DONE)
                goto fail;
            break;
        case EMULATE_BYTES:
            st->rip = T_CODE;
            if (x86_emulate_bytes(st, &mem, &opt, insn, sizeof insn, &res) ||
                res.outcome != X86_EMUL_DONE)
                goto fail;
            break;
        case DECODE_ONLY:
            if (x86_decode(insn, sizeof insn, X86_MODE_LONG64, &decoded) != X86_DECODE_OK)
                goto fail;
            break;
        default:
            if (uc_emu_start(uc, 0x1000, 0x1000 + sizeof insn, 0, 0) != UC_ERR_OK)
                goto fail;
            break;
        }
    }
    return (bench_cpu_seconds() - t0) / (double)n * 1e9;
fail:
    fprintf(stderr, "bench_emul: %s failed\n", names[v]);
    exit(1);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    int runs = argc > 2 ? atoi(argv[2]) : 7;
    if (n < 1 || runs < 1 || runs > 99)
        return 2;
    t_reset();
    struct x86_cpu_state st = t_state64();
    memcpy(tg.ram + T_CODE, insn, sizeof insn);
    st.gpr[X86_RAX] = T_MMIO_GPA;
    st.gpr[X86_RCX] = 0x12345678;
    uc_engine *uc = unicorn_setup();
    double median[VARIANTS];
    printf("MMIO MOV (mov [rax], ecx), %ld instructions x %d runs, ns per instruction:\n", n,
           runs);
    for (int v = 0; v < VARIANTS; v++) {
        double t[99];
        run_once((enum variant)v, n / 10 + 1, &st, uc); /* warm up */
        for (int r = 0; r < runs; r++)
            t[r] = run_once((enum variant)v, n, &st, uc);
        bench_sort(t, (size_t)runs);
        median[v] = t[runs / 2];
        printf("  %-58s min %8.1f  median %8.1f\n", names[v], t[0], median[v]);
    }
    if (device_reg != 0x12345678)
        return 1;
    printf("x86_emulate is %.1fx faster than the Unicorn peer (medians); "
           "<= 150 ns with two walks: %s, with the exit's GLA/GPA: %s\n",
           median[UNICORN] / median[EMULATE], median[EMULATE] <= 150 ? "yes" : "no",
           median[EMULATE_KNOWN_GLA] <= 150 ? "yes" : "no");
    uc_close(uc);
    return 0;
}
