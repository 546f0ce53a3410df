/* SPDX-License-Identifier: Apache-2.0 */
/*
 * QEMU's CPU-state dump after "KVM: entry failed, hardware error 0x...":
 *
 *   EIP=0000fff0 EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0
 *   CS =f000 ffff0000 0000ffff 00009b00          selector base limit flags
 *   GDT=     00000000 0000ffff
 *   CR0=60000010 CR2=00000000 CR3=00000000 CR4=00000000
 *
 * Guest state only. The flags column is the descriptor's second dword, so
 * VMX access rights are bits 23:8 of it, and QEMU treats a segment whose P
 * bit is 0 as unusable. CR0 and CR4 are the values the guest sees, which
 * KVM keeps in the read shadows (it forces bits such as CR0.NE and
 * CR4.VMXE into the real fields), so they are read as the shadows.
 * "hardware error" is the exit reason for a VM-entry failure exit (bit 31
 * set) and the VM-instruction error otherwise.
 */
#include <string.h>

#include "parse_util.h"
#include "vmm/types.h"

static const struct {
    const char *key;
    enum vmcs_field_id field;
} regs[] = {
    {"EIP", VMCS_GUEST_RIP},          {"RIP", VMCS_GUEST_RIP},
    {"ESP", VMCS_GUEST_RSP},          {"RSP", VMCS_GUEST_RSP},
    {"EFL", VMCS_GUEST_RFLAGS},       {"RFL", VMCS_GUEST_RFLAGS},
    {"CR0", VMCS_CR0_READ_SHADOW},    {"CR3", VMCS_GUEST_CR3},
    {"CR4", VMCS_CR4_READ_SHADOW},    {"DR7", VMCS_GUEST_DR7},
    {"EFER", VMCS_GUEST_IA32_EFER},
};

static const struct {
    const char *name;
    enum vmcs_field_id sel, ar, limit, base;
} segs[] = {
    {"ES =", VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_ES_AR_BYTES, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_BASE},
    {"CS =", VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_CS_AR_BYTES, VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_BASE},
    {"SS =", VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_SS_AR_BYTES, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_BASE},
    {"DS =", VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_DS_AR_BYTES, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_BASE},
    {"FS =", VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_FS_AR_BYTES, VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_BASE},
    {"GS =", VMCS_GUEST_GS_SELECTOR, VMCS_GUEST_GS_AR_BYTES, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_BASE},
    {"LDT=", VMCS_GUEST_LDTR_SELECTOR, VMCS_GUEST_LDTR_AR_BYTES, VMCS_GUEST_LDTR_LIMIT,
     VMCS_GUEST_LDTR_BASE},
    {"TR =", VMCS_GUEST_TR_SELECTOR, VMCS_GUEST_TR_AR_BYTES, VMCS_GUEST_TR_LIMIT, VMCS_GUEST_TR_BASE},
    {"GDT=", VMCS_NO_FIELD, VMCS_NO_FIELD, VMCS_GUEST_GDTR_LIMIT, VMCS_GUEST_GDTR_BASE},
    {"IDT=", VMCS_NO_FIELD, VMCS_NO_FIELD, VMCS_GUEST_IDTR_LIMIT, VMCS_GUEST_IDTR_BASE},
};

#define DESC_P (1u << 15)
#define AR_UNUSABLE (1u << 16)

/* The first `want` blank-separated hex columns of s. */
static bool hex_columns(struct span s, uint64_t *v, int want)
{
    for (int i = 0; i < want; i++) {
        s = span_trim(s);
        size_t k = token_len(s, "");
        if (!parse_hex(span_of(s.p, k), &v[i]))
            return false;
        s = span_skip(s, k);
    }
    return true;
}

