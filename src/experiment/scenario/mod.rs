//! Scenario files (TOML): what to run. Loading validates everything, including the
//! model's own range checks on every regime x sweep point, so that a scenario is
//! refused before anything is written. Every problem names the file (or `--set`),
//! the key, the value and what is allowed.
//!
//! One job per file: the types and the hand-off to the model here, `--set` rewriting in
//! `overrides.rs`, reading one key and recording its problem in `keys.rs`, the reader
//! of the document in `reader.rs`, chart entries in `charts.rs`, the model's checks
//! and size limits in `checks.rs`, the resolved TOML in `writer.rs`.

mod charts;
mod checks;
mod keys;
mod mixed;
mod overrides;
mod reader;
mod writer;

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use toml::{Table, Value};

use crate::experiment::chart_spec::{ChartSpec, ChartsMode};
use crate::model::populations::Population;
use crate::model::{Config, Regime, World, params};

// Tables and `explain` name it through the scenario format.
pub use crate::experiment::chart_spec::CUMULATIVE_WELFARE;
pub use checks::{DEFAULT_MAX_MEMORY, Limits, MAX_RUNS, bytes};
use keys::Reader;
use mixed::population_order;
pub use overrides::Override;
use overrides::{apply_overrides, attribute};
use reader::sweep_order;

/// The default scenario, embedded in the binary (also `scenarios/default.toml`).
pub const DEFAULT_TOML: &str = include_str!("../../../scenarios/default.toml");

/// How the embedded default is named in messages.
pub const DEFAULT_ORIGIN: &str = "<embedded default scenario>";

/// Regimes compared when a scenario lists none: the three of the default scenario.
const DEFAULT_REGIMES: &[&str] = &["enclosure", "commons", "collectivist"];

/// One regime of a scenario: a preset, possibly with some axes changed; or
/// the mixed world of a scenario's `[populations]` (spec §5).
#[derive(Clone, Debug, PartialEq)]
pub struct RegimeEntry {
    /// Name in the tables (the preset's, unless the scenario names a variant;
    /// [`MIXED`] for a mixed world).
    pub name: String,
    /// The preset it starts from (`None`: the default regime axes).
    pub preset: Option<String>,
    pub regime: Regime,
    /// A mixed world's populations, in file order (empty for one regime).
    pub populations: Vec<PopulationEntry>,
}

/// The name in the tables of a scenario's mixed world.
pub const MIXED: &str = "mixed";

/// One `[populations.NAME]` table: a share of the producers under a regime
/// written as a variant is (`regime = "PRESET"` and axes changed).
#[derive(Clone, Debug, PartialEq)]
pub struct PopulationEntry {
    pub name: String,
    pub preset: Option<String>,
    /// Its share; `None` for the one population that takes the rest.
    pub share: Option<f64>,
    pub regime: Regime,
}

/// One `[sweep]` axis: a parameter path and the values it takes.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepAxis {
    /// `world.KEY` or `regime.KEY` (a regime path applies to every regime).
    pub path: String,
    /// The values as written, which label the sweep's columns in the tables.
    pub values: Vec<Value>,
    /// The same values, typed: what a run's configuration is given.
    pub settings: Vec<params::Value>,
}

impl SweepAxis {
    /// Whether the column is numeric (every value a number) or text.
    pub fn is_numeric(&self) -> bool {
        self.values
            .iter()
            .all(|v| matches!(v, Value::Integer(_) | Value::Float(_)))
    }
}

/// A value as it appears in a table cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Number(f64),
    Text(String),
}

impl Cell {
    /// The cell of a sweep value in a column that is numeric or not.
    pub fn of(value: &Value, numeric: bool) -> Cell {
        match value {
            Value::Integer(i) if numeric => Cell::Number(*i as f64),
            Value::Float(x) if numeric => Cell::Number(*x),
            Value::String(s) => Cell::Text(s.clone()),
            other => Cell::Text(other.to_string()),
        }
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Number(x) => write!(f, "{x}"),
            Cell::Text(s) => f.write_str(s),
        }
    }
}

