/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark: VM exits per second through the simulated backend.
 *
 *   bazel run --config=opt //simbackend:bench_exits [-- round_trips runs [cpuid]]
 *
 * The guest loops on CPUID; every CPUID is a VM exit returned to the
 * caller, which does what a VMM does (VMREAD RIP and the instruction length,
 * VMWRITE RIP past it) and re-enters with VMRESUME. The peer, measured in
 * the same run: bare Unicorn with the same CPU model, a CPUID hook that
 * stops the emulation and a host loop that restarts it (the cheapest exit
 * Unicorn itself offers, reference/unicorn.md §9). Then guest code
 * between exits: a DEC/JNZ loop of 2 x 10^7 instructions in the sim (every
 * instruction passes the engine's counting hook) beside the same loop in
 * bare Unicorn without hooks. Prints min/median of several runs, the ratio
 * of the medians, and what one sim with a 64 MiB guest costs in resident
 * and virtual memory.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "guest_image.h"
#include "simbackend/engine.h"
#include "tools/bench/bench.h"

#define MIB (1ull << 20)

static void min_median(double *v, int n, double *min, double *median)
{
    bench_sort(v, (size_t)n);
    *min = v[0];
    *median = v[n / 2];
}

/* VmRSS and VmSize of this process, in KiB. */
static void memory_kib(long *rss, long *vsize)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    *rss = *vsize = -1;
    while (f && fgets(line, sizeof line, f)) {
        sscanf(line, "VmRSS: %ld", rss);
        sscanf(line, "VmSize: %ld", vsize);
    }
    if (f)
        fclose(f);
}

static void die(const char *what)
{
    fprintf(stderr, "bench_exits: %s failed\n", what);
    exit(1);
}

/* ---- the sim ---- */

struct bench_sim {
    struct sim *sim;
    struct sim_engine *eng;
    struct vmm_cpu *cpu;
    struct vmm_guest_gprs gprs;
};

static const uint8_t cpuid_loop[] = {0x0f, 0xa2, 0xeb, 0xfc}; /* 1: cpuid; jmp 1b */
/* mov ecx, 10^7; 1: dec rcx; jnz 1b; cpuid; (then the CPUID loop above) */
static const uint8_t alu_loop[] = {0xb9, 0x80, 0x96, 0x98, 0x00, 0x48, 0xff, 0xc9,
                                   0x75, 0xfb, 0x0f, 0xa2, 0x0f, 0xa2, 0xeb, 0xfc};
#define ALU_INSNS (2 * 10000000.0 + 1)
#define ALU_CODE (GUEST_CODE + 0x100)

static vmm_hpa_t region(struct bench_sim *b)
{
    struct vmm_host_page p;
    if (b->cpu->ops->alloc_page(b->cpu, &p) != VMM_OK)
        die("alloc_page");
    uint32_t rev = sim_caps(b->sim)->revision_id;
    memcpy(p.hva, &rev, 4);
    return p.hpa;
}

static void sim_setup(struct bench_sim *b, uint64_t guest_ram)
{
    struct sim_config cfg = sim_config_default();
    cfg.profile = "modern";
    cfg.guest_ram_size = guest_ram;
    cfg.host_mem_size = guest_ram + 16 * MIB;
    if (sim_create(&cfg, &b->sim) != VMM_OK)
        die("sim_create");
    if (sim_engine_create(b->sim, NULL, &b->eng) != VMM_OK)
        die("sim_engine_create");
    b->cpu = sim_cpu(b->sim);
    vmm_hpa_t vmxon = region(b), vmcs = region(b);
    if (b->cpu->ops->vmxon(b->cpu, vmxon).outcome != VMX_SUCCEED ||
        b->cpu->ops->vmclear(b->cpu, vmcs).outcome != VMX_SUCCEED ||
        b->cpu->ops->vmptrld(b->cpu, vmcs).outcome != VMX_SUCCEED)
        die("VMXON/VMCLEAR/VMPTRLD");
    if (guest_image_memory(b->cpu) != VMM_OK ||
        guest_image_vmcs(b->cpu, sim_caps(b->sim), BASE_LONG64) != VMM_OK)
        die("guest set-up");
    if (b->cpu->ops->gpa_write(b->cpu, GUEST_CODE, cpuid_loop, sizeof cpuid_loop) != VMM_OK ||
        b->cpu->ops->gpa_write(b->cpu, ALU_CODE, alu_loop, sizeof alu_loop) != VMM_OK)
        die("gpa_write");
    memset(&b->gprs, 0, sizeof b->gprs);
}

