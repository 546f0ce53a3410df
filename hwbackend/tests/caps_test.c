/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The processor's VMX capabilities as the seam reads them, printed (one
 * line per MSR, ready for a profile in core/caps/profiles.c), and compared
 * with the core's profile of the same processor: the profile whose
 * IA32_VMX_BASIC is this processor's must agree on every MSR, presence and
 * CPUID fact, or the simulated backend models a different processor than
 * the one the in-image tests run on. Only the "bochs-*" profiles are
 * candidates: other profiles are synthetic and may share a BASIC value.
 */
#include "fixture.h"
#include "libos/console.h"
#include "libos/string.h"
#include "libos/test.h"

static void print_raw(const struct vmx_raw_caps *raw)
{
    for (unsigned i = 0; i < VMX_CAP_MSR_COUNT; i++) {
        if (raw->msr_present & (1u << i))
            kprintf("caps: MSR 0x%x %-24s 0x%016llx\n", VMX_CAP_MSR_BASE + i,
                    vmx_cap_msr_name((enum vmx_cap_msr)i), (unsigned long long)raw->msr[i]);
        else
            kprintf("caps: MSR 0x%x %-24s absent\n", VMX_CAP_MSR_BASE + i,
                    vmx_cap_msr_name((enum vmx_cap_msr)i));
    }
    kprintf("caps: MAXPHYADDR %u, linear width %u, CPUID features 0x%llx\n",
            raw->phys_addr_width, raw->linear_addr_width,
            (unsigned long long)raw->cpuid_features);
}

LIBOS_TEST(vmx_caps_equal_the_core_profile_of_this_processor)
{
    struct hwt *t = hwt_backend();
    const struct vmx_raw_caps *raw = &t->caps.raw;
    print_raw(raw);
    const struct vmx_profile *match = NULL;
    for (size_t i = 0; i < vmx_profile_count; i++)
        if (strncmp(vmx_profiles[i].name, "bochs-", 6) == 0 &&
            vmx_profiles[i].raw->msr[VMX_MSR_BASIC] == raw->msr[VMX_MSR_BASIC])
            match = &vmx_profiles[i];
    if (!match)
        test_skip("no profile has this IA32_VMX_BASIC; the values above make one");
    kprintf("caps: comparing with profile %s\n", match->name);
    const struct vmx_raw_caps *p = match->raw;
    unsigned differ = 0;
    for (unsigned i = 0; i < VMX_CAP_MSR_COUNT; i++) {
        bool here = raw->msr_present & (1u << i), there = p->msr_present & (1u << i);
        if (here != there || (here && raw->msr[i] != p->msr[i])) {
            kprintf("caps: %s differs: processor 0x%016llx%s, profile 0x%016llx%s\n",
                    vmx_cap_msr_name((enum vmx_cap_msr)i), (unsigned long long)raw->msr[i],
                    here ? "" : " (absent)", (unsigned long long)p->msr[i],
                    there ? "" : " (absent)");
            differ++;
        }
    }
    TEST_ASSERT_EQ(differ, 0);
    TEST_ASSERT_EQ(raw->phys_addr_width, p->phys_addr_width);
    TEST_ASSERT_EQ(raw->linear_addr_width, p->linear_addr_width);
    TEST_ASSERT_EQ(raw->cpuid_features, p->cpuid_features);
}
