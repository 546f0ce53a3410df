# SPDX-License-Identifier: Apache-2.0
"""The two engines as running jobs: start, read progress, stop.

One job is one harness under one engine, with one or more processes:
AFL++ as a main instance (-M) plus secondaries (-S) sharing a sync
directory; libFuzzer as `-jobs/-workers` (each worker rereads the corpus
directory, so inputs copied in from AFL++ are picked up, and a worker that
crashes is replaced by the next job). Both report the same figures
(execs, corpus, coverage, crashes, last find) so the status line, the
time series and the report treat them alike.
"""

import glob
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time

AFL_ENV = {
    "AFL_NO_UI": "1",
    "AFL_NO_AFFINITY": "1",          # the machine is shared: no pinning
    "AFL_SKIP_CPUFREQ": "1",
    "AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES": "1",
    "AFL_SKIP_CRASHES": "1",
    "AFL_QUIET": "1",
}

# libFuzzer's progress line: "#4096	pulse  cov: 1201 ft: 3392 corp: 298/22Kb ... exec/s: 2048"
LF_LINE = re.compile(r"^#(\d+)\s+(\w+)\s+cov: (\d+) ft: (\d+) corp: (\d+)/\S+(?:.*exec/s: (\d+))?")
LF_FINAL = re.compile(r"^stat::number_of_executed_units: (\d+)")
CRASH_PREFIXES = ("crash-", "leak-", "deadly-")
HANG_PREFIXES = ("timeout-", "oom-", "slow-unit-")


def content_name(path):
    with open(path, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


def copy_by_content(src, dest_dir):
    """Copies src into dest_dir named by its SHA-1 (libFuzzer's naming); False if present."""
    dest = os.path.join(dest_dir, content_name(src))
    if os.path.exists(dest):
        return False
    shutil.copyfile(src, dest + ".tmp")
    os.replace(dest + ".tmp", dest)
    return True


def process_tree_cpu(roots):
    """CPU seconds used by the processes under `roots` (live ones plus what they reaped)."""
    tick = os.sysconf("SC_CLK_TCK")
    procs = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                text = f.read()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2:].split()
        pid = int(stat.split("/")[2])
        # fields[1] ppid; [11..14] utime stime cutime cstime
        procs[pid] = (int(fields[1]), sum(int(x) for x in fields[11:15]))
    children = {}
    for pid, (ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [r for r in roots if r in procs]
    while todo:
        pid = todo.pop()
        total += procs[pid][1]
        todo.extend(children.get(pid, []))
    return total / tick


class Job:
    """One harness under one engine."""

    engine = None

    def __init__(self, harness, binary, nproc, workdir):
        self.harness = harness
        self.binary = binary
        self.nproc = nproc
        self.dir = workdir
        self.procs = []
        self.cpu = 0.0
        self.last_find = time.time()
        self._best = None

    def env(self):
        return dict(os.environ)

    def spawn(self, cmd, cwd, logname, extra_env=None):
        env = self.env()
        env.update(extra_env or {})
        log = open(os.path.join(self.dir, logname), "ab")
        # Own session: Ctrl-C reaches only the campaign, which stops jobs itself.
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        self.procs.append(p)
        return p

    def alive(self):
        return any(p.poll() is None for p in self.procs)

    def stop(self, grace=5.0):
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGINT)
                except ProcessLookupError:
                    pass
        deadline = time.time() + grace
        for p in self.procs:
            try:
                p.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                pass
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)  # -jobs parents start new jobs
            except ProcessLookupError:
                pass
            p.wait()

    def sample_cpu(self):
        self.cpu = max(self.cpu, process_tree_cpu([p.pid for p in self.procs]))
        return self.cpu

    def note_progress(self, key):
        """Remembers when the coverage key last grew (libFuzzer has no last-find time)."""
        if self._best is None or key > self._best:
            if self._best is not None:
                self.last_find = time.time()
            self._best = key

    @staticmethod
    def count(directory, prefixes):
        try:
            return sum(1 for f in os.listdir(directory) if f.startswith(prefixes))
        except FileNotFoundError:
            return 0


