//! Scenario files (TOML): what to run. Loading validates everything, including the
//! model's own range checks on every regime x sweep point, so that a scenario is
//! refused before anything is written. Every problem names the file (or `--set`),
//! the key, the value and what is allowed.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use super::params::{self, Param};
use super::suggest;
use crate::model::{METRICS, PRESETS, Regime, World};
use crate::output::chart_spec::{ChartSpec, ChartsMode};

/// The default scenario, embedded in the binary (also `scenarios/default.toml`).
pub const DEFAULT_TOML: &str = include_str!("../../scenarios/default.toml");

/// How the embedded default is named in messages.
pub const DEFAULT_ORIGIN: &str = "<embedded default scenario>";

/// Top-level keys, in the order of a resolved file.
const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "steps",
    "replicates",
    "seed",
    "record_every",
    "window",
    "charts_mode",
    "world",
    "regimes",
    "sweep",
    "charts",
];

/// Top-level keys `--set` may change (the tables go through `world.KEY` and `regime.KEY`).
const SETTABLE: &[&str] = &[
    "name",
    "description",
    "steps",
    "replicates",
    "seed",
    "record_every",
    "window",
    "charts_mode",
];

/// Regimes compared when a scenario lists none: the three of the default scenario.
const DEFAULT_REGIMES: &[&str] = &["enclosure", "commons", "collectivist"];

/// Keys of a `[[charts]]` entry.
const CHART_KEYS: &[&str] = &["metric", "kind", "x", "facet", "title"];

/// A metric only `runs.parquet` has, which per-run charts may use.
pub const CUMULATIVE_WELFARE: &str = "cumulative_welfare";

/// One regime of a scenario: a preset, possibly with some axes changed.
#[derive(Clone, Debug, PartialEq)]
pub struct RegimeEntry {
    /// Name in the tables (the preset's, unless the scenario names a variant).
    pub name: String,
    /// The preset it starts from (`None`: the default regime axes).
    pub preset: Option<String>,
    pub regime: Regime,
}

/// One `[sweep]` axis: a parameter path and the values it takes.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepAxis {
    /// `world.KEY` or `regime.KEY` (a regime path applies to every regime).
    pub path: String,
    pub values: Vec<Value>,
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
    pub charts_mode: ChartsMode,
    pub world: World,
    pub regimes: Vec<RegimeEntry>,
    /// Sweep axes in file order; the first varies slowest.
    pub sweep: Vec<SweepAxis>,
    pub charts: Vec<ChartSpec>,
}

/// A `--set PATH=VALUE` override, applied to the scenario before validation.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    pub path: String,
    pub value: Value,
}

impl std::str::FromStr for Override {
    type Err = String;

