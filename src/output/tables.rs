//! The tables of the output directory (see `docs/ARCHITECTURE.md`), built by
//! [`assemble`] from the part files of the runs (`super::parts`) in run order.
//!
//! Memory is bounded by rows, not runs: recorded rows are gathered in one flat
//! buffer (a column per field) until a row group is full, then written, so 100,000
//! one-step runs take as little as one run of 100,000 steps (issue 19 measured
//! 2.44 GB when each run's chunk was kept as its own table). The bound is stated
//! in `docs/RELIABILITY.md`. Every polars table is built here, after the runs.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use polars::prelude::{Column, DataFrame, ParquetCompression, ParquetWriter};

use super::files::{IoError, Pending, Recorder, sync_dir};
use super::summary::Accumulator;
use crate::experiment::runner::Rows;
use crate::experiment::scenario::{CUMULATIVE_WELFARE, Cell, Scenario};
use crate::experiment::sweep::RunSpec;
use crate::model::{METRIC_COUNT, METRICS};

pub use super::files::write_atomic;
pub use super::parts::{Locate, Marker, Parts};

/// Rows gathered before a row group of the final tables is written: a group
/// holds whole chunks, so it ends at the first chunk that reaches this count.
pub const ROW_GROUP: usize = 100_000;

/// Final file names in the output directory.
pub const TIMESERIES: &str = "timeseries.parquet";
pub const RUNS: &str = "runs.parquet";
pub const SUMMARY: &str = "summary.csv";
pub const SCENARIO: &str = "scenario.toml";
pub const MANIFEST: &str = "manifest.json";

/// The `population` of the world's rows in every table (spec §5 "Observation").
pub const ALL: &str = "all";

/// The `population` column's name.
pub const POPULATION: &str = "population";

/// The identifier columns of a scenario's tables.
struct Layout<'a> {
    scenario: &'a Scenario,
    /// Swept parameters: path and whether the column is numeric.
    sweep: Vec<(String, bool)>,
    /// Each regime entry's row names: [`ALL`], then in a mixed world its
    /// populations' (a one-population world has only the world's rows).
    populations: Vec<Vec<String>>,
}

impl<'a> Layout<'a> {
    fn new(scenario: &'a Scenario) -> Self {
        Layout {
            scenario,
            sweep: scenario
                .sweep
                .iter()
                .map(|a| (a.path.clone(), a.is_numeric()))
                .collect(),
            populations: (scenario.regimes.iter())
                .map(|r| {
                    let mixed = r.populations.len() > 1;
                    let names = r.populations.iter().map(|p| p.name.clone());
                    std::iter::once(ALL.to_string())
                        .chain(names.filter(|_| mixed))
                        .collect()
                })
                .collect(),
        }
    }

    /// The name of the rows of `population` (`runner::WORLD` or `k + 1`).
    fn population(&self, spec: &RunSpec, population: u8) -> &str {
        &self.populations[spec.regime][population as usize]
    }

    fn cells(&self, point: usize) -> Vec<Cell> {
        self.scenario
            .point(point)
            .into_iter()
            .zip(&self.sweep)
            .map(|(v, (_, numeric))| Cell::of(v, *numeric))
            .collect()
    }

    fn regime(&self, spec: &RunSpec) -> &str {
        &self.scenario.regimes[spec.regime].name
    }

    /// `run`, `regime`, `population`, `replicate`, `seed` and the swept
    /// parameters, each run's values repeated over its rows (runs in order,
    /// with their row counts; `population` has one entry per row).
    fn ids(&self, runs: &[(RunSpec, usize)], population: &[u8]) -> Vec<Column> {
        let each = |f: &dyn Fn(&RunSpec) -> u64| -> Vec<u64> {
            runs.iter()
                .flat_map(|(s, n)| std::iter::repeat_n(f(s), *n))
                .collect()
        };
        let as_u32 = |v: Vec<u64>| -> Vec<u32> { v.into_iter().map(|x| x as u32).collect() };
        let mut columns = vec![
            Column::new("run".into(), as_u32(each(&|s| s.index as u64))),
            Column::new(
                "regime".into(),
                runs.iter()
                    .flat_map(|(s, n)| std::iter::repeat_n(self.regime(s), *n))
                    .collect::<Vec<&str>>(),
            ),
            Column::new(
                POPULATION.into(),
                runs.iter()
                    .flat_map(|(s, n)| std::iter::repeat_n(s, *n))
                    .zip(population)
                    .map(|(s, &k)| self.population(s, k))
                    .collect::<Vec<&str>>(),
            ),
            Column::new("replicate".into(), as_u32(each(&|s| s.replicate as u64))),
            Column::new("seed".into(), each(&|s| s.seed)),
        ];
        let cells: Vec<(Vec<Cell>, usize)> = runs
            .iter()
            .map(|(s, n)| (self.cells(s.point), *n))
            .collect();
        for (k, (path, numeric)) in self.sweep.iter().enumerate() {
            let name = path.as_str().into();
            let column = if *numeric {
                let v: Vec<f64> = cells
                    .iter()
                    .flat_map(|(c, n)| match &c[k] {
                        Cell::Number(x) => std::iter::repeat_n(*x, *n),
                        Cell::Text(_) => std::iter::repeat_n(f64::NAN, *n),
                    })
                    .collect();
                Column::new(name, v)
            } else {
                let v: Vec<String> = cells
                    .iter()
                    .flat_map(|(c, n)| std::iter::repeat_n(c[k].to_string(), *n))
                    .collect();
                Column::new(name, v)
            };
            columns.push(column);
        }
        columns
    }
}

