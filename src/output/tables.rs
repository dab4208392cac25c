//! The tables of the output directory (see `docs/ARCHITECTURE.md`).
//!
//! Runs stream their rows into part files under `DIR/.parts/` as they go: chunk
//! `ts-RUN-CHUNK.parquet` files, then a `run-RUN.done` marker holding the run's
//! summary row, written last. Every file is written under a temporary name and
//! renamed, so a killed run leaves only whole files, and a run counts as done
//! exactly when its marker exists. [`assemble`] then concatenates the parts in
//! run order into the final tables, a row group at a time, so memory stays
//! bounded by one row group whatever the number of steps and runs.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use polars::prelude::{
    Column, CsvWriter, DataFrame, ParquetCompression, ParquetReader, ParquetWriter, SerReader,
    SerWriter,
};
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
        self.dir.join(format!("ts-{run:06}-{chunk:04}.parquet"))
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
    fn timeseries(&self, spec: &RunSpec, rows: &Rows) -> Result<DataFrame> {
        let mut columns = self.ids(std::slice::from_ref(spec), rows.steps.len());
        columns.push(Column::new("step".into(), rows.steps.clone()));
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

/// Writes a run's rows and its marker into the parts directory.
pub struct PartsSink<'a> {
    parts: Parts,
    layout: Layout<'a>,
}

impl<'a> PartsSink<'a> {
    pub fn new(scenario: &'a Scenario, parts: Parts) -> Self {
        PartsSink {
            parts,
            layout: Layout::new(scenario),
        }
    }
}

impl Sink for PartsSink<'_> {
    fn chunk(&self, run: &RunSpec, chunk: u32, rows: &Rows) -> Result<()> {
        let mut df = self.layout.timeseries(run, rows)?;
        write_atomic(&self.parts.chunk_path(run.index, chunk), |f| {
            parquet(f).finish(&mut df)?;
            Ok(())
        })
    }

    fn finish(&self, run: &RunSpec, outcome: &Outcome) -> Result<()> {
        let marker = Marker::of(run.index, outcome);
        write_atomic(&self.parts.marker_path(run.index), |f| {
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
                let path = parts.chunk_path(run, chunk);
                let file =
                    File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
                ts.push(ParquetReader::new(file).finish()?)?;
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
    fn fake_run(sink: &PartsSink, s: &Scenario, run: u32, steps: u32, chunk: usize) {
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
            sink.chunk(&spec, chunks, &rows).unwrap();
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
        sink.finish(&spec, &outcome).unwrap();
    }

    fn fresh_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("regimes-tables-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn parts_assemble_into_tables_in_run_order() {
        let s = scenario();
        let dir = fresh_dir("assemble");
        let parts = Parts::of(&dir);
        parts.create().unwrap();
        let sink = PartsSink::new(&s, parts.clone());
        // Finish runs out of order, with different chunkings.
        for run in (0..s.runs() as u32).rev() {
            fake_run(&sink, &s, run, 5, 1 + run as usize % 3);
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
        let s = scenario();
        let dir = fresh_dir("missing");
        let parts = Parts::of(&dir);
        parts.create().unwrap();
        let sink = PartsSink::new(&s, parts.clone());
        fake_run(&sink, &s, 0, 3, 10);
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
