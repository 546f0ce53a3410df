/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Built-in CPUID profiles: what a guest is shown. Feature sets are chosen
 * for what libvmm can run faithfully (no AVX: the simulated backend cannot
 * hold its state; no APIC, MTRR or MCA until those are emulated).
 */
#include "vmm/cpuid.h"

#define CHARS4(a, b, c, d) \
    ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
/* Leaf 0: the highest basic leaf and "GenuineIntel" in EBX, EDX, ECX. */
#define LEAF0_INTEL(max)                                                            \
    {0, 0, false,                                                                   \
     {(max), CHARS4('G', 'e', 'n', 'u'), CHARS4('n', 't', 'e', 'l'), CHARS4('i', 'n', 'e', 'I')}}
#define LEAF(l, a, b, c, d) {(l), 0, false, {(a), (b), (c), (d)}}
#define SUBLEAF(l, s, a, b, c, d) {(l), (s), true, {(a), (b), (c), (d)}}

/*
 * An Intel 64 processor, family 6 model 55H (Skylake server signature):
 * leaf 1 EDX: FPU VME DE PSE TSC MSR PAE MCE CX8 SEP PGE CMOV PAT PSE36
 *             CLFSH MMX FXSR SSE SSE2
 * leaf 1 ECX: SSE3 PCLMULQDQ SSSE3 CX16 SSE4.1 SSE4.2 MOVBE POPCNT AES XSAVE
 * leaf 7 EBX: FSGSBASE BMI1 SMEP BMI2 ERMS ADX SMAP CLFLUSHOPT
 * 80000001H:  LAHF LZCNT PREFETCHW; SYSCALL NX RDTSCP LM
 * XCR0: x87 | SSE; 39 physical, 48 linear address bits; invariant TSC.
 */
static const struct vmm_cpuid_leaf generic_intel64[] = {
    LEAF0_INTEL(0xd),
    LEAF(0x1, 0x00050654, 0x00010800, 0x06d82203, 0x078ba9ff),
    LEAF(0x2, 0x00feff01, 0, 0, 0),
    SUBLEAF(0x7, 0, 0, 0x00980389, 0, 0),
    SUBLEAF(0xd, 0, 0x3, 0x240, 0x240, 0),
    SUBLEAF(0xd, 1, 0, 0, 0, 0),
    LEAF(0x80000000, 0x80000008, 0, 0, 0),
    LEAF(0x80000001, 0, 0, 0x00000121, 0x28100800),
    LEAF(0x80000002, CHARS4('l', 'i', 'b', 'v'), CHARS4('m', 'm', ' ', 'v'),
         CHARS4('i', 'r', 't', 'u'), CHARS4('a', 'l', ' ', 'C')),
    LEAF(0x80000003, CHARS4('P', 'U', 0, 0), 0, 0, 0),
    LEAF(0x80000004, 0, 0, 0, 0),
    LEAF(0x80000007, 0, 0, 0, 0x100),
    LEAF(0x80000008, 0x3027, 0, 0, 0),
};

/*
 * A 32-bit P6-class processor without long mode: leaf 1 EDX: FPU PSE TSC
 * MSR PAE CX8 CMOV FXSR SSE SSE2; 36 physical, 32 linear address bits.
 */
static const struct vmm_cpuid_leaf minimal_i686[] = {
    LEAF0_INTEL(0x1),
    LEAF(0x1, 0x00000633, 0, 0, 0x07008179),
    LEAF(0x80000000, 0x80000008, 0, 0, 0),
    LEAF(0x80000001, 0, 0, 0, 0),
    LEAF(0x80000008, 0x2024, 0, 0, 0),
};

#define PROFILE(n, d, t) {(n), (d), (t), sizeof(t) / sizeof((t)[0])}

const struct vmm_cpuid_profile vmm_cpuid_profiles[] = {
    PROFILE("generic-intel64", "Intel 64 without AVX, APIC, MTRR, MCA", generic_intel64),
    PROFILE("minimal-i686", "32-bit P6 with PAE and SSE2, no long mode", minimal_i686),
};
const size_t vmm_cpuid_profile_count = sizeof vmm_cpuid_profiles / sizeof vmm_cpuid_profiles[0];

static bool same(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

const struct vmm_cpuid_profile *vmm_cpuid_profile_find(const char *name)
{
    for (size_t i = 0; name && i < vmm_cpuid_profile_count; i++)
        if (same(vmm_cpuid_profiles[i].name, name))
            return &vmm_cpuid_profiles[i];
    return 0;
}
