/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MSR bitmap and the I/O bitmaps: host pages whose bits say which
 * RDMSR/WRMSR and IN/OUT accesses cause VM exits (SDM Vol. 3C "MSR-Bitmap
 * Address", "I/O-Bitmap Addresses", and the rules in "Instructions That
 * Cause VM Exits Conditionally").
 *
 * MSR bitmap, one 4-KiB page in four 1-KiB quarters; bit n of a quarter
 * stands for MSR base + n:
 *   0x000 read  low  (MSRs 00000000H-00001FFFH)
 *   0x400 read  high (MSRs C0000000H-C0001FFFH)
 *   0x800 write low
 *   0xC00 write high
 * An MSR outside both ranges has no bit: RDMSR and WRMSR of it always
 * exit when MSR bitmaps are used. Here such an MSR always reads as
 * intercepted, and asking to pass it through fails with VMM_E_RANGE.
 *
 * I/O bitmaps, two pages: A holds ports 0000H-7FFFH, B 8000H-FFFFH; bit n
 * of a page stands for port (page base + n). An access of `size` bytes
 * exits if the bit of any port it touches is set, and always if it wraps
 * past FFFFH.
 *
 * A set bit means "intercept". The pages come from the seam's alloc_page
 * (zeroed: nothing intercepted until asked) and are put in the VMCS by the
 * caller (MSR_BITMAP, IO_BITMAP_A/B with the "use MSR bitmaps" / "use I/O
 * bitmaps" controls).
 */
#ifndef VMM_BITMAPS_H
#define VMM_BITMAPS_H

#include "vmm/cpu.h"

enum vmm_msr_access {
    VMM_MSR_ACCESS_READ = 1 << 0,
    VMM_MSR_ACCESS_WRITE = 1 << 1,
    VMM_MSR_ACCESS_RW = 3,
};

#define VMM_MSR_LOW_FIRST 0x00000000u
#define VMM_MSR_LOW_LAST 0x00001fffu
#define VMM_MSR_HIGH_FIRST 0xc0000000u
#define VMM_MSR_HIGH_LAST 0xc0001fffu

struct vmm_msr_bitmap {
    struct vmm_host_page page;
};

/*
 * Allocates the page; `intercept_all` sets every bit (every MSR exits),
 * otherwise every in-range MSR passes through. Errors from alloc_page.
 */
int vmm_msr_bitmap_init(struct vmm_msr_bitmap *bm, struct vmm_cpu *cpu, bool intercept_all);
/* Returns the page to the backend. */
int vmm_msr_bitmap_free(struct vmm_msr_bitmap *bm, struct vmm_cpu *cpu);

/*
 * Intercepts (or passes through) the `access` halves of `msr`. VMM_E_INVAL
 * for an empty access mask; VMM_E_RANGE to pass through an MSR outside
 * the two ranges (intercepting one succeeds: it always exits).
 */
int vmm_msr_bitmap_set(struct vmm_msr_bitmap *bm, uint32_t msr, unsigned access, bool intercept);

/* Whether RDMSR (READ) or WRMSR (WRITE) of `msr` exits; true outside the ranges. */
bool vmm_msr_bitmap_intercepts(const struct vmm_msr_bitmap *bm, uint32_t msr,
                               enum vmm_msr_access access);

struct vmm_io_bitmap {
    struct vmm_host_page a; /* ports 0000H-7FFFH */
    struct vmm_host_page b; /* ports 8000H-FFFFH */
};

/* Allocates both pages (all ports pass through, or all exit). */
int vmm_io_bitmap_init(struct vmm_io_bitmap *bm, struct vmm_cpu *cpu, bool intercept_all);
int vmm_io_bitmap_free(struct vmm_io_bitmap *bm, struct vmm_cpu *cpu);

/*
 * Intercepts (or passes through) ports first .. first + count - 1.
 * VMM_E_RANGE if the range passes FFFFH (nothing is changed then).
 */
int vmm_io_bitmap_set(struct vmm_io_bitmap *bm, uint16_t first, uint32_t count, bool intercept);

/* Whether the bit of `port` is set. */
bool vmm_io_bitmap_port_intercepted(const struct vmm_io_bitmap *bm, uint16_t port);

/* Whether an access of `size` bytes (1, 2 or 4) at `port` exits, per the SDM rule. */
bool vmm_io_bitmap_intercepts(const struct vmm_io_bitmap *bm, uint16_t port, unsigned size);

#endif /* VMM_BITMAPS_H */
