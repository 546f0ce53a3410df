/* SPDX-License-Identifier: Apache-2.0 */
/* Which controls a VM gets on each profile, and how refusals are reported. */
#include <string.h>

#include "vm_fixture.h"
#include "vmm/textbuf.h"

static struct vmx_caps caps_of(const char *profile)
{
    struct vmx_caps c;
    assert_int_equal(vmx_caps_parse(vmx_profile_find(profile)->raw, &c, NULL), VMM_OK);
    return c;
}

static void required_controls_are_always_set(void **state)
{
    (void)state;
    const char *profiles[] = {"bochs-skylake-x", "modern", "minimal"};
    for (size_t i = 0; i < 3; i++) {
        struct vmx_caps c = caps_of(profiles[i]);
        struct vmm_vm_config cfg = {0};
        uint64_t ctl[VMM_CTL_KIND_COUNT];
        uint32_t features;
        assert_int_equal(vmm_vm_negotiate(&c, &cfg, ctl, &features, NULL), VMM_OK);
        uint64_t pin = VMX_PIN_EXT_INTR_EXITING | VMX_PIN_NMI_EXITING;
        uint64_t proc = VMX_PROC_HLT_EXITING | VMX_PROC_USE_IO_BITMAPS | VMX_PROC_USE_MSR_BITMAPS;
        assert_int_equal(ctl[VMM_CTL_PIN] & pin, pin);
        assert_int_equal(ctl[VMM_CTL_PROC] & proc, proc);
        assert_true(ctl[VMM_CTL_EXIT] & VMX_EXIT_HOST_ADDR_SPACE_SIZE);
        assert_true(ctl[VMM_CTL_ENTRY] & VMX_ENTRY_IA32E_MODE_GUEST);
        /* every word is one the processor accepts */
        for (unsigned k = 0; k < VMM_CTL_KIND_COUNT; k++) {
            assert_int_equal(ctl[k] & ~c.ctl[k].allowed1, 0);
            if (k == VMM_CTL_PROC2 && !(ctl[VMM_CTL_PROC] & VMX_PROC_ACTIVATE_SECONDARY))
                assert_int_equal(ctl[k], 0);
            else if (k <= VMM_CTL_PROC2 || k == VMM_CTL_EXIT || k == VMM_CTL_ENTRY)
                assert_int_equal(ctl[k] & c.ctl[k].allowed0, c.ctl[k].allowed0);
        }
        assert_int_equal(ctl[VMM_CTL_PROC3] | ctl[VMM_CTL_EXIT2] | ctl[VMM_CTL_VMFUNC], 0);
    }
}

static void optional_controls_follow_the_processor(void **state)
{
    (void)state;
    struct vmm_vm_config cfg = {.use_ept = true};
    uint64_t ctl[VMM_CTL_KIND_COUNT];
    uint32_t f;
    struct vmx_caps c = caps_of("bochs-skylake-x");
    assert_int_equal(vmm_vm_negotiate(&c, &cfg, ctl, &f, NULL), VMM_OK);
    assert_int_equal(f, VMM_VM_F_EPT | VMM_VM_F_VPID | VMM_VM_F_SECONDARY | VMM_VM_F_LOAD_EFER |
                            VMM_VM_F_LOAD_PAT);
    assert_int_equal(ctl[VMM_CTL_EXIT] & (VMX_EXIT_SAVE_EFER | VMX_EXIT_SAVE_PAT),
                     VMX_EXIT_SAVE_EFER | VMX_EXIT_SAVE_PAT);

    c = caps_of("minimal");
    cfg.use_ept = false;
    assert_int_equal(vmm_vm_negotiate(&c, &cfg, ctl, &f, NULL), VMM_OK);
    assert_int_equal(f, 0);
    assert_int_equal(ctl[VMM_CTL_ENTRY] & (VMX_ENTRY_LOAD_EFER | VMX_ENTRY_LOAD_PAT), 0);
}

static void ept_clears_cr3_exiting_where_the_processor_allows(void **state)
{
    (void)state;
    uint64_t cr3 = VMX_PROC_CR3_LOAD_EXITING | VMX_PROC_CR3_STORE_EXITING;
    uint64_t ctl[VMM_CTL_KIND_COUNT];
    struct vmx_caps c = caps_of("bochs-skylake-x");
    struct vmm_vm_config cfg = {.use_ept = true};
    assert_int_equal(vmm_vm_negotiate(&c, &cfg, ctl, NULL, NULL), VMM_OK);
    assert_int_equal(ctl[VMM_CTL_PROC] & cr3, 0);
    cfg.use_ept = false; /* the guest's CR3 is then the host's business: default (exiting) */
    assert_int_equal(vmm_vm_negotiate(&c, &cfg, ctl, NULL, NULL), VMM_OK);
    assert_int_equal(ctl[VMM_CTL_PROC] & cr3, cr3);
}

