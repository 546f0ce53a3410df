/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TEST DOUBLE extension: an in-memory current VMCS, guest RAM and scripted
 * VM exits. Operations it does not model go to the double's own table.
 */
#include "cpu_test_double_vmx.h"

#include <string.h>

static struct cpu_td_vmx *vmx_of(struct vmm_cpu *cpu)
{
    return ((struct cpu_test_double *)cpu->backend)->vmx;
}

static const struct vmx_status ok = {VMX_SUCCEED, 0};

static struct vmx_status fail_valid(uint32_t error)
{
    return (struct vmx_status){VMX_FAIL_VALID, error};
}

static int read_cap_msr(struct vmm_cpu *cpu, uint32_t msr, uint64_t *value)
{
    return vmx_of(cpu)->base_ops->read_cap_msr(cpu, msr, value);
}

static int read_cpu_facts(struct vmm_cpu *cpu, struct vmx_raw_caps *raw)
{
    return vmx_of(cpu)->base_ops->read_cpu_facts(cpu, raw);
}

static int alloc_page(struct vmm_cpu *cpu, struct vmm_host_page *page)
{
    return vmx_of(cpu)->base_ops->alloc_page(cpu, page);
}

static int free_page(struct vmm_cpu *cpu, vmm_hpa_t hpa)
{
    return vmx_of(cpu)->base_ops->free_page(cpu, hpa);
}

static struct vmx_status vmxon(struct vmm_cpu *cpu, vmm_hpa_t region)
{
    (void)cpu, (void)region;
    return fail_valid(VMXERR_VMXON_IN_ROOT); /* already in VMX operation */
}

static struct vmx_status vmxoff(struct vmm_cpu *cpu)
{
    (void)cpu;
    return ok;
}

static struct vmx_status vmclear(struct vmm_cpu *cpu, vmm_hpa_t vmcs)
{
    (void)vmcs;
    vmx_of(cpu)->launched = false;
    return ok;
}

static struct vmx_status vmptrld(struct vmm_cpu *cpu, vmm_hpa_t vmcs)
{
    (void)cpu, (void)vmcs;
    return ok;
}

static struct vmx_status vmptrst(struct vmm_cpu *cpu, vmm_hpa_t *vmcs)
{
    (void)cpu;
    *vmcs = CPU_TEST_DOUBLE_HPA_BASE;
    return ok;
}

static bool known(struct cpu_td_vmx *x, uint32_t enc, enum vmcs_field_id *id)
{
    bool high;
    return vmcs_field_lookup(enc, id, &high) == VMM_OK && *id != x->missing;
}

static struct vmx_status vmread(struct vmm_cpu *cpu, uint32_t enc, uint64_t *value)
{
    struct cpu_td_vmx *x = vmx_of(cpu);
    enum vmcs_field_id id;
    if (!known(x, enc, &id))
        return fail_valid(VMXERR_UNSUPPORTED_FIELD);
    vmcs_image_read(&x->vmcs, enc, value);
    return ok;
}

static struct vmx_status vmwrite(struct vmm_cpu *cpu, uint32_t enc, uint64_t value)
{
    struct cpu_td_vmx *x = vmx_of(cpu);
    enum vmcs_field_id id;
    if (!known(x, enc, &id))
        return fail_valid(VMXERR_UNSUPPORTED_FIELD);
    if (vmcs_field_table[id].type == VMCS_EXIT_INFO)
        return fail_valid(VMXERR_VMWRITE_READ_ONLY);
    vmcs_image_write(&x->vmcs, enc, value);
    return ok;
}

static void log_entry(struct cpu_td_vmx *x, enum vmm_entry_kind kind,
                      const struct vmm_guest_gprs *gprs)
{
    if (x->nentries >= CPU_TD_MAX_ENTRIES)
        return;
    x->entries[x->nentries++] = (struct cpu_td_entry){
        .kind = kind,
        .injected = (uint32_t)vmcs_get(&x->vmcs, VMCS_VM_ENTRY_INTR_INFO_FIELD),
        .injected_error = (uint32_t)vmcs_get(&x->vmcs, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE),
        .injected_len = (uint32_t)vmcs_get(&x->vmcs, VMCS_VM_ENTRY_INSTRUCTION_LEN),
        .rip = vmcs_get(&x->vmcs, VMCS_GUEST_RIP),
        .gprs = *gprs,
    };
}

static struct vmx_status enter_guest(struct vmm_cpu *cpu, enum vmm_entry_kind kind,
                                     struct vmm_guest_gprs *gprs)
{
    struct cpu_td_vmx *x = vmx_of(cpu);
    log_entry(x, kind, gprs);
    if (kind == VMM_LAUNCH && x->launched)
        return fail_valid(VMXERR_VMLAUNCH_NONCLEAR);
    if (kind == VMM_RESUME && !x->launched)
        return fail_valid(VMXERR_VMRESUME_NONLAUNCHED);
    if (x->next_exit >= x->nexits)
        return (struct vmx_status){VMX_FAIL_INVALID, 0}; /* the script has ended */
    const struct cpu_td_exit *e = &x->exits[x->next_exit++];
    if (e->status.outcome != VMX_SUCCEED)
        return e->status;
    /* A VM exit: the injected event is consumed, the exit fields appear. */
    uint64_t inj = vmcs_get(&x->vmcs, VMCS_VM_ENTRY_INTR_INFO_FIELD);
    vmcs_set(&x->vmcs, VMCS_VM_ENTRY_INTR_INFO_FIELD, inj & ~(1ull << 31));
    for (unsigned i = 0; i < e->nfields; i++)
        vmcs_set(&x->vmcs, e->field[i].id, e->field[i].value);
    if (e->set_gprs)
        *gprs = e->gprs;
    if (!(vmcs_get(&x->vmcs, VMCS_VM_EXIT_REASON) & (1ull << 31)))
        x->launched = true;
    return ok;
}

