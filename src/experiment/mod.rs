//! Experiments over the model: scenario files, sweeps, seeds, shards, resuming
//! and the parallel runner.

pub mod calibration;
pub mod census;
pub mod chart_spec;
pub mod classics;
pub mod cost;
pub mod progress;
pub mod resume;
pub mod runner;
pub mod scenario;
pub mod seeds;
pub mod shard;
pub mod suggest;
pub mod sweep;

pub use scenario::{InputError, Override, Scenario};
