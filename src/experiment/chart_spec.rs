//! A chart requested by a scenario's `[[charts]]` entry: part of the scenario
//! format (read and checked here, drawn by `output::charts`), with the controls a
//! publisher needs (labels, names, scales, facets, size) in [`Look`].

use serde::{Deserialize, Serialize};
use toml::Value;

use super::suggest;
use crate::model::METRICS;

mod look;
pub use look::{Look, YAxes, YScale};

/// A metric only `runs.parquet` has, which per-run charts may use.
pub const CUMULATIVE_WELFARE: &str = "cumulative_welfare";

/// Kind of chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Metric over time, one line per regime with a 95 % band.
    Timeseries,
    /// Per-run summary of the metric against a swept parameter.
    Sweep,
    /// Per-run summary of the metric as one bar per regime with 95 % whiskers.
    Bars,
}

/// What a chart's lines or bars stand for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    /// One per regime, each over its whole world.
    #[default]
    Regime,
    /// One per population of a mixed world (spec §5), beside the world (`all`).
    Population,
}

impl By {
    fn is_regime(&self) -> bool {
        *self == By::Regime
    }
}

/// One `[[charts]]` entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChartSpec {
    /// A metric name (see `regimes explain`).
    pub metric: String,
    pub kind: ChartKind,
    /// Swept parameter on the x axis (sweep charts; default: the first swept parameter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// Swept parameter that splits the chart into small multiples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facet: Option<String>,
    /// Optional title replacing the default one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Lines or bars per regime (default) or per population of a mixed world.
    #[serde(default, skip_serializing_if = "By::is_regime")]
    pub by: By,
    /// The regimes drawn, in this order (default: all, in the scenario's
    /// order); by population, the populations drawn (`all` for the world).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regimes: Option<Vec<String>>,
    #[serde(flatten)]
    pub look: Look,
}

/// Whether the scenario's charts replace the default set or add to it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartsMode {
    /// Default charts plus the scenario's own.
    #[default]
    Add,
    /// Only the scenario's own charts (and the overview).
    Replace,
}

/// Keys of a `[[charts]]` entry.
pub const CHART_KEYS: &[&str] = &[
    "metric",
    "kind",
    "x",
    "facet",
    "title",
    "by",
    "regimes",
    "x_label",
    "y_label",
    "names",
    "y_scale",
    "y_zero",
    "y_axes",
    "rows",
    "cols",
    "width_cm",
    "height_cm",
    "dpi",
    "font_scale",
    "show_title",
];

/// A problem with one `[[charts]]` entry: the key under the entry (empty for
/// the entry itself), the value found and what is allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub key: String,
    pub value: Option<Value>,
    pub message: String,
}

/// Checks one `[[charts]]` entry against the scenario's swept parameter paths
/// and regime names, and reads it. Every problem is reported, not just the first.
pub fn check(item: &Value, swept: &[&str], regimes: &[&str]) -> Result<ChartSpec, Vec<Problem>> {
    check_in(item, swept, regimes, &[])
}

