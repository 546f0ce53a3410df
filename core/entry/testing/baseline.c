/* SPDX-License-Identifier: Apache-2.0 */
/* The baseline VM-entry states: every one passes every check. */
#include "baseline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SET(t, name, v) vmcs_set(&(t)->vmcs, VMCS_##name, (v))
#define GET(t, name) vmcs_get(&(t)->vmcs, VMCS_##name)

const char *baseline_name(enum baseline b)
{
    static const char *const names[BASE_COUNT] = {
        [BASE_LONG64] = "64-bit guest",
        [BASE_LONG64_FULL] = "64-bit guest, every optional control",
        [BASE_PROT32_PAE] = "32-bit protected-mode guest with PAE paging",
        [BASE_REAL_URG] = "unrestricted real-mode guest",
        [BASE_V8086] = "virtual-8086 guest",
        [BASE_HLT] = "64-bit guest in HLT activity state",
        [BASE_INJECT] = "64-bit guest with event injection pending",
    };
    return (unsigned)b < BASE_COUNT ? names[b] : "?";
}

static int read_test_mem(void *opaque, uint64_t addr, void *buf, size_t len)
{
    struct test_entry *t = opaque;
    if (addr < TEST_MEM_BASE || len > TEST_MEM_SIZE || addr - TEST_MEM_BASE > TEST_MEM_SIZE - len)
        return VMM_E_RANGE;
    memcpy(buf, t->mem + (addr - TEST_MEM_BASE), len);
    return VMM_OK;
}

bool test_mem_write32(struct test_entry *t, uint64_t pa, uint32_t v)
{
    if (pa < TEST_MEM_BASE || pa - TEST_MEM_BASE > TEST_MEM_SIZE - 4)
        return false;
    for (int i = 0; i < 4; i++)
        t->mem[pa - TEST_MEM_BASE + i] = (uint8_t)(v >> (8 * i));
    return true;
}

bool test_mem_write64(struct test_entry *t, uint64_t pa, uint64_t v)
{
    return test_mem_write32(t, pa, (uint32_t)v) && test_mem_write32(t, pa + 4, (uint32_t)(v >> 32));
}

void test_msr_entry(struct test_entry *t, unsigned i, uint32_t msr, uint32_t reserved,
                    uint64_t value)
{
    uint64_t pa = PA_ENTRY_MSR_LOAD + 16ull * i;
    test_mem_write32(t, pa, msr);
    test_mem_write32(t, pa + 4, reserved);
    test_mem_write64(t, pa + 8, value);
}

void test_entry_use_profile(struct test_entry *t, const char *profile)
{
    const struct vmx_profile *p = vmx_profile_find(profile);
    struct vmx_caps_error err;
    if (!p || vmx_caps_parse(p->raw, &t->caps, &err) != VMM_OK) {
        fprintf(stderr, "baseline: profile %s unusable\n", profile);
        abort();
    }
}

/* Negotiates a control word; a baseline asking for an unsupported bit is a bug. */
static uint64_t ctl(const struct test_entry *t, enum vmm_ctl_kind kind, uint64_t want1)
{
    struct vmx_ctl_result r;
    if (vmx_ctl_negotiate(&t->caps, kind, want1, 0, &r) != VMM_OK) {
        fprintf(stderr, "baseline: %s controls: unsupported %#llx\n", vmm_ctl_kind_name(kind),
                (unsigned long long)r.unsupported);
        abort();
    }
    return r.value;
}

/* Access rights. */
enum {
    AR_CODE64 = 0xa09b,  /* P, DPL 0, S, type 11, L, G */
    AR_CODE32 = 0xc09b,  /* P, DPL 0, S, type 11, D/B, G */
    AR_DATA32 = 0xc093,  /* P, DPL 0, S, type 3, D/B, G */
    AR_TSS_BUSY = 0x8b,  /* P, type 11 (32/64-bit busy TSS) */
    AR_UNUSABLE = 0x10000,
    AR_REAL_CODE = 0x9b, /* P, S, type 11, 16-bit, byte granular */
    AR_REAL_DATA = 0x93,
    AR_V8086 = 0xf3,
};

