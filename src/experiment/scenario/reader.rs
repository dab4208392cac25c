//! The reader: a parsed TOML document to a [`Scenario`], collecting every problem
//! rather than stopping at the first (each key read by `keys.rs`).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;
use toml::{Table, Value};

use super::checks::{Limits, MAX_NAME};
use super::keys::Reader;
use super::mixed::population_param;
use super::{DEFAULT_REGIMES, RegimeEntry, Scenario, SweepAxis};
use crate::experiment::chart_spec::ChartsMode;
use crate::experiment::suggest;
use crate::model::params;
use crate::model::{PRESETS, Regime, World};

/// Top-level keys, in the order of a resolved file.
const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "steps",
    "replicates",
    "seed",
    "record_every",
    "window",
    "baseline",
    "charts_mode",
    "world",
    "regimes",
    "populations",
    "sweep",
    "charts",
];

/// Positions of the sweep keys in the text, so that axes keep the file's order.
pub(super) fn sweep_order(text: &str) -> BTreeMap<String, usize> {
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

impl Reader {
    pub(super) fn scenario(
        &mut self,
        doc: &Table,
        default_name: &str,
        order: &BTreeMap<String, usize>,
        population_order: &BTreeMap<String, usize>,
        limits: &Limits,
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
            && name.len() <= MAX_NAME
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !name_ok {
            self.fail(
                "name",
                Some(&Value::String(name.clone())),
                format!("allowed a non-empty name of at most {MAX_NAME} letters, digits, '-', '_' and '.', not starting with '.' (it names the output directory and the charts)"),
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
        let regimes = match doc.get("populations") {
            None => self.regimes(doc.get("regimes")),
            Some(pops) => {
                if let Some(v) = doc.get("regimes") {
                    self.fail(
                        "regimes",
                        Some(v),
                        "a scenario with [populations] runs one mixed world: remove `regimes`",
                    );
                }
                self.mixed(pops, population_order)
            }
        };
        let sweep = self.sweep(doc.get("sweep"), order, &regimes);
        let charts = self.charts(doc.get("charts"), &sweep, &regimes);
        let baseline = self.baseline(doc.get("baseline"), &regimes);
        let scenario = Scenario {
            name,
            description,
            steps,
            replicates,
            seed,
            record_every,
            window,
            baseline,
            charts_mode,
            world: world?,
            regimes,
            sweep,
            charts,
        };
        if scenario.regimes.is_empty() || !self.problems.is_empty() {
            return None;
        }
        self.count_runs(&scenario)?;
        self.model_checks(&scenario, limits);
        Some(scenario)
    }

    fn world(&mut self, value: Option<&Value>) -> Option<World> {
        let Some(value) = value else {
            return Some(World::default());
        };
        let table = self.table(
            "world",
            Some(value),
            "allowed a table of world parameters ([world])",
        )?;
        let before = self.problems.len();
        let mut world = World::default();
        for (key, v) in table {
            let path = format!("world.{key}");
            match params::find(&path) {
                Some(p) => {
                    if let Some(x) = self.setting(v, p, &path) {
                        world.set(key, x);
                    }
                }
                None if TOP_KEYS.contains(&key.as_str()) => self.fail(
                    &path,
                    Some(v),
                    format!("`{key}` is a top-level key: move it above the first [table] header, where TOML reads it as part of that table"),
                ),
                None => {
                    let hint = suggest::hint(key, World::PARAMS.iter().map(|p| p.key));
                    self.fail(
                        &path,
                        Some(v),
                        format!("unknown world parameter{hint}; allowed: the keys of [world] in docs/SCENARIOS.md"),
                    );
                }
            }
        }
        (self.problems.len() == before).then_some(world)
    }

    fn regimes(&mut self, value: Option<&Value>) -> Vec<RegimeEntry> {
        let default_list: Vec<Value> = DEFAULT_REGIMES
            .iter()
            .map(|s| Value::String(s.to_string()))
            .collect();
        let allowed = "allowed a non-empty list of preset names or tables like { preset = \"commons\", name = \"commons_costly\", levy = 0.2 }";
        let list = match value {
            None => &default_list,
            Some(Value::Array(a)) if a.is_empty() => {
                self.fail("regimes", value, allowed);
                return Vec::new();
            }
            Some(_) => match self.list("regimes", value, allowed) {
                Some(list) => list,
                None => return Vec::new(),
            },
        };
        let mut entries: Vec<RegimeEntry> = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let at = format!("regimes[{i}]");
            let entry = match item {
                Value::String(name) => self.preset(&at, item, name).map(|regime| RegimeEntry {
                    name: name.clone(),
                    preset: Some(name.clone()),
                    regime,
                    populations: Vec::new(),
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

    pub(super) fn preset(&mut self, at: &str, value: &Value, name: &str) -> Option<Regime> {
        let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
        if !self.one_of(at, value, &names, "preset") {
            return None;
        }
        Regime::preset(name)
    }

    pub(super) fn regime_table(&mut self, at: &str, t: &Table) -> Option<RegimeEntry> {
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
        let mut regime = preset
            .as_deref()
            .and_then(Regime::preset)
            .unwrap_or_default();
        for (key, v) in t {
            if key == "preset" || key == "name" {
                continue;
            }
            let path = format!("regime.{key}");
            let full = format!("{at}.{key}");
            match params::find(&path) {
                Some(p) => {
                    if let Some(x) = self.setting(v, p, &full) {
                        regime.set(key, x);
                    }
                }
                None => {
                    let known = ["preset", "name"]
                        .into_iter()
                        .chain(Regime::PARAMS.iter().map(|p| p.key));
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
        Some(RegimeEntry {
            name,
            preset,
            regime,
            populations: Vec::new(),
        })
    }

    fn sweep(
        &mut self,
        value: Option<&Value>,
        order: &BTreeMap<String, usize>,
        regimes: &[RegimeEntry],
    ) -> Vec<SweepAxis> {
        let Some(table) = self.table(
            "sweep",
            value,
            "allowed a table like [sweep] \"world.interactions\" = [0, 5, 10]",
        ) else {
            return Vec::new();
        };
        let mut axes = Vec::new();
        for (path, v) in table {
            let at = format!("sweep.{path:?}");
            let param = match population_param(path, regimes) {
                Some(Ok(p)) => Some(p),
                Some(Err(message)) => {
                    self.fail(&at, Some(v), message);
                    continue;
                }
                None => params::find(path),
            };
            let Some(param) = param else {
                let hint = suggest::hint(path, params::all().map(|p| p.path));
                self.fail(
                    &at,
                    Some(v),
                    format!("unknown parameter path{hint}; allowed: world.KEY, regime.KEY (a regime path applies to every regime) or, with [populations], populations.NAME.KEY and populations.NAME.share"),
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
            let settings: Vec<params::Value> = values
                .iter()
                .filter_map(|x| self.setting(x, param, &at))
                .collect();
            axes.push(SweepAxis {
                path: path.clone(),
                values,
                settings,
            });
        }
        axes.sort_by_key(|a| order.get(&a.path).copied().unwrap_or(usize::MAX));
        axes
    }
}

#[cfg(test)]
mod tests;
