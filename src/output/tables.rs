//! The tables of the output directory (see `docs/ARCHITECTURE.md`).
//!
//! Runs stream their rows into part files under `DIR/.parts/` as they go: chunk
//! `ts-RUN-CHUNK.rows` files, then a `run-RUN.done` marker holding the run's
//! summary row, written last. Every file is written under a temporary name and
//! renamed, so a killed run leaves only whole files, and a run counts as done
//! exactly when its marker exists. [`assemble`] then concatenates the parts in
//! run order into the final tables, a row group at a time, so memory stays
//! bounded by one row group whatever the number of steps and runs.
//!
//! Chunk parts are plain little-endian rows, not Parquet: they are written from
//! the simulation workers, and polars would compress them on its own thread pool,
//! which competes with the other workers for the cores (see the "Parallel sweep"
//! section of `docs/PERFORMANCE.md`). Every polars table is built in
//! [`assemble`], after the runs.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use polars::prelude::{Column, CsvWriter, DataFrame, ParquetCompression, ParquetWriter, SerWriter};
use serde::{Deserialize, Serialize};

use super::summary::{Accumulator, Overview};
use crate::experiment::runner::{Outcome, Rows, Sink};
use crate::experiment::scenario::{CUMULATIVE_WELFARE, Cell, Scenario};
use crate::experiment::sweep::RunSpec;
use crate::model::{HEADLINE, METRIC_COUNT, METRICS};

/// Rows gathered before a row group of the final tables is written.
const ROW_GROUP: usize = 100_000;

/// Sweep points up to which the on-screen overview shows one row per point.
const OVERVIEW_POINTS: usize = 8;

/// Final file names in the output directory.
pub const TIMESERIES: &str = "timeseries.parquet";
pub const RUNS: &str = "runs.parquet";
pub const SUMMARY: &str = "summary.csv";
pub const SCENARIO: &str = "scenario.toml";
pub const MANIFEST: &str = "manifest.json";

/// First bytes of a chunk part: its format and version. A parts directory can
/// outlive the program that wrote it (`--resume` after an upgrade), and a part
/// laid out otherwise must be refused rather than misread.
const ROWS_MAGIC: &[u8; 16] = b"regimes rows v1\n";

/// Bytes of a chunk part's header: the magic, the row count (u64) and the
/// metrics per row (u32).
const ROWS_HEADER: usize = ROWS_MAGIC.len() + 8 + 4;

/// Bytes per row of a chunk part: its step (u32) and its metrics (f64).
const ROW_BYTES: usize = 4 + 8 * METRIC_COUNT;

