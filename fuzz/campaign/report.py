# SPDX-License-Identifier: Apache-2.0
"""The campaign's record: time series per job, gnuplot plots, report.md."""

import os
import shutil
import subprocess
import time

COLUMNS = ["elapsed_s", "execs", "cpu_s", "exec_per_s", "corpus", "cov", "crashes", "hangs"]


class Series:
    """One job's samples, also written to stats/<harness>.<engine>.tsv as they come."""

    def __init__(self, path):
        self.path = path
        self.rows = []
        with open(path, "w") as f:
            f.write("\t".join(COLUMNS) + "\n")

    @classmethod
    def load(cls, path):
        """The samples an earlier run wrote (campaign --finish)."""
        s = cls.__new__(cls)
        s.path, s.rows = path, []
        with open(path) as f:
            header = f.readline().split()
            for line in f:
                row = dict(zip(header, (float(x) for x in line.split())))
                for c in COLUMNS:
                    if c not in ("elapsed_s", "cpu_s", "exec_per_s"):
                        row[c] = int(row[c])
                s.rows.append(row)
        return s

    def add(self, elapsed, st, cpu):
        prev = self.rows[-1] if self.rows else None
        rate = 0.0
        if prev and elapsed - prev["elapsed_s"] >= 1:
            rate = max(0.0, (st["execs"] - prev["execs"]) / (elapsed - prev["elapsed_s"]))
        elif prev:
            rate = prev["exec_per_s"]  # the final figures, read right after the last sample
        row = {"elapsed_s": elapsed, "execs": st["execs"], "cpu_s": cpu, "exec_per_s": rate,
               "corpus": st["corpus"], "cov": st["cov"], "crashes": st["crashes"],
               "hangs": st["hangs"]}
        self.rows.append(row)
        with open(self.path, "a") as f:
            f.write("\t".join("%.1f" % row[c] if isinstance(row[c], float) else str(row[c])
                              for c in COLUMNS) + "\n")

    def at(self, seconds):
        """The last sample at or before `seconds`, or None when the run was shorter."""
        if not self.rows or self.rows[-1]["elapsed_s"] < seconds - 15:
            return None
        best = None
        for r in self.rows:
            if r["elapsed_s"] <= seconds + 1:
                best = r
        return best


def smoothed(rows, window=60.0):
    """(minutes, exec/s over the trailing window, coverage) per sample: libFuzzer
    prints progress in bursts, so rates over one sample interval jump."""
    out, start = [], 0
    for r in rows:
        while r["elapsed_s"] - rows[start]["elapsed_s"] > window:
            start += 1
        first = rows[start] if rows[start] is not r else None
        rate = ((r["execs"] - first["execs"]) / (r["elapsed_s"] - first["elapsed_s"])
                if first and r["elapsed_s"] > first["elapsed_s"] else r["exec_per_s"])
        out.append((r["elapsed_s"] / 60, rate, r["cov"]))
    return out


def plot(harness, series, png):
    """exec/s and coverage over time, one line per engine; False without gnuplot."""
    if not shutil.which("gnuplot"):
        return False
    lines_rate, lines_cov = [], []
    for engine, s in sorted(series.items()):
        dat = os.path.splitext(s.path)[0] + ".plot"
        with open(dat, "w") as f:
            f.writelines("%.3f\t%.1f\t%d\n" % p for p in smoothed(s.rows))
        label = "AFL++ (edges)" if engine == "afl" else "libFuzzer (cov)"
        lines_rate.append("'%s' using 1:2 with lines lw 2 title '%s'" % (dat, engine))
        lines_cov.append("'%s' using 1:3 with lines lw 2 title '%s'" % (dat, label))
    script = "\n".join([
        "set terminal pngcairo size 900,700 font ',10' noenhanced",
        "set output '%s'" % png,
        "set datafile separator '\\t'",
        "set key left top",
        "set grid",
        "set multiplot layout 2,1 title '%s'" % harness,
        "set xlabel 'minutes'",
        "set ylabel 'exec/s (60 s window)'",
        "plot " + ", ".join(lines_rate),
        "set ylabel 'coverage'",
        "plot " + ", ".join(lines_cov),
        "unset multiplot",
    ])
    res = subprocess.run(["gnuplot"], input=script, text=True, stderr=subprocess.PIPE)
    if res.returncode != 0:
        print("gnuplot: " + res.stderr[-500:])
    return res.returncode == 0 and os.path.exists(png)


