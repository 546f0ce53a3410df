/* SPDX-License-Identifier: Apache-2.0 */
/* The sim through the seam only, as core code uses a backend. */
#include <string.h>

#include "testing/fixture.h"

static void every_seam_operation_is_implemented(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    const struct vmm_cpu_ops *o = f.cpu->ops;
    const void *ops[] = {
        (const void *)o->read_cap_msr, (const void *)o->read_cpu_facts,
        (const void *)o->alloc_page,   (const void *)o->free_page,
        (const void *)o->vmxon,        (const void *)o->vmxoff,
        (const void *)o->vmclear,      (const void *)o->vmptrld,
        (const void *)o->vmptrst,      (const void *)o->vmread,
        (const void *)o->vmwrite,      (const void *)o->enter_guest,
        (const void *)o->invept,       (const void *)o->invvpid,
        (const void *)o->gpa_read,     (const void *)o->gpa_write,
    };
    _Static_assert(sizeof ops / sizeof ops[0] * sizeof(void *) == sizeof(struct vmm_cpu_ops),
                   "list every operation of the seam");
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        assert_non_null(ops[i]);
    assert_ptr_equal(f.cpu->backend, f.sim);
    fixture_destroy(&f);
}

static void vmm_cpu_read_caps_on_the_sim_equals_parsing_the_profile(void **state)
{
    (void)state;
    for (size_t i = 0; i < vmx_profile_count; i++) {
        struct fixture f;
        fixture_create(&f, vmx_profiles[i].name);
        struct vmx_caps via_seam, direct;
        assert_int_equal(vmm_cpu_read_caps(f.cpu, &via_seam, NULL), VMM_OK);
        assert_int_equal(vmx_caps_parse(vmx_profiles[i].raw, &direct, NULL), VMM_OK);
        assert_int_equal(via_seam.raw.msr_present, direct.raw.msr_present);
        assert_memory_equal(via_seam.raw.msr, direct.raw.msr, sizeof direct.raw.msr);
        assert_int_equal(via_seam.raw.phys_addr_width, direct.raw.phys_addr_width);
        assert_int_equal(via_seam.raw.linear_addr_width, direct.raw.linear_addr_width);
        assert_int_equal(via_seam.raw.cpuid_features, direct.raw.cpuid_features);
        assert_memory_equal(via_seam.ctl, direct.ctl, sizeof direct.ctl);
        assert_int_equal(via_seam.revision_id, direct.revision_id);
        assert_int_equal(via_seam.ept_vpid_cap, direct.ept_vpid_cap);
        assert_int_equal(via_seam.phys_addr_width, direct.phys_addr_width);
        assert_true(fixture_caps_equal(&via_seam, &direct));
        assert_true(fixture_caps_equal(sim_caps(f.sim), &direct));
        fixture_destroy(&f);
    }
}

static void absent_capability_msrs_read_as_noent(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "minimal"); /* 480H-48AH only */
    uint64_t v;
    assert_int_equal(f.cpu->ops->read_cap_msr(f.cpu, 0x48a, &v), VMM_OK);
    const uint32_t absent[] = {0x48b, 0x48c, 0x491, 0x493, 0x47f, 0x494, 0, 0xffffffffu};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        assert_int_equal(f.cpu->ops->read_cap_msr(f.cpu, absent[i], &v), VMM_E_NOENT);
    assert_int_equal(f.cpu->ops->read_cap_msr(f.cpu, 0x480, NULL), VMM_E_INVAL);
    assert_int_equal(f.cpu->ops->read_cpu_facts(f.cpu, NULL), VMM_E_INVAL);
    fixture_destroy(&f);
}

/* What a core does to set up a VMCS, using nothing but struct vmm_cpu. */
static void a_vmcs_life_cycle_through_the_seam_alone(void **state)
{
    (void)state;
    struct sim *sim;
    struct sim_config cfg = sim_config_default();
    assert_int_equal(sim_create(&cfg, &sim), VMM_OK);
    struct vmm_cpu *cpu = sim_cpu(sim);

    struct vmx_caps caps;
    assert_int_equal(vmm_cpu_read_caps(cpu, &caps, NULL), VMM_OK);
    struct vmm_host_page vmxon, vmcs;
    assert_int_equal(cpu->ops->alloc_page(cpu, &vmxon), VMM_OK);
    assert_int_equal(cpu->ops->alloc_page(cpu, &vmcs), VMM_OK);
    memcpy(vmxon.hva, &caps.revision_id, 4);
    memcpy(vmcs.hva, &caps.revision_id, 4);
    assert_vmx_ok(cpu->ops->vmxon(cpu, vmxon.hpa));
    assert_vmx_ok(cpu->ops->vmclear(cpu, vmcs.hpa));
    assert_vmx_ok(cpu->ops->vmptrld(cpu, vmcs.hpa));
    struct vmx_ctl_result pin;
    assert_int_equal(vmx_ctl_negotiate(&caps, VMM_CTL_PIN, VMX_PIN_NMI_EXITING, 0, &pin), VMM_OK);
    assert_vmx_ok(cpu->ops->vmwrite(cpu, VMCS_ENC_PIN_BASED_VM_EXEC_CONTROL, pin.value));
    uint64_t back = 0;
    assert_vmx_ok(cpu->ops->vmread(cpu, VMCS_ENC_PIN_BASED_VM_EXEC_CONTROL, &back));
    assert_int_equal(back, pin.value);
    assert_vmx_ok(cpu->ops->vmclear(cpu, vmcs.hpa));
    assert_vmx_ok(cpu->ops->vmxoff(cpu));
    assert_int_equal(cpu->ops->free_page(cpu, vmcs.hpa), VMM_OK);
    assert_int_equal(cpu->ops->free_page(cpu, vmxon.hpa), VMM_OK);
    sim_destroy(sim);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_seam_operation_is_implemented),
        cmocka_unit_test(vmm_cpu_read_caps_on_the_sim_equals_parsing_the_profile),
        cmocka_unit_test(absent_capability_msrs_read_as_noent),
        cmocka_unit_test(a_vmcs_life_cycle_through_the_seam_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
