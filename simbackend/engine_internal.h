/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The engine's state and the functions its files share (private to
 * simbackend/). Files:
 *   engine.c      life cycle, hooks, public API
 *   selftest.c    checks of the Unicorn internals the engine relies on
 *   execute.c     the executor: entry, the run loop, instruction boundaries
 *   load_state.c  VMCS guest state <-> Unicorn (and what it cannot hold)
 *   segcache.c    hidden segment state, CPL and code size (Unicorn's private context)
 *   linear.c      guest-linear -> host-physical (core paging and EPT walkers)
 *   translate.c   EPT: Unicorn's TLB fills, exact fault addresses, EPT exits
 *   prescan.c     block pre-scan: which instructions need the model
 *   insn.c        what the model does at each such instruction
 *   insn_cr.c     MOV CR/DR, CLTS, LMSW, SMSW
 *   insn_msr.c    RDMSR, WRMSR and the MSR state Unicorn lacks
 *   insn_io.c     IN, OUT, INS, OUTS and the I/O bitmaps
 *   insn_sysenter.c  SYSENTER, SYSEXIT
 *   task_switch.c    task-switch exits (far CALL/JMP, IRET with NT, task gates)
 *   events.c      exceptions, interrupts, NMIs: exit or IDT delivery (64-bit IDT)
 *   deliver_legacy.c  delivery through the real-mode IVT and the 32-bit IDT
 *   inject.c      event injection on VM entry
 *   exits.c       writing the exit-information fields
 */
#ifndef VMM_SIMBACKEND_ENGINE_INTERNAL_H
#define VMM_SIMBACKEND_ENGINE_INTERNAL_H

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include "engine.h"
#include "sim_internal.h"
#include "vmm/events.h" /* vector names only */
#include "vmm/ept.h"
#include "vmm/exits.h"
#include "vmm/msr.h"
#include "vmm/paging.h"

/* ---- decoded instructions (prescan.c) ---- */

/* What the model does at an instruction; each has a row in insn.c. */
enum insn_kind {
    INSN_NONE = 0,
    INSN_CPUID, INSN_GETSEC, INSN_HLT, INSN_INVD, INSN_WBINVD, INSN_INVLPG, INSN_INVPCID,
    INSN_RDPMC, INSN_RDTSC, INSN_RDTSCP, INSN_RSM,
    INSN_VMCALL, INSN_VMCLEAR, INSN_VMLAUNCH, INSN_VMPTRLD, INSN_VMPTRST, INSN_VMREAD,
    INSN_VMRESUME, INSN_VMWRITE, INSN_VMXOFF, INSN_VMXON, INSN_INVEPT, INSN_INVVPID, INSN_VMFUNC,
    INSN_MOV_TO_CR, INSN_MOV_FROM_CR, INSN_CLTS, INSN_LMSW, INSN_SMSW,
    INSN_MOV_TO_DR, INSN_MOV_FROM_DR,
    INSN_IO,
    INSN_RDMSR, INSN_WRMSR,
    INSN_MONITOR, INSN_MWAIT, INSN_PAUSE,
    INSN_SGDT, INSN_SIDT, INSN_LGDT, INSN_LIDT, INSN_SLDT, INSN_STR, INSN_LLDT, INSN_LTR,
    INSN_XSETBV, INSN_XSAVES, INSN_XRSTORS, INSN_RDRAND, INSN_RDSEED,
    INSN_ENCLS, INSN_UNMODELLED_UD, /* instructions the model refuses with #UD */
    INSN_STI, INSN_MOV_SS, INSN_POPF, INSN_IRET, INSN_SYSRET,
    INSN_MOV_SEG, /* MOV/POP to DS, ES, FS, GS; LDS, LES, LFS, LGS, LSS: segment caches change */
    INSN_INT, INSN_INT3, INSN_INT1, INSN_INTO, INSN_SYSCALL,
    INSN_LJMP, INSN_LCALL, INSN_RETF, /* far: the code size may change (LJMP/LCALL: task switch) */
    INSN_SYSENTER, INSN_SYSEXIT,
    INSN_KIND_COUNT
};

#define INSN_REG_NONE 0xffu
#define INSN_REG_RIP 0xfeu

/* Operand flags. */
enum {
    INSN_F_MEM = 1u << 0,    /* has a memory operand (mem below) */
    INSN_F_REP = 1u << 1,    /* REP/REPE/REPNE prefix */
    INSN_F_IMM = 1u << 2,    /* I/O port in an immediate */
    INSN_F_STRING = 1u << 3, /* INS/OUTS */
    INSN_F_IN = 1u << 4,     /* IN/INS */
};

/* A memory operand, as VMX instruction information encodes it. */
struct insn_mem {
    uint8_t seg;       /* 0 ES, 1 CS, 2 SS, 3 DS, 4 FS, 5 GS */
    uint8_t base;      /* GPR 0-15, INSN_REG_RIP or INSN_REG_NONE */
    uint8_t index;     /* GPR 0-15 or INSN_REG_NONE */
    uint8_t scale;     /* log2: 0-3 */
    uint8_t addr_size; /* bytes: 2, 4 or 8 */
    int64_t disp;
};

struct insn {
    uint64_t addr; /* guest-linear address */
    uint8_t len;
    uint8_t kind;      /* enum insn_kind */
    uint8_t flags;     /* INSN_F_* */
    uint8_t reg1;      /* first register operand (GPR number) or INSN_REG_NONE */
    uint8_t reg2;      /* second register operand or INSN_REG_NONE */
    uint8_t ctl;       /* control/debug register number for MOV CR/DR */
    uint8_t opsize;    /* operand size in bytes (I/O access size, RDRAND size) */
    uint16_t imm;      /* I/O port or interrupt vector */
    struct insn_mem mem;
};

/* ---- the block plan (prescan.c) ---- */

/* One translated block as the pre-scan saw it. */
struct plan_block {
    uint64_t addr, cr3;
    uint32_t size;        /* bytes, as Unicorn reported them (0 for a block that faults at once) */
    uint32_t len;         /* bytes decoded and compared: size, or one instruction's worth */
    uint32_t bytes;       /* offset of a copy of the block's bytes in plan.bytes */
    uint32_t first;       /* index of its first planted instruction in plan.insns */
    uint32_t count;       /* planted instructions */
    uint64_t hpa[2];      /* host-physical address of its first byte and of its second page */
    uint64_t tlb_gen;     /* plan.tlb_gen when hpa[] was last translated */
    uint32_t used;        /* plan.epoch when recorded (an older epoch: a free slot) */
};

struct plan {
    struct plan_block *blocks; /* open addressing, `cap` slots */
    uint32_t cap, n;
    uint32_t epoch;            /* plan_clear starts a new one */
    struct insn *insns;
    uint32_t insns_n, insns_cap;
    uint8_t *bytes;
    uint32_t bytes_n, bytes_cap;
    uint64_t tlb_gen;          /* bumped whenever translations may have changed */
    uint64_t scans;            /* blocks decoded (statistics) */
    /*
     * Decoded instructions by content (the 15 bytes from their start and
     * the Capstone handle, i.e. the code size): a block decoded again, or
     * one that starts inside another, costs no Capstone call. Never stale,
     * so plan_clear keeps it.
     */
    struct decoded *decoded;   /* direct-mapped, PLAN_DECODED slots */
    cs_insn *scratch;          /* Capstone's output buffer, for scratch_cs */
    csh scratch_cs;
    uint64_t decode_hits, decode_misses;
};

/* ---- events (events.c) ---- */

struct event {
    uint8_t type;    /* enum vmx_event_type */
    uint8_t vector;
    bool has_error;
    uint32_t error;
    uint8_t instr_len; /* software events: length of the instruction */
    uint64_t cr2;      /* #PF: the faulting linear address */
    uint64_t dr6;      /* #DB: the debug-exception qualification bits */
    bool raised_fault; /* a fault of guest execution (not injected): pushes RF, #PF writes CR2 */
};

/* Why the last uc_emu_start ended (set by the hooks). */
enum stop_kind {
    STOP_NONE = 0,
    STOP_EXIT,     /* a VM exit is recorded in e->exit */
    STOP_EVENT,    /* an exception to deliver (e->stop_event), RIP at the fault */
    STOP_BOUNDARY, /* an instruction boundary the run loop wants to look at */
    STOP_HALT,     /* HLT executed without exiting: the activity state is HLT */
    STOP_SYSCALL,  /* SYSCALL, SYSENTER, SYSEXIT: performed between runs (they load CS, SS) */
    STOP_FAILED,   /* something the engine cannot model (e->status says what) */
};

/* An EPT violation or misconfiguration met by a translation (translate.c). */
struct ept_fault {
    bool pending;
    uint8_t reason;   /* 48 or 49 */
    uint64_t qual;    /* 48: access, rights, GLA valid (7), final translation (8) */
    uint64_t gpa;     /* exact, except a final translation found by a fill: the page */
    uint64_t gla;     /* the linear address being translated (exact, or a fill's page) */
    bool final;       /* the access was to the final translation (else a paging-structure entry) */
};

/* The VM exit being produced. */
struct exit_record {
    uint32_t reason;
    uint64_t qual;
    uint64_t gla;
    bool gla_valid;
    uint64_t gpa;      /* guest-physical address (EPT exits) */
    uint32_t len;      /* instruction length, 0 when not defined */
    uint32_t info;     /* instruction information, 0 when not defined */
    uint32_t intr_info, intr_error;
    uint32_t idt_info, idt_error; /* the event whose delivery the exit interrupted */
};

/* ---- the engine ---- */

/* Controls and other VMCS values read once per entry. */
struct entry_ctls {
    uint32_t pin, proc, proc2, exit, entry;
    uint64_t proc3;
    uint32_t exc_bitmap, pfec_mask, pfec_match;
    uint64_t cr0_mask, cr0_shadow, cr4_mask, cr4_shadow;
    uint32_t cr3_target_count;
    uint64_t cr3_target[4];
    uint64_t tsc_offset, tsc_multiplier;
    uint64_t io_bitmap[2], msr_bitmap, vapic;
    uint32_t tpr_threshold;
    uint64_t vmfunc_ctl;
};

/* A segment register as the processor holds it; ar in VMX form (bit 16: unusable). */
struct seg_state {
    uint16_t sel;
    uint64_t base;
    uint32_t limit, ar;
};

enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, SEG_COUNT };
#define SEG_DATA_COUNT 6 /* ES ... GS: the registers whose hidden part segcache.c reaches */

