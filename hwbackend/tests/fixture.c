/* SPDX-License-Identifier: Apache-2.0 */
/* The in-image tests' VM: hardware backend -> core VM -> platform -> vCPU. */
#include "fixture.h"

#include "libos/console.h"
#include "libos/string.h"
#include "libos/test.h"
#include "vmm/textbuf.h"

/* Guest RAM: contiguous and identity-mapped, as the backend needs it. */
static uint8_t guest_ram[HWT_RAM_SIZE] __attribute__((aligned(2 << 20)));
static struct hwt fixture;

struct hwt *hwt_get(void)
{
    return &fixture;
}

/* The backend with guest RAM at guest-physical `ram_gpa`. */
static struct hwt *backend_with_ram_at(vmm_gpa_t ram_gpa)
{
    struct hwt *t = &fixture;
    /* A test that failed half-way left its VM (or VMX operation) behind. */
    if (t->vm_made)
        (void)vmm_vm_destroy(&t->vm);
    else if (t->hw.in_vmx)
        (void)t->cpu->ops->vmxoff(t->cpu);
    memset(t, 0, sizeof *t);
    struct hwvmx_config cfg = {
        .ram_gpa = ram_gpa,
        .ram_hpa = (uintptr_t)guest_ram,
        .ram_size = HWT_RAM_SIZE,
    };
    int rc = hwvmx_init(&t->hw, &cfg);
    if (rc != VMM_OK)
        test_fail("hwvmx_init: %s", vmm_strerror(rc));
    t->cpu = hwvmx_cpu(&t->hw);
    struct vmx_caps_error err;
    rc = vmm_cpu_read_caps(t->cpu, &t->caps, &err);
    if (rc != VMM_OK)
        test_fail("capabilities: %s (%s)", vmm_strerror(rc), vmx_cap_msr_name(err.msr));
    memset(guest_ram, 0, sizeof guest_ram);
    return t;
}

struct hwt *hwt_backend(void)
{
    return backend_with_ram_at(0);
}

static void make_platform(struct hwt *t)
{
    struct vmm_platform *p = &t->platform;
    int rc = vmm_platform_init(p, &t->caps, vmm_cpuid_profile_find("generic-intel64"), 0);
    if (rc != VMM_OK)
        test_fail("platform: %s", vmm_strerror(rc));
    vmm_byte_sink_init(&t->serial, t->serial_buf, sizeof t->serial_buf - 1);
    vmm_byte_sink_init(&t->console, t->console_buf, sizeof t->console_buf - 1);
    vmm_byte_sink_init(&t->debug, t->debug_buf, sizeof t->debug_buf - 1);
    vmm_uart16550_init(&t->uart, &t->serial);
    vmm_debugport_init(&t->debugport, &t->debug);
    p->hc.console = &t->console;
    rc = vmm_port_bus_add(&p->ports, 0x3f8, 8, true, &vmm_uart16550_ops, &t->uart, "COM1");
    if (rc == VMM_OK)
        rc = vmm_port_bus_add(&p->ports, VMM_DEBUGPORT_PORT, 1, true, &vmm_debugport_ops,
                              &t->debugport, "debug port");
    if (rc != VMM_OK)
        test_fail("port bus: %s", vmm_strerror(rc));
}

struct hwt *hwt_start(const uint8_t *code, const uint8_t *end, bool ept, uint64_t arg)
{
    /* Without EPT guest-physical is host-physical: RAM sits where it is. */
    struct hwt *t = backend_with_ram_at(ept ? 0 : (uintptr_t)guest_ram);
    bool has_ept = (t->caps.ctl[VMM_CTL_PROC2].allowed1 & VMX_PROC2_ENABLE_EPT) != 0;
    if (ept && !has_ept)
        test_skip("the processor has no EPT");
    struct vmm_vm_config cfg = {
        .ram_gpa = t->hw.cfg.ram_gpa,
        .ram_hpa = t->hw.cfg.ram_hpa,
        .ram_size = HWT_RAM_SIZE,
        .entry = t->hw.cfg.ram_gpa + HWT_LOAD,
        .rsp = t->hw.cfg.ram_gpa + HWT_LOAD,
        .use_ept = ept,
    };
    if (ept) {
        cfg.mmio_holes[0] = (struct vmm_vm_mmio_hole){HWT_MMIO_GPA, 0x1000};
        cfg.mmio_hole_count = 1;
    }
    struct vmm_vm_error err;
    int rc = vmm_vm_create(&t->vm, t->cpu, &t->caps, &cfg, &err);
    if (rc != VMM_OK) {
        char buf[512];
        struct vmm_textbuf tb;
        tb_init(&tb, buf, sizeof buf);
        vmm_vm_error_describe(&err, &tb);
        test_fail("vmm_vm_create: %s", buf);
    }
    t->vm_made = true;
    rc = vmm_vm_load(&t->vm, cfg.entry, code, (size_t)(end - code));
    if (rc != VMM_OK)
        test_fail("vmm_vm_load: %s", vmm_strerror(rc));
    make_platform(t);
    vmm_vcpu_init(&t->vcpu, t->cpu);
    vmm_platform_install(&t->platform, &t->vcpu);
    t->vcpu.gprs.rdi = arg;
    return t;
}

enum vmm_stop hwt_run(struct hwt *t, uint64_t max_exits)
{
    int stop = vmm_vcpu_run(&t->vcpu, max_exits);
    if (stop < 0)
        test_fail("vmm_vcpu_run: %s", vmm_strerror(stop));
    return (enum vmm_stop)stop;
}

void hwt_expect_hlt(struct hwt *t, enum vmm_stop stop)
{
    if (stop == VMM_STOP_HANDLER && t->vcpu.exit.reason == VMX_EXIT_HLT)
        return;
    kprintf("%s\n", t->vcpu.dump);
    test_fail("stopped: %s (%s), last exit %u", vmm_stop_name(stop),
              t->vcpu.note ? t->vcpu.note : "-", (unsigned)t->vcpu.exit.reason);
}

void hwt_finish(struct hwt *t)
{
    if (t->vm_made) {
        t->vm_made = false;
        int rc = vmm_vm_destroy(&t->vm);
        if (rc != VMM_OK)
            test_fail("vmm_vm_destroy: %s", vmm_strerror(rc));
    }
    TEST_ASSERT_EQ(t->hw.pages_live, 0);
}

const char *hwt_sink_text(struct vmm_byte_sink *s)
{
    s->buf[s->len] = '\0'; /* the sinks were made one byte short */
    return (const char *)s->buf;
}
