/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The byte language of the vmcs_validator harness: a valid VM-entry
 * baseline (core/entry/testing) plus a short program of mutations that
 * stay close to the validity boundary. Every byte string decodes to some
 * program, so fuzzers never waste inputs on syntax.
 *
 *   byte 0   baseline (enum baseline, modulo BASE_COUNT)
 *   byte 1   capabilities: 0 the baseline's own, k >= 1 profile (k-1) mod count
 *   byte 2   entry-input flags, XORed into the baseline's (VMCS_IN_*)
 *   then     operations until the input ends (at most VMCS_INPUT_MAX_OPS):
 *            one opcode byte (modulo VMCS_OP_COUNT), then its operands,
 *            little-endian; a truncated operation ends the program.
 *
 * Field operands are 16-bit dense field indices (enum vmcs_field_id)
 * modulo VMCS_FIELD_COUNT. The generator (gen_vmcs_validator_seeds.c)
 * writes seeds with vmcs_input_emit_*.
 */
#ifndef LIBVMM_FUZZ_VMCS_INPUT_H
#define LIBVMM_FUZZ_VMCS_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "baseline.h"

/* Entry-input flags (byte 2). */
enum {
    VMCS_IN_RESUME = 1 << 0,       /* toggle VMLAUNCH <-> VMRESUME */
    VMCS_IN_LAUNCHED = 1 << 1,     /* toggle the launch state */
    VMCS_IN_SHADOW = 1 << 2,       /* toggle "the current VMCS is a shadow VMCS" */
    VMCS_IN_MOV_SS = 1 << 3,       /* toggle blocking by MOV SS */
    VMCS_IN_SMM = 1 << 4,          /* toggle "in SMM" */
    VMCS_IN_HOST_LMA = 1 << 5,     /* toggle the host's IA32_EFER.LMA */
    VMCS_IN_NO_MEMORY = 1 << 6,    /* no physical-memory reader */
    VMCS_IN_NO_VMCS = 1 << 7,      /* no current VMCS */
};

enum vmcs_op {
    VMCS_OP_SET,       /* u16 field, u64 value */
    VMCS_OP_OR,        /* u16 field, u64 bits */
    VMCS_OP_CLEAR,     /* u16 field, u64 bits */
    VMCS_OP_FLIP,      /* u16 field, u8 bit (modulo the field's width) */
    VMCS_OP_BOUNDARY,  /* u16 field, u8 choice of boundary value (vmcs_input.c) */
    VMCS_OP_CTL_FLIP,  /* u8 control word (enum vmm_ctl_kind), u8 bit: flips one
                          control bit; bit >= 0x80 picks among the bits the
                          capabilities let be either 0 or 1 */
    VMCS_OP_MEM,       /* u16 slot, u64 value: 8 bytes of physical memory at
                          TEST_MEM_BASE + 8 * (slot mod TEST_MEM_SIZE/8) */
    VMCS_OP_MSR_ENTRY, /* u8 entry, u8 MSR choice, u64 value: VM-entry MSR-load
                          entry (mod VMCS_INPUT_MSR_SLOTS) at PA_ENTRY_MSR_LOAD,
                          the list grown to include it */
    VMCS_OP_CAPS,      /* u8 what, u8 bit: edits the raw capabilities (vmcs_input.c) */
    VMCS_OP_PTR,       /* u8 which, u64 value: current-VMCS / VMXON pointer */
    VMCS_OP_COPY,      /* u16 destination field, u16 source field */
    VMCS_OP_COUNT
};

#define VMCS_INPUT_HEADER 3
#define VMCS_INPUT_MAX_OPS 64
#define VMCS_INPUT_MAX_PATCHES 64
#define VMCS_INPUT_MSR_SLOTS 32

/* Built once per process: the baselines and the parsed profiles. */
struct vmcs_input_world {
    struct test_entry base[BASE_COUNT];
    size_t nprofiles;
    struct vmx_caps profile[8];
};

/* One decoded input: the state the validator runs on. */
struct vmcs_input_case {
    const struct test_entry *base;
    struct vmcs_image vmcs;
    struct vmx_caps caps;
    struct vmx_entry_input in; /* points into this struct */
    /* Physical memory: the baseline's, overlaid with these 8-byte stores. */
    unsigned npatches;
    struct vmcs_input_patch {
        uint64_t addr, value;
    } patch[VMCS_INPUT_MAX_PATCHES];
    unsigned ops; /* operations decoded */
};

/* Builds every baseline and parses every profile (aborts if one is unusable). */
void vmcs_input_world_init(struct vmcs_input_world *w);

/*
 * Decodes `data` into *c. Returns 0, or -1 when the edited capabilities
 * are ones vmx_caps_parse refuses (no processor reports them: skip).
 */
int vmcs_input_decode(const struct vmcs_input_world *w, const uint8_t *data, size_t size,
                      struct vmcs_input_case *c);

/* ---- writing inputs (the seed generator) ---- */

struct vmcs_input_writer {
    uint8_t buf[4096];
    size_t len;
    unsigned ops;
};

void vmcs_input_emit_header(struct vmcs_input_writer *w, unsigned base, unsigned caps,
                            unsigned flags);
void vmcs_input_emit_field(struct vmcs_input_writer *w, enum vmcs_op op, unsigned field,
                           uint64_t value);
void vmcs_input_emit_mem(struct vmcs_input_writer *w, uint64_t addr, uint64_t value);
void vmcs_input_emit_ptr(struct vmcs_input_writer *w, unsigned which, uint64_t value);
void vmcs_input_emit_bytes(struct vmcs_input_writer *w, enum vmcs_op op, const uint8_t *operands,
                           size_t n);

#endif
