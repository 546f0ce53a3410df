/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Predicates of checks/guest_dtr_rip.def: guest GDTR/IDTR (x.3.1.3) and
 * guest RIP, RFLAGS and SSP (x.3.1.4).
 */
#ifndef VMM_PRED_GUEST_DTR_RIP_H
#define VMM_PRED_GUEST_DTR_RIP_H

#include "ctx.h"

#define GDR_CR0_PE (1ull << 0)
#define GDR_CR4_FRED (1ull << 32)
#define GDR_CS_AR_L (1ull << 13)
#define GDR_AR_DPL(ar) (((ar) >> 5) & 3u)
#define GDR_RFLAGS_RESERVED0 ((~0ull << 22) | (1ull << 15) | (1ull << 5) | (1ull << 3))
#define GDR_RFLAGS_RESERVED1 (1ull << 1)
#define GDR_RFLAGS_IF (1ull << 9)
#define GDR_RFLAGS_IOPL (3ull << 12)
#define GDR_SSP_ALIGN_MASK 0x3ull

/*
 * Bits 63:N of v are identical, N = the linear-address width. Weaker than
 * "canonical" (bits 63:N-1): it is what the SDM asks of guest RIP and SSP,
 * so an address with only bit N-1 set passes VM entry and faults later.
 */
static inline bool upper_bits_identical(const struct vmx_check_ctx *c, uint64_t v)
{
    uint64_t upper = v >> c->caps->linear_addr_width;
    return upper == 0 || upper == (~0ull >> c->caps->linear_addr_width);
}

/* The guest will run 64-bit code: IA-32e mode guest with CS.L = 1. */
static inline bool guest_in_64bit_mode(const struct vmx_check_ctx *c)
{
    return c->ia32e_guest && (FIELD(c, GUEST_CS_AR_BYTES) & GDR_CS_AR_L);
}

/* ---- x.3.1.3 descriptor-table registers ---- */

/* The guest base field `arg` (GDTR or IDTR) holds a canonical address. */
static inline bool guest_dtr_base_canonical(const struct vmx_check_ctx *c, unsigned arg)
{
    return is_canonical(c, c->f[arg]);
}

/* The guest limit field `arg` has bits 31:16 = 0. */
static inline bool guest_dtr_limit_16bit(const struct vmx_check_ctx *c, unsigned arg)
{
    return (c->f[arg] >> 16) == 0;
}

/* ---- x.3.1.4 RIP, RFLAGS and SSP ---- */

static inline bool guest_rip_high_clear_outside_64bit(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return guest_in_64bit_mode(c) || (FIELD(c, GUEST_RIP) >> 32) == 0;
}

static inline bool guest_rip_upper_identical_in_64bit(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !guest_in_64bit_mode(c) || upper_bits_identical(c, FIELD(c, GUEST_RIP));
}

static inline bool guest_rflags_reserved_clear(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (FIELD(c, GUEST_RFLAGS) & GDR_RFLAGS_RESERVED0) == 0;
}

static inline bool guest_rflags_bit1_set(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (FIELD(c, GUEST_RFLAGS) & GDR_RFLAGS_RESERVED1) != 0;
}

static inline bool guest_rflags_vm_clear_if_ia32e(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->ia32e_guest || !c->v8086;
}

/* Virtual-8086 mode needs protected mode (CR0.PE = 1). */
static inline bool guest_rflags_vm_clear_if_real(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return (FIELD(c, GUEST_CR0) & GDR_CR0_PE) || !c->v8086;
}

/* Injecting an external interrupt requires RFLAGS.IF = 1. */
static inline bool guest_rflags_if_for_ext_intr(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !c->inject || c->inj_type != INTR_TYPE_EXT_INTR ||
           (FIELD(c, GUEST_RFLAGS) & GDR_RFLAGS_IF);
}

/* A FRED guest (guest CR4.FRED = 1) entering ring 3 (SS.DPL = 3) has IOPL = 0. */
static inline bool guest_fred_user_iopl_zero(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !(FIELD(c, GUEST_CR4) & GDR_CR4_FRED) || GDR_AR_DPL(FIELD(c, GUEST_SS_AR_BYTES)) != 3 ||
           (FIELD(c, GUEST_RFLAGS) & GDR_RFLAGS_IOPL) == 0;
}

static inline bool guest_loads_cet(const struct vmx_check_ctx *c)
{
    return (c->entry & VMX_ENTRY_LOAD_CET) != 0;
}

static inline bool guest_ssp_aligned(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !guest_loads_cet(c) || (FIELD(c, GUEST_SSP) & GDR_SSP_ALIGN_MASK) == 0;
}

static inline bool guest_ssp_high_clear_outside_ia32e(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !guest_loads_cet(c) || c->ia32e_guest || (FIELD(c, GUEST_SSP) >> 32) == 0;
}

static inline bool guest_ssp_upper_identical_in_ia32e(const struct vmx_check_ctx *c, unsigned arg)
{
    (void)arg;
    return !guest_loads_cet(c) || !c->ia32e_guest || upper_bits_identical(c, FIELD(c, GUEST_SSP));
}

#endif
