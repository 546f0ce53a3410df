/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Access rights of a translation (SDM Vol. 3A "Access Rights" and
 * "Protection Keys") and the page-fault error code ("Page-Fault Exceptions").
 */
#include "paging_internal.h"

uint32_t paging_access_error_bits(const struct paging_state *s, enum paging_mode m,
                                  unsigned access)
{
    uint32_t ec = access & (PF_EC_W | PF_EC_U);
    /* I/D reports a fetch only with SMEP, or with PAE-format entries and NXE. */
    bool id = (s->cr4 & PG_CR4_SMEP) || (m != PAGING_32BIT && (s->efer & PG_EFER_NXE));
    if ((access & PAGING_ACCESS_FETCH) && id)
        ec |= PF_EC_I;
    return ec;
}

/* Rights without protection keys. */
static bool paging_allows(const struct paging_state *s, const struct paging_rights *r,
                          unsigned access)
{
    bool write = access & PAGING_ACCESS_WRITE;
    bool fetch = access & PAGING_ACCESS_FETCH;
    bool wp = s->cr0 & PG_CR0_WP;
    if (access & PAGING_ACCESS_USER) /* user-mode: user addresses only, W needs R/W */
        return r->user && !(write && !r->writable) && !(fetch && r->nx);
    if (fetch) /* supervisor fetch: never from user addresses under SMEP */
        return !(r->user && (s->cr4 & PG_CR4_SMEP)) && !r->nx;
    if (r->user && (s->cr4 & PG_CR4_SMAP) &&
        ((access & PAGING_ACCESS_IMPLICIT) || !(s->rflags & PG_RFLAGS_AC)))
        return false;
    return !(write && !r->writable && wp);
}

/*
 * The PK flag, as the error-code definition states it: a data access to a
 * user address whose PKRU key forbids it (WD counts for user accesses and,
 * with CR0.WP, supervisor ones), or to a supervisor address whose IA32_PKRS
 * key forbids it (WD with CR0.WP).
 */
static bool pkey_denies(const struct paging_state *s, enum paging_mode m,
                        const struct paging_rights *r, unsigned access)
{
    const struct paging_geometry *g = paging_geometry_of(m);
    if (!g || !g->pkeys || (access & PAGING_ACCESS_FETCH))
        return false;
    uint32_t keys;
    if (r->user && (s->cr4 & PG_CR4_PKE))
        keys = s->pkru;
    else if (!r->user && (s->cr4 & PG_CR4_PKS))
        keys = s->pkrs;
    else
        return false;
    unsigned pair = (keys >> (2 * r->pkey)) & 3;
    bool ad = pair & 1, wd = pair & 2;
    bool wd_applies = (s->cr0 & PG_CR0_WP) || (r->user && (access & PAGING_ACCESS_USER));
    return ad || (wd && (access & PAGING_ACCESS_WRITE) && wd_applies);
}

uint32_t paging_check_rights(const struct paging_state *s, enum paging_mode m,
                             const struct paging_rights *r, unsigned access)
{
    bool pk = pkey_denies(s, m, r, access);
    if (paging_allows(s, r, access) && !pk)
        return 0;
    return PF_EC_P | paging_access_error_bits(s, m, access) | (pk ? PF_EC_PK : 0);
}
