#!/usr/bin/env bash
# Runs offprint on the hostile-input set (scripts/hostile-gen.py) and checks that each input
# gives a result or a clear error within bounded time and memory, that nothing is written
# outside the output folder, and that no network connection is attempted.
#
#   scripts/hostile-check.sh [OFFPRINT_BINARY]      (default: .build/release/offprint)
#
# Limits (environment): HOSTILE_SECONDS (60) and HOSTILE_MB (2048) for every input, and
# HOSTILE_SMALL_SECONDS (20) / HOSTILE_SMALL_MB (600) for inputs under 5 MB. Exit status 0
# when every check passes. Needs python3, GNU time (/usr/bin/time), timeout, prlimit;
# strace (optional) for the network check.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/.build/release/offprint}
[ -x "$bin" ] || { echo "no offprint binary at $bin (swift build -c release --product offprint)"; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
limit_s=${HOSTILE_SECONDS:-60}; limit_mb=${HOSTILE_MB:-2048}
small_s=${HOSTILE_SMALL_SECONDS:-20}; small_mb=${HOSTILE_SMALL_MB:-600}
work=${TMPDIR:-/tmp}/offprint-hostile
set_dir=$work/set
if [ ! -f "$set_dir/.complete" ] || [ "$root/scripts/hostile-gen.py" -nt "$set_dir/.complete" ]; then
  rm -rf "$set_dir"
  python3 "$root/scripts/hostile-gen.py" "$set_dir" >/dev/null && touch "$set_dir/.complete"
fi
have_strace=0; command -v strace >/dev/null && have_strace=1

failures=0
printf '%-40s %9s %5s %8s %8s  %s\n' input size exit seconds "peak MB" verdict
# run NAME LABEL SECONDS MB -- command…  (in a fresh sandbox: the command's cwd; outputs
# must stay in sandbox/out)
run() {
  local name=$1 label=$2 max_s=$3 max_mb=$4; shift 5
  local box=$work/box; rm -rf "$box"; mkdir -p "$box/out"
  local stats=$work/time.txt trace=$work/trace.txt
  local -a wrap=()
  [ $have_strace = 1 ] && wrap=(strace -f -qq -e trace=connect -o "$trace")
  # (strace outside timeout: a killed tracer would leave the traced process running.)
  ( cd "$box" && /usr/bin/time -f "%e %M" -o "$stats" prlimit --as=$(( (max_mb + 1024) * 1048576 )) \
      "${wrap[@]}" timeout --signal=KILL "$max_s" "$@" >"$work/stdout" 2>"$work/stderr" )
  local code=$? secs=0 kb=0
  read -r secs kb < <(tail -1 "$stats" 2>/dev/null) || true
  case "$(head -1 "$stats" 2>/dev/null)" in Command*) code=$(head -1 "$stats" | grep -o '[0-9]*$');; esac
  local mb=$(( ${kb:-0} / 1024 )) verdict=ok
  if [ "$code" -ge 2 ]; then verdict="FAIL: exit $code ($(tail -c 200 "$work/stderr" | tr '\n' ' '))"; fi
  if [ "$code" -ge 124 ]; then verdict="FAIL: killed (time or memory limit)"; fi
  awk -v s="${secs:-0}" -v m="$max_s" 'BEGIN { exit !(s > m) }' && verdict="FAIL: ${secs}s > ${max_s}s"
  [ "$mb" -gt "$max_mb" ] && verdict="FAIL: ${mb} MB > ${max_mb} MB"
  # Nothing outside sandbox/out (the sandbox holds only out/).
  local stray; stray=$(cd "$box" && find . -mindepth 1 -maxdepth 1 ! -name out)
  [ -n "$stray" ] && verdict="FAIL: wrote outside the output folder: $stray"
  if [ $have_strace = 1 ] && grep -qE 'AF_INET6?' "$trace" 2>/dev/null; then verdict="FAIL: network connection attempted"; fi
  [ "${verdict:0:4}" = FAIL ] && failures=$((failures + 1))
  printf '%-40s %9s %5s %8s %8s  %s\n' "$name" "$label" "$code" "$secs" "$mb" "$verdict"
}

for f in "$set_dir"/*; do
  [ -f "$f" ] || continue
  name=$(basename "$f"); size=$(stat -c %s "$f")
  if [ "$size" -lt 5000000 ]; then s=$small_s; m=$small_mb; else s=$limit_s; m=$limit_mb; fi
  run "$name" "$(( size / 1024 ))K" "$s" "$m" -- "$bin" export "$f" -o out/ --quiet
done

# Paths: titles and URLs that try ../ — export several at once, and bundle them (offline,
# empty cache) into a book; the book's entries must stay inside it.
cache=$work/cache; rm -rf "$cache"; mkdir -p "$cache"
paths=("$set_dir"/title-path-*.md "$set_dir"/image-url-traversal.html)
run "(export of every title-path file)" "-" "$small_s" "$small_mb" -- "$bin" export "${paths[@]}" -o out/ --quiet
run "(bundle of every title-path file)" "-" "$small_s" "$small_mb" -- "$bin" bundle "${paths[@]}" -o out/book.epub --offline --cache-dir "$cache" --quiet
if command -v unzip >/dev/null && [ -f "$work/box/out/book.epub" ]; then
  bad=$(unzip -Z1 "$work/box/out/book.epub" | grep -E '(^/|(^|/)\.\.(/|$))' || true)
  if [ -n "$bad" ]; then echo "FAIL: EPUB entries outside the book: $bad"; failures=$((failures + 1)); fi
fi
# A manifest that tries ../ and absolute paths, and an alias bomb as a manifest.
mkdir -p "$work/manifests"
printf 'title: Paths\narticles:\n  - %s\n  - ../../../../../../etc/passwd\n' "$set_dir/title-path-00.md" > "$work/manifests/paths.yml"
python3 - "$work/manifests/bomb.yml" <<'PY'
import sys
s = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
prev = "a"
for n in "bcdefghi":
    s += "%s: &%s [%s]\n" % (n, n, ",".join(["*" + prev] * 9)); prev = n
s += "title: *i\narticles:\n  - one.md\n"
open(sys.argv[1], "w").write(s)
PY
run "(bundle of a manifest with ../ paths)" "-" "$small_s" "$small_mb" -- "$bin" bundle "$work/manifests/paths.yml" -o out/book.epub --offline --cache-dir "$cache" --quiet
run "(bundle of an alias-bomb manifest)" "-" "$small_s" "$small_mb" -- "$bin" bundle "$work/manifests/bomb.yml" -o out/book.epub --offline --cache-dir "$cache" --quiet

echo
if [ $failures -gt 0 ]; then echo "$failures check(s) failed"; exit 1; fi
echo "all checks passed (limits: ${small_s}s/${small_mb} MB under 5 MB, ${limit_s}s/${limit_mb} MB otherwise; network check: $([ $have_strace = 1 ] && echo strace || echo 'skipped, no strace'))"
