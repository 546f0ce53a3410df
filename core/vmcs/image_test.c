/* SPDX-License-Identifier: Apache-2.0 */
/* The VMCS image: width truncation, high accesses, existence, dumps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vmm/caps.h"
#include "vmm/textbuf.h"
#include "vmm/vmcs_fields.h"

static struct vmx_caps caps_of(const char *profile)
{
    struct vmx_caps caps;
    const struct vmx_profile *p = vmx_profile_find(profile);
    assert_non_null(p);
    assert_int_equal(vmx_caps_parse(p->raw, &caps, NULL), VMM_OK);
    return caps;
}

static void values_are_truncated_to_the_field_width(void **state)
{
    (void)state;
    static struct vmcs_image v;
    vmcs_image_clear(&v);
    vmcs_set(&v, VMCS_GUEST_CS_SELECTOR, 0x123456789ull);
    vmcs_set(&v, VMCS_GUEST_CS_LIMIT, 0x123456789ull);
    vmcs_set(&v, VMCS_GUEST_RIP, 0x123456789ull);
    vmcs_set(&v, VMCS_IO_BITMAP_A, ~0ull);
    assert_int_equal(vmcs_get(&v, VMCS_GUEST_CS_SELECTOR), 0x6789);
    assert_int_equal(vmcs_get(&v, VMCS_GUEST_CS_LIMIT), 0x23456789);
    assert_int_equal(vmcs_get(&v, VMCS_GUEST_RIP), 0x123456789ull);
    assert_int_equal(vmcs_get(&v, VMCS_IO_BITMAP_A), ~0ull);
}

static void high_access_reads_and_writes_bits_63_to_32(void **state)
{
    (void)state;
    static struct vmcs_image v;
    vmcs_image_clear(&v);
    uint64_t val;
    assert_int_equal(vmcs_image_write(&v, VMCS_ENC_EPT_POINTER, 0x1111222233334444ull), VMM_OK);
    assert_int_equal(vmcs_image_write(&v, VMCS_ENC_EPT_POINTER | 1, 0xaaaabbbbccccddddull), VMM_OK);
    assert_int_equal(vmcs_get(&v, VMCS_EPT_POINTER), 0xccccdddd33334444ull);
    assert_int_equal(vmcs_image_read(&v, VMCS_ENC_EPT_POINTER | 1, &val), VMM_OK);
    assert_int_equal(val, 0xccccddddull);
    assert_int_equal(vmcs_image_read(&v, VMCS_ENC_EPT_POINTER, &val), VMM_OK);
    assert_int_equal(val, 0xccccdddd33334444ull);
    /* A full write of a 32-bit field drops the upper bits. */
    assert_int_equal(vmcs_image_write(&v, VMCS_ENC_GUEST_CS_AR_BYTES, 0xffffffff0000c09bull), VMM_OK);
    assert_int_equal(vmcs_get(&v, VMCS_GUEST_CS_AR_BYTES), 0xc09b);
}

static void unknown_encodings_are_refused_and_change_nothing(void **state)
{
    (void)state;
    static struct vmcs_image v, before;
    vmcs_image_clear(&v);
    before = v;
    uint64_t val = 77;
    assert_int_equal(vmcs_image_write(&v, 0x482C, 1), VMM_E_NOENT);
    assert_int_equal(vmcs_image_write(&v, 0x681F, 1), VMM_E_NOENT);
    assert_int_equal(vmcs_image_read(&v, 0xffffffff, &val), VMM_E_NOENT);
    assert_int_equal(val, 77);
    assert_memory_equal(&v, &before, sizeof v);
}

