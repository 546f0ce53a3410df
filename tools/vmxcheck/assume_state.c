/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest and host register state for fields the dump does not show: values
 * consistent with the guest's mode (IA-32e, protected, real under
 * "unrestricted guest", virtual-8086) and with the fields that are shown,
 * e.g. a segment's missing limit follows its G bit, a missing SS DPL
 * follows CS, a missing CR0 is the read shadow plus what VMX requires.
 */
#include "assume_ctx.h"

#define CR0_PE (1ull << 0)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define RFLAGS_FIXED1 (1ull << 1)
#define RFLAGS_IF (1ull << 9)
#define AR_DPL(ar) (((ar) >> 5) & 3)
#define AR_G (1ull << 15)
#define AR_UNUSABLE (1ull << 16)

struct seg {
    enum vmcs_field_id sel, base, limit, ar;
    bool code;
};

#define SEG(n, code) {VMCS_GUEST_##n##_SELECTOR, VMCS_GUEST_##n##_BASE, VMCS_GUEST_##n##_LIMIT, \
                      VMCS_GUEST_##n##_AR_BYTES, code}
static const struct seg cs = SEG(CS, true), ss = SEG(SS, false);
static const struct seg data[] = {SEG(DS, false), SEG(ES, false), SEG(FS, false), SEG(GS, false)};

/* Access rights of a code or data segment in the guest's mode, with a DPL. */
static uint64_t seg_ar(const struct actx *c, bool code, unsigned dpl)
{
    if (c->v8086)
        return 0xf3;
    if (!c->pe)
        return code ? 0x9b : 0x93;
    uint64_t ar = code ? (c->ia32e ? 0xa09b : 0xc09b) : 0xc093;
    return ar | (uint64_t)dpl << 5;
}

/* A segment with what is missing filled in; dpl is used when neither AR nor selector is shown. */
static void segment(struct actx *c, const struct seg *s, unsigned dpl)
{
    if (given(c, s->ar))
        dpl = AR_DPL(get(c, s->ar));
    else if (given(c, s->sel) && c->pe && !c->v8086)
        dpl = get(c, s->sel) & 3;
    uint16_t sel = c->pe && !c->v8086 ? (s->code ? 0x10 : 0x18) | (uint16_t)dpl : 0;
    put(c, s->sel, sel, WHY_GUEST_MODE);
    put(c, s->ar, seg_ar(c, s->code, dpl), WHY_GUEST_MODE);
    bool g = get(c, s->ar) & AR_G;
    put(c, s->limit, g ? 0xffffffffull : 0xffff, WHY_GUEST_MODE);
    put(c, s->base, c->pe && !c->v8086 ? 0 : get(c, s->sel) << 4, WHY_GUEST_MODE);
}

/* The privilege level the shown segment state implies (CS first, then SS). */
static unsigned shown_dpl(const struct actx *c)
{
    const enum vmcs_field_id ar[2] = {VMCS_GUEST_CS_AR_BYTES, VMCS_GUEST_SS_AR_BYTES};
    const enum vmcs_field_id sel[2] = {VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_SS_SELECTOR};
    for (int i = 0; i < 2; i++) {
        if (given(c, ar[i]))
            return AR_DPL(get(c, ar[i]));
        if (given(c, sel[i]))
            return get(c, sel[i]) & 3;
    }
    return 0;
}

static void segments(struct actx *c)
{
    segment(c, &cs, c->pe && !c->v8086 ? shown_dpl(c) : 0);
    /* SS follows CS: its DPL must equal a non-conforming CS's, its RPL CS's RPL. */
    unsigned cs_dpl = AR_DPL(get(c, VMCS_GUEST_CS_AR_BYTES));
    segment(c, &ss, c->pe ? cs_dpl : 0);
    for (size_t i = 0; i < sizeof data / sizeof data[0]; i++)
        segment(c, &data[i], 0);

    bool ldt = given(c, VMCS_GUEST_LDTR_SELECTOR) && (get(c, VMCS_GUEST_LDTR_SELECTOR) & ~3u);
    put(c, VMCS_GUEST_LDTR_SELECTOR, 0, WHY_GUEST_MODE);
    put(c, VMCS_GUEST_LDTR_AR_BYTES, ldt ? 0x82 : AR_UNUSABLE, WHY_GUEST_MODE);
    bool ldt_usable = !(get(c, VMCS_GUEST_LDTR_AR_BYTES) & AR_UNUSABLE);
    bool ldt_g = get(c, VMCS_GUEST_LDTR_AR_BYTES) & AR_G;
    put(c, VMCS_GUEST_LDTR_LIMIT, ldt_usable ? (ldt_g ? 0xffffffffull : 0xffff) : 0, WHY_GUEST_MODE);
    put(c, VMCS_GUEST_LDTR_BASE, 0, WHY_GUEST_MODE);

    put(c, VMCS_GUEST_TR_SELECTOR, 0x40, WHY_GUEST_MODE);
    put(c, VMCS_GUEST_TR_AR_BYTES, 0x8b, WHY_GUEST_MODE);
    put(c, VMCS_GUEST_TR_LIMIT, get(c, VMCS_GUEST_TR_AR_BYTES) & AR_G ? 0xffffffffull : 0x67,
        WHY_GUEST_MODE);
    put(c, VMCS_GUEST_TR_BASE, 0, WHY_GUEST_MODE);
    put(c, VMCS_GUEST_GDTR_BASE, 0, WHY_NEUTRAL);
    put(c, VMCS_GUEST_GDTR_LIMIT, 0x7f, WHY_NEUTRAL);
    put(c, VMCS_GUEST_IDTR_BASE, 0, WHY_NEUTRAL);
    put(c, VMCS_GUEST_IDTR_LIMIT, 0xfff, WHY_NEUTRAL);
}

