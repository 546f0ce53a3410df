#!/usr/bin/env bash
# `bazel run //:demo` runs the demo guest to its end on every profile that
# can run it, and `--caps` still prints the capability report.
set -u
demo="$1"
fail() { echo "FAIL: $*"; exit 1; }

for profile in bochs-skylake-x modern minimal; do
    out=$("$demo" --sim "$profile" 2>&1)
    rc=$?
    [ "$rc" -eq 0 ] || { echo "$out"; fail "demo --sim $profile exited $rc"; }
    for want in \
        'Hello from the libvmm demo guest' \
        'vendor "GenuineIntel"' \
        'hypervisor "libvmm"' \
        'now = 00000000cafe0042' \
        'hypercall ABI version 00010000' \
        'Goodbye from the guest, printed by VMCALL' \
        'VMM_HC_EXIT with status 0' \
        'it executed HLT (HLT exit)' \
        '30 I/O instruction' \
        '31 RDMSR' \
        '32 WRMSR'; do
        grep -qF -- "$want" <<<"$out" || { echo "$out"; fail "$profile: no \"$want\""; }
    done
    # The MMIO store either ran under EPT (completed by the demo) or was skipped, said so.
    grep -qE 'MMIO: (stored 1badb002|no device page)' <<<"$out" ||
        { echo "$out"; fail "$profile: MMIO line"; }
done

"$demo" --caps | grep -q 'VMCS field table' || fail "--caps lost the field table summary"
"$demo" --caps --profile minimal | grep -q '== profile minimal' || fail "--caps --profile"
"$demo" --bogus >/dev/null 2>&1 && fail "an unknown option is accepted"
echo PASS