class AflJob(Job):
    engine = "afl"

    def __init__(self, harness, binary, nproc, workdir, seeds_dir, foreign_dir, cmplog=None):
        super().__init__(harness, binary, nproc, workdir)
        self.cmplog = cmplog  # CmpLog build of the harness for the main instance, or None
        self.sync_dir = os.path.join(workdir, "sync")
        self.seeds_dir = seeds_dir
        self.foreign_dir = foreign_dir
        self.names = ["main"] + ["s%d" % i for i in range(1, nproc)]
        self.statsd = {}
        self.latest = {name: {} for name in self.names}

    def start(self):
        os.makedirs(self.sync_dir, exist_ok=True)
        opts = self.harness.options.get("afl", {})
        # fuzzer_stats is rewritten once a minute; StatsD gauges come every second,
        # one UDP socket per instance tells the instances apart.
        self.statsd = {}
        self.latest = {name: {} for name in self.names}
        for i, name in enumerate(self.names):
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind(("127.0.0.1", 0))
            sock.setblocking(False)
            self.statsd[name] = sock
            statsd_env = {"AFL_STATSD": "1", "AFL_STATSD_HOST": "127.0.0.1",
                          "AFL_STATSD_PORT": str(sock.getsockname()[1])}
            cmd = ["afl-fuzz", "-i", self.seeds_dir, "-o", self.sync_dir]
            cmd += ["-M", name] if i == 0 else ["-S", name]
            if i == 0 and self.foreign_dir:
                cmd += ["-F", self.foreign_dir]
            if i == 0 and self.cmplog:
                cmd += ["-c", self.cmplog]
            if self.harness.dict:
                cmd += ["-x", self.harness.dict_path]
            if "t" in opts:
                cmd += ["-t", opts["t"]]
            cmd += ["--", self.binary]
            self.spawn(cmd, self.dir, "afl-%s.log" % name, dict(AFL_ENV, **statsd_env))

    def instance_stats(self):
        """Per instance, the newer of its last StatsD packet and its fuzzer_stats."""
        for name in self.names:
            while name in self.statsd:
                try:
                    packet = self.statsd[name].recv(65536).decode("ascii", "replace")
                except (BlockingIOError, OSError):
                    break
                gauges = {}
                for line in packet.splitlines():
                    k, _, v = line.partition(":")
                    gauges[k.replace("fuzzing.", "")] = v.split("|")[0]
                self.latest[name].update(gauges)
            stats = {}
            try:
                with open(os.path.join(self.sync_dir, name, "fuzzer_stats")) as f:
                    for line in f:
                        k, _, v = line.partition(":")
                        stats[k.strip()] = v.strip()
            except FileNotFoundError:
                pass
            live = self.latest[name]
            if float(live.get("execs_done", 0)) > float(stats.get("execs_done", 0)):
                stats = dict(stats, **live)
            yield name, stats

    def queues(self):
        return [os.path.join(self.sync_dir, n, "queue") for n in self.names]

    def crash_files(self):
        out = []
        for n in self.names:
            out += sorted(glob.glob(os.path.join(self.sync_dir, n, "crashes", "id:*")))
        return out

    def hang_files(self):
        out = []
        for n in self.names:
            out += sorted(glob.glob(os.path.join(self.sync_dir, n, "hangs", "id:*")))
        return out

    def stats(self):
        execs = corpus = edges = found = 0
        for _, s in self.instance_stats():
            execs += int(float(s.get("execs_done", 0)))
            corpus = max(corpus, int(s.get("corpus_count", 0)))
            found += int(s.get("corpus_found", 0))
            edges = max(edges, int(s.get("edges_found", 0)))
            self.total_edges = max(getattr(self, "total_edges", 0), int(s.get("total_edges", 0)))
        self.note_progress((edges, found))
        pct = " (%.2f%%)" % (100.0 * edges / self.total_edges) if self.total_edges else ""
        return {
            "execs": execs, "corpus": corpus, "cov": edges,
            "cov_text": "%d/%s edges%s" % (edges, self.total_edges or "?", pct),
            "crashes": len(self.crash_files()), "hangs": len(self.hang_files()),
            "last_find": self.last_find,
        }


