# SPDX-License-Identifier: Apache-2.0
"""Crash triage: replay, deduplicate by stack, minimize, file reproducers.

Every crash either engine saved is replayed once with the libFuzzer build
(ASan + UBSan, symbolized). Its signature is the kind of failure (the
sanitizer's error type, the harness's INVARIANT VIOLATED text with numbers
removed, a timeout) plus the top frames of the stack inside libvmm, hashed;
inputs with the same signature are one bug. One input per signature is
minimized (libFuzzer -minimize_crash=1) and, when its signature is new,
written to fuzz/crashes_pending/<harness>/ (the regression tests replay
fuzz/crashes/<harness>/ only, so an unfixed bug keeps the tree green).
"""

import hashlib
import os
import re
import shutil
import signal
import subprocess
import time

SANITIZER_ENV = {
    "ASAN_OPTIONS": "symbolize=1:detect_leaks=1:abort_on_error=0:handle_abort=1",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
    "ASAN_SYMBOLIZER_PATH": "/usr/bin/llvm-symbolizer",
}

FRAME = re.compile(r"^\s*#(\d+) 0x[0-9a-f]+ in (\S+)(?: (\S+))?")
# Frames that say nothing about the bug: runtimes, libc, the engine.
NOISE = re.compile(r"^(__sanitizer|__asan|__ubsan|__lsan|__interceptor|__libc|__GI_|__pthread|pthread_kill|gsignal|"
                   r"abort|raise|fuzzer::|std::|_start|main$|fail$)")
KINDS = [
    (re.compile(r"INVARIANT VIOLATED: ([^\n]*)"), "invariant"),
    (re.compile(r"ERROR: AddressSanitizer: ([\w-]+)"), "asan"),
    (re.compile(r"runtime error: ([^\n]*)"), "ubsan"),
    (re.compile(r"ERROR: LeakSanitizer: (detected memory leaks)"), "leak"),
    (re.compile(r"ERROR: libFuzzer: (timeout|out-of-memory|deadly signal)"), "libfuzzer"),
]


def normalize(text):
    """Removes what differs between instances of one bug: addresses, byte
    strings (instruction bytes in a message), numbers."""
    text = re.sub(r"0x[0-9a-fA-F]+", "N", text)
    text = re.sub(r"\b[0-9a-f]{2}(?: [0-9a-f]{2})+\b", "N", text)
    return re.sub(r"\d+", "N", text).strip()


def replay(binary, path, timeout_s):
    """Runs one input through the libFuzzer build; returns (crashed, output)."""
    env = dict(os.environ)
    env.update(SANITIZER_ENV)
    try:
        res = subprocess.run([binary, "-timeout=%d" % timeout_s, "-runs=1", path],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=timeout_s * 4 + 30)
        out = res.stdout.decode("utf-8", "replace")
        return res.returncode != 0, out
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        return True, out + "\nERROR: libFuzzer: timeout (killed by the campaign)\n"


def signature(output, frames=3):
    """(signature hash, kind text, top frames) of a crash report."""
    kind = "unknown"
    for pattern, tag in KINDS:
        m = pattern.search(output)
        if m:
            kind = "%s: %s" % (tag, normalize(m.group(1)))
            break
    top = []
    for line in output.splitlines():
        m = FRAME.match(line)
        if not m:
            if top and not line.strip():
                break  # the first stack only
            continue
        func = m.group(2)
        where = os.path.basename(m.group(3) or "").split(":")[0]
        if NOISE.match(func):
            continue
        top.append("%s %s" % (func, where) if where else func)
        if len(top) == frames:
            break
    digest = hashlib.sha1((kind + "\n" + "\n".join(top)).encode()).hexdigest()[:12]
    return digest, kind, top


