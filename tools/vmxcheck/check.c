/* SPDX-License-Identifier: Apache-2.0 */
/* The validator on a completed dump: first failure, every failure, and their classes. */
#include "check.h"

#include <stdio.h>
#include <string.h>

#include "vmm/msr.h"
#include "vmm/types.h"

bool vmxcheck_reads_given(const struct assumed *a, enum vmx_check_id id)
{
    const struct vmx_check_info *ci = &vmx_check_table[id];
    if (ci->cls == VMX_CLASS_MSR_LOAD)
        return true; /* the only entries the validator can read are the dump's */
    for (unsigned i = 0; i < ci->nfields && i < 4; i++)
        if (ci->fields[i] < VMCS_FIELD_COUNT && a->origin[ci->fields[i]] == ORIGIN_GIVEN)
            return true;
    return false;
}

static bool contains(const struct vmx_check_failure *f, size_t n, enum vmx_check_id id,
                     uint32_t entry)
{
    for (size_t i = 0; i < n; i++)
        if (f[i].check == id && f[i].msr_entry == entry)
            return true;
    return false;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The failing checks of MSR-load entry k alone. */
static size_t entry_alone(struct assumed *a, uint32_t k, struct vmx_check_failure *out, size_t max)
{
    uint8_t saved[16];
    uint32_t count = a->msr_count;
    uint64_t field = vmcs_get(&a->vmcs, VMCS_VM_ENTRY_MSR_LOAD_COUNT);
    memcpy(saved, a->msr_bytes, 16);
    memcpy(a->msr_bytes, a->msr_bytes + 16 * k, 16);
    a->msr_count = 1;
    vmcs_set(&a->vmcs, VMCS_VM_ENTRY_MSR_LOAD_COUNT, 1);
    size_t n = vmx_entry_check_all(&a->in, out, max);
    memcpy(a->msr_bytes, saved, 16);
    a->msr_count = count;
    vmcs_set(&a->vmcs, VMCS_VM_ENTRY_MSR_LOAD_COUNT, field);
    return n;
}

/*
 * An MSR libvmm's WRMSR model does not know reads as "WRMSR faults" there.
 * vmxcheck cannot tell for such an MSR, so an entry whose only failing
 * rule is MSRLOAD.WRMSR is taken out rather than reported.
 */
static void drop_unmodelled(struct assumed *a)
{
    enum vmx_check_id wrmsr;
    if (vmx_check_by_id("MSRLOAD.WRMSR", &wrmsr) != VMM_OK)
        return;
    struct vmx_check_failure f[VMXCHECK_MAX_FAILURES];
    for (uint32_t k = a->msr_count; k-- > 0;) {
        uint32_t index = le32(a->msr_bytes + 16 * k);
        if (vmm_msr_name(index))
            continue;
        size_t n = entry_alone(a, k, f, VMXCHECK_MAX_FAILURES);
        bool only_wrmsr = false;
        for (size_t i = 0; i < n && i < VMXCHECK_MAX_FAILURES; i++) {
            if (!f[i].msr_entry)
                continue;
            if (f[i].check != wrmsr) {
                only_wrmsr = false;
                break;
            }
            only_wrmsr = true;
        }
        if (!only_wrmsr)
            continue;
        char why[160];
        snprintf(why, sizeof why, "MSR 0x%x is not in libvmm's WRMSR model, so whether WRMSR "
                                  "accepts its value is unknown: not checked", index);
        assume_drop_msr(a, k, why);
    }
}

int vmxcheck_run(const struct vmxdump *d, const struct capspec *caps, struct assumed *a,
                 struct vmxcheck_result *r)
{
    struct vmx_check_failure main_f[VMXCHECK_MAX_FAILURES], loose_f[VMXCHECK_MAX_FAILURES];
    memset(r, 0, sizeof *r);
    assume_complete(d, &caps->caps, a);
    drop_unmodelled(a);
    if (vmx_entry_check(&a->in, &r->verdict) != VMM_OK)
        return VMM_E_INVAL;
    if (r->verdict.check < VMX_CHECK_COUNT) {
        r->verdict_given = vmxcheck_reads_given(a, r->verdict.check);
        if (r->verdict.exit_reason == (0x80000000u | 34u))
            r->verdict_msr_entry = assume_msr_entry(a, (uint32_t)r->verdict.qualification);
    }
    size_t n = vmx_entry_check_all(&a->in, main_f, VMXCHECK_MAX_FAILURES);
    r->truncated = n > VMXCHECK_MAX_FAILURES;
    r->n = r->truncated ? VMXCHECK_MAX_FAILURES : n;
    size_t nl = 0;
    if (caps->has_permissive) {
        struct vmx_entry_input loose = a->in;
        loose.caps = &caps->permissive;
        nl = vmx_entry_check_all(&loose, loose_f, VMXCHECK_MAX_FAILURES);
        if (nl > VMXCHECK_MAX_FAILURES)
            nl = VMXCHECK_MAX_FAILURES;
    }
    for (size_t i = 0; i < r->n; i++) {
        struct vmxcheck_failure *f = &r->f[i];
        f->check = main_f[i].check;
        f->msr_entry = main_f[i].msr_entry ? assume_msr_entry(a, main_f[i].msr_entry) : 0;
        f->given = vmxcheck_reads_given(a, f->check);
        f->guessed_caps =
            caps->has_permissive && !contains(loose_f, nl, main_f[i].check, main_f[i].msr_entry);
        r->nfindings += f->given;
    }
    return VMM_OK;
}

int vmxcheck_exit_code(const struct vmxcheck_result *r)
{
    return r->nfindings ? 1 : 0;
}

void vmxcheck_section(enum vmx_check_id id, unsigned chapter, char *buf, size_t len)
{
    char a[32], b[32];
    vmx_check_section(id, chapter, a, sizeof a);
    if (chapter == 29) {
        snprintf(buf, len, "%s", a);
        return;
    }
    vmx_check_section(id, 29, b, sizeof b);
    snprintf(buf, len, "%s (%s in 2026 editions)", a, b);
}
