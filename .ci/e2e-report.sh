#!/usr/bin/env bash
# End-to-end check of DIR/report.html in a real browser: a small sweep is run, headless Chromium
# (Debian's `chromium`) loads the page with the network off, no console error may appear, and a
# 1280 px wide screenshot must show every chart (each figure's pixels checked not blank).
# Also reads summary.csv with the README's polars snippet when python3 has polars.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/scenario.toml" <<'TOML'
name = "report_check"
description = "Does the report show every chart? A small sweep with a numeric and a text value."
steps = 30
replicates = 3
baseline = "enclosure"
charts_mode = "replace"
regimes = ["enclosure", "commons", "patents"]
[world]
producers = 60
problems = 30
groups = 6
[sweep]
"regime.patent_term" = [5, 150, "none"]
[[charts]]
metric = "pay_ratio"
kind = "bars"
[[charts]]
metric = "welfare"
kind = "timeseries"
[[charts]]
metric = "welfare"
kind = "sweep"
TOML

cargo build --quiet
./target/debug/regimes run "$work/scenario.toml" --out "$work/out" --quiet > /dev/null
page="$work/out/report.html"
test -s "$page"
if grep -Eq '<script|https?://[^"<]*\.(js|css)|<link ' "$page"; then
    echo "report.html is not self-contained (script, link or remote resource found)" >&2
    exit 1
fi

# The README's polars snippet reads summary.csv with a column of numbers and `none`. Python's
# polars as the README installs it (`pip install polars`), in a venv of this check's own.
python=python3
if ! python3 -c 'import polars' 2>/dev/null; then
    python="$work/venv/bin/python"
    python3 -m venv "$work/venv" >/dev/null 2>&1 &&
        "$work/venv/bin/pip" install --quiet polars >/dev/null 2>&1 || python=""
fi
if [ -n "$python" ]; then
    "$python" - "$work/out/summary.csv" <<'PY'
import sys
import polars as pl
summary = pl.read_csv(sys.argv[1], infer_schema_length=None)
assert summary.filter(pl.col("regime.patent_term") == "none").height > 0
print("polars reads summary.csv:", summary.shape)
# The README's line for a mixed world's rows; a single-regime run has only the world's.
runs = pl.read_parquet(sys.argv[1].replace("summary.csv", "runs.parquet"))
assert (runs["population"] == "all").all()
assert runs.filter(pl.col("population") != "all").group_by("population").agg(pl.col("welfare").mean()).height == 0
print("polars reads runs.parquet:", runs.shape)
PY
else
    ci_skip "python3 has no polars and pip could not install it: the README's polars snippet on summary.csv is not checked"
fi

browser=""
if ci_install_debian chromium; then
    browser=$(command -v chromium || true)
fi
if [ -z "$browser" ]; then
    ci_skip "no chromium could be installed: report.html was written but not loaded in a browser"
    exit 0
fi

flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
    --disable-component-update --no-first-run --disable-sync --hide-scrollbars
    --user-data-dir="$(mktemp -d -p "$work")")
# Console messages go to stderr with --enable-logging; any error-level one from the page fails.
"$browser" "${flags[@]}" --enable-logging=stderr --v=0 --virtual-time-budget=5000 \
    --dump-dom "file://$page" > "$work/dom.html" 2> "$work/console.log" || true
if grep -E 'CONSOLE|Uncaught|console' "$work/console.log" | grep -Eiq 'error|uncaught'; then
    grep -Ei 'CONSOLE|Uncaught' "$work/console.log" >&2
    echo "report.html logged console errors" >&2
    exit 1
fi
figures=$(grep -o '<figure' "$work/dom.html" | wc -l)
[ "$figures" -eq 4 ] || { echo "the browser saw $figures charts, not 4" >&2; exit 1; }

# One tall screenshot; each chart sits in a <figure> whose pixel rows the helper finds and checks.
height=$(( figures * 900 + 3000 ))
"$browser" "${flags[@]}" --window-size=1280,"$height" --screenshot="$work/shot.png" \
    "file://$page" 2> /dev/null
REGIMES_SHOT="$work/shot.png" REGIMES_FIGURES="$figures" \
    cargo test --quiet --test it report::screenshot_shows_every_chart -- --ignored --exact
echo "report.html: $figures charts visible in a 1280 px screenshot, no console errors"
