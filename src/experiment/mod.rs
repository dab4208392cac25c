//! Experiments over the model: scenario files, sweeps, seeds, shards and the
//! parallel runner.
