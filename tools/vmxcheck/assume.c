/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Completing a partial dump: the guest's mode, the control words, the
 * fields that depend on them, the entry input and the MSR-load area.
 * Guest and host register state are in assume_state.c.
 */
#include "assume_ctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm/msr.h"
#include "vmm/types.h"

#define CR0_PE (1ull << 0)
#define CR0_PG (1ull << 31)
#define AR_L (1ull << 13)
#define AR_UNUSABLE (1ull << 16)
#define RFLAGS_VM (1ull << 17)
#define CR4_PAE (1ull << 5)

static const char *const why_text[WHY_COUNT] = {
    [WHY_FEATURE_OFF] = "its control is off, VM entry does not read it",
    [WHY_EXIT_INFO] = "exit information, VM entry does not read it",
    [WHY_DEFAULT_CTLS] = "negotiated from the capabilities for what the dump shows",
    [WHY_NO_EVENT] = "no event injection",
    [WHY_ADDRESS] = "a valid address (the dump does not show it)",
    [WHY_VALID_HOST] = "a valid host state (the dump does not show it)",
    [WHY_GUEST_MODE] = "consistent with the guest's mode and the fields shown",
    [WHY_FROM_SHADOW] = "the read shadow plus the bits VMX requires",
    [WHY_NEUTRAL] = "a value no check objects to",
    [WHY_MSR_LIST] = "the number of MSR-list entries the dump shows",
};

const char *assume_why_text(enum assume_why why)
{
    return (unsigned)why < WHY_COUNT ? why_text[why] : "?";
}

void put(struct actx *c, enum vmcs_field_id f, uint64_t v, enum assume_why why)
{
    if (known(c, f))
        return;
    vmcs_set(&c->o->vmcs, f, v);
    c->o->origin[f] = ORIGIN_ASSUMED;
    c->o->a[c->o->n++] = (struct assumption){(uint16_t)f, (uint8_t)why, vmcs_get(&c->o->vmcs, f)};
}

void fact(struct actx *c, const char *fmt, ...)
{
    if (c->o->nfacts >= ASSUME_MAX_FACTS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->o->fact[c->o->nfacts++], ASSUME_FACT_LEN, fmt, ap);
    va_end(ap);
}

/* What the dump shows about the guest's mode and the host's size. */
static void modes(struct actx *c)
{
    const enum vmcs_field_id cr0f = given(c, VMCS_GUEST_CR0)         ? VMCS_GUEST_CR0
                                    : given(c, VMCS_CR0_READ_SHADOW) ? VMCS_CR0_READ_SHADOW
                                                                     : VMCS_NO_FIELD;
    c->pe = c->pg = true;
    if (cr0f != VMCS_NO_FIELD) {
        c->pe = get(c, cr0f) & CR0_PE;
        c->pg = (get(c, cr0f) & CR0_PG) != 0;
        c->urg_needed = !c->pe || !c->pg;
    }
    c->v8086 = given(c, VMCS_GUEST_RFLAGS) && (get(c, VMCS_GUEST_RFLAGS) & RFLAGS_VM);
    if (given(c, VMCS_VM_ENTRY_CONTROLS)) {
        c->ia32e = get(c, VMCS_VM_ENTRY_CONTROLS) & VMX_ENTRY_IA32E_MODE_GUEST;
    } else if (given(c, VMCS_GUEST_IA32_EFER)) {
        uint64_t efer = get(c, VMCS_GUEST_IA32_EFER);
        c->ia32e = (efer & VMM_EFER_LMA) || ((efer & VMM_EFER_LME) && c->pg);
        fact(c, "IA-32e mode guest = %d, from the guest's EFER 0x%llx (LMA, or LME with CR0.PG)",
             c->ia32e, (unsigned long long)efer);
    } else if (given(c, VMCS_GUEST_CS_AR_BYTES)) {
        uint64_t ar = get(c, VMCS_GUEST_CS_AR_BYTES);
        c->ia32e = (ar & AR_L) && !(ar & AR_UNUSABLE);
        fact(c, "IA-32e mode guest = %d, from CS.L in CS access rights 0x%llx", c->ia32e,
             (unsigned long long)ar);
    } else if (given(c, VMCS_GUEST_RIP) && get(c, VMCS_GUEST_RIP) > 0xffffffffull) {
        c->ia32e = true;
        fact(c, "IA-32e mode guest = 1: RIP is above 4 GiB");
    }
    if (c->ia32e && cr0f == VMCS_NO_FIELD)
        c->pe = c->pg = true;
    if (given(c, VMCS_VM_EXIT_CONTROLS)) {
        c->host64 = get(c, VMCS_VM_EXIT_CONTROLS) & VMX_EXIT_HOST_ADDR_SPACE_SIZE;
    } else if (given(c, VMCS_HOST_IA32_EFER) && (get(c, VMCS_HOST_IA32_EFER) & VMM_EFER_LMA)) {
        c->host64 = true;
        fact(c, "64-bit host, from the host EFER.LMA");
    } else if (given(c, VMCS_HOST_CR4) && !(get(c, VMCS_HOST_CR4) & CR4_PAE)) {
        c->host64 = false;
        fact(c, "32-bit host: the host CR4 has PAE = 0, which a 64-bit host cannot");
    } else if (given(c, VMCS_HOST_RIP)) {
        c->host64 = get(c, VMCS_HOST_RIP) > 0xffffffffull;
        fact(c, "%d-bit host, from the host RIP", c->host64 ? 64 : 32);
    } else {
        c->host64 = true;
    }
}

