//! Charts for essays and classrooms, drawn from an output directory's tables
//! alone (so `regimes plot DIR` can redraw them without rerunning).
//!
//! [`data`] reads the tables and reduces them to means and 95 % intervals;
//! [`style`] holds the font and palette; [`frame`] lays out title,
//! legend, caption and panels; [`timeseries`], [`sweep`], [`bars`],
//! [`overview`] and [`shares`] (a mixed world's populations) draw the five
//! kinds ([`panel`], [`titles`] and [`ticks`] lay out their panels, [`words`]
//! names parameters and metrics); [`svg`]
//! makes plotters' SVG smaller. `docs/CHARTS.md` says how to read them.

pub mod bars;
pub mod data;
pub mod frame;
pub mod overview;
pub mod page;
pub mod panel;
pub mod plan;
pub mod render;
pub mod scale;
pub mod shares;
pub mod style;
pub mod svg;
pub mod sweep;
pub mod ticks;
pub mod timeseries;
pub mod titles;
pub mod words;

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::experiment::chart_spec::Look;
use crate::model::{Unit, metric_info};
use crate::output::stats::Stats;
use data::{By, Outputs};
use frame::{Frame, LegendKind};
use page::Page;
pub use render::{Drawing, Drawn, Want, draw, kept_look};
use style::RegimeStyle;
use words::population_key;
pub use words::{axis_notes, metric_label, param_words, title_case};

/// Which files to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Png,
    Svg,
    Both,
}

/// Metrics drawn by default: time series each, sweep charts each, and the
/// panels of the overview.
pub const CHART_METRICS: &[&str] = &[
    "duplicated_share",
    "approach_diversity",
    "welfare",
    "consumer_surplus",
    "deadweight_loss",
    "gini_wealth",
    "frontier_quality",
    "contribution",
    "tail_coverage",
];

/// Most panels in one chart; beyond it, evenly spaced sweep points are shown.
pub(crate) const MAX_PANELS: usize = 16;

/// Most time points per line (the rest are thinned evenly).
const MAX_STEPS: usize = 2000;

/// What one chart shows.
#[derive(Clone, Debug, PartialEq)]
pub enum JobKind {
    Overview,
    Timeseries,
    /// Against parameter `x` (index into the swept parameters), faceted by `facet` first.
    Sweep {
        x: usize,
        facet: Option<usize>,
    },
    Bars,
    /// A mixed world's population shares over time, stacked.
    Shares,
}

/// One chart to draw, written as `charts/<stem>.png` and `.svg`.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub stem: String,
    pub kind: JobKind,
    pub metric: String,
    pub title: Option<String>,
    /// Rows drawn, by name, in order (`None`: all): regimes, or, `by`
    /// population, `all` and populations.
    pub regimes: Option<Vec<String>>,
    /// Whether the rows are regimes or a mixed world's populations.
    pub by: By,
    pub look: Look,
}

/// What a chart says in words (for the report, which shows it beside the image).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Text {
    pub title: String,
    pub caption: String,
}

/// Everything a chart kind needs to draw one chart.
pub struct Ctx<'a> {
    pub out: &'a Outputs,
    pub job: &'a Job,
    pub styles: &'a [RegimeStyle],
    pub page: Page,
}

