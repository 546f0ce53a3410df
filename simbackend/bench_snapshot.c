/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark: getting a simulated processor back to a clean guest for the
 * next fuzz input, then running that guest to its first exit.
 *
 *   bazel run --config=opt //simbackend:bench_snapshot [-- iterations runs]
 *
 * The guest (8 MiB of guest RAM: guest_image.h puts its page tables at
 * 5 MiB) clears 16 KiB with REP STOSQ and exits on CPUID. Snapshot: restore the
 * snapshot taken before its VMLAUNCH, VMLAUNCH. The peer, measured in the
 * same run on a second sim: what a VMM does for a new VM through the seam
 * (guest RAM zeroed, page tables and GDT written, VMCLEAR, VMPTRLD, the
 * VMCS written, the code written), VMLAUNCH. Prints min/median per
 * iteration and the ratio of the medians.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_image.h"
#include "simbackend/snapshot.h"
#include "tools/bench/bench.h"

#define MIB (1ull << 20)

/* mov edi, GUEST_DATA; mov ecx, 2048; xor eax, eax; rep stosq; cpuid; jmp $ */
static const uint8_t code[] = {0xbf, 0x00, 0x00, 0x60, 0x00, 0xb9, 0x00, 0x08, 0x00, 0x00,
                               0x31, 0xc0, 0xf3, 0x48, 0xab, 0x0f, 0xa2, 0xeb, 0xfe};

struct machine {
    struct sim *sim;
    struct sim_engine *eng;
    struct vmm_cpu *cpu;
    vmm_hpa_t vmcs;
    struct vmm_guest_gprs gprs;
};

static void die(const char *what)
{
    fprintf(stderr, "bench_snapshot: %s failed\n", what);
    exit(1);
}

static vmm_hpa_t region(struct machine *m)
{
    struct vmm_host_page p;
    if (m->cpu->ops->alloc_page(m->cpu, &p) != VMM_OK)
        die("alloc_page");
    uint32_t rev = sim_caps(m->sim)->revision_id;
    memcpy(p.hva, &rev, 4);
    return p.hpa;
}

/* The guest as a new VM gets it: memory, VMCS, code (VMXON already done). */
static void build_guest(struct machine *m)
{
    struct sim_guest_ram ram = sim_guest_ram(m->sim);
    memset(sim_host_mem(m->sim) + ram.hpa, 0, ram.size);
    sim_note_host_write(m->sim);
    if (m->cpu->ops->vmclear(m->cpu, m->vmcs).outcome != VMX_SUCCEED ||
        m->cpu->ops->vmptrld(m->cpu, m->vmcs).outcome != VMX_SUCCEED)
        die("VMCLEAR/VMPTRLD");
    if (guest_image_memory(m->cpu) != VMM_OK ||
        guest_image_vmcs(m->cpu, sim_caps(m->sim), BASE_LONG64) != VMM_OK ||
        m->cpu->ops->gpa_write(m->cpu, GUEST_CODE, code, sizeof code) != VMM_OK)
        die("guest set-up");
    memset(&m->gprs, 0, sizeof m->gprs);
}

static void machine_make(struct machine *m)
{
    struct sim_config cfg = sim_config_default();
    cfg.guest_ram_size = 8 * MIB;
    cfg.host_mem_size = 16 * MIB;
    if (sim_create(&cfg, &m->sim) != VMM_OK || sim_engine_create(m->sim, NULL, &m->eng) != VMM_OK)
        die("sim_create/sim_engine_create");
    m->cpu = sim_cpu(m->sim);
    vmm_hpa_t vmxon = region(m);
    m->vmcs = region(m);
    if (m->cpu->ops->vmxon(m->cpu, vmxon).outcome != VMX_SUCCEED)
        die("VMXON");
    build_guest(m);
}

static void launch(struct machine *m)
{
    uint64_t reason = 0;
    if (m->cpu->ops->enter_guest(m->cpu, VMM_LAUNCH, &m->gprs).outcome != VMX_SUCCEED ||
        m->cpu->ops->vmread(m->cpu, VMCS_ENC_VM_EXIT_REASON, &reason).outcome != VMX_SUCCEED ||
        reason != 10)
        die("the run to the CPUID exit");
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 2000;
    int runs = argc > 2 ? atoi(argv[2]) : 7;
    if (n <= 0 || runs <= 0 || runs > 99)
        die("arguments");
    struct machine snap_m, peer;
    machine_make(&snap_m);
    machine_make(&peer);
    struct sim_snapshot *snap;
    if (sim_snapshot_create(snap_m.eng, &snap) != VMM_OK)
        die("sim_snapshot_create");
    struct vmm_guest_gprs gprs0 = snap_m.gprs;

    double t_snap[99], t_peer[99];
    for (int r = -1; r < runs; r++) { /* r = -1 warms both */
        double t0 = bench_wall_seconds();
        for (long i = 0; i < n; i++) {
            sim_snapshot_restore(snap);
            snap_m.gprs = gprs0;
            launch(&snap_m);
        }
        double t1 = bench_wall_seconds();
        for (long i = 0; i < n; i++) {
            build_guest(&peer);
            launch(&peer);
        }
        double t2 = bench_wall_seconds();
        if (r >= 0) {
            t_snap[r] = (t1 - t0) / (double)n;
            t_peer[r] = (t2 - t1) / (double)n;
        }
    }
    sim_snapshot_restore(snap);
    struct sim_snapshot_stats st = sim_snapshot_last_sync(snap);
    bench_sort(t_snap, (size_t)runs);
    bench_sort(t_peer, (size_t)runs);
    printf("clean guest + run to its first exit, %d runs of %ld (min / median, microseconds):\n",
           runs, n);
    printf("  snapshot restore, VMLAUNCH                           %8.2f / %8.2f us\n",
           t_snap[0] * 1e6, t_snap[runs / 2] * 1e6);
    printf("  new VM through the seam (RAM zeroed), VMLAUNCH       %8.2f / %8.2f us\n",
           t_peer[0] * 1e6, t_peer[runs / 2] * 1e6);
    printf("  peer / snapshot (medians): %.2f\n", t_peer[runs / 2] / t_snap[runs / 2]);
    printf("  a restore after one run: %llu pages copied back, %llu compared\n",
           (unsigned long long)st.pages_copied, (unsigned long long)st.pages_compared);
    sim_snapshot_destroy(snap);
    sim_engine_destroy(snap_m.eng);
    sim_destroy(snap_m.sim);
    sim_engine_destroy(peer.eng);
    sim_destroy(peer.sim);
    return 0;
}
