#!/usr/bin/env bash
# Renders <RUN_DIR>/report.html in headless Chromium and saves a PNG, to check that the report opens
# offline with its table and plots. Network features are switched off: the page must need none.
#   usage: scripts/screenshot-report.sh RUN_DIR OUT.png [WIDTH,HEIGHT]   (default 1280,2000)
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 RUN_DIR OUT.png [WIDTH,HEIGHT]" >&2
  exit 2
fi
run_dir=$1
out=$2
size=${3:-1280,2000}
report="$run_dir/report.html"
if [[ ! -f "$report" ]]; then
  echo "error: $report not found (run 'bidfcl train' or 'bidfcl evaluate --run $run_dir' first)" >&2
  exit 2
fi

browser=""
for name in chromium chromium-browser google-chrome; do
  if command -v "$name" >/dev/null 2>&1; then
    browser=$(command -v "$name")
    break
  fi
done
if [[ -z "$browser" ]]; then
  echo "error: Chromium is not installed; on Debian/Ubuntu: apt-get update && apt-get install -y chromium" >&2
  exit 2
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# Chromium resolves --screenshot relative to its own working directory: pass absolute paths.
out_abs=$(realpath -m "$out")
mkdir -p "$(dirname "$out_abs")"
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$profile" --hide-scrollbars \
  --screenshot="$out_abs" --window-size="$size" "file://$(realpath "$report")" 2>/dev/null
if [[ ! -s "$out_abs" ]]; then
  echo "error: Chromium wrote no screenshot to $out_abs" >&2
  exit 1
fi
echo "$out_abs"
