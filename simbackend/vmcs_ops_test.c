/* SPDX-License-Identifier: Apache-2.0 */
/* VMCLEAR, VMPTRLD, VMPTRST, VMREAD and VMWRITE: every outcome they have. */
#include <string.h>

#include "testing/fixture.h"

#define SHADOW 0x80000000u

/* ---- VMCLEAR ---- */

static void vmclear_with_an_unaligned_address_fails_with_error_2(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    struct vmm_host_page p = fixture_page(&f, fixture_revision(&f));
    assert_vmx(f.cpu->ops->vmclear(f.cpu, p.hpa + 8), VMX_FAIL_VALID, VMXERR_VMCLEAR_INVALID_ADDR);
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_VM_INSTRUCTION_ERROR), 2);
    fixture_destroy(&f);
}

static void vmclear_beyond_the_physical_address_width_fails_with_error_2(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern"); /* MAXPHYADDR 46 */
    fixture_load_vmcs(&f);
    assert_vmx(f.cpu->ops->vmclear(f.cpu, 1ull << 46), VMX_FAIL_VALID, VMXERR_VMCLEAR_INVALID_ADDR);
    fixture_destroy(&f);
}

static void vmclear_with_the_vmxon_pointer_fails_with_error_3(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    assert_vmx(f.cpu->ops->vmclear(f.cpu, f.vmxon.hpa), VMX_FAIL_VALID, VMXERR_VMCLEAR_VMXON_PTR);
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_VM_INSTRUCTION_ERROR), 3);
    fixture_destroy(&f);
}

static void vmclear_failure_without_a_current_vmcs_is_vmfail_invalid(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_vmxon(&f);
    assert_vmx(f.cpu->ops->vmclear(f.cpu, 0x1008), VMX_FAIL_INVALID, 0);
    assert_vmx(f.cpu->ops->vmclear(f.cpu, f.vmxon.hpa), VMX_FAIL_INVALID, 0);
    fixture_destroy(&f);
}

static void vmclear_of_the_current_vmcs_makes_it_not_current(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    assert_vmx_ok(f.cpu->ops->vmclear(f.cpu, f.vmcs.hpa));
    vmm_hpa_t cur = 0;
    assert_vmx_ok(f.cpu->ops->vmptrst(f.cpu, &cur));
    assert_int_equal(cur, ~0ull);
    assert_null(sim_vmcs(f.sim));
    uint64_t v;
    assert_vmx(f.cpu->ops->vmread(f.cpu, VMCS_ENC_GUEST_RIP, &v), VMX_FAIL_INVALID, 0);
    fixture_destroy(&f);
}

static void vmclear_of_another_vmcs_keeps_the_current_one(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    struct vmm_host_page other = fixture_page(&f, fixture_revision(&f));
    /* VMCLEAR checks no revision ID; it initialises whatever it is given. */
    struct vmm_host_page junk = fixture_page(&f, 0x12345678);
    assert_vmx_ok(f.cpu->ops->vmclear(f.cpu, other.hpa));
    assert_vmx_ok(f.cpu->ops->vmclear(f.cpu, junk.hpa));
    vmm_hpa_t cur = 0;
    assert_vmx_ok(f.cpu->ops->vmptrst(f.cpu, &cur));
    assert_int_equal(cur, f.vmcs.hpa);
    fixture_destroy(&f);
}

/* ---- VMPTRLD / VMPTRST ---- */

static void vmptrld_with_an_unaligned_address_fails_with_error_9(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    struct vmm_host_page p = fixture_page(&f, fixture_revision(&f));
    assert_vmx(f.cpu->ops->vmptrld(f.cpu, p.hpa | 0x800), VMX_FAIL_VALID,
               VMXERR_VMPTRLD_INVALID_ADDR);
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_VM_INSTRUCTION_ERROR), 9);
    fixture_destroy(&f);
}

static void vmptrld_beyond_the_physical_address_width_fails_with_error_9(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "minimal"); /* MAXPHYADDR 36 */
    fixture_load_vmcs(&f);
    assert_vmx(f.cpu->ops->vmptrld(f.cpu, f.vmcs.hpa | (1ull << 36)), VMX_FAIL_VALID,
               VMXERR_VMPTRLD_INVALID_ADDR);
    fixture_destroy(&f);
}

static void vmptrld_with_the_vmxon_pointer_fails_with_error_10(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    assert_vmx(f.cpu->ops->vmptrld(f.cpu, f.vmxon.hpa), VMX_FAIL_VALID, VMXERR_VMPTRLD_VMXON_PTR);
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_VM_INSTRUCTION_ERROR), 10);
    fixture_destroy(&f);
}

