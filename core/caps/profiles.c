/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Named capability profiles: what a processor reports, for tests, fuzzing
 * and the simulated backend. Each is a set of raw MSR values plus CPUID
 * facts, parsed like real hardware's by vmx_caps_parse.
 */
#include "vmm/caps.h"

#define PRESENT(first, last) (((1u << ((last) + 1)) - 1) & ~((1u << (first)) - 1))
#define CTL(allowed0, allowed1) (((uint64_t)(allowed1) << 32) | (uint32_t)(allowed0))
#define BASIC(rev, size, memtype) (((uint64_t)(memtype) << 50) | ((uint64_t)(size) << 32) | (rev))
#define BASIC_INS_OUTS (1ull << 54)
#define BASIC_TRUE_CTLS (1ull << 55)
#define BASIC_NO_ERRCODE_CHECK (1ull << 56)
#define MEMTYPE_WB 6

/* Default1 bits of each word (the SDM's appendix A): reported as allowed-0. */
#define PIN_DEFAULT1 0x00000016u
#define PROC_DEFAULT1 0x0401e172u
#define EXIT_DEFAULT1 0x00036dffu
#define ENTRY_DEFAULT1 0x000011ffu

/*
 * Bochs 2.7, cpu model corei7_skylake_x: the values its VMX test kernel
 * read with RDMSR (shared/reference/bochs.md). No monitor trap flag, no
 * tertiary or secondary exit controls, no IA32_SPEC_CTRL. MAXPHYADDR 40
 * and the CPUID facts as read inside the library OS.
 */
static const struct vmx_raw_caps bochs_skylake_x = {
    .msr = {
        [VMX_MSR_BASIC] = 0x00d810000000002bull,
        [VMX_MSR_PINBASED_CTLS] = 0x0000007f00000016ull,
        [VMX_MSR_PROCBASED_CTLS] = 0xf7f9fffe0401e172ull,
        [VMX_MSR_EXIT_CTLS] = 0x007fffff00036dffull,
        [VMX_MSR_ENTRY_CTLS] = 0x0000ffff000011ffull,
        [VMX_MSR_MISC] = 0x00000000600401e0ull,
        [VMX_MSR_CR0_FIXED0] = 0x80000021ull,
        [VMX_MSR_CR0_FIXED1] = 0xffffffffull,
        [VMX_MSR_CR4_FIXED0] = 0x2000ull,
        [VMX_MSR_CR4_FIXED1] = 0x3727ffull,
        [VMX_MSR_VMCS_ENUM] = 0x34ull,
        [VMX_MSR_PROCBASED_CTLS2] = 0x02177fff00000000ull,
        [VMX_MSR_EPT_VPID_CAP] = 0x00000f0106334141ull,
        [VMX_MSR_TRUE_PINBASED_CTLS] = 0x0000007f00000016ull,
        [VMX_MSR_TRUE_PROCBASED_CTLS] = 0xf7f9fffe04006172ull,
        [VMX_MSR_TRUE_EXIT_CTLS] = 0x007fffff00036dfbull,
        [VMX_MSR_TRUE_ENTRY_CTLS] = 0x0000ffff000011fbull,
        [VMX_MSR_VMFUNC] = 0x1ull,
    },
    .msr_present = PRESENT(VMX_MSR_BASIC, VMX_MSR_VMFUNC),
    .phys_addr_width = 40,
    .linear_addr_width = 48,
    .cpuid_features = VMM_CPUID_BIT(VMM_CPUID_PCID),
};

/*
 * Bochs 2.7, cpu model tigerlake: read with RDMSR and CPUID inside the
 * library OS (hwbackend/tests caps_test). Adds to skylake_x the monitor
 * trap flag, MBEC (secondary bit 22), the CET entry/exit controls, and
 * IA32_SPEC_CTRL; no tertiary or secondary exit controls.
 */
