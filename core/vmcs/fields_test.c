/* SPDX-License-Identifier: Apache-2.0 */
/* The field table: encodings decode to what the table says, lookups round-trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "vmm/vmcs_fields.h"

static void every_encoding_decodes_to_the_width_and_type_the_table_states(void **state)
{
    (void)state;
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++) {
        const struct vmcs_field_info *f = &vmcs_field_table[i];
        struct vmcs_encoding e;
        assert_int_equal(vmcs_encoding_decode(f->encoding, &e), VMM_OK);
        if (e.width != f->width || e.type != f->type || e.high)
            fail_msg("%s (0x%04x): encoding says width %s type %s, table says %s %s", f->name,
                     f->encoding, vmcs_width_name(e.width), vmcs_type_name(e.type),
                     vmcs_width_name(f->width), vmcs_type_name(f->type));
        assert_int_equal(e.index, (f->encoding >> 1) & 0x1ff);
    }
}

static void table_counts_match_the_sdm_appendix(void **state)
{
    (void)state;
    unsigned wide = 0, by_type[4] = {0};
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++) {
        wide += vmcs_field_table[i].width == VMCS_W64;
        by_type[vmcs_field_table[i].type]++;
    }
    /* 206 fields, 78 of them 64 bits wide (reference/vmcs-fields.md §4). */
    assert_int_equal(VMCS_FIELD_COUNT, 206);
    assert_int_equal(wide, 78);
    assert_int_equal(by_type[VMCS_CONTROL], 73);
    assert_int_equal(by_type[VMCS_EXIT_INFO], 17);
    assert_int_equal(by_type[VMCS_GUEST], 80);
    assert_int_equal(by_type[VMCS_HOST], 36);
}

static void encodings_and_names_are_unique(void **state)
{
    (void)state;
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++)
        for (unsigned j = i + 1; j < VMCS_FIELD_COUNT; j++) {
            if (vmcs_field_table[i].encoding == vmcs_field_table[j].encoding)
                fail_msg("%s and %s share 0x%04x", vmcs_field_table[i].name,
                         vmcs_field_table[j].name, vmcs_field_table[i].encoding);
            assert_string_not_equal(vmcs_field_table[i].name, vmcs_field_table[j].name);
        }
}

static void lookup_finds_every_field_and_the_high_half_of_64_bit_ones(void **state)
{
    (void)state;
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++) {
        const struct vmcs_field_info *f = &vmcs_field_table[i];
        enum vmcs_field_id id;
        bool high = true;
        assert_int_equal(vmcs_field_lookup(f->encoding, &id, &high), VMM_OK);
        assert_int_equal(id, i);
        assert_false(high);
        int rc = vmcs_field_lookup(f->encoding | 1u, &id, &high);
        if (f->width == VMCS_W64) {
            assert_int_equal(rc, VMM_OK);
            assert_int_equal(id, i);
            assert_true(high);
        } else {
            assert_int_equal(rc, VMM_E_NOENT);
        }
    }
}

static void reserved_encoding_bits_are_rejected(void **state)
{
    (void)state;
    struct vmcs_encoding e;
    enum vmcs_field_id id;
    bool high;
    /* Guest RIP with bit 12, bit 15 or bit 31 set names no field. */
    const uint32_t bad[] = {0x681E | 1u << 12, 0x681E | 1u << 15, 0x681E | 1u << 31, 0x681F};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(vmcs_encoding_decode(bad[i], &e), VMM_E_INVAL);
        assert_int_equal(vmcs_field_lookup(bad[i], &id, &high), VMM_E_NOENT);
    }
}

static void unused_encodings_name_no_field(void **state)
{
    (void)state;
    enum vmcs_field_id id;
    bool high;
    /* Gaps no processor or source uses (reference/vmcs-fields.md §5). */
    const uint32_t unused[] = {0x2046, 0x2048, 0x2050, 0x282A, 0x282C, 0x2C18, 0x482C, 0x4830};
    for (size_t i = 0; i < sizeof unused / sizeof unused[0]; i++)
        assert_int_equal(vmcs_field_lookup(unused[i], &id, &high), VMM_E_NOENT);
}

static void worked_example_guest_rip(void **state)
{
    (void)state;
    struct vmcs_encoding e;
    assert_int_equal(vmcs_encoding_decode(0x681E, &e), VMM_OK);
    assert_int_equal(e.width, VMCS_WNAT);
    assert_int_equal(e.type, VMCS_GUEST);
    assert_int_equal(e.index, 15);
    assert_int_equal(VMCS_ENC_GUEST_RIP, 0x681E);
    assert_string_equal(vmcs_field_name(VMCS_GUEST_RIP), "GUEST_RIP");
    assert_int_equal(vmcs_encoding_decode(0x2001, &e), VMM_OK);
    assert_int_equal(e.width, VMCS_W64);
    assert_int_equal(e.type, VMCS_CONTROL);
    assert_true(e.high);
}

static void names_round_trip_in_any_case(void **state)
{
    (void)state;
    char buf[64];
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++) {
        const struct vmcs_field_info *f = &vmcs_field_table[i];
        enum vmcs_field_id id;
        bool high;
        assert_int_equal(vmcs_field_by_name(f->name, &id, &high), VMM_OK);
        assert_int_equal(id, i);
        assert_false(high);
        size_t n = strlen(f->name);
        assert_true(n + 6 < sizeof buf);
        for (size_t k = 0; k <= n; k++)
            buf[k] = (char)tolower((unsigned char)f->name[k]);
        assert_int_equal(vmcs_field_by_name(buf, &id, &high), VMM_OK);
        assert_int_equal(id, i);
        snprintf(buf, sizeof buf, "%s_high", f->name);
        int rc = vmcs_field_by_name(buf, &id, &high);
        if (f->width == VMCS_W64) {
            assert_int_equal(rc, VMM_OK);
            assert_int_equal(id, i);
            assert_true(high);
        } else {
            assert_int_equal(rc, VMM_E_NOENT);
        }
    }
}

static void bad_names_are_not_found(void **state)
{
    (void)state;
    enum vmcs_field_id id;
    bool high;
    const char *bad[] = {"", "GUEST_RI", "GUEST_RIPX", "GUEST_RIP_HIGH", "_HIGH", "GUEST RIP"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(vmcs_field_by_name(bad[i], &id, &high), VMM_E_NOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_encoding_decodes_to_the_width_and_type_the_table_states),
        cmocka_unit_test(table_counts_match_the_sdm_appendix),
        cmocka_unit_test(encodings_and_names_are_unique),
        cmocka_unit_test(lookup_finds_every_field_and_the_high_half_of_64_bit_ones),
        cmocka_unit_test(reserved_encoding_bits_are_rejected),
        cmocka_unit_test(unused_encodings_name_no_field),
        cmocka_unit_test(worked_example_guest_rip),
        cmocka_unit_test(names_round_trip_in_any_case),
        cmocka_unit_test(bad_names_are_not_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
