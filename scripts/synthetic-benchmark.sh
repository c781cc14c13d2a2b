#!/usr/bin/env bash
# The issue-5 Table-2-like grid: configs/synthetic-benchmark.yaml on each cell of
# bias-kind {observed, hidden, rank} × base-complexity {low 0.2, high 2}; then one table.
# Usage: scripts/synthetic-benchmark.sh [WORKDIR] [CELL...]   e.g. CELL = hidden-low
# Cells run JOBS at a time (default 2; the wasm backend uses one core per process).
# Expect ≈ 35 minutes per cell per core.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-runs/synthetic-benchmark}"
shift || true
cells=("$@")
[ ${#cells[@]} -gt 0 ] || cells=(observed-low observed-high hidden-low hidden-high rank-low rank-high)
jobs="${JOBS:-2}"
mkdir -p "$work"

run_cell() {
  local cell="$1" kind="${1%-*}" level="${1##*-}" complexity
  case "$level" in low) complexity=0.2 ;; high) complexity=2 ;; *) echo "unknown cell $cell" >&2; return 2 ;; esac
  local data="$work/data/$cell"
  [ -f "$data/dataset.json" ] || node bin/bidfcl.js generate --out "$data" --seed 1 --arms 4 --features 12 \
    --obs 200000 --rct 40000 --bias 1 --bias-kind "$kind" --base-complexity "$complexity" --quiet
  local abs out="$work/$cell"
  abs="$(cd "$data" && pwd)"
  rm -rf "$out"
  node bin/bidfcl.js train --config configs/synthetic-benchmark.yaml --out "$out" --quiet \
    --set name="synthetic-benchmark-$cell" data.obs="$abs/obs.csv" data.rct_train="$abs/rct_train.csv" \
    data.rct_val="$abs/rct_val.csv" data.rct_test="$abs/rct_test.csv" >"$work/$cell.stdout" 2>"$work/$cell.stderr"
}

pids=()
for cell in "${cells[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  run_cell "$cell" &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
[ "$status" -eq 0 ] || { echo "a cell failed; see $work/*.stderr" >&2; exit 1; }
runs=()
for cell in "${cells[@]}"; do runs+=("$work/$cell"); done
node dist/scripts/grid-table.js "${runs[@]}"