/// [`check`] in a scenario whose mixed world has `populations` (by name, in
/// order; empty for one regime): an entry `by = "population"` names them.
pub fn check_in(
    item: &Value,
    swept: &[&str],
    regimes: &[&str],
    populations: &[&str],
) -> Result<ChartSpec, Vec<Problem>> {
    let mut problems = Vec::new();
    let Some(t) = item.as_table() else {
        fail(
            &mut problems,
            "",
            Some(item),
            "allowed a table with metric and kind".into(),
        );
        return Err(problems);
    };
    for (key, v) in t {
        if !CHART_KEYS.contains(&key.as_str()) {
            let hint = suggest::hint(key, CHART_KEYS.iter().copied());
            fail(
                &mut problems,
                key,
                Some(v),
                format!(
                    "unknown chart key{hint}; allowed: {}",
                    CHART_KEYS.join(", ")
                ),
            );
        }
    }
    let kind = t.get("kind");
    let kind_name = kind.and_then(Value::as_str);
    if !matches!(kind_name, Some("timeseries" | "sweep" | "bars")) {
        fail(
            &mut problems,
            "kind",
            kind,
            "allowed \"timeseries\", \"sweep\" or \"bars\"".into(),
        );
    }
    let timeseries = kind_name == Some("timeseries");
    match t.get("metric") {
        Some(Value::String(m))
            if METRICS.iter().any(|x| x.name == m) || (m == CUMULATIVE_WELFARE && !timeseries) => {}
        other => {
            let name = other.and_then(Value::as_str).unwrap_or("");
            let names = METRICS.iter().map(|m| m.name).chain([CUMULATIVE_WELFARE]);
            let hint = suggest::hint(name, names);
            fail(
                &mut problems,
                "metric",
                other,
                format!(
                    "allowed a metric name{hint} (`regimes explain` lists them; cumulative_welfare only for sweep and bars charts)"
                ),
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
                fail(&mut problems, key, Some(v), format!("allowed {allowed}"));
            }
        }
    }
    if kind_name == Some("sweep") && swept.is_empty() {
        fail(
            &mut problems,
            "kind",
            kind,
            "a sweep chart needs a [sweep]; allowed here: \"timeseries\" or \"bars\"".into(),
        );
    }
    for (key, allowed, ok) in [
        (
            "title",
            "a string (text in quotes)",
            Value::is_str as fn(&Value) -> bool,
        ),
        ("x_label", "a string (text in quotes)", Value::is_str),
        ("y_label", "a string (text in quotes)", Value::is_str),
        ("y_scale", "\"linear\" or \"log\"", |v| {
            matches!(v.as_str(), Some("linear" | "log"))
        }),
        ("y_axes", "\"shared\" or \"per_panel\"", |v| {
            matches!(v.as_str(), Some("shared" | "per_panel"))
        }),
        ("y_zero", "true or false", Value::is_bool),
        ("show_title", "true or false", Value::is_bool),
        ("rows", "an integer in 1..=16", Value::is_integer),
        ("cols", "an integer in 1..=16", Value::is_integer),
        ("dpi", "an integer in 50..=1200", Value::is_integer),
        ("width_cm", "a number in 2..=100", is_number),
        ("height_cm", "a number in 2..=100", is_number),
        ("font_scale", "a number in 0.5..=3", is_number),
    ] {
        if let Some(v) = t.get(key).filter(|v| !ok(v)) {
            fail(&mut problems, key, Some(v), format!("allowed {allowed}"));
        }
    }
    // By population, the rows are the world (`all`) and the populations.
    let by_population = t.get("by").and_then(Value::as_str) == Some("population");
    match t.get("by").map(|v| (v, v.as_str())) {
        None | Some((_, Some("regime"))) => {}
        Some((_, Some("population"))) if !populations.is_empty() => {}
        Some((v, _)) => {
            let allowed = if populations.is_empty() {
                "allowed \"regime\" (\"population\" needs a mixed world: [populations])"
            } else {
                "allowed \"regime\" or \"population\""
            };
            fail(&mut problems, "by", Some(v), allowed.into());
        }
    }
    let world_and_populations: Vec<&str> = std::iter::once("all")
        .chain(populations.iter().copied())
        .collect();
    let (rows, what) = if by_population {
        (
            world_and_populations.as_slice(),
            "populations (all: the world)",
        )
    } else {
        (regimes, "regimes")
    };
    if let Some(list) = t.get("regimes") {
        let items = list.as_array().map(Vec::as_slice).unwrap_or_default();
        if items.is_empty() || !list.is_array() {
            fail(
                &mut problems,
                "regimes",
                Some(list),
                format!(
                    "allowed a non-empty list of the scenario's {what}: {}",
                    rows.join(", ")
                ),
            );
        }
        for (j, v) in items.iter().enumerate() {
            let name = v.as_str().unwrap_or("");
            if !rows.contains(&name) {
                let hint = suggest::hint(name, rows.iter().copied());
                fail(
                    &mut problems,
                    &format!("regimes[{j}]"),
                    Some(v),
                    format!(
                        "allowed one of the scenario's {what}{hint}: {}",
                        rows.join(", ")
                    ),
                );
            }
        }
    }
    if let Some(names) = t.get("names") {
        match names.as_table() {
            None => fail(
                &mut problems,
                "names",
                Some(names),
                "allowed a table of display names, e.g. { enclosure = \"Private labs\" }".into(),
            ),
            Some(table) => {
                for (key, v) in table {
                    let key_str = key.as_str();
                    let known = swept.contains(&key_str)
                        || regimes.contains(&key_str)
                        || (!populations.is_empty() && world_and_populations.contains(&key_str));
                    if !known {
                        let hint = suggest::hint(key, swept.iter().chain(regimes).copied());
                        fail(
                            &mut problems,
                            &format!("names.{key}"),
                            Some(v),
                            format!("allowed a regime name or a swept parameter{hint}"),
                        );
                    } else if !v.is_str() {
                        fail(
                            &mut problems,
                            &format!("names.{key}"),
                            Some(v),
                            "allowed a text".into(),
                        );
                    }
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    match item.clone().try_into::<ChartSpec>() {
        Ok(spec) => {
            for (key, allowed) in spec.look.problems() {
                fail(&mut problems, key, t.get(key), allowed.into());
            }
            if problems.is_empty() {
                Ok(spec)
            } else {
                Err(problems)
            }
        }
        Err(e) => {
            fail(
                &mut problems,
                "",
                Some(item),
                format!("not a chart: {}", e.message()),
            );
            Err(problems)
        }
    }
}

fn fail(problems: &mut Vec<Problem>, key: &str, value: Option<&Value>, message: String) {
    problems.push(Problem {
        key: key.to_string(),
        value: value.cloned(),
        message,
    });
}

fn is_number(v: &Value) -> bool {
    v.is_integer() || v.is_float()
}

#[cfg(test)]
mod tests;