/* What Unicorn holds, as the model last wrote or read it (load_state.c). */
struct mirror {
    bool valid;
    uint64_t gpr[16];  /* 0 RAX ... 15 R15 (4 = RSP) */
    uint64_t rip, rflags, cr0, cr3, cr4;
    uint64_t sel[6];   /* ES CS SS DS FS GS */
    uint64_t fs_base, gs_base;
    uint64_t efer, pat, sysenter[3];
    uc_x86_mmr gdtr, idtr, ldtr, tr;
};

struct sim_engine {
    struct sim *sim;
    struct sim_engine_config cfg;
    uc_engine *uc;
    csh cs;            /* the Capstone handle of the current code size (cs_by_size) */
    uc_context *ctx;   /* scratch for the private fields: error code, old_exception, segments */

    struct sim_engine_status status;
    struct vmcs_image *vmcs; /* the current VMCS while an entry runs */
    struct entry_ctls ctl;

    /* What Unicorn holds from the last entry (a VMRESUME of the same VMCS loads only changes). */
    bool loaded;
    vmm_hpa_t loaded_vmcs;
    struct seg_state seg[SEG_COUNT]; /* as entry loaded or the exit stored them */
    struct mirror mirror;
    bool dt_dirty;         /* the guest may have changed GDTR/IDTR/LDTR/TR (LGDT ... LTR ran) */
    bool msr_dirty;        /* ... EFER, PAT or SYSENTER MSRs (WRMSR, MSR lists, CR0 writes) */
    uint64_t cr3;          /* the guest's CR3 now (the plan's key; MOV CR3 keeps it) */
    unsigned code_bytes;   /* code size of the running code: 2, 4 or 8 (segcache.c) */
    bool mode_stale;       /* an instruction that may change it ran: recompute before decoding */
    bool seg_dirty;        /* the caches may differ from e->seg (a load ran): read at exit */
    csh cs_by_size[3];     /* Capstone for 16-, 32- and 64-bit code (index code_bytes >> 2) */
    uint64_t pdpte[4];     /* PAE paging with EPT: the PDPTE registers (entry, MOV CR3/CR0/CR4) */

