/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which VM-entry checks a vmcs_validator corpus makes fail: decodes every
 * input the way the harness does (vmcs_input.h) and asks the validator for
 * its verdict and for every failing check (vmx_entry_check_all). Prints one
 * line per check of the table, in table order:
 *
 *   <ID> TAB <inputs where it is the verdict> TAB <inputs where it fails at all>
 *
 * then "inputs N skipped M" (inputs whose capabilities no processor
 * reports, which the harness skips too). Arguments: files and directories
 * (their regular files), as the replay main takes them.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "fuzz/vmcs_input.h"
#include "vmm/entry.h"

enum { MAX_INPUT = 1 << 20 };

struct census {
    struct vmcs_input_world *world;
    struct vmcs_input_case c;
    struct vmx_check_failure fail[VMX_CHECK_COUNT * 2];
    unsigned long first[VMX_CHECK_COUNT], any[VMX_CHECK_COUNT];
    unsigned long inputs, skipped;
    uint8_t buf[MAX_INPUT];
};

static void count_file(struct census *s, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "check_census: cannot open %s\n", path);
        return;
    }
    size_t len = fread(s->buf, 1, sizeof s->buf, f);
    fclose(f);
    s->inputs++;
    if (vmcs_input_decode(s->world, s->buf, len, &s->c) != 0) {
        s->skipped++;
        return;
    }
    struct vmx_entry_verdict v;
    if (vmx_entry_check(&s->c.in, &v) == VMM_OK && v.check < VMX_CHECK_COUNT)
        s->first[v.check]++;
    size_t n = vmx_entry_check_all(&s->c.in, s->fail, sizeof s->fail / sizeof s->fail[0]);
    if (n > sizeof s->fail / sizeof s->fail[0])
        n = sizeof s->fail / sizeof s->fail[0];
    /* An MSR-load check fails once per entry; count the input once. */
    bool seen[VMX_CHECK_COUNT] = {0};
    for (size_t i = 0; i < n; i++)
        if (s->fail[i].check < VMX_CHECK_COUNT && !seen[s->fail[i].check]) {
            seen[s->fail[i].check] = true;
            s->any[s->fail[i].check]++;
        }
}

static void count_path(struct census *s, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "check_census: no such file %s\n", path);
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        count_file(s, path);
        return;
    }
    DIR *d = opendir(path);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        char child[4096];
        if (e->d_name[0] == '.')
            continue;
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        if (stat(child, &st) == 0 && S_ISREG(st.st_mode))
            count_file(s, child);
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    struct census *s = calloc(1, sizeof *s);
    if (!s || !(s->world = malloc(sizeof *s->world)))
        return 1;
    vmcs_input_world_init(s->world);
    for (int i = 1; i < argc; i++)
        count_path(s, argv[i]);
    for (unsigned k = 0; k < VMX_CHECK_COUNT; k++)
        printf("%s\t%lu\t%lu\n", vmx_check_table[k].id, s->first[k], s->any[k]);
    printf("inputs %lu skipped %lu\n", s->inputs, s->skipped);
    free(s->world);
    free(s);
    return 0;
}