class LibFuzzerJob(Job):
    engine = "libfuzzer"

    def __init__(self, harness, binary, nproc, workdir, timeout):
        super().__init__(harness, binary, nproc, workdir)
        self.corpus = os.path.join(workdir, "corpus")
        self.artifacts = os.path.join(workdir, "artifacts")
        self.logs = os.path.join(workdir, "logs")
        self.timeout = timeout
        self._logs = {}  # path -> [offset, execs, cov, ft, corp, exec/s, seen at, final]

    def start(self):
        for d in (self.corpus, self.artifacts, self.logs):
            os.makedirs(d, exist_ok=True)
        cmd = [self.binary, "-jobs=1000000", "-workers=%d" % self.nproc,
               "-artifact_prefix=%s/" % self.artifacts, "-timeout=%d" % self.timeout,
               "-print_final_stats=1"]
        if self.harness.dict:
            cmd.append("-dict=%s" % self.harness.dict_path)
        cmd += self.harness.libfuzzer_flags()
        cmd.append(self.corpus)
        self.spawn(cmd, self.logs, "libfuzzer.log")

    def _read_logs(self):
        for path in glob.glob(os.path.join(self.logs, "fuzz-*.log")):
            st = self._logs.setdefault(path, [0, 0, 0, 0, 0, 0, time.time(), False])
            try:
                with open(path, "rb") as f:
                    f.seek(st[0])
                    chunk = f.read()
            except FileNotFoundError:
                continue
            # Only whole lines; the rest is read next time.
            end = chunk.rfind(b"\n") + 1
            st[0] += end
            for line in chunk[:end].decode("utf-8", "replace").splitlines():
                m = LF_LINE.match(line)
                if m:
                    st[1:7] = [int(m.group(1)), int(m.group(3)), int(m.group(4)),
                               int(m.group(5)), int(m.group(6) or 0), time.time()]
                m = LF_FINAL.match(line)
                if m:
                    st[1], st[7] = int(m.group(1)), True

    def execs(self):
        """Execs of all workers. libFuzzer prints progress only on finds and at
        powers of two, so a running worker's count is extrapolated from its
        last line at that line's rate; the final statistics replace it."""
        now = time.time()
        return sum(st[1] + (0 if st[7] else int(st[5] * (now - st[6])))
                   for st in self._logs.values())

    def crash_files(self):
        return sorted(os.path.join(self.artifacts, f) for f in os.listdir(self.artifacts)
                      if f.startswith(CRASH_PREFIXES)) if os.path.isdir(self.artifacts) else []

    def hang_files(self):
        return sorted(os.path.join(self.artifacts, f) for f in os.listdir(self.artifacts)
                      if f.startswith(HANG_PREFIXES)) if os.path.isdir(self.artifacts) else []

    def stats(self):
        self._read_logs()
        execs = self.execs()
        cov = max((s[2] for s in self._logs.values()), default=0)
        ft = max((s[3] for s in self._logs.values()), default=0)
        self.note_progress((cov, ft))
        try:
            corpus = len(os.listdir(self.corpus))
        except FileNotFoundError:
            corpus = 0
        return {
            "execs": execs, "corpus": corpus, "cov": cov,
            "cov_text": "cov %d ft %d" % (cov, ft),
            "crashes": len(self.crash_files()), "hangs": len(self.hang_files()),
            "last_find": self.last_find,
        }


class Syncer:
    """Copies new AFL++ queue entries into the libFuzzer corpus (AFL++ reads
    the libFuzzer corpus itself through -F)."""

    def __init__(self, afl_job, lf_job):
        self.afl = afl_job
        self.lf = lf_job
        self.seen = set()
        self.copied = 0

    def sync(self):
        for q in self.afl.queues():
            try:
                entries = os.listdir(q)
            except FileNotFoundError:
                continue
            for e in entries:
                path = os.path.join(q, e)
                if not e.startswith("id:") or path in self.seen or not os.path.isfile(path):
                    continue
                self.seen.add(path)
                # Entries AFL++ imported from libFuzzer go back as the same content.
                if copy_by_content(path, self.lf.corpus):
                    self.copied += 1
