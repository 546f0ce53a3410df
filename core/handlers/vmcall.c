/* SPDX-License-Identifier: Apache-2.0 */
/* VMCALL exits: libvmm's hypercall ABI (vmm/hypercall.h). */
#include "handler_util.h"
#include "vmm/hypercall.h"

#define PRINT_CHUNK 256u

static uint64_t hc_print(struct vmm_vcpu *v, struct vmm_platform *p, uint64_t gpa, uint64_t len)
{
    if (len > VMM_HC_PRINT_MAX || gpa + len < gpa)
        return VMM_HC_E_INVAL;
    uint8_t chunk[PRINT_CHUNK];
    for (uint64_t done = 0; done < len;) {
        size_t n = (size_t)(len - done < PRINT_CHUNK ? len - done : PRINT_CHUNK);
        if (v->cpu->ops->gpa_read(v->cpu, gpa + done, chunk, n) != VMM_OK)
            return VMM_HC_E_FAULT;
        if (p->hc.console)
            vmm_byte_sink_write(p->hc.console, chunk, n);
        done += n;
    }
    return len;
}

enum vmm_exit_action vmm_handle_vmcall(struct vmm_vcpu *v, const struct vmm_exit *e, void *ctx)
{
    struct vmm_platform *p = ctx;
    (void)e;
    bool is64;
    unsigned cpl;
    HTRY(v, vmm_vcpu_in_64bit_mode(v, &is64), "reading the guest mode failed");
    HTRY(v, vmm_vcpu_cpl(v, &cpl), "reading the guest CPL failed");
    uint64_t mask = is64 ? ~0ull : 0xffffffffull;
    uint64_t nr = v->gprs.rax & mask, a1 = v->gprs.rbx & mask, a2 = v->gprs.rcx & mask;
    bool stop = false;
    uint64_t result;
    p->hc.calls++;
    if (cpl != 0) {
        result = VMM_HC_E_PERM;
    } else {
        switch (nr) {
        case VMM_HC_VERSION:
            result = VMM_HYPERCALL_ABI_VERSION;
            break;
        case VMM_HC_PRINT:
            result = hc_print(v, p, a1, a2);
            break;
        case VMM_HC_EXIT:
            p->hc.exited = true;
            p->hc.exit_status = a1;
            result = 0;
            stop = true;
            break;
        default:
            result = VMM_HC_E_NOSYS;
        }
    }
    v->gprs.rax = result;
    enum vmm_exit_action a = complete(v);
    return a == VMM_EXIT_RESUME && stop ? VMM_EXIT_STOP : a;
}
