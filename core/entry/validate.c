/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VM-entry validator. The check table (vmm/checks/all.def) is expanded
 * twice into straight-line code, once stopping at the first failure (what
 * hardware reports) and once recording every failure; the predicates are
 * inlined, so a full validation is a few hundred compares and branches.
 */
#include "ctx.h"
#include "pred_basic.h"
#include "pred_entry_ctls.h"
#include "pred_exec_ctls.h"
#include "pred_exit_ctls.h"
#include "pred_guest_dtr_rip.h"
#include "pred_guest_nonreg.h"
#include "pred_guest_regs.h"
#include "pred_guest_segs.h"
#include "pred_host_state.h"
#include "pred_msr_load.h"

#define CLASS_FAIL_INVALID VMX_CLASS_FAIL_INVALID
#define CLASS_VMFAIL VMX_CLASS_VMFAIL
#define CLASS_GUEST VMX_CLASS_GUEST
#define CLASS_MSR_LOAD VMX_CLASS_MSR_LOAD

#define GUEST_RFLAGS_VM (1ull << 17)

void vmx_check_ctx_init(struct vmx_check_ctx *c, const struct vmx_entry_input *in, bool *unchecked)
{
    *c = (struct vmx_check_ctx){.in = in, .caps = in->caps, .memory_unchecked = unchecked};
    c->f = in->vmcs->value;
    c->pin = FIELD(c, PIN_BASED_VM_EXEC_CONTROL);
    c->proc = FIELD(c, CPU_BASED_VM_EXEC_CONTROL);
    c->proc2 = (c->proc & VMX_PROC_ACTIVATE_SECONDARY) ? FIELD(c, SECONDARY_VM_EXEC_CONTROL) : 0;
    c->proc3 = (c->proc & VMX_PROC_ACTIVATE_TERTIARY) ? FIELD(c, TERTIARY_VM_EXEC_CONTROL) : 0;
    c->exit = FIELD(c, VM_EXIT_CONTROLS);
    c->exit2 = (c->exit & VMX_EXIT_ACTIVATE_SECONDARY) ? FIELD(c, SECONDARY_VM_EXIT_CONTROLS) : 0;
    c->entry = FIELD(c, VM_ENTRY_CONTROLS);
    c->vmfunc = (c->proc2 & VMX_PROC2_ENABLE_VMFUNC) ? FIELD(c, VM_FUNCTION_CONTROL) : 0;
    c->ia32e_guest = (c->entry & VMX_ENTRY_IA32E_MODE_GUEST) != 0;
    c->unrestricted = (c->proc2 & VMX_PROC2_UNRESTRICTED_GUEST) != 0;
    c->v8086 = (FIELD(c, GUEST_RFLAGS) & GUEST_RFLAGS_VM) != 0;
    uint64_t intr = FIELD(c, VM_ENTRY_INTR_INFO_FIELD);
    c->inject = (intr >> 31) & 1;
    c->inj_type = (uint8_t)((intr >> 8) & 7);
    c->inj_vector = (uint8_t)(intr & 0xff);
}

