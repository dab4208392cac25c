//! One run: the state and the order of the phases of a step.

use super::config::{Config, ConfigError};
use super::metrics::Metrics;

/// A run in progress. Build it from a configuration and a seed, then call
/// [`Simulation::step`] until the end; each call returns that step's metrics.
pub struct Simulation {
    config: Config,
    seed: u64,
    time: u32,
    search_trials: u64,
}

impl Simulation {
    /// A fresh run at step 0, or the first problem with the configuration.
    pub fn new(config: &Config, seed: u64) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Simulation { config: config.clone(), seed, time: 0, search_trials: 0 })
    }

    /// The next step to run (0 before the first).
    pub fn time(&self) -> u32 {
        self.time
    }

    /// Search trials performed since the start (for throughput reports).
    pub fn search_trials(&self) -> u64 {
        self.search_trials
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Runs one step and returns its metrics.
    pub fn step(&mut self) -> Metrics {
        todo!("engine in progress")
    }

    /// Runs `steps` steps, handing each step's index and metrics to `observe`.
    pub fn run(&mut self, steps: u32, mut observe: impl FnMut(u32, &Metrics)) {
        for _ in 0..steps {
            let t = self.time;
            let m = self.step();
            observe(t, &m);
        }
    }
}
