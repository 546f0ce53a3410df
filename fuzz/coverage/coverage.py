#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Source coverage of libvmm reached by the fuzz corpora, and which entry
checks and exit reasons they trigger (fuzz/README.md, "Coverage").

  bazel run //fuzz:coverage -- [--corpus DIR]... [--targets a,b] [--out DIR] [--no-seeds]

Builds every harness's replay binary under --config=fuzzcov (clang
source-based coverage), replays the seeds plus each --corpus DIR/<harness>/
(a campaign's OUT/corpus, for instance), merges the profiles with
llvm-profdata, and writes OUT/html/ (llvm-cov show), OUT/report.txt
(llvm-cov report) and OUT/summary.md: line coverage per harness and in
all, the VM-entry checks (core/include/vmm/checks/*.def) the
vmcs_validator inputs make fail (as the verdict, or at all) and those
never failed, the exit reasons (core/include/vmm/exit_reasons.def) the
exit_handlers inputs produce and those never produced.
"""

import argparse
import collections
import glob
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "campaign"))

import harnesses  # noqa: E402
from harnesses import log  # noqa: E402

# Sources reported: libvmm's own, not the system's or Bazel's.
IGNORE = r"(^/usr/|external/|bazel-out/|_test\.c$)"
EXIT_LINE = re.compile(r"^\s+\S+.*: \d+ exits:(.*)$")
EXIT_ROW = re.compile(r"^VMX_EXIT\(\s*(\d+),\s*(\w+),\s*\w+,\s*\w+,\s*(\w+),")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="coverage", description=__doc__.split("\n\n")[1])
    p.add_argument("--corpus", action="append", default=[],
                   help="a directory with one subdirectory of inputs per harness")
    p.add_argument("--targets", default="", help="comma list of harnesses (default: all)")
    p.add_argument("--out", help="output directory (default: /tmp/libvmm-coverage-<time>)")
    p.add_argument("--no-seeds", action="store_true", help="replay only the --corpus dirs")
    return p.parse_args(argv)


def inputs_of(ws, h, args, scratch):
    dirs = []
    if not args.no_seeds:
        from campaign import seed_dir
        dirs.append(seed_dir(ws, h, os.path.join(scratch, "seeds", h.name)))
    for c in args.corpus:
        d = os.path.join(os.path.abspath(c), h.name)
        if os.path.isdir(d):
            dirs.append(d)
    return dirs


def replay(binary, dirs, profraw_dir, name, env_extra):
    """Runs every input through the coverage build; returns its stderr.

    A crashing input ends a replay run, so after a crash the inputs are
    replayed one process each and the crashing ones are only counted."""
    env = dict(os.environ, **env_extra)
    env["LLVM_PROFILE_FILE"] = os.path.join(profraw_dir, name + "-%p.profraw")
    res = subprocess.run([binary] + dirs, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    if res.returncode == 0:
        return res.stderr.decode("utf-8", "replace"), 0
    log("%s: an input crashes the replay; replaying one input per process" % name)
    for f in glob.glob(os.path.join(profraw_dir, name + "-*.profraw")):
        os.remove(f)
    err, crashed = [], 0
    for d in dirs:
        for f in sorted(os.listdir(d)):
            r = subprocess.run([binary, os.path.join(d, f)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if r.returncode == 0:
                err.append(r.stderr.decode("utf-8", "replace"))
            else:
                crashed += 1
    return "".join(err), crashed


def exit_reason_table(ws):
    rows = {}
    with open(os.path.join(ws, "core", "include", "vmm", "exit_reasons.def")) as f:
        for line in f:
            m = EXIT_ROW.match(line)
            if m:
                rows[int(m.group(1))] = (m.group(2), m.group(3) == "RESERVED")
    return rows


def exit_census(trace):
    """Exit reasons in EXIT_HANDLERS_TRACE output: {reason: exits}."""
    seen = collections.Counter()
    for line in trace.splitlines():
        m = EXIT_LINE.match(line)
        if m:
            for ex in m.group(1).split():
                seen[int(ex.split("@")[0])] += 1
    return seen


def check_census(binary, dirs, scratch):
    env = dict(os.environ, LLVM_PROFILE_FILE=os.path.join(scratch, "census-%p.profraw"))
    out = subprocess.run([binary] + dirs, env=env, stdout=subprocess.PIPE, check=True).stdout
    rows, total = [], ""
    for line in out.decode().splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            rows.append((parts[0], int(parts[1]), int(parts[2])))
        else:
            total = line
    return rows, total


def llvm_cov(args, cwd, capture=True):
    res = subprocess.run(["llvm-cov"] + args, cwd=cwd, stdout=subprocess.PIPE if capture else None,
                         stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        raise RuntimeError("llvm-cov %s: %s" % (args[0], res.stderr[-1000:]))
    return res.stdout


def total_line(report):
    """(covered lines, lines) from llvm-cov report's TOTAL row."""
    for line in report.splitlines():
        if line.startswith("TOTAL"):
            f = line.split()
            # TOTAL regions missed cover functions missed executed lines missed cover ...
            return int(f[7]) - int(f[8]), int(f[7])
    return 0, 0


def main(argv):
    args = parse_args(argv)
    ws = harnesses.workspace()
    out = os.path.abspath(args.out or "/tmp/libvmm-coverage-" + time.strftime("%Y%m%d-%H%M%S"))
    profraw = os.path.join(out, "profraw")
    os.makedirs(profraw, exist_ok=True)
    hs = harnesses.select(harnesses.discover(ws), args.targets)
    names = [h.name for h in hs]
    wants_census = "vmcs_validator" in names
    built = harnesses.build(ws, harnesses.CONFIGS["fuzzcov"],
                            names + (["coverage_check_census"] if wants_census else []))
    bins = harnesses.copy_binaries(built, os.path.join(out, "bin"))
    hs = [h for h in hs if h.name in bins]
    names = [h.name for h in hs]
    wants_census = wants_census and "coverage_check_census" in bins

    per_harness, traces, crashed, dirs_of = {}, "", {}, {}
    for h in hs:
        dirs = dirs_of[h.name] = inputs_of(ws, h, args, out)
        n = sum(len(os.listdir(d)) for d in dirs)
        log("replaying %d inputs of %s" % (n, h.name))
        extra = {"EXIT_HANDLERS_TRACE": "1"} if h.name == "exit_handlers" else {}
        err, crashed[h.name] = replay(bins[h.name], dirs, profraw, h.name, extra)
        if h.name == "exit_handlers":
            traces = err
        prof = os.path.join(out, h.name + ".profdata")
        subprocess.run(["llvm-profdata", "merge", "-sparse", "-o", prof] +
                       glob.glob(os.path.join(profraw, h.name + "-*.profraw")), check=True)
        rep = llvm_cov(["report", bins[h.name], "-instr-profile=" + prof,
                        "-ignore-filename-regex=" + IGNORE], ws)
        per_harness[h.name] = (n, total_line(rep))

    merged = os.path.join(out, "all.profdata")
    subprocess.run(["llvm-profdata", "merge", "-sparse", "-o", merged] +
                   [os.path.join(out, n + ".profdata") for n in names], check=True)
    objects = [bins[names[0]]] + sum((["-object", bins[n]] for n in names[1:]), [])
    common = ["-instr-profile=" + merged, "-ignore-filename-regex=" + IGNORE]
    llvm_cov(["show"] + objects + common + ["-format=html", "-output-dir=" + os.path.join(
        out, "html"), "-show-line-counts-or-regions"], ws)
    report = llvm_cov(["report"] + objects + common, ws)
    with open(os.path.join(out, "report.txt"), "w") as f:
        f.write(report)

    L = ["# Fuzz corpus coverage %s\n" % time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
         "- command: `bazel run //fuzz:coverage -- %s`" % " ".join(argv),
         "- inputs: the seeds%s" % "".join(", `%s`" % c for c in args.corpus),
         "- HTML: `%s`; per file: `%s`\n" % (os.path.join(out, "html", "index.html"),
                                            os.path.join(out, "report.txt")),
         "| harness | inputs | crashing inputs | lines covered (libvmm sources it links) |",
         "|---|---|---|---|"]
    for n in names:
        inputs, (cov, total) = per_harness[n]
        L.append("| %s | %d | %d | %d / %d (%.1f%%) |" % (n, inputs, crashed[n], cov, total,
                                                        100.0 * cov / max(total, 1)))
    cov, total = total_line(report)
    L.append("| all | | | %d / %d (%.1f%%) |\n" % (cov, total, 100.0 * cov / max(total, 1)))

    if wants_census:
        rows, summary = check_census(bins["coverage_check_census"], dirs_of["vmcs_validator"], out)
        first = [r for r in rows if r[1]]
        anyf = [r for r in rows if r[2]]
        never = [r[0] for r in rows if not r[2]]
        L.append("## VM-entry checks (vmcs_validator inputs: %s)\n" % summary)
        L.append("%d of %d checks are some input's verdict (the first failure); %d fail in "
                 "at least one input; %d never fail.\n" % (len(first), len(rows), len(anyf),
                                                          len(never)))
        if never:
            L.append("Never failed: " + ", ".join("`%s`" % n for n in never) + "\n")
        with open(os.path.join(out, "checks.tsv"), "w") as f:
            f.write("check\tverdict\tfails\n")
            f.writelines("%s\t%d\t%d\n" % r for r in rows)
        L.append("Per check (inputs where it is the verdict, where it fails): `%s`\n" %
                 os.path.join(out, "checks.tsv"))

    if "exit_handlers" in names:
        table = exit_reason_table(ws)
        seen = exit_census(traces)
        real = {r: v for r, v in table.items() if not v[1]}
        L.append("## Exit reasons (exit_handlers inputs)\n")
        L.append("%d of %d architectural exit reasons occur (reserved numbers left out):\n" % (
            len([r for r in real if r in seen]), len(real)))
        L.append("| reason | name | exits |")
        L.append("|---|---|---|")
        for r in sorted(seen):
            L.append("| %d | %s | %d |" % (r, table.get(r, ("?",))[0], seen[r]))
        L.append("\nNever: " + ", ".join("%d %s" % (r, real[r][0]) for r in sorted(real)
                                         if r not in seen) + "\n")
    path = os.path.join(out, "summary.md")
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")
    print("\n".join(L))
    print(report.splitlines()[-1] if report else "")
    print("summary: " + path)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except RuntimeError as e:
        log(str(e))
        sys.exit(2)
