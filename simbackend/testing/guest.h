/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A runnable 64-bit guest for the engine's tests: a sim with the engine,
 * VMXON, a current VMCS and guest memory as guest_image.h builds them from
 * the core's BASE_LONG64 baseline; the IDT's gates are the test's. Every
 * step asserts (cmocka). Tests only.
 */
#ifndef VMM_SIMBACKEND_TESTING_GUEST_H
#define VMM_SIMBACKEND_TESTING_GUEST_H

#include "fixture.h"
#include "guest_image.h"
#include "simbackend/engine.h"
#include "vmm/events.h"
#include "vmm/exits.h"


struct guest {
    struct fixture f;
    struct sim_engine *eng;
    struct vmm_guest_gprs gprs;
    bool launched;
};

/* Sets up the guest on `profile` (sim_config_default otherwise). */
void guest_setup(struct guest *g, const char *profile);
void guest_setup_cfg(struct guest *g, const struct sim_config *cfg);
void guest_teardown(struct guest *g);

/* VMWRITEs another baseline of the core's entry tests (controls negotiated as above). */
void guest_write_baseline(struct guest *g, enum baseline b);

/* Writes guest memory (identity-mapped: linear = physical) through the seam. */
void guest_poke(struct guest *g, uint64_t gpa, const void *bytes, size_t n);
void guest_peek(struct guest *g, uint64_t gpa, void *bytes, size_t n);
uint64_t guest_peek64(struct guest *g, uint64_t gpa);
/* The guest's code at GUEST_CODE. */
void guest_code(struct guest *g, const void *bytes, size_t n);

/* VMREAD / VMWRITE of a field by identifier (asserting success). */
uint64_t guest_get(struct guest *g, enum vmcs_field_id id);
void guest_set(struct guest *g, enum vmcs_field_id id, uint64_t value);

/*
 * Sets bits `set` and clears bits `clear` of a control word, negotiated
 * with the profile (asserting the profile allows it). Secondary controls
 * also set "activate secondary controls".
 */
void guest_ctl(struct guest *g, enum vmm_ctl_kind kind, uint64_t set, uint64_t clear);

/* An interrupt gate (type 14) or trap gate (15) for `vector` to `handler`, IST `ist`. */
void guest_gate(struct guest *g, unsigned vector, uint64_t handler, unsigned ist, unsigned type);
/* Gates for every vector to GUEST_HANDLERS + 16 * v, where each handler is HLT. */
void guest_gate_default(struct guest *g);

/* VMLAUNCH the first time, VMRESUME afterwards. */
struct vmx_status guest_enter(struct guest *g);
/* guest_enter that must succeed; the basic exit reason (bit 31 kept). */
uint32_t guest_run(struct guest *g);
/* Moves RIP past the exiting instruction (VM-exit instruction length). */
void guest_skip(struct guest *g);

/* The exit fields in one place, for assertions. */
struct guest_exit {
    uint32_t reason;
    uint64_t qual, gla;
    uint32_t len, info, intr_info, intr_error, idt_info, idt_error;
    uint64_t rip;
};
struct guest_exit guest_exit_info(struct guest *g);

#endif
