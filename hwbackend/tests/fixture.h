/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The in-image tests' VM: the hardware backend on the processor the image
 * runs on, the core's VM (vmm/vm.h) with EPT where the processor has it,
 * the standard platform (CPUID profile generic-intel64, 16550 at 3F8H,
 * debug port E9H, hypercalls) and one vCPU. The same layers the demo uses
 * on the simulated backend, unchanged.
 */
#ifndef HWBACKEND_TESTS_FIXTURE_H
#define HWBACKEND_TESTS_FIXTURE_H

#include "hwbackend/vmx/hwvmx.h"
#include "vmm/debugport.h"
#include "vmm/handlers.h"
#include "vmm/uart16550.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

#define HWT_RAM_SIZE (4ull << 20)
#define HWT_LOAD 0x100000ull       /* guest code (from the start of RAM); the stack grows down */
#define HWT_MMIO_GPA 0x2000000ull  /* 32 MiB: a hole above guest RAM (EPT only) */

struct hwt {
    struct hwvmx hw;
    struct vmm_cpu *cpu;
    struct vmx_caps caps;
    struct vmm_vm vm;
    bool vm_made;
    struct vmm_platform platform;
    struct vmm_uart16550 uart;
    struct vmm_debugport debugport;
    struct vmm_byte_sink serial, console, debug;
    uint8_t serial_buf[4096], console_buf[2048], debug_buf[512];
    struct vmm_vcpu vcpu;
};

/* The one fixture (the tests run one at a time). */
struct hwt *hwt_get(void);

/* Backend and capabilities only (no VMXON yet); fails the test if unusable. */
struct hwt *hwt_backend(void);

/*
 * Backend, VM (EPT and an MMIO hole at HWT_MMIO_GPA when `ept`), platform
 * and vCPU, with the program [code, end) loaded HWT_LOAD into guest RAM
 * (guest RAM starts at GPA 0 with EPT, at its host address without) and
 * RDI = arg.
 * Fails the test on any error, saying which step.
 */
struct hwt *hwt_start(const uint8_t *code, const uint8_t *end, bool ept, uint64_t arg);

/* Runs the vCPU (at most max_exits exits); returns the stop. */
enum vmm_stop hwt_run(struct hwt *t, uint64_t max_exits);

/* Fails the test unless the run stopped at the guest's HLT; prints the dump otherwise. */
void hwt_expect_hlt(struct hwt *t, enum vmm_stop stop);

/* VMCLEAR, VMXOFF, pages back. */
void hwt_finish(struct hwt *t);

/* The guest's bytes a sink holds, as a NUL-terminated string (truncated to fit). */
const char *hwt_sink_text(struct vmm_byte_sink *s);

#endif
