/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TEST DOUBLE, for the core's own unit tests only: a "backend" that
 * answers capability reads from fixed values and refuses everything else.
 * The real backends are hwbackend/ and simbackend/.
 */
#ifndef VMM_CPU_TEST_DOUBLE_H
#define VMM_CPU_TEST_DOUBLE_H

#include "vmm/cpu.h"

struct cpu_test_double {
    struct vmm_cpu cpu;
    struct vmx_raw_caps raw; /* what the capability reads return */
    int fail_msr;            /* 0, or an MSR whose read fails with fail_rc */
    int fail_rc;
};

/* A double reporting `raw`; use td->cpu as the backend instance. */
void cpu_test_double_init(struct cpu_test_double *td, const struct vmx_raw_caps *raw);

#endif
