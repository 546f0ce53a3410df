/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hidden part of the segment registers (base, limit, access rights)
 * and the processor mode that follows from them, read and written through
 * Unicorn 2.1.1's CPU context. No API reaches them: in a 64-bit engine a
 * CS/SS/DS/ES write sets the selector only, and an FS/GS write loads from
 * the descriptor table. The context blob holds QEMU's CPUX86State at
 * UC211_OFF_ENV (README.md "Processor modes"): the six segment caches
 * { u32 selector; u64 base; u32 limit; u32 flags } and the hidden flags
 * (hflags) whose CPL, CS32, SS32, CS64 and ADDSEG bits QEMU derives from
 * the caches when it loads a segment itself. Writing a cache here
 * recomputes those bits by the same rules, so the guest runs with exactly
 * the segment state of the VMCS in every mode: real mode with any base,
 * 16- and 32-bit protected mode, compatibility and 64-bit mode, any CPL.
 * The layout is checked by the self-test before any engine uses it.
 */
#include <string.h>

#include "engine_internal.h"

#define ENV(off) (UC211_OFF_ENV + (off))
#define SEG_AT(s) ENV(QEMU_OFF_SEGS + 24u * (s))

/* QEMU's hflags bits. */
#define HF_CPL_MASK 3u
#define HF_CS32 (1u << 4)
#define HF_SS32 (1u << 5)
#define HF_ADDSEG (1u << 6)
#define HF_PE (1u << 7)
#define HF_LMA (1u << 14)
#define HF_CS64 (1u << 15)
#define HF_VM (1u << 17)

/* QEMU's segment flags are the descriptor's high dword: VMX access rights sit in bits 23:8. */
#define DESC_B (1u << 22)
#define DESC_L (1u << 21)
#define DESC_P (1u << 15)
#define AR_UNUSABLE (1u << 16)

static uint32_t ar_to_flags(uint32_t ar)
{
    /* Unusable: P = 0 (usable segments are present), the other bits kept (CPL is SS.DPL). */
    uint32_t flags = (ar & 0xf0ff) << 8;
    return (ar & AR_UNUSABLE) ? flags & ~DESC_P : flags;
}

static uint32_t flags_to_ar(uint32_t flags)
{
    uint32_t ar = (flags >> 8) & 0xf0ff;
    return (flags & DESC_P) ? ar : ar | AR_UNUSABLE;
}

static uint32_t get32(const uint8_t *blob, size_t at)
{
    uint32_t v;
    memcpy(&v, blob + at, 4);
    return v;
}

static uint64_t get64(const uint8_t *blob, size_t at)
{
    uint64_t v;
    memcpy(&v, blob + at, 8);
    return v;
}

static void blob_segments(const uint8_t *blob, struct seg_state s[SEG_DATA_COUNT])
{
    for (unsigned i = 0; i < SEG_DATA_COUNT; i++) {
        s[i] = (struct seg_state){
            .sel = (uint16_t)get32(blob, SEG_AT(i)),
            .base = get64(blob, SEG_AT(i) + 8),
            .limit = get32(blob, SEG_AT(i) + 16),
            .ar = flags_to_ar(get32(blob, SEG_AT(i) + 20)),
        };
    }
}

static unsigned code_bytes(uint32_t hflags)
{
    return (hflags & HF_CS64) ? 8 : (hflags & HF_CS32) ? 4 : 2;
}

/* The hflags bits QEMU derives from the segment caches, as cpu_x86_load_seg_cache sets them. */
static uint32_t derive_hflags(uint32_t hf, const uint8_t *blob)
{
    uint32_t cs = get32(blob, SEG_AT(SEG_CS) + 20), ss = get32(blob, SEG_AT(SEG_SS) + 20);
    hf &= ~(HF_CPL_MASK | HF_CS32 | HF_SS32 | HF_ADDSEG | HF_CS64);
    hf |= (ss >> 13) & 3; /* CPL = SS.DPL */
    if ((hf & HF_LMA) && (cs & DESC_L)) {
        hf |= HF_CS32 | HF_SS32 | HF_CS64;
        return hf;
    }
    hf |= (cs & DESC_B) ? HF_CS32 : 0;
    hf |= (ss & DESC_B) ? HF_SS32 : 0;
    uint64_t bases = get64(blob, SEG_AT(SEG_DS) + 8) | get64(blob, SEG_AT(SEG_ES) + 8) |
                     get64(blob, SEG_AT(SEG_SS) + 8);
    /* Without ADDSEG QEMU's translator assumes DS/ES/SS bases of 0. */
    if (!(hf & HF_PE) || (hf & HF_VM) || !(hf & HF_CS32) || bases)
        hf |= HF_ADDSEG;
    return hf;
}

