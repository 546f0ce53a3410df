# SPDX-License-Identifier: Apache-2.0
"""bochs_test: boot a library OS image in Bochs 2.7 and judge the run."""

def _quote(s):
    """One shell word (Bazel tokenizes test args like a Bourne shell)."""
    return "'" + s.replace("'", "'\\''") + "'"

def bochs_test(
        name,
        image,
        tests = [],
        filter = None,
        cmdline = None,
        cpu_model = "corei7_skylake_x",
        megs = 128,
        timeout_s = 50,
        expect_result = "PASS",
        expect = [],
        reject = [],
        **kwargs):
    """A test that runs `image` (a libos_disk_image .img or libos_iso .iso)
    in Bochs.

    It passes only when Bochs' exit status matches the kernel's verdict
    AND the serial transcript has `RESULT: <expect_result>`, every line in
    `expect` and none in `reject` (fixed substrings).

    Args:
      name: test name.
      image: the disk image or ISO.
      tests: run exactly these LIBOS_TESTs, in this order (`tests=a,b`).
      filter: run the tests whose names start with this (`filter=...`).
      cmdline: the whole kernel command line instead (disk images only).
      cpu_model: Bochs CPU model; corei7_skylake_x (no MTF) or tigerlake.
      megs: guest RAM in MiB.
      timeout_s: Bochs is killed after this many seconds.
      expect_result: "PASS", or "FAIL" for runs that must fail.
      expect: substrings that must appear in the transcript.
      reject: substrings that must not appear.
      **kwargs: passed to sh_test (tags, size, ...).
    """
    if cmdline == None:
        words = []
        if tests:
            words.append("tests=" + ",".join(tests))
        if filter:
            words.append("filter=" + filter)
        cmdline = " ".join(words)
    args = [
        "--image $(location %s)" % image,
        "--bochsrc $(location //tests/bochs:bochsrc.in)",
        "--cpu " + cpu_model,
        "--megs %d" % megs,
        "--timeout %d" % timeout_s,
        "--cmdline " + _quote(cmdline),
        "--expect-result " + expect_result,
    ]
    args += ["--expect " + _quote(e) for e in expect]
    args += ["--reject " + _quote(r) for r in reject]
    kwargs.setdefault("size", "small" if timeout_s <= 50 else "medium")
    native.sh_test(
        name = name,
        srcs = ["//tests/bochs:run_bochs.sh"],
        data = [image, "//tests/bochs:bochsrc.in"],
        args = args,
        **kwargs
    )
