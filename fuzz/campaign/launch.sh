#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Starts a fuzzing tool written in Python (the first argument, relative to the
# workspace) from `bazel run`: the runfiles tree holds it, and the tool finds
# the workspace through BUILD_WORKSPACE_DIRECTORY.
set -euo pipefail
tool="$1"
shift
[ -f "$tool" ] || tool="${BUILD_WORKSPACE_DIRECTORY:?run me with bazel run}/$tool"
exec python3 "$tool" "$@"
