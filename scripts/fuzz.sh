#!/usr/bin/env bash
# Runs the libFuzzer targets (Fuzz/, a package of its own that the main package's build and
# tests never touch):
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS] [-- libFuzzer options]
#
# TARGET: fuzz-export, fuzz-frontmatter, fuzz-manifest, fuzz-xhtml, fuzz-parse-equivalence,
# or all (default; SECONDS each, default 600). Builds with libFuzzer and AddressSanitizer into
# Fuzz/.build-fuzz, seeds each target's working corpus (Fuzz/corpus/TARGET) from the shared
# corpus, the examples and the regression inputs, and runs it. Crashes, timeouts and
# out-of-memory inputs land in Fuzz/findings/TARGET/; each one fixed is added to
# Tests/OffprintRobustnessTests/Regressions/TARGET/ (the tests run every file there).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/Fuzz"
export SWIFT_BACKTRACE=enable=no   # a crash is libFuzzer's to report (and save)
all=(fuzz-export fuzz-frontmatter fuzz-manifest fuzz-xhtml fuzz-parse-equivalence)
target=${1:-all}; seconds=${2:-600}
shift $(( $# > 2 ? 2 : $# ))
[ "${1:-}" = "--" ] && shift
if [ "$target" = all ]; then targets=("${all[@]}"); else targets=("$target"); fi
corpus_src=${CORPUS:-$root/../shared/corpus}

# Release code (several times the executions per second of a debug build), testable for the
# targets that check internals. `-Xswiftc -sanitize=fuzzer,address`: SwiftPM passes the two
# sanitizers to swiftc as two flags, of which swiftc keeps only the last, so without it the
# Swift code may get no coverage instrumentation at all.
swift build -c release --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing \
  --scratch-path .build-fuzz 2>&1 | grep -v "Cannot export local symbol" | tail -2
bin=.build-fuzz/release
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}   # global caches left at exit are not leaks

seed() {  # target → its working corpus, filled once
  local t=$1 dir=corpus/$1
  mkdir -p "$dir" "findings/$t"
  if [ -z "$(ls -A "$dir")" ]; then
    case $t in
      fuzz-frontmatter)
        # The front matter blocks of the corpus posts.
        for f in "$corpus_src"/hexo/*.md "$corpus_src"/seed/*.txt "$root"/examples/*/*.md; do
          [ -f "$f" ] && awk 'NR>1 && /^---/{exit} NR>1{print}' "$f" > "$dir/$(basename "$f" | md5sum | cut -c1-12)"
        done ;;
      fuzz-manifest)
        for f in "$root"/examples/*.yml "$root"/examples/*/*.yml; do [ -f "$f" ] && cp "$f" "$dir/"; done
        printf 'title: T\narticles:\n  - posts/a.md\n  - file: b.html\n    title: B\nsort: date\n' > "$dir/basic.yml" ;;
      *)
        # Pages and posts up to 64 KB (longer ones only slow the fuzzer down).
        find "$corpus_src" "$root/examples" -type f \( -name '*.html' -o -name '*.md' -o -name '*.txt' \) -size -64k \
          -exec cp {} "$dir/" \; 2>/dev/null || true ;;
    esac
  fi
  local reg="$root/Tests/OffprintRobustnessTests/Regressions/$t"
  [ -d "$reg" ] && find "$reg" -type f ! -name README.md -exec cp {} "$dir/" \;
  return 0
}

status=0
for t in "${targets[@]}"; do
  seed "$t"
  echo "== $t: ${seconds}s"
  dict=(); case $t in fuzz-export|fuzz-xhtml|fuzz-parse-equivalence|fuzz-frontmatter) dict=(-dict=html.dict) ;; esac
  "$bin/$t" "corpus/$t" "${dict[@]}" -max_total_time="$seconds" -max_len=65536 -timeout=20 \
      -rss_limit_mb=2560 -artifact_prefix="findings/$t/" -print_final_stats=1 "$@" 2>&1 \
    | grep -E "^#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY|Test unit written|panic|Fatal error|==[0-9]+==" \
    | tail -25 || status=1
  ls "findings/$t" 2>/dev/null | sed "s|^|finding: Fuzz/findings/$t/|"
done
exit $status
