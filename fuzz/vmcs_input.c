/* SPDX-License-Identifier: Apache-2.0 */
/* Decoding (and writing) vmcs_validator inputs; the format is in vmcs_input.h. */
#include "vmcs_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/msr.h"

void vmcs_input_world_init(struct vmcs_input_world *w)
{
    for (int b = 0; b < BASE_COUNT; b++)
        baseline_build((enum baseline)b, &w->base[b]);
    w->nprofiles = 0;
    for (size_t i = 0; i < vmx_profile_count && w->nprofiles < 8; i++) {
        struct vmx_caps_error err;
        if (vmx_caps_parse(vmx_profiles[i].raw, &w->profile[w->nprofiles], &err) != VMM_OK) {
            fprintf(stderr, "vmcs_input: profile %s does not parse\n", vmx_profiles[i].name);
            abort();
        }
        w->nprofiles++;
    }
}

/* ---- physical memory: the baseline's bytes under the input's stores ---- */

static int read_mem(void *opaque, uint64_t addr, void *buf, size_t len)
{
    const struct vmcs_input_case *c = opaque;
    if (addr < TEST_MEM_BASE || len > TEST_MEM_SIZE || addr - TEST_MEM_BASE > TEST_MEM_SIZE - len)
        return VMM_E_RANGE;
    memcpy(buf, c->base->mem + (addr - TEST_MEM_BASE), len);
    for (unsigned i = 0; i < c->npatches; i++) {
        uint64_t p = c->patch[i].addr;
        if (p + 8 <= addr || p >= addr + len)
            continue; /* most reads touch no store: skip the byte loop */
        for (unsigned b = 0; b < 8; b++)
            if (p + b >= addr && p + b < addr + len)
                ((uint8_t *)buf)[p + b - addr] = (uint8_t)(c->patch[i].value >> (8 * b));
    }
    return VMM_OK;
}

/* A later store to the same slot replaces the earlier one. */
static void store(struct vmcs_input_case *c, uint64_t addr, uint64_t value)
{
    addr &= ~7ull;
    for (unsigned i = 0; i < c->npatches; i++)
        if (c->patch[i].addr == addr) {
            c->patch[i].value = value;
            return;
        }
    if (c->npatches < VMCS_INPUT_MAX_PATCHES)
        c->patch[c->npatches++] = (struct vmcs_input_patch){addr, value};
}

/* ---- boundary values ---- */

/* Values at which checks change their mind: widths, canonicality, alignment. */
static uint64_t boundary(unsigned choice, enum vmcs_field_id f, uint64_t v, const struct vmx_caps *caps)
{
    unsigned bits = vmcs_width_bits((enum vmcs_width)vmcs_field_table[f].width);
    unsigned paw = caps->phys_addr_width;
    static const uint64_t fixed[] = {
        0x00007fffffffffffull, 0x0000800000000000ull, 0xffff800000000000ull,
        0xffff7fffffffffffull, 0x00ffffffffffffffull, 0x0100000000000000ull,
        0xff00000000000000ull, 0xfeffffffffffffffull, 0x7fffffffull, 0x80000000ull,
        0xffffffffull, 0xffffull, 0x10000ull, 0xfffff000ull, 0x100000000ull,
    };
    switch (choice % (14 + sizeof fixed / sizeof fixed[0])) {
    case 0: return 0;
    case 1: return 1;
    case 2: return ~0ull;
    case 3: return v + 1;
    case 4: return v - 1;
    case 5: return v ^ (1ull << (bits - 1));   /* the top bit of the field */
    case 6: return 1ull << paw;                /* just beyond the physical width */
    case 7: return (1ull << paw) - 0x1000;     /* the last page within it */
    case 8: return v | 0xfff;                  /* unaligned */
    case 9: return v & ~0xfffull;
    case 10: return v + 0x1000;
    case 11: return v << 1;
    case 12: return v >> 1;
    case 13: return ~v;
    default: return fixed[choice % (14 + sizeof fixed / sizeof fixed[0]) - 14];
    }
}

