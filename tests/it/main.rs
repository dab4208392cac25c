//! The integration tests, in one binary. Each file was a binary of its own, and
//! each binary links the whole crate with polars (about 125 MB): sixteen of them
//! filled the disk of a CI machine. `docs` (it blesses the docs' tables by name:
//! `cargo test --test docs`) and `memory` (it installs a counting global
//! allocator) stay binaries of their own. Run one file's tests with a filter:
//! `cargo test --test it cli::`.

mod calibration;
mod chart_defects;
mod charts;
mod classics;
mod cli;
mod fuzz;
mod imitation;
mod merges;
mod mixed;
mod model;
mod observed;
mod population_charts;
mod reliability;
mod report;
mod scenarios;
mod serve;
mod slurm;
mod support;
mod validation;