static void take_mode(struct sim_engine *e, uint32_t hflags)
{
    e->code_bytes = code_bytes(hflags);
    e->mode_stale = false;
    e->cs = e->cs_by_size[e->code_bytes >> 2];
}

void seg_write(struct sim_engine *e, unsigned mask, const struct seg_state s[SEG_DATA_COUNT])
{
    uint8_t *blob = (uint8_t *)e->ctx;
    uc_context_save(e->uc, e->ctx);
    for (unsigned i = 0; i < SEG_DATA_COUNT; i++) {
        if (!(mask & (1u << i)))
            continue;
        uint32_t sel = s[i].sel, limit = s[i].limit, flags = ar_to_flags(s[i].ar);
        memcpy(blob + SEG_AT(i), &sel, 4);
        memcpy(blob + SEG_AT(i) + 8, &s[i].base, 8);
        memcpy(blob + SEG_AT(i) + 16, &limit, 4);
        memcpy(blob + SEG_AT(i) + 20, &flags, 4);
    }
    uint32_t hf = derive_hflags(get32(blob, ENV(QEMU_OFF_HFLAGS)), blob);
    memcpy(blob + ENV(QEMU_OFF_HFLAGS), &hf, 4);
    uc_context_restore(e->uc, e->ctx);
    take_mode(e, hf);
    e->seg_dirty = true;
}

void seg_refresh_mode(struct sim_engine *e)
{
    uc_context_save(e->uc, e->ctx);
    const uint8_t *blob = (const uint8_t *)e->ctx;
    take_mode(e, derive_hflags(get32(blob, ENV(QEMU_OFF_HFLAGS)), blob));
}

void seg_read(struct sim_engine *e, struct seg_state s[SEG_DATA_COUNT])
{
    uc_context_save(e->uc, e->ctx);
    const uint8_t *blob = (const uint8_t *)e->ctx;
    blob_segments(blob, s);
    take_mode(e, derive_hflags(get32(blob, ENV(QEMU_OFF_HFLAGS)), blob)); /* free with the read */
}

struct seg_state seg_from_descriptor(uint16_t sel, uint64_t desc)
{
    uint32_t lo = (uint32_t)desc, hi = (uint32_t)(desc >> 32);
    uint32_t limit = (lo & 0xffff) | (hi & 0xf0000);
    return (struct seg_state){
        .sel = sel,
        .base = (lo >> 16) | (uint64_t)(hi & 0xff) << 16 | (uint64_t)(hi & 0xff000000u),
        .limit = (hi & (1u << 23)) ? limit << 12 | 0xfff : limit,
        .ar = ((hi >> 8) & 0xf0ff) | 1, /* loading sets the accessed bit */
    };
}

uint64_t seg_linear(struct sim_engine *e, unsigned seg, uint64_t offset)
{
    if (e->code_bytes == 8)
        return seg == SEG_FS ? offset + eng_reg(e, UC_X86_REG_FS_BASE)
               : seg == SEG_GS ? offset + eng_reg(e, UC_X86_REG_GS_BASE)
                               : offset;
    struct seg_state s[SEG_DATA_COUNT];
    seg_read(e, s);
    return (uint32_t)(s[seg % SEG_DATA_COUNT].base + offset);
}

/*
 * The self-test's part: the context must hold a register, an FS base and a
 * GDTR written through the API at the offsets this file assumes, and the
 * hflags of Unicorn's 64-bit start-up state (PE, LMA, CS64, CS32, SS32).
 */
bool seg_layout_ok(uc_engine *uc, uc_context *ctx)
{
    uint64_t rax = 0x1122334455667788ull, fs = 0x0000abcdef012345ull;
    uc_x86_mmr gdtr = {0, 0x5566778899ull, 0x1234, 0};
    if (uc_reg_write(uc, UC_X86_REG_RAX, &rax) || uc_reg_write(uc, UC_X86_REG_FS_BASE, &fs) ||
        uc_reg_write(uc, UC_X86_REG_GDTR, &gdtr) || uc_context_save(uc, ctx))
        return false;
    const uint8_t *blob = (const uint8_t *)ctx;
    uint32_t hf = get32(blob, ENV(QEMU_OFF_HFLAGS));
    uint32_t want = HF_PE | HF_LMA | HF_CS64 | HF_CS32 | HF_SS32;
    return get64(blob, ENV(0)) == rax && get64(blob, SEG_AT(SEG_FS) + 8) == fs &&
           get64(blob, ENV(QEMU_OFF_GDT) + 8) == gdtr.base &&
           get32(blob, ENV(QEMU_OFF_GDT) + 16) == gdtr.limit && (hf & want) == want &&
           (hf & HF_CPL_MASK) == 0;
}
