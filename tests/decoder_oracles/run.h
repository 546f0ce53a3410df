/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One differential run: `cases` generated instructions in one mode against
 * one oracle, tallied into agreements, known-difference classes and
 * unexplained differences (the first few printed). Shared by the test and
 * the agreement program.
 */
#ifndef LIBVMM_TESTS_DECODER_ORACLES_RUN_H
#define LIBVMM_TESTS_DECODER_ORACLES_RUN_H

#include <stdio.h>

#include "diff.h"

#define RUN_MAX_CLASSES 48

struct run_tally {
    unsigned long cases, agree, known, unexplained;
    unsigned long by_kind[DIFF_KIND_COUNT]; /* unexplained, by kind */
    const char *class_name[RUN_MAX_CLASSES];
    unsigned long class_count[RUN_MAX_CLASSES];
    unsigned nclasses;
};

struct run_options {
    FILE *out;           /* examples and the summary go here (NULL: nowhere) */
    unsigned examples;   /* unexplained examples printed per kind */
    const char *show;    /* also print examples of this known class (NULL: none) */
};

const char *run_mode_name(enum x86_mode mode);
const char *run_oracle_name(enum oracle_id oracle);

void run_differential(enum oracle_id oracle, enum x86_mode mode, uint64_t seed, unsigned long cases,
                      const struct run_options *opt, struct run_tally *t);

/* Prints the tally: one summary line, then each class and unexplained kind. */
void run_print(FILE *out, enum oracle_id oracle, enum x86_mode mode, const struct run_tally *t);

#endif
