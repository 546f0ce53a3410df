/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The validator against the processor's own VM entry: every state of the
 * embedded blob (state_blob.h, written by gen_states) is prepared
 * (prepare.c), loaded into a fresh VMCS with VMWRITE and launched; the
 * outcome (success, VMfailInvalid, VMfailValid N, exit 33/34 with
 * qualification) is compared with vmx_entry_check's verdict on the very
 * same state on the bochs-skylake-x profile, or on another processor its
 * own capabilities (judge.c). A mismatch names the
 * check, the fields it reads and both outcomes; one that is neither a
 * recorded Bochs deviation nor a pending libvmm fix fails the test.
 */
#include "core/entry/testing/baseline.h"
#include "hwbackend/validator_diff/diff.h"
#include "hwbackend/vmx/hwvmx.h"
#include "hwbackend/vmx/insn.h"
#include "vmm/cpu.h"
#include "libos/console.h"
#include "libos/string.h"
#include "libos/test.h"

extern const uint8_t diff_states_start[], diff_states_end[];

static struct diff_run R;

static struct diff_observed launch(const struct diff_state *s)
{
    *(volatile uint32_t *)(uintptr_t)R.vmcs_hpa = R.caps.revision_id;
    if (hwvmx_vmclear(R.vmcs_hpa).outcome != VMX_SUCCEED)
        test_fail("VMCLEAR of the VMCS failed");
    if (!(s->flags & DIFF_NO_VMCS)) {
        if (hwvmx_vmptrld(R.vmcs_hpa).outcome != VMX_SUCCEED)
            test_fail("VMPTRLD of the VMCS failed");
        for (unsigned id = 0; id < VMCS_FIELD_COUNT; id++) {
            if (!vmcs_field_exists(&R.caps, (enum vmcs_field_id)id) ||
                vmcs_field_table[id].type == VMCS_EXIT_INFO)
                continue;
            struct vmx_status st = hwvmx_vmwrite(vmcs_field_table[id].encoding,
                                                 vmcs_get(&R.img, (enum vmcs_field_id)id));
            if (st.outcome != VMX_SUCCEED && R.vmwrite_failures++ < 10)
                kprintf("diff: %s: VMWRITE %s failed (outcome %d, error %u)\n", s->name,
                        vmcs_field_name((enum vmcs_field_id)id), (int)st.outcome, st.error);
        }
    }
    struct vmm_guest_gprs gprs = {0};
    uint64_t flags = hwvmx_vmenter(&gprs, (s->flags & DIFF_RESUME) != 0);
    struct diff_observed o = {.outcome = VMX_ENTRY_OK};
    if (flags != 0) {
        struct vmx_status st = hwvmx_status_of_flags(flags);
        o.outcome = st.outcome == VMX_FAIL_VALID ? VMX_ENTRY_FAIL_VALID : VMX_ENTRY_FAIL_INVALID;
        o.error = st.error;
    } else {
        uint64_t reason = 0, qual = 0;
        hwvmx_vmread(VMCS_ENC_VM_EXIT_REASON, &reason);
        hwvmx_vmread(VMCS_ENC_EXIT_QUALIFICATION, &qual);
        o.exit_reason = (uint32_t)reason;
        if (reason & (1u << 31)) {
            o.outcome = VMX_ENTRY_FAIL_EXIT;
            o.qualification = qual;
        }
    }
    (void)hwvmx_vmclear(R.vmcs_hpa); /* launch state back to clear, no current VMCS */
    return o;
}

static void run_state(const struct diff_state *s)
{
    struct vmx_entry_verdict v;
    enum diff_not_run why = diff_prepare(&R, s, &v);
    if (why != DIFF_RUN) {
        R.not_run[why]++;
        return;
    }
    struct diff_observed o = launch(s);
    diff_judge(&R, s, &v, &o);
}

/* Whether the record at `at` lies inside the blob, its fields and patches included. */
static bool record_fits(const uint8_t *at)
{
    const struct diff_state *s = (const struct diff_state *)at;
    uint64_t left = (uint64_t)(diff_states_end - at);
    if (left < sizeof *s || s->size > left)
        return false;
    uint64_t need = sizeof *s + (uint64_t)s->nfields * sizeof(struct diff_field) +
                    (uint64_t)s->npatches * sizeof(struct diff_patch);
    return need <= s->size;
}

