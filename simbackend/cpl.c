/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lowering Unicorn's CPL. A 64-bit Unicorn engine raises CPL by executing
 * IRETQ or SYSRET, but no register write lowers it again (CS writes set the
 * selector only). Restoring a context saved at CPL 0 does, so the model
 * saves everything else the processor holds, restores the CPL-0 context
 * and writes it all back: general-purpose registers, RIP, RFLAGS, control
 * registers, data-segment selectors and FS/GS bases, descriptor-table
 * registers, the MSRs Unicorn stores, and the x87/SSE state. The caller then
 * sets CS, SS, RSP, RIP and RFLAGS for CPL 0. Used by event delivery and
 * SYSCALL from CPL 3, and by VM entries that load CPL 0 after a guest left
 * Unicorn at CPL 3. Never called from inside a hook (the context is
 * restored between runs).
 */
#include "engine_internal.h"

static const int plain_regs[] = {
    UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX, UC_X86_REG_RSP,
    UC_X86_REG_RBP, UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_R8,  UC_X86_REG_R9,
    UC_X86_REG_R10, UC_X86_REG_R11, UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14,
    UC_X86_REG_R15, UC_X86_REG_RIP, UC_X86_REG_RFLAGS, UC_X86_REG_DS, UC_X86_REG_ES,
    UC_X86_REG_FPCW, UC_X86_REG_FPSW, UC_X86_REG_FPTAG, UC_X86_REG_MXCSR,
};

static const int table_regs[] = {UC_X86_REG_GDTR, UC_X86_REG_IDTR, UC_X86_REG_LDTR,
                                 UC_X86_REG_TR};

static const uint32_t kept_msrs[] = {
    VMM_MSR_IA32_STAR, VMM_MSR_IA32_LSTAR, VMM_MSR_IA32_CSTAR, VMM_MSR_IA32_FMASK,
    VMM_MSR_IA32_KERNEL_GS_BASE, VMM_MSR_IA32_TSC_AUX, VMM_MSR_IA32_PAT,
    VMM_MSR_IA32_SYSENTER_CS, VMM_MSR_IA32_SYSENTER_ESP, VMM_MSR_IA32_SYSENTER_EIP,
    0x1a0 /* IA32_MISC_ENABLE */, 0x2ff /* IA32_MTRR_DEF_TYPE */,
};

#define N(a) (sizeof a / sizeof a[0])

struct cpu_state {
    uint64_t plain[N(plain_regs)];
    uint64_t cr0, cr3, cr4, efer, fs, gs, fs_base, gs_base;
    uc_x86_mmr tables[N(table_regs)];
    uint64_t msrs[N(kept_msrs)];
    uint8_t st[8][16], xmm[16][16];
};

void eng_lower_cpl(struct sim_engine *e)
{
    uc_engine *uc = e->uc;
    struct cpu_state s = {0};
    for (size_t i = 0; i < N(plain_regs); i++)
        uc_reg_read(uc, plain_regs[i], &s.plain[i]);
    s.cr0 = eng_reg(e, UC_X86_REG_CR0);
    s.cr3 = eng_reg(e, UC_X86_REG_CR3);
    s.cr4 = eng_reg(e, UC_X86_REG_CR4);
    s.fs = eng_reg(e, UC_X86_REG_FS);
    s.gs = eng_reg(e, UC_X86_REG_GS);
    s.fs_base = eng_reg(e, UC_X86_REG_FS_BASE);
    s.gs_base = eng_reg(e, UC_X86_REG_GS_BASE);
    for (size_t i = 0; i < N(table_regs); i++)
        uc_reg_read(uc, table_regs[i], &s.tables[i]);
    uc_x86_msr m = {VMM_MSR_IA32_EFER, 0};
    uc_reg_read(uc, UC_X86_REG_MSR, &m);
    s.efer = m.value;
    for (size_t i = 0; i < N(kept_msrs); i++) {
        m = (uc_x86_msr){kept_msrs[i], 0};
        uc_reg_read(uc, UC_X86_REG_MSR, &m);
        s.msrs[i] = m.value;
    }
    for (int i = 0; i < 8; i++)
        uc_reg_read(uc, UC_X86_REG_FP0 + i, s.st[i]);
    for (int i = 0; i < 16; i++)
        uc_reg_read(uc, UC_X86_REG_XMM0 + i, s.xmm[i]);

    uc_context_restore(uc, e->clean);

    /* CR2 first (it also writes CR3 in 2.1.1), CR4.PAE before CR0.PG, EFER.LME before both. */
    eng_set(e, UC_X86_REG_CR2, e->cr2);
    eng_set(e, UC_X86_REG_CR4, s.cr4);
    eng_set(e, UC_X86_REG_CR3, s.cr3);
    m = (uc_x86_msr){VMM_MSR_IA32_EFER, s.efer};
    uc_reg_write(uc, UC_X86_REG_MSR, &m);
    eng_set(e, UC_X86_REG_CR0, s.cr0);
    for (size_t i = 0; i < N(kept_msrs); i++) {
        m = (uc_x86_msr){kept_msrs[i], s.msrs[i]};
        uc_reg_write(uc, UC_X86_REG_MSR, &m);
    }
    for (size_t i = 0; i < N(table_regs); i++)
        uc_reg_write(uc, table_regs[i], &s.tables[i]);
    eng_set(e, UC_X86_REG_FS, s.fs); /* loads from the GDT (may refuse); the bases follow */
    eng_set(e, UC_X86_REG_GS, s.gs);
    eng_set(e, UC_X86_REG_FS_BASE, s.fs_base);
    eng_set(e, UC_X86_REG_GS_BASE, s.gs_base);
    for (size_t i = 0; i < N(plain_regs); i++)
        uc_reg_write(uc, plain_regs[i], &s.plain[i]);
    for (int i = 0; i < 8; i++)
        uc_reg_write(uc, UC_X86_REG_FP0 + i, s.st[i]);
    for (int i = 0; i < 16; i++)
        uc_reg_write(uc, UC_X86_REG_XMM0 + i, s.xmm[i]);
    e->mirror.valid = false;
    e->dt_dirty = e->msr_dirty = true;
    e->plan.tlb_gen++;
}
