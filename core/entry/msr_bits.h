/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Architectural layouts of the MSRs whose VMCS fields VM entry checks
 * (host-state and guest-state rules alike): reserved-bit masks, each
 * written once, and the few value tests several rules share. A mask names
 * the bits a processor MUST refuse; where the defined set depends on CPU
 * features libvmm's capabilities do not describe, the mask is the widest
 * layout the architecture defines (so the validator never rejects a value
 * some processor accepts), and the comment says so.
 */
#ifndef VMM_ENTRY_MSR_BITS_H
#define VMM_ENTRY_MSR_BITS_H

#include "vmm/msr.h"

/*
 * IA32_EFER (C0000080H) on Intel processors: defined bits are SCE (0),
 * LME (8), LMA (10) and NXE (11) (vmm/msr.h); bits 7:1, 9 and 63:12 are
 * reserved. (AMD's SVME, LMSLE, FFXSR and TCE do not exist on VMX processors.)
 */
#define MSR_EFER_RESERVED (~(VMM_EFER_SCE | VMM_EFER_LME | VMM_EFER_LMA | VMM_EFER_NXE))

/*
 * IA32_PERF_GLOBAL_CTRL (38FH): bits 31:0 enable general-purpose counters,
 * bits 47:32 fixed-function counters, bit 48 the performance-metrics
 * counters; bits 63:49 are reserved. A processor with fewer counters
 * (CPUID 0AH) reserves more; libvmm's capabilities do not describe the
 * PMU, so only the architecturally reserved bits are refused.
 */
#define MSR_PERF_GLOBAL_CTRL_RESERVED (~0ull << 49)

/*
 * IA32_S_CET (6A2H) and IA32_U_CET: SH_STK_EN (0), WR_SHSTK_EN (1),
 * ENDBR_EN (2), LEG_IW_EN (3), NO_TRACK_EN (4), SUPPRESS_DIS (5),
 * SUPPRESS (10), TRACKER (11), legacy-bitmap base (63:12, a linear
 * address); bits 9:6 are reserved. SUPPRESS and TRACKER may not both be 1.
 */
#define MSR_CET_RESERVED (0xfull << 6)
#define MSR_CET_SUPPRESS (1ull << 10)
#define MSR_CET_TRACKER (1ull << 11)

/*
 * IA32_SPEC_CTRL (48H): IBRS (0), STIBP (1), SSBD (2), IPRED_DIS_U (3),
 * IPRED_DIS_S (4), RRSBA_DIS_U (5), RRSBA_DIS_S (6), PSFD (7), DDPD_U (8),
 * BHI_DIS_S (10); bit 9 and bits 63:11 are reserved. Each defined bit
 * exists only with its CPUID enumeration, which libvmm's capabilities do
 * not describe: only the architecturally reserved bits are refused.
 */
#define MSR_SPEC_CTRL_RESERVED (~VMM_SPEC_CTRL_DEFINED)

/*
 * IA32_PKRS (6E1H): two bits per protection key in bits 31:0; bits 63:32
 * are reserved.
 */
#define MSR_PKRS_RESERVED (~0ull << 32)

/*
 * IA32_FRED_CONFIG (1D4H): bits 2, 5:4 and 11 are reserved; bits 63:12
 * hold the page of the event-entry point (a linear address).
 * IA32_FRED_RSP1..3 are 64-byte aligned (bits 5:0 = 0), IA32_FRED_SSP1..3
 * 8-byte aligned (bits 2:0 = 0).
 */
#define MSR_FRED_CONFIG_RESERVED ((1ull << 2) | (3ull << 4) | (1ull << 11))
#define MSR_FRED_CONFIG_ENTRY_PAGE (~0xfffull)
#define MSR_FRED_RSP_ALIGN_MASK 0x3full
#define MSR_FRED_SSP_ALIGN_MASK 0x7ull

#endif /* VMM_ENTRY_MSR_BITS_H */
