//! Statistics charts and the report show, reduced from the tables in file
//! order: per run summaries, paired differences from a baseline, and per-step
//! series.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;

use super::columns::{f64_column, read_parquet};
use polars::prelude::DataFrame;

use super::{By, Outputs, POPULATION, POPULATION_SHARE};
use crate::output::stats::{Accumulator, Stats};

/// Per-step statistics of one metric: `stats[row][point][k]` at `steps[k]`
/// (a row is a regime, or a population: [`Outputs::row_names`]).
#[derive(Clone, Debug)]
pub struct TimeSeries {
    pub steps: Vec<f64>,
    pub stats: Vec<Vec<Vec<Stats>>>,
}

impl Outputs {
    /// Per-run summary statistics of each regime's world: `[regime][point]`.
    pub fn run_stats(&self, metric: &str) -> Result<Vec<Vec<Stats>>> {
        self.run_stats_by(metric, By::Regime)
    }

    /// Per-run summary statistics `[row][point]` of the rows `by` names. A
    /// population without members in every run of a point (an open share of
    /// 0) is missing there: its sums would read 0 and its ratios NaN, as if
    /// it had been measured.
    pub fn run_stats_by(&self, metric: &str, by: By) -> Result<Vec<Vec<Stats>>> {
        let values = f64_column(&self.runs, metric)?;
        let members = self.members(&self.runs, metric, by)?;
        let rows = self.row_names(by).len();
        let mut acc = vec![vec![Accumulator::default(); self.points.len()]; rows];
        let mut seen = vec![vec![false; self.points.len()]; rows];
        for (i, x) in values.into_iter().enumerate() {
            if let Some(r) = self.row_of(&self.run_keys, i, by) {
                let p = self.run_keys.point[i] as usize;
                acc[r][p].push(x);
                seen[r][p] |= members.as_ref().is_none_or(|m| m[i]);
            }
        }
        Ok(acc
            .iter()
            .zip(&seen)
            .map(|(row, seen)| {
                (row.iter().zip(seen))
                    .map(|(a, &s)| if s { a.stats() } else { Stats::MISSING })
                    .collect()
            })
            .collect())
    }

    /// Whether each row of `df` (runs or time series) counts members, when
    /// a chart `by` population draws `metric` (else `None`: every row counts).
    fn members(&self, df: &DataFrame, metric: &str, by: By) -> Result<Option<Vec<bool>>> {
        if by != By::Population
            || metric == POPULATION_SHARE
            || df.column(POPULATION_SHARE).is_err()
        {
            return Ok(None);
        }
        let share = f64_column(df, POPULATION_SHARE)?;
        Ok(Some(share.into_iter().map(|s| s > 0.0).collect()))
    }

    /// Paired differences from the regime `baseline`: for every run, its value
    /// minus the baseline's run at the same sweep point and replicate (the same
    /// seed: common random numbers), summarised per `[regime][point]`, each
    /// over its whole world. The baseline's own row is missing.
    pub fn paired_stats(&self, metric: &str, baseline: usize) -> Result<Vec<Vec<Stats>>> {
        let values = f64_column(&self.runs, metric)?;
        let replicate = f64_column(&self.runs, "replicate")?;
        let mut base: HashMap<(u32, u64), f64> = HashMap::new();
        let world = |i: usize| self.row_of(&self.run_keys, i, By::Regime);
        for (i, x) in values.iter().enumerate() {
            if world(i) == Some(baseline) {
                base.insert((self.run_keys.point[i], replicate[i] as u64), *x);
            }
        }
        let mut acc = vec![vec![Accumulator::default(); self.points.len()]; self.regimes.len()];
        for (i, x) in values.iter().enumerate() {
            let Some(r) = world(i).filter(|&r| r != baseline) else {
                continue;
            };
            let p = self.run_keys.point[i];
            if let Some(b) = base.get(&(p, replicate[i] as u64)) {
                acc[r][p as usize].push(x - b);
            }
        }
        Ok(acc
            .iter()
            .enumerate()
            .map(|(r, row)| {
                row.iter()
                    .map(|a| {
                        if r == baseline {
                            Stats::MISSING
                        } else {
                            a.stats()
                        }
                    })
                    .collect()
            })
            .collect())
    }

    /// Per-step statistics of each regime's world across replicates, thinned
    /// to at most `max_steps` evenly spaced recorded steps (a million-step run
    /// still draws quickly).
    pub fn series(&mut self, metric: &str, max_steps: usize) -> Result<TimeSeries> {
        self.series_by(metric, max_steps, By::Regime)
    }

    /// [`Self::series`] of the rows `by` names.
    pub fn series_by(&mut self, metric: &str, max_steps: usize, by: By) -> Result<TimeSeries> {
        if self.ts_keys.is_none() {
            let mut cols = vec!["regime".to_string()];
            if self.ts_columns.iter().any(|c| c == POPULATION) {
                cols.push(POPULATION.to_string());
            }
            cols.extend(self.params.iter().map(|p| p.name.clone()));
            cols.push("step".to_string());
            let df = read_parquet(&self.ts_path, Some(cols))?;
            self.ts_keys = Some(self.keys(&df, true)?);
        }
        let keys = self.ts_keys.as_ref().expect("keys were just read");
        let mut distinct: Vec<u32> = keys
            .step
            .iter()
            .copied()
            .filter(|s| *s != u32::MAX)
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        let stride = distinct.len().div_ceil(max_steps.max(1)).max(1);
        let kept: Vec<u32> = distinct.iter().copied().step_by(stride).collect();
        let index: BTreeMap<u32, usize> = kept.iter().enumerate().map(|(i, s)| (*s, i)).collect();

        let mut cols = vec![metric.to_string()];
        let share = by == By::Population
            && metric != POPULATION_SHARE
            && self.ts_columns.iter().any(|c| c == POPULATION_SHARE);
        if share {
            cols.push(POPULATION_SHARE.to_string());
        }
        let df = read_parquet(&self.ts_path, Some(cols))?;
        let values = f64_column(&df, metric)?;
        let members = self.members(&df, metric, by)?;
        let (np, ns) = (self.points.len(), kept.len());
        let rows = self.row_names(by).len();
        let mut acc = vec![Accumulator::default(); rows * np * ns];
        let mut seen = vec![false; rows * np * ns];
        for (i, x) in values.into_iter().enumerate() {
            let Some(r) = self.row_of(keys, i, by) else {
                continue;
            };
            if let Some(&k) = index.get(&keys.step[i]) {
                let cell = (r * np + keys.point[i] as usize) * ns + k;
                acc[cell].push(x);
                seen[cell] |= members.as_ref().is_none_or(|m| m[i]);
            }
        }
        // A population without members at a step, in every replicate, is missing there.
        for (a, _) in acc.iter_mut().zip(&seen).filter(|(_, s)| !**s) {
            *a = Accumulator::default();
        }
        let stats = (0..rows)
            .map(|r| {
                (0..np)
                    .map(|p| {
                        acc[(r * np + p) * ns..(r * np + p + 1) * ns]
                            .iter()
                            .map(Accumulator::stats)
                            .collect()
                    })
                    .collect()
            })
            .collect();
        Ok(TimeSeries {
            steps: kept.iter().map(|s| *s as f64).collect(),
            stats,
        })
    }
}
