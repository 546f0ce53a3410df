/* SPDX-License-Identifier: Apache-2.0 */
/* The exit record: which fields are read for which reason, and their values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/cpu/cpu_test_double_vmx.h"
#include "vmm/exits.h"

/* A seam wrapper that records every VMREAD's field. */
struct recorder {
    struct vmm_cpu cpu;
    struct vmm_cpu_ops ops;
    struct vmm_cpu *inner;
    bool read[VMCS_FIELD_COUNT];
    unsigned reads;
};

static struct vmx_status rec_vmread(struct vmm_cpu *cpu, uint32_t enc, uint64_t *v)
{
    struct recorder *r = cpu->backend;
    enum vmcs_field_id id;
    bool high;
    if (vmcs_field_lookup(enc, &id, &high) == VMM_OK)
        r->read[id] = true;
    r->reads++;
    return r->inner->ops->vmread(r->inner, enc, v);
}

struct fixture {
    struct cpu_test_double td;
    struct cpu_td_vmx vmx;
    struct recorder rec;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct vmx_raw_caps raw = {0};
    cpu_test_double_init(&f->td, &raw);
    cpu_test_double_enable_vmx(&f->td, &f->vmx, NULL, 0);
    f->rec.inner = &f->td.cpu;
    f->rec.ops = *f->td.cpu.ops;
    f->rec.ops.vmread = rec_vmread;
    f->rec.cpu.ops = &f->rec.ops;
    f->rec.cpu.backend = &f->rec;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void cpuid_exit_reads_reason_length_and_event_fields_only(void **state)
{
    struct fixture *f = *state;
    cpu_td_set_vmcs(&f->td, VMCS_VM_EXIT_REASON, VMX_EXIT_CPUID);
    cpu_td_set_vmcs(&f->td, VMCS_VM_EXIT_INSTRUCTION_LEN, 2);
    cpu_td_set_vmcs(&f->td, VMCS_EXIT_QUALIFICATION, 0x1234); /* undefined for CPUID */
    struct vmm_exit e;
    assert_int_equal(vmm_exit_read(&f->rec.cpu, &e), VMM_OK);
    assert_int_equal(e.reason, VMX_EXIT_CPUID);
    assert_false(e.entry_failure);
    assert_int_equal(e.instr_len, 2);
    assert_int_equal(e.have, VMM_EXIT_HAVE_LEN | VMM_EXIT_HAVE_IDT);
    assert_true(f->rec.read[VMCS_VM_EXIT_REASON]);
    assert_false(f->rec.read[VMCS_EXIT_QUALIFICATION]);
    assert_false(f->rec.read[VMCS_GUEST_LINEAR_ADDRESS]);
    assert_false(f->rec.read[VMCS_GUEST_PHYSICAL_ADDRESS]);
    assert_false(f->rec.read[VMCS_VMX_INSTRUCTION_INFO]);
    assert_false(f->rec.read[VMCS_VM_EXIT_INTR_INFO]);
    assert_int_equal(e.qualification, 0);
}

static void ept_violation_reads_qualification_and_both_addresses(void **state)
{
    struct fixture *f = *state;
    cpu_td_set_vmcs(&f->td, VMCS_VM_EXIT_REASON, VMX_EXIT_EPT_VIOLATION);
    cpu_td_set_vmcs(&f->td, VMCS_EXIT_QUALIFICATION, 0x182);
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_PHYSICAL_ADDRESS, 0xfee00030);
    cpu_td_set_vmcs(&f->td, VMCS_GUEST_LINEAR_ADDRESS, 0xffff800000001030ull);
    struct vmm_exit e;
    assert_int_equal(vmm_exit_read(&f->rec.cpu, &e), VMM_OK);
    assert_int_equal(e.qualification, 0x182);
    assert_int_equal(e.guest_physical, 0xfee00030);
    assert_int_equal(e.guest_linear, 0xffff800000001030ull);
    assert_true(e.have & VMM_EXIT_HAVE_GPA);
    assert_true(e.have & VMM_EXIT_HAVE_GLA);
    assert_true(e.have & VMM_EXIT_HAVE_LEN); /* conditional: read */
    assert_false(f->rec.read[VMCS_VMX_INSTRUCTION_INFO]);
}

static void vmread_exit_reads_instruction_information(void **state)
{
    struct fixture *f = *state;
    cpu_td_set_vmcs(&f->td, VMCS_VM_EXIT_REASON, VMX_EXIT_VMREAD);
    cpu_td_set_vmcs(&f->td, VMCS_VMX_INSTRUCTION_INFO, 0x10000400);
    struct vmm_exit e;
    assert_int_equal(vmm_exit_read(&f->rec.cpu, &e), VMM_OK);
    assert_true(e.have & VMM_EXIT_HAVE_INFO);
    assert_true(e.have & VMM_EXIT_HAVE_QUAL);
    assert_int_equal(e.instr_info, 0x10000400);
}

