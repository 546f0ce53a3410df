/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The validator's verdict on a prepared state, its comparison with what
 * the processor did, and the mismatches already explained: Bochs
 * deviations (BOCHS_DEVIATIONS.md, which must list the same) and libvmm
 * fixes still pending.
 */
#include "hwbackend/validator_diff/diff.h"
#include "libos/console.h"
#include "libos/mem.h"
#include "libos/string.h"

/*
 * Mismatches explained in BOCHS_DEVIATIONS.md. By check: rules Bochs 2.7
 * does not implement (or reports differently) wherever they fail first.
 */
static const char *const deviation_checks[] = {
    "ENTRY.SMM.ENTRY",      /* exit 33 instead of VMfailValid 7 */
    "ENTRY.INJ.EC.REAL",    /* not checked with the controls: exit 33 instead of VMfailValid 7 */
    "ENTRY.INJ.EC.NONHW",   /* not checked on a CET-capable model (tigerlake) */
    "GUEST.DBGCTL.RSVD",    /* not checked */
    "GUEST.SEG.GS.DPL",     /* not checked (Bochs added it after 2.7) */
    "GUEST.RIP.CANON",      /* not checked */
    "GUEST.RFLAGS.VM.REAL", /* not checked */
    "GUEST.ACT.INJ.HLT",    /* not checked */
    "GUEST.INT.NMI.STI",    /* qualification 0 instead of 3 */
    "GUEST.PDE.RSVD",       /* bits 63:17 not checked */
    "GUEST.PDE.BS.SET",     /* not checked */
    "GUEST.PDE.BS.CLR",     /* not checked */
    "HOST.PERFGLB.RSVD",    /* not checked */
    "GUEST.PERFGLB.RSVD",   /* not checked */
    "GUEST.INT.VNMI",       /* not checked */
};

/* By state: one entry of a rule Bochs otherwise follows. */
static const char *const deviation_states[] = {
    "msr_load#25", /* WRMSR of a non-canonical MSR_LER_FROM_LIP accepted */
    "msr_load#38", /* IA32_TSC_AUX bit 32 accepted (truncated) */
    "msr_load#40", /* IA32_FMASK bit 32 accepted (truncated) */
};

/*
 * Mismatches that are libvmm's to fix (reported, not Bochs' fault), when
 * predicting with the processor's bochs-* profile: listed so the test stays
 * green meanwhile; one that starts agreeing there fails the test until it
 * is removed from here.
 */
static const char *const pending_fixes[] = {
    NULL, /* none today (msr_load#37, IA32_SPEC_CTRL on skylake_x, was fixed from CPUID) */
};

/* Physical memory as the processor sees it: RAM identity-mapped, nothing (all ones) above. */
static int read_phys(void *opaque, uint64_t addr, void *buf, size_t len)
{
    (void)opaque;
    uint64_t top = libos_mem_top();
    if (addr < top && len <= top - addr)
        memcpy(buf, (const void *)(uintptr_t)addr, len);
    else
        memset(buf, 0xff, len);
    return VMM_OK;
}

void diff_predict(struct diff_run *r, const struct diff_state *s, struct vmx_entry_verdict *v)
{
    bool no_vmcs = s->flags & DIFF_NO_VMCS;
    r->in = (struct vmx_entry_input){
        .vmcs = no_vmcs ? NULL : &r->img,
        .caps = &r->caps,
        .kind = (s->flags & DIFF_RESUME) ? VMM_RESUME : VMM_LAUNCH,
        .host_lma = true,
        .current_vmcs_ptr = no_vmcs ? ~0ull : r->vmcs_hpa,
        .vmxon_ptr = r->vmxon_hpa,
        .read_phys = read_phys,
    };
    vmx_entry_check(&r->in, v);
}

static bool same(const struct vmx_entry_verdict *v, const struct diff_observed *o)
{
    if (v->outcome != o->outcome)
        return false;
    switch (o->outcome) {
    case VMX_ENTRY_FAIL_VALID: return v->error == o->error;
    case VMX_ENTRY_FAIL_EXIT:
        return v->exit_reason == o->exit_reason && v->qualification == o->qualification;
    default: return true;
    }
}

/* The SDM's phases of VM entry; inside a phase the processor may check in any order. */
static int phase_of(const struct vmx_check_info *c)
{
    if (c->cls == VMX_CLASS_VMFAIL && (c->number == VMXERR_ENTRY_INVALID_CTLS ||
                                       c->number == VMXERR_ENTRY_INVALID_HOST))
        return 1;                      /* controls and host state: error 7 or 8 */
    if (c->cls == VMX_CLASS_GUEST)
        return 2;                      /* guest state: exit 33, one qualification */
    return 0;                          /* basic checks and MSR loading: in order */
}

