/* SPDX-License-Identifier: Apache-2.0 */
/* Shared state of the assumption passes (assume.c, assume_state.c). Internal. */
#ifndef VMXCHECK_ASSUME_CTX_H
#define VMXCHECK_ASSUME_CTX_H

#include "assume.h"
#include "vmm/caps.h"

struct actx {
    const struct vmxdump *d;
    const struct vmx_caps *caps;
    struct assumed *o;

    /* The guest and host as the dump shows them (or as assumed). */
    bool ia32e;      /* IA-32e mode guest */
    bool pe, pg;     /* guest CR0.PE / CR0.PG */
    bool urg_needed; /* CR0 shows PE = 0 or PG = 0: only "unrestricted guest" allows that */
    bool v8086;      /* guest RFLAGS.VM */
    bool host64;     /* host address-space size */

    /* Control words as VM entry will see them (inactive words read as 0). */
    uint64_t eff[VMM_CTL_KIND_COUNT];
};

static inline bool known(const struct actx *c, enum vmcs_field_id f)
{
    return c->o->origin[f] != 0;
}

static inline bool given(const struct actx *c, enum vmcs_field_id f)
{
    return c->o->origin[f] == ORIGIN_GIVEN;
}

static inline uint64_t get(const struct actx *c, enum vmcs_field_id f)
{
    return vmcs_get(&c->o->vmcs, f);
}

/* Sets an absent field and records why; a known field is left alone. */
void put(struct actx *c, enum vmcs_field_id f, uint64_t v, enum assume_why why);

/* Records a statement about the entry that is not a field value. */
void fact(struct actx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void assume_guest(struct actx *c);
void assume_host(struct actx *c);

#endif /* VMXCHECK_ASSUME_CTX_H */
