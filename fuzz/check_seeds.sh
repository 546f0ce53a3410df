#!/usr/bin/env bash
# The checked-in seeds are exactly what their generator writes:
#   check_seeds.sh GENERATOR CORPUS_DIR [DICT]
set -u
gen="$1" corpus="$2" dict="${3:-}"
out="${TEST_TMPDIR:-$(mktemp -d)}/seeds"
rm -rf "$out" && mkdir -p "$out/corpus"
if [ -n "$dict" ]; then
    "$gen" "$out/corpus" "$out/dict" >/dev/null || { echo "FAIL: $gen exited $?"; exit 1; }
else
    "$gen" "$out/corpus" >/dev/null || { echo "FAIL: $gen exited $?"; exit 1; }
fi
fail=0
if ! diff -r "$out/corpus" "$corpus" >/dev/null 2>&1; then
    diff -rq "$out/corpus" "$corpus"
    fail=1
fi
if [ -n "$dict" ] && ! cmp -s "$out/dict" "$dict"; then
    echo "$dict differs from what the generator writes"
    fail=1
fi
if [ "$fail" -ne 0 ]; then
    echo "FAIL: the checked-in seeds are stale; regenerate with bazel run of the generator"
    exit 1
fi
echo "$(ls "$out/corpus" | wc -l) seeds match the generator"
