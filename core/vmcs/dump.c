/* SPDX-License-Identifier: Apache-2.0 */
/* A readable dump of a VMCS image, grouped by field type. */
#include "vmm/textbuf.h"
#include "vmm/vmcs_fields.h"

static const char *const type_headings[] = {
    [VMCS_CONTROL] = "Control fields",
    [VMCS_EXIT_INFO] = "VM-exit information fields",
    [VMCS_GUEST] = "Guest-state fields",
    [VMCS_HOST] = "Host-state fields",
};

void vmcs_image_dump(const struct vmcs_image *v, const struct vmx_caps *caps, unsigned flags,
                     struct vmm_textbuf *tb)
{
    for (unsigned type = 0; type < 4; type++) {
        bool heading = false;
        for (unsigned i = 0; i < VMCS_FIELD_COUNT; i++) {
            const struct vmcs_field_info *f = &vmcs_field_table[i];
            if (f->type != type)
                continue;
            if (caps && !vmcs_field_exists(caps, (enum vmcs_field_id)i))
                continue;
            if ((flags & VMCS_DUMP_NONZERO) && v->value[i] == 0)
                continue;
            if (!heading) {
                tb_puts(tb, "# ");
                tb_puts(tb, type_headings[type]);
                tb_putc(tb, '\n');
                heading = true;
            }
            tb_puts(tb, f->name);
            tb_pad_to(tb, 32);
            tb_puts(tb, "(");
            tb_hex(tb, f->encoding, 4);
            tb_puts(tb, ") = ");
            tb_hex(tb, v->value[i], vmcs_width_bits((enum vmcs_width)f->width) / 4);
            tb_putc(tb, '\n');
        }
    }
}