static const enum vmcs_field_id seg_sel[] = {VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_CS_SELECTOR,
                                             VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_DS_SELECTOR,
                                             VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_GS_SELECTOR};
static const enum vmcs_field_id seg_base[] = {VMCS_GUEST_ES_BASE, VMCS_GUEST_CS_BASE,
                                              VMCS_GUEST_SS_BASE, VMCS_GUEST_DS_BASE,
                                              VMCS_GUEST_FS_BASE, VMCS_GUEST_GS_BASE};
static const enum vmcs_field_id seg_limit[] = {VMCS_GUEST_ES_LIMIT, VMCS_GUEST_CS_LIMIT,
                                               VMCS_GUEST_SS_LIMIT, VMCS_GUEST_DS_LIMIT,
                                               VMCS_GUEST_FS_LIMIT, VMCS_GUEST_GS_LIMIT};
static const enum vmcs_field_id seg_ar[] = {VMCS_GUEST_ES_AR_BYTES, VMCS_GUEST_CS_AR_BYTES,
                                            VMCS_GUEST_SS_AR_BYTES, VMCS_GUEST_DS_AR_BYTES,
                                            VMCS_GUEST_FS_AR_BYTES, VMCS_GUEST_GS_AR_BYTES};
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT };

static void set_segments(struct test_entry *t, uint16_t code_sel, uint16_t data_sel, uint64_t base,
                         uint32_t limit, uint32_t code_ar, uint32_t data_ar)
{
    for (int s = 0; s < SEG_COUNT; s++) {
        vmcs_set(&t->vmcs, seg_sel[s], s == SEG_CS ? code_sel : data_sel);
        vmcs_set(&t->vmcs, seg_base[s], base);
        vmcs_set(&t->vmcs, seg_limit[s], limit);
        vmcs_set(&t->vmcs, seg_ar[s], s == SEG_CS ? code_ar : data_ar);
    }
}

/* A 64-bit host, the same in every baseline. */
static void host_state(struct test_entry *t)
{
    SET(t, HOST_CR0, 0x80050033);
    SET(t, HOST_CR3, 0x200000);
    SET(t, HOST_CR4, 0x2620); /* VMXE, OSXMMEXCPT, OSFXSR, PAE */
    SET(t, HOST_CS_SELECTOR, 0x08);
    SET(t, HOST_SS_SELECTOR, 0x10);
    SET(t, HOST_DS_SELECTOR, 0x10);
    SET(t, HOST_ES_SELECTOR, 0x10);
    SET(t, HOST_FS_SELECTOR, 0x10);
    SET(t, HOST_GS_SELECTOR, 0x10);
    SET(t, HOST_TR_SELECTOR, 0x18);
    SET(t, HOST_TR_BASE, 0x300000);
    SET(t, HOST_GDTR_BASE, 0x301000);
    SET(t, HOST_IDTR_BASE, 0x302000);
    SET(t, HOST_RSP, 0x400000);
    SET(t, HOST_RIP, 0xffffffff81000000ull);
    SET(t, HOST_IA32_EFER, 0xd01); /* SCE, LME, LMA, NXE */
    SET(t, HOST_IA32_PAT, 0x0007040600070406ull);
}

/* A 64-bit guest with flat segments and a 64-bit TSS. */
static void long64_guest(struct test_entry *t)
{
    SET(t, GUEST_CR0, 0x80050033); /* PG, WP, NE, ET, MP, PE */
    SET(t, GUEST_CR3, 0x500000);
    SET(t, GUEST_CR4, 0x2020); /* VMXE (fixed), PAE */
    SET(t, GUEST_DR7, 0x400);
    SET(t, GUEST_RSP, 0x7000);
    SET(t, GUEST_RIP, 0x401000);
    SET(t, GUEST_RFLAGS, 0x2);
    set_segments(t, 0x08, 0x10, 0, 0xffffffff, AR_CODE64, AR_DATA32);
    SET(t, GUEST_TR_SELECTOR, 0x18);
    SET(t, GUEST_TR_BASE, 0x300000);
    SET(t, GUEST_TR_LIMIT, 0x67);
    SET(t, GUEST_TR_AR_BYTES, AR_TSS_BUSY);
    SET(t, GUEST_LDTR_AR_BYTES, AR_UNUSABLE);
    SET(t, GUEST_GDTR_BASE, 0x301000);
    SET(t, GUEST_GDTR_LIMIT, 0x27);
    SET(t, GUEST_IDTR_BASE, 0x302000);
    SET(t, GUEST_IDTR_LIMIT, 0xfff);
    SET(t, GUEST_IA32_EFER, 0xd01);
    SET(t, GUEST_IA32_PAT, 0x0007040600070406ull);
    SET(t, VMCS_LINK_POINTER, ~0ull);
}