/* A control word for what we want, within what the capabilities allow. */
static uint64_t negotiate(struct actx *c, enum vmm_ctl_kind kind, uint64_t want1, uint64_t want0)
{
    struct vmx_ctl_result r;
    if (vmx_ctl_negotiate(c->caps, kind, want1, want0, &r) == VMM_OK)
        return r.value;
    if (r.unsupported)
        fact(c, "the capabilities do not allow %s control bits 0x%llx the dump's state calls for",
             vmm_ctl_kind_name(kind), (unsigned long long)r.unsupported);
    if (vmx_ctl_negotiate(c->caps, kind, want1 & ~r.unsupported, want0 & ~r.required, &r) ==
        VMM_OK)
        return r.value;
    return c->caps->ctl[kind].allowed0;
}

static void control_word(struct actx *c, enum vmcs_field_id f, enum vmm_ctl_kind kind,
                         bool active, uint64_t want1, uint64_t want0)
{
    if (!active)
        put(c, f, 0, WHY_FEATURE_OFF);
    else
        put(c, f, negotiate(c, kind, want1, want0), WHY_DEFAULT_CTLS);
}

static void controls(struct actx *c)
{
    bool efer_given = given(c, VMCS_GUEST_IA32_EFER);
    control_word(c, VMCS_PIN_BASED_VM_EXEC_CONTROL, VMM_CTL_PIN, true, 0, 0);
    uint64_t want2 = c->urg_needed ? VMX_PROC2_UNRESTRICTED_GUEST | VMX_PROC2_ENABLE_EPT : 0;
    if (c->urg_needed && !given(c, VMCS_SECONDARY_VM_EXEC_CONTROL))
        fact(c, "\"unrestricted guest\" (with EPT) assumed: the guest's CR0 has PE = 0 or PG = 0, "
                "which only that control allows");
    uint64_t want = (want2 || given(c, VMCS_SECONDARY_VM_EXEC_CONTROL) ? VMX_PROC_ACTIVATE_SECONDARY
                                                                       : 0) |
                    (given(c, VMCS_TERTIARY_VM_EXEC_CONTROL) ? VMX_PROC_ACTIVATE_TERTIARY : 0);
    control_word(c, VMCS_CPU_BASED_VM_EXEC_CONTROL, VMM_CTL_PROC, true, want, 0);
    uint64_t proc = get(c, VMCS_CPU_BASED_VM_EXEC_CONTROL);
    control_word(c, VMCS_SECONDARY_VM_EXEC_CONTROL, VMM_CTL_PROC2,
                 proc & VMX_PROC_ACTIVATE_SECONDARY, want2, 0);
    control_word(c, VMCS_TERTIARY_VM_EXEC_CONTROL, VMM_CTL_PROC3,
                 proc & VMX_PROC_ACTIVATE_TERTIARY, 0, 0);
    uint64_t hs = VMX_EXIT_HOST_ADDR_SPACE_SIZE;
    control_word(c, VMCS_VM_EXIT_CONTROLS, VMM_CTL_EXIT, true, c->host64 ? hs : 0,
                 c->host64 ? 0 : hs);
    control_word(c, VMCS_SECONDARY_VM_EXIT_CONTROLS, VMM_CTL_EXIT2,
                 get(c, VMCS_VM_EXIT_CONTROLS) & VMX_EXIT_ACTIVATE_SECONDARY, 0, 0);
    uint64_t ia32e = VMX_ENTRY_IA32E_MODE_GUEST;
    control_word(c, VMCS_VM_ENTRY_CONTROLS, VMM_CTL_ENTRY, true,
                 (c->ia32e ? ia32e : 0) | (efer_given ? VMX_ENTRY_LOAD_EFER : 0),
                 c->ia32e ? 0 : ia32e);
    if (efer_given && !given(c, VMCS_VM_ENTRY_CONTROLS))
        fact(c, "\"load IA32_EFER\" on entry assumed, so that the EFER the dump shows is checked");

    uint64_t *e = c->eff;
    e[VMM_CTL_PIN] = get(c, VMCS_PIN_BASED_VM_EXEC_CONTROL);
    e[VMM_CTL_PROC] = proc;
    e[VMM_CTL_PROC2] = proc & VMX_PROC_ACTIVATE_SECONDARY ? get(c, VMCS_SECONDARY_VM_EXEC_CONTROL) : 0;
    e[VMM_CTL_PROC3] = proc & VMX_PROC_ACTIVATE_TERTIARY ? get(c, VMCS_TERTIARY_VM_EXEC_CONTROL) : 0;
    e[VMM_CTL_EXIT] = get(c, VMCS_VM_EXIT_CONTROLS);
    e[VMM_CTL_EXIT2] = e[VMM_CTL_EXIT] & VMX_EXIT_ACTIVATE_SECONDARY
                           ? get(c, VMCS_SECONDARY_VM_EXIT_CONTROLS)
                           : 0;
    e[VMM_CTL_ENTRY] = get(c, VMCS_VM_ENTRY_CONTROLS);
    control_word(c, VMCS_VM_FUNCTION_CONTROL, VMM_CTL_VMFUNC,
                 e[VMM_CTL_PROC2] & VMX_PROC2_ENABLE_VMFUNC, 0, 0);
    e[VMM_CTL_VMFUNC] = e[VMM_CTL_PROC2] & VMX_PROC2_ENABLE_VMFUNC
                            ? get(c, VMCS_VM_FUNCTION_CONTROL)
                            : 0;
    /* The dump's own control words decide the guest's and host's modes from here on. */
    c->ia32e = e[VMM_CTL_ENTRY] & VMX_ENTRY_IA32E_MODE_GUEST;
    c->host64 = e[VMM_CTL_EXIT] & VMX_EXIT_HOST_ADDR_SPACE_SIZE;
}

