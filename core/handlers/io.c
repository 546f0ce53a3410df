/* SPDX-License-Identifier: Apache-2.0 */
/*
 * I/O-instruction exits: IN and OUT go to the port bus with AL/AX/EAX;
 * string and REP forms (INS/OUTS: memory operands, RCX counts) are not in
 * the x86 emulator's set yet and are reported unhandled with the full exit
 * information.
 */
#include "handler_util.h"

/* IN writes AL or AX in place; a 32-bit IN zero-extends into RAX. */
static uint64_t merge_in(uint64_t rax, unsigned size, uint32_t value)
{
    switch (size) {
    case 1: return (rax & ~0xffull) | (value & 0xffu);
    case 2: return (rax & ~0xffffull) | (value & 0xffffu);
    default: return value;
    }
}

enum vmm_exit_action vmm_handle_io(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    struct vmm_platform *p = ctx;
    struct vmx_qual_io io;
    if (vmx_qual_io_decode(e->qualification, &io) != VMM_OK)
        return vmm_vcpu_unhandled(v, "malformed I/O-instruction qualification");
    if (io.string || io.rep)
        return vmm_vcpu_unhandled(v, "string or REP I/O (INS/OUTS) is not emulated");
    int rc;
    if (io.in) {
        uint32_t value = 0;
        rc = vmm_port_bus_in(&p->ports, io.port, io.size, &value);
        if (rc == VMM_OK)
            v->gprs.rax = merge_in(v->gprs.rax, io.size, value);
    } else {
        uint32_t mask = io.size == 4 ? 0xffffffffu : (1u << (8 * io.size)) - 1;
        rc = vmm_port_bus_out(&p->ports, io.port, io.size, (uint32_t)v->gprs.rax & mask);
    }
    if (rc == VMM_E_NOENT)
        return vmm_vcpu_unhandled(v, "I/O port claimed by no device (strict bus)");
    if (rc != VMM_OK)
        return vmm_vcpu_unhandled(v, "the port device refused the access");
    return complete(v);
}