def minimize(binary, path, dest, timeout_s, seconds):
    """libFuzzer's crash minimization; returns dest, or path if it did not shrink."""
    env = dict(os.environ)
    env.update(SANITIZER_ENV)
    tmp = dest + ".min"
    # libFuzzer gives each shrinking step the whole -max_total_time and runs
    # steps until one fails; the step budget is a slice, the process is
    # stopped at `seconds` (the file holds the smallest crash so far).
    p = subprocess.Popen([binary, "-minimize_crash=1", "-max_total_time=%d" % max(5, seconds // 6),
                          "-timeout=%d" % timeout_s, "-exact_artifact_path=" + tmp, path],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        p.wait(seconds)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)  # the step it runs as a child too
        p.wait()
    if os.path.exists(tmp) and os.path.getsize(tmp) < os.path.getsize(path):
        os.replace(tmp, dest)
        return dest
    if os.path.exists(tmp):
        os.remove(tmp)
    shutil.copyfile(path, dest)
    return dest


class Budget:
    """Minimization time left for the whole campaign."""

    def __init__(self, seconds):
        self.deadline = time.time() + seconds

    def left(self):
        return max(0, int(self.deadline - time.time()))


class Bug:
    def __init__(self, harness, sig, kind, frames, example, output):
        self.harness = harness
        self.sig = sig
        self.kind = kind
        self.frames = frames
        self.examples = [example]
        self.output = output
        self.engines = set()
        self.reproducer = None   # minimized input (campaign output dir)
        self.pending = None      # its copy under fuzz/crashes_pending/, when new
        self.new = True


def known_signatures(ws, harness, binary, timeout_s, frames):
    """Signatures of the reproducers already in fuzz/crashes_pending/<harness>/."""
    sigs = set()
    d = os.path.join(ws, "fuzz", "crashes_pending", harness)
    if os.path.isdir(d):
        for f in sorted(os.listdir(d)):
            crashed, out = replay(binary, os.path.join(d, f), timeout_s)
            if crashed:
                sigs.add(signature(out, frames)[0])
    return sigs


def triage(ws, harness, binary, crashes, outdir, timeout_s, frames, minimize_s, log, budget):
    """crashes: [(engine, path)]. Returns the bugs, one per signature."""
    bugs = {}
    known = known_signatures(ws, harness, binary, timeout_s, frames)
    os.makedirs(outdir, exist_ok=True)
    for engine, path in crashes:
        crashed, out = replay(binary, path, timeout_s)
        if crashed:
            sig, kind, top = signature(out, frames)
        else:
            # Crashed the engine's process but not a replay of the input alone: state
            # carried over from earlier inputs, or the AFL++ build only (no sanitizer).
            sig, top = "unreproducible", []
            kind = "no crash when replayed alone with the libFuzzer build"
        bug = bugs.get(sig)
        if bug:
            bug.examples.append(path)
        else:
            bug = bugs[sig] = Bug(harness, sig, kind, top, path, out)
            bug.new = sig not in known
        bug.engines.add(engine)
    for bug in bugs.values():
        # "<signature>-<kind up to its details>", e.g. 1a2b...-invariant-two-runs-differ
        short = ":".join(bug.kind.split(":")[:2])
        name = "%s-%s" % (bug.sig, re.sub(r"[^a-z0-9]+", "-", short.lower()).strip("-")[:48])
        bug.name = name
        with open(os.path.join(outdir, name + ".log"), "w") as f:
            f.write(bug.output)
        if bug.sig == "unreproducible":
            bug.reproducer = os.path.join(outdir, "unreproducible")
            os.makedirs(bug.reproducer, exist_ok=True)
            for e in bug.examples:
                shutil.copy(e, bug.reproducer)
            continue
        # The smallest example is the best start for the minimizer.
        start = min(bug.examples, key=os.path.getsize)
        seconds = min(minimize_s, budget.left())
        bug.reproducer = os.path.join(outdir, name)
        if seconds >= 5:
            log("minimizing %s %s (%d bytes)" % (harness, bug.sig, os.path.getsize(start)))
            minimize(binary, start, bug.reproducer, timeout_s, seconds)
        else:
            shutil.copyfile(start, bug.reproducer)  # the budget is spent
        crashed, out = replay(binary, bug.reproducer, timeout_s)
        if not crashed or signature(out, frames)[0] != bug.sig:
            shutil.copyfile(start, bug.reproducer)  # minimizing changed the bug
        if bug.new:
            pend = os.path.join(ws, "fuzz", "crashes_pending", harness)
            os.makedirs(pend, exist_ok=True)
            bug.pending = os.path.join(pend, name)
            shutil.copyfile(bug.reproducer, bug.pending)
    return sorted(bugs.values(), key=lambda b: b.sig)


def reproduce_command(bug):
    rel = os.path.join("fuzz", "crashes_pending", bug.harness, os.path.basename(bug.pending))
    return "bazel run --config=libfuzzer //fuzz:%s -- $PWD/%s" % (bug.harness, rel)


def write_pending_index(ws, bugs):
    """Appends each new bug to fuzz/crashes_pending/README.md (one line each)."""
    new = [b for b in bugs if b.pending]
    if not new:
        return
    index = os.path.join(ws, "fuzz", "crashes_pending", "README.md")
    fresh = not os.path.exists(index)
    with open(index, "a") as f:
        if fresh:
            f.write("# Reproducers of unfixed bugs\n\n"
                    "Found by `bazel run //fuzz:campaign`; not replayed by the regression\n"
                    "tests. Move a reproducer to `fuzz/crashes/<harness>/` with its fix.\n\n")
        for b in new:
            f.write("- `%s/%s`: %s at %s. Reproduce: `%s`\n" % (
                b.harness, os.path.basename(b.pending), b.kind,
                " < ".join(b.frames) or "?", reproduce_command(b)))