/* CR0 and CR4: the read shadow (or the mode's usual value) plus the fixed bits. */
static void control_registers(struct actx *c)
{
    bool urg = c->eff[VMM_CTL_PROC2] & VMX_PROC2_UNRESTRICTED_GUEST;
    const struct vmx_caps *k = c->caps;
    uint64_t fixed0 = k->cr0_fixed0 & ~(urg ? CR0_PE | CR0_PG : 0);
    bool shadow = given(c, VMCS_CR0_READ_SHADOW);
    uint64_t cr0 = shadow ? get(c, VMCS_CR0_READ_SHADOW)
                          : (c->pg ? CR0_PG : 0) | (c->pe ? CR0_PE : 0) | 0x30;
    put(c, VMCS_GUEST_CR0, (cr0 | fixed0) & (k->cr0_fixed1 | 0x60000000ull),
        shadow ? WHY_FROM_SHADOW : WHY_GUEST_MODE);

    shadow = given(c, VMCS_CR4_READ_SHADOW);
    uint64_t cr4 = shadow ? get(c, VMCS_CR4_READ_SHADOW) : 0;
    if (c->ia32e)
        cr4 |= CR4_PAE;
    put(c, VMCS_GUEST_CR4, (cr4 | k->cr4_fixed0) & k->cr4_fixed1,
        shadow ? WHY_FROM_SHADOW : WHY_GUEST_MODE);
    put(c, VMCS_GUEST_CR3, 0x1000, WHY_NEUTRAL);
}

void assume_guest(struct actx *c)
{
    control_registers(c);
    segments(c);
    /* IF = 1 when an external interrupt is injected or STI blocking is shown. */
    uint64_t intr = get(c, VMCS_VM_ENTRY_INTR_INFO_FIELD);
    bool ext_intr = (intr >> 31) && ((intr >> 8) & 7) == 0;
    bool sti = get(c, VMCS_GUEST_INTERRUPTIBILITY_INFO) & 1;
    put(c, VMCS_GUEST_RFLAGS, RFLAGS_FIXED1 | (ext_intr || sti ? RFLAGS_IF : 0), WHY_GUEST_MODE);
    put(c, VMCS_GUEST_DR7, 0x400, WHY_NEUTRAL);
    put(c, VMCS_GUEST_IA32_PAT, 0x0007040600070406ull, WHY_NEUTRAL);
    bool efer_lm = c->ia32e && c->pg;
    put(c, VMCS_GUEST_IA32_EFER, efer_lm ? 0x500 : 0, WHY_GUEST_MODE);
}

void assume_host(struct actx *c)
{
    const struct vmx_caps *k = c->caps;
    put(c, VMCS_HOST_CR0, (0x80050033ull | k->cr0_fixed0) & k->cr0_fixed1, WHY_VALID_HOST);
    put(c, VMCS_HOST_CR4, ((c->host64 ? CR4_PAE : 0) | k->cr4_fixed0) & k->cr4_fixed1,
        WHY_VALID_HOST);
    put(c, VMCS_HOST_CR3, 0x2000, WHY_VALID_HOST);
    put(c, VMCS_HOST_CS_SELECTOR, 0x10, WHY_VALID_HOST);
    put(c, VMCS_HOST_SS_SELECTOR, 0x18, WHY_VALID_HOST);
    put(c, VMCS_HOST_TR_SELECTOR, 0x40, WHY_VALID_HOST);
    put(c, VMCS_HOST_RIP, c->host64 ? 0xffffffff81000000ull : 0x100000, WHY_VALID_HOST);
    put(c, VMCS_HOST_RSP, c->host64 ? 0xffffc90000010000ull : 0x200000, WHY_VALID_HOST);
    put(c, VMCS_HOST_IA32_EFER, c->host64 ? 0xd01 : 0, WHY_VALID_HOST);
    put(c, VMCS_HOST_IA32_PAT, 0x0007040600070406ull, WHY_VALID_HOST);
}
