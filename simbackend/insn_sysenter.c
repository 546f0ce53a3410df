/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SYSENTER and SYSEXIT (SDM Vol. 2B), which Unicorn 2.1.1 treats as
 * no-ops (RIP moves past them, nothing else changes): the model performs
 * them. The checks (#GP(0) outside protected mode, with a null
 * IA32_SYSENTER_CS, SYSEXIT at CPL > 0) happen at the planted instruction;
 * the loads of CS and SS, which go through segcache.c, between runs.
 *
 *   SYSENTER  CS = SYSENTER_CS & FFFCH, SS = CS + 8, flat, CPL 0 (64-bit
 *             code in IA-32e mode); RSP/RIP from SYSENTER_ESP/EIP;
 *             RFLAGS.VM, IF and RF cleared.
 *   SYSEXIT   CS = SYSENTER_CS + 16 (REX.W: + 32) | 3, SS = CS + 8, flat,
 *             CPL 3; RSP = RCX, RIP = RDX (truncated to 32 bits without
 *             REX.W).
 */
#include "engine_internal.h"

#define RFLAGS_IF (1ull << 9)
#define RFLAGS_RF (1ull << 16)
#define RFLAGS_VM (1ull << 17)
#define AR_CODE32 0xc09bu
#define AR_CODE64 0xa09bu
#define AR_DATA 0xc093u
#define AR_DPL3 (3u << 5)

/* Whether the SYSEXIT at `in` carries REX.W (a return to 64-bit code). */
static bool rex_w(struct sim_engine *e, const struct insn *in)
{
    uint8_t b[15];
    if (e->code_bytes != 8 || in->len < 3 || in->len > sizeof b ||
        lin_read(e, in->addr, b, in->len, 0, NULL) != VMM_OK)
        return false;
    uint8_t rex = b[in->len - 3];
    return (rex & 0xf0) == 0x40 && (rex & 8);
}

enum insn_action insn_sysenter(struct sim_engine *e, const struct insn *in)
{
    uint64_t cs = 0;
    msr_read(e, VMM_MSR_IA32_SYSENTER_CS, &cs);
    bool exit = in->kind == INSN_SYSEXIT;
    if (!(eng_reg(e, UC_X86_REG_CR0) & 1) || !(cs & 0xfffc) || (exit && eng_cpl(e) != 0))
        return insn_fault(e, VMX_VEC_GP, true, 0);
    e->syscall_len = in->len;
    e->syscall_kind = in->kind;
    e->syscall_wide = exit && rex_w(e, in);
    eng_stop(e, STOP_SYSCALL);
    return ACT_STOP;
}

void insn_sysenter_perform(struct sim_engine *e)
{
    uint64_t cs = 0, esp = 0, eip = 0, efer = 0;
    msr_read(e, VMM_MSR_IA32_SYSENTER_CS, &cs);
    msr_read(e, VMM_MSR_IA32_SYSENTER_ESP, &esp);
    msr_read(e, VMM_MSR_IA32_SYSENTER_EIP, &eip);
    msr_read(e, VMM_MSR_IA32_EFER, &efer);
    bool ia32e = efer & VMM_EFER_LMA;
    struct seg_state seg[SEG_DATA_COUNT];
    uint16_t sel = (uint16_t)(cs & 0xfffc);
    if (e->syscall_kind == INSN_SYSENTER) {
        uint64_t rflags = eng_reg(e, UC_X86_REG_RFLAGS);
        eng_set(e, UC_X86_REG_RFLAGS, rflags & ~(RFLAGS_VM | RFLAGS_IF | RFLAGS_RF));
        eng_set(e, UC_X86_REG_RSP, ia32e ? esp : (uint32_t)esp);
        eng_set(e, UC_X86_REG_RIP, ia32e ? eip : (uint32_t)eip);
        seg[SEG_CS] = (struct seg_state){sel, 0, 0xffffffff, ia32e ? AR_CODE64 : AR_CODE32};
        seg[SEG_SS] = (struct seg_state){(uint16_t)(sel + 8), 0, 0xffffffff, AR_DATA};
    } else {
        bool to64 = e->syscall_wide;
        uint16_t user = (uint16_t)((sel + (to64 ? 32 : 16)) | 3);
        uint64_t rcx = eng_reg(e, UC_X86_REG_RCX), rdx = eng_reg(e, UC_X86_REG_RDX);
        eng_set(e, UC_X86_REG_RSP, to64 ? rcx : (uint32_t)rcx);
        eng_set(e, UC_X86_REG_RIP, to64 ? rdx : (uint32_t)rdx);
        seg[SEG_CS] = (struct seg_state){user, 0, 0xffffffff,
                                         (to64 ? AR_CODE64 : AR_CODE32) | AR_DPL3};
        seg[SEG_SS] = (struct seg_state){(uint16_t)(user + 8), 0, 0xffffffff, AR_DATA | AR_DPL3};
    }
    seg_write(e, 1u << SEG_CS | 1u << SEG_SS, seg);
    e->icount++;
}
