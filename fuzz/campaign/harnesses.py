# SPDX-License-Identifier: Apache-2.0
"""The fuzz harnesses as Bazel declares them, and their builds.

The one list of harnesses is fuzz/BUILD: every libvmm_fuzz_target() call
declares a cc_binary that `bazel query` finds by its generator function.
Seeds (the <name>_seeds filegroup) and the dictionary (the binary's data)
come from the same query, so a new harness needs no edit here.

Nested Bazel calls work from a `bazel run` binary in this Bazel (4.2.3):
the client execs the binary after the server has finished the run command
and released its lock. Other clients of the same output base only make a
call wait ("Another command is running").
"""

import configparser
import json
import os
import shutil
import subprocess
import sys
import tempfile

HARNESS_QUERY = 'attr(generator_function, "libvmm_fuzz_target", kind("cc_binary", //fuzz:all))'

# Engine -> the .bazelrc config that builds it ("" is the replay main).
CONFIGS = {
    "libfuzzer": "libfuzzer",  # ASan + UBSan + libFuzzer: fuzzing, triage, minimizing
    "afl": "afl",              # afl-clang-fast, no sanitizer
    "afl-cmplog": "afl-cmplog",  # the same with CmpLog: afl-fuzz -c for the main instance
    "fuzzcov": "fuzzcov",      # replay main with clang source-based coverage
}


def workspace():
    """The workspace root: `bazel run` says it; otherwise this file's checkout."""
    ws = os.environ.get("BUILD_WORKSPACE_DIRECTORY")
    if ws:
        return ws
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.dirname(os.path.dirname(here))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def bazel(ws, args, capture=True):
    """Runs bazel in the workspace; returns stdout (raises on failure)."""
    cmd = ["bazel"] + args
    res = subprocess.run(cmd, cwd=ws, stdout=subprocess.PIPE if capture else None,
                         stderr=subprocess.PIPE if capture else None, text=True)
    if res.returncode != 0:
        if capture:
            sys.stderr.write(res.stderr[-4000:])
        raise RuntimeError("failed: " + " ".join(cmd))
    return res.stdout if capture else ""


def label_path(label):
    """//pkg:file -> pkg/file (source files only)."""
    pkg, _, name = label.lstrip("/").partition(":")
    return os.path.join(pkg, name)


class Harness:
    def __init__(self, name, seeds, dictionary, options):
        self.name = name
        self.seeds = seeds            # workspace-relative seed files
        self.dict = dictionary        # workspace-relative .dict or None
        self.options = options        # {"libfuzzer": {...}, "afl": {...}}

    def libfuzzer_flags(self):
        return ["-%s=%s" % kv for kv in sorted(self.options.get("libfuzzer", {}).items())]


def read_options(ws, name):
    """fuzz/campaign/options/<name>.options: OSS-Fuzz's format, shared with
    .clusterfuzzlite/build.sh ([libfuzzer] max_len = 260, [afl] t = 2000)."""
    path = os.path.join(ws, "fuzz", "campaign", "options", name + ".options")
    cp = configparser.ConfigParser()
    cp.read(path)
    return {sec: dict(cp[sec]) for sec in cp.sections()}


def query_lines(ws, expr):
    out = bazel(ws, ["query", "--noshow_progress", expr])
    return [line.strip() for line in out.splitlines() if line.strip()]


def cquery_files(ws, targets, expr):
    """{label: [workspace-relative paths]} from one cquery over `targets`.

    Few Bazel calls matter: on a shared output base each one waits its turn."""
    out = bazel(ws, ["cquery", "--noshow_progress", "--output=starlark",
                     "--starlark:expr=str(target.label) + ' ' + ' '.join(%s)" % expr,
                     "set(%s)" % " ".join(targets)])
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if parts:
            found[parts[0].lstrip("@")] = sorted(parts[1:])
    return found


def discover(ws):
    """Every harness in fuzz/BUILD, sorted by name (three Bazel calls in all)."""
    names = sorted(label.split(":", 1)[1] for label in query_lines(ws, HARNESS_QUERY))
    seeds = cquery_files(ws, ["//fuzz:%s_seeds" % n for n in names],
                         "[f.short_path for f in target.files.to_list()]")
    dicts = cquery_files(ws, ["//fuzz:" + n for n in names],
                         "[f.short_path for f in target.data_runfiles.files.to_list()"
                         " if f.short_path.endswith('.dict')]")
    return [Harness(n, seeds.get("//fuzz:%s_seeds" % n, []),
                    (dicts.get("//fuzz:" + n) or [None])[0], read_options(ws, n))
            for n in names]


def select(harnesses, wanted):
    """The harnesses named in a comma list (all when empty)."""
    if not wanted:
        return harnesses
    by_name = {h.name: h for h in harnesses}
    unknown = [w for w in wanted.split(",") if w and w not in by_name]
    if unknown:
        raise SystemExit("unknown harness(es): %s (have: %s)" %
                         (", ".join(unknown), ", ".join(sorted(by_name))))
    return [by_name[w] for w in wanted.split(",") if w]


def build(ws, config, targets):
    """Builds //fuzz:<t> under --config=<config> (--keep_going: another harness's
    broken build does not stop this one); returns {target: binary} of those built."""
    flags = ["--config=" + config] if config else []
    labels = ["//fuzz:" + t for t in targets]
    log("bazel build %s %s" % (" ".join(flags), " ".join(labels)))
    with tempfile.NamedTemporaryFile(suffix=".json") as bep:
        try:
            bazel(ws, ["build", "--noshow_progress", "--keep_going",
                       "--build_event_json_file=" + bep.name] + flags + labels)
        except RuntimeError:
            pass  # the build events say which targets failed
        ok = set()
        for line in open(bep.name):
            ev = json.loads(line)
            label = ev.get("id", {}).get("targetCompleted", {}).get("label")
            if label and ev.get("completed", {}).get("success"):
                ok.add(label.split(":", 1)[1])
    failed = [t for t in targets if t not in ok]
    if failed:
        log("not built (left out): " + ", ".join(failed))
    if not ok:
        raise RuntimeError("nothing built under --config=%s" % config)
    bin_dir = bazel(ws, ["info"] + flags + ["bazel-bin"]).strip()
    return {t: os.path.join(bin_dir, "fuzz", t) for t in targets if t in ok}


def copy_binaries(built, dest):
    """Copies of the binaries, so that a rebuild during a run changes nothing."""
    os.makedirs(dest, exist_ok=True)
    out = {}
    for name, path in built.items():
        out[name] = os.path.join(dest, name)
        shutil.copy2(path, out[name])
    return out
