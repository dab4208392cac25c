//! What an output directory says about itself: `manifest.json` (how its tables
//! were made) and, in a shard's directory, `shard.json` (which shard it holds).

use std::io::ErrorKind;
use std::path::Path;
use std::time::SystemTime;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::timestamp;
use crate::experiment::shard::Shard;
use crate::experiment::{InputError, Scenario};
use crate::output::tables::{MANIFEST, write_atomic};

/// The shard description left in a shard's directory.
pub const SHARD: &str = "shard.json";

/// What `manifest.json` records about how the tables were made.
#[derive(Serialize, Debug)]
pub struct Manifest {
    pub program: &'static str,
    pub version: &'static str,
    pub scenario: String,
    pub seed: u64,
    pub runs: u64,
    /// Runs computed by this invocation (fewer after `--resume`; none for `merge`).
    pub runs_computed: usize,
    pub resumed: bool,
    pub threads: Option<usize>,
    pub started: String,
    pub finished: String,
    pub wall_seconds: f64,
    /// Search trials of every run.
    pub search_trials: u64,
    /// Search trials per second of the runs computed by this invocation.
    pub trials_per_second: Option<f64>,
    /// Shard directories combined by `regimes merge`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_from: Option<Vec<String>>,
}

impl Manifest {
    /// A manifest for the scenario, started at `started`, finished now.
    pub fn new(scenario: &Scenario, started: SystemTime, trials: u64) -> Manifest {
        let now = SystemTime::now();
        Manifest {
            program: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            scenario: scenario.name.clone(),
            seed: scenario.seed,
            runs: scenario.runs(),
            runs_computed: 0,
            resumed: false,
            threads: None,
            started: timestamp(started),
            finished: timestamp(now),
            wall_seconds: now
                .duration_since(started)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0),
            search_trials: trials,
            trials_per_second: None,
            merged_from: None,
        }
    }

    pub fn write(&self, out: &Path) -> Result<()> {
        write_atomic(&out.join(MANIFEST), |f| {
            serde_json::to_writer_pretty(&mut *f, self)?;
            Ok(())
        })
    }
}

/// What a shard directory says about itself, written when the shard starts (so
/// that `merge` can name an unfinished shard) and again when it ends.
#[derive(Serialize, Debug)]
pub struct ShardInfo {
    /// `I/N`.
    pub shard: String,
    pub scenario: String,
    /// Runs of this shard.
    pub runs: usize,
    /// Whether every run of the shard is finished.
    pub finished: bool,
    /// Search trials of the runs this invocation computed (fewer after `--resume`), once finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_trials: Option<u64>,
}

impl ShardInfo {
    pub fn write(&self, out: &Path) -> Result<()> {
        write_atomic(&out.join(SHARD), |f| {
            serde_json::to_writer_pretty(&mut *f, self)?;
            Ok(())
        })
    }
}

/// The part of `shard.json` read back.
#[derive(Deserialize)]
struct ShardFile {
    shard: String,
}

/// The shard `dir` was started as, if it holds one (from its `shard.json`).
pub fn recorded_shard(dir: &Path) -> Result<Option<Shard>> {
    let path = dir.join(SHARD);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).context(format!("cannot read {}", path.display())),
    };
    let invalid = |e: String| InputError::new(format!("{}: {e}", path.display()));
    let file: ShardFile = serde_json::from_str(&text)
        .map_err(|e| invalid(format!("{e}: not a shard description")))?;
    let shard = file
        .shard
        .parse()
        .map_err(|e| invalid(format!("shard {e}")))?;
    Ok(Some(shard))
}

/// Refuses to resume a shard directory as another shard: its finished runs
/// would be kept and the rest of the other shard added to them.
pub fn same_shard(out: &Path, shard: Shard) -> Result<()> {
    match recorded_shard(out)? {
        Some(recorded) if recorded != shard => Err(InputError::new(format!(
            "{}: this directory holds shard {recorded}, not {shard}: resume it with \
             --shard {recorded}, or give another --out",
            out.join(SHARD).display()
        ))
        .into()),
        _ => Ok(()),
    }
}