/// Recorded rows of consecutive runs, gathered flat (one vector per column)
/// until they fill a row group of `timeseries.parquet`.
#[derive(Default)]
struct Timeseries {
    runs: Vec<(RunSpec, usize)>,
    steps: Vec<u32>,
    population: Vec<u8>,
    /// One column per metric, in the order of `METRICS`.
    metrics: Vec<Vec<f64>>,
}

impl Timeseries {
    fn push(&mut self, spec: &RunSpec, rows: Rows) {
        self.metrics.resize_with(METRIC_COUNT, Vec::new);
        self.runs.push((*spec, rows.steps.len()));
        self.steps.extend_from_slice(&rows.steps);
        self.population.extend_from_slice(&rows.population);
        for (k, column) in self.metrics.iter_mut().enumerate() {
            column.extend(rows.values.iter().map(|r| r[k]));
        }
    }

    fn len(&self) -> usize {
        self.steps.len()
    }

    /// The gathered rows as a table, leaving the buffer empty (its capacity kept).
    fn take(&mut self, layout: &Layout) -> Result<DataFrame> {
        let mut columns = layout.ids(&self.runs, &self.population);
        columns.push(Column::new("step".into(), self.steps.as_slice()));
        for (m, column) in METRICS.iter().zip(&self.metrics) {
            columns.push(Column::new(m.name.into(), column.as_slice()));
        }
        self.runs.clear();
        self.steps.clear();
        self.population.clear();
        self.metrics.iter_mut().for_each(Vec::clear);
        Ok(DataFrame::new_infer_height(columns)?)
    }
}

/// The rows of `runs.parquet`, one per run and population (the world's, then
/// each population's in a mixed world): the runs and their metric values, flat.
#[derive(Default)]
struct RunRows {
    runs: Vec<(RunSpec, usize)>,
    population: Vec<u8>,
    /// `METRIC_COUNT + 1` values per row: the window means, then cumulative welfare.
    values: Vec<f64>,
}

impl RunRows {
    fn take(&mut self, layout: &Layout) -> Result<DataFrame> {
        let mut columns = layout.ids(&self.runs, &self.population);
        let names = METRICS.iter().map(|m| m.name).chain([CUMULATIVE_WELFARE]);
        let width = METRIC_COUNT + 1;
        for (k, name) in names.enumerate() {
            let v: Vec<f64> = self.values.iter().skip(k).step_by(width).copied().collect();
            columns.push(Column::new(name.into(), v));
        }
        self.runs.clear();
        self.population.clear();
        self.values.clear();
        Ok(DataFrame::new_infer_height(columns)?)
    }
}

fn parquet<W: Write>(w: W) -> ParquetWriter<W> {
    ParquetWriter::new(w).with_compression(ParquetCompression::Zstd(None))
}

/// A Parquet file written a row group at a time.
struct Groups<W: Write> {
    writer: Option<polars::io::parquet::write::BatchedWriter<W>>,
    out: Option<W>,
}

impl<W: Write> Groups<W> {
    fn new(out: W) -> Self {
        Groups {
            writer: None,
            out: Some(out),
        }
    }

    fn write(&mut self, group: &DataFrame) -> Result<()> {
        if self.writer.is_none() {
            let out = self.out.take().expect("output not yet used");
            self.writer = Some(parquet(out).batched(group.schema())?);
        }
        self.writer
            .as_mut()
            .expect("writer started")
            .write_batch(group)?;
        Ok(())
    }

    fn finish(self) -> Result<()> {
        match &self.writer {
            Some(w) => {
                w.finish()?;
            }
            None => bail!("no rows to write"),
        }
        Ok(())
    }
}

