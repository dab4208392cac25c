//! A chart requested by a scenario's `[[charts]]` entry (validated by the scenario
//! loader, drawn by the charts module).

use serde::{Deserialize, Serialize};

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

/// One `[[charts]]` entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
