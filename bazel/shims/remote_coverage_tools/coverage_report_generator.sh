#!/usr/bin/env bash
# Concatenates the reports listed in --reports_file into --output_file.
set -u
list=""; out=""
for arg in "$@"; do
  case "$arg" in
    --reports_file=*) list="${arg#*=}" ;;
    --output_file=*) out="${arg#*=}" ;;
  esac
done
[ -n "$out" ] && [ -n "$list" ] || exit 0
: >"$out"
# The list has no trailing newline: read the last entry too.
while read -r f || [ -n "$f" ]; do
  [ -f "$f" ] && cat "$f" >>"$out"
done <"$list"
exit 0
