/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TEST DOUBLE: fixed capability values, host pages from the heap once
 * enabled; every other operation refuses.
 */
#include "cpu_test_double.h"

#include <stdlib.h>
#include <string.h>

static struct cpu_test_double *self(struct vmm_cpu *cpu)
{
    return (struct cpu_test_double *)cpu->backend;
}

static int read_cap_msr(struct vmm_cpu *cpu, uint32_t msr, uint64_t *value)
{
    struct cpu_test_double *td = self(cpu);
    if (td->fail_msr && (uint32_t)td->fail_msr == msr)
        return td->fail_rc;
    uint32_t i = msr - VMX_CAP_MSR_BASE;
    if (msr < VMX_CAP_MSR_BASE || i >= VMX_CAP_MSR_COUNT || !((td->raw.msr_present >> i) & 1))
        return VMM_E_NOENT;
    *value = td->raw.msr[i];
    return VMM_OK;
}

static int read_cpu_facts(struct vmm_cpu *cpu, struct vmx_raw_caps *raw)
{
    struct cpu_test_double *td = self(cpu);
    raw->phys_addr_width = td->raw.phys_addr_width;
    raw->linear_addr_width = td->raw.linear_addr_width;
    raw->cpuid_features = td->raw.cpuid_features;
    return VMM_OK;
}

/* Slot <-> frame: multiplication by an odd constant is a bijection mod 2^20. */
#define FRAME_BITS 20
#define FRAME_MASK ((1u << FRAME_BITS) - 1)
#define SCRAMBLE 0x9e3779b1u

static uint32_t odd_inverse(uint32_t a)
{
    uint32_t x = a; /* Newton's iteration doubles the correct low bits each step */
    for (int i = 0; i < 5; i++)
        x *= 2 - a * x;
    return x;
}

static vmm_hpa_t slot_hpa(size_t slot)
{
    uint32_t frame = ((uint32_t)slot * SCRAMBLE) & FRAME_MASK;
    return CPU_TEST_DOUBLE_HPA_BASE + ((vmm_hpa_t)frame << 12);
}

static bool hpa_slot(const struct cpu_test_double *td, vmm_hpa_t hpa, size_t *slot)
{
    if (hpa < CPU_TEST_DOUBLE_HPA_BASE || hpa >= CPU_TEST_DOUBLE_HPA_BASE + (1ull << 32))
        return false;
    uint32_t frame = (uint32_t)((hpa - CPU_TEST_DOUBLE_HPA_BASE) >> 12);
    size_t s = (frame * odd_inverse(SCRAMBLE)) & FRAME_MASK;
    if (s >= td->slots_used || !td->page_hva[s])
        return false;
    *slot = s;
    return true;
}

static int alloc_page(struct vmm_cpu *cpu, struct vmm_host_page *page)
{
    struct cpu_test_double *td = self(cpu);
    if (!td->page_hva)
        return VMM_E_UNSUPPORTED;
    if (td->allocs_until_fail && --td->allocs_until_fail == 0)
        return VMM_E_NOMEM;
    size_t slot;
    if (td->free_count)
        slot = td->free_slots[--td->free_count];
    else if (td->slots_used < td->page_slots)
        slot = td->slots_used++;
    else
        return VMM_E_NOMEM;
    void *hva = aligned_alloc(4096, 4096);
    if (!hva) {
        td->free_slots[td->free_count++] = slot;
        return VMM_E_NOMEM;
    }
    memset(hva, 0, 4096);
    td->page_hva[slot] = hva;
    td->pages_live++;
    page->hpa = slot_hpa(slot);
    page->hva = hva;
    return VMM_OK;
}

static int free_page(struct vmm_cpu *cpu, vmm_hpa_t hpa)
{
    struct cpu_test_double *td = self(cpu);
    size_t slot;
    if (!td->page_hva || (hpa & 0xfff) || !hpa_slot(td, hpa, &slot))
        return VMM_E_INVAL;
    free(td->page_hva[slot]);
    td->page_hva[slot] = NULL;
    td->free_slots[td->free_count++] = slot;
    td->pages_live--;
    return VMM_OK;
}

