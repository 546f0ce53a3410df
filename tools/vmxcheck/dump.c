/* SPDX-License-Identifier: Apache-2.0 */
/* vmxdump_parse: format table, detection, dispatch to the format's parser. */
#include <string.h>

#include "parse_util.h"
#include "vmm/types.h"

static const struct {
    const char *name, *title;
    dump_parser parse;
} formats[VMXDUMP_FORMAT_COUNT] = {
    [VMXDUMP_AUTO] = {"auto", "detected from the text", NULL},
    [VMXDUMP_KVM] = {"kvm", "Linux KVM dump_vmcs() output", parse_kvm},
    [VMXDUMP_XEN] = {"xen", "Xen VMCS dump", parse_xen},
    [VMXDUMP_QEMU] = {"qemu", "QEMU register dump (guest state only)", parse_qemu},
    [VMXDUMP_JSON] = {"json", "JSON object of VMCS fields", parse_json},
    [VMXDUMP_LIBVMM] = {"libvmm", "libvmm vmcs_image_dump() output", parse_libvmm},
    [VMXDUMP_XMHF] = {"xmhf", "XMHF VMCS field dump", parse_xmhf},
    [VMXDUMP_XMHF_TRACE] = {"xmhf-trace", "XMHF CR0-intercept trace", parse_xmhf_trace},
    [VMXDUMP_GDB] = {"gdb", "gdb printouts of VMCS values", parse_gdb},
};

const char *vmxdump_format_name(enum vmxdump_format f)
{
    return (unsigned)f < VMXDUMP_FORMAT_COUNT ? formats[f].name : NULL;
}

const char *vmxdump_format_title(enum vmxdump_format f)
{
    return (unsigned)f < VMXDUMP_FORMAT_COUNT ? formats[f].title : NULL;
}

enum vmxdump_format vmxdump_format_by_name(const char *name)
{
    for (int f = 0; f < VMXDUMP_FORMAT_COUNT; f++)
        if (name && !strcmp(name, formats[f].name))
            return (enum vmxdump_format)f;
    return VMXDUMP_FORMAT_COUNT;
}

const char *vmxdump_ctl_key(enum vmm_ctl_kind kind)
{
    static const char *const keys[VMM_CTL_KIND_COUNT] = {
        [VMM_CTL_PIN] = "pin",     [VMM_CTL_PROC] = "proc",   [VMM_CTL_PROC2] = "proc2",
        [VMM_CTL_PROC3] = "proc3", [VMM_CTL_EXIT] = "exit",   [VMM_CTL_EXIT2] = "exit2",
        [VMM_CTL_ENTRY] = "entry", [VMM_CTL_VMFUNC] = "vmfunc",
    };
    return (unsigned)kind < VMM_CTL_KIND_COUNT ? keys[kind] : NULL;
}

/* Lines in the text, for errors about the whole input. */
static unsigned count_lines(const char *text, size_t len)
{
    struct line_iter it;
    struct span s;
    lines_init(&it, text, len);
    while (lines_next(&it, &s))
        ;
    return it.no ? it.no : 1;
}

int vmxdump_parse_as(const char *text, size_t len, enum vmxdump_format format,
                     struct vmxdump *out, struct vmxdump_error *err)
{
    struct vmxdump_error scratch;
    if (!err)
        err = &scratch;
    *err = (struct vmxdump_error){0};
    if (!out)
        return dump_fail(err, 0, "no output");
    memset(out, 0, sizeof *out);
    if (!text)
        len = 0;
    if ((unsigned)format >= VMXDUMP_FORMAT_COUNT)
        return dump_fail(err, 1, "unknown format");
    if (format == VMXDUMP_AUTO) {
        format = vmxdump_detect(text, len);
        if (format == VMXDUMP_AUTO)
            return dump_fail(err, len ? count_lines(text, len) : 1,
                             len ? "not a VMCS dump in any known format" : "empty input");
    }
    out->format = format;
    int rc = formats[format].parse(text, len, out, err);
    if (rc != VMM_OK) {
        if (!err->line)
            err->line = 1;
        return rc;
    }
    if (!out->nfields && !out->stated.vmfail && !out->stated.exit)
        return dump_fail(err, out->lines ? out->lines : 1,
                         "no VMCS fields found (read as %s)", formats[format].title);
    return VMM_OK;
}

int vmxdump_parse(const char *text, size_t len, struct vmxdump *out, struct vmxdump_error *err)
{
    return vmxdump_parse_as(text, len, VMXDUMP_AUTO, out, err);
}