    /* Processor state Unicorn lacks. */
    uint64_t cr4_model;    /* CR4 bits Unicorn's CPU model has no use for (VMXE) */
    uint64_t cr2;          /* architectural CR2 (Unicorn's is overwritten by #PF exits) */
    uint64_t cr8;          /* TPR without "use TPR shadow" */
    uint64_t dr[8];        /* debug registers (never armed: Unicorn cannot) */
    uint64_t debugctl, spec_ctrl, tsc_adjust;
    uint64_t rng;          /* RDRAND/RDSEED: a deterministic generator */
    bool monitor_armed;

    /* Time: the TSC counts retired instructions. */
    uint64_t icount;
    uint64_t counted_addr;   /* the last instruction the code hook counted (linear) */
    uint64_t counted_icount; /* icount right after counting it */
    uint64_t unread_rip;     /* the last block the pre-scan could not read, and when */
    uint64_t unread_icount;
    bool unread_stop;        /* stopped before it: flush Unicorn's TLB and go on */
    uint64_t deadline;     /* the code hook stops at the boundary where icount reaches it */
    bool timer_on;
    uint64_t timer_expiry; /* icount at which the VMX-preemption timer reaches 0 */
    uint64_t mtf_from;     /* MTF: an exit is pending once icount passes this */
    bool mtf_pending;      /* ... or after an event delivery */

