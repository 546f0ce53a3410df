/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz harness: the VM-entry validator on valid baselines mutated near the
 * validity boundary (vmcs_input.h has the input format). Invariants, each
 * an abort() when broken: no crash or undefined behaviour; two validations
 * agree; the verdict's check is the first of vmx_entry_check_all()'s
 * failures; the outcome is the one the check's class names
 * (entry_invariants.h).
 */
#include <stdlib.h>

#include "entry_invariants.h"
#include "vmcs_input.h"

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
    entry_invariants_check(&c.in, "vmcs_validator");
    return 0;
}