int cpu_test_double_enable_pages(struct cpu_test_double *td, size_t max_pages)
{
    if (td->page_hva || max_pages == 0 || max_pages > CPU_TEST_DOUBLE_MAX_PAGES)
        return VMM_E_INVAL;
    td->page_hva = calloc(max_pages, sizeof *td->page_hva);
    td->free_slots = calloc(max_pages, sizeof *td->free_slots);
    if (!td->page_hva || !td->free_slots) {
        cpu_test_double_fini(td);
        return VMM_E_NOMEM;
    }
    td->page_slots = max_pages;
    return VMM_OK;
}

void *cpu_test_double_hva(const struct cpu_test_double *td, vmm_hpa_t hpa)
{
    size_t slot;
    if (!td->page_hva || !hpa_slot(td, hpa, &slot))
        return NULL;
    return (char *)td->page_hva[slot] + (hpa & 0xfff);
}

void cpu_test_double_fini(struct cpu_test_double *td)
{
    for (size_t i = 0; td->page_hva && i < td->slots_used; i++)
        free(td->page_hva[i]);
    free(td->page_hva);
    free(td->free_slots);
    td->page_hva = NULL;
    td->free_slots = NULL;
    td->page_slots = td->slots_used = td->free_count = td->pages_live = 0;
}

static const struct vmx_status not_in_vmx = {VMX_FAULT_UD, 0};

static struct vmx_status refuse_addr(struct vmm_cpu *cpu, vmm_hpa_t a)
{
    (void)cpu, (void)a;
    return not_in_vmx;
}

static struct vmx_status refuse_none(struct vmm_cpu *cpu)
{
    (void)cpu;
    return not_in_vmx;
}

static struct vmx_status refuse_ptrst(struct vmm_cpu *cpu, vmm_hpa_t *a)
{
    (void)cpu, (void)a;
    return not_in_vmx;
}

static struct vmx_status refuse_read(struct vmm_cpu *cpu, uint32_t enc, uint64_t *v)
{
    (void)cpu, (void)enc, (void)v;
    return not_in_vmx;
}

static struct vmx_status refuse_write(struct vmm_cpu *cpu, uint32_t enc, uint64_t v)
{
    (void)cpu, (void)enc, (void)v;
    return not_in_vmx;
}

static struct vmx_status refuse_enter(struct vmm_cpu *cpu, enum vmm_entry_kind k,
                                      struct vmm_guest_gprs *g)
{
    (void)cpu, (void)k, (void)g;
    return not_in_vmx;
}

static struct vmx_status refuse_invept(struct vmm_cpu *cpu, enum vmx_invept_type t, uint64_t e)
{
    (void)cpu, (void)t, (void)e;
    return not_in_vmx;
}

static struct vmx_status refuse_invvpid(struct vmm_cpu *cpu, enum vmx_invvpid_type t,
                                        uint16_t vpid, vmm_gva_t gla)
{
    (void)cpu, (void)t, (void)vpid, (void)gla;
    return not_in_vmx;
}

static int refuse_gpa_read(struct vmm_cpu *cpu, vmm_gpa_t gpa, void *buf, size_t len)
{
    (void)cpu, (void)gpa, (void)buf, (void)len;
    return VMM_E_RANGE;
}

static int refuse_gpa_write(struct vmm_cpu *cpu, vmm_gpa_t gpa, const void *buf, size_t len)
{
    (void)cpu, (void)gpa, (void)buf, (void)len;
    return VMM_E_RANGE;
}

static const struct vmm_cpu_ops test_double_ops = {
    .read_cap_msr = read_cap_msr,
    .read_cpu_facts = read_cpu_facts,
    .alloc_page = alloc_page,
    .free_page = free_page,
    .vmxon = refuse_addr,
    .vmxoff = refuse_none,
    .vmclear = refuse_addr,
    .vmptrld = refuse_addr,
    .vmptrst = refuse_ptrst,
    .vmread = refuse_read,
    .vmwrite = refuse_write,
    .enter_guest = refuse_enter,
    .invept = refuse_invept,
    .invvpid = refuse_invvpid,
    .gpa_read = refuse_gpa_read,
    .gpa_write = refuse_gpa_write,
};

void cpu_test_double_init(struct cpu_test_double *td, const struct vmx_raw_caps *raw)
{
    *td = (struct cpu_test_double){.raw = *raw};
    td->cpu.ops = &test_double_ops;
    td->cpu.backend = td;
}
