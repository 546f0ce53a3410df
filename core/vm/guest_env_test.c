/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest's environment as the guest's processor sees it: the page
 * tables walked with the core's guest page walker translate every address
 * of guest RAM and the MMIO holes to itself; the GDT, TSS and IDT in guest
 * RAM encode what the VMCS says; the exception stubs decode (Capstone) to
 * the exit hypercall.
 */
#include <capstone/capstone.h>
#include <stdio.h>
#include <string.h>

#include "vm_fixture.h"
#include "vm_internal.h"
#include "vmm/paging.h"

#define HOLE 0x2000000ull /* 32 MiB: its own 2 MiB page, above 16 MiB of RAM */

static int walker_read(void *ctx, vmm_gpa_t gpa, unsigned size, uint64_t *value)
{
    struct vmfix *f = ctx;
    *value = 0;
    return f->inner->ops->gpa_read(f->inner, gpa, value, size);
}

static int walker_write(void *ctx, vmm_gpa_t gpa, unsigned size, uint64_t value)
{
    (void)ctx, (void)gpa, (void)size, (void)value;
    fail_msg("the walk wrote an A/D flag: the VM sets them in advance");
    return VMM_E_FAULT;
}

static struct paging_state guest_paging(struct vmfix *f)
{
    return (struct paging_state){
        .cr0 = vmfix_vmread(f, VMCS_GUEST_CR0),
        .cr3 = vmfix_vmread(f, VMCS_GUEST_CR3),
        .cr4 = vmfix_vmread(f, VMCS_GUEST_CR4),
        .efer = 0x500, /* what VM entry loads for an IA-32e mode guest */
        .rflags = vmfix_vmread(f, VMCS_GUEST_RFLAGS),
        .maxphyaddr = f->caps.phys_addr_width,
    };
}

static struct vmfix *env_with_hole(const char *profile)
{
    struct vmfix *f = vmfix_new(profile, true);
    f->cfg.mmio_holes[0] = (struct vmm_vm_mmio_hole){HOLE, 0x1000};
    f->cfg.mmio_hole_count = 1;
    assert_int_equal(vmfix_create(f), VMM_OK);
    return f;
}

static void translate(struct vmfix *f, uint64_t gva, unsigned access, struct paging_result *r)
{
    struct paging_state s = guest_paging(f);
    struct paging_mem mem = {walker_read, walker_write, f};
    assert_int_equal(paging_translate(&s, &mem, gva, access, r), VMM_OK);
}

static void page_tables_map_guest_ram_to_itself(void **state)
{
    (void)state;
    struct vmfix *f = env_with_hole("bochs-skylake-x");
    struct paging_state ps = guest_paging(f);
    assert_int_equal(paging_mode_of(&ps), PAGING_4LEVEL);
    const struct vmm_vm_layout *l = &f->vm.layout;
    const uint64_t probes[] = {0,          0x1000,      0x7ffff8,     l->base - 8,
                               l->pml4,    l->idt + 16, l->ist_top - 8, l->end - 1,
                               0xabcdef};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        struct paging_result r;
        translate(f, probes[i], PAGING_ACCESS_WRITE, &r);
        if (r.outcome != PAGING_TRANSLATED)
            fprintf(stderr, "%#llx: #PF %#x at level %u, entry %#llx\n",
                    (unsigned long long)probes[i], r.error_code, r.level,
                    (unsigned long long)r.entry);
        assert_int_equal(r.outcome, PAGING_TRANSLATED);
        assert_int_equal(r.gpa, probes[i]);
        assert_int_equal(r.page_size, 2u << 20);
        assert_true(r.writable);
        assert_false(r.user);
        assert_false(r.entry & (VM_PTE_PCD | VM_PTE_PWT)); /* RAM: write-back */
        translate(f, probes[i], PAGING_ACCESS_FETCH, &r);
        assert_int_equal(r.outcome, PAGING_TRANSLATED);
    }
    vmfix_free(f, true);
}