/* Addresses of the structures a control makes VM entry check. */
static const struct {
    enum vmcs_field_id field;
    enum vmm_ctl_kind kind; /* VMM_CTL_KIND_COUNT: always used */
    uint64_t bit;
    uint64_t addr;
} addresses[] = {
    {VMCS_IO_BITMAP_A, VMM_CTL_PROC, VMX_PROC_USE_IO_BITMAPS, 0x100000},
    {VMCS_IO_BITMAP_B, VMM_CTL_PROC, VMX_PROC_USE_IO_BITMAPS, 0x101000},
    {VMCS_MSR_BITMAP, VMM_CTL_PROC, VMX_PROC_USE_MSR_BITMAPS, 0x102000},
    {VMCS_VIRTUAL_APIC_PAGE_ADDR, VMM_CTL_PROC, VMX_PROC_USE_TPR_SHADOW, 0x103000},
    {VMCS_APIC_ACCESS_ADDR, VMM_CTL_PROC2, VMX_PROC2_VIRT_APIC_ACCESSES, 0x104000},
    {VMCS_POSTED_INTR_DESC_ADDR, VMM_CTL_PIN, VMX_PIN_POSTED_INTR, 0x105000},
    {VMCS_PML_ADDRESS, VMM_CTL_PROC2, VMX_PROC2_ENABLE_PML, 0x107000},
    {VMCS_EPTP_LIST_ADDRESS, VMM_CTL_VMFUNC, 1, 0x108000},
    {VMCS_VMREAD_BITMAP, VMM_CTL_PROC2, VMX_PROC2_VMCS_SHADOWING, 0x109000},
    {VMCS_VMWRITE_BITMAP, VMM_CTL_PROC2, VMX_PROC2_VMCS_SHADOWING, 0x10a000},
    {VMCS_VE_INFORMATION_ADDRESS, VMM_CTL_PROC2, VMX_PROC2_EPT_VIOLATION_VE, 0x10b000},
    {VMCS_VM_ENTRY_MSR_LOAD_ADDR, VMM_CTL_KIND_COUNT, 0, 0x10c000},
    {VMCS_VM_EXIT_MSR_STORE_ADDR, VMM_CTL_KIND_COUNT, 0, 0x10d000},
    {VMCS_VM_EXIT_MSR_LOAD_ADDR, VMM_CTL_KIND_COUNT, 0, 0x10e000},
    {VMCS_SPPT_POINTER, VMM_CTL_PROC2, VMX_PROC2_SUBPAGE_WRITE, 0x111000},
    {VMCS_HLAT_POINTER, VMM_CTL_PROC3, VMX_PROC3_ENABLE_HLAT, 0x112000},
    {VMCS_PID_POINTER_TABLE, VMM_CTL_PROC3, VMX_PROC3_IPI_VIRT, 0x113000},
    {VMCS_LOW_PASID_DIRECTORY_ADDR, VMM_CTL_PROC2, VMX_PROC2_PASID_TRANSLATION, 0x119000},
    {VMCS_HIGH_PASID_DIRECTORY_ADDR, VMM_CTL_PROC2, VMX_PROC2_PASID_TRANSLATION, 0x11a000},
};

