/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Properties over many generated instructions in every mode (a fixed
 * seed, so runs repeat), given as bytes or fetched through the guest's
 * segmentation and paging: the emulator never fails the call, reports a
 * known outcome, advances RIP by exactly the instruction length when it
 * completes, and leaves every register untouched when it does not (other
 * than the completed iterations of a REP instruction).
 */
#include "emul_testing.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#define ROUNDS 20000

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Opcodes the emulator handles (and some it does not), to reach the handlers often. */
static const uint8_t first_bytes[] = {
    0x00, 0x01, 0x02, 0x03, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39, 0x3b, 0x63, 0x80, 0x81,
    0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8f, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4,
    0xa5, 0xa6, 0xa7, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xc6, 0xc7, 0xf6, 0xf7, 0xfe, 0xff,
    0x0f, 0x0f, 0x0f, 0x0f, 0xc5, 0xc4, 0x8d, 0xe8, 0xcd,
};
static const uint8_t second_0f[] = {0x10, 0x11, 0x28, 0x29, 0x6e, 0x6f, 0x7e, 0x7f, 0xd6,
                                     0x94, 0x9f, 0xa3, 0xab, 0xb0, 0xb1, 0xb3, 0xb6, 0xb7,
                                     0xba, 0xbb, 0xbe, 0xbf, 0xc0, 0xc1, 0xc3, 0x38, 0xa2};
static const uint8_t prefixes[] = {0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x26, 0x2e, 0x36,
                                   0x3e, 0x64, 0x65, 0x48, 0x41, 0x4c, 0x40};

static void generate(uint8_t *b)
{
    unsigned n = 0;
    for (unsigned i = next() % 3; i > 0; i--)
        b[n++] = prefixes[next() % sizeof prefixes];
    b[n] = first_bytes[next() % sizeof first_bytes];
    if (b[n++] == 0x0f) {
        b[n] = second_0f[next() % sizeof second_0f];
        if (b[n++] == 0x38)
            b[n++] = (uint8_t)(0xf0 | (next() & 1));
    }
    while (n < X86_MAX_INSN_LEN)
        b[n++] = (uint8_t)next();
}

static uint64_t random_register(void)
{
    switch (next() % 4) {
    case 0: return next();                          /* anything */
    case 1: return T_MMIO_GPA + (next() % T_MMIO_SIZE);
    default: return next() % T_RAM_SIZE;            /* mostly RAM */
    }
}

static struct x86_cpu_state state_for(unsigned mode)
{
    switch (mode) {
    case 0: return t_state_real();
    case 1: return t_state_vm86();
    case 2: return t_state16();
    case 3: return t_state32();
    default: return t_state64();
    }
}

static bool is_rep_string(const struct x86_insn *in)
{
    return in->map == X86_MAP_PRIMARY && in->encoding == X86_ENC_LEGACY && in->last_rep &&
           in->opcode >= 0xa4 && in->opcode <= 0xaf && in->opcode != 0xa8 && in->opcode != 0xa9;
}

static void generated_instructions_keep_the_emulator_contract(void **state)
{
    (void)state;
    unsigned outcomes[4] = {0};
    for (unsigned round = 0; round < ROUNDS; round++) {
        if (round % 500 == 0)
            t_reset(); /* stray writes may have hit the page tables */
        unsigned mode = round % 5;
        struct x86_cpu_state st = state_for(mode);
        for (unsigned r = 0; r < X86_GPR_COUNT; r++)
            st.gpr[r] = random_register();
        st.rflags = 2 | (next() & 0x8d5) | ((mode == 1) ? 1u << 17 : 0);
        bool fetch = next() & 1; /* half the rounds fetch through CS and paging */
        st.rip = fetch ? 0x1000 + next() % (mode < 3 ? 0xe000 : 0xc0000) : next() % 0x1000;
        tg.fail_rc = (next() % 8 == 0) ? -7 : 0;
        tg.fail_gpa = random_register() & ~7ull;
        tg.max_rep = (uint32_t)(next() % 5);
        uint8_t b[X86_MAX_INSN_LEN];
        generate(b);
        struct x86_cpu_state before = st;
        struct x86_emul_result r =
            fetch ? t_run_fetch(&st, st.rip, b, sizeof b) : t_run_bytes(&st, b, sizeof b);
        assert_true(r.outcome <= X86_EMUL_MEM_FAILED);
        outcomes[r.outcome]++;
        if (r.outcome == X86_EMUL_DONE && !r.rep_incomplete) {
            uint64_t want = before.rip + r.insn.len;
            if (mode != 4)
                want &= 0xffffffffu;
            assert_int_equal(st.rip, want);
            continue;
        }
        if (r.outcome != X86_EMUL_DONE)
            assert_non_null(r.why);
        if (is_rep_string(&r.insn))
            continue;
        assert_int_equal(st.rip, before.rip);
        assert_memory_equal(st.gpr, before.gpr, sizeof st.gpr);
        assert_int_equal(st.rflags, before.rflags);
        assert_memory_equal(st.vec, before.vec, sizeof st.vec);
    }
    /* Every outcome must have been reached, or the generator tests nothing. */
    for (unsigned o = 0; o < 4; o++)
        assert_true(outcomes[o] > ROUNDS / 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(generated_instructions_keep_the_emulator_contract),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
