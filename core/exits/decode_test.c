/* SPDX-License-Identifier: Apache-2.0 */
/* Exit-qualification decoders: bit positions of the SDM layouts, reserved bits refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/exits.h"
#include "vmm/textbuf.h"

static void cr_access_fields_sit_where_the_sdm_puts_them(void **state)
{
    (void)state;
    struct vmx_qual_cr cr;
    /* MOV to CR4 from RBX: CR 3:0 = 4, access 5:4 = 0, GPR 11:8 = 3. */
    assert_int_equal(vmx_qual_cr_decode(0x304, &cr), VMM_OK);
    assert_int_equal(cr.cr, 4);
    assert_int_equal(cr.access, VMX_CR_MOV_TO);
    assert_int_equal(cr.gpr, 3);
    /* MOV from CR3 to R12. */
    assert_int_equal(vmx_qual_cr_decode(0xc13, &cr), VMM_OK);
    assert_int_equal(cr.cr, 3);
    assert_int_equal(cr.access, VMX_CR_MOV_FROM);
    assert_int_equal(cr.gpr, 12);
    /* LMSW 0x000b from memory: access 3, bit 6, source 31:16. */
    assert_int_equal(vmx_qual_cr_decode(0x000b0070, &cr), VMM_OK);
    assert_int_equal(cr.access, VMX_CR_LMSW);
    assert_true(cr.lmsw_memory);
    assert_int_equal(cr.lmsw_source, 0xb);
    assert_int_equal(vmx_qual_cr_decode(0x20, &cr), VMM_OK);
    assert_int_equal(cr.access, VMX_CR_CLTS);
}

static void cr_access_refuses_reserved_bits_and_unreported_registers(void **state)
{
    (void)state;
    struct vmx_qual_cr cr;
    assert_int_equal(vmx_qual_cr_decode(0x80, &cr), VMM_E_INVAL);          /* bit 7 */
    assert_int_equal(vmx_qual_cr_decode(0x1000, &cr), VMM_E_INVAL);        /* bit 12 */
    assert_int_equal(vmx_qual_cr_decode(1ull << 32, &cr), VMM_E_INVAL);
    assert_int_equal(vmx_qual_cr_decode(0x2, &cr), VMM_E_INVAL);           /* CR2 */
    assert_int_equal(vmx_qual_cr_decode(0x24, &cr), VMM_E_INVAL);          /* CLTS naming CR4 */
}

static void io_fields_sit_where_the_sdm_puts_them(void **state)
{
    (void)state;
    struct vmx_qual_io io;
    /* OUT DX, AL to 0x3f8. */
    assert_int_equal(vmx_qual_io_decode(0x03f80000, &io), VMM_OK);
    assert_int_equal(io.size, 1);
    assert_false(io.in);
    assert_false(io.string);
    assert_int_equal(io.port, 0x3f8);
    /* REP INSD from port 0x1f0 (size 3 = 4 bytes, IN, string, REP). */
    assert_int_equal(vmx_qual_io_decode(0x01f00000 | 0x3 | 0x8 | 0x10 | 0x20, &io), VMM_OK);
    assert_int_equal(io.size, 4);
    assert_true(io.in && io.string && io.rep);
    assert_false(io.immediate);
    /* IN AX, 0x60: size 1 = 2 bytes, immediate. */
    assert_int_equal(vmx_qual_io_decode(0x00600000 | 0x1 | 0x8 | 0x40, &io), VMM_OK);
    assert_int_equal(io.size, 2);
    assert_true(io.immediate);
    assert_int_equal(io.port, 0x60);
}

static void io_refuses_size_encoding_2_and_reserved_bits(void **state)
{
    (void)state;
    struct vmx_qual_io io;
    assert_int_equal(vmx_qual_io_decode(0x2, &io), VMM_E_INVAL);
    assert_int_equal(vmx_qual_io_decode(0x4, &io), VMM_E_INVAL);
    assert_int_equal(vmx_qual_io_decode(0x80, &io), VMM_E_INVAL);
    assert_int_equal(vmx_qual_io_decode(1ull << 40, &io), VMM_E_INVAL);
}

