/* SPDX-License-Identifier: Apache-2.0 */
/* CPUID: the policy's table, the SDM's out-of-range rule, hypervisor leaves, dynamic bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "vmm/hypercall.h"

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

/* Runs CPUID(leaf, subleaf) through the handler. */
static void cpuid(struct hfix *f, uint64_t leaf, uint64_t subleaf)
{
    f->vcpu.gprs.rax = leaf;
    f->vcpu.gprs.rcx = subleaf;
    assert_int_equal(hfix_run_exit(f, VMX_EXIT_CPUID, 0, 2), VMM_STOP_BUDGET);
}

static void leaf0_names_the_vendor_and_rip_moves_past_cpuid(void **state)
{
    struct hfix *f = *state;
    cpuid(f, 0xdead000000000000ull, 0); /* upper bits of RAX are ignored */
    assert_int_equal(f->vcpu.gprs.rax, 0xd);
    char vendor[13] = {0};
    memcpy(vendor, &f->vcpu.gprs.rbx, 4);
    memcpy(vendor + 4, &f->vcpu.gprs.rdx, 4);
    memcpy(vendor + 8, &f->vcpu.gprs.rcx, 4);
    assert_string_equal(vendor, "GenuineIntel");
    assert_int_equal(hfix_vmcs(f, VMCS_GUEST_RIP), 0x1002);
}

static void leaf1_hides_vmx_and_shows_the_hypervisor(void **state)
{
    struct hfix *f = *state;
    f->platform.cpuid.apic_id = 3;
    cpuid(f, 1, 0);
    assert_int_equal(f->vcpu.gprs.rcx & (1u << 5), 0);
    assert_int_equal(f->vcpu.gprs.rcx & (1u << 31), 1u << 31);
    assert_int_equal(f->vcpu.gprs.rbx >> 24, 3);
    assert_int_equal(f->vcpu.gprs.rdx, 0x078ba9ff);
}

static void osxsave_follows_the_guests_cr4(void **state)
{
    struct hfix *f = *state;
    cpuid(f, 1, 0);
    assert_int_equal(f->vcpu.gprs.rcx & (1u << 27), 0);
    /* CR4.OSXSAVE owned by the host: the shadow is what the guest sees. */
    hfix_set(f, VMCS_CR4_GUEST_HOST_MASK, 0x2020 | (1u << 18));
    hfix_set(f, VMCS_CR4_READ_SHADOW, 0x220 | (1u << 18));
    cpuid(f, 1, 0);
    assert_int_equal(f->vcpu.gprs.rcx & (1u << 27), 1u << 27);
    assert_int_equal(f->vcpu.gprs.rcx & (1u << 26), 1u << 26);
}

static void hypervisor_leaves_carry_the_libvmm_signature(void **state)
{
    struct hfix *f = *state;
    cpuid(f, 0x40000000, 0);
    assert_int_equal(f->vcpu.gprs.rax, 0x40000001);
    char sig[12];
    memcpy(sig, &f->vcpu.gprs.rbx, 4);
    memcpy(sig + 4, &f->vcpu.gprs.rcx, 4);
    memcpy(sig + 8, &f->vcpu.gprs.rdx, 4);
    assert_memory_equal(sig, "libvmm\0\0\0\0\0\0", 12);
    cpuid(f, 0x40000001, 0);
    assert_int_equal(f->vcpu.gprs.rax, VMM_HYPERCALL_ABI_VERSION);
}

static void leaves_above_the_maximum_return_the_highest_basic_leaf(void **state)
{
    struct hfix *f = *state;
    struct vmm_cpuid_regs top;
    vmm_cpuid_query(&f->platform.cpuid, 0xd, 0, 0, &top);
    assert_int_equal(top.eax, 3);
    const uint32_t above[] = {0xe, 0x20, 0x3fffffff, 0x40000002, 0x4fffffff, 0x80000009,
                              0xc0000000, 0xffffffff};
    for (size_t i = 0; i < sizeof above / sizeof above[0]; i++) {
        cpuid(f, above[i], 0);
        assert_int_equal(f->vcpu.gprs.rax, top.eax);
        assert_int_equal(f->vcpu.gprs.rbx, top.ebx);
        assert_int_equal(f->vcpu.gprs.rcx, top.ecx);
    }
    /* the subleaf still selects within the highest basic leaf */
    cpuid(f, 0x20, 1);
    assert_int_equal(f->vcpu.gprs.rax, 0);
    assert_int_equal(f->vcpu.gprs.rbx, 0);
}

static void absent_leaves_inside_the_range_are_zero(void **state)
{
    struct hfix *f = *state;
    cpuid(f, 3, 0);
    assert_int_equal(f->vcpu.gprs.rax | f->vcpu.gprs.rbx | f->vcpu.gprs.rcx | f->vcpu.gprs.rdx, 0);
    cpuid(f, 0x80000005, 0);
    assert_int_equal(f->vcpu.gprs.rax | f->vcpu.gprs.rbx | f->vcpu.gprs.rcx | f->vcpu.gprs.rdx, 0);
    cpuid(f, 7, 1); /* an absent subleaf */
    assert_int_equal(f->vcpu.gprs.rbx, 0);
    f->platform.cpuid.apic_id = 9;
    cpuid(f, 0xb, 2); /* topology: echo the level, report the x2APIC ID */
    assert_int_equal(f->vcpu.gprs.rcx, 2);
    assert_int_equal(f->vcpu.gprs.rdx, 9);
}