static bool on(const struct actx *c, enum vmm_ctl_kind kind, uint64_t bit)
{
    return (c->eff[kind] & bit) != 0;
}

static void control_fields(struct actx *c)
{
    for (size_t i = 0; i < sizeof addresses / sizeof addresses[0]; i++) {
        bool used = addresses[i].kind == VMM_CTL_KIND_COUNT || on(c, addresses[i].kind, addresses[i].bit);
        put(c, addresses[i].field, used ? addresses[i].addr : 0, used ? WHY_ADDRESS : WHY_FEATURE_OFF);
    }
    if (on(c, VMM_CTL_PROC2, VMX_PROC2_ENABLE_EPT)) {
        uint64_t mt = (c->caps->ept_vpid_cap & VMX_EPT_CAP_MT_WB) ? 6 : 0;
        uint64_t pwl = (c->caps->ept_vpid_cap & VMX_EPT_CAP_PWL4) ? 3 : 4;
        put(c, VMCS_EPT_POINTER, 0x106000 | pwl << 3 | mt, WHY_ADDRESS);
    }
    if (on(c, VMM_CTL_PROC2, VMX_PROC2_ENABLE_VPID))
        put(c, VMCS_VIRTUAL_PROCESSOR_ID, 1, WHY_NEUTRAL);
    if (on(c, VMM_CTL_PIN, VMX_PIN_POSTED_INTR))
        put(c, VMCS_POSTED_INTR_NV, 0xf2, WHY_NEUTRAL);
    if (on(c, VMM_CTL_PROC2, VMX_PROC2_USE_TSC_SCALING))
        put(c, VMCS_TSC_MULTIPLIER, 1ull << 48, WHY_NEUTRAL);
    put(c, VMCS_VMCS_LINK_POINTER, ~0ull, WHY_NEUTRAL);
    put(c, VMCS_VM_ENTRY_INTR_INFO_FIELD, 0, WHY_NO_EVENT);
    put(c, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE, 0, WHY_NO_EVENT);
    put(c, VMCS_VM_ENTRY_INSTRUCTION_LEN, 0, WHY_NO_EVENT);
    static const enum vmcs_field_id counts[VMXDUMP_MSR_LIST_COUNT] = {
        [VMXDUMP_MSRS_ENTRY_LOAD] = VMCS_VM_ENTRY_MSR_LOAD_COUNT,
        [VMXDUMP_MSRS_EXIT_STORE] = VMCS_VM_EXIT_MSR_STORE_COUNT,
        [VMXDUMP_MSRS_EXIT_LOAD] = VMCS_VM_EXIT_MSR_LOAD_COUNT,
    };
    for (int l = 0; l < VMXDUMP_MSR_LIST_COUNT; l++)
        put(c, counts[l], c->d->msrs[l].n, c->d->msrs[l].n ? WHY_MSR_LIST : WHY_NEUTRAL);
}

