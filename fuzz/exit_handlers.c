/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz harness: the core's exit handlers and run loop on the simulated
 * processor. The input (exit_handlers_input.h) picks a profile, EPT and a
 * few controls (HLT/RDTSC/CR3-load/unconditional-I/O exiting, MSR and I/O
 * bitmap pass-throughs) and the mode the guest starts in (64-bit,
 * compatibility, 32-bit protected without paging or real mode; the last
 * two through "unrestricted guest", hence EPT), then guest code run at the
 * entry point through vmm_vcpu_run, one exit at a time, for at most
 * EH_MAX_EXITS exits. vmm_vm_create builds a 64-bit guest; set_mode
 * rewrites its VMCS guest state (CR0/CR4/EFER, "IA-32e mode guest",
 * segments, RIP/RSP) before the first VMLAUNCH, which the invariant
 * below then checks.
 *
 * Bounds: the engine has no instruction budget of its own, so the harness
 * turns on the VMX-preemption timer (both profiles allow it) set to
 * expire within 1..256 instructions (header byte 3; a tick is 2^X
 * instructions, X = 0 for bochs-skylake-x, 5 for modern); an endless guest
 * loop exits at expiry, and HLT without anything to wake it skips to the
 * expiry too. Hence at most EH_MAX_EXITS entries of at most 256
 * instructions each (guest code walking through fresh memory costs a
 * translation per block, which is what makes long runs slow).
 *
 * Invariants, each an abort():
 *  - no crash or UB (the sanitizers);
 *  - after every exit a handler handled (the loop's budget stop, or a
 *    handler's own stop: HLT, exit hypercall), the current VMCS passes the
 *    VM-entry validator as a VMRESUME of a launched VMCS: a handler never
 *    leaves state the processor would refuse;
 *  - the first VMLAUNCH passes the checks (vmm_vm_create's promise);
 *  - the run never stops with a VM-entry failure or a VMfail from the
 *    checks, since the previous invariant already vouched for the state;
 *    the legitimate stops are: budget, a handler's stop, unhandled /
 *    fatal / unknown exits (an MMIO instruction the emulator does not
 *    support, triple faults, exits nobody binds), and the engine refusing
 *    or ending a guest it cannot run (SIM_ENGINE_*: a mode it cannot
 *    model, hung with IF = 0, ...);
 *  - determinism: a second run from a clean VM (restored, or new) gives
 *    the same exits (reason, RIP after handling) and the same stop. Done
 *    for every EH_SAMPLE-th input and those with EH_F_TWICE.
 *
 * One sim + engine per profile and EPT choice is kept, with a snapshot
 * (simbackend/snapshot.h) taken right after its VM was created: each input
 * restores it (processor, engine, VMCS, time, guest RAM and the VM's host
 * pages back as they were), then loads its code, controls and mode into the
 * VM and gets a new platform and vCPU, so inputs do not see each other
 * (a mode lives in the VMCS, which every reset rewrites).
 * EXIT_HANDLERS_FRESH in the environment measures the alternatives (see
 * README.md): "vm" destroys and creates the VM per input on a kept machine
 * (guest RAM zeroed, time aligned), "machine" (or "1") makes a new sim +
 * engine per input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_handlers_input.h"
#include "simbackend/engine.h"
#include "simbackend/sim.h"
#include "simbackend/snapshot.h"
#include "vmm/debugport.h"
#include "vmm/handlers.h"
#include "vmm/uart16550.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"
#include "vmm/vmcs_access.h"

#define RAM_SIZE (4ull << 20)
#define EH_MAX_EXITS 64u
#define EH_SAMPLE 16u

static const char *const profiles[2] = {"bochs-skylake-x", "modern"};

struct machine {
    struct sim *sim;
    struct sim_engine *eng;
    struct vmx_caps caps;
    struct sim_snapshot *snap; /* right after the VM's creation */
    struct vmm_vm vm;          /* the VM as the snapshot holds it */
    bool no_vm;                /* the profile cannot have this VM */
};

/* How each input starts from a clean machine. */
enum reset {
    RESET_SNAPSHOT, /* restore the machine's snapshot */
    RESET_VM,       /* destroy and create the VM (EXIT_HANDLERS_FRESH=vm) */
    RESET_MACHINE,  /* a new sim + engine (EXIT_HANDLERS_FRESH=machine or 1) */
};

/* What one run produced, for the determinism comparison. */
struct trace {
    unsigned n;
    uint16_t reason[EH_MAX_EXITS];
    uint64_t rip[EH_MAX_EXITS];
    int stop;
};

static struct {
    struct machine m[4]; /* profile | EPT << 1 */
    enum reset reset;
    bool trace; /* EXIT_HANDLERS_TRACE: print each run's exits and stop */
    unsigned inputs;
    /* Per run. */
    struct vmm_vm vm;
    struct vmm_vcpu vcpu;
    struct vmm_platform platform;
    struct vmm_uart16550 uart;
    struct vmm_debugport debugport;
    struct vmm_byte_sink serial, console, debug;
    uint8_t serial_buf[256], console_buf[256], debug_buf[256];
    uint32_t mmio_reg;
} s;

static _Noreturn void fail(const char *what, uint64_t a, uint64_t b)
{
    fprintf(stderr, "exit_handlers: INVARIANT VIOLATED: %s (%#llx, %#llx)\n", what,
            (unsigned long long)a, (unsigned long long)b);
    if (s.vcpu.dump[0])
        fprintf(stderr, "%s\n", s.vcpu.dump);
    abort();
}

/* ---- the machine ---- */

static void machine_make(struct machine *m, const char *profile)
{
    struct sim_config cfg = sim_config_default();
    cfg.profile = profile;
    cfg.guest_ram_size = RAM_SIZE;
    cfg.host_mem_size = 16ull << 20;
    if (sim_create(&cfg, &m->sim) != VMM_OK || sim_engine_create(m->sim, NULL, &m->eng) != VMM_OK)
        fail("cannot create the simulated processor", 0, 0);
    m->caps = *sim_caps(m->sim);
}

static void machine_drop(struct machine *m)
{
    sim_snapshot_destroy(m->snap);
    sim_engine_destroy(m->eng);
    sim_destroy(m->sim);
    *m = (struct machine){0};
}

/* ---- devices and handlers the harness adds ---- */

static int mmio_read(void *dev, uint64_t offset, unsigned size, uint64_t *value)
{
    (void)offset;
    (void)size;
    *value = *(uint32_t *)dev;
    return VMM_OK;
}

static int mmio_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    (void)offset;
    (void)size;
    *(uint32_t *)dev = (uint32_t)value;
    return VMM_OK;
}

static const struct vmm_mmio_ops mmio_ops = {mmio_read, mmio_write};

/* The preemption timer bounds the run: its exits just resume. */
static enum vmm_exit_action on_timer(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    (void)v;
    (void)e;
    (void)ctx;
    return VMM_EXIT_RESUME;
}

/* The host's idle timer interrupt (HLT without HLT exiting): acknowledge it and resume. */
static enum vmm_exit_action on_interrupt(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    (void)v;
    (void)e;
    while (sim_engine_ack_interrupt(ctx) >= 0)
        ;
    return VMM_EXIT_RESUME;
}

static uint64_t tsc_read(void *opaque)
{
    return sim_engine_tsc(opaque);
}

/* ---- one run ---- */

static int read_host(void *opaque, uint64_t addr, void *buf, size_t len)
{
    struct sim *sim = opaque;
    uint64_t size = sim_host_mem_size(sim);
    if (addr > size || len > size - addr)
        return VMM_E_FAULT;
    memcpy(buf, sim_host_mem(sim) + addr, len);
    return VMM_OK;
}

/* The VMCS as a handler left it must pass the checks as a VMRESUME. */
static void check_resumable(struct machine *m)
{
    struct vmx_entry_input in = {
        .vmcs = sim_vmcs(m->sim),
        .caps = &m->caps,
        .kind = VMM_RESUME,
        .launched = true,
        .host_lma = true,
        .current_vmcs_ptr = s.vm.vmcs.hpa,
        .vmxon_ptr = s.vm.vmxon.hpa,
        .read_phys = read_host,
        .read_opaque = m->sim,
    };
    struct vmx_entry_verdict v;
    if (!in.vmcs)
        fail("no current VMCS after a handled exit", 0, 0);
    if (!sim_vmcs_launched(m->sim))
        fail("the VMCS is not launched after a handled exit", 0, 0);
    if (vmx_entry_check(&in, &v) != VMM_OK || v.outcome != VMX_ENTRY_OK) {
        fprintf(stderr, "exit_handlers: last exit %u, check %s: %s\n", s.vcpu.exit.reason,
                v.check < VMX_CHECK_COUNT ? vmx_check_table[v.check].id : "?",
                v.check < VMX_CHECK_COUNT ? vmx_check_table[v.check].message : "?");
        fail("a handler left a state VMRESUME refuses (outcome, check)", v.outcome, v.check);
    }
}

/* Sets (on) or clears `bit` of control word `field` where the capabilities allow it. */
static void choose(struct vmm_cpu *cpu, const struct vmx_caps *caps, enum vmcs_field_id field,
                   enum vmm_ctl_kind kind, uint64_t bit, bool on)
{
    uint64_t v;
    if (vmm_vmread(cpu, field, &v) != VMM_OK)
        fail("cannot read a control word", field, 0);
    if (on && !(caps->ctl[kind].allowed1 & bit))
        return;
    if (!on && (caps->ctl[kind].allowed0 & bit))
        return;
    v = on ? v | bit : v & ~bit;
    if (vmm_vmwrite(cpu, field, v) != VMM_OK)
        fail("cannot write a control word", field, v);
}

enum { SEG_CS = 1 }; /* a row of vmcs_guest_seg_fields */

static void set_field(struct vmm_cpu *cpu, enum vmcs_field_id field, uint64_t value)
{
    if (vmm_vmwrite(cpu, field, value) != VMM_OK)
        fail("cannot write a guest-state field", field, value);
}

/* Every segment register: data segments `data`, CS `code`, as {selector, base, limit, AR}. */
static void set_segments(struct vmm_cpu *cpu, const uint64_t data[4], const uint64_t code[4])
{
    for (unsigned r = 0; r < 6; r++)
        for (unsigned i = 0; i < VMCS_SEG_PARTS; i++)
            set_field(cpu, vmcs_guest_seg_fields[r][i], r == SEG_CS ? code[i] : data[i]);
}

#define CR0_PE (1ull << 0)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)

/*
 * Turns vmm_vm_create's 64-bit guest into one starting in `mode` (see
 * exit_handlers_input.h), the way simbackend/modes_test.c sets each mode
 * up. The first VMLAUNCH's check vouches for the result. Real and 32-bit
 * protected mode leave paging off, which needs "unrestricted guest";
 * false when the profile lacks it (the guest stays in 64-bit mode).
 */
static bool set_mode(struct vmm_cpu *cpu, const struct vmx_caps *c, unsigned mode)
{
    if (mode == EH_MODE_COMPAT) { /* IA-32e paging and tables stay; CS D = 1, L = 0 */
        set_field(cpu, VMCS_GUEST_CS_AR_BYTES, 0xc09b);
        return true;
    }
    if (mode != EH_MODE_PROT32 && mode != EH_MODE_REAL)
        return true;
    if (!(c->ctl[VMM_CTL_PROC2].allowed1 & VMX_PROC2_UNRESTRICTED_GUEST))
        return false;
    choose(cpu, c, VMCS_SECONDARY_VM_EXEC_CONTROL, VMM_CTL_PROC2, VMX_PROC2_UNRESTRICTED_GUEST,
           true);
    choose(cpu, c, VMCS_VM_ENTRY_CONTROLS, VMM_CTL_ENTRY, VMX_ENTRY_IA32E_MODE_GUEST, false);
    /* EFER 0 (LME and LMA off): written where "load IA32_EFER" uses it. */
    (void)vmm_vmwrite(cpu, VMCS_GUEST_IA32_EFER, 0);
    uint64_t cr0 = (c->cr0_fixed0 & ~(CR0_PE | CR0_PG)) | CR0_ET | CR0_NE, cr4 = 0;
    if (mode == EH_MODE_PROT32)
        cr0 |= CR0_PE;
    if (vmm_vmread(cpu, VMCS_GUEST_CR4, &cr4) != VMM_OK)
        fail("cannot read the guest's CR4", 0, 0);
    set_field(cpu, VMCS_GUEST_CR0, cr0);
    set_field(cpu, VMCS_CR0_READ_SHADOW, cr0);
    set_field(cpu, VMCS_GUEST_CR4, cr4 & ~CR4_PAE);
    set_field(cpu, VMCS_GUEST_RFLAGS, 0x2);
    if (mode == EH_MODE_PROT32) { /* flat 32-bit CS 08H / data 10H; RIP, RSP as created */
        static const uint64_t data[4] = {VMM_VM_SEL_DATA, 0, 0xffffffff, 0xc093};
        static const uint64_t code[4] = {VMM_VM_SEL_CODE, 0, 0xffffffff, 0xc09b};
        set_segments(cpu, data, code);
        return true;
    }
    /* Real mode: CS:IP 1000H:0 is EH_ENTRY; SS:SP 0:0 pushes just below it; the IVT at 0. */
    static const uint64_t data[4] = {0, 0, 0xffff, 0x93};
    static const uint64_t code[4] = {EH_ENTRY >> 4, EH_ENTRY, 0xffff, 0x9b};
    set_segments(cpu, data, code);
    set_field(cpu, VMCS_GUEST_RIP, 0);
    set_field(cpu, VMCS_GUEST_RSP, 0);
    set_field(cpu, VMCS_GUEST_IDTR_BASE, 0);
    set_field(cpu, VMCS_GUEST_IDTR_LIMIT, 0x3ff);
    return true;
}

static void setup_platform(struct machine *m, uint8_t flags)
{
    struct vmm_platform *p = &s.platform;
    if (vmm_platform_init(p, &m->caps, vmm_cpuid_profile_find("generic-intel64"), 0) != VMM_OK)
        fail("vmm_platform_init", 0, 0);
    vmm_byte_sink_init(&s.serial, s.serial_buf, sizeof s.serial_buf);
    vmm_byte_sink_init(&s.console, s.console_buf, sizeof s.console_buf);
    vmm_byte_sink_init(&s.debug, s.debug_buf, sizeof s.debug_buf);
    vmm_uart16550_init(&s.uart, &s.serial);
    vmm_debugport_init(&s.debugport, &s.debug);
    p->hc.console = &s.console;
    p->hlt = (flags & EH_F_HLT_RESUME) ? VMM_HLT_RESUME : VMM_HLT_STOP;
    p->tsc = (struct vmm_tsc_source){tsc_read, m->eng};
    s.mmio_reg = 0;
    if (vmm_port_bus_add(&p->ports, 0x3f8, 8, true, &vmm_uart16550_ops, &s.uart, "COM1") !=
            VMM_OK ||
        vmm_port_bus_add(&p->ports, VMM_DEBUGPORT_PORT, 1, true, &vmm_debugport_ops,
                         &s.debugport, "debug port") != VMM_OK)
        fail("cannot add the ports", 0, 0);
    if ((flags & EH_F_EPT) &&
        vmm_mmio_register(&p->mmio, EH_MMIO_GPA, 0x1000, &mmio_ops, &s.mmio_reg, "register") !=
            VMM_OK)
        fail("cannot register the MMIO device", 0, 0);
}

/* A new VM (guest RAM zeroed first when `zero`); false when the profile cannot have it. */
static bool create_vm(struct machine *m, bool use_ept, bool zero)
{
    struct sim_guest_ram ram = sim_guest_ram(m->sim);
    /* Nothing of the previous input stays in guest RAM. */
    if (zero) {
        memset(sim_host_mem(m->sim) + ram.hpa, 0, ram.size);
        sim_note_host_write(m->sim);
    }
    while (sim_engine_ack_interrupt(m->eng) >= 0)
        ;
    struct vmm_vm_config cfg = {
        .ram_gpa = ram.gpa,
        .ram_hpa = ram.hpa,
        .ram_size = ram.size,
        .entry = EH_ENTRY,
        .rsp = EH_ENTRY,
        .use_ept = use_ept,
    };
    if (use_ept) {
        cfg.mmio_holes[0] = (struct vmm_vm_mmio_hole){EH_MMIO_GPA, 0x1000};
        cfg.mmio_hole_count = 1;
    }
    struct vmm_vm_error err;
    int rc = vmm_vm_create(&s.vm, sim_cpu(m->sim), &m->caps, &cfg, &err);
    if (rc == VMM_E_UNSUPPORTED)
        return false;
    if (rc != VMM_OK)
        fail("vmm_vm_create failed (rc, step)", (uint64_t)rc, err.step);
    return true;
}

/*
 * A reused machine's time goes on from input to input, and the
 * preemption timer ticks at multiples of 2^X of it, so where a timer exit
 * lands depends on the time modulo 2^X. A HLT that only the timer ends
 * (HLT exiting off, timer 1) skips time to such a multiple: after it, the
 * input runs as on a new machine. (The guest's TSC starts at 0 through
 * TSC offsetting, set in setup_vm.)
 */
static void align_time(struct machine *m)
{
    static const uint8_t hlt = 0xf4;
    struct vmm_cpu *cpu = sim_cpu(m->sim);
    if (!m->caps.preemption_timer_shift || !create_vm(m, false, false))
        return;
    if (vmm_vm_load(&s.vm, EH_ENTRY, &hlt, 1) != VMM_OK)
        fail("vmm_vm_load failed", 1, 0);
    choose(cpu, &m->caps, VMCS_PIN_BASED_VM_EXEC_CONTROL, VMM_CTL_PIN, VMX_PIN_PREEMPTION_TIMER,
           true);
    choose(cpu, &m->caps, VMCS_CPU_BASED_VM_EXEC_CONTROL, VMM_CTL_PROC, VMX_PROC_HLT_EXITING,
           false);
    if (vmm_vmwrite(cpu, VMCS_VMX_PREEMPTION_TIMER_VALUE, 1) != VMM_OK)
        fail("cannot write the preemption timer value", 1, 0);
    vmm_vcpu_init(&s.vcpu, cpu);
    int stop = vmm_vcpu_run(&s.vcpu, 1);
    if (stop != VMM_STOP_UNKNOWN_EXIT || s.vcpu.exit.reason != VMX_EXIT_PREEMPTION_TIMER)
        fail("aligning time failed (stop, reason)", (uint64_t)stop, s.vcpu.exit.reason);
    if (vmm_vm_destroy(&s.vm) != VMM_OK)
        fail("vmm_vm_destroy failed", 0, 0);
}

/*
 * The machine's VM as it was right after its creation: the snapshot
 * restored, or on first use the VM created and the snapshot taken. False
 * when the profile cannot have the VM.
 */
static bool restore_vm(struct machine *m, bool use_ept)
{
    if (m->snap) {
        sim_snapshot_restore(m->snap);
        s.vm = m->vm;
        return true;
    }
    if (m->no_vm || !create_vm(m, use_ept, false)) { /* a new machine: guest RAM is zero */
        m->no_vm = true;
        return false;
    }
    m->vm = s.vm;
    if (sim_snapshot_create(m->eng, &m->snap) != VMM_OK)
        fail("cannot take the machine's snapshot", 0, 0);
    return true;
}

/* A clean VM running `code` with the header's choices; false when the profile cannot have it. */
static bool setup_vm(struct machine *m, const uint8_t hdr[EH_HEADER], unsigned mode,
                     const uint8_t *code, size_t len)
{
    uint8_t flags = hdr[0];
    struct vmm_cpu *cpu = sim_cpu(m->sim);
    bool use_ept = (flags & EH_F_EPT) != 0;
    if (s.reset == RESET_SNAPSHOT) {
        if (!restore_vm(m, use_ept))
            return false;
    } else {
        align_time(m);
        if (!create_vm(m, use_ept, true))
            return false;
    }
    if (vmm_vm_load(&s.vm, EH_ENTRY, code, len) != VMM_OK)
        fail("vmm_vm_load failed", len, 0);

    const struct vmx_caps *c = &m->caps;
    if (!(c->ctl[VMM_CTL_PIN].allowed1 & VMX_PIN_PREEMPTION_TIMER))
        fail("the profile has no VMX-preemption timer: nothing bounds the guest", 0, 0);
    choose(cpu, c, VMCS_PIN_BASED_VM_EXEC_CONTROL, VMM_CTL_PIN, VMX_PIN_PREEMPTION_TIMER, true);
    uint64_t ticks = ((uint64_t)hdr[3] + 1) >> c->preemption_timer_shift;
    if (vmm_vmwrite(cpu, VMCS_VMX_PREEMPTION_TIMER_VALUE, ticks ? ticks : 1) != VMM_OK)
        fail("cannot write the preemption timer value", ticks, 0);
    enum vmcs_field_id proc = VMCS_CPU_BASED_VM_EXEC_CONTROL;
    /* The guest's TSC starts at 0 whatever the machine's time is. */
    if (!(c->ctl[VMM_CTL_PROC].allowed1 & VMX_PROC_USE_TSC_OFFSETTING))
        fail("the profile has no TSC offsetting", 0, 0);
    choose(cpu, c, proc, VMM_CTL_PROC, VMX_PROC_USE_TSC_OFFSETTING, true);
    if (vmm_vmwrite(cpu, VMCS_TSC_OFFSET, (uint64_t)0 - sim_engine_tsc(m->eng)) != VMM_OK)
        fail("cannot write the TSC offset", 0, 0);
    if (flags & EH_F_NO_HLT_EXIT)
        choose(cpu, c, proc, VMM_CTL_PROC, VMX_PROC_HLT_EXITING, false);
    if (flags & EH_F_RDTSC_EXIT)
        choose(cpu, c, proc, VMM_CTL_PROC, VMX_PROC_RDTSC_EXITING, true);
    if (flags & EH_F_CR3_LOAD_EXIT)
        choose(cpu, c, proc, VMM_CTL_PROC, VMX_PROC_CR3_LOAD_EXITING, true);
    if (flags & EH_F_UNCOND_IO) {
        choose(cpu, c, proc, VMM_CTL_PROC, VMX_PROC_USE_IO_BITMAPS, false);
        choose(cpu, c, proc, VMM_CTL_PROC, VMX_PROC_UNCOND_IO_EXITING, true);
    }
    for (unsigned i = 0; i < 8; i++) {
        if ((hdr[1] >> i) & 1)
            (void)vmm_msr_bitmap_set(&s.vm.msr_bitmap, eh_msrs[i], VMM_MSR_ACCESS_RW, false);
        if ((hdr[2] >> i) & 1)
            (void)vmm_io_bitmap_set(&s.vm.io_bitmap, eh_ports[i][0], eh_ports[i][1], false);
    }
    (void)set_mode(cpu, c, mode);
    setup_platform(m, flags);
    vmm_vcpu_init(&s.vcpu, cpu);
    vmm_platform_install(&s.platform, &s.vcpu);
    vmm_vcpu_bind(&s.vcpu, VMX_EXIT_PREEMPTION_TIMER, on_timer, NULL);
    vmm_vcpu_bind(&s.vcpu, VMX_EXIT_EXTERNAL_INTERRUPT, on_interrupt, m->eng);
    return true;
}

static uint64_t exits_so_far(const struct vmm_vcpu *v)
{
    uint64_t n = v->stats.unknown_reasons;
    for (unsigned r = 0; r < VMX_EXIT_REASON_COUNT; r++)
        n += v->stats.exits[r];
    return n;
}

/* Whether a VMfail stop is the engine refusing (or ending) a guest it cannot run. */
static bool engine_stop(struct machine *m)
{
    return s.vcpu.entry_status.outcome == VMX_FAULT_UD &&
           sim_last_entry(m->sim)->outcome == VMX_ENTRY_OK &&
           sim_engine_last(m->eng)->refusal != SIM_ENGINE_RAN;
}

static void run(struct machine *m, struct trace *t)
{
    t->n = 0;
    t->stop = VMM_STOP_NONE;
    for (unsigned i = 0; i < EH_MAX_EXITS; i++) {
        uint64_t before = exits_so_far(&s.vcpu);
        int stop = vmm_vcpu_run(&s.vcpu, 1);
        t->stop = stop;
        if (i == 0 && sim_last_entry(m->sim)->outcome != VMX_ENTRY_OK)
            fail("the first VMLAUNCH failed its checks (outcome, check)",
                 sim_last_entry(m->sim)->outcome, sim_last_entry(m->sim)->check);
        if (exits_so_far(&s.vcpu) != before) {
            uint64_t rip = 0;
            (void)vmm_vmread(s.vcpu.cpu, VMCS_GUEST_RIP, &rip);
            t->reason[t->n] = s.vcpu.exit.reason;
            t->rip[t->n++] = rip;
        }
        switch (stop) {
        case VMM_STOP_BUDGET:
            check_resumable(m);
            continue;
        case VMM_STOP_HANDLER:
            check_resumable(m);
            return;
        case VMM_STOP_UNKNOWN_EXIT:
        case VMM_STOP_UNHANDLED:
        case VMM_STOP_FATAL:
            return;
        case VMM_STOP_VMFAIL:
            if (engine_stop(m))
                return;
            fail("VMLAUNCH/VMRESUME failed after a state the checks passed (outcome, error)",
                 s.vcpu.entry_status.outcome, s.vcpu.entry_status.error);
        case VMM_STOP_ENTRY_FAILURE:
            fail("VM-entry failure after a state the checks passed (reason, check)",
                 s.vcpu.exit.reason_raw, sim_last_entry(m->sim)->check);
        default:
            fail("the run loop stopped with an error (stop, error)", (uint64_t)stop,
                 (uint64_t)s.vcpu.error);
        }
    }
}

static struct machine *machine_for(uint8_t flags)
{
    unsigned profile = flags & EH_F_MODERN;
    struct machine *m = &s.m[profile | (s.reset == RESET_SNAPSHOT && (flags & EH_F_EPT) ? 2 : 0)];
    if (s.reset == RESET_MACHINE && m->sim)
        machine_drop(m);
    if (!m->sim)
        machine_make(m, profiles[profile]);
    return m;
}

/* One run of the input from a new VM; false when the profile cannot have the VM. */
static bool run_once(const uint8_t hdr[EH_HEADER], unsigned mode, const uint8_t *code,
                     size_t len, struct trace *t)
{
    struct machine *m = machine_for(hdr[0]);
    if (!setup_vm(m, hdr, mode, code, len))
        return false;
    run(m, t);
    if (s.trace) {
        fprintf(stderr, "  %s%s mode %u: %u exits:", profiles[hdr[0] & EH_F_MODERN],
                (hdr[0] & EH_F_EPT) ? " EPT" : "", mode, t->n);
        for (unsigned i = 0; i < t->n; i++)
            fprintf(stderr, " %u@%#llx", t->reason[i], (unsigned long long)t->rip[i]);
        fprintf(stderr, "\n  stop %s%s%s\n", t->stop >= 0 ? vmm_stop_name(t->stop) : "?",
                s.vcpu.note ? ": " : "", s.vcpu.note ? s.vcpu.note : "");
    }
    if (s.reset != RESET_SNAPSHOT && vmm_vm_destroy(&s.vm) != VMM_OK)
        fail("vmm_vm_destroy failed", 0, 0);
    return true;
}

static enum reset reset_from_env(void)
{
    const char *fresh = getenv("EXIT_HANDLERS_FRESH");
    if (!fresh || !*fresh)
        return RESET_SNAPSHOT;
    return strcmp(fresh, "vm") == 0 ? RESET_VM : RESET_MACHINE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct trace a, b;
    if (s.inputs++ == 0)
    {
        s.reset = reset_from_env();
        s.trace = getenv("EXIT_HANDLERS_TRACE") != NULL;
    }
    uint8_t hdr[EH_HEADER] = {0};
    memcpy(hdr, data, size < EH_HEADER ? size : EH_HEADER);
    const uint8_t *code = size > EH_HEADER ? data + EH_HEADER : NULL;
    size_t len = size > EH_HEADER ? size - EH_HEADER : 0;
    if (len > EH_MAX_CODE)
        len = EH_MAX_CODE;
    unsigned mode = size > EH_MODE_AT ? data[EH_MODE_AT] % EH_MODE_COUNT : EH_MODE_64;
    if (mode == EH_MODE_PROT32 || mode == EH_MODE_REAL)
        hdr[0] |= EH_F_EPT; /* unrestricted guest needs it */
    static const uint8_t nothing[1] = {0xf4}; /* HLT */
    if (!len) {
        code = nothing;
        len = 1;
    }
    if (!run_once(hdr, mode, code, len, &a))
        return 0;
    if (!(hdr[0] & EH_F_TWICE) && s.inputs % EH_SAMPLE != 1)
        return 0;
    if (!run_once(hdr, mode, code, len, &b))
        fail("the second run could not have the VM", 0, 0);
    if (a.n != b.n || a.stop != b.stop)
        fail("two runs differ (exits, stops)", ((uint64_t)a.n << 32) | b.n,
             ((uint64_t)(unsigned)a.stop << 32) | (unsigned)b.stop);
    for (unsigned i = 0; i < a.n; i++)
        if (a.reason[i] != b.reason[i] || a.rip[i] != b.rip[i])
            fail("two runs differ at an exit (index, reasons)", i,
                 ((uint64_t)a.reason[i] << 16) | b.reason[i]);
    return 0;
}
