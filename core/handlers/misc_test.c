/* SPDX-License-Identifier: Apache-2.0 */
/* HLT, INVLPG, EPT violations (MMIO emulated) and misconfigurations, triple faults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

static int setup(void **state)
{
    *state = hfix_new(NULL);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    hfix_free(*state);
    return 0;
}

static void hlt_completes_and_stops_or_resumes_per_policy(void **state)
{
    struct hfix *f = *state;
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_HLT, 0, 1), VMM_STOP_HANDLER);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1001);
    assert_string_equal(f->vcpu.dump, "");
    f->platform.hlt = VMM_HLT_RESUME;
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_HLT, 0, 1), VMM_STOP_BUDGET);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1002);
}

static void hlt_in_an_sti_shadow_ends_the_shadow(void **state)
{
    struct hfix *f = *state;
    hfix_set(f, VMCS_GUEST_INTERRUPTIBILITY_INFO, 1); /* STI; HLT */
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_HLT, 0, 1), VMM_STOP_HANDLER);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_INTERRUPTIBILITY_INFO), 0);
}

static void invlpg_without_vpid_just_completes(void **state)
{
    struct hfix *f = *state;
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_INVLPG, 0xffff800000123000ull, 7), VMM_STOP_BUDGET);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1007);
    assert_int_equal(f->vmx.ninvvpid, 0);
}

static void invlpg_with_vpid_invalidates_the_address(void **state)
{
    struct hfix *f = *state;
    hfix_set(f, VMCS_SECONDARY_VM_EXEC_CONTROL, VMX_PROC2_ENABLE_EPT | VMX_PROC2_ENABLE_VPID);
    hfix_set(f, VMCS_VIRTUAL_PROCESSOR_ID, 3);
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_INVLPG, 0x400000, 3), VMM_STOP_BUDGET);
    assert_int_equal(f->vmx.ninvvpid, 1);
    assert_int_equal(f->vmx.invvpid[0].type, VMX_INVVPID_ADDR);
    assert_int_equal(f->vmx.invvpid[0].vpid, 3);
    assert_int_equal(f->vmx.invvpid[0].gla, 0x400000);
    /* a processor without the address form: single-context instead */
    f->vmx.invvpid_refuse_types = 1u << VMX_INVVPID_ADDR;
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_INVLPG, 0x400000, 3), VMM_STOP_BUDGET);
    assert_int_equal(f->vmx.ninvvpid, 2);
    assert_int_equal(f->vmx.invvpid[1].type, VMX_INVVPID_SINGLE);
    f->vmx.invvpid_refuse_types = 0xf;
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_INVLPG, 0x400000, 3), VMM_STOP_ERROR);
}

static int no_read(void *dev, uint64_t offset, unsigned size, uint64_t *value)
{
    (void)dev, (void)offset, (void)size, (void)value;
    return VMM_E_UNSUPPORTED;
}

static int no_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    (void)dev, (void)offset, (void)size, (void)value;
    return VMM_E_UNSUPPORTED;
}

static const struct vmm_mmio_ops mmio_ops = {no_read, no_write};

/* A device register that records the last write. */
struct reg_dev {
    uint64_t offset, value;
    unsigned size, writes;
};

static int reg_read(void *dev, uint64_t offset, unsigned size, uint64_t *value)
{
    (void)dev, (void)offset, (void)size;
    *value = 0;
    return VMM_OK;
}

static int reg_write(void *dev, uint64_t offset, unsigned size, uint64_t value)
{
    struct reg_dev *d = dev;
    *d = (struct reg_dev){offset, value, size, d->writes + 1};
    return VMM_OK;
}

static const struct vmm_mmio_ops reg_ops = {reg_read, reg_write};

static void put_entry(struct hfix *f, uint64_t gpa, uint64_t value)
{
    memcpy(f->ram + gpa, &value, 8);
}

/*
 * Guest paging for the long-mode fixture (CR3 0x2000): 0-2 MiB identity
 * (the code at RIP 0x1000) and linear 0xfffffffffee00000 -> GPA
 * 0xfee00000 (2 MiB pages); `mov [rdi], eax` at RIP with RDI the device
 * register's linear address.
 */
static int ept_violation(struct hfix *f, uint64_t qual, uint64_t gpa, uint64_t gla);

static void guest_stores_to_lapic(struct hfix *f)
{
    const uint64_t table = 0x27, leaf = 0xe7; /* P RW US A (D PS) */
    put_entry(f, 0x2000, 0x3000 | table);
    put_entry(f, 0x3000, 0x4000 | table);
    put_entry(f, 0x4000, 0 | leaf);
    put_entry(f, 0x2000 + 8 * 511, 0x5000 | table);
    put_entry(f, 0x5000 + 8 * 511, 0x6000 | table);
    put_entry(f, 0x6000 + 8 * 0x1f7, 0xfee00000 | leaf);
    f->ram[0x1000] = 0x89, f->ram[0x1001] = 0x07; /* mov [rdi], eax */
    f->vcpu.gprs.rdi = 0xfffffffffee000b0ull;
    f->vcpu.gprs.rax = 0x12345678;
}

static void mmio_violation_is_emulated_and_completed(void **state)
{
    struct hfix *f = *state;
    struct reg_dev dev = {0};
    assert_int_equal(vmm_mmio_register(&f->platform.mmio, 0xfee00000, 0x1000, &reg_ops, &dev,
                                       "lapic"),
                     VMM_OK);
    guest_stores_to_lapic(f);
    assert_int_equal(ept_violation(f, 0x182, 0xfee000b0, 0xfffffffffee000b0ull), VMM_STOP_BUDGET);
    assert_int_equal(dev.writes, 1);
    assert_int_equal(dev.offset, 0xb0);
    assert_int_equal(dev.size, 4);
    assert_int_equal(dev.value, 0x12345678);
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1002);
    assert_int_equal(hfix_injected(f), 0);
}

