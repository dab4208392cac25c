//! Runs a scenario's runs in parallel on a dedicated rayon pool. Each run streams
//! its recorded rows to a [`Sink`] in chunks as it goes and keeps only a rolling
//! window for its summary, so memory does not grow with steps or runs.

use std::collections::VecDeque;
use std::time::Instant;

use anyhow::{Context, Result};
use rayon::prelude::*;

use super::progress::Progress;
use super::scenario::Scenario;
use super::sweep::RunSpec;
use crate::model::{METRIC_COUNT, METRICS, Simulation};

/// One metric row per recorded step.
pub type Values = [f64; METRIC_COUNT];

/// Recorded rows of one run, a chunk at a time. A recorded step has one row
/// for the world and, in a mixed world, one more per population after it
/// (spec §5 "Observation"): all the rows of a step are in the same chunk.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Rows {
    pub steps: Vec<u32>,
    /// Whose row: [`WORLD`] for the world, `k + 1` for population `k`.
    pub population: Vec<u8>,
    pub values: Vec<Values>,
}

/// The `population` of the world's rows (named `all` in the tables).
pub const WORLD: u8 = 0;

impl Rows {
    fn push(&mut self, step: u32, population: u8, values: Values) {
        self.steps.push(step);
        self.population.push(population);
        self.values.push(values);
    }
}

/// What a finished run leaves besides its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Chunks handed to the sink, numbered from 0.
    pub chunks: u32,
    pub rows: u64,
    /// Search trials performed (for throughput).
    pub trials: u64,
    /// Each metric averaged over the last `window` recorded steps, NaN skipped.
    pub window: Values,
    /// Welfare summed over every step (recorded or not), NaN skipped.
    pub cumulative_welfare: f64,
    /// The same of each population, in population order (mixed worlds only).
    pub populations: Vec<(Values, f64)>,
}

/// Where runs put their results; called from many threads at once.
pub trait Sink: Sync {
    /// Chunk `chunk` of a run's rows, in order.
    fn chunk(&self, run: &RunSpec, chunk: u32, rows: &Rows) -> Result<()>;
    /// Called once after the run's last chunk.
    fn finish(&self, run: &RunSpec, outcome: &Outcome) -> Result<()>;
}

/// Worker threads allowed per core: more only add switching and memory (issue 19:
/// `--threads 100000` started 4,745 threads on 2 cores and ran away for minutes).
pub const THREADS_PER_CORE: usize = 4;

/// The worker threads used for `requested`: at most [`THREADS_PER_CORE`] per
/// core; 0 stays 0 (rayon's default: one per core, or `RAYON_NUM_THREADS`).
pub fn thread_count(requested: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    requested.min(THREADS_PER_CORE * cores)
}

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Worker threads (0 uses every core), capped by [`thread_count`].
    pub threads: usize,
    /// No progress bar or lines.
    pub quiet: bool,
    /// Rows a run holds before handing them to the sink.
    pub chunk_rows: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threads: 0,
            quiet: false,
            chunk_rows: 100_000,
        }
    }
}

/// What an invocation of the runner did.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub threads: usize,
    pub runs: usize,
    pub trials: u64,
    pub seconds: f64,
}

