#!/usr/bin/env bash
# Regenerates the figures of docs/GUIDE.md from the current engine (issue 20).
#
# For every guide scenario: runs the committed scenario file (replicates = 20) at its own seed
# (seed A) and at a second seed (seed B = A + 1000) into output/guide/NAME/seed-A and seed-B,
# records the wall time of each run in docs/guide/walltime.csv, copies the charts the guide
# shows into docs/img/guide/ (128 colours), and writes the claims table docs/guide/claims.csv
# and docs/GUIDE.md from its template docs/guide/GUIDE.in.md (examples/guide_claims/).
# `cargo test --test docs` checks every figure the guide quotes against that table.
#
#   docs/guide/regenerate.sh                 # everything (10,000 runs: 49 min on 2 busy cores)
#   ONLY="rent ai_labs" docs/guide/regenerate.sh   # the other scenarios keep their rows of claims.csv
#   SKIP_RUN=1 docs/guide/regenerate.sh      # charts and claims from existing output/guide
#
# Needs ImageMagick's `convert` (or IMAGEMAGICK=/path/to/convert): the charts are shrunk to 900
# pixels wide and 128 colours, which keeps them readable at a fifth of their size.
set -euo pipefail
cd "$(dirname "$0")/../.."

SCENARIOS=(rent ai_labs long_tail shocks tragedy inequality collaboration calculation monoculture duplication
    open_vs_closed unplugging federation patent_terms circle)
[ -n "${ONLY:-}" ] && read -r -a SCENARIOS <<<"$ONLY"
NICE="nice -n ${NICE_LEVEL:-10}"
BIN=target/release/regimes
OUT=output/guide
WALL=docs/guide/walltime.csv

cargo build --release --quiet
[ -f "$WALL" ] || echo "scenario,seed_label,seed,runs,wall_s" >"$WALL"

seed_of() { sed -n 's/^seed = \([0-9]*\)$/\1/p' "scenarios/$1.toml"; }

if [ -z "${SKIP_RUN:-}" ]; then
    for s in "${SCENARIOS[@]}"; do
        [ -f "scenarios/$s.toml" ] || { echo "$s: no scenarios/$s.toml, skipped"; continue; }
        a=$(seed_of "$s")
        b=$((a + 1000))
        for label in A B; do
            seed=$a
            [ "$label" = B ] && seed=$b
            dir="$OUT/$s/seed-$label"
            start=$(date +%s.%N)
            $NICE "$BIN" run "scenarios/$s.toml" --set seed="$seed" --out "$dir" --force --quiet --format png >/dev/null
            end=$(date +%s.%N)
            runs=$("$BIN" validate "scenarios/$s.toml" | sed -n 's/.*`, \([0-9]*\) runs.*/\1/p')
            grep -v "^$s,$label," "$WALL" >"$WALL.tmp" || true
            printf '%s,%s,%s,%s,%.0f\n' "$s" "$label" "$seed" "$runs" "$(echo "$end - $start" | bc)" >>"$WALL.tmp"
            mv "$WALL.tmp" "$WALL"
            echo "$s seed $label ($seed): $(tail -1 "$WALL")"
        done
    done
fi

# The charts the guide shows, from seed A: guide image <- chart file.
chart() {
    local src="$OUT/$1/seed-A/charts/$2.png" dst="docs/img/guide/$3.png"
    [ -f "$src" ] || return 0
    "${IMAGEMAGICK:-convert}" "$src" -strip -resize 900x -colors 128 "PNG8:$dst"
}
chart duplication sweep_duplicated_share_by_world-problems duplication
chart rent sweep_deadweight_loss_by_regime-patent_term rent
chart rent sweep_welfare_by_regime-patent_term rent_welfare
chart inequality sweep_gini_wealth_by_regime-invest_rate inequality
chart calculation sweep_misallocation_by_regime-plan_noise calculation
chart calculation sweep_welfare_by_regime-plan_noise calculation_welfare
chart monoculture sweep_approach_diversity_by_world-explore_rate monoculture
chart monoculture sweep_heads_by_world-explore_rate monoculture_heads
chart monoculture sweep_frontier_quality_by_world-explore_rate monoculture_frontier
chart tragedy sweep_contribution_by_regime-monitoring tragedy
chart tragedy sweep_welfare_by_regime-monitoring tragedy_welfare
chart long_tail sweep_tail_coverage_by_world-value_tail long_tail
chart shocks sweep_cumulative_welfare_by_regime-plan_interval shocks
chart ai_labs sweep_approach_diversity_by_world-interactions ai_labs
chart ai_labs sweep_duplicated_share_by_world-interactions ai_labs_duplication
chart collaboration sweep_duplicated_share_by_world-problems collaboration
chart collaboration sweep_approach_diversity_by_world-problems collaboration_diversity
chart open_vs_closed sweep_producer_revenue_by_populations-open-share open_vs_closed
chart open_vs_closed population_sweep_welfare_by_populations-open-share open_vs_closed_welfare
chart unplugging population_shares unplugging
chart federation population_sweep_approach_diversity_by_populations-federation-federation_link federation
chart patent_terms population_sweep_producer_revenue_by_populations-short-patent_term patent_terms
chart patent_terms population_sweep_catchup_share_by_populations-short-patent_term patent_terms_catchup
chart circle population_sweep_frontier_quality_by_populations-circle-share circle
chart circle population_sweep_producer_revenue_by_populations-circle-share circle_revenue

cargo build --release --quiet --example guide_claims
$NICE target/release/examples/guide_claims "$OUT" docs/guide/claims.csv docs/guide/GUIDE.in.md docs/GUIDE.md
