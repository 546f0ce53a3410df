#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""One-command fuzzing campaign over libvmm's harnesses (fuzz/README.md).

  bazel run //fuzz:campaign -- --minutes N [--jobs J] [--engine afl|libfuzzer|both]
                               [--targets a,b] [--out DIR] [--update-corpus]

Builds the harnesses (libFuzzer with ASan + UBSan, AFL++), fuzzes every
chosen harness under every chosen engine at once for N minutes with J
processes in all, syncs corpora between the engines, shows one status
line per job, then triages and minimizes crashes, merges the corpora and
writes OUT/report.md with plots. Exit status 1 when a crash with a new
signature was found, 2 on a usage or build error, else 0. Ctrl-C stops the
fuzzers early and still triages, merges and reports; a second Ctrl-C
abandons that.
"""

import argparse
import collections
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import engines  # noqa: E402
import harnesses  # noqa: E402
import report  # noqa: E402
import triage  # noqa: E402
from harnesses import log  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(prog="campaign", description=__doc__.split("\n\n")[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, help="fuzzing time")
    p.add_argument("--jobs", type=int, default=os.cpu_count(),
                   help="fuzzing processes in all (default: cores online)")
    p.add_argument("--engine", choices=["afl", "libfuzzer", "both"], default="both")
    p.add_argument("--targets", default="", help="comma list of harnesses (default: all)")
    p.add_argument("--out", help="output directory (default: /tmp/libvmm-campaign-<time>)")
    p.add_argument("--update-corpus", action="store_true",
                   help="also merge into fuzz/corpus_grown/<harness>/ (fuzz/corpus/ is the "
                        "seed generators' and stays untouched)")
    p.add_argument("--timeout", type=int, default=10, help="seconds per input before a hang")
    p.add_argument("--sync-every", type=float, default=60, help="seconds between corpus syncs")
    p.add_argument("--sample-every", type=float, default=10, help="seconds between samples")
    p.add_argument("--stack-frames", type=int, default=3, help="frames in a crash signature")
    p.add_argument("--minimize-seconds", type=int, default=30, help="per unique crash")
    p.add_argument("--no-cmplog", action="store_true",
                   help="AFL++ main instances without a CmpLog binary (-c)")
    p.add_argument("--no-build", action="store_true",
                   help="use the binaries already in bazel-bin")
    p.add_argument("--finish", action="store_true",
                   help="no fuzzing: triage, merge and report what --out holds (a run "
                        "stopped before its end; give it the run's --jobs)")
    p.add_argument("--minimize-budget", type=int, default=600,
                   help="seconds of crash minimization in all; later crashes are filed as found")
    return p.parse_args(argv)


def allocate(pairs, jobs):
    """Processes per (harness, engine): at least one each, the rest round robin."""
    counts = {pair: 1 for pair in pairs}
    for i in range(max(0, jobs - len(pairs))):
        counts[pairs[i % len(pairs)]] += 1
    return counts


def fmt_age(seconds):
    seconds = int(max(0, seconds))
    return "%dm%02ds" % (seconds // 60, seconds % 60) if seconds < 3600 else \
        "%dh%02dm" % (seconds // 3600, seconds % 3600 // 60)


class Status:
    """One line per job, redrawn in place on a terminal; plain blocks otherwise."""

    def __init__(self, jobs, tty, plain_every=60):
        self.jobs = jobs
        self.tty = tty
        self.drawn = 0
        self.plain_every = plain_every
        self.last_plain = 0

    def lines(self, elapsed, total, stats, rates):
        width = max(len(j.harness.name) for j in self.jobs)
        out = ["campaign %s / %s" % (fmt_age(elapsed), fmt_age(total))]
        for j in self.jobs:
            st = stats[j]
            out.append("%-*s %-9s %2dp %8.0f exec/s  corpus %6d  %-34s crashes %d hangs %d  "
                       "last find %s ago" % (
                           width, j.harness.name, j.engine, j.nproc, rates[j], st["corpus"],
                           st["cov_text"], st["crashes"], st["hangs"],
                           fmt_age(time.time() - st["last_find"])))
        return out

    def show(self, elapsed, total, stats, rates, force=False):
        lines = self.lines(elapsed, total, stats, rates)
        if self.tty:
            if self.drawn:
                sys.stdout.write("\x1b[%dF" % self.drawn)  # back to the first line
            sys.stdout.write("".join("\x1b[2K%s\n" % l for l in lines))
            self.drawn = len(lines)
        elif force or elapsed - self.last_plain >= self.plain_every:
            sys.stdout.write("\n".join(lines) + "\n")
            self.last_plain = elapsed
        sys.stdout.flush()


def seed_dir(ws, h, dest):
    """A directory holding a copy of every seed (AFL++ -i, the libFuzzer corpus)."""
    os.makedirs(dest, exist_ok=True)
    for s in h.seeds:
        engines.copy_by_content(os.path.join(ws, s), dest)
    return dest


def merge(lf_binary, h, sources, dest, timeout):
    """libFuzzer -merge=1 of `sources` into the empty `dest`; returns (inputs, kept)."""
    os.makedirs(dest, exist_ok=True)
    sources = [s for s in sources if os.path.isdir(s) and os.listdir(s)]
    n_in = sum(len(os.listdir(s)) for s in sources)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [lf_binary, "-merge=1", "-timeout=%d" % timeout,
               "-merge_control_file=" + os.path.join(tmp, "control")]
        cmd += h.libfuzzer_flags() + [dest] + sources
        env = dict(os.environ)
        env.update(triage.SANITIZER_ENV)
        res = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if res.returncode != 0:
            log("merge of %s failed (%d): %s" % (h.name, res.returncode,
                                                  res.stderr.decode()[-800:]))
    return n_in, len(os.listdir(dest))


class Campaign:
    def __init__(self, args):
        self.args = args
        self.ws = harnesses.workspace()
        self.out = os.path.abspath(args.out or "/tmp/libvmm-campaign-" +
                                   time.strftime("%Y%m%d-%H%M%S"))
        self.interrupted = False
        self.jobs = []
        self.dead = []  # jobs whose processes all ended before the time was up
        self.series = {}

    def prepare(self):
        a = self.args
        os.makedirs(self.out, exist_ok=True)
        self.harnesses = harnesses.select(harnesses.discover(self.ws), a.targets)
        names = [h.name for h in self.harnesses]
        for h in self.harnesses:
            h.dict_path = os.path.join(self.ws, h.dict) if h.dict else None
        engine_list = ["afl", "libfuzzer"] if a.engine == "both" else [a.engine]
        # The libFuzzer build is always needed: it triages, minimizes and merges.
        # CmpLog binaries are optional: a harness without one fuzzes without -c.
        optional = {"afl-cmplog"}
        wanted = set(engine_list) | {"libfuzzer"}
        if "afl" in engine_list and not a.no_cmplog:
            wanted |= optional
        built = {}
        for e in sorted(wanted):
            if a.finish:
                d = os.path.join(self.out, "bin", e)
                built[e] = {n: os.path.join(d, n) for n in names
                            if os.path.exists(os.path.join(d, n))}
                continue
            try:
                paths = harnesses.build(self.ws, harnesses.CONFIGS[e], names) \
                    if not a.no_build else self.existing(e, names)
            except RuntimeError:
                if e not in optional:
                    raise
                paths = {}
            if e in optional:
                paths = {n: p for n, p in paths.items() if os.path.exists(p)}
            built[e] = harnesses.copy_binaries(paths, os.path.join(self.out, "bin", e))
        if a.finish:
            engine_list = [e for e in engine_list if built.get(e)]
        self.lf_bin = built["libfuzzer"]
        # A harness some config could not build is left out (build.log says why).
        self.harnesses = [h for h in self.harnesses
                          if all(h.name in b for e, b in built.items() if e not in optional)]
        if not self.harnesses:
            raise RuntimeError("no harness built")
        pairs = [(h, e) for h in self.harnesses for e in engine_list]
        counts = allocate(pairs, a.jobs)
        self.processes = sum(counts.values())
        if self.processes > a.jobs:
            log("note: %d harness/engine pairs on %d cores: each gets one process and they "
                "share the cores (compare exec per CPU-second)" % (len(pairs), a.jobs))
        for h in self.harnesses:
            seeds = seed_dir(self.ws, h, os.path.join(self.out, "seeds", h.name))
            lf = afl = None
            if "libfuzzer" in engine_list:
                lf = engines.LibFuzzerJob(h, built["libfuzzer"][h.name],
                                          counts[(h, "libfuzzer")],
                                          os.path.join(self.out, "libfuzzer", h.name), a.timeout)
                os.makedirs(lf.dir, exist_ok=True)
                if not a.finish:
                    shutil.copytree(seeds, lf.corpus, dirs_exist_ok=True)
            if "afl" in engine_list:
                # [campaign] afl_cmplog = false in the harness's .options: no -c.
                wants_cmplog = h.options.get("campaign", {}).get("afl_cmplog") != "false"
                afl = engines.AflJob(h, built["afl"][h.name], counts[(h, "afl")],
                                     os.path.join(self.out, "afl", h.name), seeds,
                                     lf.corpus if lf else None,
                                     built.get("afl-cmplog", {}).get(h.name) if wants_cmplog
                                     else None)
                os.makedirs(afl.dir, exist_ok=True)
            for job in (afl, lf):
                if job:
                    self.jobs.append(job)
            h.syncer = engines.Syncer(afl, lf) if afl and lf else None
        os.makedirs(os.path.join(self.out, "stats"), exist_ok=True)
        for j in self.jobs:
            path = os.path.join(self.out, "stats", "%s.%s.tsv" % (j.harness.name, j.engine))
            self.series[(j.harness.name, j.engine)] = (report.Series.load(path) if a.finish
                                                       else report.Series(path))
        if a.finish:
            self.jobs = [j for j in self.jobs if self.series[(j.harness.name, j.engine)].rows]
            for j in self.jobs:
                last = self.series[(j.harness.name, j.engine)].rows[-1]
                j.cpu = last["cpu_s"]
                j.cov_text = j.stats()["cov_text"]
            self.started = os.path.getmtime(os.path.join(self.out, "seeds"))
            self.elapsed = max(s.rows[-1]["elapsed_s"] for s in self.series.values() if s.rows)

    def existing(self, engine, names):
        flags = ["--config=" + harnesses.CONFIGS[engine]]
        bin_dir = harnesses.bazel(self.ws, ["info"] + flags + ["bazel-bin"]).strip()
        return {n: os.path.join(bin_dir, "fuzz", n) for n in names}

    def fuzz(self):
        a = self.args
        total = a.minutes * 60
        for j in self.jobs:
            j.start()
        status = Status(self.jobs, sys.stdout.isatty())
        self.started = time.time()
        next_sample, next_sync = a.sample_every, 0.0
        rates = {j: 0.0 for j in self.jobs}
        recent = {j: collections.deque() for j in self.jobs}  # (time, execs), last 30 s
        while True:
            elapsed = time.time() - self.started
            stats = {j: j.stats() for j in self.jobs}
            for j in self.jobs:
                # libFuzzer reports progress in bursts: a 30 s window steadies the rate.
                window = recent[j]
                window.append((elapsed, stats[j]["execs"]))
                while elapsed - window[0][0] > 30:
                    window.popleft()
                if elapsed > window[0][0]:
                    rates[j] = max(0.0, (stats[j]["execs"] - window[0][1]) /
                                   (elapsed - window[0][0]))
                j.cov_text = stats[j]["cov_text"]
            if elapsed >= next_sample or elapsed >= total or self.interrupted:
                for j in self.jobs:
                    self.series[(j.harness.name, j.engine)].add(elapsed, stats[j],
                                                                j.sample_cpu())
                next_sample = elapsed + a.sample_every
            done = elapsed >= total or self.interrupted
            status.show(elapsed, total, stats, rates, force=done)
            if done:
                break
            if elapsed >= next_sync:
                for h in self.harnesses:
                    if h.syncer:
                        h.syncer.sync()
                next_sync = elapsed + a.sync_every
            dead = [j for j in self.jobs if not j.alive() and j not in self.dead]
            if dead:
                log("stopped early: %s (see the logs in %s)" % (", ".join(
                    "%s/%s" % (j.harness.name, j.engine) for j in dead), self.out))
                self.dead += dead
                if len(self.dead) == len(self.jobs):
                    break
            time.sleep(2 if status.tty else 1)
        self.elapsed = time.time() - self.started
        for j in self.jobs:
            j.sample_cpu()
            j.stop()
        # The engines write their final figures as they stop (AFL++'s fuzzer_stats).
        for j in self.jobs:
            st = j.stats()
            j.cov_text = st["cov_text"]
            self.series[(j.harness.name, j.engine)].add(self.elapsed + 0.1, st, j.cpu)

    def finish(self):
        a = self.args
        # After Ctrl-C, stopping, triage and merging still run; a second one aborts them.
        bugs = []
        budget = triage.Budget(a.minimize_budget)
        for h in self.harnesses:
            crashes = []
            for j in self.jobs:
                if j.harness is h:
                    crashes += [(j.engine, f) for f in j.crash_files()]
            if crashes:
                log("triaging %d crash(es) of %s" % (len(crashes), h.name))
                bugs += triage.triage(self.ws, h.name, self.lf_bin[h.name], crashes,
                                      os.path.join(self.out, "crashes", h.name), a.timeout,
                                      a.stack_frames, a.minimize_seconds, log, budget)
        triage.write_pending_index(self.ws, bugs)
        merged = {}
        corpus_out = os.path.join(self.out, "corpus")
        for h in self.harnesses:
            sources = [os.path.join(self.out, "seeds", h.name)]
            for j in self.jobs:
                if j.harness is h:
                    sources += j.queues() if j.engine == "afl" else [j.corpus]
            dest = os.path.join(corpus_out, h.name)
            log("merging the corpora of %s" % h.name)
            merged[h.name] = merge(self.lf_bin[h.name], h, sources, dest, a.timeout)
            if a.update_corpus:
                grown = os.path.join(self.ws, "fuzz", "corpus_grown", h.name)
                os.makedirs(grown, exist_ok=True)
                merge(self.lf_bin[h.name], h, [dest], grown, a.timeout)
        plots = {}
        for h in self.harnesses:
            s = {e: self.series[(n, e)] for (n, e) in self.series if n == h.name}
            png = os.path.join(self.out, "plots", h.name + ".png")
            os.makedirs(os.path.dirname(png), exist_ok=True)
            if report.plot(h.name, s, png):
                plots[h.name] = png
        info = {
            "started": self.started, "elapsed": self.elapsed, "minutes": a.minutes,
            "interrupted": self.interrupted, "processes": self.processes, "jobs": a.jobs,
            "load": " ".join("%.2f" % x for x in os.getloadavg()), "workspace": self.ws,
            "command": "bazel run //fuzz:campaign -- " + " ".join(sys.argv[1:]),
            "corpus_out": corpus_out,
        }
        path = os.path.join(self.out, "report.md")
        report.write(path, info, self.jobs, self.series, bugs, merged, plots)
        for b in bugs:
            print("%s crash %s %s: %s at %s" % ("NEW" if b.new else "known", b.harness, b.sig,
                                               b.kind, " < ".join(b.frames)))
            if b.pending:
                print("  reproduce: " + triage.reproduce_command(b))
        print("report: " + path)
        return 1 if any(b.new for b in bugs) else 0


def main(argv):
    args = parse_args(argv)
    if args.finish:
        if not args.out or not os.path.isdir(os.path.join(args.out, "stats")):
            raise SystemExit("--finish needs the --out of a campaign")
        args.minutes = args.minutes or 0
    elif not args.minutes or args.minutes <= 0 or args.jobs < 1:
        raise SystemExit("--minutes and --jobs must be positive")
    c = Campaign(args)

    def on_sigint(signum, frame):
        if c.interrupted:
            raise KeyboardInterrupt
        c.interrupted = True
        log("\nstopping (Ctrl-C again to abandon triage and the report)")

    try:
        c.prepare()
    except RuntimeError as e:
        log(str(e))
        return 2
    except KeyboardInterrupt:
        return 130
    signal.signal(signal.SIGINT, on_sigint)
    signal.signal(signal.SIGTERM, on_sigint)
    try:
        if not args.finish:
            c.fuzz()
        return c.finish()
    except KeyboardInterrupt:
        for j in c.jobs:
            j.stop(grace=1)
        log("abandoned; partial results in " + c.out)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