static void unrestricted_guest_is_off_unless_asked(void **state)
{
    (void)state;
    uint64_t ctl[VMM_CTL_KIND_COUNT];
    uint32_t f;
    struct vmx_caps c = caps_of("modern");
    struct vmm_vm_config cfg = {.use_ept = true};
    assert_int_equal(vmm_vm_negotiate(&c, &cfg, ctl, &f, NULL), VMM_OK);
    assert_false(ctl[VMM_CTL_PROC2] & VMX_PROC2_UNRESTRICTED_GUEST);
    cfg.unrestricted_guest = true;
    assert_int_equal(vmm_vm_negotiate(&c, &cfg, ctl, &f, NULL), VMM_OK);
    assert_true(ctl[VMM_CTL_PROC2] & VMX_PROC2_UNRESTRICTED_GUEST);
    assert_true(f & VMM_VM_F_UNRESTRICTED);
    cfg.use_ept = false;
    struct vmm_vm_error err;
    assert_int_equal(vmm_vm_negotiate(&c, &cfg, ctl, &f, &err), VMM_E_INVAL);
}

static void ept_on_a_processor_without_it_names_every_refused_bit(void **state)
{
    (void)state;
    struct vmx_caps c = caps_of("minimal");
    struct vmm_vm_config cfg = {.use_ept = true};
    uint64_t ctl[VMM_CTL_KIND_COUNT] = {0x1234};
    struct vmm_vm_error err;
    assert_int_equal(vmm_vm_negotiate(&c, &cfg, ctl, NULL, &err), VMM_E_UNSUPPORTED);
    assert_int_equal(ctl[0], 0x1234); /* untouched */
    assert_int_equal(err.step, VMM_VM_STEP_CONTROLS);
    assert_int_equal(err.unsupported[VMM_CTL_PROC], VMX_PROC_ACTIVATE_SECONDARY);
    assert_int_equal(err.unsupported[VMM_CTL_PROC2], VMX_PROC2_ENABLE_EPT);
    assert_int_equal(err.unsupported[VMM_CTL_PIN] | err.unsupported[VMM_CTL_EXIT] |
                         err.unsupported[VMM_CTL_ENTRY],
                     0);
    char buf[512];
    struct vmm_textbuf tb;
    tb_init(&tb, buf, sizeof buf);
    vmm_vm_error_describe(&err, &tb);
    assert_non_null(strstr(buf, "control negotiation"));
    assert_non_null(strstr(buf, "\"activate secondary controls\""));
    assert_non_null(strstr(buf, "\"enable EPT\""));
}

static void a_missing_required_control_is_refused(void **state)
{
    (void)state;
    struct vmx_caps c = caps_of("modern");
    c.ctl[VMM_CTL_PROC].allowed1 &= ~(uint64_t)VMX_PROC_USE_MSR_BITMAPS;
    c.ctl[VMM_CTL_ENTRY].allowed1 &= ~(uint64_t)VMX_ENTRY_IA32E_MODE_GUEST;
    struct vmm_vm_config cfg = {0};
    uint64_t ctl[VMM_CTL_KIND_COUNT];
    struct vmm_vm_error err;
    assert_int_equal(vmm_vm_negotiate(&c, &cfg, ctl, NULL, &err), VMM_E_UNSUPPORTED);
    assert_int_equal(err.unsupported[VMM_CTL_PROC], VMX_PROC_USE_MSR_BITMAPS);
    assert_int_equal(err.unsupported[VMM_CTL_ENTRY], VMX_ENTRY_IA32E_MODE_GUEST);
}

static void a_missing_optional_group_is_dropped_whole(void **state)
{
    (void)state;
    struct vmx_caps c = caps_of("modern");
    /* entry can load EFER, exit cannot save it */
    c.ctl[VMM_CTL_EXIT].allowed1 &= ~(uint64_t)VMX_EXIT_SAVE_EFER;
    struct vmm_vm_config cfg = {0};
    uint64_t ctl[VMM_CTL_KIND_COUNT];
    uint32_t f;
    assert_int_equal(vmm_vm_negotiate(&c, &cfg, ctl, &f, NULL), VMM_OK);
    assert_false(f & VMM_VM_F_LOAD_EFER);
    assert_false(ctl[VMM_CTL_ENTRY] & VMX_ENTRY_LOAD_EFER);
    assert_false(ctl[VMM_CTL_EXIT] & VMX_EXIT_LOAD_EFER);
    assert_true(f & VMM_VM_F_LOAD_PAT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(required_controls_are_always_set),
        cmocka_unit_test(optional_controls_follow_the_processor),
        cmocka_unit_test(ept_clears_cr3_exiting_where_the_processor_allows),
        cmocka_unit_test(unrestricted_guest_is_off_unless_asked),
        cmocka_unit_test(ept_on_a_processor_without_it_names_every_refused_bit),
        cmocka_unit_test(a_missing_required_control_is_refused),
        cmocka_unit_test(a_missing_optional_group_is_dropped_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
