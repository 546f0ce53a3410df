/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo guest, run: simulated processor -> core/vm -> standard
 * handlers and devices -> vmm_vcpu_run one exit at a time, each call
 * timed with CLOCK_MONOTONIC -> the guest's output and a table of exits.
 */
#include "run_guest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demo_guest_abi.h"
#include "simbackend/engine.h"
#include "simbackend/sim.h"
#include "vmm/debugport.h"
#include "vmm/handlers.h"
#include "vmm/hypercall.h"
#include "vmm/mailbox.h"
#include "vmm/textbuf.h"
#include "vmm/uart16550.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"
#include "vmm/vmcs_access.h"

_Static_assert(DEMO_HC_VERSION == VMM_HC_VERSION && DEMO_HC_PRINT == VMM_HC_PRINT &&
                   DEMO_HC_EXIT == VMM_HC_EXIT,
               "demo_guest_abi.h follows vmm/hypercall.h");

/* The guest program (demo_guest.S), in this binary's read-only data. */
extern const uint8_t demo_guest_start[], demo_guest_end[];

#define RAM_SIZE (16ull << 20)
#define GUEST_LOAD 0x100000ull /* entry point; the stack grows down from here */
#define MMIO_GPA 0x2000000ull  /* 32 MiB: above guest RAM, in a 2 MiB page of its own */
#define MAX_CALLS 100000u      /* the guest needs about a thousand exits */

enum { EXIT_OK = 0, EXIT_GUEST_FAILED = 1, EXIT_NO_EXECUTION = 3 };

/* Host time per basic exit reason. */
struct exit_times {
    uint64_t count[VMX_EXIT_REASON_COUNT];
    uint64_t ns[VMX_EXIT_REASON_COUNT];
    uint64_t calls, total_ns;
};

