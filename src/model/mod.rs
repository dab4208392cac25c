//! The model: pure and deterministic. It knows nothing of files, terminals or
//! charts. It implements spec v2 (`MODEL.md` of the project's brief, cited as
//! "spec §x"); `docs/MODEL.md` (cited as "docs/MODEL.md §x") says how.
//!
//! # Running a simulation step by step
//!
//! Build a [`Config`] (a [`World`] and a [`Regime`], e.g. a preset from
//! [`Regime::preset`]), start a [`Simulation`] with a seed, and call
//! [`Simulation::step`]: each call runs the rules of one step in the order of
//! spec §2 and returns its [`Metrics`]. The same configuration and seed give
//! bit-identical results, whatever the number of threads.
//!
//! ```
//! use regimes::model::{Config, Regime, Simulation, World};
//!
//! let config = Config {
//!     world: World { producers: 200, problems: 40, ..World::default() },
//!     regime: Regime::preset("commons").expect("a preset"),
//!     populations: Vec::new(), // one regime; `populations` mixes several (spec §5)
//! };
//! let mut sim = Simulation::new(&config, 42).expect("a valid configuration");
//! for _ in 0..10 {
//!     let metrics = sim.step();
//!     println!("welfare {:.3}, duplicated {:.3}", metrics.welfare, metrics.duplicated_share);
//! }
//! // The state between steps: who works on what, what is known, what was paid.
//! let (producers, problems, flows) = (sim.producers(), sim.problems(), sim.flows());
//! let best = problems.frontier.iter().cloned().fold(0.0, f64::max);
//! let paid: f64 = flows.producers.income.iter().sum();
//! assert!(best <= 1.0 && (paid - sim.ledger().paid).abs() < 1e-9);
//! assert_eq!(producers.len(), 200);
//! ```
//!
//! `examples/user_metric.rs` computes a metric of its own from this state every step.
//!
//! # Where things are
//!
//! - [`config`]: parameters, regimes, presets, declared once and catalogued
//!   by [`params`]; [`footprint`]: a run's memory. [`landscape`] (NK fitness),
//!   [`rng`] (keyed random streams), [`network`] (who sees whom), [`csr`]
//!   (items grouped by key: producers by target, problems by domain);
//!   [`populations`]: mixed worlds (spec §5).
//! - [`state`]: what persists from step to step (producers, problems, records,
//!   what the run fixes at its start) and [`heads`] (lineage heads); [`flows`]:
//!   what one step produces (effort, income, sales, the [`Ledger`] of totals).
//! - [`rules`]: one file per phase of a step, in spec order, each a function
//!   whose signature says what it reads and changes; [`kernels`]: the fast
//!   algorithms the rules call, each beside its naive reference.
//! - [`simulation`]: the run, and the order of its rules (`STEP`); `init`:
//!   its start. [`metrics`]: the catalogue of what every step records.

pub mod config;
pub mod csr;
mod declare;
pub mod flows;
pub mod footprint;
pub mod heads;
pub mod kernels;
pub mod landscape;
pub mod metrics;
pub mod network;
pub mod params;
pub mod populations;
pub mod rng;
pub mod rules;
pub mod simulation;
pub mod state;

mod init;

pub use config::{
    Adopt, Allocation, Config, ConfigError, CreditRule, NetworkKind, PRESETS, PayCapScope, Preset,
    Regime, Split, Visibility, World,
};
pub use flows::{Flows, Ledger};
pub use metrics::{HEADLINE, METRIC_COUNT, METRICS, MetricInfo, Metrics, Unit, metric_info};
pub use simulation::Simulation;
