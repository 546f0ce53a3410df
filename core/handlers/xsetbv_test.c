/* SPDX-License-Identifier: Apache-2.0 */
/* XSETBV: the XCR0 validity rules, #GP for everything else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#define GP 0x80000b0du

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

/* XSETBV with ECX = index, EDX:EAX = value; true if it completed. */
static bool xsetbv(struct hfix *f, uint32_t index, uint64_t value)
{
    hfix_set(f, VMCS_GUEST_RIP, 0x1000);
    hfix_set(f, VMCS_VM_ENTRY_INTR_INFO_FIELD, 0);
    f->vcpu.gprs.rcx = index;
    f->vcpu.gprs.rax = value & 0xffffffffu;
    f->vcpu.gprs.rdx = value >> 32;
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_XSETBV, 0, 3), VMM_STOP_BUDGET);
    if (hfix_injected(f)) {
        assert_int_equal(hfix_injected(f), GP);
        assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1000);
        return false;
    }
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1003);
    return true;
}

/* Shows the guest XSAVE components `mask`. */
static void support(struct hfix *f, uint64_t mask)
{
    struct vmm_cpuid_leaf l = {.leaf = 0xd, .subleaf = 0, .indexed = true,
                               .r = {(uint32_t)mask, 0x240, 0x240, (uint32_t)(mask >> 32)}};
    assert_int_equal(vmm_cpuid_set(&f->platform.cpuid, &l), VMM_OK);
}

static void supported_x87_and_sse_are_accepted(void **state)
{
    struct hfix *f = *state;
    assert_int_equal(f->platform.xcr0, 1);
    assert_true(xsetbv(f, 0, 3));
    assert_int_equal(f->platform.xcr0, 3);
    assert_true(xsetbv(f, 0, 1));
    assert_int_equal(f->platform.xcr0, 1);
}

static void basic_rules_raise_gp(void **state)
{
    struct hfix *f = *state;
    assert_false(xsetbv(f, 0, 2));          /* x87 clear */
    assert_false(xsetbv(f, 0, 0));
    assert_false(xsetbv(f, 0, 7));          /* AVX not supported by this guest */
    assert_false(xsetbv(f, 0, 1ull << 40)); /* reserved */
    assert_false(xsetbv(f, 1, 3));          /* only XCR0 can be written */
    assert_int_equal(f->platform.xcr0, 1);
}

static void avx_and_avx512_dependencies(void **state)
{
    struct hfix *f = *state;
    support(f, 0xe7); /* x87 SSE AVX opmask ZMM_Hi256 Hi16_ZMM */
    assert_false(xsetbv(f, 0, 0x5));  /* AVX without SSE */
    assert_true(xsetbv(f, 0, 0x7));
    assert_false(xsetbv(f, 0, 0x27)); /* AVX-512 components not all set */
    assert_false(xsetbv(f, 0, 0xe3)); /* AVX-512 without AVX */
    assert_true(xsetbv(f, 0, 0xe7));
    assert_int_equal(f->platform.xcr0, 0xe7);
}

static void paired_components_go_together(void **state)
{
    struct hfix *f = *state;
    support(f, 0x1f | (3ull << 17));
    assert_false(xsetbv(f, 0, 0x0b)); /* BNDREGS without BNDCSR */
    assert_true(xsetbv(f, 0, 0x1b));
    assert_false(xsetbv(f, 0, 0x3 | (1ull << 17))); /* XTILECFG without XTILEDATA */
    assert_true(xsetbv(f, 0, 0x3 | (3ull << 17)));
}

static void user_mode_raises_gp(void **state)
{
    struct hfix *f = *state;
    hfix_set(f, VMCS_GUEST_SS_AR_BYTES, 0xc0f3);
    assert_false(xsetbv(f, 0, 3));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(supported_x87_and_sse_are_accepted),
        T(basic_rules_raise_gp),
        T(avx_and_avx512_dependencies),
        T(paired_components_go_together),
        T(user_mode_raises_gp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
