#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Tests of run_bochs.sh's verdicts: a hang, a missing or rejected line and
# an unexpected exit status each fail the run, with the reason printed.
# Usage: run_bochs_test.sh RUN_BOCHS BOCHSRC DISK_IMAGE
set -uo pipefail

run_bochs=$1 bochsrc=$2 image=$3
failed=0

# check NAME WANT_RC WANT_TEXT ARGS...: runs run_bochs.sh with ARGS.
check() {
  local name=$1 want_rc=$2 want_text=$3
  shift 3
  local out rc
  out=$(TEST_TMPDIR=$TEST_TMPDIR/$name bash "$run_bochs" --image "$image" --bochsrc "$bochsrc" "$@" 2>&1)
  rc=$?
  if (( rc != want_rc )) || ! grep -q -F -- "$want_text" <<<"$out"; then
    echo "FAIL $name: rc $rc (want $want_rc), want text: $want_text"
    echo "$out" | tail -n 20
    failed=1
  else
    echo "ok   $name"
  fi
}

check passing_run 0 "TEST trap_catch_nests: PASS" --cmdline tests=trap_catch_nests
check hang_times_out 1 "FAILED: timed out after 3 s" --cmdline tests=deliberate_hang --timeout 3
check missing_line_fails 1 "FAILED: missing expected line: no such line" \
  --cmdline tests=trap_catch_nests --expect "no such line"
check rejected_line_fails 1 "FAILED: unexpected line: TEST trap_catch_nests" \
  --cmdline tests=trap_catch_nests --reject "TEST trap_catch_nests"
check pass_when_fail_expected_fails 1 "FAILED: Bochs exit status 0, expected 1" \
  --cmdline tests=trap_catch_nests --expect-result FAIL
check failing_kernel_fails 1 "FAILED: no 'RESULT: PASS' line" --cmdline tests=deliberate_assert_eq
exit $failed
