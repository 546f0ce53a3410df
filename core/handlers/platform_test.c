/* SPDX-License-Identifier: Apache-2.0 */
/* The platform: what init sets up, what install binds, and a guest session end to end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "vmm/hypercall.h"
#include "vmm/textbuf.h"
#include "vmm/uart16550.h"

static void install_binds_the_standard_reasons_only(void **state)
{
    (void)state;
    struct hfix *f = hfix_new(NULL);
    const uint32_t bound[] = {2, 10, 12, 14, 16, 18, 28, 30, 31, 32, 48, 49, 51, 55};
    unsigned n = 0;
    for (uint32_t r = 0; r < VMX_EXIT_REASON_COUNT; r++) {
        if (!f->vcpu.handler[r].fn)
            continue;
        assert_ptr_equal(f->vcpu.handler[r].ctx, &f->platform);
        assert_int_equal(r, bound[n]);
        n++;
    }
    assert_int_equal(n, sizeof bound / sizeof bound[0]);
    hfix_free(f);
}

static void init_derives_policies_from_caps_and_profile(void **state)
{
    (void)state;
    struct hfix *f = hfix_new(NULL);
    struct vmm_platform *p = &f->platform;
    assert_int_equal(p->cr.cr0_fixed0, 0x80000021);
    assert_int_equal(p->cr.phys_bits, 39);
    assert_int_equal(p->cr.cr4_allowed & 0x2000, 0); /* VMXE */
    assert_int_equal(p->xcr0, 1);
    assert_int_equal(p->hlt, VMM_HLT_STOP);
    assert_non_null(vmm_guest_msrs_find(&p->msrs, 0xc0000080));
    assert_non_null(vmm_guest_msrs_find(&p->msrs, 0xc0000103));
    assert_true(p->msrs.model.features & VMM_MSR_FEAT_LM);
    assert_int_equal(p->msrs.model.linear_addr_width, 48);
    hfix_free(f);

    f = hfix_new("minimal-i686");
    assert_null(vmm_guest_msrs_find(&f->platform.msrs, 0xc0000080));
    assert_int_equal(f->platform.cr.phys_bits, 36);
    hfix_free(f);

    struct vmm_platform p2;
    struct vmx_caps caps = {0};
    assert_int_equal(vmm_platform_init(&p2, &caps, NULL, 0), VMM_E_INVAL);
    assert_int_equal(vmm_platform_init(NULL, &caps, vmm_cpuid_profile_find("minimal-i686"), 0),
                     VMM_E_INVAL);
}

/* A guest that asks CPUID, prints on the serial port and by hypercall, then exits. */
static void a_scripted_guest_session(void **state)
{
    (void)state;
    struct hfix *f = hfix_new(NULL);
    uint8_t serial_buf[32], console_buf[32];
    struct vmm_byte_sink serial, console;
    struct vmm_uart16550 uart;
    vmm_byte_sink_init(&serial, serial_buf, sizeof serial_buf);
    vmm_byte_sink_init(&console, console_buf, sizeof console_buf);
    vmm_uart16550_init(&uart, &serial);
    assert_int_equal(vmm_port_bus_add(&f->platform.ports, 0x3f8, 8, true, &vmm_uart16550_ops,
                                      &uart, "com1"),
                     VMM_OK);
    f->platform.hc.console = &console;
    memcpy(f->ram + 0x800, "bye", 3);

    struct cpu_td_exit *e = cpu_td_queue_exit(&f->td, VMX_EXIT_CPUID, 0, 2);
    e->set_gprs = true;
    e->gprs.rax = 0x40000000;
    e = cpu_td_queue_exit(&f->td, VMX_EXIT_IO_INSTRUCTION, 0x03f80000, 1);
    e->set_gprs = true;
    e->gprs.rax = 'O';
    e = cpu_td_queue_exit(&f->td, VMX_EXIT_IO_INSTRUCTION, 0x03f80000, 1);
    e->set_gprs = true;
    e->gprs.rax = 'K';
    e = cpu_td_queue_exit(&f->td, VMX_EXIT_VMCALL, 0, 3);
    e->set_gprs = true;
    e->gprs = (struct vmm_guest_gprs){.rax = VMM_HC_PRINT, .rbx = 0x800, .rcx = 3};
    e = cpu_td_queue_exit(&f->td, VMX_EXIT_VMCALL, 0, 3);
    e->set_gprs = true;
    e->gprs = (struct vmm_guest_gprs){.rax = VMM_HC_EXIT, .rbx = 0};
    cpu_td_queue_exit(&f->td, VMX_EXIT_HLT, 0, 1); /* never reached */

    assert_int_equal(vmm_vcpu_run(&f->vcpu, 100), VMM_STOP_HANDLER);
    assert_true(f->platform.hc.exited);
    assert_int_equal(serial.len, 2);
    assert_memory_equal(serial_buf, "OK", 2);
    assert_int_equal(console.len, 3);
    assert_memory_equal(console_buf, "bye", 3);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1000 + 2 + 1 + 1 + 3 + 3);
    assert_int_equal(f->vcpu.stats.exits[VMX_EXIT_VMCALL], 2);
    assert_int_equal(f->vcpu.stats.exits[VMX_EXIT_IO_INSTRUCTION], 2);
    assert_int_equal(f->vcpu.stats.entries, 5);
    assert_int_equal(f->vmx.entries[0].kind, VMM_LAUNCH);
    assert_int_equal(f->vmx.entries[4].kind, VMM_RESUME);
    /* the CPUID result reached the guest at the next entry */
    assert_int_equal(f->vmx.entries[1].gprs.rax, 0x40000001);
    hfix_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(install_binds_the_standard_reasons_only),
        cmocka_unit_test(init_derives_policies_from_caps_and_profile),
        cmocka_unit_test(a_scripted_guest_session),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