static void page_tables_map_mmio_holes_uncached_and_nothing_else(void **state)
{
    (void)state;
    struct vmfix *f = env_with_hole("modern");
    struct paging_result r;
    translate(f, HOLE + 0x10, PAGING_ACCESS_WRITE, &r);
    assert_int_equal(r.outcome, PAGING_TRANSLATED);
    assert_int_equal(r.gpa, HOLE + 0x10);
    assert_int_equal(r.entry & (VM_PTE_PCD | VM_PTE_PWT), VM_PTE_PCD | VM_PTE_PWT);
    /* Between RAM and the hole, and above the hole: not present (#PF, not an EPT violation). */
    const uint64_t absent[] = {16u << 20, (16u << 20) + (2u << 20), HOLE + (2u << 20),
                               1ull << 30, 1ull << 40};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++) {
        translate(f, absent[i], 0, &r);
        assert_int_equal(r.outcome, PAGING_PAGE_FAULT);
        assert_int_equal(r.error_code & PF_EC_P, 0);
    }
    assert_int_equal(f->vm.layout.pd_count, 1);
    assert_int_equal(f->vm.layout.map_end, HOLE + (2u << 20));
    vmfix_free(f, true);
}

static void ept_maps_guest_ram_and_leaves_the_holes_unmapped(void **state)
{
    (void)state;
    struct vmfix *f = env_with_hole("bochs-skylake-x");
    struct ept_walk_cfg cfg;
    struct ept_mem mem;
    ept_own_walk_cfg(&f->vm.ept, false, &cfg);
    ept_own_mem(&f->vm.ept, &mem);
    struct ept_translation t;
    assert_int_equal(ept_translate(&cfg, &mem, 0x123456, EPT_ACCESS_WRITE, &t), VMM_OK);
    assert_int_equal(t.outcome, EPT_TRANSLATED);
    assert_int_equal(t.hpa, 0x123456);
    assert_int_equal(t.memtype, EPT_MT_WB);
    assert_int_equal(t.perms, EPT_R | EPT_W | EPT_X);
    assert_int_equal(ept_translate(&cfg, &mem, HOLE, EPT_ACCESS_WRITE, &t), VMM_OK);
    assert_int_equal(t.outcome, EPT_VIOLATION);
    assert_true(t.not_present);
    assert_int_equal(ept_translate(&cfg, &mem, 16u << 20, EPT_ACCESS_READ, &t), VMM_OK);
    assert_int_equal(t.outcome, EPT_VIOLATION);
    vmfix_free(f, true);
}

static void descriptors_encode_the_sdm_layout(void **state)
{
    (void)state;
    assert_int_equal(vm_seg_descriptor(0, 0xffffffff, VM_AR_CODE64), 0x00af9b000000ffffull);
    assert_int_equal(vm_seg_descriptor(0, 0xffffffff, VM_AR_DATA), 0x00cf93000000ffffull);
    assert_int_equal(vm_seg_descriptor(0x12345678, 0xabcde, 0x93), 0x120a93345678bcdeull);
    uint64_t tss[2];
    vm_tss_descriptor(0x123456789abcdef0ull, 0x67, tss);
    assert_int_equal(tss[0], 0x9a008bbcdef00067ull);
    assert_int_equal(tss[1], 0x12345678);
    uint64_t gate[2];
    vm_idt_gate(0xffff800012345678ull, 1, gate);
    assert_int_equal(gate[0], 0x12348e0100085678ull);
    assert_int_equal(gate[1], 0xffff8000);
}

/* Base, limit and access rights of the descriptor at `sel` in the guest's GDT. */
static void gdt_entry(struct vmfix *f, uint16_t sel, uint64_t *base, uint32_t *limit,
                      uint32_t *ar)
{
    uint64_t d[2] = {0};
    vmfix_gpa_read(f, f->vm.layout.gdt + sel, d, sel == VMM_VM_SEL_TSS ? 16 : 8);
    *base = ((d[0] >> 16) & 0xffffff) | ((d[0] >> 56) << 24) | (d[1] << 32);
    *limit = (uint32_t)((d[0] & 0xffff) | ((d[0] >> 32) & 0xf0000));
    *ar = (uint32_t)((d[0] >> 40) & 0xf0ff);
    if (*ar & 0x8000)
        *limit = (*limit << 12) | 0xfff;
}

