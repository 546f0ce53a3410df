/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The system libraries scripts/install-deps provides are the ones libvmm is
 * built for: Unicorn 2.1.1 (not bookworm's 2.0.1, which ignores guest
 * paging; both have SONAME libunicorn.so.2, so only a run-time check can
 * tell), and working Capstone and Zydis x86-64 decoders.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <Zydis/Zydis.h>
#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

static void unicorn_is_2_1_1_and_runs_code(void **state)
{
    (void)state;
    unsigned major, minor;
    unsigned version = uc_version(&major, &minor);
    assert_int_equal(major, 2);
    assert_int_equal(minor, 1);
    assert_int_equal((version >> 8) & 0xff, 1); /* patch level */

    uc_engine *uc;
    assert_int_equal(uc_open(UC_ARCH_X86, UC_MODE_64, &uc), UC_ERR_OK);
    const uint8_t code[] = {0x48, 0x83, 0xc0, 0x05}; /* add rax, 5 */
    assert_int_equal(uc_mem_map(uc, 0x1000, 0x1000, UC_PROT_ALL), UC_ERR_OK);
    assert_int_equal(uc_mem_write(uc, 0x1000, code, sizeof code), UC_ERR_OK);
    uint64_t rax = 37;
    uc_reg_write(uc, UC_X86_REG_RAX, &rax);
    assert_int_equal(uc_emu_start(uc, 0x1000, 0x1000 + sizeof code, 0, 0), UC_ERR_OK);
    uc_reg_read(uc, UC_X86_REG_RAX, &rax);
    assert_int_equal(rax, 42);
    uc_close(uc);
}

static void capstone_decodes_x86_64(void **state)
{
    (void)state;
    csh handle;
    cs_insn *insn;
    const uint8_t code[] = {0x0f, 0x01, 0xc1}; /* vmcall */
    assert_int_equal(cs_open(CS_ARCH_X86, CS_MODE_64, &handle), CS_ERR_OK);
    size_t n = cs_disasm(handle, code, sizeof code, 0x1000, 0, &insn);
    assert_int_equal(n, 1);
    assert_int_equal(insn[0].size, 3);
    assert_string_equal(insn[0].mnemonic, "vmcall");
    cs_free(insn, n);
    cs_close(&handle);
}

static void zydis_decodes_x86_64(void **state)
{
    (void)state;
    ZydisDecoder decoder;
    assert_true(ZYAN_SUCCESS(
        ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)));
    ZydisDecodedInstruction insn;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    const uint8_t code[] = {0x89, 0x04, 0x25, 0x00, 0x00, 0xe0, 0xfe}; /* mov [0xfee00000], eax */
    assert_true(ZYAN_SUCCESS(ZydisDecoderDecodeFull(&decoder, code, sizeof code, &insn, ops)));
    assert_int_equal(insn.length, 7);
    assert_int_equal(insn.mnemonic, ZYDIS_MNEMONIC_MOV);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unicorn_is_2_1_1_and_runs_code),
        cmocka_unit_test(capstone_decodes_x86_64),
        cmocka_unit_test(zydis_decodes_x86_64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
