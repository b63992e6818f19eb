#!/usr/bin/env bash
# Run every benchmark (issues 2-4) on SQLite (targets) and PostgreSQL (reported), one JSON line each,
# collected in bench/results/<timestamp>.jsonl. Takes about 10-15 minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
py=".venv/bin/python"
out="bench/results/$(date -u +%Y%m%dT%H%M%SZ).jsonl"
mkdir -p bench/results
run() { echo "== $*" >&2; "$py" "$@" 2>/dev/null | tail -n 1 | tee -a "$out"; }
for backend in sqlite postgres; do
  run bench/bulk_import.py --backend "$backend" --movements 300000 --lines 1 --batch 10000
  run bench/bulk_import.py --backend "$backend" --movements 300000 --lines 5 --batch 2000
  run bench/till_postings.py --backend "$backend" --postings 5000
  run bench/atp_rollup.py --backend "$backend" --movements 1000000
  run bench/documents.py --backend "$backend" --pairs 10000
  run bench/signals.py --backend "$backend" --events 200000
done
run bench/api_postings.py
run bench/backtest.py
run bench/forecast.py
run bench/rules.py
echo "results: $out" >&2