static uint64_t vmread(struct bench_sim *b, uint32_t enc)
{
    uint64_t v;
    if (b->cpu->ops->vmread(b->cpu, enc, &v).outcome != VMX_SUCCEED)
        die("VMREAD");
    return v;
}

/* One exit: enter, check it was CPUID, move RIP past it. */
static void round_trip(struct bench_sim *b, enum vmm_entry_kind kind)
{
    if (b->cpu->ops->enter_guest(b->cpu, kind, &b->gprs).outcome != VMX_SUCCEED ||
        vmread(b, VMCS_ENC_VM_EXIT_REASON) != 10)
        die("CPUID exit");
    uint64_t rip = vmread(b, VMCS_ENC_GUEST_RIP) + vmread(b, VMCS_ENC_VM_EXIT_INSTRUCTION_LEN);
    if (b->cpu->ops->vmwrite(b->cpu, VMCS_ENC_GUEST_RIP, rip).outcome != VMX_SUCCEED)
        die("VMWRITE");
}

static double sim_rate(struct bench_sim *b, long n)
{
    double t0 = bench_wall_seconds();
    for (long i = 0; i < n; i++)
        round_trip(b, VMM_RESUME);
    return (double)n / (bench_wall_seconds() - t0);
}

/* Guest instructions per second: one entry runs the DEC/JNZ loop to its CPUID. */
static double sim_alu_rate(struct bench_sim *b)
{
    if (b->cpu->ops->vmwrite(b->cpu, VMCS_ENC_GUEST_RIP, ALU_CODE).outcome != VMX_SUCCEED)
        die("VMWRITE");
    double t0 = bench_wall_seconds();
    round_trip(b, VMM_RESUME);
    double rate = ALU_INSNS / (bench_wall_seconds() - t0);
    if (vmread(b, VMCS_ENC_GUEST_RIP) != ALU_CODE + 12)
        die("ALU loop");
    return rate;
}

/* ---- the peer: bare Unicorn ---- */

static int stop_on_cpuid(uc_engine *uc, void *user)
{
    (void)user;
    uc_emu_stop(uc);
    return 1; /* skip it */
}

static double bare_rate(uc_engine *uc, long n)
{
    double t0 = bench_wall_seconds();
    for (long i = 0; i < n; i++)
        if (uc_emu_start(uc, 0x1000, 0, 0, 0) != UC_ERR_OK)
            die("uc_emu_start");
    return (double)n / (bench_wall_seconds() - t0);
}

/* The same loop in bare Unicorn, no hooks: to the first CPUID's address. */
static double bare_alu_rate(uc_engine *uc)
{
    double t0 = bench_wall_seconds();
    if (uc_emu_start(uc, 0x2000, 0x2000 + 10, 0, 0) != UC_ERR_OK)
        die("uc_emu_start");
    return ALU_INSNS / (bench_wall_seconds() - t0);
}

