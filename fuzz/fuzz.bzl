"""libvmm_fuzz_target: one LLVMFuzzerTestOneInput harness, three builds.

Shaped like rules_fuzzing's cc_fuzz_test, written for this workspace (Debian's
Bazel 4.2.3, offline). For a harness `name` it declares:

  <name>                   cc_binary. The engine follows --define=fuzz_engine
                           (set by .bazelrc's configs):
                             --config=libfuzzer  libFuzzer (-fsanitize=fuzzer),
                                                 ASan + UBSan;
                             --config=afl        AFL++ (afl-clang-fast) with
                                                 AFL++'s libAFLDriver.a; never
                                                 -fsanitize=fuzzer there: afl-cc
                                                 does not look into Bazel's
                                                 @params link file;
                             default             a replay main that runs the
                                                 files and directories named
                                                 on its command line.
  <name>_harness           the harness itself (cc_library, alwayslink).
  <name>_seeds             filegroup: the seed corpus.
  <name>_regression_test   cc_test (small): replays the seeds and every
                           reproducer in crashes/<name>/ under the test
                           config (ASan + UBSan); any crash or UB fails it.
  <name>_seeds_test        sh_test, with `seed_generator`: the generator's
                           output equals the checked-in corpus/<name>/ (and
                           dict/<name>.dict when the generator writes it).

The dictionary, if any, is data of <name>, so `bazel run` finds it at
fuzz/dict/<name>.dict relative to its working directory.

Everything is testonly: harnesses reuse the core's test doubles and baselines.
`bazel build` and `bazel run` build testonly binaries all the same.
"""

def libvmm_fuzz_target(
        name,
        srcs,
        deps = [],
        corpus = [],
        dict = None,
        seed_generator = None,
        generated_dict = False):
    """Declares the fuzz target `name` and its regression tests.

    Args:
      name: the harness's name; corpus/<name>/ and crashes/<name>/ belong to it.
      srcs: C sources; exactly one defines LLVMFuzzerTestOneInput.
      deps: libraries the harness uses.
      corpus: seed files (labels); the regression test fails without any.
      dict: an AFL/libFuzzer dictionary file, or None.
      seed_generator: a cc_binary label that writes corpus/<name>/ (and the
        dictionary when generated_dict), or None.
      generated_dict: the seed generator also writes `dict`.
    """
    harness = name + "_harness"
    seeds = name + "_seeds"

    native.cc_library(
        name = harness,
        testonly = 1,
        srcs = srcs,
        deps = deps,
        alwayslink = 1,
    )

    native.filegroup(
        name = seeds,
        testonly = 1,
        srcs = corpus,
    )

    native.cc_binary(
        name = name,
        testonly = 1,
        deps = [":" + harness] + select({
            "//fuzz:engine_libfuzzer": [],
            "//fuzz:engine_afl": ["@system//:afl_driver"],
            "//conditions:default": ["//fuzz:replay_main"],
        }),
        linkopts = select({
            "//fuzz:engine_libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        data = [dict] if dict else [],
    )

    crashes = native.glob(["crashes/%s/*" % name])
    native.cc_test(
        name = name + "_regression_test",
        size = "small",
        deps = [
            ":" + harness,
            "//fuzz:replay_main",
        ],
        data = [":" + seeds] + crashes,
        # No $(locations) of an empty corpus (an analysis error): the test
        # then fails at run time, with "replay: no inputs".
        args = ["-v", "-require_inputs"] +
               (["$(locations :%s)" % seeds] if corpus else []) +
               ["$(location %s)" % c for c in crashes],
    )

    if seed_generator:
        data = [seed_generator] + native.glob(["corpus/%s/*" % name])
        args = ["$(location %s)" % seed_generator, "fuzz/corpus/" + name]
        if generated_dict:
            data.append(dict)
            args.append("$(location %s)" % dict)
        native.sh_test(
            name = name + "_seeds_test",
            size = "small",
            srcs = ["//fuzz:check_seeds.sh"],
            data = data,
            args = args,
        )