/// A validated scenario with every default filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub steps: u32,
    pub replicates: u32,
    pub seed: u64,
    /// Steps between two recorded rows of `timeseries.parquet`.
    pub record_every: u32,
    /// Recorded steps averaged into `runs.parquet`.
    pub window: u32,
    /// The regime the report compares every other with, run by run (paired differences).
    pub baseline: Option<String>,
    pub charts_mode: ChartsMode,
    pub world: World,
    pub regimes: Vec<RegimeEntry>,
    /// Sweep axes in file order; the first varies slowest.
    pub sweep: Vec<SweepAxis>,
    pub charts: Vec<ChartSpec>,
}

/// Bad input: a scenario, an option or a directory the program refuses (exit code 2).
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// One line per problem, each naming where it comes from.
    pub problems: Vec<String>,
}

impl InputError {
    pub fn new(message: impl Into<String>) -> Self {
        InputError {
            problems: vec![message.into()],
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problems.join("\n"))
    }
}

impl std::error::Error for InputError {}

/// One problem found while reading a scenario, before it is given its origin.
struct Problem {
    key: String,
    value: Option<String>,
    message: String,
    /// Which regime a file's value belongs to (left out when an override is to blame).
    context: String,
}

impl Scenario {
    /// The embedded default scenario with the overrides applied.
    pub fn default_with(overrides: &[Override]) -> Result<Scenario, InputError> {
        Scenario::default_within(overrides, &Limits::default())
    }

    /// [`Scenario::default_with`], refused beyond `limits`.
    pub fn default_within(overrides: &[Override], limits: &Limits) -> Result<Scenario, InputError> {
        Scenario::parse_within(DEFAULT_TOML, DEFAULT_ORIGIN, "default", overrides, limits)
    }

    /// Reads and validates a scenario file, with the overrides applied.
    pub fn load(path: &Path, overrides: &[Override]) -> Result<Scenario, InputError> {
        Scenario::load_within(path, overrides, &Limits::default())
    }

