/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Snapshots of a simulated processor and its engine, for fuzzing: take
 * one after an expensive set-up, restore it before every input.
 *
 *   struct sim_snapshot *snap;
 *   sim_snapshot_create(eng, &snap);      takes it now
 *   ... run, write memory, VMWRITE ...
 *   sim_snapshot_restore(snap);           back to the moment of the take
 *   sim_snapshot_destroy(snap);           before sim_engine_destroy
 *
 * A snapshot holds everything the model holds for the processor: Unicorn's
 * registers, the engine's state beside them (time, pending events and
 * interrupts, blocking, activity, the registers Unicorn lacks), VMX
 * operation (VMXON region, current VMCS and its cached contents, launch
 * states, the last entry verdict), the page allocator, and host memory.
 *
 * Memory comes back by dirty tracking: restore copies only the pages
 * written since the last take or restore of the same snapshot. While a
 * snapshot exists the sim records every write it can see: guest stores (the
 * engine runs Unicorn in UC_TLB_VIRTUAL mode, with or without EPT, and the
 * TLB-fill hook sees the first write to each page after every take and
 * restore), the model's own writes (event delivery, A/D flags, the MSR-store
 * list), gpa_write and alloc_page. Host pages the core writes through their
 * `hva` cannot be seen: restore compares every page the allocator has out
 * (or had out at the take) with its copy instead. After sim_note_host_write
 * (memory changed somewhere untracked) the next restore compares every page.
 * Restoring a snapshot other than the last one taken or restored also
 * compares every page.
 *
 * After a restore the next entry drops all of Unicorn's translated code and
 * TLB (restored pages bypass its self-modifying-code checks), once with any
 * host writes before that entry (cheaper than dropping the restored pages'
 * code one by one: snapshot.c); the pre-scan's plan stays (it checks each
 * block's bytes before the block runs).
 *
 * The caller's own objects (a struct vmm_vm, a vCPU, its gprs) are not part
 * of it: copy them beside the snapshot.
 */
#ifndef VMM_SIMBACKEND_SNAPSHOT_H
#define VMM_SIMBACKEND_SNAPSHOT_H

#include "engine.h"

struct sim_snapshot;

/*
 * Allocates a snapshot of `e` and its sim (a copy of host memory included)
 * and takes it. VMM_E_INVAL for NULL arguments, VMM_E_NOMEM.
 */
int sim_snapshot_create(struct sim_engine *e, struct sim_snapshot **out);

/* Takes it again, now (the old contents are dropped). */
void sim_snapshot_take(struct sim_snapshot *snap);

/* Puts the processor, the engine and host memory back as they were at the take. */
void sim_snapshot_restore(struct sim_snapshot *snap);

/* Frees it (NULL is allowed). Every snapshot goes before its engine. */
void sim_snapshot_destroy(struct sim_snapshot *snap);

/* What the last take or restore did with memory (to measure dirty tracking). */
struct sim_snapshot_stats {
    uint64_t pages_copied;   /* pages copied (into the snapshot, or back into memory) */
    uint64_t pages_compared; /* pages compared with their copy (untracked writers) */
};
struct sim_snapshot_stats sim_snapshot_last_sync(const struct sim_snapshot *snap);

#endif /* VMM_SIMBACKEND_SNAPSHOT_H */
