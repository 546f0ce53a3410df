/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated backend: VMX operation and host memory modelled in
 * software behind the seam (vmm/cpu.h). One struct sim is one logical
 * processor with its own host-physical memory; there is no global state.
 *
 * What is modelled so far (README.md has the details and the memory
 * layout): host memory and its page allocator, guest RAM as a GPA window
 * onto host memory, and every VMX instruction with the SDM's outcomes:
 * VMXON, VMXOFF, VMCLEAR, VMPTRLD, VMPTRST, VMREAD, VMWRITE, INVEPT,
 * INVVPID, and VMLAUNCH/VMRESUME up to the end of VM-entry checking (the
 * core's validator, vmx_entry_check). Running the guest is not modelled
 * here: a VM entry that passes every check is handed to the executor the
 * configuration names (the Unicorn part), or refused without one.
 */
#ifndef VMM_SIMBACKEND_SIM_H
#define VMM_SIMBACKEND_SIM_H

#include "vmm/cpu.h"
#include "vmm/entry.h"
#include "vmm/vmcs_fields.h"

struct sim;

/*
 * Runs the guest of the current VMCS after a VM entry passed every check.
 * Called with the guest's other registers in `gprs`; it loads guest state,
 * runs until a VM exit, writes the exit fields into sim_vmcs(sim) and the
 * guest's registers into `gprs`, and returns VMX_SUCCEED. An exit reason
 * with bit 31 set (a VM-entry failure the executor detected, such as state
 * it cannot represent) leaves the launch state as it was; any other
 * VMX_SUCCEED makes a VMLAUNCH's VMCS "launched". Other outcomes are passed
 * to the caller unchanged and change no launch state.
 */
typedef struct vmx_status (*sim_execute_fn)(void *ctx, struct sim *sim, enum vmm_entry_kind kind,
                                            struct vmm_guest_gprs *gprs);

/* IA32_FEATURE_CONTROL (MSR 3AH) bits VMXON depends on. */
#define SIM_FEATURE_CONTROL_LOCK (1ull << 0)
#define SIM_FEATURE_CONTROL_VMX_IN_SMX (1ull << 1)
#define SIM_FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ull << 2)

struct sim_config {
    const char *profile;      /* capability profile (vmx_profile_find) */
    uint64_t host_mem_size;   /* bytes of host-physical memory, 4 KiB multiple */
    uint64_t guest_ram_size;  /* bytes of guest RAM, 4 KiB multiple, < host_mem_size */
    vmm_gpa_t guest_ram_gpa;  /* where guest RAM starts in guest-physical space */
    /*
     * IA32_FEATURE_CONTROL as firmware left it. Unlocked (bit 0 = 0), the
     * backend's VMXON locks it with VMX outside SMX enabled, as a
     * hypervisor's start-up does; locked without bit 2, VMXON faults #GP.
     */
    uint64_t feature_control;
    sim_execute_fn execute;   /* NULL: guest execution is not modelled */
    void *execute_ctx;
};

/*
 * A usable configuration: profile "modern", 64 MiB of host memory, 16 MiB
 * of guest RAM at GPA 0, feature control unlocked, no executor.
 */
struct sim_config sim_config_default(void);

/*
 * Creates a processor from `cfg`. VMM_E_NOENT for an unknown profile,
 * VMM_E_INVAL for sizes or addresses that are unaligned, overlap, exceed
 * the profile's physical-address width or leave no page to allocate,
 * VMM_E_UNSUPPORTED when the profile's VMCS size cannot hold the sim's
 * VMCS layout, VMM_E_NOMEM when host memory cannot be reserved.
 */
int sim_create(const struct sim_config *cfg, struct sim **out);

/* Frees the processor and its memory (NULL is allowed). */
void sim_destroy(struct sim *sim);

/* The seam's view of the processor: ops plus this sim as the backend. */
struct vmm_cpu *sim_cpu(struct sim *sim);

/* The capabilities the profile reports (parsed). */
const struct vmx_caps *sim_caps(const struct sim *sim);

/*
 * Host-physical memory: HPA h is sim_host_mem(sim)[h] for h below
 * sim_host_mem_size(sim). One page-aligned allocation that lives as long
 * as the sim (the executor maps it into Unicorn as it is).
 */
uint8_t *sim_host_mem(struct sim *sim);
uint64_t sim_host_mem_size(const struct sim *sim);

/* Guest RAM: GPA gpa + i is HPA hpa + i for i below size. */
struct sim_guest_ram {
    vmm_gpa_t gpa;
    vmm_hpa_t hpa;
    uint64_t size;
};
struct sim_guest_ram sim_guest_ram(const struct sim *sim);

/*
 * The current VMCS as the processor holds it (VMREAD/VMWRITE act on this
 * copy; VMCLEAR writes it to its region). NULL when there is no current
 * VMCS. The executor writes exit information through it.
 */
struct vmcs_image *sim_vmcs(struct sim *sim);

/* The launch state of the current VMCS (false when there is none). */
bool sim_vmcs_launched(const struct sim *sim);

/*
 * The verdict of the last VMLAUNCH/VMRESUME's checks, including which
 * check failed (vmx_check_table). VMX_ENTRY_OK before the first one, and
 * for an entry that passed every check.
 */
const struct vmx_entry_verdict *sim_last_entry(const struct sim *sim);

/*
 * Makes the next VMLAUNCH/VMRESUME execute as if it followed MOV SS or
 * POP SS (events blocked by MOV SS): it then fails with error 26. The
 * condition lasts for that one instruction.
 */
void sim_set_mov_ss_blocking(struct sim *sim, bool blocked);

/*
 * Installs `fn` (with `ctx`) as the executor after creation, or removes it
 * (fn NULL). The guest-execution engine (engine.h) does this itself.
 */
void sim_set_executor(struct sim *sim, sim_execute_fn fn, void *ctx);

/* The executor installed now (NULL when none). */
sim_execute_fn sim_executor(const struct sim *sim);

/*
 * Says that the caller changed host memory directly (through sim_host_mem
 * or a page's hva) in a way the guest may execute: the next VM entry
 * re-reads all guest code. The sim's own writers need no such call:
 * after gpa_write, alloc_page or the model's stores the entry re-translates
 * only the pages they changed, after a snapshot restore all of it.
 */
void sim_note_host_write(struct sim *sim);

/* The same for the pages of [hpa, hpa + len) only (bytes outside host memory are ignored). */
void sim_note_host_write_at(struct sim *sim, vmm_hpa_t hpa, uint64_t len);

/* IA32_FEATURE_CONTROL now (VMXON may have locked it). */
uint64_t sim_feature_control(const struct sim *sim);

/*
 * How many INVEPT / INVVPID instructions have succeeded: the executor
 * flushes its translations when these change.
 */
struct sim_invalidations {
    uint64_t invept;
    uint64_t invvpid;
};
struct sim_invalidations sim_invalidations(const struct sim *sim);

#endif /* VMM_SIMBACKEND_SIM_H */
