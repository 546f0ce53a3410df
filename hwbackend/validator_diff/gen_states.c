/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writes the differential's states (state_blob.h):
 *   gen_states OUT.bin [FUZZ_INPUT]...
 * every one-mutation case of core/entry/testing, then every vmcs_validator
 * fuzz input named, each as the VMCS image and test memory the validator
 * judges. States Bochs cannot be put in (state_blob.h, enum diff_skip) are
 * counted, not written. The image re-judges each state itself on the
 * bochs-skylake-x profile, so capability edits of a case do not matter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "fuzz/vmcs_input.h"
#include "state_blob.h"

struct writer {
    FILE *out;
    struct diff_blob_header header;
};

/* The one reason a state cannot be reproduced in Bochs, or DIFF_SKIP_COUNT. */
static enum diff_skip skip_reason(const struct vmx_entry_input *in)
{
    if (in->launched)
        return DIFF_SKIP_LAUNCHED;
    if (in->vmcs && in->current_is_shadow)
        return DIFF_SKIP_SHADOW;
    if (in->mov_ss_blocking)
        return DIFF_SKIP_MOV_SS;
    if (in->in_smm)
        return DIFF_SKIP_SMM;
    if (!in->host_lma)
        return DIFF_SKIP_HOST_32BIT;
    if (!in->read_phys)
        return DIFF_SKIP_NO_MEMORY;
    if (in->current_vmcs_ptr != PA_CURRENT_VMCS || in->vmxon_ptr != PA_VMXON)
        return DIFF_SKIP_POINTERS;
    return DIFF_SKIP_COUNT;
}

static void put(struct writer *w, const void *p, size_t n)
{
    if (fwrite(p, 1, n, w->out) != n) {
        perror("gen_states: write");
        exit(1);
    }
}

/* One state: `vmcs` and `mem` (TEST_MEM_SIZE bytes), compared with its `baseline`. */
static void emit(struct writer *w, const char *name, uint32_t check, enum baseline base,
                 const struct vmx_entry_input *in, const struct vmcs_image *vmcs,
                 const struct test_entry *baseline, const uint8_t *mem)
{
    enum diff_skip why = skip_reason(in);
    if (why != DIFF_SKIP_COUNT) {
        w->header.skipped[why]++;
        return;
    }
    static struct diff_field fields[VMCS_FIELD_COUNT];
    static struct diff_patch patches[TEST_MEM_SIZE / 8];
    struct diff_state s = {.check = check, .base = (uint32_t)base};
    snprintf(s.name, sizeof s.name, "%s", name);
    if (in->kind == VMM_RESUME)
        s.flags |= DIFF_RESUME;
    if (!in->vmcs)
        s.flags |= DIFF_NO_VMCS;
    for (unsigned id = 0; id < VMCS_FIELD_COUNT; id++) {
        uint64_t v = vmcs_get(vmcs, (enum vmcs_field_id)id);
        uint64_t changed = v ^ vmcs_get(&baseline->vmcs, (enum vmcs_field_id)id);
        bool mutated = changed != 0;
        if (v == 0 && !mutated)
            continue;
        fields[s.nfields++] = (struct diff_field){
            .id = (uint16_t)id,
            .flags = mutated ? DIFF_FIELD_MUTATED : 0,
            .value = v,
            .changed = changed,
        };
    }
    for (uint32_t off = 0; off < TEST_MEM_SIZE; off += 8) {
        uint64_t v, b;
        memcpy(&v, mem + off, 8);
        memcpy(&b, baseline->mem + off, 8);
        if (v)
            patches[s.npatches++] = (struct diff_patch){
                .offset = off, .flags = v != b ? DIFF_FIELD_MUTATED : 0, .value = v};
    }
    s.size = (uint32_t)(sizeof s + s.nfields * sizeof fields[0] + s.npatches * sizeof patches[0]);
    put(w, &s, sizeof s);
    put(w, fields, s.nfields * sizeof fields[0]);
    put(w, patches, s.npatches * sizeof patches[0]);
    w->header.count++;
}

static void emit_cases(struct writer *w, const char *table, const struct mutation_case *cases,
                       size_t n)
{
    static struct test_entry t, base;
    for (size_t i = 0; i < n; i++) {
        mutation_case_prepare(&cases[i], &t);
        baseline_build(cases[i].base, &base);
        char name[48];
        snprintf(name, sizeof name, "%s#%zu", table, i);
        uint32_t before = w->header.count;
        emit(w, name, (uint32_t)cases[i].check, cases[i].base, &t.in, &t.vmcs, &base, t.mem);
        w->header.cases += w->header.count - before;
    }
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    static uint8_t buf[1 << 16];
    *size = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

static void emit_fuzz_input(struct writer *w, const struct vmcs_input_world *world,
                            const char *path)
{
    static struct vmcs_input_case c;
    static uint8_t mem[TEST_MEM_SIZE];
    size_t size;
    const uint8_t *data = read_file(path, &size);
    if (vmcs_input_decode(world, data, size, &c) != 0) {
        w->header.skipped[DIFF_SKIP_CAPS]++;
        return;
    }
    memcpy(mem, c.base->mem, sizeof mem);
    for (unsigned i = 0; i < c.npatches; i++) {
        uint64_t a = c.patch[i].addr;
        if (a >= TEST_MEM_BASE && a - TEST_MEM_BASE <= TEST_MEM_SIZE - 8)
            memcpy(mem + (a - TEST_MEM_BASE), &c.patch[i].value, 8);
    }
    const char *base_name = strrchr(path, '/');
    char name[48];
    snprintf(name, sizeof name, "fuzz:%s", base_name ? base_name + 1 : path);
    uint32_t before = w->header.count;
    emit(w, name, DIFF_NOT_A_CASE, (enum baseline)(c.base - world->base), &c.in, &c.vmcs, c.base, mem);
    w->header.fuzz += w->header.count - before;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: gen_states OUT.bin [FUZZ_INPUT]...\n");
        return 2;
    }
    struct writer w = {.out = fopen(argv[1], "wb")};
    if (!w.out) {
        perror(argv[1]);
        return 1;
    }
    w.header = (struct diff_blob_header){.magic = DIFF_BLOB_MAGIC,
                                         .field_count = VMCS_FIELD_COUNT};
    put(&w, &w.header, sizeof w.header); /* rewritten with the counts at the end */
#define EMIT_TABLE(s) emit_cases(&w, #s, cases_##s, cases_##s##_count);
    CASE_TABLES(EMIT_TABLE)
#undef EMIT_TABLE
    struct vmcs_input_world *world = malloc(sizeof *world);
    if (!world)
        return 1;
    vmcs_input_world_init(world);
    for (int i = 2; i < argc; i++)
        emit_fuzz_input(&w, world, argv[i]);
    free(world);
    if (fseek(w.out, 0, SEEK_SET) != 0)
        return 1;
    put(&w, &w.header, sizeof w.header);
    fclose(w.out);
    printf("gen_states: %u states (%u cases, %u fuzz inputs)\n", w.header.count, w.header.cases,
           w.header.fuzz);
    return 0;
}