static void print_summary(const struct diff_blob_header *h)
{
    static const char *const skip_names[DIFF_SKIP_COUNT] = {
        [DIFF_SKIP_LAUNCHED] = "need a launched VMCS",
        [DIFF_SKIP_SHADOW] = "a shadow VMCS current",
        [DIFF_SKIP_MOV_SS] = "MOV-SS blocking",
        [DIFF_SKIP_SMM] = "SMM",
        [DIFF_SKIP_HOST_32BIT] = "a 32-bit host",
        [DIFF_SKIP_NO_MEMORY] = "no memory",
        [DIFF_SKIP_POINTERS] = "moved VMCS/VMXON pointers",
        [DIFF_SKIP_CAPS] = "capabilities no processor has",
    };
    kprintf("diff: blob: %u states (%u mutation cases, %u fuzz inputs); not reproducible in "
            "Bochs and left out:",
            h->count, h->cases, h->fuzz);
    for (unsigned i = 0; i < DIFF_SKIP_COUNT; i++)
        if (h->skipped[i])
            kprintf(" %u %s;", h->skipped[i], skip_names[i]);
    kprintf("\n");
    kprintf("diff: not run: %u change HOST_RSP/HOST_RIP (the trampoline's), %u would load a "
            "mutated host state at a VM exit\n",
            R.not_run[DIFF_NOT_TRAMPOLINE], R.not_run[DIFF_NOT_HOST]);
    kprintf("diff: %u states the validator accepted became failures once the preemption timer "
            "was armed (judged as launched)\n",
            R.adjusted);
    kprintf("diff: %u states not launched: Bochs would panic on them (BOCHS_DEVIATIONS.md)\n", R.not_run[DIFF_NOT_PANIC]);
    kprintf("diff: %u accepted states not launched: wait-for-SIPI, which Bochs never leaves\n",
            R.not_run[DIFF_NOT_SIPI]);
    for (unsigned c = 0; c <= VMX_CHECK_COUNT; c++)
        if (R.mismatch_by_check[c])
            kprintf("diff: mismatches at %s: %u\n",
                    c < VMX_CHECK_COUNT ? vmx_check_table[c].id : "(validator accepts)",
                    R.mismatch_by_check[c]);
    kprintf("diff: of the %u agreeing mutation cases, %u fail first at the check they were "
            "written for (the others fail earlier on this processor, or pass)\n",
            R.agree_cases, R.own_check);
    kprintf("diff: %u of the agreeing states break several rules and Bochs reported another "
            "one of the same phase (the SDM leaves the order open)\n",
            R.agree_other_rule);
    kprintf("validator vs Bochs: %u states compared, %u agree, %u Bochs deviations "
            "(BOCHS_DEVIATIONS.md), %u pending libvmm fixes, %u unexplained\n",
            R.compared, R.agree, R.known, R.pending, R.compared - R.agree - R.known - R.pending);
}

LIBOS_TEST(validator_agrees_with_bochs_vm_entry)
{
    const struct diff_blob_header *h = (const struct diff_blob_header *)diff_states_start;
    TEST_ASSERT_EQ(h->magic, DIFF_BLOB_MAGIC);
    TEST_ASSERT_EQ(h->field_count, VMCS_FIELD_COUNT);
    memset(&R, 0, sizeof R);
    static struct hwvmx hw;
    struct hwvmx_config cfg = {0};
    TEST_ASSERT_EQ(hwvmx_init(&hw, &cfg), VMM_OK);
    struct vmm_cpu *cpu = hwvmx_cpu(&hw);
    /*
     * The prediction's capabilities: the bochs-* profile of this processor
     * (caps_test pins that the two agree), else what this processor
     * reports.
     */
    TEST_ASSERT_EQ(vmm_cpu_read_caps(cpu, &R.caps, NULL), VMM_OK);
    const struct vmx_profile *profile = NULL;
    for (size_t i = 0; i < vmx_profile_count; i++)
        if (strncmp(vmx_profiles[i].name, "bochs-", 6) == 0 &&
            vmx_profiles[i].raw->msr[VMX_MSR_BASIC] == R.caps.raw.msr[VMX_MSR_BASIC])
            profile = &vmx_profiles[i];
    if (profile) {
        TEST_ASSERT_EQ(vmx_caps_parse(profile->raw, &R.caps, NULL), VMM_OK);
        R.with_profile = true;
        kprintf("diff: predicting with profile %s\n", profile->name);
    } else {
        kprintf("diff: predicting with this processor's capabilities (IA32_VMX_BASIC 0x%llx)\n",
                (unsigned long long)R.caps.raw.msr[VMX_MSR_BASIC]);
    }
    R.vmxon_hpa = diff_mem_hpa(PA_VMXON);
    R.vmcs_hpa = diff_mem_hpa(PA_CURRENT_VMCS);
    *(volatile uint32_t *)(uintptr_t)R.vmxon_hpa = R.caps.revision_id;
    struct vmx_status st = cpu->ops->vmxon(cpu, R.vmxon_hpa);
    TEST_ASSERT_EQ(st.outcome, VMX_SUCCEED);

    const uint8_t *at = diff_states_start + sizeof *h;
    for (uint32_t i = 0; i < h->count; i++) {
        if (!record_fits(at))
            test_fail("state %u: truncated blob", i);
        const struct diff_state *s = (const struct diff_state *)at;
        run_state(s);
        at += s->size;
        if (i % 200 == 199)
            kprintf("diff: %u states done\n", i + 1);
    }
    TEST_ASSERT_EQ(cpu->ops->vmxoff(cpu).outcome, VMX_SUCCEED);
    print_summary(h);
    TEST_ASSERT_EQ(R.vmwrite_failures, 0);
    TEST_ASSERT_EQ(R.compared - R.agree - R.known - R.pending, 0);
    TEST_ASSERT_EQ(R.stale, 0);
}