struct demo {
    const char *profile;
    struct sim *sim;
    struct sim_engine *eng;
    struct vmm_cpu *cpu;
    struct vmx_caps caps;
    struct vmm_platform platform;
    struct vmm_uart16550 uart;
    struct vmm_debugport debugport;
    struct vmm_byte_sink serial, console, debug;
    uint8_t serial_buf[8192], console_buf[4096], debug_buf[1024];
    struct vmm_mailbox mailbox;
    bool use_ept;
    struct vmm_vm vm;
    bool vm_made;
    struct vmm_vcpu vcpu;
    struct exit_times times;
    unsigned mmio_completed;
    char log_buf[4096];
    struct vmm_textbuf log; /* what the demo's own handler did, printed after the run */
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t exits_so_far(const struct vmm_vcpu *v)
{
    uint64_t n = v->stats.unknown_reasons;
    for (unsigned r = 0; r < VMX_EXIT_REASON_COUNT; r++)
        n += v->stats.exits[r];
    return n;
}

/*
 * One vmm_vcpu_run call with a budget of one exit, timed. The time is
 * charged to the reason of the exit the call handled (if it got one).
 */
static int run_one(struct demo *d)
{
    uint64_t before = exits_so_far(&d->vcpu);
    uint64_t t0 = now_ns();
    int stop = vmm_vcpu_run(&d->vcpu, 1);
    uint64_t dt = now_ns() - t0;
    d->times.calls++;
    d->times.total_ns += dt;
    if (exits_so_far(&d->vcpu) != before && d->vcpu.exit.reason < VMX_EXIT_REASON_COUNT) {
        d->times.count[d->vcpu.exit.reason]++;
        d->times.ns[d->vcpu.exit.reason] += dt;
    }
    return stop;
}

/*
 * EPT violations: logged, then handled by the core's handler, which finds
 * the MMIO region and has the x86 instruction emulator perform the access
 * at RIP (the guest's `mov dword ptr [r15], eax`) on the demo mailbox.
 */
static enum vmm_exit_action demo_ept_violation(struct vmm_vcpu *v, const struct vmm_exit *e,
                                               void *ctx)
{
    struct demo *d = ctx;
    struct vmx_qual_ept q;
    uint64_t rip, after;
    if (vmx_qual_ept_decode(e->qualification, &q) != VMM_OK ||
        vmm_vmread(v->cpu, VMCS_GUEST_RIP, &rip) != VMM_OK)
        return vmm_handle_ept_violation(v, e, &d->platform);

    char line[256];
    snprintf(line, sizeof line,
             "EPT violation (exit 48) at RIP %#llx: GPA %#llx, qualification %#llx = %s%s%s "
             "access, EPT rights %s%s%s%s, guest-linear %#llx%s\n",
             (unsigned long long)rip, (unsigned long long)e->guest_physical,
             (unsigned long long)e->qualification, q.read ? "read " : "", q.write ? "write " : "",
             q.fetch ? "fetch " : "", q.readable ? "R" : "-", q.writable ? "W" : "-",
             q.executable ? "X" : "-",
             !(q.readable || q.writable || q.executable) ? " (not mapped: an MMIO hole)" : "",
             (unsigned long long)e->guest_linear,
             q.gla_valid ? (q.final_translation ? " (the access itself)" : " (a paging access)")
                         : " (not valid)");
    tb_puts(&d->log, line);

    enum vmm_exit_action a = vmm_handle_ept_violation(v, e, &d->platform);
    if (a != VMM_EXIT_RESUME || vmm_vmread(v->cpu, VMCS_GUEST_RIP, &after) != VMM_OK)
        return a;
    d->mmio_completed++;
    const struct vmm_mmio_region *r = d->platform.last_mmio;
    snprintf(line, sizeof line,
             "  emulated by the core's x86 emulator: %llu-byte instruction, device \"%s\" "
             "(RIP %#llx -> %#llx)\n",
             (unsigned long long)(after - rip), r ? r->name : "?", (unsigned long long)rip,
             (unsigned long long)after);
    tb_puts(&d->log, line);
    return a;
}

static int make_platform(struct demo *d)
{
    struct vmm_platform *p = &d->platform;
    int rc = vmm_platform_init(p, &d->caps, vmm_cpuid_profile_find("generic-intel64"), 0);
    if (rc != VMM_OK)
        return rc;
    vmm_byte_sink_init(&d->serial, d->serial_buf, sizeof d->serial_buf);
    vmm_byte_sink_init(&d->console, d->console_buf, sizeof d->console_buf);
    vmm_byte_sink_init(&d->debug, d->debug_buf, sizeof d->debug_buf);
    vmm_uart16550_init(&d->uart, &d->serial);
    vmm_debugport_init(&d->debugport, &d->debug);
    p->hc.console = &d->console;
    rc = vmm_port_bus_add(&p->ports, DEMO_COM1, 8, true, &vmm_uart16550_ops, &d->uart, "COM1");
    if (rc == VMM_OK)
        rc = vmm_port_bus_add(&p->ports, VMM_DEBUGPORT_PORT, 1, true, &vmm_debugport_ops,
                              &d->debugport, "debug port");
    d->mailbox = (struct vmm_mailbox){0};
    if (rc == VMM_OK && d->use_ept)
        rc = vmm_mmio_register(&p->mmio, MMIO_GPA, 0x1000, &vmm_mailbox_ops, &d->mailbox,
                               "demo mailbox");
    return rc;
}

static void print_vm(const struct demo *d)
{
    const struct vmm_vm *vm = &d->vm;
    printf("VM: %llu MiB guest RAM at GPA 0, guest code at %#llx, system area %#llx-%#llx\n",
           (unsigned long long)(vm->cfg.ram_size >> 20), (unsigned long long)vm->cfg.entry,
           (unsigned long long)vm->layout.base, (unsigned long long)vm->layout.end);
    printf("    controls: pin %#llx, primary %#llx, secondary %#llx, exit %#llx, entry %#llx\n",
           (unsigned long long)vm->ctl[VMM_CTL_PIN], (unsigned long long)vm->ctl[VMM_CTL_PROC],
           (unsigned long long)vm->ctl[VMM_CTL_PROC2], (unsigned long long)vm->ctl[VMM_CTL_EXIT],
           (unsigned long long)vm->ctl[VMM_CTL_ENTRY]);
    printf("    features:%s%s%s%s%s", (vm->features & VMM_VM_F_EPT) ? " EPT" : " no-EPT",
           (vm->features & VMM_VM_F_VPID) ? " VPID" : "",
           (vm->features & VMM_VM_F_UNRESTRICTED) ? " unrestricted-guest" : "",
           (vm->features & VMM_VM_F_LOAD_EFER) ? " load/save-EFER" : "",
           (vm->features & VMM_VM_F_LOAD_PAT) ? " load/save-PAT" : "");
    if (vm->features & VMM_VM_F_EPT)
        printf(", EPTP %#llx, MMIO hole %#llx (demo mailbox)", (unsigned long long)vm->eptp,
               (unsigned long long)MMIO_GPA);
    printf("\n");
}

/* Builds the VM (with or without EPT) and loads the guest; prints why not. */
static int make_vm(struct demo *d)
{
    struct sim_guest_ram ram = sim_guest_ram(d->sim);
    struct vmm_vm_config cfg = {
        .ram_gpa = ram.gpa,
        .ram_hpa = ram.hpa,
        .ram_size = ram.size,
        .entry = GUEST_LOAD,
        .rsp = GUEST_LOAD,
        .use_ept = d->use_ept,
    };
    if (d->use_ept) {
        cfg.mmio_holes[0] = (struct vmm_vm_mmio_hole){MMIO_GPA, 0x1000};
        cfg.mmio_hole_count = 1;
    }
    struct vmm_vm_error err;
    int rc = vmm_vm_create(&d->vm, d->cpu, &d->caps, &cfg, &err);
    if (rc != VMM_OK) {
        char buf[512];
        struct vmm_textbuf tb;
        tb_init(&tb, buf, sizeof buf);
        vmm_vm_error_describe(&err, &tb);
        fprintf(stderr, "demo: cannot create the VM: %s\n", buf);
        return rc;
    }
    d->vm_made = true;
    rc = vmm_vm_load(&d->vm, GUEST_LOAD, demo_guest_start,
                     (size_t)(demo_guest_end - demo_guest_start));
    if (rc != VMM_OK)
        fprintf(stderr, "demo: cannot load the guest: %s\n", vmm_strerror(rc));
    return rc;
}

static void drop_vm(struct demo *d)
{
    if (d->vm_made)
        (void)vmm_vm_destroy(&d->vm);
    d->vm_made = false;
}

/* Runs until a stop other than the budget. */
static int run_until_stop(struct demo *d)
{
    int stop;
    do
        stop = run_one(d);
    while (stop == VMM_STOP_BUDGET && d->times.calls < MAX_CALLS);
    return stop;
}

/* Whether the stop is the engine refusing a guest that passed every VM-entry check. */
static bool engine_refused(const struct demo *d, int stop)
{
    return stop == VMM_STOP_VMFAIL && d->vcpu.entry_status.outcome == VMX_FAULT_UD &&
           sim_last_entry(d->sim)->outcome == VMX_ENTRY_OK &&
           sim_engine_last(d->eng)->refusal != SIM_ENGINE_RAN;
}

/* One attempt: VM, platform, vCPU, run. Returns the vCPU's stop or a negative error. */
static int attempt(struct demo *d)
{
    d->times = (struct exit_times){0};
    d->mmio_completed = 0;
    tb_init(&d->log, d->log_buf, sizeof d->log_buf);
    int rc = make_platform(d);
    if (rc != VMM_OK) {
        fprintf(stderr, "demo: cannot set up the platform: %s\n", vmm_strerror(rc));
        return rc;
    }
    if ((rc = make_vm(d)) != VMM_OK)
        return rc;
    vmm_vcpu_init(&d->vcpu, d->cpu);
    vmm_platform_install(&d->platform, &d->vcpu);
    vmm_vcpu_bind(&d->vcpu, VMX_EXIT_EPT_VIOLATION, demo_ept_violation, d);
    d->vcpu.gprs.rdi = d->use_ept ? MMIO_GPA : 0;
    return run_until_stop(d);
}

static void print_sink(const char *title, const struct vmm_byte_sink *s)
{
    printf("---- %s: %zu bytes%s ----\n", title, s->len, s->dropped ? " (some dropped)" : "");
    fwrite(s->buf, 1, s->len, stdout);
    if (s->len && s->buf[s->len - 1] != '\n')
        printf("\n");
}

static void print_exit_table(const struct demo *d)
{
    const struct exit_times *t = &d->times;
    printf("---- VM exits ----\n");
    printf("  %-28s %7s %12s %10s\n", "exit reason", "count", "mean (us)", "total (ms)");
    uint64_t n = 0, ns = 0;
    for (unsigned r = 0; r < VMX_EXIT_REASON_COUNT; r++) {
        if (!t->count[r])
            continue;
        char name[40];
        snprintf(name, sizeof name, "%u %s", r, vmx_exit_info_of(r)->title);
        printf("  %-28s %7llu %12.1f %10.2f\n", name, (unsigned long long)t->count[r],
               (double)t->ns[r] / (double)t->count[r] / 1e3, (double)t->ns[r] / 1e6);
        n += t->count[r];
        ns += t->ns[r];
    }
    printf("  %-28s %7llu %12.1f %10.2f\n", "all exits", (unsigned long long)n,
           n ? (double)ns / (double)n / 1e3 : 0.0, (double)ns / 1e6);
    printf("  (vCPU statistics: %llu VM entries, %llu exits)\n",
           (unsigned long long)d->vcpu.stats.entries, (unsigned long long)exits_so_far(&d->vcpu));
    printf("Host time per exit: wall time (CLOCK_MONOTONIC) of one vmm_vcpu_run(vcpu, 1) call,\n"
           "charged to the exit it handled. A call holds the VM entry (the sim checks it with\n"
           "the core's validator), Unicorn interpreting the guest's instructions up to the exit\n"
           "(translating them the first time they run), reading the exit and its handler.\n"
           "It is the cost on a simulated processor, not on VMX hardware.\n");
}

static void print_stop(const struct demo *d, int stop)
{
    printf("vCPU stopped: %s", stop >= 0 ? vmm_stop_name((enum vmm_stop)stop) : "error");
    if (d->vcpu.note)
        printf(" (%s)", d->vcpu.note);
    printf("\n");
    if (d->vcpu.dump[0])
        printf("%s\n", d->vcpu.dump);
}

static int start_sim(struct demo *d)
{
    struct sim_config cfg = sim_config_default();
    cfg.profile = d->profile;
    cfg.guest_ram_size = RAM_SIZE;
    int rc = sim_create(&cfg, &d->sim);
    if (rc != VMM_OK) {
        fprintf(stderr, "demo: cannot create the simulated processor \"%s\": %s\n", d->profile,
                vmm_strerror(rc));
        return EXIT_GUEST_FAILED;
    }
    d->cpu = sim_cpu(d->sim);
    d->caps = *sim_caps(d->sim);
    rc = sim_engine_create(d->sim, NULL, &d->eng);
    if (rc != VMM_OK) {
        const char *why = "";
        if (rc == VMM_E_UNSUPPORTED)
            (void)sim_engine_selftest(&why);
        printf("demo: guest execution is not available: the simulated backend's engine "
               "(Unicorn) could not be created: %s%s%s\n",
               vmm_strerror(rc), *why ? ": " : "", why);
        return EXIT_NO_EXECUTION;
    }
    return EXIT_OK;
}

/* After the exit hypercall: resume once; the guest's code says HLT comes next. */
static bool resume_to_halt(struct demo *d)
{
    int stop = run_one(d);
    return stop == VMM_STOP_HANDLER && d->vcpu.exit.reason == VMX_EXIT_HLT;
}

static int report(struct demo *d, int stop)
{
    struct vmm_hypercall_state *hc = &d->platform.hc;
    bool exited = stop == VMM_STOP_HANDLER && hc->exited;
    bool halted = exited && resume_to_halt(d);
    print_sink("guest serial output (16550 at 3F8H)", &d->serial);
    print_sink("guest hypercall console (VMM_HC_PRINT)", &d->console);
    if (d->debug.len)
        print_sink("guest debug port (E9H)", &d->debug);
    printf("---- the run ----\n");
    if (d->log.len)
        printf("%s", d->log_buf);
    if (d->use_ept)
        printf("demo mailbox (MMIO at %#llx): %u store(s), value %#x\n",
               (unsigned long long)MMIO_GPA, d->mailbox.writes, d->mailbox.value);
    if (exited) {
        printf("guest called VMM_HC_EXIT with status %llu; the demo resumed it once more: %s\n",
               (unsigned long long)hc->exit_status,
               halted ? "it executed HLT (HLT exit), as its code says" : "it did NOT halt");
    } else {
        print_stop(d, stop);
    }
    print_exit_table(d);
    return exited && halted && hc->exit_status == DEMO_EXIT_OK ? EXIT_OK : EXIT_GUEST_FAILED;
}

int demo_run_guest(const char *profile)
{
    struct demo *d = calloc(1, sizeof *d);
    if (!d) {
        fprintf(stderr, "demo: out of memory\n");
        return EXIT_GUEST_FAILED;
    }
    d->profile = profile;
    printf("libvmm demo: a 64-bit guest on the simulated VMX processor (profile %s)\n", profile);
    int status = start_sim(d);
    if (status != EXIT_OK)
        goto out;

    d->use_ept = (d->caps.ctl[VMM_CTL_PROC2].allowed1 & VMX_PROC2_ENABLE_EPT) != 0;
    int stop = attempt(d);
    if (stop >= 0 && engine_refused(d, stop) &&
        sim_engine_last(d->eng)->refusal == SIM_ENGINE_EPT) {
        printf("note: the VM passed every VM-entry check with EPT, but the simulated backend\n"
               "      cannot run EPT guests yet (engine: \"%s\").\n"
               "      Running it again without EPT: no MMIO hole, so the guest skips its MMIO "
               "store.\n",
               sim_engine_last(d->eng)->what);
        drop_vm(d);
        d->use_ept = false;
        stop = attempt(d);
    }
    if (stop < 0) {
        status = EXIT_GUEST_FAILED;
        goto out;
    }
    if (engine_refused(d, stop)) {
        const struct sim_engine_status *s = sim_engine_last(d->eng);
        printf("demo: guest execution is not available for this VM: every VM-entry check "
               "passed, but the simulated backend's engine refused to run it (%s, value %#llx)\n",
               s->what ? s->what : "no reason given", (unsigned long long)s->value);
        status = EXIT_NO_EXECUTION;
        goto out;
    }
    print_vm(d);
    status = report(d, stop);
out:
    drop_vm(d);
    sim_engine_destroy(d->eng);
    sim_destroy(d->sim);
    free(d);
    return status;
}
