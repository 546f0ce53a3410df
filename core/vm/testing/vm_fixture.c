/* SPDX-License-Identifier: Apache-2.0 */
#include "vm_fixture.h"

#include <stdio.h>
#include <stdlib.h>

#include "vmm/textbuf.h"
#include "vmm/vmcs_access.h"

static struct vmfix *fix_of(struct vmm_cpu *cpu)
{
    return cpu->backend;
}

static int counted_alloc(struct vmm_cpu *cpu, struct vmm_host_page *page)
{
    struct vmfix *f = fix_of(cpu);
    if (f->fail_alloc_at > 0 && --f->fail_alloc_at == 0)
        return VMM_E_NOMEM;
    int rc = f->inner->ops->alloc_page(f->inner, page);
    f->allocs += rc == VMM_OK;
    return rc;
}

static int counted_free(struct vmm_cpu *cpu, vmm_hpa_t hpa)
{
    struct vmfix *f = fix_of(cpu);
    int rc = f->inner->ops->free_page(f->inner, hpa);
    f->frees += rc == VMM_OK;
    return rc;
}

/* Every other operation goes to the sim unchanged. */
#define INNER(cpu) (fix_of(cpu)->inner)

static int fwd_read_cap_msr(struct vmm_cpu *c, uint32_t msr, uint64_t *v)
{
    return INNER(c)->ops->read_cap_msr(INNER(c), msr, v);
}
static int fwd_read_cpu_facts(struct vmm_cpu *c, struct vmx_raw_caps *raw)
{
    return INNER(c)->ops->read_cpu_facts(INNER(c), raw);
}
static struct vmx_status fwd_vmxon(struct vmm_cpu *c, vmm_hpa_t r)
{
    return INNER(c)->ops->vmxon(INNER(c), r);
}
static struct vmx_status fwd_vmxoff(struct vmm_cpu *c)
{
    return INNER(c)->ops->vmxoff(INNER(c));
}
static struct vmx_status fwd_vmclear(struct vmm_cpu *c, vmm_hpa_t v)
{
    return INNER(c)->ops->vmclear(INNER(c), v);
}
static struct vmx_status fwd_vmptrld(struct vmm_cpu *c, vmm_hpa_t v)
{
    return INNER(c)->ops->vmptrld(INNER(c), v);
}
static struct vmx_status fwd_vmptrst(struct vmm_cpu *c, vmm_hpa_t *v)
{
    return INNER(c)->ops->vmptrst(INNER(c), v);
}
static struct vmx_status fwd_vmread(struct vmm_cpu *c, uint32_t e, uint64_t *v)
{
    return INNER(c)->ops->vmread(INNER(c), e, v);
}
static struct vmx_status fwd_vmwrite(struct vmm_cpu *c, uint32_t e, uint64_t v)
{
    return INNER(c)->ops->vmwrite(INNER(c), e, v);
}
static struct vmx_status fwd_enter(struct vmm_cpu *c, enum vmm_entry_kind k,
                                   struct vmm_guest_gprs *g)
{
    return INNER(c)->ops->enter_guest(INNER(c), k, g);
}
static struct vmx_status fwd_invept(struct vmm_cpu *c, enum vmx_invept_type t, uint64_t eptp)
{
    return INNER(c)->ops->invept(INNER(c), t, eptp);
}
static struct vmx_status fwd_invvpid(struct vmm_cpu *c, enum vmx_invvpid_type t, uint16_t vpid,
                                     vmm_gva_t gla)
{
    return INNER(c)->ops->invvpid(INNER(c), t, vpid, gla);
}
static int fwd_gpa_read(struct vmm_cpu *c, vmm_gpa_t gpa, void *buf, size_t len)
{
    return INNER(c)->ops->gpa_read(INNER(c), gpa, buf, len);
}
static int fwd_gpa_write(struct vmm_cpu *c, vmm_gpa_t gpa, const void *buf, size_t len)
{
    return INNER(c)->ops->gpa_write(INNER(c), gpa, buf, len);
}

static const struct vmm_cpu_ops counting_ops = {
    .read_cap_msr = fwd_read_cap_msr,
    .read_cpu_facts = fwd_read_cpu_facts,
    .alloc_page = counted_alloc,
    .free_page = counted_free,
    .vmxon = fwd_vmxon,
    .vmxoff = fwd_vmxoff,
    .vmclear = fwd_vmclear,
    .vmptrld = fwd_vmptrld,
    .vmptrst = fwd_vmptrst,
    .vmread = fwd_vmread,
    .vmwrite = fwd_vmwrite,
    .enter_guest = fwd_enter,
    .invept = fwd_invept,
    .invvpid = fwd_invvpid,
    .gpa_read = fwd_gpa_read,
    .gpa_write = fwd_gpa_write,
};

struct vmfix *vmfix_new_at(const char *profile, bool use_ept, vmm_gpa_t ram_gpa)
{
    struct vmfix *f = calloc(1, sizeof *f);
    assert_non_null(f);
    struct sim_config sc = sim_config_default();
    sc.profile = profile;
    sc.host_mem_size = 64ull << 20;
    sc.guest_ram_size = 16ull << 20;
    sc.guest_ram_gpa = ram_gpa;
    assert_int_equal(sim_create(&sc, &f->sim), VMM_OK);
    f->inner = sim_cpu(f->sim);
    f->ops = counting_ops;
    f->cpu = (struct vmm_cpu){.ops = &f->ops, .backend = f};
    f->caps = *sim_caps(f->sim);
    struct sim_guest_ram ram = sim_guest_ram(f->sim);
    f->cfg = (struct vmm_vm_config){
        .ram_gpa = ram.gpa,
        .ram_hpa = ram.hpa,
        .ram_size = ram.size,
        .entry = ram.gpa + 0x1000,
        .rsp = ram.gpa + 0x80000,
        .use_ept = use_ept,
    };
    return f;
}

struct vmfix *vmfix_new(const char *profile, bool use_ept)
{
    return vmfix_new_at(profile, use_ept, 0);
}

void vmfix_free(struct vmfix *f, bool created)
{
    if (created)
        assert_int_equal(vmm_vm_destroy(&f->vm), VMM_OK);
    sim_destroy(f->sim);
    free(f);
}

const char *vmfix_error_text(struct vmfix *f)
{
    static char buf[1024];
    struct vmm_textbuf tb;
    tb_init(&tb, buf, sizeof buf);
    vmm_vm_error_describe(&f->err, &tb);
    return buf;
}

int vmfix_create(struct vmfix *f)
{
    int rc = vmm_vm_create(&f->vm, &f->cpu, &f->caps, &f->cfg, &f->err);
    if (rc != VMM_OK)
        fprintf(stderr, "vmm_vm_create: %s\n", vmfix_error_text(f));
    return rc;
}

uint64_t vmfix_vmread(struct vmfix *f, enum vmcs_field_id id)
{
    uint64_t v = 0;
    assert_int_equal(vmm_vmread(f->inner, id, &v), VMM_OK);
    return v;
}

void vmfix_gpa_read(struct vmfix *f, vmm_gpa_t gpa, void *buf, size_t len)
{
    assert_int_equal(f->inner->ops->gpa_read(f->inner, gpa, buf, len), VMM_OK);
}