/*
 * Whether Bochs reported another rule the state breaks in the same phase
 * as the validator's first: the SDM lets a processor check controls and
 * host state in any order, and guest state in any order.
 */
static bool other_rule_of_same_phase(struct diff_run *r, const struct vmx_entry_verdict *v,
                                     const struct diff_observed *o)
{
    if (v->check >= VMX_CHECK_COUNT)
        return false;
    int phase = phase_of(&vmx_check_table[v->check]);
    if (phase == 0)
        return false;
    static struct vmx_check_failure all[64];
    size_t n = vmx_entry_check_all(&r->in, all, 64);
    for (size_t i = 0; i < n && i < 64; i++) {
        const struct vmx_check_info *c = &vmx_check_table[all[i].check];
        if (phase_of(c) != phase)
            continue;
        if (phase == 1 && o->outcome == VMX_ENTRY_FAIL_VALID && o->error == c->number)
            return true;
        if (phase == 2 && o->outcome == VMX_ENTRY_FAIL_EXIT && o->exit_reason == 0x80000021u &&
            o->qualification == c->number)
            return true;
    }
    return false;
}

static void describe_verdict(const struct vmx_entry_verdict *v)
{
    switch (v->outcome) {
    case VMX_ENTRY_OK: kprintf("VM entry succeeds"); break;
    case VMX_ENTRY_FAIL_INVALID: kprintf("VMfailInvalid"); break;
    case VMX_ENTRY_FAIL_VALID: kprintf("VMfailValid %u", v->error); break;
    case VMX_ENTRY_FAIL_EXIT:
        kprintf("exit 0x%x qualification %llu", v->exit_reason,
                (unsigned long long)v->qualification);
        break;
    }
}

static void describe_observed(const struct diff_observed *o)
{
    switch (o->outcome) {
    case VMX_ENTRY_OK: kprintf("entered the guest (exit %u)", o->exit_reason & 0xffffu); break;
    case VMX_ENTRY_FAIL_INVALID: kprintf("VMfailInvalid"); break;
    case VMX_ENTRY_FAIL_VALID: kprintf("VMfailValid %u", o->error); break;
    case VMX_ENTRY_FAIL_EXIT:
        kprintf("exit 0x%x qualification %llu", o->exit_reason,
                (unsigned long long)o->qualification);
        break;
    }
}

static bool listed(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] && strcmp(list[i], name) == 0)
            return true;
    return false;
}
#define LISTED(list, name) listed(list, sizeof list / sizeof list[0], name)

static void report_mismatch(struct diff_run *r, const struct diff_state *s,
                            const struct vmx_entry_verdict *v, const struct diff_observed *o)
{
    const char *id = v->check < VMX_CHECK_COUNT ? vmx_check_table[v->check].id : "(none)";
    bool known = LISTED(deviation_checks, id) || LISTED(deviation_states, s->name);
    bool pending = r->with_profile && LISTED(pending_fixes, s->name);
    r->mismatch_by_check[v->check < VMX_CHECK_COUNT ? v->check : VMX_CHECK_COUNT]++;
    r->known += known;
    r->pending += pending;
    kprintf("diff: %s %s: validator ", known ? "BOCHS" : pending ? "PENDING" : "MISMATCH", s->name);
    describe_verdict(v);
    kprintf(" [%s]; Bochs ", id);
    describe_observed(o);
    kprintf("\n");
    if (v->check < VMX_CHECK_COUNT) {
        const struct vmx_check_info *c = &vmx_check_table[v->check];
        kprintf("  rule: %s\n ", c->message);
        for (unsigned i = 0; i < c->nfields; i++)
            if (c->fields[i] < VMCS_FIELD_COUNT)
                kprintf(" %s=0x%llx", vmcs_field_name((enum vmcs_field_id)c->fields[i]),
                        (unsigned long long)vmcs_get(&r->img, (enum vmcs_field_id)c->fields[i]));
        kprintf("\n");
    }
}

void diff_judge(struct diff_run *r, const struct diff_state *s, const struct vmx_entry_verdict *v,
                const struct diff_observed *o)
{
    r->compared++;
    if (same(v, o)) {
        r->agree++;
        r->agree_cases += s->check != DIFF_NOT_A_CASE;
        r->own_check += v->check == s->check;
        if (r->with_profile && LISTED(pending_fixes, s->name)) {
            kprintf("diff: %s agrees now: remove it from pending_fixes\n", s->name);
            r->stale++;
        }
    } else if (other_rule_of_same_phase(r, v, o)) {
        r->agree++;
        r->agree_other_rule++;
    } else {
        report_mismatch(r, s, v, o);
    }
}