impl<'a> Ctx<'a> {
    /// The frame around this chart's panels: its title, subtitle and caption,
    /// and a legend of `legend` kind whose heading says what an entry stands for.
    pub fn frame<'t>(
        &self,
        title: &'t str,
        subtitle: &'t str,
        caption: &'t str,
        legend: LegendKind,
    ) -> Frame<'t>
    where
        'a: 't,
    {
        Frame {
            page: self.page,
            title,
            subtitle,
            caption,
            regimes: self.styles,
            legend_title: self.legend_title(),
            legend,
        }
    }

    /// The legend's heading: what a line, bar or area stands for.
    pub fn legend_title(&self) -> &'static str {
        match self.job.by {
            By::Regime => "Regime",
            By::Population => "Population",
        }
    }

    /// A default title, with " by population" when the rows are populations.
    pub fn titled(&self, title: String) -> String {
        match self.job.by {
            By::Regime => title,
            By::Population => format!("{title} by population"),
        }
    }

    /// The value axis' description: the look's, or the metric's label.
    pub fn y_label(&self) -> String {
        self.job
            .look
            .y_label
            .clone()
            .unwrap_or_else(|| metric_label(&self.job.metric))
    }

    /// A swept parameter's name in words: the look's display name, or the default.
    pub fn param_name(&self, i: usize) -> String {
        let path = &self.out.params[i].name;
        self.job
            .look
            .names
            .get(path)
            .cloned()
            .unwrap_or_else(|| param_words(path))
    }

    /// A swept parameter's short name, for panel titles: the look's display
    /// name, or the last part of its path in words ("switch rate").
    pub fn param_short(&self, i: usize) -> String {
        let path = &self.out.params[i].name;
        self.job
            .look
            .names
            .get(path)
            .cloned()
            .unwrap_or_else(|| match population_key(path) {
                // "open share", "open levy": whose share or levy it is.
                Some((population, key)) => format!("{population} {}", key.replace('_', " ")),
                None => path.rsplit('.').next().unwrap_or(path).replace('_', " "),
            })
    }

    /// A point's panel title in its two forms, "problems = 25, switch rate =
    /// 0.05" and "25, 0.05" (for [`titles::facet_titles`]), skipping `skip`.
    pub fn facet(&self, point: &[usize], skip: &[usize]) -> (String, String) {
        let values: Vec<String> = (0..self.out.params.len())
            .filter(|i| !skip.contains(i))
            .map(|i| self.out.params[i].values.label(point[i]))
            .collect();
        (self.point_label(point, skip), values.join(", "))
    }

    /// The names of the parameters in a panel title, in order, skipping `skip`.
    pub fn facet_key(&self, skip: &[usize]) -> String {
        (0..self.out.params.len())
            .filter(|i| !skip.contains(i))
            .map(|i| self.param_short(i))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// "problems = 25, switch rate = 0.05" for the parameters of a point, skipping `skip`.
    pub fn point_label(&self, point: &[usize], skip: &[usize]) -> String {
        (0..self.out.params.len())
            .filter(|i| !skip.contains(i))
            .map(|i| {
                format!(
                    "{} = {}",
                    self.param_short(i),
                    self.out.params[i].values.label(point[i])
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The range a metric's mean can take: shares, qualities and concentration
/// indices lie in [0, 1], counts and ratios are not negative. A t-interval
/// reaching past it is clipped there (a share of effort cannot be below 0).
pub fn metric_bounds(metric: &str) -> (f64, f64) {
    let inf = f64::INFINITY;
    match metric_info(metric).map(|m| m.unit) {
        Some(Unit::Share | Unit::Quality) => (0.0, 1.0),
        _ if [
            "gini_wealth",
            "gini_income",
            "hhi_revenue",
            "effort_entropy",
        ]
        .contains(&metric) =>
        {
            (0.0, 1.0)
        }
        Some(Unit::Count) => (0.0, inf),
        // Innovation sums gains of the frontier only (spec §4.6): never below zero.
        _ if ["tail_coverage", "pay_ratio", "innovation"].contains(&metric) => (0.0, inf),
        _ => (-inf, inf),
    }
}

/// Clips intervals to the metric's range (a missing interval stays missing:
/// `f64::max` would turn NaN into the bound).
fn clip(stats: &mut [Stats], (min, max): (f64, f64)) {
    for s in stats
        .iter_mut()
        .filter(|s| s.ci_low.is_finite() && s.ci_high.is_finite())
    {
        s.ci_low = s.ci_low.max(min);
        s.ci_high = s.ci_high.min(max);
    }
}

/// At most 16 evenly spaced indices of `0..n`, and a note saying so.
pub fn pick_panels(n: usize) -> (Vec<usize>, String) {
    if n <= MAX_PANELS {
        return ((0..n).collect(), String::new());
    }
    let picked = (0..MAX_PANELS)
        .map(|i| (i * (n - 1) + (MAX_PANELS - 1) / 2) / (MAX_PANELS - 1))
        .collect();
    (picked, format!(" ({MAX_PANELS} of {n} shown)"))
}

/// Draws every chart of the output directory `dir` into `dir/charts/` with
/// the scenario's looks, reports on stderr (unless `quiet`) the `[[charts]]`
/// entries the tables cannot support, and returns the files written.
pub fn draw_all(dir: &Path, format: Format, quiet: bool) -> Result<Vec<PathBuf>> {
    let want = Want {
        files: Some(format),
        report: false,
    };
    let drawing = draw(dir, want, &Look::default())?;
    warn(&drawing, quiet);
    Ok(drawing.files)
}

/// Prints a drawing's warnings on stderr, unless `quiet`.
pub fn warn(drawing: &Drawing, quiet: bool) {
    if !quiet {
        for w in &drawing.warnings {
            eprintln!("warning: {w}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_panels() {
        assert_eq!(
            title_case("duplicated effort (share of trials)"),
            "Duplicated effort"
        );
        assert_eq!(
            metric_label("welfare"),
            "welfare per step (surplus + revenue + intrinsic - costs)"
        );
        assert_eq!(pick_panels(3).0, vec![0, 1, 2]);
        let (p, note) = pick_panels(100);
        assert_eq!(p.len(), MAX_PANELS);
        assert_eq!((p[0], p[15]), (0, 99));
        assert!(note.contains("16 of 100"));
        assert_eq!(plan::slug("world.interactions"), "world-interactions");
    }

    #[test]
    fn clipping_keeps_missing_intervals_missing() {
        let mut s = [
            Stats {
                n: 3,
                mean: 0.1,
                sd: 0.1,
                ci_low: -0.2,
                ci_high: 0.4,
            },
            Stats::MISSING,
        ];
        clip(&mut s, metric_bounds("duplicated_share"));
        assert_eq!((s[0].ci_low, s[0].ci_high), (0.0, 0.4));
        assert!(s[1].ci_low.is_nan() && s[1].ci_high.is_nan());
        assert_eq!(metric_bounds("welfare"), (f64::NEG_INFINITY, f64::INFINITY));
        // An interval of innovation (gains only) once reached -50.
        assert_eq!(metric_bounds("innovation"), (0.0, f64::INFINITY));
    }
}
