#!/usr/bin/env bash
# Exports every article of the shared corpus with offprint and scores the Markdown with
# ../shared/tools/mdfidelity.py, one summary per set. Needs: pip install lxml cmarkgfm pyyaml.
#   scripts/score-corpus.sh [OFFPRINT_BINARY]      (default: .build/release/offprint)
# Whole-page fidelity: pages are exported with `--content all` (OFFPRINT_ARGS overrides it,
# e.g. OFFPRINT_ARGS= for the default extraction, or for binaries older than --content).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/offprint}
corpus=${CORPUS:-../shared/corpus}
tools=${TOOLS:-../shared/tools}
args=${OFFPRINT_ARGS---content all}
out=$(mktemp -d /tmp/offprint-score.XXXXXX)
score() {  # name, then source files
  local name=$1; shift
  : > "$out/$name.pairs"
  local i=0
  for src in "$@"; do
    i=$((i + 1))
    md="$out/$name/$i.md"
    mkdir -p "$out/$name"
    # shellcheck disable=SC2086
    "$bin" export "$src" -o "$md" --quiet $args || echo "FAILED: $src" >&2
    printf '%s\t%s\n' "$src" "$md" >> "$out/$name.pairs"
  done
  echo "== $name ($# files)"
  python3 "$tools/mdfidelity.py" --pairs "$out/$name.pairs" --worst 3
}
score hexo "$corpus"/hexo/*.md "$corpus"/seed/*.txt
score readability "$corpus"/readability/*/expected.html
score readability-source "$corpus"/readability/*/source.html
score gne "$corpus"/gne/*.html
score aeb "$corpus"/aeb/*.html
echo "outputs in $out"
