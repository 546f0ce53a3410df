/* SPDX-License-Identifier: Apache-2.0 */
/* INVEPT and INVVPID: supported types, operand checks, #UD without the feature. */
#include "testing/fixture.h"

/* WB, 4-level walk: valid on every profile with EPT. */
#define EPTP_OK (0x5000ull | 6u | (3u << 3))

static struct vmx_status invept(struct fixture *f, unsigned type, uint64_t eptp)
{
    return f->cpu->ops->invept(f->cpu, (enum vmx_invept_type)type, eptp);
}

static struct vmx_status invvpid(struct fixture *f, unsigned type, uint16_t vpid, uint64_t gla)
{
    return f->cpu->ops->invvpid(f->cpu, (enum vmx_invvpid_type)type, vpid, gla);
}

static void invept_and_invvpid_of_every_supported_type_succeed(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    assert_vmx_ok(invept(&f, VMX_INVEPT_SINGLE, EPTP_OK));
    assert_vmx_ok(invept(&f, VMX_INVEPT_ALL, 0));
    assert_vmx_ok(invvpid(&f, VMX_INVVPID_ADDR, 1, 0x401000));
    assert_vmx_ok(invvpid(&f, VMX_INVVPID_SINGLE, 1, 0));
    assert_vmx_ok(invvpid(&f, VMX_INVVPID_ALL, 0, 0));
    assert_vmx_ok(invvpid(&f, VMX_INVVPID_SINGLE_NONGLOBAL, 1, 0));
    struct sim_invalidations n = sim_invalidations(f.sim);
    assert_int_equal(n.invept, 2);
    assert_int_equal(n.invvpid, 4);
    fixture_destroy(&f);
}

static void invept_and_invvpid_without_the_feature_raise_ud(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "minimal"); /* no secondary controls: neither EPT nor VPID */
    fixture_load_vmcs(&f);
    assert_vmx(invept(&f, VMX_INVEPT_ALL, 0), VMX_FAULT_UD, 0);
    assert_vmx(invvpid(&f, VMX_INVVPID_ALL, 0, 0), VMX_FAULT_UD, 0);
    fixture_destroy(&f);
}

static void invept_of_an_unsupported_type_fails_with_error_28(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "bochs-skylake-x");
    fixture_load_vmcs(&f);
    /* Bochs' EPT_VPID_CAP 0x00000f0106334141: both INVEPT types (bits 25, 26). */
    const unsigned types[] = {0, 3, 4, 0xffffffffu};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        assert_vmx(invept(&f, types[i], EPTP_OK), VMX_FAIL_VALID,
                   VMXERR_INVALID_INVEPT_INVVPID_OPERAND);
    assert_int_equal(fixture_vmread(&f, VMCS_ENC_VM_INSTRUCTION_ERROR), 28);
    assert_int_equal(sim_invalidations(f.sim).invept, 0);
    fixture_destroy(&f);
}

static void invept_single_context_with_an_invalid_eptp_fails_with_error_28(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "bochs-skylake-x"); /* MAXPHYADDR 40, no 5-level EPT, no SSS */
    fixture_load_vmcs(&f);
    const uint64_t bad[] = {
        0x5000 | 1u | (3u << 3),  /* memory type 1 */
        0x5000 | 6u | (4u << 3),  /* 5-level walk */
        0x5000 | 6u | (1u << 3),  /* 2-level walk */
        EPTP_OK | (1u << 7),      /* supervisor shadow stacks */
        EPTP_OK | (1u << 8),      /* reserved bit 8 */
        EPTP_OK | (1ull << 40),   /* beyond MAXPHYADDR */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_vmx(invept(&f, VMX_INVEPT_SINGLE, bad[i]), VMX_FAIL_VALID,
                   VMXERR_INVALID_INVEPT_INVVPID_OPERAND);
    /* All-context invalidation ignores the EPTP. */
    assert_vmx_ok(invept(&f, VMX_INVEPT_ALL, bad[0]));
    /* A/D flags are allowed where supported (bit 21). */
    assert_vmx_ok(invept(&f, VMX_INVEPT_SINGLE, EPTP_OK | (1u << 6)));
    fixture_destroy(&f);
}