static void vmptrld_with_a_wrong_revision_id_fails_with_error_11(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    struct vmm_host_page p = fixture_page(&f, fixture_revision(&f) ^ 1);
    assert_vmx(f.cpu->ops->vmptrld(f.cpu, p.hpa), VMX_FAIL_VALID, VMXERR_VMPTRLD_BAD_REVISION);
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_VM_INSTRUCTION_ERROR), 11);
    vmm_hpa_t cur = 0;
    assert_vmx_ok(f.cpu->ops->vmptrst(f.cpu, &cur));
    assert_int_equal(cur, f.vmcs.hpa); /* the failed VMPTRLD changed nothing */
    fixture_destroy(&f);
}

static void vmptrld_of_a_shadow_vmcs_without_vmcs_shadowing_fails_with_error_11(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "minimal"); /* no secondary controls, so no VMCS shadowing */
    fixture_load_vmcs(&f);
    struct vmm_host_page p = fixture_page(&f, fixture_revision(&f) | SHADOW);
    assert_vmx(f.cpu->ops->vmptrld(f.cpu, p.hpa), VMX_FAIL_VALID, VMXERR_VMPTRLD_BAD_REVISION);
    fixture_destroy(&f);
}

static void vmptrld_of_a_shadow_vmcs_with_vmcs_shadowing_succeeds(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_vmxon(&f);
    struct vmm_host_page p = fixture_page(&f, fixture_revision(&f) | SHADOW);
    assert_vmx_ok(f.cpu->ops->vmclear(f.cpu, p.hpa));
    assert_vmx_ok(f.cpu->ops->vmptrld(f.cpu, p.hpa));
    /* VMREAD and VMWRITE work on a shadow VMCS in VMX root operation. */
    assert_vmx_ok(f.cpu->ops->vmwrite(f.cpu, VMCS_ENC_GUEST_RIP, 0x1234));
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_GUEST_RIP), 0x1234);
    fixture_destroy(&f);
}

static void vmptrld_of_a_region_outside_host_memory_fails_with_error_11(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    /* Nothing answers there: the revision ID reads as all ones. */
    assert_vmx(f.cpu->ops->vmptrld(f.cpu, sim_host_mem_size(f.sim) + 0x10000), VMX_FAIL_VALID,
               VMXERR_VMPTRLD_BAD_REVISION);
    fixture_destroy(&f);
}

static void vmptrld_failure_without_a_current_vmcs_is_vmfail_invalid(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_vmxon(&f);
    struct vmm_host_page bad = fixture_page(&f, 0);
    assert_vmx(f.cpu->ops->vmptrld(f.cpu, bad.hpa + 4), VMX_FAIL_INVALID, 0);
    assert_vmx(f.cpu->ops->vmptrld(f.cpu, f.vmxon.hpa), VMX_FAIL_INVALID, 0);
    assert_vmx(f.cpu->ops->vmptrld(f.cpu, bad.hpa), VMX_FAIL_INVALID, 0);
    fixture_destroy(&f);
}

static void vmptrst_stores_the_current_vmcs_pointer(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    vmm_hpa_t cur = 0;
    assert_vmx_ok(f.cpu->ops->vmptrst(f.cpu, &cur));
    assert_int_equal(cur, f.vmcs.hpa);
    assert_vmx(f.cpu->ops->vmptrst(f.cpu, NULL), VMX_FAULT_GP, 0);
    fixture_destroy(&f);
}

/* ---- VMREAD / VMWRITE ---- */

static void vmread_and_vmwrite_without_a_current_vmcs_fail_invalid(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_vmxon(&f);
    uint64_t v;
    assert_vmx(f.cpu->ops->vmread(f.cpu, VMCS_ENC_GUEST_RIP, &v), VMX_FAIL_INVALID, 0);
    assert_vmx(f.cpu->ops->vmwrite(f.cpu, VMCS_ENC_GUEST_RIP, 1), VMX_FAIL_INVALID, 0);
    /* Even for an encoding that names nothing: no VMCS comes first. */
    assert_vmx(f.cpu->ops->vmread(f.cpu, 0xffffffff, &v), VMX_FAIL_INVALID, 0);
    fixture_destroy(&f);
}

