//! Judges a reproduction (`experiment::classics`) on the tables its run wrote: each check's
//! measure is taken per run (or per replicate pair) from `timeseries.parquet`, or from the
//! engine's own landscape at the run's seed, then averaged with a 95 % CI and set beside the
//! published figure.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use rayon::prelude::*;

use super::summary::Stats;
use super::tables::TIMESERIES;
use crate::experiment::Scenario;
use crate::experiment::census::{Census, census};
use crate::experiment::classics::{Check, Classic, Measure, Rule};
use crate::model::Simulation;
use crate::model::landscape::Nk;

/// One check judged.
#[derive(Clone, Debug)]
pub struct Verdict {
    pub check: &'static Check,
    /// The published figure as a number, for this scenario's world.
    pub target: f64,
    pub estimate: Stats,
    pub pass: bool,
}

/// Whether `estimate` meets `rule` with the published figure `target`.
pub fn judge(rule: Rule, target: f64, e: &Stats) -> bool {
    match rule {
        Rule::InCi { half_width, .. } => {
            e.ci_low <= target && target <= e.ci_high && (e.ci_high - e.ci_low) / 2.0 <= half_width
        }
        Rule::Near { tolerance, .. } => (e.mean - target).abs() <= tolerance,
        Rule::Above(x) => e.ci_low > x,
        Rule::Below(x) => e.ci_high < x,
    }
}

/// The rule in words, for the printed verdict.
pub fn describe(rule: Rule) -> String {
    match rule {
        Rule::InCi { half_width, .. } => {
            format!("published value inside the 95% CI, CI half-width <= {half_width}")
        }
        Rule::Near { tolerance: 0.0, .. } => "exactly the published value".into(),
        Rule::Near { tolerance, .. } => format!("within {tolerance:e} of the published value"),
        Rule::Above(x) => format!("95% CI entirely above {x}"),
        Rule::Below(x) => format!("95% CI entirely below {x}"),
    }
}

/// Judges every check of `classic` on the run in `dir` of `scenario` (its resolved form).
pub fn verdicts(classic: &Classic, scenario: &Scenario, dir: &Path) -> Result<Vec<Verdict>> {
    let mut names = vec!["mean_quality"];
    for check in classic.checks {
        match check.measure {
            Measure::Final { metric, .. }
            | Measure::At { metric, .. }
            | Measure::Paired { metric, .. }
            | Measure::PairedFinal { metric, .. }
            | Measure::Window { metric, .. }
            | Measure::WindowRatio { metric, .. } => names.push(metric),
            Measure::Ratio {
                numerator,
                denominator,
                ..
            }
            | Measure::FinalRatio {
                numerator,
                denominator,
                ..
            } => names.extend([numerator, denominator]),
            _ => {}
        }
    }
    names.sort_unstable();
    names.dedup();
    let series = load(&dir.join(TIMESERIES), &names)?;
    let landscapes = if classic.checks.iter().any(|c| needs_census(c.measure)) {
        censuses(scenario, &series)?
    } else {
        HashMap::new()
    };
    classic
        .checks
        .iter()
        .map(|check| {
            let samples = measure(check.measure, &series, &landscapes)?;
            let target = match check.rule {
                Rule::InCi { value, .. } | Rule::Near { value, .. } => value.value(&scenario.world),
                Rule::Above(x) | Rule::Below(x) => x,
            };
            let estimate = Stats::of(&samples);
            Ok(Verdict {
                check,
                target,
                estimate,
                pass: judge(check.rule, target, &estimate),
            })
        })
        .collect()
}

fn needs_census(m: Measure) -> bool {
    matches!(
        m,
        Measure::GlobalOptimum
            | Measure::ReachesGlobal
            | Measure::AtLocalOptimum
            | Measure::GapToGlobal
            | Measure::LocalOptima
    )
}

/// The census of problem 0's landscape of every run, by run seed, with the quality scale.
type Censuses = HashMap<u64, (Census, Nk)>;

fn censuses(scenario: &Scenario, series: &[Series]) -> Result<Censuses> {
    let mut seeds: BTreeMap<u64, u32> = BTreeMap::new();
    for s in series {
        seeds.entry(s.seed).or_insert(s.run);
    }
    seeds
        .into_par_iter()
        .map(|(seed, run)| {
            let spec = scenario.run_spec(run);
            let config = scenario
                .config(spec.point, spec.regime)
                .map_err(anyhow::Error::msg)?;
            let sim = Simulation::new(&config, seed)?;
            let landscape = sim.problems().landscape[0];
            let nk = Nk::new(config.world.loci, config.world.interactions);
            let c = census(&nk, landscape).with_context(|| {
                format!(
                    "cannot enumerate {} loci (at most {})",
                    config.world.loci,
                    crate::experiment::census::MAX_LOCI
                )
            })?;
            Ok((seed, (c, nk)))
        })
        .collect()
}

