//! The part files of an output directory (see `docs/ARCHITECTURE.md`).
//!
//! Runs stream their rows into part files under `DIR/.parts/` as they go: chunk
//! `ts-RUN-CHUNK.rows` files, then a `run-RUN.done` marker holding the run's
//! summary row, written last. Every file is written atomically and durably
//! (`super::files`), a chunk before its run's marker, so a run counts as done
//! exactly when its marker exists, even after a power loss. `--resume` and
//! `regimes merge` read them; [`crate::output::tables::assemble`] turns them into
//! the tables.
//!
//! Chunk parts are plain little-endian rows, not Parquet: they are written from
//! the simulation workers, and polars would compress them on its own thread pool,
//! which competes with the other workers for the cores (see the "Parallel sweep"
//! section of `docs/PERFORMANCE.md`).

use std::collections::BTreeSet;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::files::{Pending, sync_dir};
use crate::experiment::runner::{Outcome, Rows, Sink};
use crate::experiment::sweep::RunSpec;
use crate::model::METRIC_COUNT;

/// First bytes of a chunk part: its format and version. A parts directory can
/// outlive the program that wrote it (`--resume` after an upgrade), and a part
/// laid out otherwise must be refused rather than misread.
/// (v2: each row says whose it is, the world's or a population's.)
const ROWS_MAGIC: &[u8; 16] = b"regimes rows v2\n";

/// Bytes of a chunk part's header: the magic, the row count (u64) and the
/// metrics per row (u32).
const ROWS_HEADER: usize = ROWS_MAGIC.len() + 8 + 4;

/// Bytes per row of a chunk part: its step (u32), its population (u8) and its
/// metrics (f64).
const ROW_BYTES: usize = 4 + 1 + 8 * METRIC_COUNT;

/// A chunk part: the header, every step, every row's population, then every
/// row's metrics in the order of `METRICS`, all little-endian.
fn encode_rows(rows: &Rows) -> Vec<u8> {
    let n = rows.steps.len();
    let mut bytes = Vec::with_capacity(ROWS_HEADER + n * ROW_BYTES);
    bytes.extend_from_slice(ROWS_MAGIC);
    bytes.extend_from_slice(&(n as u64).to_le_bytes());
    bytes.extend_from_slice(&(METRIC_COUNT as u32).to_le_bytes());
    for step in &rows.steps {
        bytes.extend_from_slice(&step.to_le_bytes());
    }
    bytes.extend_from_slice(&rows.population);
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
    let (steps, rest) = body.split_at(4 * n as usize);
    let (population, values) = rest.split_at(n as usize);
    Ok(Rows {
        steps: steps
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
            .collect(),
        population: population.to_vec(),
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
    /// The same of each population in a mixed world, in population order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub populations: Vec<PopulationMarker>,
}

/// A population's part of a run's marker: its window means and cumulative welfare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationMarker {
    pub window: Vec<String>,
    pub cumulative_welfare: String,
}

/// Exact decimal text of each value (Rust prints the shortest text that
/// parses back to the same f64), and back.
fn texts(values: &[f64]) -> Vec<String> {
    values.iter().map(|x| format!("{x:?}")).collect()
}

/// Window means then cumulative welfare, checked for their count.
fn parsed(run: u32, window: &[String], cumulative_welfare: &str) -> Result<Vec<f64>> {
    let mut v = window
        .iter()
        .map(|s| s.parse::<f64>())
        .collect::<Result<Vec<f64>, _>>()?;
    if v.len() != METRIC_COUNT {
        bail!("run {run}: {} metrics, expected {METRIC_COUNT}", v.len());
    }
    v.push(cumulative_welfare.parse()?);
    Ok(v)
}

impl Marker {
    fn of(run: u32, o: &Outcome) -> Marker {
        Marker {
            run,
            chunks: o.chunks,
            rows: o.rows,
            trials: o.trials,
            window: texts(&o.window),
            cumulative_welfare: format!("{:?}", o.cumulative_welfare),
            populations: (o.populations.iter())
                .map(|(window, welfare)| PopulationMarker {
                    window: texts(window),
                    cumulative_welfare: format!("{welfare:?}"),
                })
                .collect(),
        }
    }

    /// Window means, then cumulative welfare: the metric columns of `runs.parquet`
    /// (the world's row).
    pub fn values(&self) -> Result<Vec<f64>> {
        parsed(self.run, &self.window, &self.cumulative_welfare)
    }

    /// The same of each population, in population order (none in a
    /// one-population world): its rows of `runs.parquet` after the world's.
    pub fn population_values(&self) -> Result<Vec<Vec<f64>>> {
        (self.populations.iter())
            .map(|p| parsed(self.run, &p.window, &p.cumulative_welfare))
            .collect()
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

    /// Where [`Parts::retire`] moves the parts before deleting them.
    fn retired(&self) -> PathBuf {
        self.dir.with_file_name(".parts.old")
    }

    /// Creates the parts directory, durably (its parts are only found through it).
    pub fn create(&self) -> Result<()> {
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        sync_dir(self.dir.parent().unwrap_or(Path::new(".")))
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
    pub fn rows(&self, run: u32, chunk: u32) -> Result<Rows> {
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

    /// Removes the parts in one step: the directory is renamed aside (one atomic
    /// rename, synced), then deleted. Killed at any moment, it leaves either every
    /// part or none under `.parts`, never markers whose chunks are gone (issue 19:
    /// such a directory could no longer be resumed). A deletion cut short leaves
    /// `.parts.old`, which the next removal deletes first.
    pub fn retire(&self) -> Result<()> {
        let aside = self.retired();
        remove_dir(&aside)?;
        match std::fs::rename(&self.dir, &aside) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e).context(format!("cannot remove {}", self.dir.display())),
        }
        sync_dir(self.dir.parent().unwrap_or(Path::new(".")))?;
        remove_dir(&aside)
    }

    /// Whether the parts directory exists (a run started and not yet finished).
    pub fn exist(&self) -> bool {
        self.dir.exists()
    }
}

/// Removes a directory and everything in it; a missing one is no error.
fn remove_dir(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != ErrorKind::NotFound => {
            Err(e).context(format!("cannot remove {}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// Runs write their rows and markers straight into the parts directory.
/// Three syncs per run of one chunk: each chunk's data, the directory once
/// before the marker (so no marker can outlive its chunks on disk), the
/// marker's data. The marker's rename itself needs no sync: if a power cut
/// loses it, `--resume` computes the run again.
impl Sink for Parts {
    fn chunk(&self, run: &RunSpec, chunk: u32, rows: &Rows) -> Result<()> {
        let path = self.chunk_path(run.index, chunk);
        let mut file = Pending::create(&path)?;
        file.writer()
            .write_all(&encode_rows(rows))
            .with_context(|| format!("cannot write {}", path.display()))?;
        file.commit()
    }

    fn finish(&self, run: &RunSpec, outcome: &Outcome) -> Result<()> {
        sync_dir(&self.dir)?;
        let marker = Marker::of(run.index, outcome);
        let path = self.marker_path(run.index);
        let mut file = Pending::create(&path)?;
        serde_json::to_writer(file.writer(), &marker)
            .with_context(|| format!("cannot write {}", path.display()))?;
        file.commit()
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

#[cfg(test)]
mod tests;