/* True if a field's existence depends on controls that are all off. */
static bool feature_off(const struct actx *c, enum vmcs_field_id f)
{
    const struct vmcs_requirement *r = vmcs_field_table[f].req;
    bool any = false;
    for (int i = 0; i < 2; i++) {
        if (r[i].kind >= VMM_CTL_KIND_COUNT)
            continue;
        any = true;
        if ((c->eff[r[i].kind] >> r[i].bit) & 1)
            return false;
    }
    return any;
}

/* Whatever is still absent: exit information, and zero for the rest. */
static void sweep(struct actx *c)
{
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++) {
        enum vmcs_field_id f = (enum vmcs_field_id)i;
        enum assume_why why = vmcs_field_table[i].type == VMCS_EXIT_INFO ? WHY_EXIT_INFO
                              : feature_off(c, f)                      ? WHY_FEATURE_OFF
                              : vmcs_field_table[i].type == VMCS_HOST  ? WHY_VALID_HOST
                                                                       : WHY_NEUTRAL;
        put(c, f, 0, why);
    }
}

static int read_area(void *opaque, uint64_t addr, void *buf, size_t len)
{
    const struct assumed *a = opaque;
    uint64_t size = 16ull * a->msr_count;
    if (addr < a->msr_area || len > size || addr - a->msr_area > size - len)
        return VMM_E_FAULT;
    memcpy(buf, a->msr_bytes + (addr - a->msr_area), len);
    return VMM_OK;
}

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Sets the VM-entry MSR-load count to the entries the validator is given. */
static void reassume_count(struct actx *c, uint32_t n)
{
    struct assumed *o = c->o;
    enum vmcs_field_id f = VMCS_VM_ENTRY_MSR_LOAD_COUNT;
    vmcs_set(&o->vmcs, f, n);
    unsigned k = 0;
    while (k < o->n && o->a[k].field != f)
        k++;
    o->a[k] = (struct assumption){(uint16_t)f, WHY_MSR_LIST, n};
    o->n += k == o->n;
    o->origin[f] = ORIGIN_ASSUMED;
}