static void exception_exit_reads_exiting_event(void **state)
{
    struct fixture *f = *state;
    cpu_td_set_vmcs(&f->td, VMCS_VM_EXIT_REASON, VMX_EXIT_EXCEPTION_NMI);
    cpu_td_set_vmcs(&f->td, VMCS_VM_EXIT_INTR_INFO, 0x80000b0e); /* #PF, error code */
    cpu_td_set_vmcs(&f->td, VMCS_VM_EXIT_INTR_ERROR_CODE, 2);
    cpu_td_set_vmcs(&f->td, VMCS_EXIT_QUALIFICATION, 0xdead000);
    struct vmm_exit e;
    assert_int_equal(vmm_exit_read(&f->rec.cpu, &e), VMM_OK);
    assert_true(e.have & VMM_EXIT_HAVE_INTR);
    assert_int_equal(e.intr_info, 0x80000b0e);
    assert_int_equal(e.intr_error, 2);
    assert_int_equal(e.qualification, 0xdead000);
}

static void entry_failure_reads_only_the_qualification(void **state)
{
    struct fixture *f = *state;
    cpu_td_set_vmcs(&f->td, VMCS_VM_EXIT_REASON, 0x80000021);
    cpu_td_set_vmcs(&f->td, VMCS_EXIT_QUALIFICATION, 4);
    struct vmm_exit e;
    assert_int_equal(vmm_exit_read(&f->rec.cpu, &e), VMM_OK);
    assert_true(e.entry_failure);
    assert_int_equal(e.reason, 33);
    assert_int_equal(e.qualification, 4);
    assert_int_equal(e.have, VMM_EXIT_HAVE_QUAL);
    assert_int_equal(f->rec.reads, 2);
}

static void unknown_reason_reads_qualification_and_original_event(void **state)
{
    struct fixture *f = *state;
    cpu_td_set_vmcs(&f->td, VMCS_VM_EXIT_REASON, 90);
    struct vmm_exit e;
    assert_int_equal(vmm_exit_read(&f->rec.cpu, &e), VMM_OK);
    assert_int_equal(e.reason, 90);
    assert_int_equal(e.have, VMM_EXIT_HAVE_QUAL | VMM_EXIT_HAVE_IDT);
}

static void software_event_in_delivery_makes_the_length_read(void **state)
{
    struct fixture *f = *state;
    /* EPT misconfiguration has no length, except while delivering INT n. */
    cpu_td_set_vmcs(&f->td, VMCS_VM_EXIT_REASON, VMX_EXIT_EPT_MISCONFIG);
    cpu_td_set_vmcs(&f->td, VMCS_IDT_VECTORING_INFO_FIELD, 0x80000480); /* INT 0x80 */
    cpu_td_set_vmcs(&f->td, VMCS_VM_EXIT_INSTRUCTION_LEN, 2);
    struct vmm_exit e;
    assert_int_equal(vmm_exit_read(&f->rec.cpu, &e), VMM_OK);
    assert_true(e.have & VMM_EXIT_HAVE_LEN);
    assert_int_equal(e.instr_len, 2);
    /* A hardware exception in delivery does not. */
    cpu_td_set_vmcs(&f->td, VMCS_IDT_VECTORING_INFO_FIELD, 0x80000b0d);
    assert_int_equal(vmm_exit_read(&f->rec.cpu, &e), VMM_OK);
    assert_false(e.have & VMM_EXIT_HAVE_LEN);
}

static void reason_flags_are_split_from_the_basic_reason(void **state)
{
    struct fixture *f = *state;
    cpu_td_set_vmcs(&f->td, VMCS_VM_EXIT_REASON, VMX_EXIT_REASON_BUS_LOCK | VMX_EXIT_HLT);
    struct vmm_exit e;
    assert_int_equal(vmm_exit_read(&f->rec.cpu, &e), VMM_OK);
    assert_int_equal(e.reason, VMX_EXIT_HLT);
    assert_int_equal(e.reason_raw, VMX_EXIT_REASON_BUS_LOCK | VMX_EXIT_HLT);
    assert_false(e.entry_failure);
}

static void a_field_that_cannot_be_read_is_an_error(void **state)
{
    struct fixture *f = *state;
    cpu_td_set_vmcs(&f->td, VMCS_VM_EXIT_REASON, VMX_EXIT_EPT_VIOLATION);
    f->vmx.missing = VMCS_GUEST_PHYSICAL_ADDRESS;
    struct vmm_exit e;
    assert_int_equal(vmm_exit_read(&f->rec.cpu, &e), VMM_E_NOENT);
    f->vmx.missing = VMCS_VM_EXIT_REASON;
    assert_int_equal(vmm_exit_read(&f->rec.cpu, &e), VMM_E_NOENT);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(cpuid_exit_reads_reason_length_and_event_fields_only),
        T(ept_violation_reads_qualification_and_both_addresses),
        T(vmread_exit_reads_instruction_information),
        T(exception_exit_reads_exiting_event),
        T(entry_failure_reads_only_the_qualification),
        T(unknown_reason_reads_qualification_and_original_event),
        T(software_event_in_delivery_makes_the_length_read),
        T(reason_flags_are_split_from_the_basic_reason),
        T(a_field_that_cannot_be_read_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
