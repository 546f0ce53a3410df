# SPDX-License-Identifier: Apache-2.0
"""Tests of the campaign's pure parts: crash signatures, the engines'
progress readers, process allocation, the time series."""

import os
import socket
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import campaign  # noqa: E402
import engines  # noqa: E402
import report  # noqa: E402
import triage  # noqa: E402

ASAN_REPORT = """==4242==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000014 at pc 0x55d0
READ of size 4 at 0x602000000014 thread T0
    #0 0x55d01234 in visit /work/core/ept/builder.c:{line}:9
    #1 0x55d05678 in ept_unmap /work/core/ept/builder.c:300:12
    #2 0x55d09abc in run_request /work/fuzz/ept.c:210:5
    #3 0x55d0def0 in LLVMFuzzerTestOneInput /work/fuzz/ept.c:400:9
    #4 0x55d01111 in fuzzer::Fuzzer::ExecuteCallback(unsigned char const*, unsigned long) FuzzerLoop.cpp

0x602000000014 is located 0 bytes to the right of 4-byte region
"""

INVARIANT_REPORT = """exit_handlers: INVARIANT VIOLATED: two runs differ (exits, stops) ({a}, 0x3)
==1==ERROR: libFuzzer: deadly signal
    #0 0x4a1 in __sanitizer_print_stack_trace
    #1 0x4a2 in fuzzer::PrintStackTrace() FuzzerUtil.cpp:210:5
    #2 0x4a3 in __pthread_kill_implementation nptl/pthread_kill.c:44:76
    #3 0x4a4 in raise signal/../sysdeps/posix/raise.c:26:13
    #4 0x4a5 in abort stdlib/abort.c:79:7
    #5 0x4a6 in fail /work/fuzz/exit_handlers.c:96:5
    #6 0x4a7 in LLVMFuzzerTestOneInput /work/fuzz/exit_handlers.c:510:9
"""


class SignatureTest(unittest.TestCase):
    def test_same_bug_with_other_addresses_and_lines_has_one_signature(self):
        a = triage.signature(ASAN_REPORT.format(line=120))
        b = triage.signature(ASAN_REPORT.replace("0x55d0", "0x7f11").format(line=121))
        self.assertEqual(a[0], b[0])
        self.assertEqual(a[1], "asan: heap-buffer-overflow")

    def test_signature_is_the_top_frames_inside_libvmm(self):
        _, _, frames = triage.signature(ASAN_REPORT.format(line=1), frames=3)
        self.assertEqual(frames, ["visit builder.c", "ept_unmap builder.c", "run_request ept.c"])

    def test_another_top_frame_is_another_bug(self):
        a = triage.signature(ASAN_REPORT.format(line=1))
        b = triage.signature(ASAN_REPORT.replace("in visit", "in walk").format(line=1))
        self.assertNotEqual(a[0], b[0])

    def test_runtime_and_abort_frames_are_skipped_and_invariant_numbers_ignored(self):
        a = triage.signature(INVARIANT_REPORT.format(a="0x500000004"))
        b = triage.signature(INVARIANT_REPORT.format(a="0x700000001"))
        self.assertEqual(a[0], b[0])
        self.assertEqual(a[1], "invariant: two runs differ (exits, stops) (N, N)")
        self.assertEqual(a[2], ["LLVMFuzzerTestOneInput exit_handlers.c"])

    def test_another_invariant_is_another_bug(self):
        a = triage.signature(INVARIANT_REPORT.format(a="1"))
        b = triage.signature(INVARIANT_REPORT.replace("two runs differ", "vmm_vm_destroy failed")
                             .format(a="1"))
        self.assertNotEqual(a[0], b[0])


    def test_instruction_bytes_in_a_message_do_not_split_a_bug(self):
        msg = "x: INVARIANT VIOLATED: differ: bytes %s | or r/m,imm | rip: emulator 0x%x\n"
        a = triage.signature(msg % ("f2 80 0d 00 62", 0x58))
        b = triage.signature(msg % ("47 80 15 00 00 00 f4", 0x98))
        c = triage.signature((msg % ("47 80", 1)).replace("or r/m", "adc r/m"))
        self.assertEqual(a[0], b[0])
        self.assertNotEqual(a[0], c[0])


