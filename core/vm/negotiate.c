/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The controls a VM asks for: one table. A row is required (always, or
 * when the configuration asks for what it enables) or part of a group
 * taken "where supported": all rows of the group or none of them.
 */
#include "vm_internal.h"

enum need {
    NEED_ALWAYS,
    NEED_EPT,           /* cfg->use_ept */
    NEED_UNRESTRICTED,  /* cfg->unrestricted_guest */
    WHERE_SUPPORTED,    /* the whole group, if the processor allows every bit of it */
};

enum group { G_NONE, G_VPID, G_EFER, G_PAT, G_COUNT };

static const struct want {
    uint8_t kind;  /* enum vmm_ctl_kind */
    uint8_t need;  /* enum need */
    uint8_t group; /* enum group (WHERE_SUPPORTED rows) */
    uint64_t bits;
} wants[] = {
    {VMM_CTL_PIN, NEED_ALWAYS, G_NONE, VMX_PIN_EXT_INTR_EXITING | VMX_PIN_NMI_EXITING},
    {VMM_CTL_PROC, NEED_ALWAYS, G_NONE,
     VMX_PROC_HLT_EXITING | VMX_PROC_USE_IO_BITMAPS | VMX_PROC_USE_MSR_BITMAPS},
    {VMM_CTL_PROC2, NEED_EPT, G_NONE, VMX_PROC2_ENABLE_EPT},
    {VMM_CTL_PROC2, NEED_UNRESTRICTED, G_NONE, VMX_PROC2_UNRESTRICTED_GUEST},
    {VMM_CTL_PROC2, WHERE_SUPPORTED, G_VPID, VMX_PROC2_ENABLE_VPID},
    {VMM_CTL_EXIT, NEED_ALWAYS, G_NONE, VMX_EXIT_HOST_ADDR_SPACE_SIZE},
    {VMM_CTL_EXIT, WHERE_SUPPORTED, G_EFER, VMX_EXIT_LOAD_EFER | VMX_EXIT_SAVE_EFER},
    {VMM_CTL_EXIT, WHERE_SUPPORTED, G_PAT, VMX_EXIT_LOAD_PAT | VMX_EXIT_SAVE_PAT},
    {VMM_CTL_ENTRY, NEED_ALWAYS, G_NONE, VMX_ENTRY_IA32E_MODE_GUEST},
    {VMM_CTL_ENTRY, WHERE_SUPPORTED, G_EFER, VMX_ENTRY_LOAD_EFER},
    {VMM_CTL_ENTRY, WHERE_SUPPORTED, G_PAT, VMX_ENTRY_LOAD_PAT},
};

/* The control words this layer writes (the others stay inactive). */
static const enum vmm_ctl_kind used[] = {VMM_CTL_PIN, VMM_CTL_PROC, VMM_CTL_PROC2, VMM_CTL_EXIT,
                                         VMM_CTL_ENTRY};

static bool required(const struct want *w, const struct vmm_vm_config *cfg)
{
    return w->need == NEED_ALWAYS || (w->need == NEED_EPT && cfg->use_ept) ||
           (w->need == NEED_UNRESTRICTED && cfg->unrestricted_guest);
}

/* Whether the processor allows every bit of the row (secondary rows: and their activation). */
static bool row_allowed(const struct vmx_caps *caps, const struct want *w)
{
    if (w->kind == VMM_CTL_PROC2 &&
        !vmx_ctl_allowed1(caps, VMM_CTL_PROC, VMX_PROC_ACTIVATE_SECONDARY))
        return false;
    return vmx_ctl_allowed1(caps, (enum vmm_ctl_kind)w->kind, w->bits);
}