/* MSRs whose loading VM entry treats specially, or that have reserved bits. */
static const uint32_t interesting_msrs[] = {
    VMM_MSR_IA32_FS_BASE,        VMM_MSR_IA32_GS_BASE,      VMM_MSR_IA32_KERNEL_GS_BASE,
    VMM_MSR_IA32_EFER,           VMM_MSR_IA32_STAR,         VMM_MSR_IA32_LSTAR,
    VMM_MSR_IA32_CSTAR,          VMM_MSR_IA32_FMASK,        VMM_MSR_IA32_TSC_AUX,
    VMM_MSR_IA32_PAT,            VMM_MSR_IA32_SPEC_CTRL,    VMM_MSR_IA32_DEBUGCTL,
    VMM_MSR_IA32_SYSENTER_CS,    VMM_MSR_IA32_SYSENTER_ESP, VMM_MSR_IA32_SYSENTER_EIP,
    VMM_MSR_IA32_SMM_MONITOR_CTL, VMM_MSR_IA32_BIOS_UPDT_TRIG, VMM_MSR_IA32_BIOS_SIGN_ID,
    VMM_MSR_LER_FROM_LIP,        VMM_MSR_LER_TO_LIP,        VMM_MSR_IA32_TSC,
    VMM_MSR_IA32_VMX_BASIC,      VMM_MSR_X2APIC_FIRST,      0x808,
    VMM_MSR_X2APIC_LAST,         0x7ff,                     0x900,
};
#define N_INTERESTING (sizeof interesting_msrs / sizeof interesting_msrs[0])

static uint32_t msr_choice(uint8_t m)
{
    return m < N_INTERESTING ? interesting_msrs[m] : 0xc0000000u + (m - N_INTERESTING);
}

/* The n-th set bit of `mask` (n modulo the number of bits); -1 if none. */
static int nth_bit(uint64_t mask, unsigned n)
{
    unsigned count = (unsigned)__builtin_popcountll(mask);
    if (!count)
        return -1;
    n %= count;
    for (int b = 0; b < 64; b++)
        if (((mask >> b) & 1) && n-- == 0)
            return b;
    return -1;
}

static void ctl_flip(struct vmcs_input_case *c, unsigned kind, uint8_t bit)
{
    kind %= VMM_CTL_KIND_COUNT;
    enum vmcs_field_id f = vmcs_ctl_field(kind);
    int b;
    if (bit & 0x80) {
        const struct vmx_ctl_caps *cc = &c->caps.ctl[kind];
        b = nth_bit(cc->allowed1 & ~cc->allowed0, bit & 0x7f);
    } else {
        b = (int)(bit % vmcs_width_bits((enum vmcs_width)vmcs_field_table[f].width));
    }
    if (b >= 0)
        vmcs_set(&c->vmcs, f, vmcs_get(&c->vmcs, f) ^ (1ull << b));
}

/* Raw capability edits; the caller re-parses. */
static void caps_edit(struct vmx_raw_caps *raw, uint8_t what, uint8_t bit)
{
    switch (what % (VMX_CAP_MSR_COUNT + 3)) {
    case VMX_CAP_MSR_COUNT:
        raw->cpuid_features ^= VMM_CPUID_BIT(bit % VMM_CPUID_FEATURE_COUNT);
        break;
    case VMX_CAP_MSR_COUNT + 1:
        raw->msr_present ^= 1u << (bit % VMX_CAP_MSR_COUNT);
        break;
    case VMX_CAP_MSR_COUNT + 2:
        raw->phys_addr_width = (uint8_t)(32 + (bit & 0x7f) % 21);
        raw->linear_addr_width = (bit & 0x80) ? 57 : 48;
        break;
    default:
        raw->msr[what % (VMX_CAP_MSR_COUNT + 3)] ^= 1ull << (bit % 64);
        break;
    }
}

/* ---- decoding ---- */

struct reader {
    const uint8_t *p;
    size_t left;
};

static bool take(struct reader *r, void *out, size_t n)
{
    if (r->left < n)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    if (n == 1)
        *(uint8_t *)out = (uint8_t)v;
    else if (n == 2)
        *(uint16_t *)out = (uint16_t)v;
    else
        *(uint64_t *)out = v;
    r->p += n;
    r->left -= n;
    return true;
}

