/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A packed state made launchable on this processor, changed in ways both
 * the validator and the processor then see:
 *  - host-state fields the state did not mutate hold the running host's
 *    values (a VM exit or entry failure must return here);
 *  - control bits it did not change take settings this processor allows,
 *    and an unchanged shadow-VMCS header its revision identifier (the
 *    baselines were written for other profiles);
 *  - addresses inside the test memory point at this image's copy of it;
 *  - a guest CR3 of the baselines' unmapped 5 MiB becomes a zeroed page;
 *  - a state the validator accepts gets the preemption timer at 0 (it exits
 *    before its first instruction) and no VM-exit MSR lists (a bad one
 *    aborts VMX).
 */
#include "core/entry/testing/baseline.h"
#include "hwbackend/validator_diff/diff.h"
#include "hwbackend/vmx/hwvmx.h"
#include "hwbackend/vmx/insn.h"
#include "libos/string.h"
#include "libos/test.h"

#define GUEST_CR3_UNMAPPED 0x500000ull
#define ACTIVITY_WAIT_SIPI 3u

/* The test memory of baseline.h, at a real address; VMXON region and VMCS inside it. */
static uint8_t mem[TEST_MEM_SIZE] __attribute__((aligned(4096)));
static uint8_t zero_page[4096] __attribute__((aligned(4096)));

uint64_t diff_mem_hpa(uint64_t test_pa)
{
    return (uintptr_t)mem + (test_pa - TEST_MEM_BASE);
}

static bool in_test_mem(uint64_t pa)
{
    return pa >= TEST_MEM_BASE && pa < TEST_MEM_BASE + TEST_MEM_SIZE;
}

/* Fields holding physical addresses (low bits may carry flags, as in the EPTP). */
static const enum vmcs_field_id address_fields[] = {
    VMCS_IO_BITMAP_A, VMCS_IO_BITMAP_B, VMCS_MSR_BITMAP, VMCS_VM_EXIT_MSR_STORE_ADDR,
    VMCS_VM_EXIT_MSR_LOAD_ADDR, VMCS_VM_ENTRY_MSR_LOAD_ADDR, VMCS_EXECUTIVE_VMCS_POINTER,
    VMCS_PML_ADDRESS, VMCS_VIRTUAL_APIC_PAGE_ADDR, VMCS_APIC_ACCESS_ADDR,
    VMCS_POSTED_INTR_DESC_ADDR, VMCS_EPT_POINTER, VMCS_EPTP_LIST_ADDRESS, VMCS_VMREAD_BITMAP,
    VMCS_VMWRITE_BITMAP, VMCS_VE_INFORMATION_ADDRESS, VMCS_SPPT_POINTER, VMCS_HLAT_POINTER,
    VMCS_PID_POINTER_TABLE, VMCS_VMCS_LINK_POINTER, VMCS_GUEST_CR3,
};

/*
 * A VMCS header the state did not change (the link pointer's shadow VMCS)
 * gets this processor's revision identifier, keeping the shadow bit: the
 * baselines write the revision of the profile they were built for.
 */
static void fit_revision(const struct diff_run *r, uint32_t off)
{
    uint32_t *rev = (uint32_t *)(mem + off);
    *rev = (*rev & 0x80000000u) | r->caps.revision_id;
}

/* The state's test memory: last state's words cleared, this state's written. */
static void load_memory(struct diff_run *r, const struct diff_patch *p, uint32_t n)
{
    uint64_t link = vmcs_get(&r->img, VMCS_VMCS_LINK_POINTER);
    uint32_t link_off = in_test_mem(link - ((uintptr_t)mem - TEST_MEM_BASE))
                            ? (uint32_t)(link - (uintptr_t)mem)
                            : ~0u;
    for (uint32_t i = 0; i < r->npatched; i++)
        *(uint64_t *)(mem + r->patched[i]) = 0;
    r->npatched = 0;
    uint64_t vmxon_off = PA_VMXON - TEST_MEM_BASE, vmcs_off = PA_CURRENT_VMCS - TEST_MEM_BASE;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t off = p[i].offset;
        uint32_t page = off & ~0xfffu;
        if (off > TEST_MEM_SIZE - 8 || (off & 7) || page == vmxon_off || page == vmcs_off)
            continue; /* the live VMXON region and VMCS are the processor's */
        *(uint64_t *)(mem + off) = p[i].value;
        r->patched[r->npatched++] = off;
        if (off == link_off && !(p[i].flags & DIFF_FIELD_MUTATED))
            fit_revision(r, off);
    }
}

