#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Builds the test disk image: mkdisk.sh MBR.bin KERNEL.elf OUT.img. Layout
# (see mbr.S): sector 0 the boot sector with the kernel's sector count at
# offset 508, sector 1 an empty multiboot2 command-line tag (the Bochs
# test runner rewrites it per test), sectors 2.. the flat kernel; padded
# to whole cylinders of 16 heads x 63 sectors.
set -euo pipefail

mbr=$1 elf=$2 out=$3
flat=$(mktemp "${TMPDIR:-/tmp}/libos_flat.XXXXXX")
trap 'rm -f "$flat"' EXIT
objcopy -O binary "$elf" "$flat"
sectors=$(( ($(stat -c %s "$flat") + 511) / 512 ))
if (( sectors > 65535 )); then
  echo "mkdisk.sh: kernel too large for the boot sector ($sectors sectors)" >&2
  exit 1
fi
cp "$mbr" "$out"
chmod u+w "$out"
printf "\\x$(printf %02x $((sectors & 255)))\\x$(printf %02x $((sectors >> 8)))" |
  dd of="$out" bs=1 seek=508 count=2 iflag=fullblock conv=notrunc status=none
printf '\x01\x00\x00\x00\x00\x01\x00\x00' |
  dd of="$out" bs=512 seek=1 count=1 iflag=fullblock conv=notrunc,sync status=none
dd if="$flat" of="$out" bs=512 seek=2 conv=notrunc,sync status=none
cylinder=$((16 * 63 * 512))
size=$(stat -c %s "$out")
truncate -s $(( (size + cylinder - 1) / cylinder * cylinder )) "$out"
