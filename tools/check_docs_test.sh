#!/usr/bin/env bash
# docs/entry-checks.md matches what the check and case tables generate.
exec "$1" --check "$2"