static enum vmcs_field_id field_of(uint16_t raw)
{
    return (enum vmcs_field_id)(raw % VMCS_FIELD_COUNT);
}

/* Applies one operation; false when the input ends inside it. */
static bool decode_op(struct reader *r, struct vmcs_input_case *c, struct vmx_raw_caps *raw,
                      bool *raw_edited)
{
    uint8_t op, a8, b8;
    uint16_t a16, b16;
    uint64_t v;
    if (!take(r, &op, 1))
        return false;
    switch ((enum vmcs_op)(op % VMCS_OP_COUNT)) {
    case VMCS_OP_SET:
    case VMCS_OP_OR:
    case VMCS_OP_CLEAR: {
        if (!take(r, &a16, 2) || !take(r, &v, 8))
            return false;
        enum vmcs_field_id f = field_of(a16);
        uint64_t old = vmcs_get(&c->vmcs, f);
        unsigned kind = op % VMCS_OP_COUNT;
        vmcs_set(&c->vmcs, f, kind == VMCS_OP_SET ? v : kind == VMCS_OP_OR ? old | v : old & ~v);
        return true;
    }
    case VMCS_OP_FLIP: {
        if (!take(r, &a16, 2) || !take(r, &a8, 1))
            return false;
        enum vmcs_field_id f = field_of(a16);
        unsigned bits = vmcs_width_bits((enum vmcs_width)vmcs_field_table[f].width);
        vmcs_set(&c->vmcs, f, vmcs_get(&c->vmcs, f) ^ (1ull << (a8 % bits)));
        return true;
    }
    case VMCS_OP_BOUNDARY: {
        if (!take(r, &a16, 2) || !take(r, &a8, 1))
            return false;
        enum vmcs_field_id f = field_of(a16);
        vmcs_set(&c->vmcs, f, boundary(a8, f, vmcs_get(&c->vmcs, f), &c->caps));
        return true;
    }
    case VMCS_OP_CTL_FLIP:
        if (!take(r, &a8, 1) || !take(r, &b8, 1))
            return false;
        ctl_flip(c, a8, b8);
        return true;
    case VMCS_OP_MEM:
        if (!take(r, &a16, 2) || !take(r, &v, 8))
            return false;
        store(c, TEST_MEM_BASE + 8ull * (a16 % (TEST_MEM_SIZE / 8)), v);
        return true;
    case VMCS_OP_MSR_ENTRY: {
        if (!take(r, &a8, 1) || !take(r, &b8, 1) || !take(r, &v, 8))
            return false;
        unsigned i = a8 % VMCS_INPUT_MSR_SLOTS;
        store(c, PA_ENTRY_MSR_LOAD + 16ull * i, msr_choice(b8));
        store(c, PA_ENTRY_MSR_LOAD + 16ull * i + 8, v);
        vmcs_set(&c->vmcs, VMCS_VM_ENTRY_MSR_LOAD_ADDR, PA_ENTRY_MSR_LOAD);
        if (vmcs_get(&c->vmcs, VMCS_VM_ENTRY_MSR_LOAD_COUNT) < i + 1)
            vmcs_set(&c->vmcs, VMCS_VM_ENTRY_MSR_LOAD_COUNT, i + 1);
        return true;
    }
    case VMCS_OP_CAPS:
        if (!take(r, &a8, 1) || !take(r, &b8, 1))
            return false;
        caps_edit(raw, a8, b8);
        *raw_edited = true;
        return true;
    case VMCS_OP_PTR: {
        if (!take(r, &a8, 1) || !take(r, &v, 8))
            return false;
        uint64_t *ptr = (a8 & 1) ? &c->in.vmxon_ptr : &c->in.current_vmcs_ptr;
        *ptr = (a8 & 2) ? boundary((unsigned)v, VMCS_VMCS_LINK_POINTER, *ptr, &c->caps) : v;
        return true;
    }
    case VMCS_OP_COPY:
        if (!take(r, &a16, 2) || !take(r, &b16, 2))
            return false;
        vmcs_set(&c->vmcs, field_of(a16), vmcs_get(&c->vmcs, field_of(b16)));
        return true;
    case VMCS_OP_COUNT:
        break;
    }
    return false;
}

