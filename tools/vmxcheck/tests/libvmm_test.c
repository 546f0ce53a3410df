/* SPDX-License-Identifier: Apache-2.0 */
/* libvmm's own dump format reads back exactly what vmcs_image_dump wrote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"
#include "vmm/caps.h"
#include "vmm/textbuf.h"

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void every_field_round_trips_through_vmcs_image_dump(void **state)
{
    (void)state;
    struct vmcs_image img;
    uint64_t seed = 0x1234567887654321ull;
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++)
        vmcs_set(&img, (enum vmcs_field_id)i, next(&seed));
    static char buf[1 << 16];
    struct vmm_textbuf tb;
    tb_init(&tb, buf, sizeof buf);
    vmcs_image_dump(&img, NULL, VMCS_DUMP_ALL, &tb);
    assert_true(tb_complete(&tb));
    struct vmxdump d;
    parse_ok(buf, VMXDUMP_AUTO, &d);
    assert_int_equal(d.format, VMXDUMP_LIBVMM);
    assert_int_equal(d.nfields, VMCS_FIELD_COUNT);
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++)
        if (d.vmcs.value[i] != img.value[i])
            fail_msg("%s: read 0x%llx, wrote 0x%llx", vmcs_field_name((enum vmcs_field_id)i),
                     (unsigned long long)d.vmcs.value[i], (unsigned long long)img.value[i]);
}

static void a_nonzero_dump_for_a_profile_gives_only_its_fields(void **state)
{
    (void)state;
    struct vmcs_image img;
    vmcs_image_clear(&img);
    vmcs_set(&img, VMCS_GUEST_RIP, 0xfff0);
    vmcs_set(&img, VMCS_GUEST_CS_SELECTOR, 0xf000);
    struct vmx_caps caps;
    assert_int_equal(vmx_caps_parse(vmx_profile_find("minimal")->raw, &caps, NULL), 0);
    char buf[4096];
    struct vmm_textbuf tb;
    tb_init(&tb, buf, sizeof buf);
    vmcs_image_dump(&img, &caps, VMCS_DUMP_NONZERO, &tb);
    struct vmxdump d;
    parse_ok(buf, VMXDUMP_LIBVMM, &d);
    assert_int_equal(d.nfields, 2);
    assert_int_equal(given_value(&d, VMCS_GUEST_CS_SELECTOR), 0xf000);
}

static void a_wrong_encoding_or_name_is_an_error_on_its_line(void **state)
{
    (void)state;
    parse_fails_at("# Guest-state fields\nGUEST_RIP (0x681e) = 0x1\nGUEST_RSP (0x681e) = 0x2\n",
                   VMXDUMP_LIBVMM, 3);
    parse_fails_at("# Guest-state fields\nGUEST_RIPX (0x681e) = 0x1\n", VMXDUMP_LIBVMM, 2);
    parse_fails_at("GUEST_RIP (0x681e) 0x1\n", VMXDUMP_LIBVMM, 1);
    parse_fails_at("GUEST_CS_SELECTOR (0x0802) = 0x10000\n", VMXDUMP_LIBVMM, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_field_round_trips_through_vmcs_image_dump),
        cmocka_unit_test(a_nonzero_dump_for_a_profile_gives_only_its_fields),
        cmocka_unit_test(a_wrong_encoding_or_name_is_an_error_on_its_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
