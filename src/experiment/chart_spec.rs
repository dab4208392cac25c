//! A chart requested by a scenario's `[[charts]]` entry: part of the scenario
//! format (read and checked here, drawn by `output::charts`), with the controls a
//! publisher needs (labels, names, scales, facets, size) in [`Look`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Value;

use super::suggest;
use crate::model::METRICS;

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

/// How the value axis maps numbers to lengths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum YScale {
    Linear,
    /// Powers of ten evenly spaced: one huge value no longer squashes the rest.
    Log,
}

/// Whether the panels of one chart share their value axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum YAxes {
    /// One scale for every panel: heights compare across panels.
    Shared,
    /// Each panel its own scale: small panels are not flattened by big ones.
    PerPanel,
}

/// How a chart looks, as a publisher sets it: every field is optional and falls
/// back to the chart's default. The same controls are options of `regimes plot`,
/// which override the scenario's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Look {
    /// The horizontal axis' description (default: the parameter's name in words, or "step").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_label: Option<String>,
    /// The value axis' description (default: the metric's label with its unit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y_label: Option<String>,
    /// Display names of regimes (by regime name) and parameters (by path).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y_scale: Option<YScale>,
    /// Start the value axis at zero (default: only bars do).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y_zero: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y_axes: Option<YAxes>,
    /// Rows and columns of the grid of panels (default: chosen from their number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cols: Option<u32>,
    /// Printed size in centimetres (default 16 x 10) and resolution of the PNG (default 254).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width_cm: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height_cm: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpi: Option<u32>,
    /// Multiplies every text size (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font_scale: Option<f64>,
    /// Draw the title and subtitle (default true; off when the essay has its own caption).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_title: Option<bool>,
}

impl Look {
    /// `self` with every control that `over` sets replaced by it (names merge).
    pub fn overridden_by(&self, over: &Look) -> Look {
        let mut names = self.names.clone();
        names.extend(over.names.clone());
        Look {
            x_label: over.x_label.clone().or_else(|| self.x_label.clone()),
            y_label: over.y_label.clone().or_else(|| self.y_label.clone()),
            names,
            y_scale: over.y_scale.or(self.y_scale),
            y_zero: over.y_zero.or(self.y_zero),
            y_axes: over.y_axes.or(self.y_axes),
            rows: over.rows.or(self.rows),
            cols: over.cols.or(self.cols),
            width_cm: over.width_cm.or(self.width_cm),
            height_cm: over.height_cm.or(self.height_cm),
            dpi: over.dpi.or(self.dpi),
            font_scale: over.font_scale.or(self.font_scale),
            show_title: over.show_title.or(self.show_title),
        }
    }

    /// Every problem of the numeric controls, as (key, allowed).
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        let within = |v: Option<f64>, lo: f64, hi: f64| v.is_none_or(|v| (lo..=hi).contains(&v));
        if !within(self.width_cm, 2.0, 100.0) {
            out.push(("width_cm", "allowed a number in 2..=100"));
        }
        if !within(self.height_cm, 2.0, 100.0) {
            out.push(("height_cm", "allowed a number in 2..=100"));
        }
        if !within(self.dpi.map(f64::from), 50.0, 1200.0) {
            out.push(("dpi", "allowed an integer in 50..=1200"));
        }
        if !within(self.font_scale, 0.5, 3.0) {
            out.push(("font_scale", "allowed a number in 0.5..=3"));
        }
        for (key, v) in [("rows", self.rows), ("cols", self.cols)] {
            if !within(v.map(f64::from), 1.0, 16.0) {
                out.push((key, "allowed an integer in 1..=16"));
            }
        }
        out
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
    /// The regimes drawn, in this order (default: all, in the scenario's order).
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
    if let Some(list) = t.get("regimes") {
        let items = list.as_array().map(Vec::as_slice).unwrap_or_default();
        if items.is_empty() || !list.is_array() {
            fail(
                &mut problems,
                "regimes",
                Some(list),
                format!(
                    "allowed a non-empty list of the scenario's regimes: {}",
                    regimes.join(", ")
                ),
            );
        }
        for (j, v) in items.iter().enumerate() {
            let name = v.as_str().unwrap_or("");
            if !regimes.contains(&name) {
                let hint = suggest::hint(name, regimes.iter().copied());
                fail(
                    &mut problems,
                    &format!("regimes[{j}]"),
                    Some(v),
                    format!(
                        "allowed one of the scenario's regimes{hint}: {}",
                        regimes.join(", ")
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
                    let known = swept.contains(&key.as_str()) || regimes.contains(&key.as_str());
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
