//! `--set PATH=VALUE`: overrides applied to the raw document before it is read,
//! and the attribution of a problem to the override that caused it.

use std::fmt;

use toml::{Table, Value};

use super::DEFAULT_REGIMES;
use crate::experiment::suggest;
use crate::model::params;

/// Top-level keys `--set` may change (the tables go through `world.KEY` and `regime.KEY`).
const SETTABLE: &[&str] = &[
    "name",
    "description",
    "steps",
    "replicates",
    "seed",
    "record_every",
    "window",
    "baseline",
    "charts_mode",
];

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

/// Applies `--set` overrides to the raw document. A `regime.KEY` override applies
/// to every regime; a swept parameter cannot be set.
pub(super) fn apply_overrides(doc: &mut Table, overrides: &[Override]) -> Result<(), String> {
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
            Some(("regime", key))
                if params::find(&o.path).is_some() && doc.contains_key("populations") =>
            {
                // A mixed world: every population.
                let pops = doc.get_mut("populations").and_then(Value::as_table_mut);
                for (_, pop) in pops.into_iter().flat_map(|t| t.iter_mut()) {
                    if let Some(t) = pop.as_table_mut() {
                        t.insert(key.to_string(), o.value.clone());
                    }
                }
            }
            Some(("populations", rest)) if rest.split_once('.').is_some() => {
                let (name, key) = rest.split_once('.').expect("matched above");
                let pop = (doc.get_mut("populations").and_then(Value::as_table_mut))
                    .and_then(|t| t.get_mut(name))
                    .and_then(Value::as_table_mut)
                    .ok_or_else(|| format!("{o}: the scenario has no [populations.{name}]"))?;
                pop.insert(key.to_string(), o.value.clone());
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
                    .chain(params::all().map(|p| p.path.to_string()))
                    .collect();
                let hint = suggest::hint(&o.path, known.iter().map(String::as_str));
                return Err(format!(
                    "{o}: unknown path `{}`{hint}; allowed: {}, world.KEY, regime.KEY or populations.NAME.KEY (see docs/SCENARIOS.md)",
                    o.path,
                    SETTABLE.join(", ")
                ));
            }
        }
    }
    Ok(())
}

/// Where a problem comes from: an override it is about, else the file.
pub(super) fn attribute(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Scenario;

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