    /* Interruptibility and activity. */
    uint64_t shadow_at;    /* STI / MOV-SS blocking holds at the boundary where icount == shadow_at */
    bool shadow_sti, shadow_movss;
    bool nmi_blocked;      /* blocking by NMI (virtual-NMI blocking with "virtual NMIs") */
    bool halted;           /* activity state HLT */
    bool nmi_pending;
    uint64_t irr[4];       /* pending external interrupts, bit per vector */

    /* The current run. */
    enum stop_kind stop;
    struct event stop_event;
    uint8_t syscall_len;     /* STOP_SYSCALL: the instruction's length ... */
    uint8_t syscall_kind;    /* ... and kind: INSN_SYSCALL, INSN_SYSENTER, INSN_SYSEXIT */
    bool syscall_wide;       /* SYSEXIT with REX.W: back to 64-bit code */
    struct exit_record exit;
    bool exit_ready;
    struct event delivering; /* the event whose delivery is in progress (IDT vectoring) */
    bool delivering_valid;
    uint32_t cur_next;       /* index into plan.insns of the next planted instruction */
    uint32_t cur_end;        /* one past the block's last planted instruction */
    uint64_t cur_next_addr;  /* its address, or NO_ADDR */
    uint64_t cur_block_end;  /* guest-linear end of the running block */

    /* EPT (translate.c): Unicorn asks the fill hook for every page while it is on. */
    bool ept_on;
    uint64_t eptp;              /* the EPT pointer Unicorn's TLB was filled under */
    bool tlb_virtual;           /* Unicorn's TLB mode is UC_TLB_VIRTUAL */
    bool fill_identity;         /* fills map an address to itself (code_drop_stale) */
    struct ept_walk_cfg ept_cfg;
    struct ept_fault ept_fault; /* what a refused translation met */
    bool fill_pf;               /* a fill was refused for a guest #PF (fill_pf_error) */
    bool fill_gp;               /* ... for a non-canonical address (#GP(0)) */
    uint32_t fill_pf_error;
    uint64_t fill_page;         /* the refused fill's page and access type */
    int fill_type;

