#!/usr/bin/env bash
# Run every benchmark in bench/; each prints one JSON line. Results also go to var/bench.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
out=var/bench.jsonl
: > "$out"
for bench in bench/bench_*.py; do
  echo "== $bench" >&2
  .venv/bin/python "$bench" "$@" | tail -n 1 | tee -a "$out"
done
echo "results: $out" >&2