/// A chunk part: the header, every step, then every row's metrics in the order of
/// `METRICS`, all little-endian.
fn encode_rows(rows: &Rows) -> Vec<u8> {
    let n = rows.steps.len();
    let mut bytes = Vec::with_capacity(ROWS_HEADER + n * ROW_BYTES);
    bytes.extend_from_slice(ROWS_MAGIC);
    bytes.extend_from_slice(&(n as u64).to_le_bytes());
    bytes.extend_from_slice(&(METRIC_COUNT as u32).to_le_bytes());
    for step in &rows.steps {
        bytes.extend_from_slice(&step.to_le_bytes());
    }
    for x in rows.values.iter().flatten() {
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes
}

/// The rows of a chunk part written by [`encode_rows`].
fn decode_rows(bytes: &[u8]) -> Result<Rows> {
    let Some((header, body)) = bytes.split_at_checked(ROWS_HEADER) else {
        bail!("{} bytes, shorter than the header", bytes.len());
    };
    let (magic, counts) = header.split_at(ROWS_MAGIC.len());
    if magic != ROWS_MAGIC {
        bail!(
            "it does not start with {:?}",
            String::from_utf8_lossy(ROWS_MAGIC)
        );
    }
    let (n, metrics) = counts.split_at(8);
    let n = u64::from_le_bytes(n.try_into().expect("8 bytes"));
    let metrics = u32::from_le_bytes(metrics.try_into().expect("4 bytes"));
    if metrics as usize != METRIC_COUNT {
        bail!("{metrics} metrics per row, this program has {METRIC_COUNT}");
    }
    if Some(body.len() as u64) != n.checked_mul(ROW_BYTES as u64) {
        bail!(
            "{} bytes of rows, {n} rows take {}",
            body.len(),
            n as u128 * ROW_BYTES as u128
        );
    }
    let (steps, values) = body.split_at(4 * n as usize);
    Ok(Rows {
        steps: steps
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
            .collect(),
        values: values
            .chunks_exact(8 * METRIC_COUNT)
            .map(|row| {
                std::array::from_fn(|k| {
                    f64::from_le_bytes(row[8 * k..8 * k + 8].try_into().expect("8 bytes"))
                })
            })
            .collect(),
    })
}

/// Writes `path` through a temporary file in the same directory and a rename, so
/// that no half-written file ever stands under its final name.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    let name = path
        .file_name()
        .context("a file path")?
        .to_string_lossy()
        .to_string();
    let temp = path.with_file_name(format!(".{name}.tmp"));
    let result = (|| -> Result<()> {
        let mut out = BufWriter::new(File::create(&temp)?);
        write(&mut out)?;
        out.into_inner().map_err(|e| e.into_error())?;
        std::fs::rename(&temp, path)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// A run's summary row, written last: its presence means the run is complete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    pub run: u32,
    pub chunks: u32,
    pub rows: u64,
    pub trials: u64,
    /// Window means in the order of `METRICS`, as exact decimal text ("NaN" too).
    pub window: Vec<String>,
    pub cumulative_welfare: String,
}

impl Marker {
    fn of(run: u32, o: &Outcome) -> Marker {
        Marker {
            run,
            chunks: o.chunks,
            rows: o.rows,
            trials: o.trials,
            // Rust prints the shortest text that parses back to the same f64.
            window: o.window.iter().map(|x| format!("{x:?}")).collect(),
            cumulative_welfare: format!("{:?}", o.cumulative_welfare),
        }
    }

    /// Window means, then cumulative welfare: the metric columns of `runs.parquet`.
    fn values(&self) -> Result<Vec<f64>> {
        let mut v = self
            .window
            .iter()
            .map(|s| s.parse::<f64>())
            .collect::<Result<Vec<f64>, _>>()?;
        if v.len() != METRIC_COUNT {
            bail!(
                "run {}: {} metrics, expected {METRIC_COUNT}",
                self.run,
                v.len()
            );
        }
        v.push(self.cumulative_welfare.parse()?);
        Ok(v)
    }
}

/// The part files of one output directory.
#[derive(Debug, Clone)]
pub struct Parts {
    dir: PathBuf,
}

impl Parts {
    /// The parts of output directory `out` (in `out/.parts/`).
    pub fn of(out: &Path) -> Parts {
        Parts {
            dir: out.join(".parts"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn chunk_path(&self, run: u32, chunk: u32) -> PathBuf {
        self.dir.join(format!("ts-{run:06}-{chunk:04}.rows"))
    }

    fn marker_path(&self, run: u32) -> PathBuf {
        self.dir.join(format!("run-{run:06}.done"))
    }

    pub fn create(&self) -> Result<()> {
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))
    }

    /// Runs whose marker exists (none if there is no parts directory).
    pub fn done(&self) -> Result<BTreeSet<u32>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
            Err(e) => return Err(e).context(format!("cannot read {}", self.dir.display())),
        };
        let mut done = BTreeSet::new();
        for entry in entries {
            let name = entry?.file_name().to_string_lossy().to_string();
            if let Some(run) = name
                .strip_prefix("run-")
                .and_then(|n| n.strip_suffix(".done"))
                .and_then(|n| n.parse::<u32>().ok())
            {
                done.insert(run);
            }
        }
        Ok(done)
    }

    /// The rows of chunk `chunk` of run `run`.
    fn rows(&self, run: u32, chunk: u32) -> Result<Rows> {
        let path = self.chunk_path(run, chunk);
        // A marker without its parts: deleted, or written by a version of regimes
        // whose parts had another format.
        let bytes = std::fs::read(&path).with_context(|| {
            format!(
                "cannot read {}, a part of a finished run: run without --resume to start over",
                path.display()
            )
        })?;
        decode_rows(&bytes).with_context(|| {
            format!(
                "{} is not a part of this version of regimes: run without --resume to start over",
                path.display()
            )
        })
    }

    pub fn marker(&self, run: u32) -> Result<Marker> {
        let path = self.marker_path(run);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let marker: Marker = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a run marker", path.display()))?;
        Ok(marker)
    }

    /// Removes the parts directory and everything in it.
    pub fn remove(&self) -> Result<()> {
        match std::fs::remove_dir_all(&self.dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).context(format!("cannot remove {}", self.dir.display()))
            }
            _ => Ok(()),
        }
    }
}

