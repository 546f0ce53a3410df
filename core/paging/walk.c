/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest page walk: linear to guest-physical, top-down through the
 * caller's accessor, then the rights check, then the accessed/dirty flags.
 */
#include "paging_internal.h"

#define MAX_LEVELS 5

enum paging_mode paging_mode_of(const struct paging_state *s)
{
    if (!(s->cr0 & PG_CR0_PG))
        return PAGING_OFF;
    if (!(s->cr4 & PG_CR4_PAE))
        return PAGING_32BIT;
    if (!(s->efer & PG_EFER_LMA))
        return PAGING_PAE;
    return (s->cr4 & PG_CR4_LA57) ? PAGING_5LEVEL : PAGING_4LEVEL;
}

static bool valid_access(unsigned access)
{
    const unsigned known = PAGING_ACCESS_WRITE | PAGING_ACCESS_USER | PAGING_ACCESS_FETCH |
                           PAGING_ACCESS_IMPLICIT;
    if (access & ~known)
        return false;
    if ((access & PAGING_ACCESS_FETCH) && (access & PAGING_ACCESS_WRITE))
        return false;
    if ((access & PAGING_ACCESS_IMPLICIT) &&
        (access & (PAGING_ACCESS_USER | PAGING_ACCESS_FETCH)))
        return false;
    return true;
}

/* Canonical (sign-extended from the top implemented bit), or below 4 GiB. */
static bool address_ok(vmm_gva_t gva, unsigned linear_bits)
{
    if (linear_bits == 32)
        return (gva >> 32) == 0;
    int64_t shifted = (int64_t)(gva << (64 - linear_bits));
    return (vmm_gva_t)(shifted >> (64 - linear_bits)) == gva;
}

static int mem_failed(struct paging_result *r, vmm_gpa_t gpa, int status, bool write)
{
    r->outcome = PAGING_MEM_FAILED;
    r->entry_gpa = gpa;
    r->mem_status = status;
    r->mem_write = write;
    return VMM_OK;
}

static int page_fault(struct paging_result *r, uint32_t error_code)
{
    r->outcome = PAGING_PAGE_FAULT;
    r->error_code = error_code;
    return VMM_OK;
}

/* Sets A on every entry read from memory and D on the leaf for a write. */
static int update_flags(const struct paging_mem *mem, const struct paging_geometry *g,
                        const uint64_t *entry, const vmm_gpa_t *addr, const bool *in_memory,
                        unsigned leaf, bool write, struct paging_result *r)
{
    for (unsigned level = g->levels; level >= leaf; level--) {
        if (!in_memory[level - 1])
            continue;
        uint64_t want = entry[level - 1] | GPTE_A;
        if (level == leaf && write)
            want |= GPTE_D;
        if (want == entry[level - 1])
            continue;
        int rc = mem->write(mem->ctx, addr[level - 1], g->entry_bytes, want);
        if (rc)
            return mem_failed(r, addr[level - 1], rc, true);
    }
    return VMM_OK;
}

int paging_translate(const struct paging_state *s, const struct paging_mem *mem, vmm_gva_t gva,
                     unsigned access, struct paging_result *r)
{
    if (!s || !r || !valid_access(access))
        return VMM_E_INVAL;
    enum paging_mode m = paging_mode_of(s);
    const struct paging_geometry *g = paging_geometry_of(m);
    if (!address_ok(gva, g ? g->linear_bits : 32))
        return VMM_E_RANGE;
    *r = (struct paging_result){0};
    if (!g) { /* no paging: every access allowed, nothing read */
        *r = (struct paging_result){.gpa = gva, .page_size = 1ull << 12, .user = true,
                                    .writable = true};
        return VMM_OK;
    }
    if (!mem || !mem->read || !mem->write || s->maxphyaddr < 32 || s->maxphyaddr > 52)
        return VMM_E_INVAL;

    uint64_t entry[MAX_LEVELS];
    vmm_gpa_t addr[MAX_LEVELS];
    bool in_memory[MAX_LEVELS];
    struct paging_rights rights = {.user = true, .writable = true};
    bool nxe = (s->efer & PG_EFER_NXE) != 0;
    uint32_t access_bits = paging_access_error_bits(s, m, access);
    vmm_gpa_t table = paging_root_address(s, m);
    struct paging_entry_kind kind;
    unsigned level = g->levels;
    for (;; level--) {
        unsigned shift = 12 + g->index_bits * (level - 1);
        unsigned index = (unsigned)(gva >> shift) & ((1u << g->index_bits) - 1);
        bool pdpte = m == PAGING_PAE && level == 3;
        uint64_t e;
        vmm_gpa_t ea = pdpte ? 0 : table + (vmm_gpa_t)index * g->entry_bytes;
        if (pdpte) {
            e = s->pdpte[index & 3];
        } else {
            int rc = mem->read(mem->ctx, ea, g->entry_bytes, &e);
            if (rc)
                return mem_failed(r, ea, rc, false);
        }
        entry[level - 1] = e;
        addr[level - 1] = ea;
        in_memory[level - 1] = !pdpte;
        r->level = (uint8_t)level;
        r->entry = e;
        r->entry_gpa = ea;

        if (!(e & GPTE_P))
            return page_fault(r, access_bits);
        paging_classify(s, m, level, e, &kind);
        if (e & kind.reserved)
            return page_fault(r, PF_EC_P | PF_EC_RSVD | access_bits);
        if (!pdpte) { /* PAE PDPTEs carry no rights */
            rights.writable &= (e & GPTE_RW) != 0;
            rights.user &= (e & GPTE_US) != 0;
            rights.nx |= nxe && g->entry_bytes == 8 && (e & GPTE_XD);
        }
        if (kind.leaf)
            break;
        table = paging_table_address(m, e);
    }

    if (g->pkeys)
        rights.pkey = (uint8_t)((entry[level - 1] >> GPTE_PKEY_SHIFT) & 0xf);
    uint32_t ec = paging_check_rights(s, m, &rights, access);
    if (ec)
        return page_fault(r, ec);

    r->outcome = PAGING_TRANSLATED;
    r->page_size = kind.page_size;
    r->gpa = paging_leaf_address(m, entry[level - 1], kind.page_size) | (gva & (kind.page_size - 1));
    r->user = rights.user;
    r->writable = rights.writable;
    r->nx = rights.nx;
    r->pkey = rights.pkey;
    return update_flags(mem, g, entry, addr, in_memory, level,
                        (access & PAGING_ACCESS_WRITE) != 0, r);
}