static void vmread_and_vmwrite_of_an_encoding_that_names_no_field_fail_with_error_12(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    const uint32_t nonsense[] = {
        0x00008000,             /* reserved bit 15 */
        VMCS_ENC_GUEST_RIP | 0x1000, /* reserved bit 12 */
        VMCS_ENC_GUEST_RIP | 1, /* high access of a natural-width field */
        VMCS_ENC_GUEST_ES_LIMIT | 1, /* high access of a 32-bit field */
        0x0c7e,                 /* a host 16-bit index no field has */
    };
    for (size_t i = 0; i < sizeof nonsense / sizeof nonsense[0]; i++) {
        enum vmcs_field_id id;
        bool high;
        assert_int_equal(vmcs_field_lookup(nonsense[i], &id, &high), VMM_E_NOENT);
        uint64_t v;
        assert_vmx(f.cpu->ops->vmread(f.cpu, nonsense[i], &v), VMX_FAIL_VALID,
                   VMXERR_UNSUPPORTED_FIELD);
        assert_vmx(f.cpu->ops->vmwrite(f.cpu, nonsense[i], 0), VMX_FAIL_VALID,
                   VMXERR_UNSUPPORTED_FIELD);
    }
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_VM_INSTRUCTION_ERROR), 12);
    fixture_destroy(&f);
}

static void vmread_of_a_field_the_profile_lacks_fails_with_error_12(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "minimal"); /* no EPT */
    fixture_load_vmcs(&f);
    uint64_t v;
    assert_vmx(f.cpu->ops->vmread(f.cpu, VMCS_ENC_EPT_POINTER, &v), VMX_FAIL_VALID,
               VMXERR_UNSUPPORTED_FIELD);
    assert_vmx(f.cpu->ops->vmread(f.cpu, VMCS_ENC_EPT_POINTER | 1, &v), VMX_FAIL_VALID,
               VMXERR_UNSUPPORTED_FIELD);
    fixture_destroy(&f);
}

static void vmwrite_of_a_field_the_profile_lacks_fails_with_error_12(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "minimal");
    fixture_load_vmcs(&f);
    assert_vmx(f.cpu->ops->vmwrite(f.cpu, VMCS_ENC_EPT_POINTER, 0x1e), VMX_FAIL_VALID,
               VMXERR_UNSUPPORTED_FIELD);
    fixture_destroy(&f);
}

/* The field set VMREAD/VMWRITE accept is exactly vmcs_field_exists, on every profile. */
static void vmread_and_vmwrite_accept_exactly_the_fields_the_profile_has(void **state)
{
    (void)state;
    for (size_t p = 0; p < vmx_profile_count; p++) {
        struct fixture f;
        fixture_create(&f, vmx_profiles[p].name);
        fixture_load_vmcs(&f);
        const struct vmx_caps *caps = sim_caps(f.sim);
        for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++) {
            uint32_t enc = vmcs_field_table[i].encoding;
            bool exists = vmcs_field_exists(caps, (enum vmcs_field_id)i);
            uint64_t v;
            struct vmx_status r = f.cpu->ops->vmread(f.cpu, enc, &v);
            if (exists != (r.outcome == VMX_SUCCEED))
                fail_msg("%s: VMREAD of %s: outcome %d", vmx_profiles[p].name,
                         vmcs_field_table[i].name, r.outcome);
            if (!exists)
                assert_int_equal(r.error, VMXERR_UNSUPPORTED_FIELD);
        }
        fixture_destroy(&f);
    }
}

static void vmwrite_to_an_exit_information_field_fails_with_error_13(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "minimal"); /* IA32_VMX_MISC[29] = 0 */
    fixture_load_vmcs(&f);
    assert_false(sim_caps(f.sim)->vmwrite_exit_info);
    assert_vmx(f.cpu->ops->vmwrite(f.cpu, VMCS_ENC_EXIT_QUALIFICATION, 5), VMX_FAIL_VALID,
               VMXERR_VMWRITE_READ_ONLY);
    assert_vmx(f.cpu->ops->vmwrite(f.cpu, VMCS_ENC_VM_EXIT_REASON, 5), VMX_FAIL_VALID,
               VMXERR_VMWRITE_READ_ONLY);
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_VM_INSTRUCTION_ERROR), 13);
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_EXIT_QUALIFICATION), 0);
    fixture_destroy(&f);
}

static void vmwrite_to_an_exit_information_field_succeeds_with_misc_bit_29(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern"); /* IA32_VMX_MISC[29] = 1 */
    fixture_load_vmcs(&f);
    assert_vmx_ok(f.cpu->ops->vmwrite(f.cpu, VMCS_ENC_EXIT_QUALIFICATION, 5));
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_EXIT_QUALIFICATION), 5);
    fixture_destroy(&f);
}