static void invvpid_of_an_unsupported_type_fails_with_error_28(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "bochs-skylake-x"); /* INVVPID types 0-3 all supported */
    fixture_load_vmcs(&f);
    assert_vmx(invvpid(&f, 4, 1, 0), VMX_FAIL_VALID, VMXERR_INVALID_INVEPT_INVVPID_OPERAND);
    assert_vmx(invvpid(&f, 0x80000000u, 1, 0), VMX_FAIL_VALID,
               VMXERR_INVALID_INVEPT_INVVPID_OPERAND);
    fixture_destroy(&f);
}

static void invvpid_with_vpid_0_fails_with_error_28_except_all_context(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_load_vmcs(&f);
    assert_vmx(invvpid(&f, VMX_INVVPID_ADDR, 0, 0x1000), VMX_FAIL_VALID,
               VMXERR_INVALID_INVEPT_INVVPID_OPERAND);
    assert_vmx(invvpid(&f, VMX_INVVPID_SINGLE, 0, 0), VMX_FAIL_VALID,
               VMXERR_INVALID_INVEPT_INVVPID_OPERAND);
    assert_vmx(invvpid(&f, VMX_INVVPID_SINGLE_NONGLOBAL, 0, 0), VMX_FAIL_VALID,
               VMXERR_INVALID_INVEPT_INVVPID_OPERAND);
    assert_vmx_ok(invvpid(&f, VMX_INVVPID_ALL, 0, 0));
    fixture_destroy(&f);
}

static void invvpid_individual_address_with_a_noncanonical_address_fails_with_error_28(void **state)
{
    (void)state;
    struct fixture f48, f57;
    fixture_create(&f48, "bochs-skylake-x"); /* 48-bit linear addresses */
    fixture_create(&f57, "modern");          /* 57-bit linear addresses */
    fixture_load_vmcs(&f48);
    fixture_load_vmcs(&f57);
    const uint64_t canonical57 = 0x0080000000000000ull - 0x1000; /* not canonical at 48 bits */
    assert_vmx(invvpid(&f48, VMX_INVVPID_ADDR, 1, canonical57), VMX_FAIL_VALID,
               VMXERR_INVALID_INVEPT_INVVPID_OPERAND);
    assert_vmx_ok(invvpid(&f57, VMX_INVVPID_ADDR, 1, canonical57));
    assert_vmx(invvpid(&f57, VMX_INVVPID_ADDR, 1, 0x0100000000000000ull), VMX_FAIL_VALID,
               VMXERR_INVALID_INVEPT_INVVPID_OPERAND);
    assert_vmx_ok(invvpid(&f48, VMX_INVVPID_ADDR, 1, 0xffff800000000000ull));
    /* Other types ignore the address. */
    assert_vmx_ok(invvpid(&f48, VMX_INVVPID_SINGLE, 1, canonical57));
    fixture_destroy(&f48);
    fixture_destroy(&f57);
}

static void invept_and_invvpid_failures_without_a_current_vmcs_are_vmfail_invalid(void **state)
{
    (void)state;
    struct fixture f;
    fixture_create(&f, "modern");
    fixture_vmxon(&f);
    assert_vmx(invept(&f, 7, 0), VMX_FAIL_INVALID, 0);
    assert_vmx(invvpid(&f, VMX_INVVPID_SINGLE, 0, 0), VMX_FAIL_INVALID, 0);
    /* Successful ones need no VMCS. */
    assert_vmx_ok(invept(&f, VMX_INVEPT_ALL, 0));
    assert_vmx_ok(invvpid(&f, VMX_INVVPID_ALL, 0, 0));
    fixture_destroy(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(invept_and_invvpid_of_every_supported_type_succeed),
        cmocka_unit_test(invept_and_invvpid_without_the_feature_raise_ud),
        cmocka_unit_test(invept_of_an_unsupported_type_fails_with_error_28),
        cmocka_unit_test(invept_single_context_with_an_invalid_eptp_fails_with_error_28),
        cmocka_unit_test(invvpid_of_an_unsupported_type_fails_with_error_28),
        cmocka_unit_test(invvpid_with_vpid_0_fails_with_error_28_except_all_context),
        cmocka_unit_test(invvpid_individual_address_with_a_noncanonical_address_fails_with_error_28),
        cmocka_unit_test(invept_and_invvpid_failures_without_a_current_vmcs_are_vmfail_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
