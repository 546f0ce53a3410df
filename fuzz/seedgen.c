/* SPDX-License-Identifier: Apache-2.0 */
#define _POSIX_C_SOURCE 200809L
#include "seedgen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void die(const char *what, const char *path)
{
    fprintf(stderr, "seedgen: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

/* `path` as given if absolute, else under the workspace when run by `bazel run`. */
static void resolve(char *out, size_t cap, const char *path)
{
    const char *ws = getenv("BUILD_WORKSPACE_DIRECTORY");
    if (path[0] != '/' && ws && *ws)
        snprintf(out, cap, "%s/%s", ws, path);
    else
        snprintf(out, cap, "%s", path);
}

static void mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            die("cannot create", buf);
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        die("cannot create", buf);
}

void seedgen_init(struct seedgen *g, int argc, char **argv, const char *name, int has_dict)
{
    char def[512];
    g->written = 0;
    snprintf(def, sizeof def, "fuzz/corpus/%s", name);
    resolve(g->dir, sizeof g->dir, argc > 1 ? argv[1] : def);
    g->dict[0] = 0;
    if (has_dict) {
        snprintf(def, sizeof def, "fuzz/dict/%s.dict", name);
        resolve(g->dict, sizeof g->dict, argc > 2 ? argv[2] : def);
    }
    mkdirs(g->dir);
}

void seedgen_write(struct seedgen *g, const char *name, const void *data, size_t len)
{
    char path[4096 + 256];
    snprintf(path, sizeof path, "%s/%s", g->dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        die("cannot write", path);
    g->written++;
}

void *seedgen_open_dict(struct seedgen *g)
{
    FILE *f = fopen(g->dict, "w");
    if (!f)
        die("cannot write", g->dict);
    return f;
}

void seedgen_dict_entry(void *dict_file, const char *token, size_t len)
{
    FILE *f = dict_file;
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)token[i];
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7f)
            fprintf(f, "\\x%02x", ch);
        else
            fputc(ch, f);
    }
    fputs("\"\n", f);
}
