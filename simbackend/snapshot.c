/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Snapshots of a sim and its engine (snapshot.h): the two structs copied
 * whole (minus what identifies them: Unicorn, Capstone, buffers they own),
 * Unicorn's CPU context, the allocator's bitmap, and host memory synced
 * page by page from the written-pages bitmap the sim keeps (sim_internal.h)
 * plus a comparison of the pages only the caller's hva writes can reach.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE under -std=c11 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "engine_internal.h"
#include "snapshot.h"

struct sim_snapshot {
    struct sim_engine *e;
    struct sim sim;
    struct sim_engine eng;
    uc_context *cpu;
    uint64_t *page_used; /* the allocator's bitmap */
    uint8_t *mem;        /* host memory (anonymous: pages never copied stay zero and cost nothing) */
    struct sim_snapshot_stats last;
};

static uint64_t host_pages(const struct sim *s)
{
    return s->mem_size / SIM_PAGE_SIZE;
}

static size_t bitmap_words(uint64_t bits)
{
    return (size_t)((bits + 63) / 64);
}

/* ---- memory ---- */

enum sync_dir { TO_SNAPSHOT, FROM_SNAPSHOT };

/* Copies host page `p` between memory and the snapshot; with `compare`, only if it differs. */
static void sync_page(struct sim_snapshot *snap, uint64_t p, enum sync_dir dir, bool compare)
{
    uint8_t *live = snap->e->sim->mem + p * SIM_PAGE_SIZE;
    uint8_t *copy = snap->mem + p * SIM_PAGE_SIZE;
    if (compare) {
        snap->last.pages_compared++;
        if (memcmp(live, copy, SIM_PAGE_SIZE) == 0)
            return;
    }
    snap->last.pages_copied++;
    if (dir == TO_SNAPSHOT)
        memcpy(copy, live, SIM_PAGE_SIZE);
    else
        memcpy(live, copy, SIM_PAGE_SIZE);
}

/*
 * Brings memory and the snapshot's copy together in direction `dir`: every
 * page that differs when the copy is not the tracking base (or memory was
 * written untracked), else the pages written since and the pool pages the
 * allocator has or had out (their hva writes are not seen).
 */
static void sync_memory(struct sim_snapshot *snap, enum sync_dir dir)
{
    struct sim *s = snap->e->sim;
    uint64_t pages = host_pages(s);
    snap->last = (struct sim_snapshot_stats){0};
    if (snap->e->snap_base != snap || s->written_anywhere) {
        for (uint64_t p = 0; p < pages; p++)
            sync_page(snap, p, dir, true);
        return;
    }
    for (size_t w = 0; w < bitmap_words(pages); w++) {
        for (uint64_t bits = s->written[w]; bits; bits &= bits - 1)
            sync_page(snap, w * 64 + (uint64_t)__builtin_ctzll(bits), dir, false);
    }
    for (size_t w = 0; w < bitmap_words(s->pool_pages); w++) {
        for (uint64_t bits = s->page_used[w] | snap->page_used[w]; bits; bits &= bits - 1) {
            uint64_t p = s->pool_first + w * 64 + (uint64_t)__builtin_ctzll(bits);
            if (!((s->written[p / 64] >> (p % 64)) & 1))
                sync_page(snap, p, dir, true);
        }
    }
}

/*
 * From now on, memory equals `snap` except for what gets written. Write
 * permissions granted so far would hide the next first writes: the TLB is
 * flushed before the guest runs again (now, or by the restore's deferred
 * flush at the next entry).
 */
static void track_from(struct sim_snapshot *snap, bool flush_tlb)
{
    struct sim_engine *e = snap->e;
    struct sim *s = e->sim;
    memset(s->written, 0, bitmap_words(host_pages(s)) * sizeof *s->written);
    s->written_anywhere = false;
    e->snap_base = snap;
    if (flush_tlb)
        uc_ctl_flush_tlb(e->uc);
    e->plan.tlb_gen++;
}

/* ---- the structs ---- */

/* The sim's state from the snapshot, keeping what identifies this sim and its buffers. */
static void restore_sim(struct sim *s, const struct sim_snapshot *snap)
{
    struct sim keep = *s;
    *s = snap->sim;
    s->cpu = keep.cpu;
    s->mem = keep.mem;
    s->mem_size = keep.mem_size;
    s->page_used = keep.page_used;
    s->execute = keep.execute;
    s->execute_ctx = keep.execute_ctx;
    s->written = keep.written;
    s->written_anywhere = keep.written_anywhere;
    s->stale_all = true; /* see sim_snapshot_restore */
    memcpy(s->page_used, snap->page_used, bitmap_words(s->pool_pages) * sizeof *s->page_used);
}