/// The identifier columns of a scenario's tables.
struct Layout<'a> {
    scenario: &'a Scenario,
    /// Swept parameters: path and whether the column is numeric.
    sweep: Vec<(String, bool)>,
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
        }
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

    /// `run`, `regime`, `replicate`, `seed` and the swept parameters, for runs in order.
    fn ids(&self, specs: &[RunSpec], repeat: usize) -> Vec<Column> {
        let each = |f: &dyn Fn(&RunSpec) -> u64| -> Vec<u64> {
            specs
                .iter()
                .flat_map(|s| std::iter::repeat_n(f(s), repeat))
                .collect()
        };
        let as_u32 = |v: Vec<u64>| -> Vec<u32> { v.into_iter().map(|x| x as u32).collect() };
        let mut columns = vec![
            Column::new("run".into(), as_u32(each(&|s| s.index as u64))),
            Column::new(
                "regime".into(),
                specs
                    .iter()
                    .flat_map(|s| std::iter::repeat_n(self.regime(s), repeat))
                    .collect::<Vec<&str>>(),
            ),
            Column::new("replicate".into(), as_u32(each(&|s| s.replicate as u64))),
            Column::new("seed".into(), each(&|s| s.seed)),
        ];
        let cells: Vec<Vec<Cell>> = specs.iter().map(|s| self.cells(s.point)).collect();
        for (k, (path, numeric)) in self.sweep.iter().enumerate() {
            let name = path.as_str().into();
            let column = if *numeric {
                let v: Vec<f64> = cells
                    .iter()
                    .flat_map(|c| match &c[k] {
                        Cell::Number(x) => std::iter::repeat_n(*x, repeat),
                        Cell::Text(_) => std::iter::repeat_n(f64::NAN, repeat),
                    })
                    .collect();
                Column::new(name, v)
            } else {
                let v: Vec<String> = cells
                    .iter()
                    .flat_map(|c| std::iter::repeat_n(c[k].to_string(), repeat))
                    .collect();
                Column::new(name, v)
            };
            columns.push(column);
        }
        columns
    }

    /// The `timeseries.parquet` rows of one chunk of a run.
    fn timeseries(&self, spec: &RunSpec, rows: Rows) -> Result<DataFrame> {
        let mut columns = self.ids(std::slice::from_ref(spec), rows.steps.len());
        columns.push(Column::new("step".into(), rows.steps));
        for (k, m) in METRICS.iter().enumerate() {
            let v: Vec<f64> = rows.values.iter().map(|r| r[k]).collect();
            columns.push(Column::new(m.name.into(), v));
        }
        Ok(DataFrame::new_infer_height(columns)?)
    }

    /// The `runs.parquet` rows of runs given with their metric values.
    fn runs(&self, specs: &[RunSpec], values: &[Vec<f64>]) -> Result<DataFrame> {
        let mut columns = self.ids(specs, 1);
        let names = METRICS.iter().map(|m| m.name).chain([CUMULATIVE_WELFARE]);
        for (k, name) in names.enumerate() {
            let v: Vec<f64> = values.iter().map(|r| r[k]).collect();
            columns.push(Column::new(name.into(), v));
        }
        Ok(DataFrame::new_infer_height(columns)?)
    }
}

