//! Judges a reproduction (`experiment::classics`) on the tables its run wrote: each check's
//! measure is taken per run (or per replicate pair) from `timeseries.parquet`, or from the
//! engine's own landscape at the run's seed, then averaged with a 95 % CI and set beside the
//! published figure.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use polars::prelude::{DataFrame, DataType, ParquetReader, SerReader};
use rayon::prelude::*;

use super::summary::Stats;
use super::tables::{ALL, POPULATION, TIMESERIES};
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

/// One run's recorded rows: the metrics the checks read, by name.
struct Series {
    run: u32,
    regime: String,
    seed: u64,
    steps: Vec<u32>,
    metrics: HashMap<String, Vec<f64>>,
}

impl Series {
    fn metric(&self, name: &str) -> Result<&[f64]> {
        self.metrics
            .get(name)
            .map(Vec::as_slice)
            .ok_or_else(|| anyhow!("metric {name} was not read"))
    }

    fn last(&self, name: &str) -> Result<f64> {
        self.metric(name)?
            .last()
            .copied()
            .ok_or_else(|| anyhow!("run {} recorded no step", self.run))
    }

    fn at(&self, name: &str, step: u32) -> Result<f64> {
        let k = self.steps.binary_search(&step).map_err(|_| {
            anyhow!(
                "run {} did not record step {step} (see record_every)",
                self.run
            )
        })?;
        Ok(self.metric(name)?[k])
    }
}

impl Series {
    /// The mean of `name` over the recorded steps in `from..=to`, NaN steps skipped (a step
    /// with nothing to divide). An error if the run recorded no step there.
    fn window_mean(&self, name: &str, (from, to): (u32, u32)) -> Result<f64> {
        let values = self.metric(name)?;
        let inside = self
            .steps
            .iter()
            .zip(values)
            .filter(|&(&t, _)| from <= t && t <= to);
        let recorded = inside.clone().count();
        if recorded == 0 {
            bail!(
                "run {} recorded no step in {from}..={to} (see steps)",
                self.run
            );
        }
        let (sum, n) = inside
            .filter(|(_, v)| !v.is_nan())
            .fold((0.0, 0usize), |(s, n), (_, v)| (s + v, n + 1));
        Ok(sum / n as f64)
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

/// Reads the listed metrics of every run from a timeseries table.
fn load(path: &Path, metrics: &[&str]) -> Result<Vec<Series>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let df = ParquetReader::new(file)
        .finish()
        .with_context(|| format!("cannot read {}", path.display()))?;
    let numbers = |name: &str| -> Result<Vec<f64>> {
        let col = df
            .column(name)
            .with_context(|| format!("{}: no column {name}", path.display()))?
            .cast(&DataType::Float64)?;
        Ok(col.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
    };
    let regimes: Vec<String> = text_column(&df, "regime")?;
    let runs = numbers("run")?;
    let steps = numbers("step")?;
    let seeds: Vec<u64> = df
        .column("seed")?
        .cast(&DataType::UInt64)?
        .u64()?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect();
    let columns: Vec<(&str, Vec<f64>)> = metrics
        .iter()
        .map(|&m| Ok((m, numbers(m)?)))
        .collect::<Result<_>>()?;
    // The world's rows (a mixed world's tables have one more per population).
    let world: Vec<bool> = match df.column(POPULATION) {
        Ok(_) => text_column(&df, POPULATION)?
            .iter()
            .map(|p| p == ALL)
            .collect(),
        Err(_) => vec![true; df.height()],
    };
    let mut by_run: BTreeMap<u32, Series> = BTreeMap::new();
    for row in (0..df.height()).filter(|&row| world[row]) {
        let run = runs[row] as u32;
        let s = by_run.entry(run).or_insert_with(|| Series {
            run,
            regime: regimes[row].clone(),
            seed: seeds[row],
            steps: Vec::new(),
            metrics: HashMap::new(),
        });
        s.steps.push(steps[row] as u32);
        for (name, values) in &columns {
            s.metrics
                .entry((*name).to_string())
                .or_default()
                .push(values[row]);
        }
    }
    Ok(by_run.into_values().collect())
}

fn text_column(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

#[cfg(test)]
mod tests;
