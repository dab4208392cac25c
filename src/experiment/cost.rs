//! What a sweep will cost, estimated before it goes to a cluster: a few of its
//! runs, spread evenly over the fixed run order (so over sweep points and
//! regimes), are timed on one thread. A run that would outlast its share of the
//! time budget is stopped early and its remaining steps extrapolated from the
//! ones it took, so the estimate costs seconds whatever the size of the runs.
//! Runs are timed by the thread's CPU clock, not the wall clock: on a busy login
//! node the wall clock also counts the other users' work.

use std::time::{Duration, Instant};

use anyhow::Result;

use super::scenario::Scenario;
use crate::model::Simulation;

/// Runs timed at most.
pub const SAMPLES: usize = 16;

/// What the timed sample says about the whole sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Runs of the scenario.
    pub runs: u64,
    /// Runs timed.
    pub sampled: usize,
    /// Of those, the runs stopped early and extrapolated.
    pub extrapolated: usize,
    /// Wall time the sample took.
    pub sample_seconds: f64,
    /// Mean CPU seconds of one run.
    pub run_seconds: f64,
}

impl Estimate {
    /// Core-seconds of every run.
    pub fn core_seconds(&self) -> f64 {
        self.run_seconds * self.runs as f64
    }

    /// Wall seconds of the largest of `tasks` shards on `cpus` cores each (a
    /// shard's runs are spread over its cores; a run uses one).
    pub fn task_seconds(&self, tasks: u32, cpus: u32) -> f64 {
        let runs = self.runs.div_ceil(u64::from(tasks.max(1)));
        let waves = runs.div_ceil(u64::from(cpus.max(1)));
        waves as f64 * self.run_seconds
    }

    /// Array tasks so that each lasts about `target` on `cpus` cores: at least 1,
    /// at most one per `cpus` runs (fewer runs would leave cores idle) and at most
    /// `max_tasks` (the cluster's array limit).
    pub fn suggested_tasks(&self, cpus: u32, target: Duration, max_tasks: u32) -> u32 {
        let cpus = u64::from(cpus.max(1));
        let per_task = target.as_secs_f64() * cpus as f64;
        let wanted = (self.core_seconds() / per_task).ceil().max(1.0);
        let by_runs = (self.runs / cpus).max(1);
        (wanted as u64)
            .min(by_runs)
            .min(u64::from(max_tasks))
            .max(1) as u32
    }
}

/// The runs to time among `total`: at most `samples`, evenly spread.
pub fn sample_runs(total: u64, samples: usize) -> Vec<u32> {
    let k = (samples as u64).min(total);
    (0..k)
        .map(|j| ((2 * j + 1) * total / (2 * k)) as u32)
        .collect()
}

/// Times a sample of the scenario's runs within about `budget` of one thread.
pub fn estimate(scenario: &Scenario, budget: Duration) -> Result<Estimate> {
    let start = Instant::now();
    let indices = sample_runs(scenario.runs(), SAMPLES);
    let share = budget / indices.len().max(1) as u32;
    let (mut seconds, mut extrapolated) = (0.0, 0);
    for &index in &indices {
        let (run, stopped) = time_run(scenario, index, share)?;
        seconds += run;
        extrapolated += usize::from(stopped);
    }
    Ok(Estimate {
        runs: scenario.runs(),
        sampled: indices.len(),
        extrapolated,
        sample_seconds: start.elapsed().as_secs_f64(),
        run_seconds: seconds / indices.len().max(1) as f64,
    })
}

/// CPU seconds run `index` takes, measured for at most `share` of wall time (at
/// least one step), and whether it was stopped early.
fn time_run(scenario: &Scenario, index: u32, share: Duration) -> Result<(f64, bool)> {
    let spec = scenario.run_spec(index);
    let (start, cpu_start) = (Instant::now(), thread_cpu_seconds());
    let config = scenario
        .config(spec.point, spec.regime)
        .map_err(anyhow::Error::msg)?;
    let mut sim = Simulation::new(&config, spec.seed)?;
    let cpu_setup = thread_cpu_seconds();
    let mut steps = 0;
    while steps < scenario.steps {
        sim.step();
        steps += 1;
        if start.elapsed() >= share {
            break;
        }
    }
    let cpu_end = thread_cpu_seconds();
    let stepping = (cpu_end - cpu_setup) * f64::from(scenario.steps) / f64::from(steps.max(1));
    Ok((cpu_setup - cpu_start + stepping, steps < scenario.steps))
}

/// CPU seconds the calling thread has used.
#[cfg(unix)]
fn thread_cpu_seconds() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid, exclusive pointer.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(status, 0, "the thread CPU clock is available on every unix");
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// Elsewhere, the wall clock since the first call.
#[cfg(not(unix))]
fn thread_cpu_seconds() -> f64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate_of(runs: u64, run_seconds: f64) -> Estimate {
        Estimate {
            runs,
            sampled: 1,
            extrapolated: 0,
            sample_seconds: 0.0,
            run_seconds,
        }
    }

    #[test]
    fn samples_spread_over_the_run_order() {
        assert_eq!(sample_runs(4, 16), [0, 1, 2, 3]);
        assert_eq!(sample_runs(100, 4), [12, 37, 62, 87]);
        assert_eq!(sample_runs(3000, 16).len(), 16);
        assert!(sample_runs(0, 16).is_empty());
    }

    #[test]
    fn tasks_last_about_the_target() {
        let hour = Duration::from_secs(3600);
        // 100 core-hours on one core per task: 100 one-hour tasks.
        let e = estimate_of(10_000, 36.0);
        assert_eq!(e.core_seconds(), 360_000.0);
        assert_eq!(e.suggested_tasks(1, hour, 1000), 100);
        // Four cores per task: a quarter as many.
        assert_eq!(e.suggested_tasks(4, hour, 1000), 25);
        // The array limit caps it.
        assert_eq!(e.suggested_tasks(1, hour, 50), 50);
        // A cheap sweep needs one task; a few long runs, no more tasks than runs per core.
        assert_eq!(estimate_of(10, 1.0).suggested_tasks(1, hour, 1000), 1);
        assert_eq!(estimate_of(6, 7200.0).suggested_tasks(2, hour, 1000), 3);
        // A task of 10 runs on 4 cores takes 3 waves of runs.
        assert_eq!(estimate_of(80, 2.0).task_seconds(8, 4), 6.0);
    }

    #[test]
    fn a_tiny_sweep_is_timed_run_by_run() {
        let s = Scenario::parse(
            "steps = 4\nreplicates = 3\n[world]\nproducers = 20\nproblems = 5\ngroups = 2",
            "t",
            "t",
            &[],
        )
        .unwrap();
        let e = estimate(&s, Duration::from_secs(60)).unwrap();
        assert_eq!((e.runs, e.sampled), (s.runs(), s.runs() as usize));
        assert!(e.run_seconds > 0.0 && e.core_seconds() == e.run_seconds * s.runs() as f64);
        // No budget at all: each run is stopped after its first step and extrapolated.
        let rushed = estimate(&s, Duration::ZERO).unwrap();
        assert_eq!(rushed.extrapolated, rushed.sampled);
    }
}
