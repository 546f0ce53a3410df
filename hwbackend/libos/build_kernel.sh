#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Compiles and links a library OS kernel outside the host C toolchain (no
# sanitizers, no PIC, no SSE): build_kernel.sh OUT.elf LINKER_SCRIPT
# [-I DIR | -D DEF | -c COPT]... -- FILE...  (.c and .S are compiled; other
# files, headers, are only inputs).
set -euo pipefail

out=$1 script=$2
shift 2
flags=()
while (( $# )) && [[ $1 != -- ]]; do
  case $1 in
    -I|-D) flags+=("$1$2"); shift 2 ;;
    -c) flags+=("$2"); shift 2 ;;
    *) echo "build_kernel.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
shift

CFLAGS=(--target=x86_64-unknown-none-elf -ffreestanding -fno-builtin -fno-pic -fno-pie
        -mno-red-zone -mno-sse -mno-mmx -mno-80387 -mcmodel=small -fno-stack-protector
        -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-common -nostdlib
        -O2 -g -Wall -Wextra -Werror -std=c11)

objdir=$(mktemp -d "${TMPDIR:-/tmp}/libos_kernel.XXXXXX")
trap 'rm -rf "$objdir"' EXIT
# Two compilers at a time (the build machines have two cores).
jobs=2 running=0 failed=0
objs=()
for src in "$@"; do
  case $src in
    *.c|*.S) ;;
    *) continue ;;
  esac
  obj=$objdir/$(echo "$src" | tr '/' '_').o
  clang "${CFLAGS[@]}" "${flags[@]}" -c "$src" -o "$obj" &
  objs+=("$obj")
  if (( ++running >= jobs )); then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while (( running > 0 )); do
  wait -n || failed=1
  running=$((running - 1))
done
(( failed == 0 )) || exit 1
ld -m elf_x86_64 -nostdlib -static -z max-page-size=0x1000 --build-id=none \
   --no-warn-rwx-segments -T "$script" -o "$out" "${objs[@]}"
