/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test fixture for the EPT tests: capabilities with chosen EPT features, a
 * cpu_test_double handing out host pages, and a walker accessor that reads
 * those pages through the double (as a backend would), independent of the
 * builder's own index.
 */
#ifndef VMM_EPT_FIXTURE_H
#define VMM_EPT_FIXTURE_H

#include "core/cpu/cpu_test_double.h"
#include "vmm/ept.h"

/* Every EPT feature the builder uses: 4/5 levels, 2M/1G, A/D, WB/UC, execute-only. */
#define FIXTURE_EPT_CAP_ALL                                                                 \
    (VMX_EPT_CAP_EXEC_ONLY | VMX_EPT_CAP_PWL4 | VMX_EPT_CAP_PWL5 | VMX_EPT_CAP_MT_UC |    \
     VMX_EPT_CAP_MT_WB | VMX_EPT_CAP_2M | VMX_EPT_CAP_1G | VMX_EPT_CAP_AD)

struct ept_fixture {
    struct cpu_test_double td;
    struct vmx_caps caps;
    struct ept ept;
    unsigned reads, writes; /* through the double's accessor */
};

/* Sets up the double (pages enabled) and caps; does not init the EPT. */
void fixture_setup(struct ept_fixture *f, uint64_t ept_cap, unsigned phys_addr_width);

/* Destroys the EPT when `ept_live`, checks that no page leaked, frees the double. */
void fixture_teardown(struct ept_fixture *f, bool ept_live);

/* An accessor on the double's pages (as the simulated backend would supply). */
void fixture_mem(struct ept_fixture *f, struct ept_mem *mem);

#endif
