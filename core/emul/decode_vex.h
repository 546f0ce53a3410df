/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which VEX encodings exist (decode_vex.c): per map, opcode and VEX.pp,
 * the constraints an instruction puts on VEX.vvvv, VEX.L, VEX.W and
 * ModRM.mod (SDM Vol. 2 chapters 3-5, the "VEX.128.66.0F38.W0" lines).
 */
#ifndef LIBVMM_CORE_EMUL_DECODE_VEX_H
#define LIBVMM_CORE_EMUL_DECODE_VEX_H

#include "vmm/x86_insn.h"

/*
 * True if the VEX instruction decoded into *o exists (its fields all set);
 * vvvv is VEX.vvvv un-inverted with all four bits, as encoded (o->vex_vvvv
 * drops bit 3 outside 64-bit mode).
 */
bool decode_vex_valid(const struct x86_insn *o, uint8_t vvvv, enum x86_mode mode);

#endif