/// Runs write their rows and markers straight into the parts directory.
impl Sink for Parts {
    fn chunk(&self, run: &RunSpec, chunk: u32, rows: &Rows) -> Result<()> {
        write_atomic(&self.chunk_path(run.index, chunk), |f| {
            f.write_all(&encode_rows(rows))?;
            Ok(())
        })
    }

    fn finish(&self, run: &RunSpec, outcome: &Outcome) -> Result<()> {
        let marker = Marker::of(run.index, outcome);
        write_atomic(&self.marker_path(run.index), |f| {
            serde_json::to_writer(&mut *f, &marker)?;
            Ok(())
        })
    }
}

fn parquet<W: Write>(w: W) -> ParquetWriter<W> {
    ParquetWriter::new(w).with_compression(ParquetCompression::Zstd(None))
}

/// Row groups written one at a time to a Parquet file.
struct Batches<W: Write> {
    writer: Option<polars::io::parquet::write::BatchedWriter<W>>,
    pending: Vec<DataFrame>,
    rows: usize,
    out: Option<W>,
}

impl<W: Write> Batches<W> {
    fn new(out: W) -> Self {
        Batches {
            writer: None,
            pending: Vec::new(),
            rows: 0,
            out: Some(out),
        }
    }

    fn push(&mut self, df: DataFrame) -> Result<()> {
        self.rows += df.height();
        self.pending.push(df);
        if self.rows >= ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        let mut frames = std::mem::take(&mut self.pending).into_iter();
        let Some(mut group) = frames.next() else {
            return Ok(());
        };
        for df in frames {
            group.vstack_mut_owned(df)?;
        }
        group.rechunk_mut();
        if self.writer.is_none() {
            let out = self.out.take().expect("output not yet used");
            self.writer = Some(parquet(out).batched(group.schema())?);
        }
        self.writer
            .as_mut()
            .expect("writer started")
            .write_batch(&group)?;
        self.rows = 0;
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        self.flush()?;
        match &self.writer {
            Some(w) => {
                w.finish()?;
            }
            None => bail!("no rows to write"),
        }
        Ok(())
    }
}

/// Where each run's parts are: one parts directory, or several shards' ones.
pub trait Locate {
    fn parts(&self, run: u32) -> Option<&Parts>;
}

impl Locate for Parts {
    fn parts(&self, _run: u32) -> Option<&Parts> {
        Some(self)
    }
}