static void fields_exist_only_where_their_control_is_allowed(void **state)
{
    (void)state;
    struct vmx_caps minimal = caps_of("minimal"), bochs = caps_of("bochs-skylake-x"),
                    modern = caps_of("modern");
    assert_true(vmcs_field_exists(&minimal, VMCS_GUEST_RIP));
    assert_false(vmcs_field_exists(&minimal, VMCS_VIRTUAL_PROCESSOR_ID));
    assert_false(vmcs_field_exists(&minimal, VMCS_EPT_POINTER));
    assert_true(vmcs_field_exists(&bochs, VMCS_VIRTUAL_PROCESSOR_ID));
    assert_true(vmcs_field_exists(&bochs, VMCS_EPT_POINTER));
    assert_true(vmcs_field_exists(&bochs, VMCS_VMX_PREEMPTION_TIMER_VALUE));
    assert_false(vmcs_field_exists(&minimal, VMCS_VMX_PREEMPTION_TIMER_VALUE));
    /* Tertiary controls: not on Bochs' Skylake-X, on the modern profile. */
    assert_false(vmcs_field_exists(&bochs, VMCS_TERTIARY_VM_EXEC_CONTROL));
    assert_true(vmcs_field_exists(&modern, VMCS_TERTIARY_VM_EXEC_CONTROL));
    /* Guest PAT exists if "load IA32_PAT" on entry or "save IA32_PAT" on exit is allowed. */
    assert_false(vmcs_field_exists(&minimal, VMCS_GUEST_IA32_PAT));
    assert_true(vmcs_field_exists(&bochs, VMCS_GUEST_IA32_PAT));
    /* FRED guest state needs "load FRED" or "save FRED"; event data needs CPUID FRED. */
    assert_false(vmcs_field_exists(&bochs, VMCS_GUEST_IA32_FRED_CONFIG));
    assert_true(vmcs_field_exists(&modern, VMCS_GUEST_IA32_FRED_CONFIG));
    assert_false(vmcs_field_exists(&bochs, VMCS_INJECTED_EVENT_DATA));
    assert_true(vmcs_field_exists(&modern, VMCS_INJECTED_EVENT_DATA));
    /* A field whose index is above IA32_VMX_VMCS_ENUM does not exist. */
    struct vmx_caps small_enum = modern;
    small_enum.vmcs_max_index = 14;
    assert_true(vmcs_field_exists(&small_enum, VMCS_GUEST_RSP));    /* index 14 */
    assert_false(vmcs_field_exists(&small_enum, VMCS_GUEST_RIP));   /* index 15 */
}

static void dump_lists_fields_by_type_and_skips_zero_and_absent_ones(void **state)
{
    (void)state;
    static struct vmcs_image v;
    vmcs_image_clear(&v);
    vmcs_set(&v, VMCS_GUEST_RIP, 0x1000);
    vmcs_set(&v, VMCS_PIN_BASED_VM_EXEC_CONTROL, 0x16);
    vmcs_set(&v, VMCS_VIRTUAL_PROCESSOR_ID, 1);
    char buf[4096];
    struct vmm_textbuf tb;
    tb_init(&tb, buf, sizeof buf);
    vmcs_image_dump(&v, NULL, VMCS_DUMP_NONZERO, &tb);
    assert_true(tb_complete(&tb));
    assert_string_equal(buf,
                        "# Control fields\n"
                        "VIRTUAL_PROCESSOR_ID            (0x0000) = 0x0001\n"
                        "PIN_BASED_VM_EXEC_CONTROL       (0x4000) = 0x00000016\n"
                        "# Guest-state fields\n"
                        "GUEST_RIP                       (0x681e) = 0x0000000000001000\n");
    struct vmx_caps minimal = caps_of("minimal");
    tb_init(&tb, buf, sizeof buf);
    vmcs_image_dump(&v, &minimal, VMCS_DUMP_NONZERO, &tb);
    assert_null(strstr(buf, "VIRTUAL_PROCESSOR_ID"));
    assert_non_null(strstr(buf, "GUEST_RIP"));
    /* The full dump has one line per field plus four headings. */
    static char big[65536];
    tb_init(&tb, big, sizeof big);
    vmcs_image_dump(&v, NULL, VMCS_DUMP_ALL, &tb);
    unsigned lines = 0;
    for (char *p = big; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, VMCS_FIELD_COUNT + 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values_are_truncated_to_the_field_width),
        cmocka_unit_test(high_access_reads_and_writes_bits_63_to_32),
        cmocka_unit_test(unknown_encodings_are_refused_and_change_nothing),
        cmocka_unit_test(fields_exist_only_where_their_control_is_allowed),
        cmocka_unit_test(dump_lists_fields_by_type_and_skips_zero_and_absent_ones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