static struct vmx_status invept(struct vmm_cpu *cpu, enum vmx_invept_type t, uint64_t eptp)
{
    (void)cpu, (void)t, (void)eptp;
    return ok;
}

static struct vmx_status invvpid(struct vmm_cpu *cpu, enum vmx_invvpid_type t, uint16_t vpid,
                                 vmm_gva_t gla)
{
    struct cpu_td_vmx *x = vmx_of(cpu);
    if ((unsigned)t > 3 || ((x->invvpid_refuse_types >> t) & 1))
        return fail_valid(VMXERR_INVALID_INVEPT_INVVPID_OPERAND);
    if (x->ninvvpid < CPU_TD_MAX_INVVPID)
        x->invvpid[x->ninvvpid++] = (struct cpu_td_invvpid){t, vpid, gla};
    return ok;
}

static bool in_ram(const struct cpu_td_vmx *x, vmm_gpa_t gpa, size_t len)
{
    return x->ram && gpa <= x->ram_size && len <= x->ram_size - gpa;
}

static int gpa_read(struct vmm_cpu *cpu, vmm_gpa_t gpa, void *buf, size_t len)
{
    struct cpu_td_vmx *x = vmx_of(cpu);
    if (!in_ram(x, gpa, len))
        return VMM_E_RANGE;
    memcpy(buf, x->ram + gpa, len);
    return VMM_OK;
}

static int gpa_write(struct vmm_cpu *cpu, vmm_gpa_t gpa, const void *buf, size_t len)
{
    struct cpu_td_vmx *x = vmx_of(cpu);
    if (!in_ram(x, gpa, len))
        return VMM_E_RANGE;
    memcpy(x->ram + gpa, buf, len);
    return VMM_OK;
}

static const struct vmm_cpu_ops vmx_ops = {
    .read_cap_msr = read_cap_msr,
    .read_cpu_facts = read_cpu_facts,
    .alloc_page = alloc_page,
    .free_page = free_page,
    .vmxon = vmxon,
    .vmxoff = vmxoff,
    .vmclear = vmclear,
    .vmptrld = vmptrld,
    .vmptrst = vmptrst,
    .vmread = vmread,
    .vmwrite = vmwrite,
    .enter_guest = enter_guest,
    .invept = invept,
    .invvpid = invvpid,
    .gpa_read = gpa_read,
    .gpa_write = gpa_write,
};

void cpu_test_double_enable_vmx(struct cpu_test_double *td, struct cpu_td_vmx *vmx,
                                uint8_t *ram, size_t ram_size)
{
    const struct vmm_cpu_ops *base = td->cpu.ops == &vmx_ops ? td->vmx->base_ops : td->cpu.ops;
    memset(vmx, 0, sizeof *vmx);
    vmx->base_ops = base;
    vmx->ram = ram;
    vmx->ram_size = ram ? ram_size : 0;
    vmx->missing = VMCS_NO_FIELD;
    td->vmx = vmx;
    td->cpu.ops = &vmx_ops;
}

static struct cpu_td_exit *queue(struct cpu_test_double *td)
{
    struct cpu_td_vmx *x = td->vmx;
    if (!x || x->nexits >= CPU_TD_MAX_EXITS)
        return NULL;
    struct cpu_td_exit *e = &x->exits[x->nexits++];
    memset(e, 0, sizeof *e);
    return e;
}

void cpu_td_exit_set(struct cpu_td_exit *e, enum vmcs_field_id id, uint64_t value)
{
    if (e && e->nfields < CPU_TD_EXIT_FIELDS)
        e->field[e->nfields++] = (struct cpu_td_field){id, value};
}

struct cpu_td_exit *cpu_td_queue_exit(struct cpu_test_double *td, uint32_t reason,
                                      uint64_t qualification, uint32_t instr_len)
{
    struct cpu_td_exit *e = queue(td);
    cpu_td_exit_set(e, VMCS_VM_EXIT_REASON, reason);
    cpu_td_exit_set(e, VMCS_EXIT_QUALIFICATION, qualification);
    cpu_td_exit_set(e, VMCS_VM_EXIT_INSTRUCTION_LEN, instr_len);
    /* Event fields are rewritten by every exit: start them invalid. */
    cpu_td_exit_set(e, VMCS_IDT_VECTORING_INFO_FIELD, 0);
    cpu_td_exit_set(e, VMCS_VM_EXIT_INTR_INFO, 0);
    return e;
}

struct cpu_td_exit *cpu_td_queue_vmfail(struct cpu_test_double *td, enum vmx_outcome outcome,
                                        uint32_t error)
{
    struct cpu_td_exit *e = queue(td);
    if (e)
        e->status = (struct vmx_status){outcome, outcome == VMX_FAIL_VALID ? error : 0};
    return e;
}

uint64_t cpu_td_vmcs(const struct cpu_test_double *td, enum vmcs_field_id id)
{
    return vmcs_get(&td->vmx->vmcs, id);
}

void cpu_td_set_vmcs(struct cpu_test_double *td, enum vmcs_field_id id, uint64_t value)
{
    vmcs_set(&td->vmx->vmcs, id, value);
}
