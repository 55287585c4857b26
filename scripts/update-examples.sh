#!/usr/bin/env bash
# Regenerates examples/**/NAME.offprint.md from the input beside it (NAME.md/.html/.txt).
# Review the diff before committing: these files are the export's golden outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/offprint}
find examples -name '*.offprint.md' | while read -r golden; do
  stem=${golden%.offprint.md}
  for ext in md html txt; do
    if [ -f "$stem.$ext" ]; then "$bin" export "$stem.$ext" -o "$golden" -q; echo "$golden"; break; fi
  done
done
