/* SPDX-License-Identifier: Apache-2.0 */
/* The VMX instructions as C functions: inline assembly plus outcome decoding. */
#include "insn.h"

#define RFLAGS_CF (1ull << 0)
#define RFLAGS_ZF (1ull << 6)

/*
 * CF and ZF read inside the assembly with SETC/SETZ: clang 14 mis-orders
 * flag-output constraints ("=@ccz") against its own flag-clobbering code.
 */
#define FLAGS "\n\tsetc %[cf]\n\tsetz %[zf]"
#define CF_ZF(c, z) [cf] "=qm"(c), [zf] "=qm"(z)

static struct vmx_status decode(bool cf, bool zf)
{
    if (cf)
        return (struct vmx_status){VMX_FAIL_INVALID, 0};
    if (zf) {
        uint64_t error = 0;
        uint8_t rcf, rzf;
        __asm__ volatile("vmread %[enc], %[val]" FLAGS
                         : [val] "=r"(error), CF_ZF(rcf, rzf)
                         : [enc] "r"((uint64_t)VMCS_ENC_VM_INSTRUCTION_ERROR)
                         : "cc");
        return (struct vmx_status){VMX_FAIL_VALID, (rcf || rzf) ? 0 : (uint32_t)error};
    }
    return (struct vmx_status){VMX_SUCCEED, 0};
}

struct vmx_status hwvmx_status_of_flags(uint64_t rflags)
{
    return decode(rflags & RFLAGS_CF, rflags & RFLAGS_ZF);
}

/* One instruction with a 64-bit memory operand holding a physical address. */
#define MEM_INSN(fn, mnemonic)                                                                    \
    struct vmx_status fn(uint64_t addr)                                                           \
    {                                                                                             \
        uint8_t cf, zf;                                                                           \
        __asm__ volatile(mnemonic " %[a]" FLAGS : CF_ZF(cf, zf) : [a] "m"(addr) : "cc", "memory"); \
        return decode(cf, zf);                                                                    \
    }
MEM_INSN(hwvmx_vmxon, "vmxon")
MEM_INSN(hwvmx_vmclear, "vmclear")
MEM_INSN(hwvmx_vmptrld, "vmptrld")
#undef MEM_INSN

struct vmx_status hwvmx_vmxoff(void)
{
    uint8_t cf, zf;
    __asm__ volatile("vmxoff" FLAGS : CF_ZF(cf, zf) : : "cc", "memory");
    return decode(cf, zf);
}

struct vmx_status hwvmx_vmptrst(uint64_t *vmcs)
{
    uint8_t cf, zf;
    uint64_t v = ~0ull;
    __asm__ volatile("vmptrst %[v]" FLAGS : [v] "+m"(v), CF_ZF(cf, zf) : : "cc");
    *vmcs = v;
    return decode(cf, zf);
}

struct vmx_status hwvmx_vmread(uint32_t encoding, uint64_t *value)
{
    uint8_t cf, zf;
    uint64_t v = 0;
    __asm__ volatile("vmread %[enc], %[val]" FLAGS
                     : [val] "=r"(v), CF_ZF(cf, zf)
                     : [enc] "r"((uint64_t)encoding)
                     : "cc");
    struct vmx_status st = decode(cf, zf);
    if (st.outcome == VMX_SUCCEED)
        *value = v;
    return st;
}

struct vmx_status hwvmx_vmwrite(uint32_t encoding, uint64_t value)
{
    uint8_t cf, zf;
    __asm__ volatile("vmwrite %[val], %[enc]" FLAGS
                     : CF_ZF(cf, zf)
                     : [enc] "r"((uint64_t)encoding), [val] "r"(value)
                     : "cc", "memory");
    return decode(cf, zf);
}

struct vmx_status hwvmx_invept(uint64_t type, uint64_t eptp)
{
    struct {
        uint64_t eptp, reserved;
    } desc = {eptp, 0};
    uint8_t cf, zf;
    __asm__ volatile("invept %[d], %[t]" FLAGS
                     : CF_ZF(cf, zf)
                     : [d] "m"(desc), [t] "r"(type)
                     : "cc", "memory");
    return decode(cf, zf);
}

struct vmx_status hwvmx_invvpid(uint64_t type, uint16_t vpid, uint64_t gla)
{
    struct {
        uint64_t vpid, gla;
    } desc = {vpid, gla};
    uint8_t cf, zf;
    __asm__ volatile("invvpid %[d], %[t]" FLAGS
                     : CF_ZF(cf, zf)
                     : [d] "m"(desc), [t] "r"(type)
                     : "cc", "memory");
    return decode(cf, zf);
}