/* The MSR-load entries the dump shows, as the area the validator reads. */
static void msr_area(struct actx *c)
{
    const struct vmxdump_msrs *l = &c->d->msrs[VMXDUMP_MSRS_ENTRY_LOAD];
    struct vmxdump_msr e[VMXDUMP_MAX_MSRS];
    uint32_t n = l->n < VMXDUMP_MAX_MSRS ? l->n : VMXDUMP_MAX_MSRS;
    memcpy(e, l->e, n * sizeof e[0]);
    for (uint32_t i = 1; i < n; i++) /* by slot */
        for (uint32_t j = i; j > 0 && e[j - 1].slot > e[j].slot; j--) {
            struct vmxdump_msr t = e[j];
            e[j] = e[j - 1];
            e[j - 1] = t;
        }
    struct assumed *o = c->o;
    o->msr_area = get(c, VMCS_VM_ENTRY_MSR_LOAD_ADDR);
    o->msr_count = n;
    bool whole = true;
    for (uint32_t i = 0; i < n; i++) {
        o->msr_slot[i] = e[i].slot;
        whole &= e[i].slot == i;
        uint8_t *p = o->msr_bytes + 16 * i;
        put_le(p, e[i].index, 4);
        put_le(p + 4, e[i].reserved, 4);
        put_le(p + 8, e[i].value, 8);
    }
    uint64_t count = get(c, VMCS_VM_ENTRY_MSR_LOAD_COUNT);
    if (n && (!whole || count != n)) {
        reassume_count(c, n);
        fact(c, "the dump shows %u of the VM-entry MSR-load entries: those are checked, numbered "
                "as in the dump; the others are assumed to load", n);
    }
    o->in.read_phys = read_area;
    o->in.read_opaque = o;
}

static void entry_input(struct actx *c)
{
    struct vmx_entry_input *in = &c->o->in;
    in->vmcs = &c->o->vmcs;
    in->caps = c->caps;
    bool resume = c->d->stated.insn == VMXDUMP_INSN_VMRESUME;
    in->kind = resume ? VMM_RESUME : VMM_LAUNCH;
    in->launched = resume;
    if (c->d->stated.insn == VMXDUMP_INSN_UNKNOWN)
        fact(c, "VMLAUNCH of a clear VMCS (the dump does not say which instruction failed; the "
                "launch state is assumed to match)");
    in->host_lma = c->host64;
    fact(c, "the processor runs with IA32_EFER.LMA = %d (as the host address-space size "
            "control says), outside SMM, without MOV-SS blocking",
         c->host64);
    in->current_vmcs_ptr = 0x114000;
    in->vmxon_ptr = 0x115000;
    msr_area(c);
    fact(c, "guest memory is not in the dump: checks that read it (virtual-APIC TPR, "
            "link-pointer header, PDPTEs in memory, MSR-load entries not shown) pass unchecked");
}

void assume_complete(const struct vmxdump *d, const struct vmx_caps *caps, struct assumed *out)
{
    memset(out, 0, sizeof *out);
    out->vmcs = d->vmcs;
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++)
        if (vmxdump_given(d, (enum vmcs_field_id)i))
            out->origin[i] = ORIGIN_GIVEN;
        else
            out->vmcs.value[i] = 0;
    struct actx c = {.d = d, .caps = caps, .o = out};
    modes(&c);
    controls(&c);
    control_fields(&c);
    assume_guest(&c);
    assume_host(&c);
    sweep(&c);
    entry_input(&c);
}

void assume_drop_msr(struct assumed *a, uint32_t k, const char *why)
{
    if (k >= a->msr_count)
        return;
    uint32_t slot = a->msr_slot[k];
    memmove(a->msr_bytes + 16 * k, a->msr_bytes + 16 * (k + 1), 16 * (a->msr_count - k - 1));
    memmove(a->msr_slot + k, a->msr_slot + k + 1, sizeof a->msr_slot[0] * (a->msr_count - k - 1));
    a->msr_count--;
    struct actx c = {.o = a};
    reassume_count(&c, a->msr_count);
    fact(&c, "MSR-load entry %u: %s", slot + 1, why);
}

uint32_t assume_msr_entry(const struct assumed *a, uint32_t entry)
{
    if (entry >= 1 && entry <= a->msr_count)
        return a->msr_slot[entry - 1] + 1;
    return entry;
}
