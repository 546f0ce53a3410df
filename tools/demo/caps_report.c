/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo's capability report (`demo --caps`): the VMCS field table
 * summary, each capability profile decoded, and how a typical
 * hypervisor's wanted controls negotiate on each profile.
 */
#include "caps_report.h"

#include <stdio.h>
#include <string.h>

#include "vmm/caps.h"
#include "vmm/vmcs_fields.h"

static void print_field_summary(void)
{
    unsigned count[4][4] = {{0}};
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++)
        count[vmcs_field_table[i].width][vmcs_field_table[i].type]++;
    printf("VMCS field table: %u fields (%u encodings with the high halves)\n\n",
           (unsigned)VMCS_FIELD_COUNT, (unsigned)VMCS_FIELD_COUNT + count[VMCS_W64][0] +
               count[VMCS_W64][1] + count[VMCS_W64][2] + count[VMCS_W64][3]);
    printf("  %-8s %9s %9s %9s %9s\n", "width", "control", "exit-info", "guest", "host");
    const enum vmcs_width order[] = {VMCS_W16, VMCS_W32, VMCS_W64, VMCS_WNAT};
    for (unsigned w = 0; w < 4; w++)
        printf("  %-8s %9u %9u %9u %9u\n", vmcs_width_name(order[w]), count[order[w]][0],
               count[order[w]][1], count[order[w]][2], count[order[w]][3]);
    printf("\n");
}

static void print_all_fields(void)
{
    printf("%-30s %-6s %-8s %-9s %s\n", "name", "enc", "width", "type", "title");
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++) {
        const struct vmcs_field_info *f = &vmcs_field_table[i];
        printf("%-30s 0x%04x %-8s %-9s %s\n", f->name, f->encoding,
               vmcs_width_name((enum vmcs_width)f->width), vmcs_type_name((enum vmcs_type)f->type),
               f->title);
    }
}

static void print_ctl_bits(const struct vmx_caps *c, enum vmm_ctl_kind kind)
{
    const struct vmx_ctl_caps *w = &c->ctl[kind];
    printf("  %-40s allowed-0 0x%08llx allowed-1 0x%08llx\n", vmm_ctl_kind_name(kind),
           (unsigned long long)w->allowed0, (unsigned long long)w->allowed1);
    unsigned col = 0;
    for (unsigned bit = 0; bit < 64; bit++) {
        const char *name = vmm_ctl_bit_name(kind, bit);
        if (!name || !((w->allowed1 >> bit) & 1))
            continue;
        printf("%s%s", col == 0 ? "      + " : ", ", name);
        col += (unsigned)strlen(name) + 2;
        if (col > 70) {
            printf("\n");
            col = 0;
        }
    }
    if (col)
        printf("\n");
}

static void print_profile(const struct vmx_profile *p)
{
    struct vmx_caps c;
    struct vmx_caps_error err;
    printf("== profile %s: %s\n", p->name, p->description);
    if (vmx_caps_parse(p->raw, &c, &err) != VMM_OK) {
        printf("  does not parse: %s %s\n\n", vmx_cap_msr_name(err.msr), err.reason);
        return;
    }
    unsigned exist = 0;
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++)
        exist += vmcs_field_exists(&c, (enum vmcs_field_id)i);
    printf("  VMCS revision %#x, %u bytes, %s memory, TRUE controls %s, %u of %u fields exist\n",
           c.revision_id, c.vmcs_size, c.vmcs_memory_type == 6 ? "WB" : "UC",
           c.true_ctls ? "yes" : "no", exist, (unsigned)VMCS_FIELD_COUNT);
    printf("  physical-address width %u, linear %u, CR3 targets %u, MSR lists up to %u, "
           "preemption-timer shift %u\n",
           c.phys_addr_width, c.linear_addr_width, c.cr3_target_count, c.max_msr_list,
           c.preemption_timer_shift);
    printf("  CR0 fixed0/1 %#llx/%#llx, CR4 fixed0/1 %#llx/%#llx\n",
           (unsigned long long)c.cr0_fixed0, (unsigned long long)c.cr0_fixed1,
           (unsigned long long)c.cr4_fixed0, (unsigned long long)c.cr4_fixed1);
    for (unsigned k = 0; k < VMM_CTL_KIND_COUNT; k++)
        if (c.ctl[k].allowed1)
            print_ctl_bits(&c, (enum vmm_ctl_kind)k);

    /* What a typical EPT hypervisor asks for, and what this CPU makes of it. */
    struct {
        enum vmm_ctl_kind kind;
        uint64_t want1;
    } wants[] = {
        {VMM_CTL_PIN, VMX_PIN_EXT_INTR_EXITING | VMX_PIN_NMI_EXITING | VMX_PIN_VIRTUAL_NMIS},
        {VMM_CTL_PROC, VMX_PROC_HLT_EXITING | VMX_PROC_USE_IO_BITMAPS | VMX_PROC_USE_MSR_BITMAPS |
                           VMX_PROC_ACTIVATE_SECONDARY},
        {VMM_CTL_PROC2, VMX_PROC2_ENABLE_EPT | VMX_PROC2_ENABLE_VPID |
                            VMX_PROC2_UNRESTRICTED_GUEST},
        {VMM_CTL_EXIT, VMX_EXIT_HOST_ADDR_SPACE_SIZE | VMX_EXIT_LOAD_EFER},
        {VMM_CTL_ENTRY, VMX_ENTRY_IA32E_MODE_GUEST | VMX_ENTRY_LOAD_EFER},
    };
    printf("  negotiating a typical EPT hypervisor's controls:\n");
    for (size_t i = 0; i < sizeof wants / sizeof wants[0]; i++) {
        struct vmx_ctl_result r;
        int rc = vmx_ctl_negotiate(&c, wants[i].kind, wants[i].want1, 0, &r);
        printf("    %-40s ", vmm_ctl_kind_name(wants[i].kind));
        if (rc == VMM_OK) {
            printf("-> %#010llx\n", (unsigned long long)r.value);
            continue;
        }
        printf("unsupported:");
        for (unsigned bit = 0; bit < 64; bit++)
            if ((r.unsupported >> bit) & 1)
                printf(" \"%s\"", vmm_ctl_bit_name(wants[i].kind, bit));
        printf("\n");
    }
    printf("\n");
}

/* Reports one profile by name; 2 when there is none. */
static int report_one(const char *name)
{
    const struct vmx_profile *p = vmx_profile_find(name);
    if (!p) {
        fprintf(stderr, "demo: no profile named \"%s\"; profiles:", name);
        for (size_t i = 0; i < vmx_profile_count; i++)
            fprintf(stderr, " %s", vmx_profiles[i].name);
        fprintf(stderr, "\n");
        return 2;
    }
    print_profile(p);
    return 0;
}

int demo_caps_report(bool all_fields, const char *profile)
{
    if (all_fields) {
        print_all_fields();
        return 0;
    }
    if (profile)
        return report_one(profile);
    printf("libvmm: a library VMM core for Intel VMX\n\n");
    print_field_summary();
    for (size_t i = 0; i < vmx_profile_count; i++)
        print_profile(&vmx_profiles[i]);
    return 0;
}
