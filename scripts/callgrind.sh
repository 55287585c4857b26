#!/usr/bin/env bash
# Instruction counts (reproducible, unlike wall times on a shared machine) for one stage of
# the export on one file, with the top functions:
#   scripts/callgrind.sh [parse|load|cleanup|export] FILE [REPEAT]
# Needs valgrind and a release build of offprint-bench (swift build -c release --product
# offprint-bench). valgrind 3.19 cannot read the DWARF 5 that Swift emits, so the binary
# is profiled from a copy without debug sections (symbols stay).
set -euo pipefail
cd "$(dirname "$0")/.."
stage=${1:-export}; file=${2:?usage: scripts/callgrind.sh STAGE FILE [REPEAT]}; repeat=${3:-1}
bin=$(mktemp /tmp/offprint-bench-nodebug.XXXXXX)
out=${CALLGRIND_OUT:-/tmp/callgrind.$stage.out}
trap 'rm -f "$bin"' EXIT
objcopy --strip-debug .build/release/offprint-bench "$bin"
valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" --profile "$file" --stage "$stage" --repeat "$repeat" 2>&1 \
  | grep -E "refs" | sed "s/.*refs: */$stage instructions: /"
echo "profile: $out (callgrind_annotate --inclusive=yes $out | less)"