static int segment(struct vmxdump *d, size_t i, struct span s, unsigned line,
                   struct vmxdump_error *err)
{
    bool dtr = segs[i].sel == VMCS_NO_FIELD;
    uint64_t v[4];
    s = span_skip(s, strlen(segs[i].name));
    if (!hex_columns(s, v, dtr ? 2 : 4))
        return dump_fail(err, line, "malformed %.3s line", segs[i].name);
    if (dtr)
        return dump_set(d, segs[i].base, v[0], line, err) != VMM_OK ||
                       dump_set(d, segs[i].limit, v[1], line, err) != VMM_OK
                   ? VMM_E_INVAL
                   : VMM_OK;
    if (v[3] > 0xffffffffull)
        return dump_fail(err, line, "segment flags 0x%llx wider than 32 bits",
                         (unsigned long long)v[3]);
    uint64_t ar = (v[3] >> 8) & 0xf0ff;
    if (!(v[3] & DESC_P))
        ar |= AR_UNUSABLE;
    const enum vmcs_field_id f[4] = {segs[i].sel, segs[i].base, segs[i].limit, segs[i].ar};
    const uint64_t val[4] = {v[0], v[1], v[2], ar};
    for (int k = 0; k < 4; k++)
        if (dump_set(d, f[k], val[k], line, err) != VMM_OK)
            return VMM_E_INVAL;
    return VMM_OK;
}

/* "KEY=VALUE" tokens: registers, CPL, HLT, II, SMM. */
static int registers(struct vmxdump *d, struct span s, unsigned line, struct vmxdump_error *err)
{
    for (s = span_trim(s); s.n; s = span_trim(s)) {
        size_t k = token_len(s, "");
        struct span tok = span_of(s.p, k);
        s = span_skip(s, k ? k : 1);
        long eq = span_find(tok, "=");
        if (eq <= 0)
            continue;
        struct span key = span_of(tok.p, (size_t)eq), val = span_skip(tok, (size_t)eq + 1);
        uint64_t v;
        for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
            if (!span_eq(key, regs[i].key))
                continue;
            if (!parse_hex(val, &v))
                return dump_fail(err, line, "bad value for %s", regs[i].key);
            if (dump_set(d, regs[i].field, v, line, err) != VMM_OK)
                return VMM_E_INVAL;
        }
        if (span_eq(key, "CPL") && parse_uint(val, &v) && v <= 3) {
            d->has_cpl = true;
            d->cpl = (uint8_t)v;
        } else if (span_eq(key, "HLT") && span_eq(val, "1")) {
            dump_note(d, "line %u: the guest was halted (HLT=1); KVM emulates HLT, so the activity "
                         "state field is not assumed to be HLT", line);
        } else if (span_eq(key, "II") && span_eq(val, "1")) {
            dump_note(d, "line %u: an interrupt shadow was active (II=1: blocking by STI or MOV SS, "
                         "QEMU does not say which)", line);
        } else if (span_eq(key, "SMM") && span_eq(val, "1")) {
            dump_note(d, "line %u: the guest was in SMM (SMM=1)", line);
        }
    }
    return VMM_OK;
}

int parse_qemu(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err)
{
    struct line_iter it;
    struct span raw;
    lines_init(&it, text, len);
    while (lines_next(&it, &raw)) {
        struct span s = strip_log_prefix(raw, NULL);
        long at = span_find(s, "hardware error");
        if (at >= 0) {
            struct span t = span_trim(span_skip(s, (size_t)at + 14));
            uint64_t v;
            if (!parse_hex(span_of(t.p, token_len(t, ",.")), &v) || v > 0xffffffffull)
                return dump_fail(err, it.no, "bad hardware error number");
            if (v & 0x80000000u)
                dump_state_exit(out, (uint32_t)v, it.no);
            else
                dump_state_vmfail(out, VMXDUMP_INSN_UNKNOWN, (uint32_t)v, it.no);
            continue;
        }
        bool seg = false;
        for (size_t i = 0; i < sizeof segs / sizeof segs[0] && !seg; i++)
            if (span_starts(s, segs[i].name)) {
                if (segment(out, i, s, it.no, err) != VMM_OK)
                    return VMM_E_INVAL;
                seg = true;
            }
        if (!seg && registers(out, s, it.no, err) != VMM_OK)
            return VMM_E_INVAL;
    }
    out->lines = it.no;
    if (out->nfields)
        dump_note(out, "QEMU prints the guest's own CR0/CR4; read as the CR0/CR4 read shadows");
    return VMM_OK;
}