int vmcs_input_decode(const struct vmcs_input_world *w, const uint8_t *data, size_t size,
                      struct vmcs_input_case *c)
{
    uint8_t hdr[VMCS_INPUT_HEADER] = {0};
    memcpy(hdr, data, size < sizeof hdr ? size : sizeof hdr);
    const struct test_entry *base = &w->base[hdr[0] % BASE_COUNT];

    c->base = base;
    c->vmcs = base->vmcs;
    c->caps = hdr[1] ? w->profile[(hdr[1] - 1u) % w->nprofiles] : base->caps;
    c->npatches = 0;
    c->ops = 0;
    c->in = base->in;
    c->in.vmcs = (hdr[2] & VMCS_IN_NO_VMCS) ? NULL : &c->vmcs;
    c->in.caps = &c->caps;
    c->in.kind = (hdr[2] & VMCS_IN_RESUME) ? (base->in.kind == VMM_LAUNCH ? VMM_RESUME : VMM_LAUNCH)
                                           : base->in.kind;
    c->in.launched ^= (hdr[2] & VMCS_IN_LAUNCHED) != 0;
    c->in.current_is_shadow ^= (hdr[2] & VMCS_IN_SHADOW) != 0;
    c->in.mov_ss_blocking ^= (hdr[2] & VMCS_IN_MOV_SS) != 0;
    c->in.in_smm ^= (hdr[2] & VMCS_IN_SMM) != 0;
    c->in.host_lma ^= (hdr[2] & VMCS_IN_HOST_LMA) != 0;
    c->in.read_phys = (hdr[2] & VMCS_IN_NO_MEMORY) ? NULL : read_mem;
    c->in.read_opaque = c;

    struct vmx_raw_caps raw = c->caps.raw;
    bool raw_edited = false;
    struct reader r = {data + (size < sizeof hdr ? size : sizeof hdr),
                       size < sizeof hdr ? 0 : size - sizeof hdr};
    while (c->ops < VMCS_INPUT_MAX_OPS && decode_op(&r, c, &raw, &raw_edited))
        c->ops++;
    if (raw_edited && vmx_caps_parse(&raw, &c->caps, NULL) != VMM_OK)
        return -1;
    return 0;
}

/* ---- writing ---- */

static void put(struct vmcs_input_writer *w, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n && w->len < sizeof w->buf; i++)
        w->buf[w->len++] = (uint8_t)(v >> (8 * i));
}

void vmcs_input_emit_header(struct vmcs_input_writer *w, unsigned base, unsigned caps,
                            unsigned flags)
{
    w->len = 0;
    w->ops = 0;
    put(w, base, 1);
    put(w, caps, 1);
    put(w, flags, 1);
}

void vmcs_input_emit_field(struct vmcs_input_writer *w, enum vmcs_op op, unsigned field,
                           uint64_t value)
{
    put(w, op, 1);
    put(w, field, 2);
    put(w, value, op == VMCS_OP_FLIP || op == VMCS_OP_BOUNDARY ? 1 : 8);
    w->ops++;
}

void vmcs_input_emit_mem(struct vmcs_input_writer *w, uint64_t addr, uint64_t value)
{
    put(w, VMCS_OP_MEM, 1);
    put(w, (addr - TEST_MEM_BASE) / 8, 2);
    put(w, value, 8);
    w->ops++;
}

void vmcs_input_emit_ptr(struct vmcs_input_writer *w, unsigned which, uint64_t value)
{
    put(w, VMCS_OP_PTR, 1);
    put(w, which, 1);
    put(w, value, 8);
    w->ops++;
}

void vmcs_input_emit_bytes(struct vmcs_input_writer *w, enum vmcs_op op, const uint8_t *operands,
                           size_t n)
{
    put(w, op, 1);
    for (size_t i = 0; i < n; i++)
        put(w, operands[i], 1);
    w->ops++;
}
