# SPDX-License-Identifier: Apache-2.0
"""Building library OS images: the kernel ELF (library OS + your sources),
the test disk image and the GRUB ISO.

The kernel is compiled by genrules that call clang and ld directly, because
the host C toolchain adds sanitizer and PIC flags a kernel cannot take."""

_LIBOS = "//hwbackend/libos"
_LIBOS_INCLUDES = ["hwbackend/libos/include", "hwbackend/libos"]

def libos_kernel(name, srcs = [], includes = [], defines = [], copts = [], **kwargs):
    """Links the library OS with `srcs` into `<name>.elf`.

    Args:
      name: target name; the output is `<name>.elf`.
      srcs: .c and .S files to compile into the image (e.g. LIBOS_TEST
        files, the VMX backend, the core's freestanding sources), plus the
        headers they include (files or filegroups).
      includes: include directories, relative to the workspace root
        (e.g. "core/include").
      defines: preprocessor definitions ("NAME" or "NAME=value").
      copts: extra compiler flags.
      **kwargs: passed to the genrule (visibility, tags, ...).
    """
    flags = ["-I " + d for d in _LIBOS_INCLUDES + includes]
    flags += ["-D " + d for d in defines]
    flags += ["-c " + c for c in copts]
    native.genrule(
        name = name,
        srcs = [_LIBOS + ":kernel_files"] + srcs,
        outs = [name + ".elf"],
        tools = [_LIBOS + ":build_kernel.sh", _LIBOS + ":kernel.ld"],
        cmd = "$(location {0}:build_kernel.sh) $@ $(location {0}:kernel.ld) {1} -- $(SRCS)".format(
            _LIBOS,
            " ".join(flags),
        ),
        **kwargs
    )

def libos_disk_image(name, kernel, out = None, **kwargs):
    """`<name>.img` (or `out`): boot sector + kernel, the fast boot path
    for tests (the Bochs runner writes the command line into its copy)."""
    native.genrule(
        name = name,
        srcs = [kernel, _LIBOS + ":mbr.bin"],
        outs = [out or name + ".img"],
        tools = [_LIBOS + ":mkdisk.sh"],
        cmd = "$(location {0}:mkdisk.sh) $(location {0}:mbr.bin) $(location {1}) $@".format(_LIBOS, kernel),
        **kwargs
    )

def libos_iso(name, kernel, cmdline = "", out = None, **kwargs):
    """`<name>.iso` (or `out`): a GRUB (BIOS) rescue ISO booting the kernel
    by multiboot2 with `cmdline`, for USB sticks, CDs, QEMU and Bochs."""
    native.genrule(
        name = name,
        srcs = [kernel],
        outs = [out or name + ".iso"],
        tools = [_LIBOS + ":mkiso.sh"],
        cmd = "$(location {0}:mkiso.sh) $(location {1}) $@ '{2}'".format(_LIBOS, kernel, cmdline),
        **kwargs
    )