/* Controls of an ordinary hypervisor; `ia32e` selects a 64-bit guest. */
static void basic_controls(struct test_entry *t, bool ia32e)
{
    SET(t, PIN_BASED_VM_EXEC_CONTROL, ctl(t, VMM_CTL_PIN, VMX_PIN_EXT_INTR_EXITING | VMX_PIN_NMI_EXITING));
    SET(t, CPU_BASED_VM_EXEC_CONTROL, ctl(t, VMM_CTL_PROC, VMX_PROC_HLT_EXITING));
    SET(t, VM_EXIT_CONTROLS, ctl(t, VMM_CTL_EXIT, VMX_EXIT_HOST_ADDR_SPACE_SIZE | VMX_EXIT_LOAD_EFER |
                                                      VMX_EXIT_LOAD_PAT | VMX_EXIT_SAVE_EFER));
    SET(t, VM_ENTRY_CONTROLS, ctl(t, VMM_CTL_ENTRY, (ia32e ? VMX_ENTRY_IA32E_MODE_GUEST : 0) |
                                                        VMX_ENTRY_LOAD_EFER | VMX_ENTRY_LOAD_PAT));
}

static void enable_secondary(struct test_entry *t, uint64_t proc2)
{
    SET(t, CPU_BASED_VM_EXEC_CONTROL, GET(t, CPU_BASED_VM_EXEC_CONTROL) | VMX_PROC_ACTIVATE_SECONDARY);
    SET(t, SECONDARY_VM_EXEC_CONTROL, ctl(t, VMM_CTL_PROC2, proc2));
}

/* EPTP: WB, 4-level walk, at PA_EPT_PML4. */
#define EPTP_WB_4LEVEL (PA_EPT_PML4 | 6u | (3u << 3))

static void start(struct test_entry *t, const char *profile)
{
    memset(t, 0, sizeof *t);
    test_entry_use_profile(t, profile);
    t->in = (struct vmx_entry_input){
        .vmcs = &t->vmcs,
        .caps = &t->caps,
        .kind = VMM_LAUNCH,
        .host_lma = true,
        .current_vmcs_ptr = PA_CURRENT_VMCS,
        .vmxon_ptr = PA_VMXON,
        .read_phys = read_test_mem,
        .read_opaque = t,
    };
    host_state(t);
}