    struct plan plan;
    struct sim_invalidations inval;

    /*
     * Snapshots (snapshot.c). While any exists, Unicorn runs in
     * UC_TLB_VIRTUAL mode with or without EPT, so the first write to each
     * page after a take or restore comes to the fill hook and is recorded.
     */
    unsigned snapshots;                 /* how many exist */
    bool restored;                      /* a restore changed memory: flush the TLB at the next entry */
    const struct sim_snapshot *snap_base; /* memory equals it except for the pages written */
};

/* ---- shared helpers ---- */

#define NO_ADDR (~0ull)

static inline uint64_t eng_reg(struct sim_engine *e, int reg)
{
    uint64_t v = 0;
    uc_reg_read(e->uc, reg, &v);
    return v;
}

static inline void eng_set(struct sim_engine *e, int reg, uint64_t v)
{
    uc_reg_write(e->uc, reg, &v);
}

/* The Unicorn register of general-purpose register n (0 RAX ... 15 R15). */
int eng_gpr_reg(unsigned n);
uint64_t eng_gpr(struct sim_engine *e, unsigned n);
void eng_set_gpr(struct sim_engine *e, unsigned n, uint64_t v);

/* The current privilege level (CS selector RPL, as Unicorn holds it). */
unsigned eng_cpl(struct sim_engine *e);

/* Stops the run with `kind` (from inside a hook). */
void eng_stop(struct sim_engine *e, enum stop_kind kind);

/* Stops with an engine failure: status and reason recorded. */
void eng_fail(struct sim_engine *e, enum sim_engine_refusal why, const char *what, uint64_t value);

/* CR4 bits the model keeps beside Unicorn's CR4 (Unicorn's CPU model has no VMX). */
#define ENG_CR4_MODEL_BITS (1ull << 13)

/* CR4 features Unicorn's Skylake-client model lacks: UMIP, LA57, KL, PKE, CET, PKS, UINTR, LAM, FRED. */
#define ENG_CR4_UNSUPPORTED ((1ull << 11) | (1ull << 12) | (1ull << 19) | (1ull << 22) | \
                             (1ull << 23) | (1ull << 24) | (1ull << 25) | (1ull << 28) | \
                             0xffffffff00000000ull)

/* The guest's CR4: Unicorn's plus the model's bits. */
static inline uint64_t eng_cr4(struct sim_engine *e)
{
    return eng_reg(e, UC_X86_REG_CR4) | e->cr4_model;
}

/* Instruction boundaries: stop there when icount reaches `at`. */
static inline void eng_check_at(struct sim_engine *e, uint64_t at)
{
    if (at < e->deadline)
        e->deadline = at;
}

/* Whether STI or MOV-SS blocking holds at the current boundary. */
static inline bool eng_shadow(const struct sim_engine *e)
{
    return e->shadow_at == e->icount && (e->shadow_sti || e->shadow_movss);
}

/* The guest's TSC as RDTSC returns it (offsetting and scaling applied). */
uint64_t eng_guest_tsc(const struct sim_engine *e);

/* The sim's executor (execute.c). */
struct vmx_status eng_execute(void *ctx, struct sim *sim, enum vmm_entry_kind kind,
                              struct vmm_guest_gprs *gprs);

/* ---- segcache.c (between runs, or in hooks that then stop) ---- */

/* ES, CS, SS, DS, FS, GS as the processor holds them (one context save; the code size too). */
void seg_read(struct sim_engine *e, struct seg_state s[SEG_DATA_COUNT]);

/*
 * Loads the segments in `mask` (bit n: register n) with their hidden parts,
 * and recomputes what follows from them: CPL (SS.DPL), code and stack
 * sizes, the code size the pre-scan decodes with. Control registers, EFER
 * and RFLAGS must already hold their new values.
 */