static void gdt_and_tss_agree_with_the_vmcs(void **state)
{
    (void)state;
    struct vmfix *f = vmfix_new("bochs-skylake-x", false);
    assert_int_equal(vmfix_create(f), VMM_OK);
    const struct vmm_vm_layout *l = &f->vm.layout;
    assert_int_equal(vmfix_vmread(f, VMCS_GUEST_GDTR_BASE), l->gdt);
    assert_int_equal(vmfix_vmread(f, VMCS_GUEST_GDTR_LIMIT), VMM_VM_GDT_LIMIT);
    static const struct {
        enum vmcs_field_id sel, base, limit, ar;
    } segs[] = {
        {VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_CS_BASE, VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_AR_BYTES},
        {VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_SS_BASE, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_AR_BYTES},
        {VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_DS_BASE, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_AR_BYTES},
        {VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_ES_BASE, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_AR_BYTES},
        {VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_FS_BASE, VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_AR_BYTES},
        {VMCS_GUEST_GS_SELECTOR, VMCS_GUEST_GS_BASE, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_AR_BYTES},
        {VMCS_GUEST_TR_SELECTOR, VMCS_GUEST_TR_BASE, VMCS_GUEST_TR_LIMIT, VMCS_GUEST_TR_AR_BYTES},
    };
    for (size_t i = 0; i < sizeof segs / sizeof segs[0]; i++) {
        uint64_t base;
        uint32_t limit, ar;
        uint16_t sel = (uint16_t)vmfix_vmread(f, segs[i].sel);
        assert_true(sel + 7u <= VMM_VM_GDT_LIMIT);
        gdt_entry(f, sel, &base, &limit, &ar);
        assert_int_equal(base, vmfix_vmread(f, segs[i].base));
        assert_int_equal(limit, vmfix_vmread(f, segs[i].limit));
        assert_int_equal(ar, vmfix_vmread(f, segs[i].ar));
    }
    assert_int_equal(vmfix_vmread(f, VMCS_GUEST_CS_AR_BYTES) & 0x2000, 0x2000); /* L */

    uint8_t tss[104];
    vmfix_gpa_read(f, l->tss, tss, sizeof tss);
    uint64_t rsp0, ist1;
    uint16_t iomap;
    memcpy(&rsp0, &tss[4], 8);
    memcpy(&ist1, &tss[36], 8);
    memcpy(&iomap, &tss[102], 2);
    assert_int_equal(rsp0, l->ist_top);
    assert_int_equal(ist1, l->ist_top);
    assert_int_equal(iomap, 104); /* beyond the limit: no I/O permission bitmap */
    assert_int_equal(l->ist_top, l->end);
    vmfix_free(f, true);
}

static void idt_gates_lead_to_one_stub_per_vector(void **state)
{
    (void)state;
    struct vmfix *f = vmfix_new("modern", false);
    assert_int_equal(vmfix_create(f), VMM_OK);
    const struct vmm_vm_layout *l = &f->vm.layout;
    assert_int_equal(vmfix_vmread(f, VMCS_GUEST_IDTR_BASE), l->idt);
    assert_int_equal(vmfix_vmread(f, VMCS_GUEST_IDTR_LIMIT), 0xfff);
    for (unsigned v = 0; v < 256; v++) {
        uint64_t g[2];
        vmfix_gpa_read(f, l->idt + 16 * v, g, sizeof g);
        uint64_t offset = (g[0] & 0xffff) | ((g[0] >> 32) & 0xffff0000) | (g[1] << 32);
        assert_int_equal(offset, l->stubs + v * VMM_VM_STUB_SIZE);
        assert_int_equal((g[0] >> 16) & 0xffff, VMM_VM_SEL_CODE);
        assert_int_equal((g[0] >> 32) & 7, 1);       /* IST1 */
        assert_int_equal((g[0] >> 40) & 0xff, 0x8e); /* present interrupt gate, DPL 0 */
    }
    vmfix_free(f, true);
}

