/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Format detection: each format has marker strings with weights; every
 * line adds, per format, the weight of its heaviest marker found in it.
 * The best score wins (ties: table order); JSON is recognised by its
 * opening brace alone.
 */
#include "parse_util.h"

static const struct {
    enum vmxdump_format format;
    const char *marker;
    unsigned weight;
} markers[] = {
    {VMXDUMP_KVM, "*** Guest State ***", 5},
    {VMXDUMP_KVM, "CR0: actual=", 5},
    {VMXDUMP_KVM, "PinBased=", 3},
    {VMXDUMP_KVM, "EntryControls=", 3},
    {VMXDUMP_KVM, "VMEntry: intr_info=", 3},
    {VMXDUMP_KVM, "Interruptibility =", 2},
    {VMXDUMP_KVM, "kvm_intel:", 1},
    {VMXDUMP_XEN, "(XEN)", 2},
    {VMXDUMP_XEN, "sel  attr  limit", 50},
    {VMXDUMP_XEN, "EFER(VMCS)", 10},
    {VMXDUMP_XEN, "vmentry failure (reason", 10},
    {VMXDUMP_QEMU, "EAX=", 5},
    {VMXDUMP_QEMU, "RAX=", 5},
    {VMXDUMP_QEMU, "EFL=", 5},
    {VMXDUMP_QEMU, "RFL=", 5},
    {VMXDUMP_QEMU, "entry failed, hardware error", 5},
    {VMXDUMP_QEMU, "ES =", 3},
    {VMXDUMP_QEMU, "CS =", 3},
    {VMXDUMP_QEMU, "GDT=", 3},
    {VMXDUMP_LIBVMM, "# Control fields", 10},
    {VMXDUMP_LIBVMM, "# Guest-state fields", 10},
    {VMXDUMP_LIBVMM, "# Host-state fields", 10},
    {VMXDUMP_LIBVMM, "# VM-exit information fields", 10},
    {VMXDUMP_LIBVMM, ") = 0x", 3},
    {VMXDUMP_XMHF, "Guest State follows", 10},
    {VMXDUMP_XMHF, "@vmentry-failure", 3},
    {VMXDUMP_XMHF, "VMCS02.", 3},
    {VMXDUMP_XMHF, "VMCS12.", 3},
    {VMXDUMP_XMHF, "guest_", 2},
    {VMXDUMP_XMHF, "control_", 2},
    {VMXDUMP_XMHF, "host_", 2},
    {VMXDUMP_XMHF, "info_", 2},
    {VMXDUMP_XMHF_TRACE, "new gstCR0", 10},
    {VMXDUMP_XMHF_TRACE, "TR_acc_rts", 5},
    {VMXDUMP_XMHF_TRACE, "[cr0-", 5},
    {VMXDUMP_GDB, "(gdb)", 10},
};

/* "$12 = ..." at the start of a line (a gdb value history entry). */
static bool gdb_value(struct span s)
{
    s = span_trim(s);
    if (s.n < 4 || s.p[0] != '$')
        return false;
    size_t i = 1;
    while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9')
        i++;
    return i > 1 && span_starts(span_skip(s, i), " = ");
}

enum vmxdump_format vmxdump_detect(const char *text, size_t len)
{
    struct span all = span_trim(span_of(text, text ? len : 0));
    while (all.n && (all.p[0] == '\n' || all.p[0] == '\r' || all.p[0] == ' ' || all.p[0] == '\t'))
        all = span_skip(all, 1);
    if (all.n && all.p[0] == '{')
        return VMXDUMP_JSON;
    unsigned long score[VMXDUMP_FORMAT_COUNT] = {0};
    struct line_iter it;
    struct span s;
    lines_init(&it, text, len);
    while (lines_next(&it, &s)) {
        unsigned best[VMXDUMP_FORMAT_COUNT] = {0};
        for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++)
            if (markers[i].weight > best[markers[i].format] && span_find(s, markers[i].marker) >= 0)
                best[markers[i].format] = markers[i].weight;
        if (gdb_value(s))
            best[VMXDUMP_GDB] = 5;
        for (int f = 0; f < VMXDUMP_FORMAT_COUNT; f++)
            score[f] += best[f];
    }
    enum vmxdump_format pick = VMXDUMP_AUTO;
    for (int f = 1; f < VMXDUMP_FORMAT_COUNT; f++)
        if (score[f] > score[pick])
            pick = (enum vmxdump_format)f;
    return pick;
}
