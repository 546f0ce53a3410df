/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers of the seed generators (gen_*_seeds.c). A generator writes its
 * harness's seed corpus deterministically:
 *
 *   bazel run //fuzz:<name>_seedgen                 # into fuzz/corpus/<name>/
 *   bazel run //fuzz:<name>_seedgen -- OUT [DICT]   # elsewhere
 *
 * Relative paths are taken from the workspace under `bazel run`.
 */
#ifndef LIBVMM_FUZZ_SEEDGEN_H
#define LIBVMM_FUZZ_SEEDGEN_H

#include <stddef.h>
#include <stdint.h>

struct seedgen {
    char dir[4096];
    char dict[4096]; /* empty: no dictionary */
    unsigned written;
};

/*
 * Takes the output directory from argv[1] (default fuzz/corpus/<name>) and
 * the dictionary from argv[2] (default fuzz/dict/<name>.dict when
 * `has_dict`), creates the directory, and exits with a message on error.
 */
void seedgen_init(struct seedgen *g, int argc, char **argv, const char *name, int has_dict);

/* Writes one seed file `name` into the directory (exits on error). */
void seedgen_write(struct seedgen *g, const char *name, const void *data, size_t len);

/* Opens the dictionary for writing (exits on error). */
void *seedgen_open_dict(struct seedgen *g);

/* Writes one dictionary entry, escaped as AFL/libFuzzer dictionaries want. */
void seedgen_dict_entry(void *dict_file, const char *token, size_t len);

#endif
