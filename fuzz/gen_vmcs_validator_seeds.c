/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seeds for vmcs_validator: every baseline as it is, one input per check
 * of the table that makes that check fail first (translated from the
 * validator's own mutation cases, core/entry/testing/cases_*.c), and one
 * input per kind of operation. A case is translated by diffing its
 * prepared state against its baseline (fields, memory, entry input,
 * pointers, capabilities) and kept only if the decoded input gets the same
 * verdict as the case itself.
 *
 *   bazel run //fuzz:vmcs_validator_seedgen [-- OUT_DIR]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "seedgen.h"
#include "vmcs_input.h"

static struct vmcs_input_world world;
static struct vmcs_input_case decoded;
static struct test_entry prepared;

static bool same_verdict(const struct vmx_entry_verdict *a, const struct vmx_entry_verdict *b)
{
    return a->outcome == b->outcome && a->error == b->error && a->exit_reason == b->exit_reason &&
           a->qualification == b->qualification && a->check == b->check &&
           a->memory_unchecked == b->memory_unchecked;
}

static bool verdict_of(const struct vmcs_input_writer *w, struct vmx_entry_verdict *v)
{
    return vmcs_input_decode(&world, w->buf, w->len, &decoded) == 0 &&
           vmx_entry_check(&decoded.in, v) == VMM_OK;
}

static void flip_bits(uint64_t diff, unsigned msr, struct vmcs_input_writer *w)
{
    for (unsigned b = 0; b < 64; b++)
        if ((diff >> b) & 1) {
            uint8_t operands[2] = {(uint8_t)msr, (uint8_t)b};
            vmcs_input_emit_bytes(w, VMCS_OP_CAPS, operands, 2);
        }
}

/*
 * The raw-capability edits that turn `from` into the case's parsed
 * capabilities, for the members cases edit; the verdict check in
 * translate() catches anything this misses.
 */
static void emit_caps_edits(const struct vmx_caps *from, const struct vmx_caps *to,
                            struct vmcs_input_writer *w)
{
    struct vmx_raw_caps raw = from->raw;
    if (from->cr0_fixed1 != to->cr0_fixed1)
        raw.msr[VMX_MSR_CR0_FIXED1] ^= from->cr0_fixed1 ^ to->cr0_fixed1;
    if (from->cr4_fixed1 != to->cr4_fixed1)
        raw.msr[VMX_MSR_CR4_FIXED1] ^= from->cr4_fixed1 ^ to->cr4_fixed1;
    if (from->ept_vpid_cap != to->ept_vpid_cap)
        raw.msr[VMX_MSR_EPT_VPID_CAP] ^= from->ept_vpid_cap ^ to->ept_vpid_cap;
    if (from->zero_len_injection != to->zero_len_injection)
        raw.msr[VMX_MSR_MISC] ^= 1ull << 30;
    if (from->activity_states != to->activity_states)
        raw.msr[VMX_MSR_MISC] ^= (uint64_t)(from->activity_states ^ to->activity_states);
    if (from->no_errcode_check != to->no_errcode_check)
        raw.msr[VMX_MSR_BASIC] ^= 1ull << 56;
    if (from->addr_width_32 != to->addr_width_32)
        raw.msr[VMX_MSR_BASIC] ^= 1ull << 48;
    raw.msr[VMX_MSR_BASIC] ^= from->raw.msr[VMX_MSR_BASIC] ^ to->raw.msr[VMX_MSR_BASIC];
    for (unsigned m = 0; m < VMX_CAP_MSR_COUNT; m++)
        flip_bits(raw.msr[m] ^ from->raw.msr[m], m, w);
    for (unsigned f = 0; f < VMM_CPUID_FEATURE_COUNT; f++)
        if (((from->cpuid_features ^ to->cpuid_features) >> f) & 1) {
            uint8_t operands[2] = {VMX_CAP_MSR_COUNT, (uint8_t)f};
            vmcs_input_emit_bytes(w, VMCS_OP_CAPS, operands, 2);
        }
}

/* Encodes the prepared case state with capability choice `caps`; false if it cannot. */
static bool encode(const struct mutation_case *mc, unsigned caps, bool edit_caps,
                   struct vmcs_input_writer *w)
{
    const struct test_entry *base = &world.base[mc->base];
    const struct vmx_entry_input *in = &prepared.in;
    unsigned flags = (in->kind != base->in.kind ? VMCS_IN_RESUME : 0) |
                     (in->launched != base->in.launched ? VMCS_IN_LAUNCHED : 0) |
                     (in->current_is_shadow != base->in.current_is_shadow ? VMCS_IN_SHADOW : 0) |
                     (in->mov_ss_blocking != base->in.mov_ss_blocking ? VMCS_IN_MOV_SS : 0) |
                     (in->in_smm != base->in.in_smm ? VMCS_IN_SMM : 0) |
                     (in->host_lma != base->in.host_lma ? VMCS_IN_HOST_LMA : 0) |
                     (in->read_phys ? 0 : VMCS_IN_NO_MEMORY) | (in->vmcs ? 0 : VMCS_IN_NO_VMCS);
    vmcs_input_emit_header(w, (unsigned)mc->base, caps, flags);
    for (unsigned f = 0; f < VMCS_FIELD_COUNT; f++)
        if (prepared.vmcs.value[f] != base->vmcs.value[f])
            vmcs_input_emit_field(w, VMCS_OP_SET, f, prepared.vmcs.value[f]);
    unsigned stores = 0;
    for (uint64_t off = 0; off < TEST_MEM_SIZE; off += 8) {
        if (memcmp(prepared.mem + off, base->mem + off, 8) == 0)
            continue;
        uint64_t v = 0;
        for (int b = 7; b >= 0; b--)
            v = v << 8 | prepared.mem[off + (unsigned)b];
        vmcs_input_emit_mem(w, TEST_MEM_BASE + off, v);
        stores++;
    }
    if (in->current_vmcs_ptr != base->in.current_vmcs_ptr)
        vmcs_input_emit_ptr(w, 0, in->current_vmcs_ptr);
    if (in->vmxon_ptr != base->in.vmxon_ptr)
        vmcs_input_emit_ptr(w, 1, in->vmxon_ptr);
    if (edit_caps)
        emit_caps_edits(caps ? &world.profile[caps - 1] : &base->caps, &prepared.caps, w);
    return w->ops <= VMCS_INPUT_MAX_OPS && stores <= VMCS_INPUT_MAX_PATCHES &&
           w->len < sizeof w->buf;
}

/* Translates a case; false when no capability choice reproduces its verdict. */
static bool translate(const struct mutation_case *mc, struct vmcs_input_writer *w)
{
    struct vmx_entry_verdict want, got;
    mutation_case_prepare(mc, &prepared);
    vmx_entry_check(&prepared.in, &want);
    for (int edit_caps = 0; edit_caps < 2; edit_caps++)
        for (unsigned caps = 0; caps <= world.nprofiles; caps++)
            if (encode(mc, caps, edit_caps, w) && verdict_of(w, &got) && same_verdict(&want, &got))
                return true;
    return false;
}

static void seed_case_per_check(struct seedgen *g)
{
    static bool seeded[VMX_CHECK_COUNT];
    static struct vmcs_input_writer w;
    unsigned untranslatable = 0;
#define EACH_CASE(s)                                                               \
    for (size_t i = 0; i < cases_##s##_count; i++) {                               \
        const struct mutation_case *mc = &cases_##s[i];                            \
        if ((unsigned)mc->check >= VMX_CHECK_COUNT || seeded[mc->check])           \
            continue;                                                              \
        if (!translate(mc, &w)) {                                                  \
            untranslatable++;                                                      \
            continue;                                                              \
        }                                                                          \
        seeded[mc->check] = true;                                                  \
        seedgen_write(g, vmx_check_table[mc->check].id, w.buf, w.len);             \
    }
    CASE_TABLES(EACH_CASE)
#undef EACH_CASE
    unsigned missing = 0;
    for (unsigned i = 0; i < VMX_CHECK_COUNT; i++)
        if (!seeded[i]) {
            fprintf(stderr, "no seed for %s\n",
                    vmx_check_table[i].id);
            missing++;
        }
    fprintf(stderr, "%u checks, %u without a seed; %u cases not translatable\n",
            (unsigned)VMX_CHECK_COUNT, missing, untranslatable);
}

/* One example of each operation, on the richest baseline. */
static void seed_operations(struct seedgen *g)
{
#define F16(f) (uint8_t)(f), (uint8_t)((unsigned)(f) >> 8)
    static struct vmcs_input_writer w;
    static const struct {
        const char *name;
        enum vmcs_op op;
        uint8_t operands[10];
        size_t n;
    } ops[] = {
        {"op-or-cr4", VMCS_OP_OR, {F16(VMCS_GUEST_CR4), 0, 0x10}, 10},
        {"op-clear-cr0", VMCS_OP_CLEAR, {F16(VMCS_GUEST_CR0), 0x20}, 10},
        {"op-flip-rflags", VMCS_OP_FLIP, {F16(VMCS_GUEST_RFLAGS), 1}, 3},
        {"op-boundary-rip", VMCS_OP_BOUNDARY, {F16(VMCS_GUEST_RIP), 15}, 3},
        {"op-ctl-flip-allowed", VMCS_OP_CTL_FLIP, {VMM_CTL_PROC2, 0x83}, 2},
        {"op-ctl-flip-reserved", VMCS_OP_CTL_FLIP, {VMM_CTL_PIN, 30}, 2},
        {"op-msr-entry-efer", VMCS_OP_MSR_ENTRY, {2, 3, 0x01, 0x0d}, 10},
        {"op-caps-cpuid", VMCS_OP_CAPS, {VMX_CAP_MSR_COUNT, VMM_CPUID_LA57}, 2},
        {"op-caps-msr-bit", VMCS_OP_CAPS, {VMX_MSR_CR4_FIXED1, 23}, 2},
        {"op-caps-width", VMCS_OP_CAPS, {VMX_CAP_MSR_COUNT + 2, 4}, 2},
        {"op-ptr-boundary", VMCS_OP_PTR, {2, 6}, 9},
        {"op-copy-host-rip", VMCS_OP_COPY, {F16(VMCS_GUEST_RIP), F16(VMCS_HOST_RIP)}, 4},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        vmcs_input_emit_header(&w, BASE_LONG64_FULL, 0, 0);
        vmcs_input_emit_bytes(&w, ops[i].op, ops[i].operands, ops[i].n);
        seedgen_write(g, ops[i].name, w.buf, w.len);
    }
#undef F16
}

int main(int argc, char **argv)
{
    struct seedgen g;
    seedgen_init(&g, argc, argv, "vmcs_validator", 0);
    vmcs_input_world_init(&world);
    for (unsigned b = 0; b < BASE_COUNT; b++) {
        char name[32];
        uint8_t hdr[VMCS_INPUT_HEADER] = {(uint8_t)b, 0, 0};
        snprintf(name, sizeof name, "baseline-%u", b);
        seedgen_write(&g, name, hdr, sizeof hdr);
    }
    seed_case_per_check(&g);
    seed_operations(&g);
    printf("%u seeds written to %s\n", g.written, g.dir);
    return 0;
}
