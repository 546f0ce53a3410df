#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Builds the bootable GRUB (BIOS) ISO: mkiso.sh KERNEL.elf OUT.iso [CMDLINE].
# GRUB loads the kernel with multiboot2 at once (timeout 0), serial and
# screen both active so that a machine with only a serial console works.
set -euo pipefail

elf=$1 out=$2 cmdline=${3:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/libos_iso.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/boot/grub"
cp "$elf" "$work/root/boot/kernel.elf"
cat >"$work/root/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1
terminal_input serial console
terminal_output serial console
set timeout=0
menuentry "libvmm library OS" {
  multiboot2 /boot/kernel.elf $cmdline
  boot
}
CFG
# grub-mkrescue writes temporary files under TMPDIR and needs a HOME.
HOME=$work TMPDIR=$work grub-mkrescue -d /usr/lib/grub/i386-pc -o "$out" \
  --install-modules="multiboot2 normal serial terminal boot configfile" \
  --fonts= --locales= --themes= "$work/root" 2>"$work/log" || {
  cat "$work/log" >&2
  exit 1
}