/// Runs the runs of `scenario` with the given indices, in parallel.
pub fn execute(
    scenario: &Scenario,
    indices: &[u32],
    options: &Options,
    sink: &dyn Sink,
) -> Result<Report> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(thread_count(options.threads))
        .build()
        .context("cannot start the worker threads")?;
    let progress = Progress::new(indices.len(), options.quiet);
    let start = Instant::now();
    let trials: u64 = pool.install(|| {
        indices
            .par_iter()
            .map(|&i| {
                let spec = scenario.run_spec(i);
                let outcome = simulate(scenario, &spec, options.chunk_rows, sink)
                    .with_context(|| format!("run {i} failed"))?;
                progress.inc();
                Ok::<u64, anyhow::Error>(outcome.trials)
            })
            .try_reduce(|| 0, |a, b| Ok(a + b))
    })?;
    progress.finish();
    Ok(Report {
        threads: pool.current_num_threads(),
        runs: indices.len(),
        trials,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// One whole run: its steps, its rows in chunks, then its outcome.
pub fn simulate(
    scenario: &Scenario,
    spec: &RunSpec,
    chunk_rows: usize,
    sink: &dyn Sink,
) -> Result<Outcome> {
    let config = scenario
        .config(spec.point, spec.regime)
        .map_err(anyhow::Error::msg)?;
    let mut sim = Simulation::new(&config, spec.seed)?;
    let welfare = METRICS
        .iter()
        .position(|m| m.name == "welfare")
        .expect("welfare is a metric");
    let window = scenario.window as usize;
    // The world's, then each population's (none in a one-population world).
    let kinds = 1 + config.populations.len() * (config.populations.len() > 1) as usize;
    let mut recent = vec![VecDeque::<Values>::with_capacity(window); kinds];
    let mut cumulative = vec![0.0f64; kinds];
    let mut rows = Rows::default();
    let (mut chunks, mut count) = (0u32, 0u64);
    for t in 0..scenario.steps {
        let world = sim.step().values();
        let each = sim.population_metrics().iter().map(|m| m.values());
        let mut kept = 0;
        for (k, values) in std::iter::once(world).chain(each).enumerate() {
            if !values[welfare].is_nan() {
                cumulative[k] += values[welfare];
            }
            if t % scenario.record_every != 0 {
                continue;
            }
            if recent[k].len() == window {
                recent[k].pop_front();
            }
            recent[k].push_back(values);
            rows.push(t, k as u8, values);
            kept += 1;
        }
        if kept == 0 {
            continue;
        }
        count += kept;
        if rows.steps.len() >= chunk_rows {
            sink.chunk(spec, chunks, &rows)?;
            chunks += 1;
            rows = Rows::default();
        }
    }
    if !rows.steps.is_empty() {
        sink.chunk(spec, chunks, &rows)?;
        chunks += 1;
    }
    let outcome = Outcome {
        chunks,
        rows: count,
        trials: sim.search_trials(),
        window: window_means(&recent[0]),
        cumulative_welfare: cumulative[0],
        populations: (recent[1..].iter().map(window_means))
            .zip(cumulative[1..].iter().copied())
            .collect(),
    };
    sink.finish(spec, &outcome)?;
    Ok(outcome)
}

/// Mean of each metric over the rows, NaN skipped (NaN when nothing is left).
fn window_means(rows: &VecDeque<Values>) -> Values {
    let mut means = [f64::NAN; METRIC_COUNT];
    for (k, mean) in means.iter_mut().enumerate() {
        let (mut sum, mut n) = (0.0, 0u32);
        for row in rows {
            if !row[k].is_nan() {
                sum += row[k];
                n += 1;
            }
        }
        if n > 0 {
            *mean = sum / n as f64;
        }
    }
    means
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::sync::Mutex;

    /// Keeps everything a run hands over.
    #[derive(Default)]
    struct Memory {
        chunks: Mutex<Vec<(u32, u32, Rows)>>,
        outcomes: Mutex<Vec<(u32, Outcome)>>,
    }

    impl Sink for Memory {
        fn chunk(&self, run: &RunSpec, chunk: u32, rows: &Rows) -> Result<()> {
            self.chunks
                .lock()
                .unwrap()
                .push((run.index, chunk, rows.clone()));
            Ok(())
        }
        fn finish(&self, run: &RunSpec, outcome: &Outcome) -> Result<()> {
            self.outcomes
                .lock()
                .unwrap()
                .push((run.index, outcome.clone()));
            Ok(())
        }
    }

    fn tiny() -> Scenario {
        Scenario::parse(
            "steps = 10\nreplicates = 2\nrecord_every = 3\nwindow = 2\n\
             [world]\nproducers = 30\nproblems = 10\ngroups = 3",
            "t",
            "t",
            &[],
        )
        .unwrap()
    }

    #[test]
    fn a_run_streams_chunks_and_keeps_a_window() {
        let s = tiny();
        let sink = Memory::default();
        let spec = s.run_spec(3);
        let outcome = simulate(&s, &spec, 3, &sink).unwrap();
        let chunks = sink.chunks.into_inner().unwrap();
        // Recorded steps 0, 3, 6, 9 in chunks of at most 3 rows.
        let steps: Vec<Vec<u32>> = chunks.iter().map(|c| c.2.steps.clone()).collect();
        assert_eq!(steps, [vec![0, 3, 6], vec![9]]);
        assert_eq!(chunks.iter().map(|c| c.1).collect::<Vec<_>>(), [0, 1]);
        assert_eq!((outcome.chunks, outcome.rows), (2, 4));

        // The same run by hand: window of the last 2 recorded steps, welfare of every step.
        let config = s.config(spec.point, spec.regime).unwrap();
        let mut sim = Simulation::new(&config, spec.seed).unwrap();
        let all: Vec<Values> = (0..10).map(|_| sim.step().values()).collect();
        let welfare = METRICS.iter().position(|m| m.name == "welfare").unwrap();
        let total: f64 = all.iter().map(|v| v[welfare]).filter(|x| !x.is_nan()).sum();
        assert_eq!(outcome.cumulative_welfare, total);
        let last: VecDeque<Values> = [all[6], all[9]].into_iter().collect();
        let expected = window_means(&last);
        let bits = |v: &Values| v.map(f64::to_bits);
        assert_eq!(bits(&outcome.window), bits(&expected));
        assert_eq!(outcome.trials, sim.search_trials());
        assert_eq!(bits(&chunks[1].2.values[0]), bits(&all[9]));
    }

    #[test]
    fn execute_runs_the_requested_runs_once() {
        let s = tiny();
        let sink = Memory::default();
        let options = Options {
            threads: 2,
            quiet: true,
            chunk_rows: 100,
        };
        let report = execute(&s, &[0, 2, 5], &options, &sink).unwrap();
        assert_eq!((report.runs, report.threads), (3, 2));
        let mut done: Vec<u32> = sink
            .outcomes
            .into_inner()
            .unwrap()
            .iter()
            .map(|o| o.0)
            .collect();
        done.sort();
        assert_eq!(done, [0, 2, 5]);
    }

    #[test]
    fn threads_are_capped_per_core() {
        let cores = std::thread::available_parallelism().unwrap().get();
        assert_eq!(thread_count(0), 0);
        assert_eq!(thread_count(1), 1);
        assert_eq!(thread_count(100_000), THREADS_PER_CORE * cores);
        let report = execute(
            &tiny(),
            &[0],
            &Options {
                threads: 100_000,
                quiet: true,
                chunk_rows: 100,
            },
            &Memory::default(),
        )
        .unwrap();
        assert_eq!(report.threads, THREADS_PER_CORE * cores);
    }

    #[test]
    fn window_means_skip_nan() {
        let mut a = [1.0; METRIC_COUNT];
        let mut b = [3.0; METRIC_COUNT];
        a[0] = f64::NAN;
        b[1] = f64::NAN;
        let mut c = [f64::NAN; METRIC_COUNT];
        c[2] = 5.0;
        let rows: VecDeque<Values> = [a, b, c].into_iter().collect();
        let m = window_means(&rows);
        assert_eq!(m[0], 3.0);
        assert_eq!(m[1], 1.0);
        assert_eq!(m[2], 3.0);
        assert!(window_means(&VecDeque::new())[0].is_nan());
    }
}
