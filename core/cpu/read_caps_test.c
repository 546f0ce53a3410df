/* SPDX-License-Identifier: Apache-2.0 */
/* Capabilities read through the seam match the profile the backend reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cpu_test_double.h"

static void reads_every_msr_the_backend_has(void **state)
{
    (void)state;
    for (size_t i = 0; i < vmx_profile_count; i++) {
        struct cpu_test_double td;
        cpu_test_double_init(&td, vmx_profiles[i].raw);
        struct vmx_caps via_seam, direct;
        assert_int_equal(vmm_cpu_read_caps(&td.cpu, &via_seam, NULL), VMM_OK);
        assert_int_equal(vmx_caps_parse(vmx_profiles[i].raw, &direct, NULL), VMM_OK);
        assert_int_equal(via_seam.raw.msr_present, direct.raw.msr_present);
        assert_memory_equal(via_seam.ctl, direct.ctl, sizeof direct.ctl);
        assert_int_equal(via_seam.revision_id, direct.revision_id);
        assert_int_equal(via_seam.ept_vpid_cap, direct.ept_vpid_cap);
        assert_int_equal(via_seam.phys_addr_width, direct.phys_addr_width);
    }
}

static void a_missing_msr_the_controls_need_is_reported(void **state)
{
    (void)state;
    struct vmx_raw_caps raw = *vmx_profile_find("bochs-skylake-x")->raw;
    raw.msr_present &= ~(1u << VMX_MSR_VMFUNC); /* as if RDMSR 0x491 raised #GP */
    struct cpu_test_double td;
    cpu_test_double_init(&td, &raw);
    struct vmx_caps caps;
    struct vmx_caps_error err;
    assert_int_equal(vmm_cpu_read_caps(&td.cpu, &caps, &err), VMM_E_INVAL);
    assert_int_equal(err.msr, VMX_MSR_VMFUNC);
}

static void backend_errors_propagate(void **state)
{
    (void)state;
    struct cpu_test_double td;
    cpu_test_double_init(&td, vmx_profile_find("modern")->raw);
    td.fail_msr = 0x485;
    td.fail_rc = VMM_E_FAULT;
    struct vmx_caps caps;
    assert_int_equal(vmm_cpu_read_caps(&td.cpu, &caps, NULL), VMM_E_FAULT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_every_msr_the_backend_has),
        cmocka_unit_test(a_missing_msr_the_controls_need_is_reported),
        cmocka_unit_test(backend_errors_propagate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
