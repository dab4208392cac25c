//! A sweep through the real runner with 1, 2, .. threads, keeping rows in memory
//! instead of writing tables: the parallel speedup of the engine and the runner
//! alone, and a check that every thread count computes the same rows (issue 5).
//!
//! ```text
//! cargo run --release --example sweep -- [SCENARIO.toml] [--set PATH=VALUE].. [--threads 1,2]
//! ```
//!
//! Without a scenario file it sweeps the embedded default scenario; the 64
//! default runs of docs/PERFORMANCE.md are `benches/sweep64.toml`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, Result};
use regimes::experiment::runner::{self, Options, Outcome, Rows, Sink};
use regimes::experiment::sweep::RunSpec;
use regimes::experiment::{Override, Scenario};

/// Every run's rows, as the bits of their steps and values, by run and chunk.
type Bits = BTreeMap<(u32, u32), Vec<u64>>;

/// Keeps every run's rows in memory.
#[derive(Default)]
struct Memory {
    rows: Mutex<Bits>,
}

impl Sink for Memory {
    fn chunk(&self, run: &RunSpec, chunk: u32, rows: &Rows) -> Result<()> {
        let bits = rows
            .steps
            .iter()
            .map(|&t| t as u64)
            .chain(rows.values.iter().flatten().map(|v| v.to_bits()))
            .collect();
        let mut all = self.rows.lock().expect("no panic while holding the lock");
        all.insert((run.index, chunk), bits);
        Ok(())
    }

    fn finish(&self, _: &RunSpec, _: &Outcome) -> Result<()> {
        Ok(())
    }
}

fn main() -> Result<()> {
    let mut file = None;
    let mut overrides: Vec<Override> = Vec::new();
    let mut threads = vec![1, 2];
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--set" => {
                let value = args.next().context("--set needs PATH=VALUE")?;
                overrides.push(value.parse().map_err(anyhow::Error::msg)?);
            }
            "--threads" => {
                let list = args.next().context("--threads needs a list like 1,2")?;
                threads = list
                    .split(',')
                    .map(|t| t.parse().context("a thread count"))
                    .collect::<Result<_>>()?;
            }
            _ => file = Some(arg),
        }
    }
    let scenario = match &file {
        Some(path) => Scenario::load(Path::new(path), &overrides),
        None => Scenario::default_with(&overrides),
    }
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let indices: Vec<u32> = (0..scenario.runs() as u32).collect();
    println!(
        "{}: {} runs of {} steps",
        scenario.name,
        indices.len(),
        scenario.steps
    );

    let mut first: Option<(f64, Bits)> = None;
    for &count in &threads {
        let sink = Memory::default();
        let options = Options {
            threads: count,
            quiet: true,
            ..Options::default()
        };
        let report = runner::execute(&scenario, &indices, &options, &sink)?;
        let rows = sink
            .rows
            .into_inner()
            .expect("no panic while holding the lock");
        let (speedup, same) = match &first {
            Some((seconds, reference)) => (seconds / report.seconds, *reference == rows),
            None => (1.0, true),
        };
        println!(
            "{count} thread(s): {:.3} s, {:.2}x, {:.3e} trials/s, rows {}",
            report.seconds,
            speedup,
            report.trials as f64 / report.seconds,
            if same { "identical" } else { "DIFFERENT" }
        );
        if first.is_none() {
            first = Some((report.seconds, rows));
        }
    }
    Ok(())
}