void seg_write(struct sim_engine *e, unsigned mask, const struct seg_state s[SEG_DATA_COUNT]);

/* Recomputes e->code_bytes (and e->cs) after the guest may have changed modes. */
void seg_refresh_mode(struct sim_engine *e);

/* What loading `sel` with descriptor `desc` (8 bytes) puts in a segment register. */
struct seg_state seg_from_descriptor(uint16_t sel, uint64_t desc);

/* The linear address of `offset` in segment `seg` (64-bit mode: only FS/GS have a base). */
uint64_t seg_linear(struct sim_engine *e, unsigned seg, uint64_t offset);

/* Whether the private layout segcache.c relies on holds (self-test, on a fresh engine). */
bool seg_layout_ok(uc_engine *uc, uc_context *ctx);

/* ---- selftest.c ---- */

/* Checks the Unicorn private layout on `uc` (unmapped, fresh). VMM_OK or VMM_E_UNSUPPORTED. */
int eng_selftest(uc_engine *uc, const char **why);

#define UC211_CTX_SIZE 5552u
#define UC211_OFF_ERROR_CODE 5372u
#define UC211_OFF_OLD_EXC 5484u
#define UC211_OFF_ENV 20u       /* QEMU's CPUX86State inside the context blob */
#define QEMU_OFF_HFLAGS 176u    /* ... its hflags */
#define QEMU_OFF_SEGS 184u      /* ... segs[6]: 24 bytes each */
#define QEMU_OFF_GDT 376u       /* ... gdt (a segment cache) */

/* Reads the pending error code and clears old_exception (from the INTR hook). */
uint32_t eng_take_error_code(uc_engine *uc, uc_context *ctx);

/* ---- linear.c ---- */

/* The guest's paging state as Unicorn holds it now. */
void lin_paging_state(struct sim_engine *e, struct paging_state *ps);

/*
 * Guest-linear `gva` to host-physical, for `access` (PAGING_ACCESS_*):
 * the guest's paging, then EPT when it is on. VMM_OK; VMM_E_FAULT with a
 * #PF in *pf (may be NULL); VMM_E_STATE with e->ept_fault recorded;
 * VMM_E_RANGE for a non-canonical address. *perms gets what the guest's
 * paging and EPT allow (EPT_R/W/X) when not NULL.
 */
int lin_translate(struct sim_engine *e, const struct paging_state *ps, uint64_t gva,
                  unsigned access, uint64_t *hpa, struct event *pf, unsigned *perms);

/*
 * Reads / writes `len` bytes at guest-linear `gva` as the processor's own
 * (implicit, supervisor) accesses do, page by page. VMM_OK, or a #PF in
 * *pf (VMM_E_FAULT), an EPT exit pending (VMM_E_STATE), or VMM_E_RANGE for
 * a non-canonical address (#GP).
 */
int lin_read(struct sim_engine *e, uint64_t gva, void *buf, size_t len, unsigned access,
             struct event *pf);
int lin_write(struct sim_engine *e, uint64_t gva, const void *buf, size_t len, unsigned access,
              struct event *pf);

/* The host-physical address of `gva` for an instruction fetch, or NO_ADDR. */
uint64_t lin_fetch_hpa(struct sim_engine *e, uint64_t gva);

/* Whether the guest uses PAE paging now (CR0.PG, CR4.PAE, not IA-32e mode). */
bool lin_pae(struct sim_engine *e);

/*
 * Loads the PDPTE registers from the table `cr3` points at (MOV CR3, or
 * MOV CR0/CR4 that changes paging, in PAE mode), through EPT. VMM_OK; VMM_E_FAULT for a
 * present entry with reserved bits (#GP(0)); VMM_E_STATE with the EPT exit
 * recorded in e->ept_fault (no linear address).
 */
int lin_load_pdptes(struct sim_engine *e, uint64_t cr3);

/* ---- translate.c ---- */