/*
 * The engine's state from `saved`, keeping its Unicorn, Capstone handles, plan
 * and snapshot links (e->cs names one of the handles: it is state) and what
 * it last synced with the sim (the restore's flush is deferred by
 * e->restored instead).
 */
static void restore_engine(struct sim_engine *e, const struct sim_engine *saved)
{
    struct sim_engine keep = *e;
    *e = *saved;
    e->sim = keep.sim;
    e->cfg = keep.cfg;
    e->uc = keep.uc;
    memcpy(e->cs_by_size, keep.cs_by_size, sizeof e->cs_by_size);
    e->ctx = keep.ctx;
    e->plan = keep.plan;
    e->tlb_virtual = keep.tlb_virtual; /* Unicorn's TLB mode is not in its context */
    e->snapshots = keep.snapshots;
    e->snap_base = keep.snap_base;
    e->inval = keep.inval;
}

/* ---- API ---- */

void sim_snapshot_take(struct sim_snapshot *snap)
{
    struct sim_engine *e = snap->e;
    struct sim *s = e->sim;
    sync_memory(snap, TO_SNAPSHOT);
    snap->sim = *s;
    snap->eng = *e;
    memcpy(snap->page_used, s->page_used, bitmap_words(s->pool_pages) * sizeof *s->page_used);
    uc_context_save(e->uc, snap->cpu);
    track_from(snap, true);
}

void sim_snapshot_restore(struct sim_snapshot *snap)
{
    struct sim_engine *e = snap->e;
    struct sim *s = e->sim;
    sync_memory(snap, FROM_SNAPSHOT);
    restore_sim(s, snap);
    restore_engine(e, &snap->eng);
    uc_context_restore(e->uc, snap->cpu);
    /*
     * Restored pages bypassed Unicorn's self-modifying-code checks: the
     * next entry (execute.c) drops all translated code and flushes the
     * TLB, once with whatever the host writes before it. Dropping only the
     * restored pages' code was 15 % slower for the fuzz harness, whose
     * code changes with every input: the buffer then fills all of its
     * 8 MiB instead of starting again from its first, cache-hot, bytes.
     * The plan may stay (it checks each block's bytes before the block
     * runs).
     */
    e->restored = true;
    track_from(snap, false);
}

int sim_snapshot_create(struct sim_engine *e, struct sim_snapshot **out)
{
    if (!e || !out)
        return VMM_E_INVAL;
    struct sim *s = e->sim;
    struct sim_snapshot *snap = calloc(1, sizeof *snap);
    if (!snap)
        return VMM_E_NOMEM;
    snap->e = e;
    snap->mem = mmap(NULL, (size_t)s->mem_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (snap->mem == MAP_FAILED)
        snap->mem = NULL;
    snap->page_used = calloc(bitmap_words(s->pool_pages) + 1, sizeof *snap->page_used);
    uint64_t *written = s->written;
    if (!written)
        written = calloc(bitmap_words(host_pages(s)), sizeof *written);
    if (!snap->mem || !snap->page_used || !written ||
        uc_context_alloc(e->uc, &snap->cpu) != UC_ERR_OK) {
        if (written != s->written)
            free(written);
        if (snap->mem)
            munmap(snap->mem, (size_t)s->mem_size);
        free(snap->page_used);
        free(snap);
        return VMM_E_NOMEM;
    }
    s->written = written;
    e->snapshots++;
    sim_snapshot_take(snap); /* not the base yet: copies every page */
    *out = snap;
    return VMM_OK;
}

void sim_snapshot_destroy(struct sim_snapshot *snap)
{
    if (!snap)
        return;
    struct sim_engine *e = snap->e;
    if (e->snap_base == snap)
        e->snap_base = NULL;
    if (--e->snapshots == 0) {
        free(e->sim->written);
        e->sim->written = NULL;
        e->sim->written_anywhere = false;
    }
    uc_context_free(snap->cpu);
    munmap(snap->mem, (size_t)e->sim->mem_size);
    free(snap->page_used);
    free(snap);
}

struct sim_snapshot_stats sim_snapshot_last_sync(const struct sim_snapshot *snap)
{
    return snap->last;
}
