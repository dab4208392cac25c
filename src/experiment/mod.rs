//! Experiments over the model: scenario files, sweeps, seeds, shards and the
//! parallel runner.

pub mod params;
pub mod runner;
pub mod scenario;
pub mod seeds;
pub mod suggest;
pub mod sweep;

pub use scenario::{InputError, Override, Scenario};