/* The first failing check that is not an MSR-load check, or VMX_CHECK_COUNT. */
static enum vmx_check_id first_state_failure(const struct vmx_check_ctx *c)
{
#define VMX_CHECK(name, id, sec, cls, num, pred, arg, ...) \
    if (CLASS_##cls != VMX_CLASS_MSR_LOAD && !pred(c, (unsigned)(arg))) \
        return VMX_CHECK_##name;
#include "vmm/checks/all.def"
#undef VMX_CHECK
    return VMX_CHECK_COUNT;
}

/* The first failing MSR-load check for the entry in c->msr_*, or VMX_CHECK_COUNT. */
static enum vmx_check_id first_msr_failure(const struct vmx_check_ctx *c)
{
#define VMX_CHECK(name, id, sec, cls, num, pred, arg, ...) \
    if (CLASS_##cls == VMX_CLASS_MSR_LOAD && !pred(c, (unsigned)(arg))) \
        return VMX_CHECK_##name;
#include "vmm/checks/all.def"
#undef VMX_CHECK
    return VMX_CHECK_COUNT;
}

/* Entries the processor would load: the count field, capped by what can exist. */
#define MSR_LOAD_ENTRY_LIMIT 4096u

bool vmx_check_ctx_load_msr_entry(struct vmx_check_ctx *c, uint32_t i)
{
    uint8_t raw[16];
    if (!read_phys(c, FIELD(c, VM_ENTRY_MSR_LOAD_ADDR) + 16ull * i, raw, sizeof raw))
        return false;
    uint64_t lo = 0, hi = 0;
    for (int b = 7; b >= 0; b--) {
        lo = lo << 8 | raw[b];
        hi = hi << 8 | raw[8 + b];
    }
    c->msr_entry = i + 1;
    c->msr_index = (uint32_t)lo;
    c->msr_reserved = (uint32_t)(lo >> 32);
    c->msr_value = hi;
    return true;
}

static void set_verdict(struct vmx_entry_verdict *v, enum vmx_check_id id, uint64_t msr_entry)
{
    const struct vmx_check_info *info = &vmx_check_table[id];
    v->check = id;
    switch (info->cls) {
    case VMX_CLASS_FAIL_INVALID:
        v->outcome = VMX_ENTRY_FAIL_INVALID;
        break;
    case VMX_CLASS_VMFAIL:
        v->outcome = VMX_ENTRY_FAIL_VALID;
        v->error = info->number;
        break;
    case VMX_CLASS_GUEST:
        v->outcome = VMX_ENTRY_FAIL_EXIT;
        v->exit_reason = 0x80000000u | 33u;
        v->qualification = info->number;
        break;
    case VMX_CLASS_MSR_LOAD:
        v->outcome = VMX_ENTRY_FAIL_EXIT;
        v->exit_reason = 0x80000000u | 34u;
        v->qualification = msr_entry;
        break;
    }
}

static uint32_t msr_load_count(const struct vmx_check_ctx *c)
{
    uint64_t n = FIELD(c, VM_ENTRY_MSR_LOAD_COUNT);
    return n > MSR_LOAD_ENTRY_LIMIT ? MSR_LOAD_ENTRY_LIMIT : (uint32_t)n;
}

int vmx_entry_check(const struct vmx_entry_input *in, struct vmx_entry_verdict *v)
{
    if (!in || !in->caps || !v)
        return VMM_E_INVAL;
    *v = (struct vmx_entry_verdict){.outcome = VMX_ENTRY_OK, .check = VMX_CHECK_COUNT};
    if (!in->vmcs) {
        set_verdict(v, VMX_CHECK_BASIC_VMCS_NONE, 0);
        return VMM_OK;
    }
    struct vmx_check_ctx c;
    vmx_check_ctx_init(&c, in, &v->memory_unchecked);
    enum vmx_check_id failed = first_state_failure(&c);
    if (failed != VMX_CHECK_COUNT) {
        set_verdict(v, failed, 0);
        return VMM_OK;
    }
    uint32_t count = msr_load_count(&c);
    for (uint32_t i = 0; i < count; i++) {
        if (!vmx_check_ctx_load_msr_entry(&c, i))
            break;
        failed = first_msr_failure(&c);
        if (failed != VMX_CHECK_COUNT) {
            set_verdict(v, failed, c.msr_entry);
            return VMM_OK;
        }
    }
    return VMM_OK;
}

static void record(struct vmx_check_failure *out, size_t max, size_t *n, enum vmx_check_id id,
                   uint32_t entry)
{
    if (*n < max)
        out[*n] = (struct vmx_check_failure){.check = id, .msr_entry = entry};
    (*n)++;
}

size_t vmx_entry_check_all(const struct vmx_entry_input *in, struct vmx_check_failure *out,
                           size_t max)
{
    size_t n = 0;
    if (!in || !in->caps)
        return 0;
    if (!in->vmcs) {
        record(out, max, &n, VMX_CHECK_BASIC_VMCS_NONE, 0);
        return n;
    }
    bool unchecked = false;
    struct vmx_check_ctx c;
    vmx_check_ctx_init(&c, in, &unchecked);
#define VMX_CHECK(name, id, sec, cls, num, pred, arg, ...) \
    if (CLASS_##cls != VMX_CLASS_MSR_LOAD && !pred(&c, (unsigned)(arg))) \
        record(out, max, &n, VMX_CHECK_##name, 0);
#include "vmm/checks/all.def"
#undef VMX_CHECK
    uint32_t count = msr_load_count(&c);
    for (uint32_t i = 0; i < count; i++) {
        if (!vmx_check_ctx_load_msr_entry(&c, i))
            break;
#define VMX_CHECK(name, id, sec, cls, num, pred, arg, ...) \
        if (CLASS_##cls == VMX_CLASS_MSR_LOAD && !pred(&c, (unsigned)(arg))) \
            record(out, max, &n, VMX_CHECK_##name, c.msr_entry);
#include "vmm/checks/all.def"
#undef VMX_CHECK
    }
    return n;
}
