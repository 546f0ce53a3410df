/* SPDX-License-Identifier: Apache-2.0 */
/*
 * XSETBV exits: the guest sets XCR0 (SDM Vol. 1 "XSAVE-Supported Features
 * and State-Component Bitmaps", XSETBV in Vol. 2). #GP(0) for ECX != 0,
 * CPL > 0, a bit the guest's CPUID does not support, x87 (bit 0) clear,
 * AVX without SSE, BNDREGS and BNDCSR not equal, the AVX-512 trio (7:5)
 * neither all clear nor all set or set without AVX and SSE, and XTILECFG /
 * XTILEDATA (17, 18) not equal. The accepted value is the platform's
 * xcr0, which the backend loads for the guest.
 */
#include "handler_util.h"

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define XCR0_BND (3ull << 3)
#define XCR0_AVX512 (7ull << 5)
#define XCR0_AMX (3ull << 17)

static bool pair_mixed(uint64_t value, uint64_t pair)
{
    return (value & pair) != 0 && (value & pair) != pair;
}

/* Whether XSETBV may load `value` into XCR0. */
static bool xcr0_valid(uint64_t value, uint64_t supported)
{
    if ((value & ~supported) || !(value & XCR0_X87))
        return false;
    if ((value & XCR0_AVX) && !(value & XCR0_SSE))
        return false;
    if (pair_mixed(value, XCR0_BND) || pair_mixed(value, XCR0_AVX512) ||
        pair_mixed(value, XCR0_AMX))
        return false;
    if ((value & XCR0_AVX512) && (value & (XCR0_SSE | XCR0_AVX)) != (XCR0_SSE | XCR0_AVX))
        return false;
    return true;
}

enum vmm_exit_action vmm_handle_xsetbv(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    struct vmm_platform *p = ctx;
    (void)e;
    unsigned cpl;
    HTRY(v, vmm_vcpu_cpl(v, &cpl), "reading the guest CPL failed");
    uint64_t value = edx_eax(v);
    if (cpl != 0 || (uint32_t)v->gprs.rcx != 0 ||
        !xcr0_valid(value, vmm_cpuid_xcr0_supported(&p->cpuid)))
        return vmm_vcpu_raise(v, 13, 0);
    p->xcr0 = value;
    return complete(v);
}