    /// `PATH=VALUE`, the value read as TOML (`5`, `0.3`, `true`, `[1, 2]`), else as text.
    fn from_str(s: &str) -> Result<Self, String> {
        let (path, text) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}`: expected PATH=VALUE, e.g. world.producers=100"))?;
        let path = path.trim().to_string();
        let text = text.trim();
        let value = text
            .parse::<Value>()
            .unwrap_or_else(|_| Value::String(text.to_string()));
        Ok(Override { path, value })
    }
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.path, self.value)
    }
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
        Scenario::parse(DEFAULT_TOML, DEFAULT_ORIGIN, "default", overrides)
    }

    /// Reads and validates a scenario file, with the overrides applied.
    pub fn load(path: &Path, overrides: &[Override]) -> Result<Scenario, InputError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| InputError::new(format!("{origin}: cannot read the scenario: {e}")))?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| "scenario".to_string());
        Scenario::parse(&text, &origin, &stem, overrides)
    }

    /// Parses and validates scenario text. `origin` names it in messages and
    /// `default_name` is used when the file sets no `name`.
    pub fn parse(
        text: &str,
        origin: &str,
        default_name: &str,
        overrides: &[Override],
    ) -> Result<Scenario, InputError> {
        let mut doc: Table = text
            .parse()
            .map_err(|e| InputError::new(format!("{origin}: malformed TOML: {e}")))?;
        let order = sweep_order(text);
        apply_overrides(&mut doc, overrides).map_err(|m| InputError::new(format!("--set {m}")))?;
        let mut reader = Reader::default();
        let scenario = reader.scenario(&doc, default_name, &order);
        let set_paths: Vec<&str> = overrides.iter().map(|o| o.path.as_str()).collect();
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
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
        match scenario {
            Some(s) if lines.is_empty() => Ok(s),
            _ => Err(InputError { problems: lines }),
        }
    }

    /// The resolved scenario as TOML: every default filled in, rerunnable as is,
    /// and identical when read and written again.
    pub fn to_toml(&self) -> String {
        #[derive(Serialize)]
        struct Entry<'a> {
            name: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            preset: Option<&'a str>,
            #[serde(flatten)]
            regime: &'a Regime,
        }
        #[derive(Serialize)]
        struct Resolved<'a> {
            name: &'a str,
            description: &'a str,
            steps: u32,
            replicates: u32,
            seed: u64,
            record_every: u32,
            window: u32,
            charts_mode: ChartsMode,
            world: &'a World,
            regimes: Vec<Entry<'a>>,
            charts: &'a [ChartSpec],
        }
        let resolved = Resolved {
            name: &self.name,
            description: &self.description,
            steps: self.steps,
            replicates: self.replicates,
            seed: self.seed,
            record_every: self.record_every,
            window: self.window,
            charts_mode: self.charts_mode,
            world: &self.world,
            regimes: self
                .regimes
                .iter()
                .map(|r| Entry {
                    name: &r.name,
                    preset: r.preset.as_deref(),
                    regime: &r.regime,
                })
                .collect(),
            charts: &self.charts,
        };
        let mut text = toml::to_string(&resolved).expect("a scenario serialises to TOML");
        // The sweep is written by hand: a TOML table would sort its keys, and their
        // order is the order of the sweep points.
        text.push_str("\n[sweep]\n");
        for axis in &self.sweep {
            let values = Value::Array(axis.values.clone());
            text.push_str(&format!("{:?} = {values}\n", axis.path));
        }
        text
    }
}

/// `base` with some of its keys replaced, through its TOML form.
pub fn merge<T: Serialize + DeserializeOwned>(
    base: &T,
    pairs: &[(&str, &Value)],
) -> Result<T, toml::de::Error> {
    let mut table = Table::try_from(base).expect("model values serialise to TOML tables");
    for (key, value) in pairs {
        table.insert(key.to_string(), (*value).clone());
    }
    table.try_into()
}

/// Positions of the sweep keys in the text, so that axes keep the file's order.
fn sweep_order(text: &str) -> BTreeMap<String, usize> {
    #[derive(Deserialize)]
    struct Doc {
        #[serde(default)]
        sweep: BTreeMap<String, toml::Spanned<IgnoredAny>>,
    }
    toml::from_str::<Doc>(text)
        .map(|d| {
            d.sweep
                .into_iter()
                .map(|(k, v)| (k, v.span().start))
                .collect()
        })
        .unwrap_or_default()
}

/// Applies `--set` overrides to the raw document. A `regime.KEY` override applies
/// to every regime; a swept parameter cannot be set.
fn apply_overrides(doc: &mut Table, overrides: &[Override]) -> Result<(), String> {
    for o in overrides {
        let swept = doc
            .get("sweep")
            .and_then(Value::as_table)
            .is_some_and(|s| s.contains_key(&o.path));
        if swept {
            return Err(format!(
                "{o}: `{}` is swept in [sweep]; change the sweep instead",
                o.path
            ));
        }
        match o.path.split_once('.') {
            None if SETTABLE.contains(&o.path.as_str()) => {
                doc.insert(o.path.clone(), o.value.clone());
            }
            Some(("world", key)) if params::find(&o.path).is_some() => {
                if let Some(world) = doc
                    .entry("world")
                    .or_insert_with(|| Value::Table(Table::new()))
                    .as_table_mut()
                {
                    world.insert(key.to_string(), o.value.clone());
                }
            }
            Some(("regime", key)) if params::find(&o.path).is_some() => {
                let list = doc.entry("regimes").or_insert_with(|| {
                    Value::Array(
                        DEFAULT_REGIMES
                            .iter()
                            .map(|s| Value::String(s.to_string()))
                            .collect(),
                    )
                });
                for entry in list.as_array_mut().into_iter().flatten() {
                    if let Value::String(preset) = entry {
                        let mut t = Table::new();
                        t.insert("preset".into(), Value::String(preset.clone()));
                        *entry = Value::Table(t);
                    }
                    if let Some(t) = entry.as_table_mut() {
                        t.insert(key.to_string(), o.value.clone());
                    }
                }
            }
            _ => {
                let known: Vec<String> = SETTABLE
                    .iter()
                    .map(|s| s.to_string())
                    .chain(params::paths())
                    .collect();
                let hint = suggest::hint(&o.path, known.iter().map(String::as_str));
                return Err(format!(
                    "{o}: unknown path `{}`{hint}; allowed: {}, world.KEY or regime.KEY (see docs/SCENARIOS.md)",
                    o.path,
                    SETTABLE.join(", ")
                ));
            }
        }
    }
    Ok(())
}

/// Where a problem comes from: an override it is about, else the file.
fn attribute(
    key: &str,
    set_paths: &[&str],
    overrides: &[Override],
    file: &str,
) -> (String, String) {
    // `regimes[2].levy` is the override `regime.levy` if one was given.
    let general = match key.split_once("].") {
        Some((head, rest)) if head.starts_with("regimes[") => format!("regime.{rest}"),
        _ => key.to_string(),
    };
    match set_paths.iter().position(|p| *p == general) {
        Some(i) => (format!("--set {}", overrides[i]), general),
        None => (file.to_string(), key.to_string()),
    }
}

/// Reads a document, collecting every problem rather than stopping at the first.
#[derive(Default)]
struct Reader {
    problems: Vec<Problem>,
}

impl Reader {
    fn fail(&mut self, key: impl Into<String>, value: Option<&Value>, message: impl Into<String>) {
        self.problems.push(Problem {
            key: key.into(),
            value: value.map(Value::to_string),
            message: message.into(),
            context: String::new(),
        });
    }

    /// An integer key in `min..=max`, or its default when absent.
    fn int(&mut self, doc: &Table, key: &str, min: i64, max: i64, default: i64) -> i64 {
        let allowed = if max == i64::MAX || max == u32::MAX as i64 {
            format!("allowed an integer >= {min}")
        } else {
            format!("allowed an integer in {min}..={max}")
        };
        match doc.get(key) {
            None => default,
            Some(Value::Integer(i)) if (min..=max).contains(i) => *i,
            Some(v) => {
                self.fail(key, Some(v), allowed);
                default
            }
        }
    }

    fn string(&mut self, doc: &Table, key: &str, default: &str) -> String {
        match doc.get(key) {
            None => default.to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(v) => {
                self.fail(key, Some(v), "allowed a string");
                default.to_string()
            }
        }
    }

    fn scenario(
        &mut self,
        doc: &Table,
        default_name: &str,
        order: &BTreeMap<String, usize>,
    ) -> Option<Scenario> {
        for (key, value) in doc {
            if !TOP_KEYS.contains(&key.as_str()) {
                let hint = suggest::hint(key, TOP_KEYS.iter().copied());
                self.fail(
                    key,
                    Some(value),
                    format!("unknown key{hint}; allowed: {}", TOP_KEYS.join(", ")),
                );
            }
        }
        let name = self.string(doc, "name", default_name);
        let name_ok = !name.is_empty()
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !name_ok {
            self.fail(
                "name",
                Some(&Value::String(name.clone())),
                "allowed a non-empty name of letters, digits, '-', '_' and '.' (it names the output directory)",
            );
        }
        let description = self.string(doc, "description", "");
        let u32_max = u32::MAX as i64;
        let steps = self.int(doc, "steps", 1, u32_max, 500) as u32;
        let replicates = self.int(doc, "replicates", 1, u32_max, 10) as u32;
        let seed = self.int(doc, "seed", 0, i64::MAX, 1) as u64;
        let record_every = self.int(doc, "record_every", 1, u32_max, 1) as u32;
        let window = self.int(doc, "window", 1, u32_max, 50) as u32;
        let charts_mode = match doc.get("charts_mode") {
            None => ChartsMode::default(),
            Some(Value::String(s)) if s == "add" => ChartsMode::Add,
            Some(Value::String(s)) if s == "replace" => ChartsMode::Replace,
            Some(v) => {
                self.fail("charts_mode", Some(v), "allowed \"add\" or \"replace\"");
                ChartsMode::default()
            }
        };
        let world = self.world(doc.get("world"));
        let regimes = self.regimes(doc.get("regimes"));
        let sweep = self.sweep(doc.get("sweep"), order);
        let charts = self.charts(doc.get("charts"), &sweep);
        let scenario = Scenario {
            name,
            description,
            steps,
            replicates,
            seed,
            record_every,
            window,
            charts_mode,
            world: world?,
            regimes,
            sweep,
            charts,
        };
        if scenario.regimes.is_empty() || !self.problems.is_empty() {
            return None;
        }
        if scenario.runs() > u32::MAX as u64 {
            self.fail(
                "sweep",
                None,
                format!(
                    "{} runs (points x regimes x replicates); allowed at most {}",
                    scenario.runs(),
                    u32::MAX
                ),
            );
            return None;
        }
        self.model_checks(&scenario);
        Some(scenario)
    }

    /// Checks that `value` is a valid setting of the parameter, on its own.
    fn typed<T: DeserializeOwned>(&mut self, value: &Value, param: &Param, at: &str) {
        let mut single = Table::new();
        single.insert(param.key.to_string(), value.clone());
        if single.try_into::<T>().is_err() {
            self.fail(at, Some(value), format!("allowed {}", param.allowed));
        }
    }

    fn world(&mut self, value: Option<&Value>) -> Option<World> {
        let table = match value {
            None => return Some(World::default()),
            Some(Value::Table(t)) => t,
            Some(v) => {
                self.fail(
                    "world",
                    Some(v),
                    "allowed a table of world parameters ([world])",
                );
                return None;
            }
        };
        let before = self.problems.len();
        for (key, v) in table {
            let path = format!("world.{key}");
            match params::find(&path) {
                Some(p) => self.typed::<World>(v, p, &path),
                None if TOP_KEYS.contains(&key.as_str()) => self.fail(
                    &path,
                    Some(v),
                    format!("`{key}` is a top-level key: move it above the first [table] header, where TOML reads it as part of that table"),
                ),
                None => {
                    let hint = suggest::hint(key, params::WORLD.iter().map(|p| p.key));
                    self.fail(
                        &path,
                        Some(v),
                        format!("unknown world parameter{hint}; allowed: the keys of [world] in docs/SCENARIOS.md"),
                    );
                }
            }
        }
        if self.problems.len() > before {
            return None;
        }
        let pairs: Vec<(&str, &Value)> = table.iter().map(|(k, v)| (k.as_str(), v)).collect();
        merge(&World::default(), &pairs).ok()
    }

    fn regimes(&mut self, value: Option<&Value>) -> Vec<RegimeEntry> {
        let default_list: Vec<Value> = DEFAULT_REGIMES
            .iter()
            .map(|s| Value::String(s.to_string()))
            .collect();
        let list = match value {
            None => &default_list,
            Some(Value::Array(a)) if !a.is_empty() => a,
            Some(v) => {
                self.fail(
                    "regimes",
                    Some(v),
                    "allowed a non-empty list of preset names or tables like { preset = \"commons\", name = \"commons_costly\", levy = 0.2 }",
                );
                return Vec::new();
            }
        };
        let mut entries: Vec<RegimeEntry> = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let at = format!("regimes[{i}]");
            let entry = match item {
                Value::String(name) => self.preset(&at, item, name).map(|regime| RegimeEntry {
                    name: name.clone(),
                    preset: Some(name.clone()),
                    regime,
                }),
                Value::Table(t) => self.regime_table(&at, t),
                other => {
                    self.fail(
                        &at,
                        Some(other),
                        "allowed a preset name or a table starting from a preset",
                    );
                    None
                }
            };
            if let Some(e) = entry {
                if entries.iter().any(|x| x.name == e.name) {
                    self.fail(
                        format!("{at}.name"),
                        Some(&Value::String(e.name.clone())),
                        "allowed a name no other regime of the scenario has (give variants a `name`)",
                    );
                }
                entries.push(e);
            }
        }
        entries
    }

    fn preset(&mut self, at: &str, value: &Value, name: &str) -> Option<Regime> {
        let regime = Regime::preset(name);
        if regime.is_none() {
            let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
            let hint = suggest::hint(name, names.iter().copied());
            self.fail(
                at,
                Some(value),
                format!("unknown preset{hint}; allowed: {}", names.join(", ")),
            );
        }
        regime
    }

    fn regime_table(&mut self, at: &str, t: &Table) -> Option<RegimeEntry> {
        let before = self.problems.len();
        let preset = match t.get("preset") {
            None => None,
            Some(v @ Value::String(s)) => {
                self.preset(&format!("{at}.preset"), v, s)?;
                Some(s.clone())
            }
            Some(v) => {
                self.fail(format!("{at}.preset"), Some(v), "allowed a preset name");
                return None;
            }
        };
        let name = match (t.get("name"), &preset) {
            (Some(Value::String(s)), _) if !s.is_empty() => s.clone(),
            (None, Some(p)) => p.clone(),
            (None, None) => {
                self.fail(
                    format!("{at}.name"),
                    None,
                    "missing; a regime without `preset` needs a `name`",
                );
                return None;
            }
            (Some(v), _) => {
                self.fail(format!("{at}.name"), Some(v), "allowed a non-empty string");
                return None;
            }
        };
        let mut pairs: Vec<(&str, &Value)> = Vec::new();
        for (key, v) in t {
            if key == "preset" || key == "name" {
                continue;
            }
            let path = format!("regime.{key}");
            let full = format!("{at}.{key}");
            match params::find(&path) {
                Some(p) => {
                    self.typed::<Regime>(v, p, &full);
                    pairs.push((key, v));
                }
                None => {
                    let known = ["preset", "name"]
                        .into_iter()
                        .chain(params::REGIME.iter().map(|p| p.key));
                    let hint = suggest::hint(key, known);
                    self.fail(
                        &full,
                        Some(v),
                        format!("unknown regime key{hint}; allowed: preset, name and the regime axes of docs/SCENARIOS.md"),
                    );
                }
            }
        }
        if self.problems.len() > before {
            return None;
        }
        let base = preset
            .as_deref()
            .and_then(Regime::preset)
            .unwrap_or_default();
        let regime = merge(&base, &pairs).ok()?;
        Some(RegimeEntry {
            name,
            preset,
            regime,
        })
    }

    fn sweep(&mut self, value: Option<&Value>, order: &BTreeMap<String, usize>) -> Vec<SweepAxis> {
        let table = match value {
            None => return Vec::new(),
            Some(Value::Table(t)) => t,
            Some(v) => {
                self.fail(
                    "sweep",
                    Some(v),
                    "allowed a table like [sweep] \"world.interactions\" = [0, 5, 10]",
                );
                return Vec::new();
            }
        };
        let mut axes = Vec::new();
        for (path, v) in table {
            let at = format!("sweep.{path:?}");
            let Some(param) = params::find(path) else {
                let paths = params::paths();
                let hint = suggest::hint(path, paths.iter().map(String::as_str));
                self.fail(
                    &at,
                    Some(v),
                    format!("unknown parameter path{hint}; allowed: world.KEY or regime.KEY (a regime path applies to every regime)"),
                );
                continue;
            };
            let values = match v {
                Value::Array(a) if !a.is_empty() => a.clone(),
                other => {
                    self.fail(&at, Some(other), "allowed a non-empty list of values");
                    continue;
                }
            };
            for x in &values {
                if param.table == "world" {
                    self.typed::<World>(x, param, &at);
                } else {
                    self.typed::<Regime>(x, param, &at);
                }
            }
            axes.push(SweepAxis {
                path: path.clone(),
                values,
            });
        }
        axes.sort_by_key(|a| order.get(&a.path).copied().unwrap_or(usize::MAX));
        axes
    }

    fn charts(&mut self, value: Option<&Value>, sweep: &[SweepAxis]) -> Vec<ChartSpec> {
        let list = match value {
            None => return Vec::new(),
            Some(Value::Array(a)) => a,
            Some(v) => {
                self.fail("charts", Some(v), "allowed a list of [[charts]] tables");
                return Vec::new();
            }
        };
        let swept: Vec<&str> = sweep.iter().map(|a| a.path.as_str()).collect();
        let mut charts = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let at = format!("charts[{i}]");
            let Some(t) = item.as_table() else {
                self.fail(&at, Some(item), "allowed a table with metric and kind");
                continue;
            };
            let before = self.problems.len();
            for (key, v) in t {
                if !CHART_KEYS.contains(&key.as_str()) {
                    let hint = suggest::hint(key, CHART_KEYS.iter().copied());
                    self.fail(
                        format!("{at}.{key}"),
                        Some(v),
                        format!(
                            "unknown chart key{hint}; allowed: {}",
                            CHART_KEYS.join(", ")
                        ),
                    );
                }
            }
            let kind = t.get("kind");
            let kind_ok = matches!(kind, Some(Value::String(k)) if ["timeseries", "sweep", "bars"].contains(&k.as_str()));
            if !kind_ok {
                self.fail(
                    format!("{at}.kind"),
                    kind,
                    "allowed \"timeseries\", \"sweep\" or \"bars\"",
                );
            }
            let timeseries = matches!(kind, Some(Value::String(k)) if k == "timeseries");
            match t.get("metric") {
                Some(Value::String(m))
                    if METRICS.iter().any(|x| x.name == m)
                        || (m == CUMULATIVE_WELFARE && !timeseries) => {}
                other => {
                    let name = other.and_then(Value::as_str).unwrap_or("");
                    let names = METRICS.iter().map(|m| m.name).chain([CUMULATIVE_WELFARE]);
                    let hint = suggest::hint(name, names);
                    self.fail(
                        format!("{at}.metric"),
                        other,
                        format!("allowed a metric name{hint} (`regimes explain` lists them; cumulative_welfare only for sweep and bars charts)"),
                    );
                }
            }
            for key in ["x", "facet"] {
                match t.get(key) {
                    None => {}
                    Some(Value::String(p)) if swept.contains(&p.as_str()) => {}
                    Some(v) => {
                        let name = v.as_str().unwrap_or("");
                        let hint = suggest::hint(name, swept.iter().copied());
                        let allowed = if swept.is_empty() {
                            "nothing: the scenario has no [sweep]".to_string()
                        } else {
                            format!("a swept parameter{hint}: {}", swept.join(", "))
                        };
                        self.fail(format!("{at}.{key}"), Some(v), format!("allowed {allowed}"));
                    }
                }
            }
            if matches!(kind, Some(Value::String(k)) if k == "sweep") && sweep.is_empty() {
                self.fail(
                    format!("{at}.kind"),
                    kind,
                    "a sweep chart needs a [sweep]; allowed here: \"timeseries\" or \"bars\"",
                );
            }
            if self.problems.len() > before {
                continue;
            }
            match item.clone().try_into::<ChartSpec>() {
                Ok(spec) => charts.push(spec),
                Err(e) => self.fail(&at, Some(item), format!("not a chart: {}", e.message())),
            }
        }
        charts
    }

    /// The model's own range checks on every regime at every sweep point.
    fn model_checks(&mut self, s: &Scenario) {
        let swept: Vec<&str> = s.sweep.iter().map(|a| a.path.as_str()).collect();
        for point in 0..s.points() {
            for (r, entry) in s.regimes.iter().enumerate() {
                let config = match s.config(point, r) {
                    Ok(c) => c,
                    Err(e) => {
                        self.fail("sweep", None, e);
                        continue;
                    }
                };
                for e in config.check() {
                    let (key, context) = if swept.contains(&e.parameter.as_str()) {
                        (format!("sweep.{:?}", e.parameter), String::new())
                    } else if let Some(k) = e.parameter.strip_prefix("regime.") {
                        (
                            format!("regimes[{r}].{k}"),
                            format!(" (regime {})", entry.name),
                        )
                    } else {
                        (e.parameter.clone(), String::new())
                    };
                    self.problems.push(Problem {
                        key,
                        value: Some(e.value),
                        message: format!("allowed {}", e.allowed),
                        context,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Scenario, InputError> {
        Scenario::parse(text, "test.toml", "test", &[])
    }

    fn errors(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn default_scenario_is_the_three_main_regimes() {
        let s = Scenario::default_with(&[]).unwrap();
        let names: Vec<&str> = s.regimes.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["enclosure", "commons", "collectivist"]);
        assert_eq!((s.steps, s.replicates), (500, 10));
        assert_eq!(s.world, World::default());
        assert_eq!(s.runs(), 30);
    }

    #[test]
    fn empty_file_takes_every_default() {
        let s = parse("").unwrap();
        assert_eq!(s.name, "test");
        assert_eq!(
            (s.steps, s.replicates, s.record_every, s.window),
            (500, 10, 1, 50)
        );
        assert_eq!(s.regimes.len(), 3);
        assert_eq!(s.points(), 1);
    }

    #[test]
    fn variants_start_from_their_preset() {
        let s = parse(
            r#"regimes = ["enclosure", { preset = "commons", name = "costly", integration_cost = 0.3, patent_term = 5 }]"#,
        )
        .unwrap();
        let costly = &s.regimes[1];
        assert_eq!(costly.name, "costly");
        assert_eq!(costly.preset.as_deref(), Some("commons"));
        let mut expected = Regime::preset("commons").unwrap();
        expected.integration_cost = 0.3;
        expected.patent_term = Some(5);
        assert_eq!(costly.regime, expected);
    }

    #[test]
    fn resolved_text_round_trips() {
        let text = r#"
name = "trip"
regimes = ["patents", { preset = "cooperative", name = "coop2", pay_cap = "none" }]
[world]
producers = 50
groups = 5
[sweep]
"world.interactions" = [0, 5]
"regime.visibility" = ["open", "private"]
"regime.levy" = [0.1, 0.25]
[[charts]]
metric = "welfare"
kind = "sweep"
x = "world.interactions"
"#;
        let s = parse(text).unwrap();
        let resolved = s.to_toml();
        let again = parse(&resolved).unwrap();
        assert_eq!(again, s);
        assert_eq!(again.to_toml(), resolved);
        // File order of the sweep survives (not alphabetical).
        let paths: Vec<&str> = again.sweep.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(
            paths,
            ["world.interactions", "regime.visibility", "regime.levy"]
        );
    }

    #[test]
    fn sweep_points_vary_the_last_axis_fastest() {
        let s =
            parse("[sweep]\n\"world.loci\" = [10, 20]\n\"regime.levy\" = [0.0, 0.1, 0.2]").unwrap();
        assert_eq!(s.points(), 6);
        assert_eq!(s.runs(), 6 * 3 * 10);
        let p4: Vec<String> = s.point(4).iter().map(|v| v.to_string()).collect();
        assert_eq!(p4, ["20", "0.1"]);
        let c = s.config(4, 2).unwrap();
        assert_eq!(c.world.loci, 20);
        assert_eq!(c.regime.levy, 0.1);
        assert_eq!(c.regime.allocation, crate::model::Allocation::Plan);
    }

    #[test]
    fn unknown_keys_suggest_the_nearest() {
        let e = errors("[world]\ninteraction = 3");
        assert!(e.contains("test.toml: world.interaction = 3"), "{e}");
        assert!(e.contains("did you mean `interactions`"), "{e}");
        let e = errors("stepz = 3");
        assert!(e.contains("did you mean `steps`"), "{e}");
        let e = errors("regimes = [{ preset = \"commons\", levvy = 0.2 }]");
        assert!(e.contains("regimes[0].levvy = 0.2"), "{e}");
        assert!(e.contains("did you mean `levy`"), "{e}");
        let e = errors("[sweep]\n\"world.interaction\" = [1]");
        assert!(e.contains("sweep.\"world.interaction\""), "{e}");
        assert!(e.contains("did you mean `world.interactions`"), "{e}");
    }

    #[test]
    fn unknown_preset_lists_the_presets() {
        let e = errors("regimes = [\"enclosur\"]");
        assert!(
            e.contains("regimes[0] = \"enclosur\": unknown preset"),
            "{e}"
        );
        assert!(e.contains("did you mean `enclosure`"), "{e}");
        assert!(e.contains("open_access, cooperative, patents"), "{e}");
    }

    #[test]
    fn values_are_checked_by_type_and_by_the_model() {
        let e = errors("[world]\nloci = \"twenty\"");
        assert!(
            e.contains("world.loci = \"twenty\": allowed an integer in 1..=64"),
            "{e}"
        );
        let e = errors("[world]\nloci = 70");
        assert!(
            e.contains("world.loci = 70: allowed an integer in 1..=64"),
            "{e}"
        );
        let e = errors("regimes = [{ preset = \"commons\", levy = 1.5 }]");
        assert!(
            e.contains("regimes[0].levy = 1.5: allowed a share in [0, 1]"),
            "{e}"
        );
        let e = errors("[sweep]\n\"regime.levy\" = [0.5, 2.0]");
        assert!(
            e.contains("sweep.\"regime.levy\" = 2: allowed a share"),
            "{e}"
        );
        let e = errors("[sweep]\n\"regime.visibility\" = [\"open\", \"public\"]");
        assert!(
            e.contains("allowed private, groups, network or open"),
            "{e}"
        );
        let e = errors("steps = 0\nreplicates = -1");
        assert!(e.contains("steps = 0: allowed an integer >= 1"), "{e}");
        assert!(e.contains("replicates = -1"), "{e}");
        let e = errors("regimes = [\"commons\", \"commons\"]");
        assert!(e.contains("regimes[1].name = \"commons\""), "{e}");
        let e = errors("name = \"a b\"");
        assert!(
            e.contains("name = \"a b\": allowed a non-empty name"),
            "{e}"
        );
    }

    #[test]
    fn malformed_toml_names_the_file_and_line() {
        let e = errors("steps = [1, \n");
        assert!(e.starts_with("test.toml: malformed TOML"), "{e}");
        assert!(e.contains("line"), "{e}");
    }

    #[test]
    fn charts_are_checked() {
        let e = errors("[[charts]]\nmetric = \"welfre\"\nkind = \"bars\"");
        assert!(e.contains("charts[0].metric = \"welfre\""), "{e}");
        assert!(e.contains("did you mean `welfare`"), "{e}");
        let e = errors("[[charts]]\nmetric = \"welfare\"\nkind = \"sweep\"");
        assert!(e.contains("needs a [sweep]"), "{e}");
        let e = errors(
            "[sweep]\n\"world.loci\" = [10]\n[[charts]]\nmetric = \"welfare\"\nkind = \"sweep\"\nx = \"world.lo\"",
        );
        assert!(e.contains("charts[0].x = \"world.lo\""), "{e}");
        let s = parse("charts_mode = \"replace\"\n[[charts]]\nmetric = \"welfare\"\nkind = \"timeseries\"\ntitle = \"W\"").unwrap();
        assert_eq!(s.charts_mode, ChartsMode::Replace);
        assert_eq!(s.charts[0].title.as_deref(), Some("W"));
    }

    #[test]
    fn overrides_apply_and_are_named_in_errors() {
        let sets: Vec<Override> = ["steps=20", "world.producers=100", "regime.monitoring=0.3"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let s = Scenario::default_with(&sets).unwrap();
        assert_eq!(s.steps, 20);
        assert_eq!(s.world.producers, 100);
        assert!(s.regimes.iter().all(|r| r.regime.monitoring == 0.3));
        let bad: Override = "regime.levy=3".parse().unwrap();
        let e = Scenario::default_with(&[bad]).unwrap_err().to_string();
        assert_eq!(
            e.lines().count(),
            1,
            "one line for an override applied to every regime: {e}"
        );
        assert!(
            e.starts_with("--set regime.levy=3: regime.levy = 3: allowed"),
            "{e}"
        );
        let unknown: Override = "world.producer=3".parse().unwrap();
        let e = Scenario::default_with(&[unknown]).unwrap_err().to_string();
        assert!(e.contains("did you mean `world.producers`"), "{e}");
        let text: Override = "regime.visibility=open".parse().unwrap();
        assert_eq!(text.value, Value::String("open".into()));
        let swept: Override = "world.loci=10".parse().unwrap();
        let e = Scenario::parse("[sweep]\n\"world.loci\" = [10, 12]", "t", "t", &[swept])
            .unwrap_err()
            .to_string();
        assert!(e.contains("is swept"), "{e}");
    }
}
