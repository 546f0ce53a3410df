/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exit-qualification decoders. Each refuses a value with a bit set that
 * the processor writes as 0: such a value comes from a broken backend or a
 * fuzzer, and acting on it would be guessing.
 */
#include "vmm/exits.h"

#define BIT(q, n) (((q) >> (n)) & 1u)

int vmx_qual_cr_decode(uint64_t q, struct vmx_qual_cr *out)
{
    /* Reserved: 7, 15:12, 63:32. */
    if (q & 0xffffffff0000f080ull)
        return VMM_E_INVAL;
    *out = (struct vmx_qual_cr){
        .cr = (uint8_t)(q & 0xf),
        .access = (uint8_t)((q >> 4) & 3),
        .lmsw_memory = BIT(q, 6),
        .gpr = (uint8_t)((q >> 8) & 0xf),
        .lmsw_source = (uint16_t)(q >> 16),
    };
    /* Only CR0, CR3, CR4 and CR8 are reported; CLTS/LMSW name CR0. */
    if (out->cr != 0 && out->cr != 3 && out->cr != 4 && out->cr != 8)
        return VMM_E_INVAL;
    if (out->access >= VMX_CR_CLTS && out->cr != 0)
        return VMM_E_INVAL;
    return VMM_OK;
}

int vmx_qual_dr_decode(uint64_t q, struct vmx_qual_dr *out)
{
    /* Reserved: 3, 7:5, 63:12. */
    if (q & 0xfffffffffffff0e8ull)
        return VMM_E_INVAL;
    *out = (struct vmx_qual_dr){
        .dr = (uint8_t)(q & 7),
        .from_dr = BIT(q, 4),
        .gpr = (uint8_t)((q >> 8) & 0xf),
    };
    return VMM_OK;
}

int vmx_qual_io_decode(uint64_t q, struct vmx_qual_io *out)
{
    /* Reserved: 15:7, 63:32; size encoding 2 is unused. */
    unsigned size_enc = (unsigned)(q & 7);
    if ((q & 0xffffffff0000ff80ull) || (size_enc != 0 && size_enc != 1 && size_enc != 3))
        return VMM_E_INVAL;
    *out = (struct vmx_qual_io){
        .size = (uint8_t)(size_enc + 1),
        .in = BIT(q, 3),
        .string = BIT(q, 4),
        .rep = BIT(q, 5),
        .immediate = BIT(q, 6),
        .port = (uint16_t)(q >> 16),
    };
    return VMM_OK;
}

int vmx_qual_task_switch_decode(uint64_t q, struct vmx_qual_task_switch *out)
{
    /* Reserved: 29:16, 63:32. */
    if (q & 0xffffffff3fff0000ull)
        return VMM_E_INVAL;
    *out = (struct vmx_qual_task_switch){
        .selector = (uint16_t)q,
        .source = (uint8_t)((q >> 30) & 3),
    };
    return VMM_OK;
}

int vmx_qual_ept_decode(uint64_t q, struct vmx_qual_ept *out)
{
    /* Reserved: 63:17. */
    if (q >> 17)
        return VMM_E_INVAL;
    *out = (struct vmx_qual_ept){
        .read = BIT(q, 0),
        .write = BIT(q, 1),
        .fetch = BIT(q, 2),
        .readable = BIT(q, 3),
        .writable = BIT(q, 4),
        .executable = BIT(q, 5),
        .user_executable = BIT(q, 6),
        .gla_valid = BIT(q, 7),
        .final_translation = BIT(q, 8),
        .user = BIT(q, 9),
        .rw_page = BIT(q, 10),
        .nx_page = BIT(q, 11),
        .nmi_unblock = BIT(q, 12),
        .shadow_stack = BIT(q, 13),
        .supervisor_shadow_stack = BIT(q, 14),
        .paging_verification = BIT(q, 15),
        .asynchronous = BIT(q, 16),
    };
    /* Bit 8 is 0 whenever bit 7 is 0. */
    if (out->final_translation && !out->gla_valid)
        return VMM_E_INVAL;
    return VMM_OK;
}
