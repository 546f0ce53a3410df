/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest's 64-bit environment, written into guest RAM through the
 * seam's gpa_write: identity page tables (4-level, 2 MiB pages), a GDT
 * with 64-bit code, data and a 64-bit TSS, the TSS, an IDT whose 256
 * gates lead to one stub per vector, and the stubs (SDM Vol. 3A
 * "Segment Descriptors", "Task Management in 64-bit Mode", "64-Bit Mode
 * IDT", "4-Level Paging").
 */
#include "vm_internal.h"
#include "vmm/hypercall.h"

#define CHUNK 64u /* paging entries per gpa_write: keeps the stack small */

uint64_t vm_seg_descriptor(uint32_t base, uint32_t limit, uint32_t ar)
{
    /* With G, the descriptor holds the limit in 4 KiB units. */
    uint32_t field = (ar & 0x8000u) ? limit >> 12 : limit;
    return (uint64_t)(field & 0xffffu) | ((uint64_t)(base & 0xffffffu) << 16) |
           ((uint64_t)(ar & 0xffu) << 40) | ((uint64_t)((field >> 16) & 0xfu) << 48) |
           ((uint64_t)((ar >> 12) & 0xfu) << 52) | ((uint64_t)(base >> 24) << 56);
}

void vm_tss_descriptor(uint64_t base, uint32_t limit, uint64_t out[2])
{
    out[0] = vm_seg_descriptor((uint32_t)base, limit, VM_AR_TSS_BUSY);
    out[1] = base >> 32; /* bits 127:96 reserved, 0 */
}

void vm_idt_gate(uint64_t offset, unsigned ist, uint64_t out[2])
{
    const uint64_t type_attr = 0x8e; /* P, DPL 0, 64-bit interrupt gate */
    out[0] = (offset & 0xffffu) | ((uint64_t)VMM_VM_SEL_CODE << 16) | ((uint64_t)(ist & 7u) << 32) |
             (type_attr << 40) | (((offset >> 16) & 0xffffu) << 48);
    out[1] = offset >> 32;
}

bool vm_vector_has_error_code(unsigned vector)
{
    /* #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX */
    const uint32_t with_error = 0x60227d00u;
    return vector < 32 && ((with_error >> vector) & 1);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void vm_stub_bytes(unsigned vector, vmm_gpa_t stub, vmm_gpa_t common,
                   uint8_t out[VMM_VM_STUB_SIZE])
{
    /* push 0 (the error code the processor did not push), or two NOPs */
    out[0] = vm_vector_has_error_code(vector) ? 0x90 : 0x6a;
    out[1] = vm_vector_has_error_code(vector) ? 0x90 : 0x00;
    out[2] = 0x68; /* push imm32: the vector */
    put32(&out[3], vector & 0xffu);
    out[7] = 0xe9; /* jmp rel32 to the common tail */
    put32(&out[8], (uint32_t)(common - (stub + VMM_VM_STUB_SIZE)));
}

/* Stack at entry: vector, error code, then the processor's RIP, CS, RFLAGS, RSP, SS. */
#define EXC_BASE VMM_VM_EXCEPTION_EXIT_BASE
const uint8_t vm_stub_common[] = {
    0x5b,                                     /* pop rbx: the vector */
    0x5a,                                     /* pop rdx: the error code */
    0x48, 0x8b, 0x0c, 0x24,                   /* mov rcx, [rsp]: the RIP */
    0x81, 0xcb, (uint8_t)EXC_BASE, (uint8_t)(EXC_BASE >> 8), (uint8_t)(EXC_BASE >> 16),
    (uint8_t)(EXC_BASE >> 24),                /* or ebx, VMM_VM_EXCEPTION_EXIT_BASE */
    0xb8, VMM_HC_EXIT, 0, 0, 0,               /* mov eax, VMM_HC_EXIT */
    0x0f, 0x01, 0xc1,                         /* vmcall */
    0xf4,                                     /* hlt */
    0xeb, 0xfd,                               /* jmp back to the hlt */
};
const size_t vm_stub_common_size = sizeof vm_stub_common;

/* ---- writing ---- */

struct writer {
    struct vmm_vm *vm;
    struct vmm_vm_error *err;
};

static int put(struct writer *w, vmm_gpa_t gpa, const void *buf, size_t len)
{
    int rc = w->vm->cpu->ops->gpa_write(w->vm->cpu, gpa, buf, len);
    if (rc != VMM_OK)
        return vm_fail(w->err, VMM_VM_STEP_GUEST_RAM, rc, "gpa_write of the system area failed");
    return VMM_OK;
}

/* Whether [lo, hi) intersects an MMIO hole / guest RAM. */
static bool touches_hole(const struct vmm_vm_config *c, uint64_t lo, uint64_t hi)
{
    for (size_t i = 0; i < c->mmio_hole_count; i++)
        if (c->mmio_holes[i].gpa < hi && lo < c->mmio_holes[i].gpa + c->mmio_holes[i].size)
            return true;
    return false;
}

static bool touches_ram(const struct vmm_vm_config *c, uint64_t lo, uint64_t hi)
{
    return c->ram_gpa < hi && lo < c->ram_gpa + c->ram_size;
}

/* Entry i of the paging structures, counting PML4, PDPT, then the PDs as one array. */
static uint64_t paging_entry(const struct vmm_vm *vm, uint64_t i)
{
    const struct vmm_vm_layout *l = &vm->layout;
    const uint64_t table = VM_PTE_P | VM_PTE_RW | VM_PTE_A;
    if (i < 512)
        return i == 0 ? l->pdpt | table : 0;
    if (i < 1024)
        return i - 512 < l->pd_count ? (l->pd + (i - 512) * VM_PAGE) | table : 0;
    uint64_t lo = (i - 1024) * VM_2M, hi = lo + VM_2M;
    if (lo >= l->map_end)
        return 0;
    bool ram = touches_ram(&vm->cfg, lo, hi), mmio = touches_hole(&vm->cfg, lo, hi);
    if (!ram && !mmio)
        return 0; /* nothing there: the guest gets #PF, not an EPT violation */
    /* A, D set so the processor never writes the tables; device pages uncached (PAT 3). */
    return lo | VM_PTE_P | VM_PTE_RW | VM_PTE_PS | VM_PTE_A | VM_PTE_D |
           (mmio ? VM_PTE_PCD | VM_PTE_PWT : 0);
}

static int build_page_tables(struct writer *w)
{
    uint64_t chunk[CHUNK];
    uint64_t total = (2ull + w->vm->layout.pd_count) * 512;
    for (uint64_t i = 0; i < total; i += CHUNK) {
        for (unsigned j = 0; j < CHUNK; j++)
            chunk[j] = paging_entry(w->vm, i + j);
        int rc = put(w, w->vm->layout.pml4 + i * 8, chunk, sizeof chunk);
        if (rc != VMM_OK)
            return rc;
    }
    return VMM_OK;
}

/* `len` bytes of `byte` at `gpa`. */
static int put_fill(struct writer *w, vmm_gpa_t gpa, uint8_t byte, size_t len)
{
    uint8_t chunk[256];
    for (size_t i = 0; i < sizeof chunk; i++)
        chunk[i] = byte;
    for (size_t done = 0; done < len; done += sizeof chunk) {
        size_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
        int rc = put(w, gpa + done, chunk, n);
        if (rc != VMM_OK)
            return rc;
    }
    return VMM_OK;
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* The GDT+TSS page: GDT at its start, TSS at VM_TSS_OFFSET, zeros elsewhere. */
static int build_gdt_tss(struct writer *w)
{
    const struct vmm_vm_layout *l = &w->vm->layout;
    uint64_t gdt[VM_TSS_OFFSET / 8] = {
        0,
        vm_seg_descriptor(0, 0xffffffffu, VM_AR_CODE64),
        vm_seg_descriptor(0, 0xffffffffu, VM_AR_DATA),
    };
    vm_tss_descriptor(l->tss, VMM_VM_TSS_LIMIT, &gdt[VMM_VM_SEL_TSS / 8]);
    int rc = put(w, l->gdt, gdt, sizeof gdt);
    if (rc != VMM_OK)
        return rc;

    /* 64-bit TSS: RSP0 at 4, IST1 at 36, I/O map base at 102 (past the limit: no bitmap). */
    uint8_t tss[VMM_VM_TSS_LIMIT + 1] = {0};
    put64(&tss[4], l->ist_top);
    put64(&tss[36], l->ist_top);
    tss[102] = (uint8_t)(VMM_VM_TSS_LIMIT + 1);
    if ((rc = put(w, l->tss, tss, sizeof tss)) != VMM_OK)
        return rc;
    return put_fill(w, l->tss + sizeof tss, 0, VM_PAGE - VM_TSS_OFFSET - sizeof tss);
}

static int build_idt(struct writer *w)
{
    const struct vmm_vm_layout *l = &w->vm->layout;
    uint64_t gates[2 * 16];
    for (unsigned v = 0; v < 256; v += 16) {
        for (unsigned j = 0; j < 16; j++)
            vm_idt_gate(l->stubs + (v + j) * VMM_VM_STUB_SIZE, 1, &gates[2 * j]);
        int rc = put(w, l->idt + v * 16, gates, sizeof gates);
        if (rc != VMM_OK)
            return rc;
    }
    return VMM_OK;
}

static int build_stubs(struct writer *w)
{
    const struct vmm_vm_layout *l = &w->vm->layout;
    vmm_gpa_t common = l->stubs + 256 * VMM_VM_STUB_SIZE;
    uint8_t stubs[16 * VMM_VM_STUB_SIZE];
    for (unsigned v = 0; v < 256; v += 16) {
        for (unsigned j = 0; j < 16; j++)
            vm_stub_bytes(v + j, l->stubs + (v + j) * VMM_VM_STUB_SIZE, common,
                          &stubs[j * VMM_VM_STUB_SIZE]);
        int rc = put(w, l->stubs + v * VMM_VM_STUB_SIZE, stubs, sizeof stubs);
        if (rc != VMM_OK)
            return rc;
    }
    /* The tail, int3 to the end of the page, then the zeroed exception stack. */
    int rc = put(w, common, vm_stub_common, vm_stub_common_size);
    size_t tail_end = 256 * VMM_VM_STUB_SIZE + vm_stub_common_size;
    if (rc == VMM_OK)
        rc = put_fill(w, l->stubs + tail_end, 0xcc, VM_PAGE - tail_end);
    if (rc == VMM_OK)
        rc = put_fill(w, l->stubs + VM_PAGE, 0, VM_PAGE);
    return rc;
}

_Static_assert(256 * VMM_VM_STUB_SIZE + sizeof vm_stub_common <= VM_PAGE,
               "the stubs and their tail fit in one page");

int vm_build_guest_env(struct vmm_vm *vm, struct vmm_vm_error *err)
{
    struct writer w = {vm, err};
    int rc = build_page_tables(&w);
    if (rc == VMM_OK)
        rc = build_gdt_tss(&w);
    if (rc == VMM_OK)
        rc = build_idt(&w);
    if (rc == VMM_OK)
        rc = build_stubs(&w);
    return rc;
}