/// The per-run (or per-pair) samples of a measure.
fn measure(m: Measure, series: &[Series], landscapes: &Censuses) -> Result<Vec<f64>> {
    let of_regime = |regime: &str| {
        let runs: Vec<&Series> = series.iter().filter(|s| s.regime == regime).collect();
        if runs.is_empty() {
            bail!("no run of regime {regime} in the tables");
        }
        Ok(runs)
    };
    let census_of = |s: &Series| {
        landscapes
            .get(&s.seed)
            .ok_or_else(|| anyhow!("no census for seed {}", s.seed))
    };
    // A quality read from the tables is the engine's exact fitness scaled; a fitness step
    // is 1/(L 2^32) > 1e-11, so 1e-12 tells equal from different.
    let same = |q: f64, f: u64, nk: &Nk| (q - nk.quality(f)).abs() < 1e-12;
    match m {
        Measure::Final { regime, metric } => {
            of_regime(regime)?.iter().map(|s| s.last(metric)).collect()
        }
        Measure::At {
            regime,
            metric,
            step,
        } => of_regime(regime)?
            .iter()
            .map(|s| s.at(metric, step))
            .collect(),
        Measure::Ratio {
            regime,
            numerator,
            denominator,
        } => of_regime(regime)?
            .iter()
            .map(|s| {
                let sum = |m| s.metric(m).map(|v| v.iter().sum::<f64>());
                Ok(sum(numerator)? / sum(denominator)?)
            })
            .collect(),
        Measure::FinalRatio {
            regime,
            numerator,
            denominator,
        } => of_regime(regime)?
            .iter()
            .map(|s| Ok(s.last(numerator)? / s.last(denominator)?))
            .collect(),
        Measure::Window {
            regime,
            metric,
            from,
            to,
        } => of_regime(regime)?
            .iter()
            .map(|s| s.window_mean(metric, (from, to)))
            .collect(),
        Measure::WindowRatio {
            regime,
            metric,
            numerator,
            denominator,
        } => of_regime(regime)?
            .iter()
            .map(|s| Ok(s.window_mean(metric, numerator)? / s.window_mean(metric, denominator)?))
            .collect(),
        Measure::Paired { a, b, metric, step } => {
            paired(&of_regime(a)?, &of_regime(b)?, |s| s.at(metric, step))
        }
        Measure::PairedFinal { a, b, metric } => {
            paired(&of_regime(a)?, &of_regime(b)?, |s| s.last(metric))
        }
        Measure::GlobalOptimum => series
            .iter()
            .map(|s| census_of(s).map(|(c, nk)| nk.quality(c.global)))
            .collect(),
        Measure::LocalOptima => series
            .iter()
            .map(|s| census_of(s).map(|(c, _)| c.local_optima.len() as f64))
            .collect(),
        Measure::ReachesGlobal => series
            .iter()
            .map(|s| {
                let (c, nk) = census_of(s)?;
                Ok(f64::from(u8::from(same(
                    s.last("mean_quality")?,
                    c.global,
                    nk,
                ))))
            })
            .collect(),
        Measure::AtLocalOptimum => series
            .iter()
            .map(|s| {
                let (c, nk) = census_of(s)?;
                let q = s.last("mean_quality")?;
                // Qualities are increasing in fitness: find the nearest local optimum's.
                let k = c
                    .local_optima
                    .partition_point(|&f| nk.quality(f) < q - 1e-12);
                let hit = c.local_optima.get(k).is_some_and(|&f| same(q, f, nk));
                Ok(f64::from(u8::from(hit)))
            })
            .collect(),
        Measure::GapToGlobal => series
            .iter()
            .map(|s| {
                let (c, nk) = census_of(s)?;
                Ok(nk.quality(c.global) - s.last("mean_quality")?)
            })
            .collect(),
    }
}

/// Per seed (regimes at the same replicate share it), the value of `a`'s run minus `b`'s.
fn paired(
    a: &[&Series],
    b: &[&Series],
    value: impl Fn(&Series) -> Result<f64>,
) -> Result<Vec<f64>> {
    let of_b: BTreeMap<u64, &Series> = b.iter().map(|s| (s.seed, *s)).collect();
    a.iter()
        .map(|sa| {
            let sb = of_b.get(&sa.seed).ok_or_else(|| {
                anyhow!(
                    "no paired run with seed {} in regime {}",
                    sa.seed,
                    sa.regime
                )
            })?;
            Ok(value(sa)? - value(sb)?)
        })
        .collect()
}

mod series;

use series::{Series, load};

#[cfg(test)]
mod tests;