    /// [`Scenario::load`], refused beyond `limits`.
    pub fn load_within(
        path: &Path,
        overrides: &[Override],
        limits: &Limits,
    ) -> Result<Scenario, InputError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| InputError::new(format!("{origin}: cannot read the scenario: {e}")))?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| "scenario".to_string());
        Scenario::parse_within(&text, &origin, &stem, overrides, limits)
    }

    /// Parses and validates scenario text. `origin` names it in messages and
    /// `default_name` is used when the file sets no `name`.
    pub fn parse(
        text: &str,
        origin: &str,
        default_name: &str,
        overrides: &[Override],
    ) -> Result<Scenario, InputError> {
        Scenario::parse_within(text, origin, default_name, overrides, &Limits::default())
    }

    /// [`Scenario::parse`], refused beyond `limits` (runs, memory of a run).
    pub fn parse_within(
        text: &str,
        origin: &str,
        default_name: &str,
        overrides: &[Override],
        limits: &Limits,
    ) -> Result<Scenario, InputError> {
        let mut doc: Table = text
            .parse()
            .map_err(|e| InputError::new(format!("{origin}: malformed TOML: {e}")))?;
        let order = sweep_order(text);
        let population_order = population_order(text);
        apply_overrides(&mut doc, overrides).map_err(|m| InputError::new(format!("--set {m}")))?;
        let mut reader = Reader::default();
        let scenario = reader.scenario(&doc, default_name, &order, &population_order, limits);
        let set_paths: Vec<&str> = overrides.iter().map(|o| o.path.as_str()).collect();
        // One line per distinct problem, in order (a value swept in many points is one line).
        let mut seen = HashSet::new();
        let mut lines: Vec<String> = Vec::new();
        for p in reader.problems {
            let (from, key) = attribute(&p.key, &set_paths, overrides, origin);
            let context = if from == origin {
                p.context.as_str()
            } else {
                ""
            };
            let line = match &p.value {
                Some(v) => format!("{from}: {key} = {v}: {}{context}", p.message),
                None => format!("{from}: {key}: {}{context}", p.message),
            };
            if seen.insert(line.clone()) {
                lines.push(line);
            }
        }
        match scenario {
            Some(s) if lines.is_empty() => Ok(s),
            _ => Err(InputError { problems: lines }),
        }
    }

    /// The model configuration of regime `regime` at sweep point `point`: the
    /// scenario's world and the regime, with each swept parameter set to its value.
    ///
    /// In a mixed world a `regime.KEY` path sets that key in every population,
    /// `populations.NAME.KEY` in one, `populations.NAME.share` its share; the
    /// population without a share then takes what the others leave.
    pub fn config(&self, point: usize, regime: usize) -> Result<Config, String> {
        let entry = &self.regimes[regime];
        let mut config = Config {
            world: self.world.clone(),
            regime: entry.regime.clone(),
            populations: (entry.populations.iter())
                .map(|p| Population {
                    name: p.name.clone(),
                    share: p.share.unwrap_or(0.0),
                    regime: p.regime.clone(),
                })
                .collect(),
        };
        let mut rest = point;
        for axis in self.sweep.iter().rev() {
            let value = axis.settings[rest % axis.settings.len()];
            rest /= axis.settings.len();
            set_in_world(&mut config, &axis.path, value)?;
        }
        if let Some(k) = entry.populations.iter().position(|p| p.share.is_none()) {
            let others: f64 = (config.populations.iter().enumerate())
                .filter(|&(i, _)| i != k)
                .map(|(_, p)| p.share)
                .sum();
            // Clamped at 0: shares of the others above 1 are reported by the check.
            config.populations[k].share = (1.0 - others).max(0.0);
        }
        Ok(config)
    }
}

/// Sets a parameter path in a run's configuration: `world.KEY` and
/// `regime.KEY` (in every population of a mixed world) as [`Config::set`]
/// does, `populations.NAME.KEY` and `populations.NAME.share` in one population.
fn set_in_world(config: &mut Config, path: &str, value: params::Value) -> Result<(), String> {
    if let Some(rest) = path.strip_prefix("populations.") {
        let (name, key) = rest
            .split_once('.')
            .ok_or_else(|| format!("`{path}`: allowed populations.NAME.KEY"))?;
        let pop = (config.populations.iter_mut())
            .find(|p| p.name == name)
            .ok_or_else(|| format!("`{path}`: no population `{name}`"))?;
        if key == "share" {
            pop.share = value
                .as_f64()
                .ok_or_else(|| format!("`{path}` cannot take {value}: allowed a share"))?;
            return Ok(());
        }
        return set_regime_key(&config.world, &mut pop.regime, key, value);
    }
    config.set(path, value).map_err(|e| e.to_string())?;
    if let Some(key) = path.strip_prefix("regime.") {
        for pop in &mut config.populations {
            set_regime_key(&config.world, &mut pop.regime, key, value)?;
        }
    }
    Ok(())
}

/// Sets `regime.KEY` on one population's regime, through the single-regime
/// `Config::set` (its checks and conversions), in that population's world.
fn set_regime_key(
    world: &World,
    regime: &mut Regime,
    key: &str,
    value: params::Value,
) -> Result<(), String> {
    let mut alone = Config {
        world: world.clone(),
        regime: regime.clone(),
        populations: Vec::new(),
    };
    alone
        .set(&format!("regime.{key}"), value)
        .map_err(|e| e.to_string())?;
    *regime = alone.regime;
    Ok(())
}

impl Scenario {
    /// Whether the scenario runs a mixed world.
    pub fn is_mixed(&self) -> bool {
        self.regimes.iter().any(|r| !r.populations.is_empty())
    }
}
