/* SPDX-License-Identifier: Apache-2.0 */
/* What every benchmark binary needs: clocks and min/median of repeated runs. */
#ifndef LIBVMM_TOOLS_BENCH_H
#define LIBVMM_TOOLS_BENCH_H

#include <stddef.h>

/* Seconds on the monotonic clock (wall time). */
double bench_wall_seconds(void);

/* Seconds of CPU time this process has used: steadier on a shared machine. */
double bench_cpu_seconds(void);

/* Sorts `v` ascending: v[0] is the minimum, v[n / 2] the median. */
void bench_sort(double *v, size_t n);

#endif
