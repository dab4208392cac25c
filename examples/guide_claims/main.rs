//! Writes the claims table of docs/GUIDE.md (docs/guide/claims.csv) from the runs of
//! `docs/guide/regenerate.sh`: for each guide scenario, regime, population (`all` for the
//! world), sweep point and metric the guide may quote, the mean and 95 % interval over
//! replicates at seed A and at seed B, and differences:
//! - `paired`, run by run: a regime minus a baseline regime at the same point and replicate
//!   (the same seed), or a population minus another in the same run;
//! - `unpaired`: a swept setting's value minus a base value, other settings equal (sweep points
//!   have seeds of their own, so the interval is Welch's).
//!
//! A scenario without runs at both seeds keeps its rows of the table as it was, so that
//! `ONLY=... docs/guide/regenerate.sh` needs no output of the other scenarios.
//!
//! `robust` says whether the mean has the same sign at both seeds. `tests/docs.rs` checks
//! every figure the guide marks with `<!--c ID-->` against this table.
//!
//! An id is `scenario/regime/point/metric` for the world, with `regime:population` for a
//! population, `x-base` for a paired difference of regimes, `regime:x-base` of populations,
//! and a point such as `0.3;0.1-0` (the second setting 0.1 minus 0) for an unpaired one.
//!
//! With a template and an output, it then writes the guide from its template (template.rs).
//!
//! ```text
//! cargo run --release --example guide_claims -- output/guide docs/guide/claims.csv \
//!     docs/guide/GUIDE.in.md docs/GUIDE.md
//! ```

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use regimes::output::stats::{Stats, t975};

mod runs;
mod specs;
mod template;
use runs::{Runs, WORLD, load};
use specs::SPECS;

/// `x` with 7 significant digits: enough for any figure the guide quotes.
fn sig(x: f64) -> String {
    if !x.is_finite() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let digits = (6 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

fn stats_cells(s: &Stats) -> String {
    format!(
        "{},{},{},{}",
        s.n,
        sig(s.mean),
        sig(s.ci_low),
        sig(s.ci_high)
    )
}

/// The difference of the means of two independent samples, with Welch's 95 % interval;
/// `n` is the smaller sample.
fn welch(x: &Stats, base: &Stats) -> Stats {
    let mean = x.mean - base.mean;
    let (vx, vb) = (x.sd * x.sd / x.n as f64, base.sd * base.sd / base.n as f64);
    let se2 = vx + vb;
    let df = se2 * se2 / (vx * vx / (x.n as f64 - 1.0) + vb * vb / (base.n as f64 - 1.0));
    let half = if se2 > 0.0 {
        t975((df.floor() as u32).max(1)) * se2.sqrt()
    } else {
        0.0
    };
    Stats {
        n: x.n.min(base.n),
        mean,
        sd: f64::NAN,
        ci_low: mean - half,
        ci_high: mean + half,
    }
}

/// The regime cell of an id: `regime` for the world, `regime:population` otherwise.
fn who(regime: &str, population: &str) -> String {
    if population == WORLD {
        regime.to_string()
    } else {
        format!("{regime}:{population}")
    }
}

/// The rows of one scenario's table, appended to `text`.
struct Table<'a> {
    scenario: &'a str,
    text: &'a mut String,
}

impl Table<'_> {
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        id_regime: &str,
        regime: &str,
        population: &str,
        point: &str,
        metric: &str,
        kind: &str,
        stats: [Stats; 2],
    ) {
        let robust = stats[0].mean.signum() == stats[1].mean.signum()
            || (stats[0].mean == 0.0 && stats[1].mean == 0.0);
        let s = self.scenario;
        let _ = writeln!(
            self.text,
            "{s}/{id_regime}/{point}/{metric},{s},{regime},{population},{point},{metric},{kind},{},{},{}",
            stats_cells(&stats[0]),
            stats_cells(&stats[1]),
            if robust { "yes" } else { "no" }
        );
    }
}

/// Paired differences `x - base`, replicate by replicate.
fn paired(
    x: &std::collections::BTreeMap<u32, f64>,
    base: &std::collections::BTreeMap<u32, f64>,
) -> Stats {
    let d: Vec<f64> = x
        .iter()
        .filter_map(|(rep, v)| base.get(rep).map(|w| v - w))
        .collect();
    Stats::of(&d)
}

fn level(runs: &Runs, regime: &str, population: &str, point: &str, metric: &str) -> Stats {
    let v: Vec<f64> = runs
        .values(regime, population, point, metric)
        .into_values()
        .collect();
    Stats::of(&v)
}