/* "mnemonic operands" of each instruction in code[0..n) at address addr. */
static size_t disassemble(const uint8_t *code, size_t n, uint64_t addr, char out[][64], size_t max)
{
    csh cs;
    assert_int_equal(cs_open(CS_ARCH_X86, CS_MODE_64, &cs), CS_ERR_OK);
    cs_insn *insn;
    size_t count = cs_disasm(cs, code, n, addr, 0, &insn);
    for (size_t i = 0; i < count && i < max; i++)
        snprintf(out[i], 64, "%s %s", insn[i].mnemonic, insn[i].op_str);
    cs_free(insn, count);
    cs_close(&cs);
    return count;
}

static void stubs_decode_to_the_exception_exit_hypercall(void **state)
{
    (void)state;
    struct vmfix *f = vmfix_new("bochs-skylake-x", false);
    assert_int_equal(vmfix_create(f), VMM_OK);
    const struct vmm_vm_layout *l = &f->vm.layout;
    uint64_t common = l->stubs + 256 * VMM_VM_STUB_SIZE;
    char text[8][64], want[64];
    uint8_t code[VMM_VM_STUB_SIZE];

    vmfix_gpa_read(f, l->stubs + 6 * VMM_VM_STUB_SIZE, code, sizeof code); /* #UD: no error code */
    assert_int_equal(disassemble(code, sizeof code, l->stubs + 6 * VMM_VM_STUB_SIZE, text, 8), 3);
    assert_string_equal(text[0], "push 0");
    assert_string_equal(text[1], "push 6");
    snprintf(want, sizeof want, "jmp 0x%llx", (unsigned long long)common);
    assert_string_equal(text[2], want);

    vmfix_gpa_read(f, l->stubs + 14 * VMM_VM_STUB_SIZE, code, sizeof code); /* #PF: error code */
    assert_int_equal(disassemble(code, sizeof code, l->stubs + 14 * VMM_VM_STUB_SIZE, text, 8), 4);
    assert_string_equal(text[0], "nop ");
    assert_string_equal(text[2], "push 0xe");
    assert_string_equal(text[3], want);

    vmfix_gpa_read(f, l->stubs + 255 * VMM_VM_STUB_SIZE, code, sizeof code);
    assert_int_equal(disassemble(code, sizeof code, 0, text, 8), 3);
    assert_string_equal(text[1], "push 0xff");

    uint8_t tail[32];
    vmfix_gpa_read(f, common, tail, sizeof tail);
    size_t n = disassemble(tail, vm_stub_common_size, common, text, 8);
    assert_int_equal(n, 8);
    const char *tail_want[] = {"pop rbx", "pop rdx", "mov rcx, qword ptr [rsp]",
                               "or ebx, 0xe0000000", "mov eax, 2", "vmcall ", "hlt "};
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(text[i], tail_want[i]);
    assert_int_equal(tail[vm_stub_common_size], 0xcc); /* int3 after the tail */
    vmfix_free(f, true);
}

static void error_code_vectors_are_the_sdms(void **state)
{
    (void)state;
    const unsigned with[] = {8, 10, 11, 12, 13, 14, 17, 21, 29, 30};
    unsigned n = 0;
    for (unsigned v = 0; v < 256; v++)
        if (vm_vector_has_error_code(v)) {
            assert_true(n < 10);
            assert_int_equal(v, with[n++]);
        }
    assert_int_equal(n, 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(page_tables_map_guest_ram_to_itself),
        cmocka_unit_test(page_tables_map_mmio_holes_uncached_and_nothing_else),
        cmocka_unit_test(ept_maps_guest_ram_and_leaves_the_holes_unmapped),
        cmocka_unit_test(descriptors_encode_the_sdm_layout),
        cmocka_unit_test(gdt_and_tss_agree_with_the_vmcs),
        cmocka_unit_test(idt_gates_lead_to_one_stub_per_vector),
        cmocka_unit_test(stubs_decode_to_the_exception_exit_hypercall),
        cmocka_unit_test(error_code_vectors_are_the_sdms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
