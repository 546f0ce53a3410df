/* SPDX-License-Identifier: Apache-2.0 */
/* Sets of page-aligned physical address ranges: the arithmetic behind
 * the allocator's usable memory (freestanding; also built on the host for
 * its unit test). */
#ifndef LIBOS_RANGES_H
#define LIBOS_RANGES_H

#include <stdbool.h>
#include <stdint.h>

#include "libos/mem.h"

#define LIBOS_RANGE_SET_MAX 68

struct libos_range_set {
    struct libos_mem_range r[LIBOS_RANGE_SET_MAX];
    unsigned count;
};

/* Adds [base, end) shrunk to whole pages (nothing when that is empty);
 * returns false when the set is full. */
bool libos_range_set_add(struct libos_range_set *s, uint64_t base, uint64_t end);

/* Removes [lo, hi) grown to whole pages, splitting ranges where needed
 * (hi may be UINT64_MAX). A split that does not fit drops the upper part. */
void libos_range_set_carve(struct libos_range_set *s, uint64_t lo, uint64_t hi);

/* Pages in the set. */
uint64_t libos_range_set_pages(const struct libos_range_set *s);

#endif
