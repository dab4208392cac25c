#!/usr/bin/env bash
# End-to-end check of `regimes serve` in a real browser: headless Chromium loads the
# page, starts a run, and after the run the charts must hold the streamed rows.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh

if ! ci_install_debian chromium; then
    ci_skip "e2e-serve: no Chromium could be installed (need root and Debian's apt); the page was not tested in a browser"
    exit 0
fi
browser=$(command -v chromium || true)
if [ -z "$browser" ]; then
    ci_skip "e2e-serve: chromium is installed but not on PATH"
    exit 0
fi

cargo build --quiet
work=$(mktemp -d)
target/debug/regimes serve --port 0 > "$work/server.out" 2> "$work/server.err" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
    grep -q "serving on" "$work/server.out" 2>/dev/null && break
    sleep 0.1
done
address=$(grep -o 'http://[0-9.:]*' "$work/server.out" | head -1)
[ -n "$address" ] || { echo "e2e-serve: the server printed no address" >&2; cat "$work/server.err" >&2; exit 1; }

# Virtual time lets the page's timers run ahead; the event stream still comes from the real server.
url="$address/?autorun=1&steps=60&replicates=2&pace=0"
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --disable-sync --user-data-dir="$work/profile" \
    --window-size=1400,1100 --virtual-time-budget=30000 --dump-dom "$url" > "$work/dom.html" 2> "$work/chromium.err" || {
    echo "e2e-serve: chromium failed" >&2; tail -20 "$work/chromium.err" >&2; exit 1; }

fail() { echo "e2e-serve: $*" >&2; grep -o '<span id="status"[^<]*' "$work/dom.html" >&2 || true; exit 1; }
charts=$(grep -o 'class="card" data-metric="[a-z_]*" data-points="[0-9]*"' "$work/dom.html" || true)
[ -n "$charts" ] || fail "the page drew no chart"
echo "$charts" | sed 's/^/    /'
# The default scenario's 3 regimes x 2 replicates x 60 steps = 360 rows per chart.
empty=$(echo "$charts" | grep -c 'data-points="0"' || true)
[ "$empty" -eq 0 ] || fail "$empty charts hold no data"
full=$(echo "$charts" | grep -c 'data-points="360"' || true)
[ "$full" -eq "$(echo "$charts" | wc -l)" ] || fail "not every chart holds the 360 streamed rows"
canvases=$(grep -o '<canvas' "$work/dom.html" | wc -l)
[ "$canvases" -ge "$(echo "$charts" | wc -l)" ] || fail "only $canvases chart canvases were drawn"
grep -q 'data-phase="done"' "$work/dom.html" || fail "the run did not finish in the page"
grep -q 'files/timeseries.parquet' "$work/dom.html" || fail "no download links after the run"
echo "e2e-serve: the page ran 3 regimes x 2 replicates x 60 steps in Chromium; every chart holds its rows"
