/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EPT violations and misconfigurations. A violation inside an MMIO region
 * is a device access: the x86 emulator performs the instruction at RIP
 * (fetched through the guest's paging, its accesses to MMIO regions going
 * to the platform's devices, the rest to guest RAM), then the registers
 * and RIP are written back; a fault it raises is injected; an instruction
 * it does not emulate stops the vCPU unhandled with its bytes in the note.
 * A violation elsewhere is an access to memory the guest does not have.
 */
#include "handler_util.h"
#include "vmm/textbuf.h"

/* REP string iterations per exit; the rest re-exits and resumes. */
#define MMIO_REP_ITERATIONS 64u

/* An instruction that would need the guest's vector registers, which the vCPU does not hold. */
static bool uses_vector_registers(const struct x86_insn *in)
{
    uint8_t op = in->opcode;
    if (in->encoding != X86_ENC_LEGACY)
        return true;
    if (in->map == X86_MAP_0F38 || in->map == X86_MAP_0F3A)
        return !(in->map == X86_MAP_0F38 && (op == 0xf0 || op == 0xf1)); /* MOVBE */
    return in->map == X86_MAP_0F && ((op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2f) ||
                                     (op >= 0x50 && op <= 0x7f) || (op >= 0xc2 && op <= 0xc6 && op != 0xc3) ||
                                     op >= 0xd0);
}

static enum vmm_exit_action refuse(struct vmm_vcpu *v, struct vmm_platform *p, const char *why,
                                   const struct x86_emul_result *res)
{
    struct vmm_textbuf tb;
    tb_init(&tb, p->emul_note, sizeof p->emul_note);
    tb_puts(&tb, "MMIO access not emulated: ");
    tb_puts(&tb, why);
    tb_puts(&tb, "; bytes");
    static const char hex[] = "0123456789abcdef";
    unsigned n = res->insn.len ? res->insn.len : res->nbytes; /* the instruction, or all fetched */
    for (unsigned i = 0; i < n && i < res->nbytes && i < X86_MAX_INSN_LEN; i++) {
        tb_putc(&tb, ' ');
        tb_putc(&tb, hex[res->bytes[i] >> 4]);
        tb_putc(&tb, hex[res->bytes[i] & 15]);
    }
    return vmm_vcpu_unhandled(v, p->emul_note);
}

static enum vmm_exit_action write_back(struct vmm_vcpu *v, const struct x86_cpu_state *st,
                                       const struct x86_emul_result *res)
{
    HTRY(v, emul_state_store(v, st), "writing back the emulated registers failed");
    if (res->rep_incomplete)
        return VMM_EXIT_RESUME; /* RIP stays: the guest re-executes the rest */
    /* the instruction's length is known now: complete it as any emulated instruction */
    v->exit.instr_len = res->insn.len;
    v->exit.have |= VMM_EXIT_HAVE_LEN;
    return complete(v);
}

static enum vmm_exit_action emulate_mmio(struct vmm_vcpu *v, struct vmm_platform *p,
                                         const struct vmm_exit *e, const struct vmx_qual_ept *q)
{
    struct x86_cpu_state st;
    HTRY(v, emul_state_load(v, p, &st), "reading the guest state for the emulator failed");
    struct emul_mem_ctx mctx = {v, p};
    const struct x86_emul_mem mem = emul_mem_of(&mctx);
    /* the exit's own translation of the access spares the emulator that page walk */
    const struct x86_emul_options opt = {
        .max_rep_iterations = MMIO_REP_ITERATIONS,
        .has_gla = q->gla_valid && q->final_translation,
        .gla_write = q->write,
        .gla = e->guest_linear,
        .gpa = e->guest_physical,
    };
    struct x86_emul_result res;
    HTRY(v, x86_emulate(&st, &mem, &opt, &res), "the emulator refused its arguments");
    switch (res.outcome) {
    case X86_EMUL_DONE:
        return write_back(v, &st, &res);
    case X86_EMUL_EXCEPTION:
        if (res.vector == 6 && res.nbytes && uses_vector_registers(&res.insn))
            return refuse(v, p, "an SSE/AVX instruction (vector registers are not held)", &res);
        if (res.vector == 14)
            v->gprs.cr2 = res.cr2;
        return vmm_vcpu_raise(v, res.vector, res.has_error_code ? res.error_code : 0);
    case X86_EMUL_UNSUPPORTED:
        return refuse(v, p, res.why ? res.why : "unsupported instruction", &res);
    default:
        return refuse(v, p, "a device or guest memory refused the access", &res);
    }
}

enum vmm_exit_action vmm_handle_ept_violation(struct vmm_vcpu *v, const struct vmm_exit *e,
                                              void *ctx)
{
    struct vmm_platform *p = ctx;
    struct vmx_qual_ept q;
    if (vmx_qual_ept_decode(e->qualification, &q) != VMM_OK)
        return vmm_vcpu_unhandled(v, "malformed EPT-violation qualification");
    p->last_mmio = vmm_mmio_find(&p->mmio, e->guest_physical);
    if (!p->last_mmio)
        return vmm_vcpu_unhandled(v, "EPT violation outside guest RAM and MMIO regions");
    if (q.fetch)
        return vmm_vcpu_unhandled(v, "instruction fetch from an MMIO region");
    return emulate_mmio(v, p, e, &q);
}

enum vmm_exit_action vmm_handle_ept_misconfig(struct vmm_vcpu *v, const struct vmm_exit *e,
                                              void *ctx)
{
    (void)e, (void)ctx;
    return vmm_vcpu_unhandled(v, "EPT misconfiguration: an EPT entry is malformed");
}