static void vmwrite_truncates_to_the_field_width_and_vmread_zero_extends(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    assert_vmx_ok(f.cpu->ops->vmwrite(f.cpu, VMCS_ENC_GUEST_ES_SELECTOR, 0xffffffffffff1234ull));
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_GUEST_ES_SELECTOR), 0x1234);
    assert_vmx_ok(f.cpu->ops->vmwrite(f.cpu, VMCS_ENC_GUEST_ES_LIMIT, 0xabcdef0012345678ull));
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_GUEST_ES_LIMIT), 0x12345678);
    assert_vmx_ok(f.cpu->ops->vmwrite(f.cpu, VMCS_ENC_GUEST_RIP, 0xffffffff81000000ull));
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_GUEST_RIP), 0xffffffff81000000ull);
    fixture_destroy(&f);
}

static void high_accesses_move_bits_63_32_of_a_64_bit_field(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    assert_vmx_ok(f.cpu->ops->vmwrite(f.cpu, VMCS_ENC_TSC_OFFSET, 0x1111111122222222ull));
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_TSC_OFFSET | 1), 0x11111111);
    assert_vmx_ok(f.cpu->ops->vmwrite(f.cpu, VMCS_ENC_TSC_OFFSET | 1, 0xffffffff33333333ull));
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_TSC_OFFSET), 0x3333333322222222ull);
    fixture_destroy(&f);
}

static void vmread_into_no_destination_faults_gp(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    assert_vmx(f.cpu->ops->vmread(f.cpu, VMCS_ENC_GUEST_RIP, NULL), VMX_FAULT_GP, 0);
    fixture_destroy(&f);
}

static void a_successful_instruction_leaves_the_error_field_alone(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    assert_vmx(f.cpu->ops->vmptrld(f.cpu, f.vmxon.hpa), VMX_FAIL_VALID, VMXERR_VMPTRLD_VMXON_PTR);
    assert_vmx_ok(f.cpu->ops->vmwrite(f.cpu, VMCS_ENC_GUEST_RIP, 1));
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_VM_INSTRUCTION_ERROR), 10);
    fixture_destroy(&f);
}

/* ---- VMCS data in memory ---- */

/* Writes a recognisable value into every field the profile has. */
static void fill_vmcs(struct fixture *f, uint64_t seed)
{
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++) {
        if (!vmcs_field_exists(sim_caps(f->sim), (enum vmcs_field_id)i))
            continue;
        uint64_t v = seed * 0x9e3779b97f4a7c15ull + i;
        assert_vmx_ok(f->cpu->ops->vmwrite(f->cpu, vmcs_field_table[i].encoding, v));
    }
}

static void expect_vmcs(struct fixture *f, uint64_t seed)
{
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++) {
        if (!vmcs_field_exists(sim_caps(f->sim), (enum vmcs_field_id)i))
            continue;
        uint64_t v = (seed * 0x9e3779b97f4a7c15ull + i) &
                     vmcs_width_mask((enum vmcs_width)vmcs_field_table[i].width);
        if (fixture_vmread(f, vmcs_field_table[i].encoding) != v)
            fail_msg("%s lost its value", vmcs_field_table[i].name);
    }
}

static void vmcs_contents_survive_vmclear_and_vmptrld(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    fill_vmcs(&f, 1);
    assert_vmx_ok(f.cpu->ops->vmclear(f.cpu, f.vmcs.hpa));
    assert_vmx_ok(f.cpu->ops->vmptrld(f.cpu, f.vmcs.hpa));
    expect_vmcs(&f, 1);
    fixture_destroy(&f);
}

static void each_vmcs_keeps_its_contents_when_another_is_loaded(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    struct vmm_host_page a = f.vmcs, b = fixture_page(&f, fixture_revision(&f));
    fill_vmcs(&f, 1);
    assert_vmx_ok(f.cpu->ops->vmclear(f.cpu, b.hpa));
    assert_vmx_ok(f.cpu->ops->vmptrld(f.cpu, b.hpa)); /* a stays active, not current */
    fill_vmcs(&f, 2);
    assert_vmx_ok(f.cpu->ops->vmptrld(f.cpu, a.hpa));
    expect_vmcs(&f, 1);
    assert_vmx_ok(f.cpu->ops->vmptrld(f.cpu, b.hpa));
    expect_vmcs(&f, 2);
    fixture_destroy(&f);
}

static void vmclear_writes_the_whole_vmcs_into_its_region(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    fill_vmcs(&f, 3);
    assert_vmx_ok(f.cpu->ops->vmclear(f.cpu, f.vmcs.hpa));
    /* A byte-for-byte copy of the region is the same VMCS. */
    struct vmm_host_page copy = fixture_page(&f, 0);
    memcpy(copy.hva, f.vmcs.hva, 4096);
    assert_vmx_ok(f.cpu->ops->vmptrld(f.cpu, copy.hpa));
    expect_vmcs(&f, 3);
    fixture_destroy(&f);
}

