#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# VM exits per second on Bochs' VMX through the core's run loop:
#   bazel run //hwbackend/tests:bench_exits [-- REPEATS]
# Boots the VMX test image with 1,000 and with 201,000 CPUID exits, REPEATS
# times each (default 3), and divides the 200,000 extra exits by the
# difference of the minimum wall times, so boot and VM creation cancel out.
# Peers in the same run: the 1k-exit run (boot and set-up), and inside the
# image a bare loop on the seam (emulated instructions per round trip).
set -euo pipefail

runner=$1 bochsrc=$2 image=$3 cpu=${5:-corei7_skylake_x}
repeats=${4:-3}
small=1000 large=201000

# Runs one size; prints "WALL_MS TICKS_PER_EXIT".
run_once() {
  local tmp
  tmp=$(mktemp -d)
  TEST_TMPDIR=$tmp "$runner" --image "$image" --bochsrc "$bochsrc" --cpu "$cpu" \
    --timeout 120 --cmdline "tests=bench_cpuid_exits_${1}" >"$tmp/out.txt" || {
    cat "$tmp/out.txt" >&2
    exit 1
  }
  local wall ticks
  wall=$(sed -n 's/.*wall \([0-9]*\)\.\([0-9]*\) s$/\1\2/p' "$tmp/out.txt")
  ticks=$(sed -n 's/^bench: [0-9]* CPUID exits, //p' "$tmp/bochs/transcript.txt" | tr ' ' '~')
  rm -rf "$tmp"
  echo "$((10#$wall)) $ticks"
}

min_small= min_large= ticks=
for ((i = 0; i < repeats; i++)); do
  read -r ms _ < <(run_once 1k)
  read -r ml ticks < <(run_once 201k)
  echo "run $((i + 1)): ${small} exits ${ms} ms, ${large} exits ${ml} ms"
  [[ -z $min_small || $ms -lt $min_small ]] && min_small=$ms
  [[ -z $min_large || $ml -lt $min_large ]] && min_large=$ml
done
extra=$((large - small))
delta=$((min_large - min_small))
echo "Bochs ($cpu): ${extra} extra CPUID exits took ${delta} ms more (min of ${repeats})"
echo "  $((extra * 1000 / delta)) exits/s through vmm_vcpu_run, $((delta * 1000000 / extra)) ns each"
echo "  per round trip, in emulated TSC ticks (Bochs: instructions): ${ticks//\~/ }"
echo "  ratio large/small run wall time: $(awk "BEGIN{printf \"%.2f\", $min_large/$min_small}")"
