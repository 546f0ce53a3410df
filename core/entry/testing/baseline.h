/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Valid VM-entry states for tests: each baseline is a VMCS, a capability
 * profile, the entry input and a small physical memory that pass every
 * check. Tests mutate one field and expect exactly one check to fail.
 */
#ifndef VMM_ENTRY_TESTING_BASELINE_H
#define VMM_ENTRY_TESTING_BASELINE_H

#include "vmm/entry.h"

enum baseline {
    BASE_LONG64,      /* 64-bit guest, flat segments, no EPT (bochs-skylake-x) */
    BASE_LONG64_FULL, /* 64-bit guest with every optional control on (modern) */
    BASE_PROT32_PAE,  /* 32-bit protected mode, PAE paging, PDPTEs from memory */
    BASE_REAL_URG,    /* real mode under "unrestricted guest" with EPT */
    BASE_V8086,       /* virtual-8086 guest (RFLAGS.VM = 1) */
    BASE_HLT,         /* 64-bit guest entering the HLT activity state */
    BASE_INJECT,      /* 64-bit guest with a #GP(0) injection pending */
    BASE_COUNT
};

const char *baseline_name(enum baseline b);

/* Physical memory the baselines' structures live in: [MEM_BASE, MEM_BASE + MEM_SIZE). */
#define TEST_MEM_BASE 0x100000ull
#define TEST_MEM_SIZE 0x40000ull

/* Where each structure of the baselines lives. */
enum {
    PA_IO_BITMAP_A = 0x100000,
    PA_IO_BITMAP_B = 0x101000,
    PA_MSR_BITMAP = 0x102000,
    PA_VIRTUAL_APIC = 0x103000,
    PA_APIC_ACCESS = 0x104000,
    PA_PI_DESC = 0x105000,
    PA_EPT_PML4 = 0x106000,
    PA_PML = 0x107000,
    PA_EPTP_LIST = 0x108000,
    PA_VMREAD_BITMAP = 0x109000,
    PA_VMWRITE_BITMAP = 0x10a000,
    PA_VE_INFO = 0x10b000,
    PA_ENTRY_MSR_LOAD = 0x10c000,
    PA_EXIT_MSR_STORE = 0x10d000,
    PA_EXIT_MSR_LOAD = 0x10e000,
    PA_SHADOW_VMCS = 0x10f000, /* the VMCS link pointer's target */
    PA_GUEST_PDPT = 0x110000,  /* guest CR3 of BASE_PROT32_PAE */
    PA_SPPT = 0x111000,
    PA_HLATP = 0x112000,
    PA_PID_TABLE = 0x113000,
    PA_CURRENT_VMCS = 0x114000,
    PA_VMXON = 0x115000,
    PA_ENCLS_BITMAP = 0x116000,
    PA_ENCLV_BITMAP = 0x117000,
    PA_PCONFIG_BITMAP = 0x118000,
};

struct test_entry {
    struct vmcs_image vmcs;
    struct vmx_caps caps;
    struct vmx_entry_input in; /* points at this struct's vmcs, caps, mem */
    uint8_t mem[TEST_MEM_SIZE];
};

/* Builds baseline b into *t (which may be uninitialised). */
void baseline_build(enum baseline b, struct test_entry *t);

/* Replaces the capabilities with a named profile's (re-parsed). */
void test_entry_use_profile(struct test_entry *t, const char *profile);

/* Little-endian stores into the test memory; false if out of range. */
bool test_mem_write32(struct test_entry *t, uint64_t pa, uint32_t v);
bool test_mem_write64(struct test_entry *t, uint64_t pa, uint64_t v);

/* Writes VM-entry MSR-load entry i (0-based) at PA_ENTRY_MSR_LOAD. */
void test_msr_entry(struct test_entry *t, unsigned i, uint32_t msr, uint32_t reserved,
                    uint64_t value);

#endif
