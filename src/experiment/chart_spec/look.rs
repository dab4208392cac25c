//! How a chart looks, as a publisher sets it (the `[[charts]]` look keys and
//! the options of `regimes plot`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
