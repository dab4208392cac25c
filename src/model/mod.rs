//! The model: pure and deterministic. It knows nothing of files, terminals or charts.
//!
//! Read it in step order: [`config`] (parameters, regimes, presets, declared once and
//! catalogued by [`params`]), [`landscape`]
//! (NK fitness), [`rng`] (keyed random streams), [`state`] (producers and problems
//! in flat arrays), then the phases of one step as [`simulation::Simulation::step`]
//! calls them: [`shocks`], [`allocation`], [`adoption`], [`search`], [`disclosure`],
//! [`market`], [`reward`], [`governance`], [`adaptation`], and finally [`observation`], which
//! computes the [`metrics`].

pub mod config;
mod declare;
pub mod footprint;
pub mod landscape;
pub mod network;
pub mod params;
pub mod rng;
pub mod state;

pub mod adaptation;
pub mod adoption;
pub mod allocation;
pub mod disclosure;
pub mod governance;
pub mod market;
pub mod observation;
pub mod reward;
pub mod search;
pub mod shocks;

pub mod metrics;
pub mod simulation;

pub use config::{
    Adopt, Allocation, Config, ConfigError, NetworkKind, PRESETS, Preset, Regime, Split,
    Visibility, World,
};
pub use metrics::{HEADLINE, METRIC_COUNT, METRICS, MetricInfo, Metrics, Unit, metric_info};
pub use simulation::Simulation;