def fmt_cov(row, engine):
    if row is None:
        return "-"
    return "%d %s" % (row["cov"], "edges" if engine == "afl" else "cov")


def write(path, info, jobs, series, bugs, merged, plots):
    """report.md: the run's settings, a table per harness and engine, the crashes."""
    L = []
    L.append("# Fuzzing campaign %s\n" % time.strftime("%Y-%m-%d %H:%M UTC",
                                                       time.gmtime(info["started"])))
    L.append("- command: `%s`" % info["command"])
    L.append("- ran %.1f min of %.1f planned%s; %d processes on %d cores (%d online); "
             "load average at the end %s" % (
                 info["elapsed"] / 60, info["minutes"],
                 " (stopped early: Ctrl-C or SIGTERM)" if info["interrupted"] else "",
                 info["processes"], info["jobs"], os.cpu_count(), info["load"]))
    L.append("- libFuzzer builds carry ASan + UBSan; AFL++ builds (afl-clang-fast) carry none. "
             "Coverage units differ: libFuzzer `cov` counts its edges, AFL++ counts its "
             "bitmap's edges.")
    L.append("- exec/s is execs over wall time; exec per CPU-second divides by the CPU time "
             "the job's processes used (the fair figure when processes share cores).\n")
    L.append("| harness | engine | procs | execs | exec/s | exec per CPU-s | seeds -> corpus | "
             "coverage 10 min | coverage 30 min | coverage end | crashes | hangs |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for job in jobs:
        s = series[(job.harness.name, job.engine)]
        last = s.rows[-1] if s.rows else None
        if last is None:
            continue
        wall = max(last["elapsed_s"], 1e-9)
        per_cpu = last["execs"] / last["cpu_s"] if last["cpu_s"] else 0
        start_corpus = len(job.harness.seeds)
        L.append("| %s | %s | %d | %d | %.0f | %.0f | %d -> %d | %s | %s | %s | %d | %d |" % (
            job.harness.name, job.engine, job.nproc, last["execs"], last["execs"] / wall,
            per_cpu, start_corpus, last["corpus"], fmt_cov(s.at(600), job.engine),
            fmt_cov(s.at(1800), job.engine), job.cov_text, last["crashes"], last["hangs"]))
    L.append("")
    if merged:
        L.append("## Merged corpora\n")
        L.append("`libFuzzer -merge=1` of the seeds, both engines' corpora and the AFL++ "
                 "queues, into `%s`:\n" % info["corpus_out"])
        L.append("| harness | inputs in | merged |")
        L.append("|---|---|---|")
        for name, (n_in, n_out) in sorted(merged.items()):
            L.append("| %s | %d | %d |" % (name, n_in, n_out))
        L.append("")
    L.append("## Crashes\n")
    if not bugs:
        L.append("None.\n")
    for b in bugs:
        L.append("### %s `%s` (%s)\n" % (b.harness, b.sig, "new" if b.new else "already pending"))
        L.append("- kind: %s; found by %s; %d input(s)" % (b.kind, ", ".join(sorted(b.engines)),
                                                        len(b.examples)))
        L.append("- stack: %s" % (" < ".join("`%s`" % f for f in b.frames) or "-"))
        size = ("%d inputs" % len(os.listdir(b.reproducer)) if os.path.isdir(b.reproducer)
                else "%d bytes" % os.path.getsize(b.reproducer))
        L.append("- reproducer: `%s` (%s)%s" % (
            os.path.relpath(b.reproducer, os.path.dirname(path)), size,
            ", filed as `%s`" % os.path.relpath(b.pending, info["workspace"]) if b.pending else ""))
        if b.pending:
            from triage import reproduce_command
            L.append("- reproduce: `%s`" % reproduce_command(b))
        L.append("")
    L.append("## Plots\n")
    for name, png in sorted(plots.items()):
        L.append("![%s](%s)\n" % (name, os.path.relpath(png, os.path.dirname(path))))
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")
