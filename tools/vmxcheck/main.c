/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmxcheck: explains real VM-entry failures. Hardware only says
 * "VMfailValid 7" or "invalid guest state"; vmxcheck reads the VMCS dump
 * the hypervisor printed and names the SDM rule that is broken.
 *
 *   bazel run //tools:vmxcheck -- dump.txt
 *   vmxcheck --all --caps my-cpu.caps dump.txt
 */
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
    return vmxcheck_main(argc, argv, stdin, stdout, stderr);
}