static void full_features(struct test_entry *t)
{
    /* Pin-based: everything, posted interrupts with their vector and descriptor. */
    SET(t, PIN_BASED_VM_EXEC_CONTROL,
        ctl(t, VMM_CTL_PIN, VMX_PIN_EXT_INTR_EXITING | VMX_PIN_NMI_EXITING | VMX_PIN_VIRTUAL_NMIS |
                                VMX_PIN_PREEMPTION_TIMER | VMX_PIN_POSTED_INTR));
    SET(t, POSTED_INTR_NV, 0xf2);
    SET(t, POSTED_INTR_DESC_ADDR, PA_PI_DESC);
    SET(t, VMX_PREEMPTION_TIMER_VALUE, 100000);

    SET(t, CPU_BASED_VM_EXEC_CONTROL,
        ctl(t, VMM_CTL_PROC, VMX_PROC_HLT_EXITING | VMX_PROC_USE_TPR_SHADOW | VMX_PROC_USE_IO_BITMAPS |
                                 VMX_PROC_USE_MSR_BITMAPS | VMX_PROC_NMI_WINDOW_EXITING |
                                 VMX_PROC_ACTIVATE_SECONDARY | VMX_PROC_ACTIVATE_TERTIARY));
    SET(t, IO_BITMAP_A, PA_IO_BITMAP_A);
    SET(t, IO_BITMAP_B, PA_IO_BITMAP_B);
    SET(t, MSR_BITMAP, PA_MSR_BITMAP);
    SET(t, VIRTUAL_APIC_PAGE_ADDR, PA_VIRTUAL_APIC);
    test_mem_write32(t, PA_VIRTUAL_APIC + 0x80, 0x20); /* VTPR */

    SET(t, SECONDARY_VM_EXEC_CONTROL,
        ctl(t, VMM_CTL_PROC2,
            VMX_PROC2_VIRT_APIC_ACCESSES | VMX_PROC2_ENABLE_EPT | VMX_PROC2_ENABLE_VPID |
                VMX_PROC2_APIC_REGISTER_VIRT | VMX_PROC2_VIRT_INTR_DELIVERY |
                VMX_PROC2_ENABLE_VMFUNC | VMX_PROC2_VMCS_SHADOWING | VMX_PROC2_ENABLE_PML |
                VMX_PROC2_EPT_VIOLATION_VE | VMX_PROC2_MODE_BASED_EPT_EXEC |
                VMX_PROC2_SUBPAGE_WRITE | VMX_PROC2_USE_TSC_SCALING | VMX_PROC2_ENCLS_EXITING |
                VMX_PROC2_ENCLV_EXITING | VMX_PROC2_ENABLE_XSAVES | VMX_PROC2_ENABLE_PCONFIG));
    SET(t, APIC_ACCESS_ADDR, PA_APIC_ACCESS);
    SET(t, EPT_POINTER, EPTP_WB_4LEVEL | (1u << 6)); /* with A/D */
    SET(t, VIRTUAL_PROCESSOR_ID, 1);
    SET(t, PML_ADDRESS, PA_PML);
    SET(t, VM_FUNCTION_CONTROL, VMX_VMFUNC_EPTP_SWITCHING);
    SET(t, EPTP_LIST_ADDRESS, PA_EPTP_LIST);
    SET(t, VMREAD_BITMAP, PA_VMREAD_BITMAP);
    SET(t, VMWRITE_BITMAP, PA_VMWRITE_BITMAP);
    SET(t, VE_INFORMATION_ADDRESS, PA_VE_INFO);
    SET(t, SPPT_POINTER, PA_SPPT);
    SET(t, TSC_MULTIPLIER, 1ull << 48);
    SET(t, ENCLS_EXITING_BITMAP, 0);
    SET(t, TERTIARY_VM_EXEC_CONTROL, 0);

    SET(t, VM_EXIT_CONTROLS,
        ctl(t, VMM_CTL_EXIT,
            VMX_EXIT_HOST_ADDR_SPACE_SIZE | VMX_EXIT_ACK_INTR_ON_EXIT | VMX_EXIT_SAVE_PAT |
                VMX_EXIT_LOAD_PAT | VMX_EXIT_SAVE_EFER | VMX_EXIT_LOAD_EFER |
                VMX_EXIT_SAVE_PREEMPTION_TIMER | VMX_EXIT_LOAD_PERF_GLOBAL_CTRL | VMX_EXIT_LOAD_CET |
                VMX_EXIT_LOAD_PKRS | VMX_EXIT_SAVE_DEBUG_CTLS | VMX_EXIT_ACTIVATE_SECONDARY));
    SET(t, SECONDARY_VM_EXIT_CONTROLS, 0);
    SET(t, VM_EXIT_MSR_STORE_COUNT, 1);
    SET(t, VM_EXIT_MSR_STORE_ADDR, PA_EXIT_MSR_STORE);
    SET(t, VM_EXIT_MSR_LOAD_COUNT, 1);
    SET(t, VM_EXIT_MSR_LOAD_ADDR, PA_EXIT_MSR_LOAD);

    SET(t, VM_ENTRY_CONTROLS,
        ctl(t, VMM_CTL_ENTRY,
            VMX_ENTRY_IA32E_MODE_GUEST | VMX_ENTRY_LOAD_DEBUG_CTLS | VMX_ENTRY_LOAD_PAT |
                VMX_ENTRY_LOAD_EFER | VMX_ENTRY_LOAD_PERF_GLOBAL_CTRL | VMX_ENTRY_LOAD_BNDCFGS |
                VMX_ENTRY_LOAD_CET | VMX_ENTRY_LOAD_PKRS));
    SET(t, VM_ENTRY_MSR_LOAD_COUNT, 2);
    SET(t, VM_ENTRY_MSR_LOAD_ADDR, PA_ENTRY_MSR_LOAD);
    test_msr_entry(t, 0, 0xc0000081, 0, 0x0023001000000000ull); /* IA32_STAR */
    test_msr_entry(t, 1, 0xc0000082, 0, 0xffffffff81000000ull); /* IA32_LSTAR */

    /* Guest CET: shadow stack pointer aligned and canonical. */
    SET(t, GUEST_SSP, 0x8000);
    /* The link pointer names a shadow VMCS (VMCS shadowing is on). */
    SET(t, VMCS_LINK_POINTER, PA_SHADOW_VMCS);
    test_mem_write32(t, PA_SHADOW_VMCS, t->caps.revision_id | 0x80000000u);
}