static void mmio_violation_with_a_fault_injects_it(void **state)
{
    struct hfix *f = *state;
    struct reg_dev dev = {0};
    assert_int_equal(vmm_mmio_register(&f->platform.mmio, 0xfee00000, 0x1000, &reg_ops, &dev,
                                       "lapic"),
                     VMM_OK);
    guest_stores_to_lapic(f);
    f->vcpu.gprs.rdi = 0x0000800000000000ull; /* non-canonical: #GP(0), nothing written */
    assert_int_equal(ept_violation(f, 0x182, 0xfee000b0, 0xfffffffffee000b0ull), VMM_STOP_BUDGET);
    assert_int_equal(dev.writes, 0);
    assert_int_equal(hfix_injected(f) & 0x80000fffu, 0x80000b0du); /* valid, error code, #GP */
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1000);
}

static int ept_violation(struct hfix *f, uint64_t qual, uint64_t gpa, uint64_t gla)
{
    struct cpu_td_exit *e = cpu_td_queue_exit(&f->td, VMX_EXIT_EPT_VIOLATION, qual, 0);
    cpu_td_exit_set(e, VMCS_GUEST_PHYSICAL_ADDRESS, gpa);
    cpu_td_exit_set(e, VMCS_GUEST_LINEAR_ADDRESS, gla);
    return vmm_vcpu_run(&f->vcpu, 1);
}

static void mmio_violation_a_device_refuses_is_unhandled_with_the_bytes(void **state)
{
    struct hfix *f = *state;
    assert_int_equal(vmm_mmio_register(&f->platform.mmio, 0xfee00000, 0x1000, &mmio_ops, NULL,
                                       "lapic"),
                     VMM_OK);
    guest_stores_to_lapic(f);
    /* a write to a not-present GPA through a valid linear address */
    assert_int_equal(ept_violation(f, 0x182, 0xfee000b0, 0xfffffffffee000b0ull),
                     VMM_STOP_UNHANDLED);
    assert_non_null(f->platform.last_mmio);
    assert_string_equal(f->platform.last_mmio->name, "lapic");
    const char *d = f->vcpu.dump;
    assert_non_null(strstr(d, "MMIO access not emulated: a device or guest memory refused the access; bytes 89 07"));
    assert_non_null(strstr(d, "EPT_VIOLATION"));
    assert_non_null(strstr(d, "access: write; EPT allows: nothing (not present); final translation"));
    assert_non_null(strstr(d, "guest-physical    0xfee000b0"));
    assert_non_null(strstr(d, "guest-linear      0xfffffffffee000b0"));
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1000);
}

static void violation_outside_mmio_and_malformed_ones_are_unhandled(void **state)
{
    struct hfix *f = *state;
    assert_int_equal(ept_violation(f, 0x181, 0x40000000, 0), VMM_STOP_UNHANDLED);
    assert_null(f->platform.last_mmio);
    assert_non_null(strstr(f->vcpu.dump, "outside guest RAM and MMIO"));
    assert_int_equal(ept_violation(f, 1ull << 20, 0x40000000, 0), VMM_STOP_UNHANDLED);
    assert_non_null(strstr(f->vcpu.dump, "malformed EPT-violation qualification"));
}

static void misconfiguration_and_triple_fault_stop_with_a_dump(void **state)
{
    struct hfix *f = *state;
    struct cpu_td_exit *e = cpu_td_queue_exit(&f->td, VMX_EXIT_EPT_MISCONFIG, 0, 0);
    cpu_td_exit_set(e, VMCS_GUEST_PHYSICAL_ADDRESS, 0x9000);
    assert_int_equal(vmm_vcpu_run(&f->vcpu, 1), VMM_STOP_UNHANDLED);
    assert_non_null(strstr(f->vcpu.dump, "EPT misconfiguration"));
    assert_non_null(strstr(f->vcpu.dump, "0x9000"));
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_TRIPLE_FAULT, 0, 0), VMM_STOP_FATAL);
    assert_non_null(strstr(f->vcpu.dump, "triple fault"));
}

static void reasons_without_a_standard_handler_stop_as_unknown(void **state)
{
    struct hfix *f = *state;
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_WBINVD, 0, 2), VMM_STOP_UNKNOWN_EXIT);
    vmm_vcpu_bind(&f->vcpu, VMX_EXIT_WBINVD, vmm_handle_unhandled, &f->platform);
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_WBINVD, 0, 2), VMM_STOP_UNHANDLED);
    assert_non_null(strstr(f->vcpu.dump, "WBINVD"));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(hlt_completes_and_stops_or_resumes_per_policy),
        T(hlt_in_an_sti_shadow_ends_the_shadow),
        T(invlpg_without_vpid_just_completes),
        T(invlpg_with_vpid_invalidates_the_address),
        T(mmio_violation_a_device_refuses_is_unhandled_with_the_bytes),
        T(mmio_violation_is_emulated_and_completed),
        T(mmio_violation_with_a_fault_injects_it),
        T(violation_outside_mmio_and_malformed_ones_are_unhandled),
        T(misconfiguration_and_triple_fault_stop_with_a_dump),
        T(reasons_without_a_standard_handler_stop_as_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
