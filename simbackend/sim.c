/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A sim's life cycle: configuration checks, creation, the seam's table of
 * operations, the capability reads and the accessors of sim.h.
 */
#include <stdlib.h>

#include "sim_internal.h"

struct sim_config sim_config_default(void)
{
    return (struct sim_config){
        .profile = "modern",
        .host_mem_size = 64ull << 20,
        .guest_ram_size = 16ull << 20,
        .guest_ram_gpa = 0,
    };
}

static bool page_multiple(uint64_t v)
{
    return (v & SIM_PAGE_MASK) == 0;
}

static int check_config(const struct sim_config *cfg, const struct vmx_caps *caps)
{
    if (sim_vmcs_region_size() > caps->vmcs_size)
        return VMM_E_UNSUPPORTED;
    if (cfg->host_mem_size == 0 || !page_multiple(cfg->host_mem_size) ||
        cfg->host_mem_size > SIZE_MAX)
        return VMM_E_INVAL;
    /* alloc_page hands out pages below the width VMX checks addresses against. */
    if (cfg->host_mem_size > (1ull << caps->phys_addr_width))
        return VMM_E_INVAL;
    if (!page_multiple(cfg->guest_ram_size) || !page_multiple(cfg->guest_ram_gpa))
        return VMM_E_INVAL;
    /* Page 0 is never allocated; at least one page must remain allocatable. */
    uint64_t reserved = cfg->guest_ram_size ? cfg->guest_ram_size : SIM_PAGE_SIZE;
    if (reserved >= cfg->host_mem_size)
        return VMM_E_INVAL;
    uint64_t gpa_limit = 1ull << caps->raw.phys_addr_width;
    if (cfg->guest_ram_gpa > gpa_limit || cfg->guest_ram_size > gpa_limit - cfg->guest_ram_gpa)
        return VMM_E_INVAL;
    return VMM_OK;
}

/* ---- capabilities ---- */

static int sim_read_cap_msr(struct vmm_cpu *cpu, uint32_t msr, uint64_t *value)
{
    const struct sim *s = sim_of(cpu);
    uint32_t i = msr - VMX_CAP_MSR_BASE;
    if (!value)
        return VMM_E_INVAL;
    if (msr < VMX_CAP_MSR_BASE || i >= VMX_CAP_MSR_COUNT || !(s->caps.raw.msr_present & (1u << i)))
        return VMM_E_NOENT;
    *value = s->caps.raw.msr[i];
    return VMM_OK;
}

static int sim_read_cpu_facts(struct vmm_cpu *cpu, struct vmx_raw_caps *raw)
{
    const struct sim *s = sim_of(cpu);
    if (!raw)
        return VMM_E_INVAL;
    raw->phys_addr_width = s->caps.raw.phys_addr_width;
    raw->linear_addr_width = s->caps.raw.linear_addr_width;
    raw->cpuid_features = s->caps.raw.cpuid_features;
    return VMM_OK;
}

static const struct vmm_cpu_ops sim_ops = {
    .read_cap_msr = sim_read_cap_msr,
    .read_cpu_facts = sim_read_cpu_facts,
    .alloc_page = sim_alloc_page,
    .free_page = sim_free_page,
    .vmxon = sim_vmxon,
    .vmxoff = sim_vmxoff,
    .vmclear = sim_vmclear,
    .vmptrld = sim_vmptrld,
    .vmptrst = sim_vmptrst,
    .vmread = sim_vmread,
    .vmwrite = sim_vmwrite,
    .enter_guest = sim_enter_guest,
    .invept = sim_invept,
    .invvpid = sim_invvpid,
    .gpa_read = sim_gpa_read,
    .gpa_write = sim_gpa_write,
};

/* ---- life cycle ---- */

int sim_create(const struct sim_config *cfg, struct sim **out)
{
    if (!cfg || !out || !cfg->profile)
        return VMM_E_INVAL;
    const struct vmx_profile *profile = vmx_profile_find(cfg->profile);
    if (!profile)
        return VMM_E_NOENT;
    struct vmx_caps caps;
    if (vmx_caps_parse(profile->raw, &caps, NULL) != VMM_OK)
        return VMM_E_INVAL;
    int rc = check_config(cfg, &caps);
    if (rc != VMM_OK)
        return rc;

    struct sim *s = calloc(1, sizeof *s);
    if (!s)
        return VMM_E_NOMEM;
    s->cpu = (struct vmm_cpu){.ops = &sim_ops, .backend = s};
    s->caps = caps;
    s->feature_control = cfg->feature_control;
    s->current = SIM_NO_VMCS;
    s->vmxon_ptr = SIM_NO_VMCS;
    s->execute = cfg->execute;
    s->execute_ctx = cfg->execute_ctx;
    s->last_entry = (struct vmx_entry_verdict){.outcome = VMX_ENTRY_OK, .check = VMX_CHECK_COUNT};
    rc = sim_hostmem_init(s, cfg);
    if (rc != VMM_OK) {
        free(s);
        return rc;
    }
    *out = s;
    return VMM_OK;
}

void sim_destroy(struct sim *s)
{
    if (!s)
        return;
    sim_hostmem_fini(s);
    free(s);
}

/* ---- shared by the instructions ---- */

struct vmx_status sim_vmfail(struct sim *s, enum vmx_insn_error error)
{
    if (s->current == SIM_NO_VMCS)
        return vmx_status(VMX_FAIL_INVALID, 0);
    vmcs_set(&s->vmcs, VMCS_VM_INSTRUCTION_ERROR, error);
    return vmx_status(VMX_FAIL_VALID, error);
}

bool sim_vmx_addr_valid(const struct sim *s, uint64_t addr)
{
    return (addr & SIM_PAGE_MASK) == 0 && (addr >> s->caps.phys_addr_width) == 0;
}

/* ---- accessors ---- */

struct vmm_cpu *sim_cpu(struct sim *s)
{
    return &s->cpu;
}

const struct vmx_caps *sim_caps(const struct sim *s)
{
    return &s->caps;
}

uint8_t *sim_host_mem(struct sim *s)
{
    return s->mem;
}

uint64_t sim_host_mem_size(const struct sim *s)
{
    return s->mem_size;
}

struct sim_guest_ram sim_guest_ram(const struct sim *s)
{
    return s->ram;
}

struct vmcs_image *sim_vmcs(struct sim *s)
{
    return s->current == SIM_NO_VMCS ? NULL : &s->vmcs;
}

bool sim_vmcs_launched(const struct sim *s)
{
    return s->current != SIM_NO_VMCS && s->current_launched;
}

const struct vmx_entry_verdict *sim_last_entry(const struct sim *s)
{
    return &s->last_entry;
}

void sim_set_mov_ss_blocking(struct sim *s, bool blocked)
{
    s->mov_ss_blocking = blocked;
}

void sim_set_executor(struct sim *s, sim_execute_fn fn, void *ctx)
{
    s->execute = fn;
    s->execute_ctx = fn ? ctx : NULL;
}

sim_execute_fn sim_executor(const struct sim *s)
{
    return s->execute;
}

void sim_note_host_write(struct sim *s)
{
    s->stale_all = true;
    s->written_anywhere = true;
}

void sim_note_host_write_at(struct sim *s, vmm_hpa_t hpa, uint64_t len)
{
    sim_mark_written(s, hpa, len);
    sim_mark_stale(s, hpa, len);
}

uint64_t sim_feature_control(const struct sim *s)
{
    return s->feature_control;
}

struct sim_invalidations sim_invalidations(const struct sim *s)
{
    return s->invalidations;
}