static void masked_features_disappear(void **state)
{
    struct hfix *f = *state;
    assert_int_equal(vmm_cpuid_mask(&f->platform.cpuid, 1, 0, VMM_CPUID_ECX, 1u << 0), VMM_OK);
    assert_int_equal(vmm_cpuid_mask(&f->platform.cpuid, 7, 0, VMM_CPUID_EBX, 1u << 7), VMM_OK);
    assert_int_equal(vmm_cpuid_mask(&f->platform.cpuid, 6, 0, VMM_CPUID_EBX, 1), VMM_E_NOENT);
    cpuid(f, 1, 0);
    assert_int_equal(f->vcpu.gprs.rcx & 1, 0);
    cpuid(f, 7, 0);
    assert_int_equal(f->vcpu.gprs.rbx & (1u << 7), 0);
    assert_int_equal(f->vcpu.gprs.rbx & 1, 1);
    /* masking SMEP removes it from what CR4 may hold */
    assert_int_equal(vmm_cpuid_cr4_allowed(&f->platform.cpuid) & (1u << 20), 0);
}

static void table_stays_sorted_and_bounded(void **state)
{
    struct hfix *f = *state;
    struct vmm_cpuid_policy *p = &f->platform.cpuid;
    struct vmm_cpuid_leaf l = {.leaf = 6, .r = {1, 2, 3, 4}};
    assert_int_equal(vmm_cpuid_set(p, &l), VMM_OK);
    l.r.eax = 5;
    size_t n = p->count;
    assert_int_equal(vmm_cpuid_set(p, &l), VMM_OK); /* replaces */
    assert_int_equal(p->count, n);
    assert_int_equal(vmm_cpuid_find(p, 6, 0)->r.eax, 5);
    for (size_t i = 1; i < p->count; i++) {
        uint64_t a = (uint64_t)p->leaf[i - 1].leaf << 32 | p->leaf[i - 1].subleaf;
        uint64_t b = (uint64_t)p->leaf[i].leaf << 32 | p->leaf[i].subleaf;
        assert_true(a < b);
    }
    int rc = VMM_OK;
    for (uint32_t s = 0; rc == VMM_OK; s++) {
        struct vmm_cpuid_leaf sub = {.leaf = 0x12, .subleaf = s, .indexed = true};
        rc = vmm_cpuid_set(p, &sub);
    }
    assert_int_equal(rc, VMM_E_NOMEM);
    assert_int_equal(p->count, VMM_CPUID_MAX_LEAVES);
}

static void profiles_are_found_by_name(void **state)
{
    (void)state;
    assert_non_null(vmm_cpuid_profile_find("generic-intel64"));
    assert_non_null(vmm_cpuid_profile_find("minimal-i686"));
    assert_null(vmm_cpuid_profile_find("pentium"));
    assert_null(vmm_cpuid_profile_find(NULL));
    struct vmm_cpuid_policy p;
    struct vmm_cpuid_profile empty = {"empty", "", NULL, 0};
    assert_int_equal(vmm_cpuid_policy_init(&p, &empty, 0), VMM_E_INVAL);
}

static void cr4_and_xcr0_follow_the_features_shown(void **state)
{
    struct hfix *f = *state;
    uint64_t cr4 = vmm_cpuid_cr4_allowed(&f->platform.cpuid);
    assert_int_equal(cr4 & (1u << 13), 0);      /* VMXE: VMX hidden */
    assert_int_equal(cr4 & (1u << 5), 1u << 5); /* PAE */
    assert_int_equal(cr4 & (1u << 18), 1u << 18); /* OSXSAVE */
    assert_int_equal(cr4 & (1u << 17), 0);      /* PCIDE: no PCID */
    assert_int_equal(cr4 & (1u << 8), 1u << 8); /* PCE: always */
    assert_int_equal(vmm_cpuid_xcr0_supported(&f->platform.cpuid), 3);
    struct vmm_cpuid_policy mini;
    assert_int_equal(vmm_cpuid_policy_init(&mini, vmm_cpuid_profile_find("minimal-i686"), 0), VMM_OK);
    assert_int_equal(vmm_cpuid_cr4_allowed(&mini) & (1u << 18), 0);
    assert_int_equal(vmm_cpuid_xcr0_supported(&mini), 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(leaf0_names_the_vendor_and_rip_moves_past_cpuid),
        T(leaf1_hides_vmx_and_shows_the_hypervisor),
        T(osxsave_follows_the_guests_cr4),
        T(hypervisor_leaves_carry_the_libvmm_signature),
        T(leaves_above_the_maximum_return_the_highest_basic_leaf),
        T(absent_leaves_inside_the_range_are_zero),
        T(masked_features_disappear),
        T(table_stays_sorted_and_bounded),
        T(profiles_are_found_by_name),
        T(cr4_and_xcr0_follow_the_features_shown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