/// What [`assemble`] learnt on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Assembled {
    /// Search trials of every run.
    pub trials: u64,
}

/// Builds `timeseries.parquet`, `runs.parquet` and `summary.csv` in `out` from the
/// parts of every run of the scenario, streaming in run order.
pub fn assemble(scenario: &Scenario, parts: &dyn Locate, out: &Path) -> Result<Assembled> {
    let layout = Layout::new(scenario);
    let total = scenario.runs() as u32;
    let metric_names: Vec<&str> = METRICS
        .iter()
        .map(|m| m.name)
        .chain([CUMULATIVE_WELFARE])
        .collect();
    let mut trials = 0u64;

    // The three tables are written side by side under temporary names, then made
    // final together; a failure removes the temporary files and keeps the old tables.
    let seen = [IoError::default(), IoError::default(), IoError::default()];
    let result = (|| -> Result<()> {
        let mut ts_file = Pending::create(&out.join(TIMESERIES))?;
        let mut runs_file = Pending::create(&out.join(RUNS))?;
        let mut summary_file = Pending::create(&out.join(SUMMARY))?;
        {
            let mut ts = Groups::new(Recorder::new(ts_file.writer(), &seen[0]));
            let mut runs = Groups::new(Recorder::new(runs_file.writer(), &seen[1]));
            let mut summary = SummaryCsv::new(Recorder::new(summary_file.writer(), &seen[2]));
            let mut ts_rows = Timeseries::default();
            let mut run_rows = RunRows::default();
            // One accumulator per metric for each population's rows (the world's first).
            let mut group: Vec<Vec<Accumulator>> = Vec::new();
            for run in 0..total {
                let spec = scenario.run_spec(run);
                let parts = parts
                    .parts(run)
                    .with_context(|| format!("run {run} is missing"))?;
                let marker = parts
                    .marker(run)
                    .with_context(|| format!("run {run} is not finished"))?;
                for chunk in 0..marker.chunks {
                    ts_rows.push(&spec, parts.rows(run, chunk)?);
                    if ts_rows.len() >= ROW_GROUP {
                        ts.write(&ts_rows.take(&layout)?)?;
                    }
                }
                trials += marker.trials;
                let rows: Vec<Vec<f64>> = std::iter::once(marker.values()?)
                    .chain(marker.population_values()?)
                    .collect();
                if rows.len() != layout.populations[spec.regime].len() {
                    bail!(
                        "run {run} has {} populations' rows, its scenario {}",
                        rows.len(),
                        layout.populations[spec.regime].len()
                    );
                }
                group.resize_with(rows.len(), || {
                    vec![Accumulator::default(); metric_names.len()]
                });
                for (k, values) in rows.iter().enumerate() {
                    for (acc, &x) in group[k].iter_mut().zip(values) {
                        acc.push(x);
                    }
                    run_rows.values.extend_from_slice(values);
                    run_rows.population.push(k as u8);
                }
                run_rows.runs.push((spec, rows.len()));
                if run_rows.population.len() >= ROW_GROUP {
                    runs.write(&run_rows.take(&layout)?)?;
                }
                // Runs are ordered point x regime x replicate: a group ends with its last replicate.
                if spec.replicate + 1 == scenario.replicates {
                    let cells = layout.cells(spec.point);
                    for (k, accumulators) in group.iter().enumerate() {
                        let stats: Vec<_> = accumulators.iter().map(Accumulator::stats).collect();
                        let regime = layout.regime(&spec);
                        let population = layout.population(&spec, k as u8);
                        let at = (regime, population);
                        summary.group(&layout, at, &cells, &metric_names, &stats)?;
                    }
                    group.clear();
                }
            }
            if ts_rows.len() > 0 {
                ts.write(&ts_rows.take(&layout)?)?;
            }
            if !run_rows.population.is_empty() {
                runs.write(&run_rows.take(&layout)?)?;
            }
            ts.finish()?;
            runs.finish()?;
            summary.finish()?;
        }
        ts_file.commit()?;
        runs_file.commit()?;
        summary_file.commit()?;
        sync_dir(out)
    })();
    if let Err(e) = result {
        for (seen, name) in seen.iter().zip([TIMESERIES, RUNS, SUMMARY]) {
            if let Some(reason) = seen.get() {
                return Err(anyhow!(
                    "cannot write {}: {reason}",
                    out.join(name).display()
                ));
            }
        }
        return Err(e.context(format!("cannot write the tables in {}", out.display())));
    }
    Ok(Assembled { trials })
}

mod summary_csv;
use summary_csv::SummaryCsv;

#[cfg(test)]
mod tests;