void baseline_build(enum baseline b, struct test_entry *t)
{
    switch (b) {
    case BASE_LONG64:
    case BASE_HLT:
    case BASE_INJECT:
        start(t, "bochs-skylake-x");
        basic_controls(t, true);
        long64_guest(t);
        if (b == BASE_HLT)
            SET(t, GUEST_ACTIVITY_STATE, 1);
        if (b == BASE_INJECT) {
            SET(t, GUEST_RFLAGS, 0x202);
            SET(t, VM_ENTRY_INTR_INFO_FIELD, 0x80000b0d); /* #GP, hardware exception, error code */
            SET(t, VM_ENTRY_EXCEPTION_ERROR_CODE, 0);
        }
        break;
    case BASE_LONG64_FULL:
        start(t, "modern");
        long64_guest(t);
        full_features(t);
        break;
    case BASE_PROT32_PAE:
        start(t, "bochs-skylake-x");
        basic_controls(t, false);
        long64_guest(t);
        SET(t, GUEST_CR0, 0x80000033); /* PG, NE, ET, MP, PE */
        SET(t, GUEST_CR3, PA_GUEST_PDPT);
        SET(t, GUEST_IA32_EFER, 0);
        set_segments(t, 0x08, 0x10, 0, 0xffffffff, AR_CODE32, AR_DATA32);
        test_mem_write64(t, PA_GUEST_PDPT, 0x120001); /* one present PDPTE */
        break;
    case BASE_REAL_URG:
        start(t, "bochs-skylake-x");
        basic_controls(t, false);
        long64_guest(t);
        enable_secondary(t, VMX_PROC2_ENABLE_EPT | VMX_PROC2_UNRESTRICTED_GUEST);
        SET(t, EPT_POINTER, EPTP_WB_4LEVEL);
        SET(t, GUEST_CR0, 0x30); /* NE, ET: PE = PG = 0 */
        SET(t, GUEST_CR3, 0);
        SET(t, GUEST_CR4, 0x2000);
        SET(t, GUEST_IA32_EFER, 0);
        SET(t, GUEST_RIP, 0xfff0);
        set_segments(t, 0, 0, 0, 0xffff, AR_REAL_CODE, AR_REAL_DATA);
        SET(t, GUEST_CS_SELECTOR, 0xf000);
        SET(t, GUEST_CS_BASE, 0xf0000);
        break;
    case BASE_V8086:
        start(t, "bochs-skylake-x");
        basic_controls(t, false);
        long64_guest(t);
        SET(t, GUEST_CR0, 0x80000031); /* PG, NE, ET, PE: 32-bit paging (FIXED0 needs PG) */
        SET(t, GUEST_CR3, 0);
        SET(t, GUEST_CR4, 0x2000);
        SET(t, GUEST_IA32_EFER, 0);
        SET(t, GUEST_RFLAGS, 0x20002);
        SET(t, GUEST_RIP, 0x100);
        set_segments(t, 0x1000, 0x1000, 0x10000, 0xffff, AR_V8086, AR_V8086);
        SET(t, GUEST_TR_LIMIT, 0x2067);
        break;
    default:
        fprintf(stderr, "baseline: unknown baseline %d\n", (int)b);
        abort();
    }
}
