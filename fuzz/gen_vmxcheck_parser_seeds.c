/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seeds and dictionary for vmxcheck_parser. The real dumps in
 * tools/vmxcheck/testdata/ are seeds as they are (BUILD lists them); this
 * adds what they lack: libvmm's own dump format (vmcs_image_dump of three
 * valid baselines) and a JSON dump with stated facts, MSR lists and
 * capability hints. The dictionary holds each format's markers and every
 * VMCS field name.
 *
 *   bazel run //fuzz:vmxcheck_parser_seedgen [-- OUT_DIR DICT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "seedgen.h"
#include "vmm/textbuf.h"

static struct test_entry t;
static char text[64 * 1024];

static void libvmm_dump(struct seedgen *g, enum baseline b, const char *name)
{
    struct vmm_textbuf tb;
    baseline_build(b, &t);
    tb_init(&tb, text, sizeof text);
    vmcs_image_dump(&t.vmcs, &t.caps, VMCS_DUMP_NONZERO, &tb);
    seedgen_write(g, name, text, tb.len);
}

static void json_dump(struct seedgen *g)
{
    struct vmm_textbuf tb;
    baseline_build(BASE_LONG64, &t);
    tb_init(&tb, text, sizeof text);
    tb_puts(&tb, "{\"stated\": {\"instruction\": \"VMLAUNCH\", \"exit_reason\": \"0x80000021\", "
                 "\"exit_qualification\": 0},\n"
                 " \"msr_lists\": {\"entry_load\": [{\"slot\": 0, \"index\": \"0xc0000080\", "
                 "\"reserved\": 0, \"value\": \"0xd01\"}]},\n"
                 " \"capability_hints\": {\"proc\": {\"allowed0\": \"0x4006172\", "
                 "\"allowed1\": \"0xfff9fffe\"}},\n");
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++) {
        if (!t.vmcs.value[i] || vmcs_field_table[i].type == VMCS_EXIT_INFO)
            continue;
        tb_puts(&tb, " \"");
        tb_puts(&tb, vmcs_field_table[i].name);
        tb_puts(&tb, "\": \"");
        tb_hex(&tb, t.vmcs.value[i], 1);
        tb_puts(&tb, "\",\n");
    }
    tb_puts(&tb, " \"VMCS_LINK_POINTER_HIGH\": \"0xffffffff\"}\n");
    seedgen_write(g, "json-64bit-guest", text, tb.len);
}

/* Words each format's parser and detector look for. */
static const char *const markers[] = {
    "*** Guest State ***", "*** Host State ***", "*** Control State ***", "CR0: actual=",
    "CR4: actual=", "shadow=", "gh_mask=", "PinBased=", "CPUBased=", "SecondaryExec=",
    "EntryControls=", "ExitControls=", "VMEntry: intr_info=", "VMExit: intr_info=",
    "Interruptibility =", "ActivityState =", "kvm_intel:", "sel=", "attr=", "limit=", "base=",
    "(XEN)", "sel  attr  limit", "EFER(VMCS)", "vmentry failure (reason", "EAX=", "RAX=",
    "EFL=", "RFL=", "entry failed, hardware error", "ES =", "CS =", "SS =", "DS =", "FS =",
    "GS =", "LDT=", "TR =", "GDT=", "IDT=", "CR0=", "CR3=", "CR4=", "EFER=", "CPL=",
    "# Control fields", "# Guest-state fields", "# Host-state fields",
    "# VM-exit information fields", ") = 0x", "Guest State follows", "@vmentry-failure",
    "VMCS02.", "VMCS12.", "guest_", "control_", "host_", "info_", "new gstCR0", "TR_acc_rts",
    "[cr0-", "(gdb)", "p/x ", "$1 = ", "0x", "{", "}", "[", "]", "\": ", "null",
    "\"unavailable\"", "\"fields\"", "\"stated\"", "\"instruction\"", "\"vm_instruction_error\"",
    "\"exit_reason\"", "\"exit_qualification\"", "\"msr_lists\"", "\"entry_load\"",
    "\"exit_store\"", "\"exit_load\"", "\"slot\"", "\"index\"", "\"reserved\"", "\"value\"",
    "\"capability_hints\"", "\"allowed0\"", "\"allowed1\"", "VMLAUNCH", "VMRESUME", "_HIGH",
};

static void dictionary(struct seedgen *g)
{
    void *f = seedgen_open_dict(g);
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++)
        seedgen_dict_entry(f, markers[i], strlen(markers[i]));
    for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++)
        seedgen_dict_entry(f, vmcs_field_table[i].name, strlen(vmcs_field_table[i].name));
    if (fclose(f) != 0) {
        perror(g->dict);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    struct seedgen g;
    seedgen_init(&g, argc, argv, "vmxcheck_parser", 1);
    libvmm_dump(&g, BASE_LONG64, "libvmm-64bit-guest");
    libvmm_dump(&g, BASE_LONG64_FULL, "libvmm-64bit-guest-every-control");
    libvmm_dump(&g, BASE_REAL_URG, "libvmm-real-mode-guest");
    json_dump(&g);
    dictionary(&g);
    printf("%u seeds written to %s, dictionary %s\n", g.written, g.dir, g.dict);
    return 0;
}
