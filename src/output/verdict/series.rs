//! The runs' recorded rows a verdict reads: the metrics of every run from
//! `timeseries.parquet` (the world's rows of a mixed world), by run.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use polars::prelude::{DataFrame, DataType, ParquetReader, SerReader};

use crate::output::tables::{ALL, POPULATION};

/// One run's recorded rows: the metrics the checks read, by name.
pub(super) struct Series {
    pub run: u32,
    pub regime: String,
    pub seed: u64,
    pub steps: Vec<u32>,
    pub metrics: HashMap<String, Vec<f64>>,
}

impl Series {
    pub(super) fn metric(&self, name: &str) -> Result<&[f64]> {
        self.metrics
            .get(name)
            .map(Vec::as_slice)
            .ok_or_else(|| anyhow!("metric {name} was not read"))
    }

    pub(super) fn last(&self, name: &str) -> Result<f64> {
        self.metric(name)?
            .last()
            .copied()
            .ok_or_else(|| anyhow!("run {} recorded no step", self.run))
    }

    pub(super) fn at(&self, name: &str, step: u32) -> Result<f64> {
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
    pub(super) fn window_mean(&self, name: &str, (from, to): (u32, u32)) -> Result<f64> {
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

/// Reads the listed metrics of every run from a timeseries table.
pub(super) fn load(path: &Path, metrics: &[&str]) -> Result<Vec<Series>> {
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
