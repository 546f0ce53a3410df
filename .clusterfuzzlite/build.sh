#!/bin/bash -eu
# SPDX-License-Identifier: Apache-2.0
# OSS-Fuzz / ClusterFuzzLite build of libvmm's fuzz harnesses, without Bazel:
# compiles what manifest.tsv lists (generated from fuzz/BUILD by
# gen_manifest.py) with the builder's $CC/$CFLAGS, links each harness with
# $LIB_FUZZING_ENGINE into $OUT/<harness>, and adds <harness>_seed_corpus.zip,
# <harness>.dict and <harness>.options beside it.
#
# Outside a builder (checked this way on the development machine):
#   CC=clang CXX=clang++ CFLAGS=-fsanitize=address,fuzzer-no-link \
#   CXXFLAGS=-fsanitize=address,fuzzer-no-link LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
#   OUT=/tmp/out SRC=/tmp .clusterfuzzlite/build.sh
: "${CC:?}" "${CFLAGS:?}" "${LIB_FUZZING_ENGINE:?}" "${OUT:?}"
CXX="${CXX:-clang++}"
CXXFLAGS="${CXXFLAGS:-$CFLAGS}"
# The checkout: the builder runs $SRC/build.sh (a copy) from the Dockerfile's
# WORKDIR; run from a checkout, the script's own directory says where it is.
if [ -f .clusterfuzzlite/manifest.tsv ]; then ROOT="$PWD"; else ROOT="$(cd "$(dirname "$0")/.." && pwd)"; fi
MANIFEST="$ROOT/.clusterfuzzlite/manifest.tsv"
WORK="${WORK:-$(mktemp -d)}"
OBJ="$WORK/libvmm-obj"
mkdir -p "$OBJ" "$OUT"
cd "$ROOT"

# A static Unicorn where the image built one (the runner has no libunicorn.so).
libs_for() {
    local out=() l
    for l in $1; do
        if [ "$l" = -lunicorn ] && [ -f /usr/local/lib/libunicorn.a ]; then
            out+=(/usr/local/lib/libunicorn.a -lpthread -lm)
        elif [ "$l" = -lcapstone ] && [ -f /usr/lib/x86_64-linux-gnu/libcapstone.a ]; then
            out+=(/usr/lib/x86_64-linux-gnu/libcapstone.a)
        else
            out+=("$l")
        fi
    done
    echo "${out[@]}"
}

declare -A OBJS LINK SEEDS DICT
NAMES=()
while IFS=$'\t' read -r name what rest; do
    case "$name" in '#'* | '') continue ;; esac
    [ -n "${OBJS[$name]+x}" ] || { NAMES+=("$name"); OBJS[$name]=""; SEEDS[$name]=""; }
    case "$what" in
    @link) LINK[$name]="$rest" ;;
    @seed) SEEDS[$name]+="$rest"$'\n' ;;
    @dict) DICT[$name]="$rest" ;;
    *)
        # One object per source and flags, shared by the harnesses that use it.
        key=$(printf '%s %s' "$what" "$rest" | md5sum | cut -c1-16)
        obj="$OBJ/$(basename "$what" .c)-$key.o"
        if [ ! -f "$obj" ]; then
            # shellcheck disable=SC2086 # flags are words
            $CC $CFLAGS $rest -c "$what" -o "$obj"
        fi
        OBJS[$name]+=" $obj"
        ;;
    esac
done <"$MANIFEST"

for name in "${NAMES[@]}"; do
    # shellcheck disable=SC2086,SC2046 # flags and libraries are words
    $CXX $CXXFLAGS ${OBJS[$name]} $LIB_FUZZING_ENGINE $(libs_for "${LINK[$name]:-}") \
        -o "$OUT/$name"
    rm -f "$OUT/${name}_seed_corpus.zip"
    printf '%s' "${SEEDS[$name]}" | sed '/^$/d' | zip -q -j "$OUT/${name}_seed_corpus.zip" -@
    [ -z "${DICT[$name]:-}" ] || cp "${DICT[$name]}" "$OUT/$name.dict"
    opts="fuzz/campaign/options/$name.options"
    [ ! -f "$opts" ] || cp "$opts" "$OUT/$name.options"
    echo "built $OUT/$name"
done