/// The rows of `scenario` in a claims table (its second column), each with its newline.
fn kept_rows(table: &str, scenario: &str) -> String {
    table
        .lines()
        .skip(1)
        .filter(|line| line.split(',').nth(1) == Some(scenario))
        .map(|line| format!("{line}\n"))
        .collect()
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let out = Path::new(args.get(1).map_or("output/guide", String::as_str));
    let csv = args.get(2).map_or("docs/guide/claims.csv", String::as_str);
    // A scenario not run this time (`ONLY=`) keeps its rows of the table as it was.
    let previous = std::fs::read_to_string(csv).unwrap_or_default();
    let mut text = String::from(
        "id,scenario,regime,population,point,metric,kind,n_a,mean_a,ci_low_a,ci_high_a,n_b,mean_b,ci_low_b,ci_high_b,robust\n",
    );
    for spec in SPECS {
        let dir = out.join(spec.scenario);
        let (a, b) = (
            dir.join("seed-A/runs.parquet"),
            dir.join("seed-B/runs.parquet"),
        );
        if !a.exists() || !b.exists() {
            let kept = kept_rows(&previous, spec.scenario);
            eprintln!(
                "{}: no runs at both seeds, {} rows kept from {csv}",
                spec.scenario,
                kept.lines().count()
            );
            text.push_str(&kept);
            continue;
        }
        let mut metrics: Vec<&str> = spec.levels.to_vec();
        metrics.extend(spec.paired.iter().filter(|m| !spec.levels.contains(m)));
        let seeds = [load(&a, &metrics)?, load(&b, &metrics)?];
        let runs = &seeds[0];
        let mut table = Table {
            scenario: spec.scenario,
            text: &mut text,
        };
        for point in &runs.points {
            for regime in &runs.regimes {
                for population in &runs.populations {
                    for metric in spec.levels {
                        let stats =
                            [0, 1].map(|k| level(&seeds[k], regime, population, point, metric));
                        let id = who(regime, population);
                        table.row(&id, regime, population, point, metric, "level", stats);
                    }
                }
                for (x, base) in spec.population_pairs {
                    for metric in spec.paired {
                        let stats = [0, 1].map(|k| {
                            paired(
                                &seeds[k].values(regime, x, point, metric),
                                &seeds[k].values(regime, base, point, metric),
                            )
                        });
                        let pair = format!("{x}-{base}");
                        let id = format!("{regime}:{pair}");
                        table.row(&id, regime, &pair, point, metric, "paired", stats);
                    }
                }
            }
            for population in &runs.populations {
                for (x, base) in spec.pairs {
                    for metric in spec.paired {
                        let stats = [0, 1].map(|k| {
                            paired(
                                &seeds[k].values(x, population, point, metric),
                                &seeds[k].values(base, population, point, metric),
                            )
                        });
                        let pair = format!("{x}-{base}");
                        table.row(
                            &who(&pair, population),
                            &pair,
                            population,
                            point,
                            metric,
                            "paired",
                            stats,
                        );
                    }
                }
            }
            for (axis, x, base) in spec.across {
                if runs.at(point, axis) != Some(x) {
                    continue;
                }
                let other = runs.with(point, axis, base).with_context(|| {
                    format!("{}: no point {axis} = {base} beside {point}", spec.scenario)
                })?;
                let label = runs.relabel(point, axis, &format!("{x}-{base}"));
                for regime in &runs.regimes {
                    for population in &runs.populations {
                        for metric in spec.paired {
                            let stats = [0, 1].map(|k| {
                                welch(
                                    &level(&seeds[k], regime, population, point, metric),
                                    &level(&seeds[k], regime, population, &other, metric),
                                )
                            });
                            let id = who(regime, population);
                            table.row(&id, regime, population, &label, metric, "unpaired", stats);
                        }
                    }
                }
            }
        }
    }
    std::fs::write(csv, &text).with_context(|| format!("cannot write {csv}"))?;
    eprintln!("wrote {csv}");
    if let (Some(tpl), Some(guide)) = (args.get(3), args.get(4)) {
        let tpl = std::fs::read_to_string(tpl).with_context(|| format!("cannot read {tpl}"))?;
        let wall = Path::new(csv).with_file_name("walltime.csv");
        let wall = std::fs::read_to_string(&wall).unwrap_or_default();
        let tpl = tpl.replace("{{WALLTIME}}", &template::walltime_table(&wall));
        std::fs::write(guide, template::fill(&tpl, &text)?)
            .with_context(|| format!("cannot write {guide}"))?;
        eprintln!("wrote {guide}");
    }
    Ok(())
}