static void ept_violation_bits(void **state)
{
    (void)state;
    struct vmx_qual_ept e;
    /* write access, page readable only, GLA valid, final translation */
    assert_int_equal(vmx_qual_ept_decode(0x2 | 0x8 | 0x80 | 0x100, &e), VMM_OK);
    assert_true(e.write);
    assert_false(e.read || e.fetch);
    assert_true(e.readable);
    assert_false(e.writable || e.executable);
    assert_true(e.gla_valid && e.final_translation);
    assert_int_equal(vmx_qual_ept_decode(0x1000, &e), VMM_OK);
    assert_true(e.nmi_unblock);
    assert_int_equal(vmx_qual_ept_decode(1ull << 17, &e), VMM_E_INVAL);
    /* bit 8 without bit 7 cannot happen */
    assert_int_equal(vmx_qual_ept_decode(0x100, &e), VMM_E_INVAL);
}

static void dr_and_task_switch_bits(void **state)
{
    (void)state;
    struct vmx_qual_dr dr;
    assert_int_equal(vmx_qual_dr_decode(0x517, &dr), VMM_OK); /* MOV from DR7 to RBP */
    assert_int_equal(dr.dr, 7);
    assert_true(dr.from_dr);
    assert_int_equal(dr.gpr, 5);
    assert_int_equal(vmx_qual_dr_decode(0x8, &dr), VMM_E_INVAL);
    struct vmx_qual_task_switch ts;
    assert_int_equal(vmx_qual_task_switch_decode(0xc0000028, &ts), VMM_OK);
    assert_int_equal(ts.selector, 0x28);
    assert_int_equal(ts.source, 3);
    assert_int_equal(vmx_qual_task_switch_decode(0x10000, &ts), VMM_E_INVAL);
}

static void describe_names_the_reason_and_decodes_the_qualification(void **state)
{
    (void)state;
    char buf[1024];
    struct vmm_textbuf tb;
    tb_init(&tb, buf, sizeof buf);
    struct vmm_exit e = {
        .reason_raw = 30, .reason = 30,
        .have = VMM_EXIT_HAVE_QUAL | VMM_EXIT_HAVE_LEN | VMM_EXIT_HAVE_IDT,
        .qualification = 0x03f80000 | 0x30, .instr_len = 2,
    };
    vmm_exit_describe(&e, &tb);
    assert_true(tb_complete(&tb));
    assert_non_null(strstr(buf, "IO_INSTRUCTION (I/O instruction)"));
    assert_non_null(strstr(buf, "REP OUTS, 1 byte, port 0x03f8 (DX)"));
    assert_non_null(strstr(buf, "instr length"));
    assert_non_null(strstr(buf, "original event"));

    tb_init(&tb, buf, sizeof buf);
    e = (struct vmm_exit){.reason_raw = 0x80000021, .reason = 33, .entry_failure = true,
                          .have = VMM_EXIT_HAVE_QUAL, .qualification = 4};
    vmm_exit_describe(&e, &tb);
    assert_non_null(strstr(buf, "[VM-entry failure]"));
    assert_non_null(strstr(buf, "invalid VMCS link pointer"));

    tb_init(&tb, buf, sizeof buf);
    e = (struct vmm_exit){.reason = 48, .reason_raw = 48,
                          .have = VMM_EXIT_HAVE_QUAL | VMM_EXIT_HAVE_GPA,
                          .qualification = 0x181, .guest_physical = 0xfed00000};
    vmm_exit_describe(&e, &tb);
    assert_non_null(strstr(buf, "access: read; EPT allows: nothing (not present); final translation"));
    assert_non_null(strstr(buf, "0xfed00000"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cr_access_fields_sit_where_the_sdm_puts_them),
        cmocka_unit_test(cr_access_refuses_reserved_bits_and_unreported_registers),
        cmocka_unit_test(io_fields_sit_where_the_sdm_puts_them),
        cmocka_unit_test(io_refuses_size_encoding_2_and_reserved_bits),
        cmocka_unit_test(ept_violation_bits),
        cmocka_unit_test(dr_and_task_switch_bits),
        cmocka_unit_test(describe_names_the_reason_and_decodes_the_qualification),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
