/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EVEX compressed displacement (SDM Vol. 2 2.7.5, "Compressed Displacement
 * (disp8*N)"): the N a one-byte displacement is scaled by, from the
 * instruction's tuple type, vector length, EVEX.W and EVEX.b.
 */
#ifndef LIBVMM_CORE_EMUL_DECODE_EVEX_H
#define LIBVMM_CORE_EMUL_DECODE_EVEX_H

#include "vmm/x86_insn.h"

/*
 * N for the EVEX instruction decoded so far (map, opcode, mandatory, vex_l,
 * vex_w, evex_b set), or 0 when its tuple type is not in the table.
 */
uint8_t decode_evex_disp8_n(const struct x86_insn *o);

#endif
