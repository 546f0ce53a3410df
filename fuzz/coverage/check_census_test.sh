#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The census counts every seed and lists every check of the table, and every
# check is the verdict of some vmcs_validator seed (the seeds are built so):
#   check_census_test.sh CENSUS SEED...
set -u
census="$1"
shift
out=$("$census" "$@") || { echo "FAIL: check_census exited $?"; exit 1; }
rows=$(grep -c $'\t' <<<"$out")
never=$(awk -F'\t' 'NF == 3 && $2 == 0 { printf "%s ", $1 }' <<<"$out")
fail=0
[ "$rows" -ge 300 ] || { echo "FAIL: only $rows checks listed"; fail=1; }
grep -qx "inputs $# skipped 0" <<<"$out" || { echo "FAIL: not '$#' inputs: $(tail -1 <<<"$out")"; fail=1; }
[ -z "$never" ] || { echo "FAIL: no seed's verdict: $never"; fail=1; }
[ "$fail" -eq 0 ] && echo "$rows checks, each the verdict of some of the $# seeds"
exit "$fail"