/*
 * Control bits the state did not change from its baseline take a setting
 * this processor allows: a baseline written for another profile (the
 * "every optional control" one) then reaches the rule its case is about
 * instead of failing at an unsupported control first. Changed bits stay.
 */
static void fit_controls(struct diff_run *r, const uint64_t changed[VMCS_FIELD_COUNT])
{
    for (unsigned k = 0; k < VMM_CTL_KIND_COUNT; k++) {
        enum vmcs_field_id id = vmcs_ctl_field((enum vmm_ctl_kind)k);
        if (id >= VMCS_FIELD_COUNT)
            continue;
        const struct vmx_ctl_caps *c = &r->caps.ctl[k];
        uint64_t v = vmcs_get(&r->img, id);
        uint64_t fitted = (v | c->allowed0) & c->allowed1;
        vmcs_set(&r->img, id, (fitted & ~changed[id]) | (v & changed[id]));
    }
}

/* Builds the image of the state; false when it changes HOST_RSP/HOST_RIP (the trampoline's). */
static bool build_image(struct diff_run *r, const struct diff_field *f, uint32_t n,
                        bool mutated[VMCS_FIELD_COUNT])
{
    static uint64_t changed[VMCS_FIELD_COUNT];
    memset(&r->img, 0, sizeof r->img);
    memset(mutated, 0, VMCS_FIELD_COUNT);
    memset(changed, 0, sizeof changed);
    for (uint32_t i = 0; i < n; i++) {
        if (f[i].id >= VMCS_FIELD_COUNT)
            test_fail("state field %u out of range", f[i].id);
        vmcs_set(&r->img, (enum vmcs_field_id)f[i].id, f[i].value);
        mutated[f[i].id] = f[i].flags & DIFF_FIELD_MUTATED;
        changed[f[i].id] = f[i].changed;
    }
    if (mutated[VMCS_HOST_RSP] || mutated[VMCS_HOST_RIP])
        return false;
    /* What this processor's VMCS cannot hold is zero there, and no mutation of the state. */
    for (unsigned id = 0; id < VMCS_FIELD_COUNT; id++) {
        if (!vmcs_field_exists(&r->caps, (enum vmcs_field_id)id) ||
            vmcs_field_table[id].type == VMCS_EXIT_INFO) {
            vmcs_set(&r->img, (enum vmcs_field_id)id, 0);
            mutated[id] = false;
        }
    }
    fit_controls(r, changed);
    for (size_t i = 0; i < sizeof address_fields / sizeof address_fields[0]; i++) {
        uint64_t v = vmcs_get(&r->img, address_fields[i]);
        if (in_test_mem(v))
            vmcs_set(&r->img, address_fields[i], diff_mem_hpa(v));
    }
    if (vmcs_get(&r->img, VMCS_GUEST_CR3) == GUEST_CR3_UNMAPPED)
        vmcs_set(&r->img, VMCS_GUEST_CR3, (uintptr_t)zero_page);
    struct hwvmx_host_field host[HWVMX_HOST_FIELDS_MAX];
    size_t nh = hwvmx_host_state(host, ~0ull);
    for (size_t i = 0; i < nh; i++) {
        enum vmcs_field_id id;
        bool high;
        if (vmcs_field_lookup(host[i].encoding, &id, &high) == VMM_OK && !mutated[id] &&
            vmcs_field_exists(&r->caps, id))
            vmcs_set(&r->img, id, host[i].value);
    }
    uint64_t here = (uintptr_t)&here;
    vmcs_set(&r->img, VMCS_HOST_RSP, here);
    vmcs_set(&r->img, VMCS_HOST_RIP, (uintptr_t)hwvmx_vmenter);
    return true;
}