class Harness:
    name = "h"
    dict = None
    options = {}
    seeds = []


class LibFuzzerProgressTest(unittest.TestCase):
    def job(self, d):
        job = engines.LibFuzzerJob(Harness(), "/bin/true", 2, d, 10)
        os.makedirs(job.logs)
        os.makedirs(job.corpus)
        return job

    def test_execs_add_up_over_workers_and_half_lines_wait(self):
        with tempfile.TemporaryDirectory() as d:
            job = self.job(d)
            with open(os.path.join(job.logs, "fuzz-0.log"), "w") as f:
                f.write("#1024\tpulse  cov: 100 ft: 300 corp: 20/1Kb exec/s: 0 rss: 40Mb\n"
                        "#2048\tNEW    cov: 120 ft: 350 corp: 21/1Kb lim: 4 exec/s: 0 rss: 4")
            with open(os.path.join(job.logs, "fuzz-1.log"), "w") as f:
                f.write("#500\tINITED cov: 90 ft: 200 corp: 19/1Kb exec/s: 0 rss: 40Mb\n")
            st = job.stats()
            self.assertEqual((st["execs"], st["cov"]), (1524, 100))
            with open(os.path.join(job.logs, "fuzz-0.log"), "a") as f:
                f.write("0Mb\n")
            st = job.stats()
            self.assertEqual((st["execs"], st["cov"]), (2548, 120))
            self.assertEqual(st["cov_text"], "cov 120 ft 350")

    def test_a_quiet_worker_is_extrapolated_until_its_final_statistics(self):
        with tempfile.TemporaryDirectory() as d:
            job = self.job(d)
            log = os.path.join(job.logs, "fuzz-0.log")
            with open(log, "w") as f:
                f.write("#1000\tpulse  cov: 10 ft: 30 corp: 2/1b exec/s: 100 rss: 40Mb\n")
            job.stats()
            job._logs[log][6] -= 10  # the line was read 10 s ago
            self.assertAlmostEqual(job.stats()["execs"], 2000, delta=50)
            with open(log, "a") as f:
                f.write("stat::number_of_executed_units: 1500\n")
            self.assertEqual(job.stats()["execs"], 1500)


class AflProgressTest(unittest.TestCase):
    def test_statsd_gauges_of_each_instance_are_summed(self):
        with tempfile.TemporaryDirectory() as d:
            job = engines.AflJob(Harness(), "/bin/true", 2, d, d, None)
            job.statsd, job.latest = {}, {n: {} for n in job.names}
            for n in job.names:
                s = job.statsd[n] = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(("127.0.0.1", 0))
                s.setblocking(False)
            send = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for n, execs, edges in (("main", 1000, 50), ("s1", 700, 60)):
                send.sendto(("fuzzing.execs_done:%d|g\nfuzzing.edges_found:%d|g\n"
                             "fuzzing.corpus_count:9|g\n" % (execs, edges)).encode(),
                            job.statsd[n].getsockname())
            import time
            time.sleep(0.1)
            st = job.stats()
            self.assertEqual((st["execs"], st["cov"], st["corpus"]), (1700, 60, 9))
            for s in job.statsd.values():
                s.close()
            send.close()


class AllocateTest(unittest.TestCase):
    def test_every_pair_gets_one_and_the_rest_go_round_robin(self):
        self.assertEqual(campaign.allocate(["a", "b"], 5), {"a": 3, "b": 2})

    def test_more_pairs_than_jobs_still_run_one_each(self):
        self.assertEqual(campaign.allocate(["a", "b", "c"], 2), {"a": 1, "b": 1, "c": 1})


class SeriesTest(unittest.TestCase):
    def test_coverage_at_a_time_is_the_last_sample_before_it_or_none_past_the_end(self):
        with tempfile.TemporaryDirectory() as d:
            s = report.Series(os.path.join(d, "s.tsv"))
            for t, cov in ((10, 5), (600, 7), (610, 9)):
                s.add(t, {"execs": t * 10, "corpus": 1, "cov": cov, "crashes": 0, "hangs": 0}, 1)
            self.assertEqual(s.at(600)["cov"], 7)
            self.assertIsNone(s.at(1800))
            self.assertEqual(s.rows[1]["exec_per_s"], 10.0)


if __name__ == "__main__":
    unittest.main()