/// What [`assemble`] learnt on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Assembled {
    /// The headline metrics, for the screen.
    pub overview: Overview,
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
    let headline: Vec<usize> = HEADLINE
        .iter()
        .map(|h| {
            metric_names
                .iter()
                .position(|m| m == h)
                .expect("headline metric")
        })
        .collect();
    let per_point = scenario.points() <= OVERVIEW_POINTS;
    let mut overview = Overview {
        labels: std::iter::once("regime".to_string())
            .chain(
                layout
                    .sweep
                    .iter()
                    .filter(|_| per_point)
                    .map(|s| s.0.clone()),
            )
            .collect(),
        metrics: HEADLINE.iter().map(|s| s.to_string()).collect(),
        rows: Vec::new(),
        pooled_points: (!per_point).then_some(scenario.points()),
    };
    let mut pooled = vec![vec![Accumulator::default(); headline.len()]; scenario.regimes.len()];
    let mut trials = 0u64;

    let ts_path = out.join(TIMESERIES);
    let runs_path = out.join(RUNS);
    let summary_path = out.join(SUMMARY);
    // The three tables are written side by side under temporary names.
    let temp =
        |p: &Path| p.with_file_name(format!(".{}.tmp", p.file_name().unwrap().to_string_lossy()));
    let result = (|| -> Result<()> {
        let mut ts = Batches::new(BufWriter::new(File::create(temp(&ts_path))?));
        let mut runs = Batches::new(BufWriter::new(File::create(temp(&runs_path))?));
        let mut summary = SummaryCsv::new(BufWriter::new(File::create(temp(&summary_path))?));
        let mut run_specs: Vec<RunSpec> = Vec::new();
        let mut run_values: Vec<Vec<f64>> = Vec::new();
        let mut group: Vec<Accumulator> = vec![Accumulator::default(); metric_names.len()];
        for run in 0..total {
            let spec = scenario.run_spec(run);
            let parts = parts
                .parts(run)
                .with_context(|| format!("run {run} is missing"))?;
            let marker = parts
                .marker(run)
                .with_context(|| format!("run {run} is not finished"))?;
            for chunk in 0..marker.chunks {
                ts.push(layout.timeseries(&spec, parts.rows(run, chunk)?)?)?;
            }
            let values = marker.values()?;
            trials += marker.trials;
            for (acc, &x) in group.iter_mut().zip(&values) {
                acc.push(x);
            }
            for (acc, &k) in pooled[spec.regime].iter_mut().zip(&headline) {
                acc.push(values[k]);
            }
            run_specs.push(spec);
            run_values.push(values);
            if run_specs.len() >= ROW_GROUP {
                runs.push(layout.runs(&run_specs, &run_values)?)?;
                run_specs.clear();
                run_values.clear();
            }
            // Runs are ordered point x regime x replicate: a group ends with its last replicate.
            if spec.replicate + 1 == scenario.replicates {
                let stats: Vec<_> = group.iter().map(Accumulator::stats).collect();
                let mut labels = vec![layout.regime(&spec).to_string()];
                let cells = layout.cells(spec.point);
                summary.group(&layout, &labels, &cells, &metric_names, &stats)?;
                if per_point {
                    labels.extend(cells.iter().map(Cell::to_string));
                    overview
                        .rows
                        .push((labels, headline.iter().map(|&k| stats[k]).collect()));
                }
                group = vec![Accumulator::default(); metric_names.len()];
            }
        }
        if !run_specs.is_empty() {
            runs.push(layout.runs(&run_specs, &run_values)?)?;
        }
        ts.finish()?;
        runs.finish()?;
        summary.finish()?;
        for path in [&ts_path, &runs_path, &summary_path] {
            std::fs::rename(temp(path), path)?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        for path in [&ts_path, &runs_path, &summary_path] {
            let _ = std::fs::remove_file(temp(path));
        }
        return Err(e.context(format!("cannot write the tables in {}", out.display())));
    }
    if !per_point {
        overview.rows = scenario
            .regimes
            .iter()
            .zip(&pooled)
            .map(|(r, acc)| {
                (
                    vec![r.name.clone()],
                    acc.iter().map(Accumulator::stats).collect(),
                )
            })
            .collect();
    }
    Ok(Assembled { overview, trials })
}

/// `summary.csv`, written a batch of groups at a time.
struct SummaryCsv<W: Write> {
    writer: Option<polars::io::csv::write::BatchedWriter<W>>,
    out: Option<W>,
}

impl<W: Write> SummaryCsv<W> {
    fn new(out: W) -> Self {
        SummaryCsv {
            writer: None,
            out: Some(out),
        }
    }

    /// The rows of one regime x sweep point: one per metric.
    fn group(
        &mut self,
        layout: &Layout,
        labels: &[String],
        cells: &[Cell],
        metrics: &[&str],
        stats: &[super::summary::Stats],
    ) -> Result<()> {
        let n = metrics.len();
        let mut columns = vec![Column::new("regime".into(), vec![labels[0].as_str(); n])];
        for ((path, numeric), cell) in layout.sweep.iter().zip(cells) {
            let name = path.as_str().into();
            columns.push(match cell {
                Cell::Number(x) if *numeric => Column::new(name, vec![*x; n]),
                other => Column::new(name, vec![other.to_string(); n]),
            });
        }
        columns.push(Column::new("metric".into(), metrics.to_vec()));
        columns.push(Column::new(
            "n".into(),
            stats.iter().map(|s| s.n).collect::<Vec<u32>>(),
        ));
        type Field = fn(&super::summary::Stats) -> f64;
        let fields: [(&str, Field); 4] = [
            ("mean", |s| s.mean),
            ("sd", |s| s.sd),
            ("ci_low", |s| s.ci_low),
            ("ci_high", |s| s.ci_high),
        ];
        for (name, f) in fields {
            columns.push(Column::new(
                name.into(),
                stats.iter().map(f).collect::<Vec<f64>>(),
            ));
        }
        let df = DataFrame::new_infer_height(columns)?;
        if self.writer.is_none() {
            let out = self.out.take().expect("output not yet used");
            self.writer = Some(
                CsvWriter::new(out)
                    .include_header(true)
                    .batched(df.schema())?,
            );
        }
        self.writer
            .as_mut()
            .expect("writer started")
            .write_batch(&df)?;
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        match self.writer.as_mut() {
            Some(w) => w.finish()?,
            None => bail!("no summary rows"),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{ParquetReader, SerReader};

    fn scenario() -> Scenario {
        Scenario::parse(
            "replicates = 2\nregimes = [\"enclosure\", \"commons\"]\n[sweep]\n\"world.loci\" = [10, 20]\n\"regime.visibility\" = [\"open\"]",
            "t",
            "t",
            &[],
        )
        .unwrap()
    }

    /// Fake rows: value = run + step / 100 in every metric.
    fn fake_run(parts: &Parts, s: &Scenario, run: u32, steps: u32, chunk: usize) {
        let spec = s.run_spec(run);
        let mut chunks = 0;
        let all: Vec<u32> = (0..steps).collect();
        for part in all.chunks(chunk) {
            let rows = Rows {
                steps: part.to_vec(),
                values: part
                    .iter()
                    .map(|&t| [run as f64 + t as f64 / 100.0; METRIC_COUNT])
                    .collect(),
            };
            parts.chunk(&spec, chunks, &rows).unwrap();
            chunks += 1;
        }
        let mut window = [run as f64; METRIC_COUNT];
        window[1] = f64::NAN;
        let outcome = Outcome {
            chunks,
            rows: steps as u64,
            trials: 10,
            window,
            cumulative_welfare: 0.1 + run as f64,
        };
        parts.finish(&spec, &outcome).unwrap();
    }

    fn fresh_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("regimes-tables-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// The test scenario, a fresh output directory `name` and its created parts.
    fn fresh_parts(name: &str) -> (Scenario, PathBuf, Parts) {
        let dir = fresh_dir(name);
        let parts = Parts::of(&dir);
        parts.create().unwrap();
        (scenario(), dir, parts)
    }

    #[test]
    fn parts_assemble_into_tables_in_run_order() {
        let (s, dir, parts) = fresh_parts("assemble");
        // Finish runs out of order, with different chunkings.
        for run in (0..s.runs() as u32).rev() {
            fake_run(&parts, &s, run, 5, 1 + run as usize % 3);
        }
        assert_eq!(parts.done().unwrap().len(), 8);
        let Assembled { overview, trials } = assemble(&s, &parts, &dir).unwrap();
        assert_eq!(trials, 80);
        assert_eq!(overview.rows.len(), 4);
        assert_eq!(
            overview.labels,
            ["regime", "world.loci", "regime.visibility"]
        );

        let ts = ParquetReader::new(File::open(dir.join(TIMESERIES)).unwrap())
            .finish()
            .unwrap();
        assert_eq!(ts.height(), 8 * 5);
        let names: Vec<String> = ts
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(
            &names[..7],
            [
                "run",
                "regime",
                "replicate",
                "seed",
                "world.loci",
                "regime.visibility",
                "step"
            ]
        );
        assert_eq!(names.len(), 7 + METRIC_COUNT);
        let runs_col: Vec<u32> = ts
            .column("run")
            .unwrap()
            .u32()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert!(runs_col.windows(2).all(|w| w[0] <= w[1]));

        let runs = ParquetReader::new(File::open(dir.join(RUNS)).unwrap())
            .finish()
            .unwrap();
        assert_eq!(runs.height(), 8);
        let cw: Vec<f64> = runs
            .column(CUMULATIVE_WELFARE)
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(cw[3], 3.1);

        let csv = std::fs::read_to_string(dir.join(SUMMARY)).unwrap();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next().unwrap(),
            "regime,world.loci,regime.visibility,metric,n,mean,sd,ci_low,ci_high"
        );
        assert_eq!(csv.lines().count(), 1 + 4 * (METRIC_COUNT + 1));
        // Runs 0 and 1 (enclosure at loci 10): trials mean 0.5, duplicated_share all NaN.
        let first: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
        assert_eq!(&first[..5], ["enclosure", "10.0", "open", "trials", "2"]);
        assert_eq!(first[5], "0.5");
        let second: Vec<&str> = csv.lines().nth(2).unwrap().split(',').collect();
        assert_eq!(second[4], "0");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn assembling_refuses_missing_runs_and_leaves_no_table() {
        let (s, dir, parts) = fresh_parts("missing");
        fake_run(&parts, &s, 0, 3, 10);
        let e = assemble(&s, &parts, &dir).unwrap_err();
        assert!(format!("{e:#}").contains("run 1"), "{e:#}");
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, [".parts"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn rows_parts_keep_every_bit() {
        let mut odd = [0.1 + 0.2; METRIC_COUNT];
        odd[0] = f64::NAN;
        odd[1] = -0.0;
        odd[2] = f64::NEG_INFINITY;
        odd[3] = 1e-310;
        let rows = Rows {
            steps: vec![0, 7, u32::MAX],
            values: vec![odd, [1.5; METRIC_COUNT], [f64::MAX; METRIC_COUNT]],
        };
        let back = decode_rows(&encode_rows(&rows)).unwrap();
        assert_eq!(back.steps, rows.steps);
        let bits =
            |r: &Rows| -> Vec<u64> { r.values.iter().flatten().map(|x| x.to_bits()).collect() };
        assert_eq!(bits(&back), bits(&rows));
        assert_eq!(
            decode_rows(&encode_rows(&Rows::default())).unwrap(),
            Rows::default()
        );
    }

    #[test]
    fn foreign_or_damaged_parts_are_refused_naming_the_file() {
        let (s, dir, parts) = fresh_parts("foreign");
        fake_run(&parts, &s, 0, 3, 10);
        let path = parts.chunk_path(0, 0);
        let good = std::fs::read(&path).unwrap();
        let mut other_metrics = good.clone();
        other_metrics[ROWS_HEADER - 4..ROWS_HEADER]
            .copy_from_slice(&(METRIC_COUNT as u32 + 1).to_le_bytes());
        let cases: [(Vec<u8>, &str); 4] = [
            (
                b"PAR1 a Parquet part of an older regimes".to_vec(),
                "does not start with",
            ),
            (good[..good.len() - 1].to_vec(), "3 rows take"),
            (other_metrics, "metrics per row"),
            (good[..5].to_vec(), "shorter than the header"),
        ];
        for (bytes, why) in cases {
            std::fs::write(&path, bytes).unwrap();
            let e = format!("{:#}", parts.rows(0, 0).unwrap_err());
            assert!(e.contains(&path.display().to_string()), "{e}");
            assert!(e.contains(why), "{e}");
        }
        std::fs::remove_file(&path).unwrap();
        let e = format!("{:#}", parts.rows(0, 0).unwrap_err());
        assert!(e.contains(&path.display().to_string()), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn markers_keep_floats_exact() {
        let mut window = [0.1 + 0.2; METRIC_COUNT];
        window[0] = f64::NAN;
        window[1] = 1e-300;
        let o = Outcome {
            chunks: 1,
            rows: 1,
            trials: 1,
            window,
            cumulative_welfare: f64::INFINITY,
        };
        let m = Marker::of(3, &o);
        let back: Marker = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        let v = back.values().unwrap();
        assert!(v[0].is_nan());
        assert_eq!(v[1], 1e-300);
        assert_eq!(v[2], 0.1 + 0.2);
        assert_eq!(v[METRIC_COUNT], f64::INFINITY);
    }
}