static uc_engine *bare_setup(void *mem)
{
    uc_engine *uc;
    uc_hook h;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK ||
        uc_ctl_set_cpu_model(uc, UC_CPU_X86_SKYLAKE_CLIENT) != UC_ERR_OK ||
        uc_ctl_set_tcg_buffer_size(uc, 8 * MIB) != UC_ERR_OK ||
        uc_mem_map_ptr(uc, 0, 2 * MIB, UC_PROT_ALL, mem) != UC_ERR_OK ||
        uc_hook_add(uc, &h, UC_HOOK_INSN, (void *)stop_on_cpuid, NULL, 1, 0, UC_X86_INS_CPUID) !=
            UC_ERR_OK)
        die("Unicorn set-up");
    memcpy((uint8_t *)mem + 0x1000, cpuid_loop, sizeof cpuid_loop);
    memcpy((uint8_t *)mem + 0x2000, alu_loop, sizeof alu_loop);
    return uc;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    int runs = argc > 2 ? atoi(argv[2]) : 7;
    /* A third argument "cpuid" runs the exit loops only (for profiling them alone). */
    bool guest_code = argc <= 3 || strcmp(argv[3], "cpuid") != 0;
    if (n <= 0 || runs <= 0 || runs > 99)
        die("arguments");
    double sim[99], bare[99], sim_alu[99], bare_alu[99];

    struct bench_sim b;
    sim_setup(&b, 16 * MIB);
    round_trip(&b, VMM_LAUNCH);
    void *mem = calloc(1, 2 * MIB);
    if (!mem)
        die("calloc");
    uc_engine *uc = bare_setup(mem);
    sim_rate(&b, n / 10); /* warm both */
    bare_rate(uc, n / 10);
    for (int r = 0; r < runs; r++) {
        sim[r] = sim_rate(&b, n);
        bare[r] = bare_rate(uc, n);
    }
    if (guest_code) {
        sim_alu_rate(&b); /* warm */
        bare_alu_rate(uc);
    }
    for (int r = 0; r < runs; r++) {
        sim_alu[r] = guest_code ? sim_alu_rate(&b) : 0;
        bare_alu[r] = guest_code ? bare_alu_rate(uc) : 1;
    }
    uc_close(uc);
    free(mem);
    sim_engine_destroy(b.eng);
    sim_destroy(b.sim);

    double smin, smed, bmin, bmed;
    min_median(sim, runs, &smin, &smed);
    min_median(bare, runs, &bmin, &bmed);
    printf("CPUID exits, %d runs of %ld (min / median, exits per second):\n", runs, n);
    printf("  sim: VMRESUME -> CPUID exit -> VMREAD/VMWRITE RIP   %8.3f / %8.3f M/s  (%.0f ns/exit)\n",
           smin / 1e6, smed / 1e6, 1e9 / smed);
    printf("  bare Unicorn: CPUID hook stop -> restart           %8.3f / %8.3f M/s  (%.0f ns/exit)\n",
           bmin / 1e6, bmed / 1e6, 1e9 / bmed);
    printf("  sim / bare (medians): %.3f\n", smed / bmed);
    if (guest_code) {
        min_median(sim_alu, runs, &smin, &smed);
        min_median(bare_alu, runs, &bmin, &bmed);
        printf("guest code, DEC/JNZ loop of %.0f instructions (min / median, instructions per "
               "second):\n", ALU_INSNS);
        printf("  sim (counting hook on every instruction)           %8.1f / %8.1f M/s\n",
               smin / 1e6, smed / 1e6);
        printf("  bare Unicorn, no hooks                             %8.1f / %8.1f M/s\n",
               bmin / 1e6, bmed / 1e6);
        printf("  sim / bare (medians): %.3f\n", smed / bmed);
    }

    long rss0, vs0, rss1, vs1, rss2, vs2;
    memory_kib(&rss0, &vs0);
    sim_setup(&b, 64 * MIB);
    memory_kib(&rss1, &vs1);
    round_trip(&b, VMM_LAUNCH);
    for (int i = 0; i < 1000; i++)
        round_trip(&b, VMM_RESUME);
    memory_kib(&rss2, &vs2);
    printf("one sim with a 64 MiB guest (80 MiB host memory), engine included:\n");
    printf("  created: RSS +%ld KiB, VmSize +%ld KiB\n", rss1 - rss0, vs1 - vs0);
    printf("  after 1001 exits: RSS +%ld KiB (process RSS %ld KiB), VmSize +%ld KiB\n", rss2 - rss0,
           rss2, vs2 - vs0);
    sim_engine_destroy(b.eng);
    sim_destroy(b.sim);
    return 0;
}
