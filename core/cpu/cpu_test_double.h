/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TEST DOUBLE, for the core's own unit tests only: a "backend" that
 * answers capability reads from fixed values, hands out host pages from
 * the test process's heap once asked to, and refuses everything else.
 * The real backends are hwbackend/ and simbackend/.
 */
#ifndef VMM_CPU_TEST_DOUBLE_H
#define VMM_CPU_TEST_DOUBLE_H

#include "vmm/cpu.h"

/*
 * Host pages of the double get made-up HPAs in [BASE, BASE + 4 GiB): slot i
 * of the pool maps to a scrambled frame, so consecutive allocations are
 * far apart and code that assumes contiguous host memory fails its tests.
 */
#define CPU_TEST_DOUBLE_HPA_BASE (1ull << 36)
#define CPU_TEST_DOUBLE_MAX_PAGES (1u << 20)

struct cpu_test_double {
    struct vmm_cpu cpu;
    struct vmx_raw_caps raw; /* what the capability reads return */
    int fail_msr;            /* 0, or an MSR whose read fails with fail_rc */
    int fail_rc;

    /* Host pages: alloc_page refuses with VMM_E_UNSUPPORTED until enabled. */
    void **page_hva;          /* slot -> page, NULL when the slot is free */
    size_t *free_slots;       /* stack of freed slots */
    size_t page_slots;        /* capacity: most pages alive at once */
    size_t slots_used;        /* slots ever handed out */
    size_t free_count;        /* entries on free_slots */
    size_t pages_live;        /* allocated and not yet freed */
    size_t allocs_until_fail; /* 0: never fail; n: the n-th allocation from now fails */

    /* Scripted VMX operation (cpu_test_double_vmx.h); NULL until enabled. */
    struct cpu_td_vmx *vmx;
};

/* A double reporting `raw`; use td->cpu as the backend instance. */
void cpu_test_double_init(struct cpu_test_double *td, const struct vmx_raw_caps *raw);

/*
 * Lets alloc_page hand out up to `max_pages` (<= CPU_TEST_DOUBLE_MAX_PAGES)
 * zeroed pages at once. Returns VMM_E_INVAL / VMM_E_NOMEM on failure.
 */
int cpu_test_double_enable_pages(struct cpu_test_double *td, size_t max_pages);

/* Where the live page holding `hpa` lies in the test process, or NULL. */
void *cpu_test_double_hva(const struct cpu_test_double *td, vmm_hpa_t hpa);

/* Frees every page still allocated and the pool itself. */
void cpu_test_double_fini(struct cpu_test_double *td);

#endif
