/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test fixture for the simulated backend: a sim with a profile, in VMX
 * operation, with a current VMCS, each step asserting (cmocka) that it
 * worked. Tests only.
 */
#ifndef VMM_SIMBACKEND_TESTING_FIXTURE_H
#define VMM_SIMBACKEND_TESTING_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "baseline.h"
#include "simbackend/sim.h"

struct fixture {
    struct sim *sim;
    struct vmm_cpu *cpu;
    struct vmm_host_page vmxon; /* the VMXON region, after fixture_vmxon */
    struct vmm_host_page vmcs;  /* the current VMCS, after fixture_load_vmcs */
};

/* A sim with sim_config_default() but the named profile. */
void fixture_create(struct fixture *f, const char *profile);
void fixture_create_cfg(struct fixture *f, const struct sim_config *cfg);
void fixture_destroy(struct fixture *f);

/* The profile's revision ID. */
uint32_t fixture_revision(const struct fixture *f);

/* A fresh page whose first 4 bytes hold `header`. */
struct vmm_host_page fixture_page(struct fixture *f, uint32_t header);

/* VMXON with a valid region. */
void fixture_vmxon(struct fixture *f);

/* VMXON, then a fresh VMCS cleared and made current. */
void fixture_load_vmcs(struct fixture *f);

/*
 * A sim holding the VM-entry state `t` of the core's validator tests (on
 * profile `profile`): host memory holds t->mem at the same addresses, the
 * VMXON region is PA_VMXON and the VMCS at PA_CURRENT_VMCS is current with
 * t->vmcs as contents (a shadow VMCS if t->in.current_is_shadow; no
 * current VMCS if t->in.vmcs is NULL), and MOV-SS blocking is as in t->in.
 * Guest RAM is the first 1 MiB (below TEST_MEM_BASE); the pages of t->mem
 * are allocated, so alloc_page hands out pages above them. The launch
 * state is clear.
 */
void fixture_load_entry(struct fixture *f, const struct test_entry *t, const char *profile,
                        sim_execute_fn execute, void *execute_ctx);

/*
 * Whether two capability structs hold the same values, member by member
 * (their padding differs between copies, so memcmp cannot say).
 */
bool fixture_caps_equal(const struct vmx_caps *a, const struct vmx_caps *b);

/* Asserts an instruction's outcome (and error number for VMX_FAIL_VALID). */
#define assert_vmx(status, want_outcome, want_error) \
    do { \
        struct vmx_status st_ = (status); \
        assert_int_equal(st_.outcome, (want_outcome)); \
        if ((want_outcome) == VMX_FAIL_VALID) \
            assert_int_equal(st_.error, (want_error)); \
    } while (0)
#define assert_vmx_ok(status) assert_vmx((status), VMX_SUCCEED, 0)

/* VMREAD that must succeed. */
uint64_t fixture_vmread(struct fixture *f, uint32_t encoding);

#endif
