/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The standard exit handlers and the guest platform they serve: one
 * object (struct vmm_platform) holding the guest's CPUID policy, emulated
 * MSRs, I/O-port and MMIO buses, control-register policy, TSC source,
 * hypercall state, HLT policy, XCR0 and TPR. vmm_platform_install binds
 * every standard handler into a vCPU's handler table with the platform as
 * context; a caller may rebind any reason afterwards.
 *
 *   CPUID            the policy's answer (vmm/cpuid.h)
 *   RDMSR, WRMSR     the emulated MSR set (vmm/guest_msrs.h); #GP(0) for an
 *                    unknown MSR or a refused value
 *   I/O instruction  IN/OUT routed to the port bus; INS/OUTS and REP forms
 *                    are reported unhandled (not emulated yet)
 *   HLT              stop the run loop or resume, per `hlt`
 *   VMCALL           the hypercall ABI of vmm/hypercall.h
 *   CR access        MOV to/from CR0, CR3, CR4, CR8, CLTS, LMSW: guest/host
 *                    masks and read shadows, fixed bits, #GP for values the
 *                    processor refuses, EFER.LMA and "IA-32e mode guest"
 *                    on paging changes, PDPTEs for PAE paging under EPT
 *   XSETBV           XCR0 rules (x87 set, AVX needs SSE, paired bits,
 *                    supported bits), ECX != 0 or CPL > 0: #GP(0)
 *   INVLPG           nothing to invalidate without shadow paging: with VPID,
 *                    INVVPID of the address; RIP moves on
 *   RDTSC, RDTSCP    the caller's deterministic counter with the TSC
 *                    offset (and multiplier) applied; RDTSCP adds TSC_AUX
 *   EPT violation    the MMIO region is looked up; reported unhandled (the
 *                    emulator will perform the access) with the exit
 *                    decoded in the dump
 *   EPT misconfig    unhandled; triple fault: fatal
 */
#ifndef VMM_HANDLERS_H
#define VMM_HANDLERS_H

#include "vmm/bytesink.h"
#include "vmm/caps.h"
#include "vmm/cpuid.h"
#include "vmm/guest_msrs.h"
#include "vmm/mmio.h"
#include "vmm/portio.h"
#include "vmm/vcpu.h"

/* What HLT does. */
enum vmm_hlt_policy {
    VMM_HLT_STOP,   /* complete the HLT and return to the caller */
    VMM_HLT_RESUME, /* complete the HLT and run on (as if an interrupt woke it) */
};

/* The processor's rules for control-register values (from its capabilities). */
struct vmm_cr_policy {
    uint64_t cr0_fixed0, cr0_fixed1; /* IA32_VMX_CR0_FIXED0/1 */
    uint64_t cr4_fixed0, cr4_fixed1; /* IA32_VMX_CR4_FIXED0/1 */
    uint64_t cr4_allowed;            /* CR4 bits the guest may set (its CPUID) */
    uint8_t phys_bits;               /* the guest's MAXPHYADDR */
};

/* A deterministic time source: the "host TSC" the guest's TSC derives from. */
struct vmm_tsc_source {
    uint64_t (*read)(void *opaque); /* NULL: RDTSC exits are unhandled */
    void *opaque;
};

struct vmm_hypercall_state {
    struct vmm_byte_sink *console; /* VMM_HC_PRINT output; NULL drops it */
    bool exited;                   /* VMM_HC_EXIT was called */
    uint64_t exit_status;          /* its argument */
    uint64_t calls;                /* hypercalls made */
};

struct vmm_platform {
    struct vmm_cpuid_policy cpuid;
    struct vmm_guest_msrs msrs;
    struct vmm_port_bus ports;
    struct vmm_mmio_bus mmio;
    struct vmm_cr_policy cr;
    struct vmm_tsc_source tsc;
    struct vmm_hypercall_state hc;
    enum vmm_hlt_policy hlt;
    uint64_t xcr0;                              /* the guest's XCR0 (the backend loads it) */
    uint8_t tpr;                                /* CR8, when CR8 accesses exit */
    const struct vmm_mmio_region *last_mmio;    /* region of the last MMIO EPT violation */
    char emul_note[128];                        /* why the emulator refused, with the bytes */
};

/*
 * A platform for a guest shown `profile` on a processor with `caps`
 * (fixed CR bits): CPUID policy with APIC ID `apic_id`, the default MSR set
 * for the features that profile shows, empty buses, HLT stops, XCR0 = 1.
 */
int vmm_platform_init(struct vmm_platform *p, const struct vmx_caps *caps,
                      const struct vmm_cpuid_profile *profile, uint32_t apic_id);

/* Binds every standard handler to `vcpu` with `p` as context. */
void vmm_platform_install(struct vmm_platform *p, struct vmm_vcpu *vcpu);

/* The guest's TSC now: counter, scaled and offset as the controls say. */
int vmm_guest_tsc(struct vmm_vcpu *vcpu, const struct vmm_tsc_source *src, uint64_t *tsc);

/* The standard handlers (ctx: struct vmm_platform *). */
enum vmm_exit_action vmm_handle_cpuid(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx);
enum vmm_exit_action vmm_handle_rdmsr(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx);
enum vmm_exit_action vmm_handle_wrmsr(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx);
enum vmm_exit_action vmm_handle_io(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx);
enum vmm_exit_action vmm_handle_hlt(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx);
enum vmm_exit_action vmm_handle_vmcall(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx);
enum vmm_exit_action vmm_handle_cr_access(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx);
enum vmm_exit_action vmm_handle_xsetbv(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx);
enum vmm_exit_action vmm_handle_invlpg(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx);
enum vmm_exit_action vmm_handle_rdtsc(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx);
enum vmm_exit_action vmm_handle_rdtscp(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx);
enum vmm_exit_action vmm_handle_ept_violation(struct vmm_vcpu *v, const struct vmm_exit *e,
                                              void *ctx);
enum vmm_exit_action vmm_handle_ept_misconfig(struct vmm_vcpu *v, const struct vmm_exit *e,
                                              void *ctx);
enum vmm_exit_action vmm_handle_triple_fault(struct vmm_vcpu *v, const struct vmm_exit *e,
                                             void *ctx);
/* For reasons a caller wants reported (unhandled, with the dump) rather than unknown. */
enum vmm_exit_action vmm_handle_unhandled(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx);

#endif /* VMM_HANDLERS_H */
