/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz harness: the VM-entry validator on valid baselines mutated near the
 * validity boundary (vmcs_input.h has the input format). Invariants, each
 * an abort() when broken (entry_invariants.h):
 *  - every input: no crash or undefined behaviour; the verdict names a
 *    check of the table or none; the outcome is the one the failing
 *    check's class names;
 *  - every VV_SAMPLE-th input by content (a hash of its bytes, so a
 *    reproducer replays alike), and every input in builds without
 *    coverage instrumentation (the replay binary: regression tests,
 *    coverage): two validations agree, a success has no failing check at
 *    all (vmx_entry_check_all() lists none), and a failing verdict's check
 *    is the first of vmx_entry_check_all()'s failures.
 * The sampled checks are over half of an input's cost under libFuzzer.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "entry_invariants.h"
#include "vmcs_input.h"

#define VV_SAMPLE 8u

#if defined(__has_feature)
#if __has_feature(coverage_sanitizer)
#define VV_INSTRUMENTED 1
#endif
#endif
#if defined(__AFL_COMPILER)
#define VV_INSTRUMENTED 1
#endif

/* Whether this input gets every invariant (a property of its bytes). */
static bool thorough(const uint8_t *data, size_t size)
{
#ifdef VV_INSTRUMENTED
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    return h % VV_SAMPLE == 0;
#else
    (void)data;
    (void)size;
    return true;
#endif
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Built on the first input and reused: the baselines hold 2 MB of memory. */
    static struct vmcs_input_world *world;
    static struct vmcs_input_case c;
    if (!world) {
        world = malloc(sizeof *world);
        if (!world)
            abort();
        vmcs_input_world_init(world);
    }
    if (vmcs_input_decode(world, data, size, &c) != 0)
        return 0; /* capabilities no processor reports */
    entry_invariants_check_depth(&c.in, "vmcs_validator", thorough(data, size));
    return 0;
}