static uint32_t features_of(const uint64_t ctl[VMM_CTL_KIND_COUNT])
{
    uint32_t f = 0;
    f |= (ctl[VMM_CTL_PROC] & VMX_PROC_ACTIVATE_SECONDARY) ? VMM_VM_F_SECONDARY : 0;
    f |= (ctl[VMM_CTL_PROC2] & VMX_PROC2_ENABLE_EPT) ? VMM_VM_F_EPT : 0;
    f |= (ctl[VMM_CTL_PROC2] & VMX_PROC2_ENABLE_VPID) ? VMM_VM_F_VPID : 0;
    f |= (ctl[VMM_CTL_PROC2] & VMX_PROC2_UNRESTRICTED_GUEST) ? VMM_VM_F_UNRESTRICTED : 0;
    f |= (ctl[VMM_CTL_ENTRY] & VMX_ENTRY_LOAD_EFER) ? VMM_VM_F_LOAD_EFER : 0;
    f |= (ctl[VMM_CTL_ENTRY] & VMX_ENTRY_LOAD_PAT) ? VMM_VM_F_LOAD_PAT : 0;
    return f;
}

int vmm_vm_negotiate(const struct vmx_caps *caps, const struct vmm_vm_config *cfg,
                     uint64_t ctl[VMM_CTL_KIND_COUNT], uint32_t *features,
                     struct vmm_vm_error *err)
{
    if (!caps || !cfg || !ctl)
        return vm_fail(err, VMM_VM_STEP_CONTROLS, VMM_E_INVAL, "missing argument");
    if (cfg->unrestricted_guest && !cfg->use_ept)
        return vm_fail(err, VMM_VM_STEP_CONTROLS, VMM_E_INVAL, "unrestricted guest needs EPT");

    bool group_ok[G_COUNT];
    for (unsigned g = 0; g < G_COUNT; g++)
        group_ok[g] = true;
    for (size_t i = 0; i < sizeof wants / sizeof wants[0]; i++)
        if (wants[i].need == WHERE_SUPPORTED && !row_allowed(caps, &wants[i]))
            group_ok[wants[i].group] = false;

    uint64_t want1[VMM_CTL_KIND_COUNT] = {0}, want0[VMM_CTL_KIND_COUNT] = {0};
    for (size_t i = 0; i < sizeof wants / sizeof wants[0]; i++) {
        const struct want *w = &wants[i];
        if (required(w, cfg) || (w->need == WHERE_SUPPORTED && group_ok[w->group]))
            want1[w->kind] |= w->bits;
    }
    if (want1[VMM_CTL_PROC2])
        want1[VMM_CTL_PROC] |= VMX_PROC_ACTIVATE_SECONDARY;
    /* With EPT the guest owns CR3: stop its loads and stores exiting where allowed. */
    uint64_t cr3_exits = VMX_PROC_CR3_LOAD_EXITING | VMX_PROC_CR3_STORE_EXITING;
    if (cfg->use_ept && vmx_ctl_allowed0(caps, VMM_CTL_PROC, cr3_exits))
        want0[VMM_CTL_PROC] |= cr3_exits;

    uint64_t out[VMM_CTL_KIND_COUNT] = {0};
    struct vmm_vm_error e = {.step = VMM_VM_STEP_CONTROLS};
    bool refused = false;
    for (size_t i = 0; i < sizeof used / sizeof used[0]; i++) {
        enum vmm_ctl_kind k = used[i];
        if (k == VMM_CTL_PROC2 && !(want1[VMM_CTL_PROC] & VMX_PROC_ACTIVATE_SECONDARY))
            continue; /* inactive: stays 0 */
        struct vmx_ctl_result r;
        int rc = vmx_ctl_negotiate(caps, k, want1[k], want0[k], &r);
        if (rc == VMM_E_UNSUPPORTED) {
            e.unsupported[k] = r.unsupported;
            e.required[k] = r.required;
            refused = true;
            continue;
        }
        if (rc != VMM_OK)
            return vm_fail(err, VMM_VM_STEP_CONTROLS, rc, "control negotiation refused its input");
        out[k] = r.value;
    }
    if (refused) {
        e.rc = VMM_E_UNSUPPORTED;
        e.what = "the processor cannot set controls the VM needs";
        if (err)
            *err = e;
        return VMM_E_UNSUPPORTED;
    }
    for (unsigned k = 0; k < VMM_CTL_KIND_COUNT; k++)
        ctl[k] = out[k];
    if (features)
        *features = features_of(out);
    return VMM_OK;
}
