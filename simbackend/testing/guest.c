/* SPDX-License-Identifier: Apache-2.0 */
/* A runnable 64-bit guest for the engine's tests. */
#include "guest.h"

#include <stdlib.h>
#include <string.h>

uint64_t guest_get(struct guest *g, enum vmcs_field_id id)
{
    return fixture_vmread(&g->f, vmcs_field_table[id].encoding);
}

void guest_set(struct guest *g, enum vmcs_field_id id, uint64_t value)
{
    assert_vmx_ok(g->f.cpu->ops->vmwrite(g->f.cpu, vmcs_field_table[id].encoding, value));
}

static uint64_t negotiate(struct guest *g, enum vmm_ctl_kind kind, uint64_t want1, uint64_t want0)
{
    struct vmx_ctl_result r;
    assert_int_equal(vmx_ctl_negotiate(sim_caps(g->f.sim), kind, want1, want0, &r), VMM_OK);
    return r.value;
}

void guest_ctl(struct guest *g, enum vmm_ctl_kind kind, uint64_t set, uint64_t clear)
{
    uint64_t cur = guest_get(g, vmcs_ctl_field(kind));
    guest_set(g, vmcs_ctl_field(kind), negotiate(g, kind, (cur | set) & ~clear, clear));
    if (kind == VMM_CTL_PROC2 && set)
        guest_ctl(g, VMM_CTL_PROC, VMX_PROC_ACTIVATE_SECONDARY, 0);
}

void guest_poke(struct guest *g, uint64_t gpa, const void *bytes, size_t n)
{
    assert_int_equal(g->f.cpu->ops->gpa_write(g->f.cpu, gpa, bytes, n), VMM_OK);
}

void guest_peek(struct guest *g, uint64_t gpa, void *bytes, size_t n)
{
    assert_int_equal(g->f.cpu->ops->gpa_read(g->f.cpu, gpa, bytes, n), VMM_OK);
}

uint64_t guest_peek64(struct guest *g, uint64_t gpa)
{
    uint64_t v;
    guest_peek(g, gpa, &v, 8);
    return v;
}

void guest_code(struct guest *g, const void *bytes, size_t n)
{
    guest_poke(g, GUEST_CODE, bytes, n);
}

void guest_gate(struct guest *g, unsigned vector, uint64_t handler, unsigned ist, unsigned type)
{
    uint8_t gate[16] = {0};
    gate[0] = (uint8_t)handler;
    gate[1] = (uint8_t)(handler >> 8);
    gate[2] = 0x08; /* code selector */
    gate[4] = (uint8_t)ist;
    gate[5] = (uint8_t)(0x80 | type); /* present, DPL 0 */
    gate[6] = (uint8_t)(handler >> 16);
    gate[7] = (uint8_t)(handler >> 24);
    uint32_t hi = (uint32_t)(handler >> 32);
    memcpy(gate + 8, &hi, 4);
    guest_poke(g, GUEST_IDT + 16ull * vector, gate, sizeof gate);
}

void guest_gate_default(struct guest *g)
{
    static const uint8_t hlt = 0xf4;
    for (unsigned v = 0; v < 256; v++) {
        guest_gate(g, v, GUEST_HANDLERS + 16ull * v, 0, 14);
        guest_poke(g, GUEST_HANDLERS + 16ull * v, &hlt, 1);
    }
}

void guest_write_baseline(struct guest *g, enum baseline b)
{
    assert_int_equal(guest_image_vmcs(g->f.cpu, sim_caps(g->f.sim), b), VMM_OK);
}

void guest_setup_cfg(struct guest *g, const struct sim_config *cfg)
{
    memset(g, 0, sizeof *g);
    fixture_create_cfg(&g->f, cfg);
    assert_int_equal(sim_engine_create(g->f.sim, NULL, &g->eng), VMM_OK);
    fixture_load_vmcs(&g->f);
    assert_int_equal(guest_image_memory(g->f.cpu), VMM_OK);
    guest_write_baseline(g, BASE_LONG64);
}

void guest_setup(struct guest *g, const char *profile)
{
    struct sim_config cfg = sim_config_default();
    cfg.profile = profile;
    guest_setup_cfg(g, &cfg);
}

void guest_teardown(struct guest *g)
{
    sim_engine_destroy(g->eng);
    fixture_destroy(&g->f);
}

struct vmx_status guest_enter(struct guest *g)
{
    struct vmx_status st =
        g->f.cpu->ops->enter_guest(g->f.cpu, g->launched ? VMM_RESUME : VMM_LAUNCH, &g->gprs);
    if (st.outcome == VMX_SUCCEED && sim_vmcs_launched(g->f.sim))
        g->launched = true;
    return st;
}

uint32_t guest_run(struct guest *g)
{
    struct vmx_status st = guest_enter(g);
    if (st.outcome != VMX_SUCCEED) {
        const struct sim_engine_status *s = sim_engine_last(g->eng);
        print_error("entry failed: outcome %d error %u; engine %d (%s, %#llx)\n", st.outcome,
                    st.error, s->refusal, s->what ? s->what : "-", (unsigned long long)s->value);
        fail();
    }
    return (uint32_t)guest_get(g, VMCS_VM_EXIT_REASON);
}

void guest_skip(struct guest *g)
{
    guest_set(g, VMCS_GUEST_RIP,
              guest_get(g, VMCS_GUEST_RIP) + guest_get(g, VMCS_VM_EXIT_INSTRUCTION_LEN));
}

struct guest_exit guest_exit_info(struct guest *g)
{
    return (struct guest_exit){
        .reason = (uint32_t)guest_get(g, VMCS_VM_EXIT_REASON),
        .qual = guest_get(g, VMCS_EXIT_QUALIFICATION),
        .gla = guest_get(g, VMCS_GUEST_LINEAR_ADDRESS),
        .len = (uint32_t)guest_get(g, VMCS_VM_EXIT_INSTRUCTION_LEN),
        .info = (uint32_t)guest_get(g, VMCS_VMX_INSTRUCTION_INFO),
        .intr_info = (uint32_t)guest_get(g, VMCS_VM_EXIT_INTR_INFO),
        .intr_error = (uint32_t)guest_get(g, VMCS_VM_EXIT_INTR_ERROR_CODE),
        .idt_info = (uint32_t)guest_get(g, VMCS_IDT_VECTORING_INFO_FIELD),
        .idt_error = (uint32_t)guest_get(g, VMCS_IDT_VECTORING_ERROR_CODE),
        .rip = guest_get(g, VMCS_GUEST_RIP),
    };
}
