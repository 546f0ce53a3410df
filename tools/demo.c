/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libvmm demo.
 *
 *   bazel run //:demo                            # run the demo guest (profile bochs-skylake-x)
 *   bazel run //:demo -- --sim modern            # ... on another capability profile
 *   bazel run //:demo -- --caps                  # what the core knows about VMX: field
 *                                                # table summary and every profile
 *   bazel run //:demo -- --caps --fields         # the whole VMCS field table
 *   bazel run //:demo -- --caps --profile NAME   # one profile decoded
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "demo/caps_report.h"
#include "demo/run_guest.h"

static int usage(void)
{
    fprintf(stderr, "usage: demo [--sim PROFILE]\n"
                    "       demo --caps [--fields | --profile NAME]\n");
    return 2;
}

int main(int argc, char **argv)
{
    bool caps = false, fields = false;
    const char *profile = NULL, *sim = "bochs-skylake-x";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--caps"))
            caps = true;
        else if (!strcmp(argv[i], "--fields"))
            fields = caps = true; /* as before --caps existed */
        else if (!strcmp(argv[i], "--profile") && i + 1 < argc)
            profile = argv[++i], caps = true;
        else if (!strcmp(argv[i], "--sim") && i + 1 < argc)
            sim = argv[++i];
        else
            return usage();
    }
    return caps ? demo_caps_report(fields, profile) : demo_run_guest(sim);
}