/* EPT for this entry: the walk configuration and Unicorn's TLB mode. */
bool xlat_entry(struct sim_engine *e);

/* Unicorn's TLB-fill hook (UC_TLB_VIRTUAL): the guest's paging, then EPT. */
bool xlat_fill(uc_engine *uc, uint64_t vaddr, uc_mem_type type, uc_tlb_entry *entry, void *user);

/* After Unicorn stopped on a refused fill: the #PF or EPT exit, at the exact address. */
void xlat_fill_refused(struct sim_engine *e);

/* An EPT exit for e->ept_fault (exact addresses), reporting an event being delivered. */
void xlat_ept_exit(struct sim_engine *e);

/* ---- prescan.c ---- */

int plan_init(struct plan *p);
void plan_fini(struct plan *p);
void plan_clear(struct plan *p);

/* The plan of the block Unicorn is about to run (decoding it if needed); NULL if unreadable. */
const struct plan_block *plan_block_for(struct sim_engine *e, uint64_t addr, uint32_t size);

/* The memory operand `op` of a decoded instruction at `addr` (length `len`) as an insn. */
bool plan_decode_mem(const cs_x86 *x, const cs_x86_op *op, uint64_t addr, uint8_t len,
                     struct insn *out);

/* Decodes one instruction at `bytes` (the pre-scan's classification); false if undecodable. */
bool plan_decode(csh cs, unsigned code_bytes, const uint8_t *bytes, size_t n, uint64_t addr,
                 struct insn *out);

/* ---- insn.c and friends ---- */

/* What a handler did with the instruction. */
enum insn_action {
    ACT_EXECUTE,  /* Unicorn executes it */
    ACT_DONE,     /* the model performed it and moved RIP past it */
    ACT_STOP,     /* the run stops before it (exit or event recorded) */
};

/* Runs the model's part of planted instruction `in` (from the code hook). */
enum insn_action insn_handle(struct sim_engine *e, const struct insn *in);

/* Helpers for handlers. */
enum insn_action insn_exit(struct sim_engine *e, const struct insn *in, uint32_t reason,
                           uint64_t qual, uint32_t info);
enum insn_action insn_fault(struct sim_engine *e, uint8_t vector, bool has_error, uint32_t error);
enum insn_action insn_done(struct sim_engine *e, const struct insn *in);
/* The linear address of a memory operand. */
uint64_t insn_mem_address(struct sim_engine *e, const struct insn *in);

enum insn_action insn_cr(struct sim_engine *e, const struct insn *in);
enum insn_action insn_dr(struct sim_engine *e, const struct insn *in);
enum insn_action insn_io(struct sim_engine *e, const struct insn *in);
enum insn_action insn_msr(struct sim_engine *e, const struct insn *in);

/* SYSCALL, SYSENTER or SYSEXIT (e->syscall_kind) of length `len` at RIP (between runs). */
void insn_syscall(struct sim_engine *e, uint8_t len);

/* Task switches (task_switch.c): exit 9 for far CALL/JMP to a TSS or task gate, IRET with NT. */
enum insn_action task_switch_far(struct sim_engine *e, const struct insn *in, bool call);
enum insn_action task_switch_iret(struct sim_engine *e, const struct insn *in);
/* ... and for a task gate met by event delivery `ev` (the exit is recorded). */
void task_switch_gate_exit(struct sim_engine *e, const struct event *ev, uint16_t tss);

/* SYSENTER / SYSEXIT (insn_sysenter.c): the checks in the hook, the loads between runs. */
enum insn_action insn_sysenter(struct sim_engine *e, const struct insn *in);
void insn_sysenter_perform(struct sim_engine *e);

/* The model's RDMSR / WRMSR (no VM exit involved): false means #GP(0). */
bool msr_read(struct sim_engine *e, uint32_t index, uint64_t *value);
bool msr_write(struct sim_engine *e, uint32_t index, uint64_t value);

