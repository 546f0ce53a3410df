#!/usr/bin/env bash
# Concatenates every lcov .dat file under --coverage_dir into --output_file.
set -u
dir=""; out=""
for arg in "$@"; do
  case "$arg" in
    --coverage_dir=*) dir="${arg#*=}" ;;
    --output_file=*) out="${arg#*=}" ;;
  esac
done
[ -n "$out" ] || exit 0
: >"$out"
[ -n "$dir" ] && find "$dir" -name '*.dat' -type f -exec cat {} + >>"$out" 2>/dev/null
exit 0