/*
 * States Bochs cannot survive: its VM entry stops the emulator (BX_PANIC)
 * instead of failing. Counted apart, never launched.
 */
static bool bochs_panics(const struct vmcs_image *v)
{
    uint64_t info = vmcs_get(v, VMCS_VM_ENTRY_INTR_INFO_FIELD);
    /* "VMENTER: unsupported event injection type 7" (type 7: other event, needs MTF). */
    return (info & (1u << 31)) && ((info >> 8) & 7) == 7;
}

static bool same_verdict(const struct vmx_entry_verdict *a, const struct vmx_entry_verdict *b)
{
    return a->outcome == b->outcome && a->error == b->error && a->exit_reason == b->exit_reason &&
           a->qualification == b->qualification;
}

/*
 * Makes a guest that enters leave again at once: the preemption timer at 0
 * (it expires before the first instruction) and no VM-exit MSR lists (a bad
 * one aborts VMX). Kept only where the validator's verdict stays what it was
 * (a state about those controls keeps them, and then can run on: a bounded
 * risk, since a guest of these states triple-faults or exits quickly); for a
 * state the validator accepts, kept regardless (the guest must stop), and
 * *v is the verdict on what runs.
 */
static void arm_exit(struct diff_run *r, const struct diff_state *s, struct vmx_entry_verdict *v)
{
    static struct vmcs_image saved;
    saved = r->img;
    vmcs_set(&r->img, VMCS_PIN_BASED_VM_EXEC_CONTROL,
             vmcs_get(&r->img, VMCS_PIN_BASED_VM_EXEC_CONTROL) | VMX_PIN_PREEMPTION_TIMER);
    vmcs_set(&r->img, VMCS_VMX_PREEMPTION_TIMER_VALUE, 0);
    vmcs_set(&r->img, VMCS_VM_EXIT_MSR_STORE_COUNT, 0);
    vmcs_set(&r->img, VMCS_VM_EXIT_MSR_LOAD_COUNT, 0);
    struct vmx_entry_verdict armed;
    diff_predict(r, s, &armed);
    if (same_verdict(&armed, v))
        return;
    if (v->outcome == VMX_ENTRY_OK) {
        r->adjusted++;
        *v = armed;
        return;
    }
    r->img = saved;
}

enum diff_not_run diff_prepare(struct diff_run *r, const struct diff_state *s,
                               struct vmx_entry_verdict *v)
{
    const struct diff_field *f = (const struct diff_field *)(s + 1);
    const struct diff_patch *p = (const struct diff_patch *)(f + s->nfields);
    static bool mutated[VMCS_FIELD_COUNT];
    if (!build_image(r, f, s->nfields, mutated))
        return DIFF_NOT_TRAMPOLINE;
    load_memory(r, p, s->npatches);
    diff_predict(r, s, v);
    bool host_mutated = false;
    for (unsigned id = 0; id < VMCS_FIELD_COUNT; id++)
        host_mutated |= mutated[id] && vmcs_field_table[id].type == VMCS_HOST;
    /* Only a VMfail loads no host state. */
    if (host_mutated && v->outcome != VMX_ENTRY_FAIL_VALID && v->outcome != VMX_ENTRY_FAIL_INVALID)
        return DIFF_NOT_HOST;
    arm_exit(r, s, v);
    /* Bochs never leaves wait-for-SIPI, even with the preemption timer at 0. */
    if (vmcs_get(&r->img, VMCS_GUEST_ACTIVITY_STATE) == ACTIVITY_WAIT_SIPI &&
        v->outcome == VMX_ENTRY_OK)
        return DIFF_NOT_SIPI;
    if (bochs_panics(&r->img))
        return DIFF_NOT_PANIC;
    return DIFF_RUN;
}
