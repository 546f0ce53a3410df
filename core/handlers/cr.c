/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Control-register access exits (SDM Vol. 3C "Exit Qualification for
 * Control-Register Accesses", Vol. 2 MOV CR / CLTS / LMSW, Vol. 3A
 * "Control Registers" and "Paging Modes"). The guest writes the value it
 * wants; the core checks it as the processor would (#GP(0) for a refused
 * value), keeps what the guest sees in the read shadow and loads the
 * processor's CR0/CR4 with the VMX fixed bits forced. A change of CR0.PG
 * with EFER.LME moves EFER.LMA and the "IA-32e mode guest" entry control;
 * under EPT, entering or changing PAE paging loads the PDPTEs into the
 * VMCS (#GP(0) if one has a reserved bit set).
 */
#include "handler_util.h"

#define CR0_PE (1ull << 0)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_WP (1ull << 16)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR0_DEFINED 0xe005003full /* PE MP EM TS ET NE WP AM NW CD PG */
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_PGE (1ull << 7)
#define CR4_LA57 (1ull << 12)
#define CR4_PCIDE (1ull << 17)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define CR4_PKE (1ull << 22)
#define CR4_CET (1ull << 23)
#define CR3_NOFLUSH (1ull << 63)
#define AR_L (1ull << 13)
#define ENTRY_IA32E_MODE (1ull << 9)
#define PDPTE_RESERVED 0x1e6ull /* bits 2:1 and 8:5 */

/* Outcomes besides VMM_OK and errors. */
enum { CR_FAULT = 1, CR_UNHANDLED = 2 };

/* The guest state the checks read. */
struct cr_state {
    struct vmm_vcpu *v;
    struct vmm_platform *p;
    uint64_t cr0, cr3, cr4; /* as the guest sees them */
    uint64_t efer;
    bool has_efer;          /* the GUEST_IA32_EFER field exists */
    bool is64, cs_l;
    uint64_t proc2;
    const char *why;        /* CR_UNHANDLED: static text */
};

static int load_state(struct cr_state *c)
{
    struct vmm_cpu *cpu = c->v->cpu;
    uint64_t cs_ar;
    int rc = visible_cr0(cpu, &c->cr0);
    if (rc == VMM_OK)
        rc = visible_cr4(cpu, &c->cr4);
    if (rc == VMM_OK)
        rc = vmm_vmread(cpu, VMCS_GUEST_CR3, &c->cr3);
    if (rc == VMM_OK)
        rc = vmm_vmread(cpu, VMCS_GUEST_CS_AR_BYTES, &cs_ar);
    if (rc == VMM_OK)
        rc = vmm_vcpu_in_64bit_mode(c->v, &c->is64);
    if (rc != VMM_OK)
        return rc;
    c->cs_l = cs_ar & AR_L;
    rc = vmm_vmread(cpu, VMCS_GUEST_IA32_EFER, &c->efer);
    c->has_efer = rc == VMM_OK;
    if (rc == VMM_E_NOENT) { /* no EFER field: no long mode to manage */
        c->efer = 0;
        rc = VMM_OK;
    }
    c->proc2 = secondary_controls(cpu);
    return rc;
}

static bool pae_paging(uint64_t cr0, uint64_t cr4, uint64_t efer)
{
    return (cr0 & CR0_PG) && (cr4 & CR4_PAE) && !(efer & VMM_EFER_LME);
}

static uint64_t le64(const uint8_t *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

/* Reads the four PDPTEs at CR3 as the processor loads them for PAE paging. */
static int read_pdptes(struct cr_state *c, uint64_t cr3, uint64_t pdpte[4])
{
    uint8_t raw[32];
    if (c->v->cpu->ops->gpa_read(c->v->cpu, cr3 & 0xffffffe0u, raw, sizeof raw) != VMM_OK)
        return CR_FAULT; /* no RAM there: reads as all ones, reserved bits set */
    uint8_t width = c->p->cr.phys_bits;
    uint64_t reserved = PDPTE_RESERVED | (width < 64 ? ~0ull << width : 0);
    for (int i = 0; i < 4; i++) {
        pdpte[i] = le64(raw + 8 * i);
        if ((pdpte[i] & 1) && (pdpte[i] & reserved))
            return CR_FAULT;
    }
    return VMM_OK;
}

/* Under EPT the VMCS holds the PDPTEs the guest's PAE paging uses. */
static int write_pdptes(struct cr_state *c, const uint64_t pdpte[4])
{
    static const enum vmcs_field_id fields[4] = {VMCS_GUEST_PDPTR0, VMCS_GUEST_PDPTR1,
                                                 VMCS_GUEST_PDPTR2, VMCS_GUEST_PDPTR3};
    if (!(c->proc2 & VMX_PROC2_ENABLE_EPT))
        return VMM_OK;
    for (int i = 0; i < 4; i++) {
        int rc = vmm_vmwrite(c->v->cpu, fields[i], pdpte[i]);
        if (rc != VMM_OK)
            return rc;
    }
    return VMM_OK;
}

/* The guest's TLB was not flushed by the intercepted write: with VPID, flush it. */
static int flush_guest_tlb(struct cr_state *c, enum vmx_invvpid_type type)
{
    if (!(c->proc2 & VMX_PROC2_ENABLE_VPID))
        return VMM_OK;
    uint64_t vpid;
    int rc = vmm_vmread(c->v->cpu, VMCS_VIRTUAL_PROCESSOR_ID, &vpid);
    if (rc != VMM_OK)
        return rc;
    const struct vmm_cpu_ops *ops = c->v->cpu->ops;
    if (ops->invvpid(c->v->cpu, type, (uint16_t)vpid, 0).outcome == VMX_SUCCEED ||
        ops->invvpid(c->v->cpu, VMX_INVVPID_SINGLE, (uint16_t)vpid, 0).outcome == VMX_SUCCEED ||
        ops->invvpid(c->v->cpu, VMX_INVVPID_ALL, 0, 0).outcome == VMX_SUCCEED)
        return VMM_OK;
    return VMM_E_STATE;
}

#define TRY(expr)          \
    do {                   \
        int rc_ = (expr);  \
        if (rc_ != VMM_OK) \
            return rc_;    \
    } while (0)

static int write_cr0(struct cr_state *c, uint64_t value)
{
    const struct vmm_cr_policy *pol = &c->p->cr;
    if (value >> 32)
        return CR_FAULT;
    /* Writes to reserved bits 31:0 are ignored; ET is hard-wired to 1. */
    uint64_t cr0 = (value & CR0_DEFINED) | CR0_ET, old = c->cr0;
    bool pg_on = !(old & CR0_PG) && (cr0 & CR0_PG);
    bool pg_off = (old & CR0_PG) && !(cr0 & CR0_PG);
    if ((cr0 & CR0_PG) && !(cr0 & CR0_PE))
        return CR_FAULT;
    if ((cr0 & CR0_NW) && !(cr0 & CR0_CD))
        return CR_FAULT;
    if (pg_on && (c->efer & VMM_EFER_LME) && (!(c->cr4 & CR4_PAE) || c->cs_l))
        return CR_FAULT;
    if (pg_off && (c->is64 || (c->cr4 & CR4_PCIDE)))
        return CR_FAULT;
    if (!(cr0 & CR0_WP) && (c->cr4 & CR4_CET))
        return CR_FAULT;

    uint64_t fixed0 = pol->cr0_fixed0;
    if (c->proc2 & VMX_PROC2_UNRESTRICTED_GUEST)
        fixed0 &= ~(CR0_PE | CR0_PG);
    if (fixed0 & (CR0_PE | CR0_PG) & ~cr0) {
        c->why = "leaving protected mode or paging needs unrestricted guest";
        return CR_UNHANDLED;
    }
    uint64_t pdpte[4];
    bool load = pae_paging(cr0, c->cr4, c->efer) && ((old ^ cr0) & (CR0_PG | CR0_CD | CR0_NW));
    if (load)
        TRY(read_pdptes(c, c->cr3, pdpte));

    uint64_t efer = c->efer;
    if (pg_on && (efer & VMM_EFER_LME))
        efer |= VMM_EFER_LMA;
    if (pg_off)
        efer &= ~VMM_EFER_LMA;
    struct vmm_cpu *cpu = c->v->cpu;
    TRY(vmm_vmwrite(cpu, VMCS_CR0_READ_SHADOW, cr0));
    TRY(vmm_vmwrite(cpu, VMCS_GUEST_CR0, (cr0 | fixed0) & pol->cr0_fixed1));
    if (efer != c->efer) {
        uint64_t entry;
        TRY(vmm_vmwrite(cpu, VMCS_GUEST_IA32_EFER, efer));
        TRY(vmm_vmread(cpu, VMCS_VM_ENTRY_CONTROLS, &entry));
        entry = (efer & VMM_EFER_LMA) ? entry | ENTRY_IA32E_MODE : entry & ~ENTRY_IA32E_MODE;
        TRY(vmm_vmwrite(cpu, VMCS_VM_ENTRY_CONTROLS, entry));
    }
    if (load)
        TRY(write_pdptes(c, pdpte));
    if ((old ^ cr0) & (CR0_PG | CR0_WP))
        TRY(flush_guest_tlb(c, VMX_INVVPID_SINGLE));
    return VMM_OK;
}

static int write_cr4(struct cr_state *c, uint64_t cr4)
{
    const struct vmm_cr_policy *pol = &c->p->cr;
    uint64_t old = c->cr4;
    bool lma = c->efer & VMM_EFER_LMA;
    if (cr4 & ~pol->cr4_allowed)
        return CR_FAULT;
    if (lma && (!(cr4 & CR4_PAE) || ((old ^ cr4) & CR4_LA57)))
        return CR_FAULT;
    if (!(old & CR4_PCIDE) && (cr4 & CR4_PCIDE) && (!lma || (c->cr3 & 0xfff)))
        return CR_FAULT;
    if ((cr4 & CR4_CET) && !(c->cr0 & CR0_WP))
        return CR_FAULT;
    uint64_t paging = CR4_PAE | CR4_PGE | CR4_PSE | CR4_SMEP | CR4_SMAP;
    uint64_t pdpte[4];
    bool load = pae_paging(c->cr0, cr4, c->efer) && ((old ^ cr4) & paging);
    if (load)
        TRY(read_pdptes(c, c->cr3, pdpte));
    TRY(vmm_vmwrite(c->v->cpu, VMCS_CR4_READ_SHADOW, cr4));
    TRY(vmm_vmwrite(c->v->cpu, VMCS_GUEST_CR4, (cr4 | pol->cr4_fixed0) & pol->cr4_fixed1));
    if (load)
        TRY(write_pdptes(c, pdpte));
    if ((old ^ cr4) & (paging | CR4_PCIDE | CR4_PKE))
        TRY(flush_guest_tlb(c, VMX_INVVPID_SINGLE));
    return VMM_OK;
}

static int write_cr3(struct cr_state *c, uint64_t cr3)
{
    bool noflush = false;
    if (c->efer & VMM_EFER_LMA) {
        if (c->cr4 & CR4_PCIDE) {
            noflush = cr3 & CR3_NOFLUSH;
            cr3 &= ~CR3_NOFLUSH;
        }
        if (c->p->cr.phys_bits < 64 && (cr3 >> c->p->cr.phys_bits))
            return CR_FAULT;
    }
    uint64_t pdpte[4];
    bool load = pae_paging(c->cr0, c->cr4, c->efer);
    if (load)
        TRY(read_pdptes(c, cr3, pdpte));
    TRY(vmm_vmwrite(c->v->cpu, VMCS_GUEST_CR3, cr3));
    if (load)
        TRY(write_pdptes(c, pdpte));
    if (!noflush)
        TRY(flush_guest_tlb(c, VMX_INVVPID_SINGLE_NONGLOBAL));
    return VMM_OK;
}

static int write_cr8(struct cr_state *c, uint64_t cr8)
{
    if (cr8 >> 4)
        return CR_FAULT;
    c->p->tpr = (uint8_t)cr8;
    return VMM_OK;
}

static int mov_to(struct cr_state *c, const struct vmx_qual_cr *q)
{
    uint64_t value;
    TRY(vmm_vcpu_get_gpr(c->v, q->gpr, &value));
    if (!c->is64)
        value &= 0xffffffffu;
    switch (q->cr) {
    case 0: return write_cr0(c, value);
    case 3: return write_cr3(c, value);
    case 4: return write_cr4(c, value);
    default: return write_cr8(c, value);
    }
}

static int mov_from(struct cr_state *c, const struct vmx_qual_cr *q)
{
    uint64_t value;
    switch (q->cr) {
    case 0: value = c->cr0; break;
    case 3: value = c->cr3; break;
    case 4: value = c->cr4; break;
    default: value = c->p->tpr; break;
    }
    return vmm_vcpu_set_gpr(c->v, q->gpr, c->is64 ? value : value & 0xffffffffu);
}

enum vmm_exit_action vmm_handle_cr_access(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    struct cr_state c = {.v = v, .p = ctx};
    struct vmx_qual_cr q;
    if (vmx_qual_cr_decode(e->qualification, &q) != VMM_OK)
        return vmm_vcpu_unhandled(v, "malformed control-register qualification");
    HTRY(v, load_state(&c), "reading the guest's control registers failed");
    int r;
    switch (q.access) {
    case VMX_CR_MOV_TO: r = mov_to(&c, &q); break;
    case VMX_CR_MOV_FROM: r = mov_from(&c, &q); break;
    case VMX_CR_CLTS: r = write_cr0(&c, c.cr0 & ~CR0_TS); break;
    default:
        /* LMSW loads PE, MP, EM, TS; it can set PE but not clear it. */
        r = write_cr0(&c, (c.cr0 & ~0xfull) | (q.lmsw_source & 0xfu) | (c.cr0 & CR0_PE));
        break;
    }
    if (r == CR_FAULT)
        return vmm_vcpu_raise(v, 13, 0);
    if (r == CR_UNHANDLED)
        return vmm_vcpu_unhandled(v, c.why);
    if (r != VMM_OK)
        return vmm_vcpu_fail(v, r, "updating a control register failed");
    return complete(v);
}