static const struct vmx_raw_caps bochs_tigerlake = {
    .msr = {
        [VMX_MSR_BASIC] = 0x01d8100000000004ull,
        [VMX_MSR_PINBASED_CTLS] = 0x0000007f00000016ull,
        [VMX_MSR_PROCBASED_CTLS] = 0xfff9fffe0401e172ull,
        [VMX_MSR_EXIT_CTLS] = 0x107fffff00036dffull,
        [VMX_MSR_ENTRY_CTLS] = 0x0010ffff000011ffull,
        [VMX_MSR_MISC] = 0x00000000600401e0ull,
        [VMX_MSR_CR0_FIXED0] = 0x80000021ull,
        [VMX_MSR_CR0_FIXED1] = 0xffffffffull,
        [VMX_MSR_CR4_FIXED0] = 0x2000ull,
        [VMX_MSR_CR4_FIXED1] = 0xf72fffull,
        [VMX_MSR_VMCS_ENUM] = 0x34ull,
        [VMX_MSR_PROCBASED_CTLS2] = 0x02977fff00000000ull,
        [VMX_MSR_EPT_VPID_CAP] = 0x00000f0106b34141ull,
        [VMX_MSR_TRUE_PINBASED_CTLS] = 0x0000007f00000016ull,
        [VMX_MSR_TRUE_PROCBASED_CTLS] = 0xfff9fffe04006172ull,
        [VMX_MSR_TRUE_EXIT_CTLS] = 0x107fffff00036dfbull,
        [VMX_MSR_TRUE_ENTRY_CTLS] = 0x0010ffff000011fbull,
        [VMX_MSR_VMFUNC] = 0x1ull,
    },
    .msr_present = PRESENT(VMX_MSR_BASIC, VMX_MSR_VMFUNC),
    .phys_addr_width = 40,
    .linear_addr_width = 48,
    .cpuid_features = VMM_CPUID_BIT(VMM_CPUID_PCID) | VMM_CPUID_BIT(VMM_CPUID_CET_SS) |
                      VMM_CPUID_BIT(VMM_CPUID_CET_IBT) | VMM_CPUID_BIT(VMM_CPUID_SPEC_CTRL),
};

/*
 * A first-generation VMX processor: no secondary controls (so no EPT,
 * VPID or unrestricted guest), no TRUE MSRs, no preemption timer, HLT as
 * the only extra activity state.
 */
static const struct vmx_raw_caps minimal = {
    .msr = {
        [VMX_MSR_BASIC] = BASIC(0x0d, 0x1000, MEMTYPE_WB),
        [VMX_MSR_PINBASED_CTLS] = CTL(PIN_DEFAULT1, PIN_DEFAULT1 | VMX_PIN_EXT_INTR_EXITING |
                                                        VMX_PIN_NMI_EXITING),
        [VMX_MSR_PROCBASED_CTLS] = CTL(PROC_DEFAULT1,
            PROC_DEFAULT1 | VMX_PROC_INTR_WINDOW_EXITING | VMX_PROC_USE_TSC_OFFSETTING |
            VMX_PROC_HLT_EXITING | VMX_PROC_INVLPG_EXITING | VMX_PROC_MWAIT_EXITING |
            VMX_PROC_RDPMC_EXITING | VMX_PROC_RDTSC_EXITING | VMX_PROC_CR8_LOAD_EXITING |
            VMX_PROC_CR8_STORE_EXITING | VMX_PROC_USE_TPR_SHADOW | VMX_PROC_MOV_DR_EXITING |
            VMX_PROC_UNCOND_IO_EXITING | VMX_PROC_USE_IO_BITMAPS | VMX_PROC_USE_MSR_BITMAPS |
            VMX_PROC_MONITOR_EXITING | VMX_PROC_PAUSE_EXITING),
        [VMX_MSR_EXIT_CTLS] = CTL(EXIT_DEFAULT1, EXIT_DEFAULT1 | VMX_EXIT_HOST_ADDR_SPACE_SIZE |
                                                      VMX_EXIT_ACK_INTR_ON_EXIT),
        [VMX_MSR_ENTRY_CTLS] = CTL(ENTRY_DEFAULT1, ENTRY_DEFAULT1 | VMX_ENTRY_IA32E_MODE_GUEST),
        [VMX_MSR_MISC] = VMX_MISC_ACTIVITY_HLT | (4u << 16),
        [VMX_MSR_CR0_FIXED0] = 0x80000021ull,
        [VMX_MSR_CR0_FIXED1] = 0xffffffffull,
        [VMX_MSR_CR4_FIXED0] = 0x2000ull,
        [VMX_MSR_CR4_FIXED1] = 0x27ffull,
        [VMX_MSR_VMCS_ENUM] = 0x2cull,
    },
    .msr_present = PRESENT(VMX_MSR_BASIC, VMX_MSR_VMCS_ENUM),
    .phys_addr_width = 36,
    .linear_addr_width = 48,
    .cpuid_features = 0,
};

/*
 * A fully featured modern processor: every control the SDM defines,
 * TRUE MSRs, tertiary and secondary exit controls, 4- and 5-level EPT with
 * A/D bits, every INVEPT/INVVPID type, all activity states, zero-length
 * injection, 57-bit linear addresses.
 */
