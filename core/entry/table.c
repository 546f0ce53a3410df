/* SPDX-License-Identifier: Apache-2.0 */
/* The check table as data, for readers: vmxcheck, coverage reports, docs. */
#include "vmm/entry.h"
#include "vmm/textbuf.h"

#define FIELD_LIST(...) {__VA_ARGS__}
#define FIELD_COUNT(...) ((uint8_t)(sizeof((uint8_t[]){__VA_ARGS__})))

const struct vmx_check_info vmx_check_table[VMX_CHECK_COUNT] = {
#define VMX_CHECK(name, id_, sec, cls_, num, pred, arg, msg, hint_, ...) \
    [VMX_CHECK_##name] = {.id = id_, .section = sec, .cls = VMX_CLASS_##cls_, .number = num, \
                          .message = msg, .hint = hint_, .nfields = FIELD_COUNT(__VA_ARGS__), \
                          .fields = FIELD_LIST(__VA_ARGS__)},
#include "vmm/checks/all.def"
#undef VMX_CHECK
};

static bool same(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

int vmx_check_by_id(const char *id, enum vmx_check_id *out)
{
    for (unsigned i = 0; i < VMX_CHECK_COUNT; i++)
        if (same(vmx_check_table[i].id, id)) {
            *out = (enum vmx_check_id)i;
            return VMM_OK;
        }
    return VMM_E_NOENT;
}

void vmx_check_section(enum vmx_check_id check, unsigned chapter, char *buf, size_t len)
{
    struct vmm_textbuf tb;
    tb_init(&tb, buf, len);
    if ((unsigned)check >= VMX_CHECK_COUNT)
        return;
    tb_dec(&tb, chapter);
    tb_putc(&tb, '.');
    tb_puts(&tb, vmx_check_table[check].section);
}
