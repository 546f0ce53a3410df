/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Basic types shared by every part of libvmm: address kinds and the error
 * codes that core functions return. The core is freestanding C11: it uses
 * only the compiler's own headers.
 */
#ifndef VMM_TYPES_H
#define VMM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Host-physical, guest-physical and guest-linear addresses. */
typedef uint64_t vmm_hpa_t;
typedef uint64_t vmm_gpa_t;
typedef uint64_t vmm_gva_t;

/*
 * Errors are returned, never asserted, for anything a guest, a file or a
 * caller can cause. 0 is success; every error is negative.
 */
enum vmm_err {
    VMM_OK = 0,
    VMM_E_INVAL = -1,       /* malformed argument or input */
    VMM_E_NOENT = -2,       /* no such field, MSR, profile or name */
    VMM_E_UNSUPPORTED = -3, /* valid request the CPU or model cannot do */
    VMM_E_NOMEM = -4,       /* allocation failed */
    VMM_E_RANGE = -5,       /* address or size outside what exists */
    VMM_E_FAULT = -6,       /* memory access failed */
    VMM_E_STATE = -7,       /* operation not valid in the current state */
};

/*
 * True if bits 63:width-1 of a linear address are all equal (canonical for
 * a processor with `width`-bit linear addresses, 48 or 57). Widths of 0 or
 * 64 and above impose nothing.
 */
static inline bool vmm_canonical(uint64_t v, unsigned width)
{
    if (width == 0 || width >= 64)
        return true;
    unsigned shift = 64u - width;
    return (uint64_t)((int64_t)(v << shift) >> shift) == v;
}

/* A short English description of an error code (static storage). */
const char *vmm_strerror(int err);

#endif /* VMM_TYPES_H */