static const struct vmx_raw_caps modern = {
    .msr = {
        [VMX_MSR_BASIC] = BASIC(0x04, 0x1000, MEMTYPE_WB) | BASIC_INS_OUTS | BASIC_TRUE_CTLS |
                          BASIC_NO_ERRCODE_CHECK,
        [VMX_MSR_PINBASED_CTLS] = CTL(PIN_DEFAULT1, 0xff),
        [VMX_MSR_PROCBASED_CTLS] = CTL(PROC_DEFAULT1, 0xfffbfffe),
        [VMX_MSR_EXIT_CTLS] = CTL(EXIT_DEFAULT1, 0xffffffff),
        [VMX_MSR_ENTRY_CTLS] = CTL(ENTRY_DEFAULT1, 0x01ffffff),
        [VMX_MSR_MISC] = 5u | (1u << 5) | VMX_MISC_ACTIVITY_HLT | VMX_MISC_ACTIVITY_SHUTDOWN |
                         VMX_MISC_ACTIVITY_WAIT_SIPI | (1u << 14) | (4u << 16) | (1u << 29) |
                         (1u << 30),
        [VMX_MSR_CR0_FIXED0] = 0x80000021ull,
        [VMX_MSR_CR0_FIXED1] = 0xffffffffull,
        [VMX_MSR_CR4_FIXED0] = 0x2000ull,
        [VMX_MSR_CR4_FIXED1] = 0x1003ff7fffull, /* through UINTR (25), and FRED (32) */
        [VMX_MSR_VMCS_ENUM] = 0x54ull,
        [VMX_MSR_PROCBASED_CTLS2] = CTL(0, 0xdfffffff),
        [VMX_MSR_EPT_VPID_CAP] = VMX_EPT_CAP_EXEC_ONLY | VMX_EPT_CAP_PWL4 | VMX_EPT_CAP_PWL5 |
                                 VMX_EPT_CAP_MT_UC | VMX_EPT_CAP_MT_WB | VMX_EPT_CAP_2M |
                                 VMX_EPT_CAP_1G | VMX_EPT_CAP_INVEPT | VMX_EPT_CAP_AD |
                                 VMX_EPT_CAP_ADV_EXIT_INFO | VMX_EPT_CAP_SSS |
                                 VMX_EPT_CAP_INVEPT_SINGLE | VMX_EPT_CAP_INVEPT_ALL |
                                 VMX_VPID_CAP_INVVPID | VMX_VPID_CAP_INVVPID_ADDR |
                                 VMX_VPID_CAP_INVVPID_SINGLE | VMX_VPID_CAP_INVVPID_ALL |
                                 VMX_VPID_CAP_INVVPID_SINGLE_NONGLOBAL,
        [VMX_MSR_TRUE_PINBASED_CTLS] = CTL(PIN_DEFAULT1, 0xff),
        [VMX_MSR_TRUE_PROCBASED_CTLS] = CTL(0x04006172, 0xfffbfffe),
        [VMX_MSR_TRUE_EXIT_CTLS] = CTL(0x00036dfb, 0xffffffff),
        [VMX_MSR_TRUE_ENTRY_CTLS] = CTL(0x000011fb, 0x01ffffff),
        [VMX_MSR_VMFUNC] = 0x1ull,
        [VMX_MSR_PROCBASED_CTLS3] = 0x1ffull,
        [VMX_MSR_EXIT_CTLS2] = 0x7ull,
    },
    .msr_present = PRESENT(VMX_MSR_BASIC, VMX_MSR_EXIT_CTLS2),
    .phys_addr_width = 46,
    .linear_addr_width = 57,
    .cpuid_features = (1ull << VMM_CPUID_FEATURE_COUNT) - 1,
};

const struct vmx_profile vmx_profiles[] = {
    {"bochs-skylake-x", "Bochs 2.7 corei7_skylake_x (measured MSR values)", &bochs_skylake_x},
    {"bochs-tigerlake", "Bochs 2.7 tigerlake (measured MSR values): MTF, MBEC, CET", &bochs_tigerlake},
    {"minimal", "first-generation VMX: no secondary controls, no EPT", &minimal},
    {"modern", "every VMX feature the SDM defines", &modern},
};
const size_t vmx_profile_count = sizeof vmx_profiles / sizeof vmx_profiles[0];

static bool same_name(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

const struct vmx_profile *vmx_profile_find(const char *name)
{
    for (size_t i = 0; i < vmx_profile_count; i++)
        if (same_name(vmx_profiles[i].name, name))
            return &vmx_profiles[i];
    return NULL;
}
