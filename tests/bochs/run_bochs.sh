#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs one library OS image in Bochs and judges the run (see
# bochs_test.bzl). Passes only when Bochs exits as expected (0 after the
# kernel's pass write to port 0x8900, 1 after its "Shutdown" write) AND the
# serial transcript has the expected RESULT line and every --expect line
# and no --reject line.
set -euo pipefail

image= bochsrc= cpu=corei7_skylake_x megs=128 timeout_s=60 cmdline= result=PASS
expects=() rejects=()
while (( $# )); do
  case $1 in
    --image) image=$2; shift 2 ;;
    --bochsrc) bochsrc=$2; shift 2 ;;
    --cpu) cpu=$2; shift 2 ;;
    --megs) megs=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --cmdline) cmdline=$2; shift 2 ;;
    --expect-result) result=$2; shift 2 ;;
    --expect) expects+=("$2"); shift 2 ;;
    --reject) rejects+=("$2"); shift 2 ;;
    *) echo "run_bochs.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

if ! command -v bochs >/dev/null; then
  echo "run_bochs.sh: bochs is not installed (scripts/install-deps installs it)" >&2
  exit 2
fi

work=${TEST_TMPDIR:-$(mktemp -d)}/bochs
rm -rf "$work"
mkdir -p "$work"
log=$work/bochs.log serial=$work/serial.txt out=$work/stdout.txt

# A private copy per run: Bochs locks disk images (a second user, or a
# stale lock, makes it fail and segfault).
case $image in
  *.iso)
    if [[ -n $cmdline ]]; then
      echo "run_bochs.sh: an ISO's command line is fixed in its grub.cfg (libos_iso cmdline=)" >&2
      exit 2
    fi
    disk=$work/boot.iso
    cp "$image" "$disk"
    drive="ata0-master: type=cdrom, path=$disk, status=inserted"
    boot=cdrom
    ;;
  *.img)
    disk=$work/disk.img
    cp "$image" "$disk"
    chmod u+w "$disk"
    # Sector 1: the multiboot2 command-line tag (type 1, size 256). dd must
    # read one full block from the pipe: a short read would be padded and
    # the rest written over the kernel's first sector.
    if (( ${#cmdline} > 247 )); then
      echo "run_bochs.sh: command line longer than 247 bytes" >&2
      exit 2
    fi
    { printf '\x01\x00\x00\x00\x00\x01\x00\x00'; printf '%s' "$cmdline"; } |
      dd of="$disk" bs=512 seek=1 count=1 iflag=fullblock conv=notrunc,sync status=none
    cylinders=$(( $(stat -c %s "$disk") / (16 * 63 * 512) ))
    drive="ata0-master: type=disk, path=$disk, mode=flat, cylinders=$cylinders, heads=16, spt=63"
    boot=disk
    ;;
  *) echo "run_bochs.sh: unknown image type: $image" >&2; exit 2 ;;
esac

host_megs=$(( megs < 2048 ? megs : 2048 ))
sed -e "s|@MEGS@|$megs|" -e "s|@HOST_MEGS@|$host_megs|" -e "s|@CPU_MODEL@|$cpu|" -e "s|@DRIVE@|$drive|" \
    -e "s|@BOOT@|$boot|" -e "s|@LOGFILE@|$log|" -e "s|@SERIAL@|$serial|" \
    "$bochsrc" >"$work/bochsrc"
# The Debian build has the internal debugger: continue, then quit when
# the kernel's pass write to port 0x8900 breaks into it.
printf 'c\nq\n' >"$work/dbg.rc"

start=$(date +%s%N)
# ulimit -f bounds a runaway guest's log (SIGXFSZ); -k: Bochs catches SIGTERM.
rc=0
( ulimit -f 65536; cd "$work" && exec timeout -k 5 "$timeout_s" bochs -q -f bochsrc -rc dbg.rc ) \
  </dev/null >"$out" 2>"$work/stderr.txt" || rc=$?
end=$(date +%s%N)

transcript=$work/transcript.txt
if [[ -f $serial ]]; then tr -d '\r' <"$serial" >"$transcript"; else : >"$transcript"; fi
grep -a -E '^(TEST |RESULT: )' "$transcript" || :
ms=$(( (end - start) / 1000000 ))
printf 'bochs: %s, cpu %s, %s MiB, rc %d, wall %d.%03d s\n' "$(basename "$image")" "$cpu" "$megs" \
  "$rc" $((ms / 1000)) $((ms % 1000))

failures=()
case $result in
  PASS) want_rc=0 ;;
  FAIL) want_rc=1 ;;
  *) echo "run_bochs.sh: --expect-result must be PASS or FAIL" >&2; exit 2 ;;
esac
case $rc in
  124|137) failures+=("timed out after ${timeout_s} s") ;;
  153) failures+=("Bochs stopped at the output size limit (runaway log)") ;;
esac
(( rc == want_rc )) || failures+=("Bochs exit status $rc, expected $want_rc")
grep -a -q "^RESULT: $result" "$transcript" || failures+=("no 'RESULT: $result' line")
for e in "${expects[@]}"; do
  grep -a -q -F -- "$e" "$transcript" || failures+=("missing expected line: $e")
done
for r in "${rejects[@]}"; do
  ! grep -a -q -F -- "$r" "$transcript" || failures+=("unexpected line: $r")
done

# The transcript always goes to the test log: its TEST lines and numbers
# are the result, pass or fail.
echo "==== serial transcript ===="
cat "$transcript"
if (( ${#failures[@]} == 0 )); then
  exit 0
fi
echo "==== end of Bochs log ===="
tail -n 30 "$log" 2>/dev/null
tail -n 10 "$work/stderr.txt"
for f in "${failures[@]}"; do echo "FAILED: $f"; done
exit 1
