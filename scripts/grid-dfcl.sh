#!/usr/bin/env bash
# The issue-4 grid: base-complexity {0, 3} × outcome {gaussian, binary}, one generated world per cell,
# configs/grid-dfcl.yaml (TSM-SL on RCT, DFCL-PPL, DFCL-PIFD; 5 seeds) on each; then one table.
# Usage: scripts/grid-dfcl.sh [WORKDIR]   (≈ 10 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-runs/grid-dfcl}"
mkdir -p "$work"
runs=()
for complexity in 0 3; do
  for outcome in gaussian binary; do
    cell="complexity-${complexity}-${outcome}"
    data="$work/data/$cell"
    [ -f "$data/dataset.json" ] || node bin/bidfcl.js generate --out "$data" --seed 2026 --arms 4 --features 12 \
      --obs 2000 --rct 40000 --rct-split 0.5,0.25,0.25 --bias 0 --base-complexity "$complexity" --outcome "$outcome" --quiet
    abs="$(cd "$data" && pwd)"
    out="$work/$cell"
    rm -rf "$out"
    node bin/bidfcl.js train --config configs/grid-dfcl.yaml --out "$out" --quiet \
      --set name="grid-$cell" data.rct_train="$abs/rct_train.csv" data.rct_val="$abs/rct_val.csv" data.rct_test="$abs/rct_test.csv" >/dev/null
    runs+=("$out")
  done
done
node dist/scripts/grid-table.js "${runs[@]}"