static void loading_the_current_vmcs_again_keeps_the_processors_copy(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    fill_vmcs(&f, 4);
    /* Software must not write the region of an active VMCS; if it does,
     * the processor's copy wins. */
    memset((uint8_t *)f.vmcs.hva + 8, 0x77, 4096 - 8);
    assert_vmx_ok(f.cpu->ops->vmptrld(f.cpu, f.vmcs.hpa));
    expect_vmcs(&f, 4);
    fixture_destroy(&f);
}

static void a_corrupted_region_loads_with_every_value_fitting_its_field(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_vmxon(&f);
    struct vmm_host_page p = fixture_page(&f, fixture_revision(&f));
    memset((uint8_t *)p.hva + 4, 0xff, 4096 - 4);
    assert_vmx_ok(f.cpu->ops->vmptrld(f.cpu, p.hpa));
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_GUEST_ES_SELECTOR), 0xffff);
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_GUEST_ES_LIMIT), 0xffffffff);
    const struct vmcs_image *img = sim_vmcs(f.sim);
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++)
        assert_int_equal(img->value[i] & ~vmcs_width_mask((enum vmcs_width)vmcs_field_table[i].width),
                         0);
    fixture_destroy(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vmclear_with_an_unaligned_address_fails_with_error_2),
        cmocka_unit_test(vmclear_beyond_the_physical_address_width_fails_with_error_2),
        cmocka_unit_test(vmclear_with_the_vmxon_pointer_fails_with_error_3),
        cmocka_unit_test(vmclear_failure_without_a_current_vmcs_is_vmfail_invalid),
        cmocka_unit_test(vmclear_of_the_current_vmcs_makes_it_not_current),
        cmocka_unit_test(vmclear_of_another_vmcs_keeps_the_current_one),
        cmocka_unit_test(vmptrld_with_an_unaligned_address_fails_with_error_9),
        cmocka_unit_test(vmptrld_beyond_the_physical_address_width_fails_with_error_9),
        cmocka_unit_test(vmptrld_with_the_vmxon_pointer_fails_with_error_10),
        cmocka_unit_test(vmptrld_with_a_wrong_revision_id_fails_with_error_11),
        cmocka_unit_test(vmptrld_of_a_shadow_vmcs_without_vmcs_shadowing_fails_with_error_11),
        cmocka_unit_test(vmptrld_of_a_shadow_vmcs_with_vmcs_shadowing_succeeds),
        cmocka_unit_test(vmptrld_of_a_region_outside_host_memory_fails_with_error_11),
        cmocka_unit_test(vmptrld_failure_without_a_current_vmcs_is_vmfail_invalid),
        cmocka_unit_test(vmptrst_stores_the_current_vmcs_pointer),
        cmocka_unit_test(vmread_and_vmwrite_without_a_current_vmcs_fail_invalid),
        cmocka_unit_test(vmread_and_vmwrite_of_an_encoding_that_names_no_field_fail_with_error_12),
        cmocka_unit_test(vmread_of_a_field_the_profile_lacks_fails_with_error_12),
        cmocka_unit_test(vmwrite_of_a_field_the_profile_lacks_fails_with_error_12),
        cmocka_unit_test(vmread_and_vmwrite_accept_exactly_the_fields_the_profile_has),
        cmocka_unit_test(vmwrite_to_an_exit_information_field_fails_with_error_13),
        cmocka_unit_test(vmwrite_to_an_exit_information_field_succeeds_with_misc_bit_29),
        cmocka_unit_test(vmwrite_truncates_to_the_field_width_and_vmread_zero_extends),
        cmocka_unit_test(high_accesses_move_bits_63_32_of_a_64_bit_field),
        cmocka_unit_test(vmread_into_no_destination_faults_gp),
        cmocka_unit_test(a_successful_instruction_leaves_the_error_field_alone),
        cmocka_unit_test(vmcs_contents_survive_vmclear_and_vmptrld),
        cmocka_unit_test(each_vmcs_keeps_its_contents_when_another_is_loaded),
        cmocka_unit_test(vmclear_writes_the_whole_vmcs_into_its_region),
        cmocka_unit_test(loading_the_current_vmcs_again_keeps_the_processors_copy),
        cmocka_unit_test(a_corrupted_region_loads_with_every_value_fitting_its_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
