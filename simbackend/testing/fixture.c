/* SPDX-License-Identifier: Apache-2.0 */
/* Test fixture for the simulated backend. */
#include "fixture.h"

#include <string.h>

void fixture_create_cfg(struct fixture *f, const struct sim_config *cfg)
{
    *f = (struct fixture){0};
    assert_int_equal(sim_create(cfg, &f->sim), VMM_OK);
    f->cpu = sim_cpu(f->sim);
}

void fixture_create(struct fixture *f, const char *profile)
{
    struct sim_config cfg = sim_config_default();
    cfg.profile = profile;
    fixture_create_cfg(f, &cfg);
}

void fixture_destroy(struct fixture *f)
{
    sim_destroy(f->sim);
    f->sim = NULL;
}

uint32_t fixture_revision(const struct fixture *f)
{
    return sim_caps(f->sim)->revision_id;
}

struct vmm_host_page fixture_page(struct fixture *f, uint32_t header)
{
    struct vmm_host_page p;
    assert_int_equal(f->cpu->ops->alloc_page(f->cpu, &p), VMM_OK);
    for (int i = 0; i < 4; i++)
        ((uint8_t *)p.hva)[i] = (uint8_t)(header >> (8 * i));
    return p;
}

void fixture_vmxon(struct fixture *f)
{
    f->vmxon = fixture_page(f, fixture_revision(f));
    assert_vmx_ok(f->cpu->ops->vmxon(f->cpu, f->vmxon.hpa));
}

void fixture_load_vmcs(struct fixture *f)
{
    fixture_vmxon(f);
    f->vmcs = fixture_page(f, fixture_revision(f));
    assert_vmx_ok(f->cpu->ops->vmclear(f->cpu, f->vmcs.hpa));
    assert_vmx_ok(f->cpu->ops->vmptrld(f->cpu, f->vmcs.hpa));
}

uint64_t fixture_vmread(struct fixture *f, uint32_t encoding)
{
    uint64_t v = 0;
    assert_vmx_ok(f->cpu->ops->vmread(f->cpu, encoding, &v));
    return v;
}

void fixture_load_entry(struct fixture *f, const struct test_entry *t, const char *profile,
                        sim_execute_fn execute, void *execute_ctx)
{
    struct sim_config cfg = sim_config_default();
    cfg.profile = profile;
    cfg.host_mem_size = 4u << 20;
    cfg.guest_ram_size = TEST_MEM_BASE;
    cfg.execute = execute;
    cfg.execute_ctx = execute_ctx;
    fixture_create_cfg(f, &cfg);
    /* Take the pages the state lives in out of the pool (lowest first). */
    struct vmm_host_page p;
    do
        assert_int_equal(f->cpu->ops->alloc_page(f->cpu, &p), VMM_OK);
    while (p.hpa < TEST_MEM_BASE + TEST_MEM_SIZE - 4096);
    uint8_t *mem = sim_host_mem(f->sim);
    memcpy(mem + TEST_MEM_BASE, t->mem, TEST_MEM_SIZE);
    uint32_t rev = fixture_revision(f);
    memcpy(mem + PA_VMXON, &rev, 4);
    rev |= t->in.current_is_shadow ? 0x80000000u : 0;
    memcpy(mem + PA_CURRENT_VMCS, &rev, 4);
    f->vmxon = (struct vmm_host_page){.hpa = PA_VMXON, .hva = mem + PA_VMXON};
    assert_vmx_ok(f->cpu->ops->vmxon(f->cpu, PA_VMXON));
    if (t->in.vmcs) {
        f->vmcs = (struct vmm_host_page){.hpa = PA_CURRENT_VMCS, .hva = mem + PA_CURRENT_VMCS};
        assert_vmx_ok(f->cpu->ops->vmclear(f->cpu, PA_CURRENT_VMCS));
        assert_vmx_ok(f->cpu->ops->vmptrld(f->cpu, PA_CURRENT_VMCS));
        *sim_vmcs(f->sim) = *t->in.vmcs;
    }
    sim_set_mov_ss_blocking(f->sim, t->in.mov_ss_blocking);
}

/* A new member of struct vmx_caps must be compared below; the size usually says so. */
_Static_assert(sizeof(struct vmx_caps) == 472, "compare the new member in fixture_caps_equal");

bool fixture_caps_equal(const struct vmx_caps *a, const struct vmx_caps *b)
{
    bool same = memcmp(a->raw.msr, b->raw.msr, sizeof a->raw.msr) == 0 &&
                memcmp(a->ctl, b->ctl, sizeof a->ctl) == 0; /* no padding inside */
#define SAME(m) same = same && a->m == b->m
    SAME(raw.msr_present);
    SAME(raw.phys_addr_width);
    SAME(raw.linear_addr_width);
    SAME(raw.cpuid_features);
    SAME(revision_id);
    SAME(vmcs_size);
    SAME(addr_width_32);
    SAME(dual_monitor);
    SAME(vmcs_memory_type);
    SAME(ins_outs_info);
    SAME(true_ctls);
    SAME(no_errcode_check);
    SAME(preemption_timer_shift);
    SAME(exit_stores_lma);
    SAME(activity_states);
    SAME(pt_in_vmx);
    SAME(rdmsr_smbase_in_smm);
    SAME(cr3_target_count);
    SAME(max_msr_list);
    SAME(smm_monitor_ctl_b2);
    SAME(vmwrite_exit_info);
    SAME(zero_len_injection);
    SAME(mseg_revision);
    SAME(cr0_fixed0);
    SAME(cr0_fixed1);
    SAME(cr4_fixed0);
    SAME(cr4_fixed1);
    SAME(vmcs_max_index);
    SAME(ept_vpid_cap);
    SAME(phys_addr_width);
    SAME(linear_addr_width);
    SAME(cpuid_features);
#undef SAME
    return same;
}