/* Unicorn's hooks for IN/OUT that do not exit: nothing answers (all ones). */
uint32_t io_in_hook(uc_engine *uc, uint32_t port, int size, void *user);
void io_out_hook(uc_engine *uc, uint32_t port, int size, uint32_t value, void *user);

/* ---- events.c ---- */

/* #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP push an error code. */
bool eng_has_error_code(unsigned vector);

/* The outcome of one delivery attempt through the IDT or IVT. */
enum delivery { DELIVERED, NESTED_FAULT, DELIVERY_STOPPED };

/* Shared by the delivery paths: a hardware exception, and what a failed access means. */
struct event ev_fault(uint8_t vector, uint32_t error);

/*
 * The checks of an IDT gate every mode makes: its type is one of `types`
 * (GATE_TYPE bits), INT n / INT3 / INTO need CPL <= the gate's DPL, and
 * the gate is present. False with the #GP or #NP (idt_code) in *nested.
 */
#define GATE_TYPE(t) (1u << (t))
bool ev_gate_usable(struct sim_engine *e, const struct event *ev, const uint8_t *gate,
                    unsigned types, uint32_t idt_code, struct event *nested);
enum delivery ev_access_failed(struct sim_engine *e, int rc, const struct event *pf,
                               struct event *nested, uint8_t vector, uint32_t code);
bool ev_software(uint8_t type);
/* The descriptor of `sel` from the GDT or LDT (#GP(sel | ext) beyond the limit). */
enum delivery ev_read_descriptor(struct sim_engine *e, uint16_t sel, uint32_t ext,
                                 uint64_t *desc, struct event *nested);

/* Real-address mode (IVT) and 32-bit protected mode (IDT) delivery (deliver_legacy.c). */
enum delivery ev_deliver_real(struct sim_engine *e, const struct event *ev, struct event *nested);
enum delivery ev_deliver_prot32(struct sim_engine *e, const struct event *ev,
                                struct event *nested);

/*
 * Handles exception `ev` raised at the current RIP (a fault: RIP is the
 * instruction) or, for a software event, at the instruction of length
 * ev.instr_len: a VM exit (exception bitmap), or delivery through the
 * guest IDT, with #DF and triple-fault escalation.
 */
void ev_raise(struct sim_engine *e, const struct event *ev);

/* Delivers `ev` through the guest IDT as VM entry or an interrupt does. */
void ev_deliver(struct sim_engine *e, const struct event *ev);

/*
 * At an instruction boundary: the highest-priority pending event that
 * may happen now (MTF, preemption timer, NMI window, NMI, interrupt
 * window, external interrupt). Returns true if it exited or delivered.
 */
bool ev_boundary(struct sim_engine *e);

/* Whether something is pending that waits for blocking to end. */
bool ev_waiting(struct sim_engine *e);

/* Highest pending external interrupt, or -1. */
int ev_pending_vector(const struct sim_engine *e);

/* ---- inject.c ---- */

/* The event VM entry injects (VM-entry interruption information), if any. */
void inject_on_entry(struct sim_engine *e);

/* ---- exits.c ---- */

/* Records a VM exit (the run stops). */
void exit_set(struct sim_engine *e, uint32_t reason, uint64_t qual);

/* Writes the exit-information fields of e->exit into the VMCS. */
void exit_write(struct sim_engine *e);

/* VM-exit instruction information for a memory operand (and register fields). */
uint32_t exit_info_mem(const struct insn *in);

/* ---- load_state.c ---- */

/* Checks what Unicorn can hold and loads the guest; false (status set) to refuse. */
bool state_load(struct sim_engine *e, enum vmm_entry_kind kind, const struct vmm_guest_gprs *gprs);

/* Stores the guest's state into the VMCS and gprs at a VM exit. */
void state_store(struct sim_engine *e, struct vmm_guest_gprs *gprs);

/* VM-entry MSR-load list, VM-exit MSR-store list. */
void state_entry_msrs(struct sim_engine *e);
void state_exit_msrs(struct sim_engine *e);

#endif /* VMM_SIMBACKEND_ENGINE_INTERNAL_H */
