//! regimes: an agent-based simulator of how institutions organise the production
//! of knowledge. [`model`] is the pure engine; [`experiment`] runs scenarios and
//! sweeps; [`output`] writes tables and charts; [`cli`] is the command line and
//! [`web`] the live page of `regimes serve`.

pub mod cli;
pub mod experiment;
pub mod model;
pub mod output;
pub mod web;
