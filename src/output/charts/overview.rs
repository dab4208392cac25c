//! The overview: the headline metrics side by side, one small panel each, so
//! the regimes can be compared at a glance (the chart to project first).
//! Without a sweep each panel is a bar chart; with one, each panel is a small
//! sweep chart against the first swept parameter.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::bars::{bar_axis, bars_panel};
use super::data::{Outputs, Stat};
use super::frame::{self, Frame, LegendKind, PanelSpec, Sizes, XAxis};
use super::style::RegimeStyle;
use super::sweep::{sweep_panel, x_axis};
use super::{metric_bounds, metric_label};

/// Draws the overview from per-run statistics of each metric (`[regime][point]`).
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    out: &Outputs,
    metrics: &[(String, Vec<Vec<Stat>>)],
    styles: &[RegimeStyle],
) -> Result<()> {
    let swept = !out.params.is_empty();
    let window = out.window_label();
    let mut subtitle = format!(
        "Scenario {} · {} · {} · each run summarised over {window}",
        out.name,
        out.replicates_label(),
        out.steps_label(),
    );
    // With a sweep: x is the first parameter, the others stay at their first point.
    let line: Vec<usize> = if swept {
        let first = &out.points[0];
        let line: Vec<usize> = (0..out.points.len())
            .filter(|&p| (1..out.params.len()).all(|i| out.points[p][i] == first[i]))
            .collect();
        if out.params.len() > 1 {
            subtitle += &format!(" · at {}", out.point_label(first, &[0]));
        }
        line
    } else {
        vec![0]
    };
    let caption = if swept {
        format!(
            "Points: mean of {} at each value of {}; whiskers: 95% confidence interval of the mean (t-based).",
            out.replicates_label(),
            out.params[0].name
        )
    } else {
        format!(
            "Bars: mean of {}; whiskers: 95% confidence interval of the mean (t-based). Every panel has its own scale.",
            out.replicates_label()
        )
    };
    let frame = Frame {
        title: &format!("{}: the headline measures", out.name),
        subtitle: &subtitle,
        caption: &caption,
        regimes: styles,
        legend: if swept {
            LegendKind::Line
        } else {
            LegendKind::Swatch
        },
    };
    let content = frame::draw_frame(root, &frame)?;
    let (rows, cols) = frame::grid(metrics.len());
    let sizes = Sizes::for_grid(rows, cols);
    let x_desc = swept.then(|| out.params[0].name.as_str());
    let areas = frame::panel_grid(&content, (rows, cols), x_desc, None)?;
    let names = XAxis::Regimes(styles.iter().map(|s| s.name.clone()).collect());
    let (sweep_x, _) = if swept {
        x_axis(&out.params[0].values, true)
    } else {
        (names.clone(), Vec::new())
    };
    for ((metric, stats), area) in metrics.iter().zip(areas.iter()) {
        let label = metric_label(metric);
        if swept {
            let xs: Vec<f64> = line
                .iter()
                .map(|&p| match &out.params[0].values {
                    super::data::Values::Num(v) => v[out.points[p][0]],
                    super::data::Values::Str(_) => out.points[p][0] as f64,
                })
                .collect();
            let row: Vec<Vec<Stat>> = stats
                .iter()
                .map(|r| line.iter().map(|&p| r[p]).collect())
                .collect();
            let y = frame::y_axis(
                row.iter().flatten().flat_map(|s| [s.mean, s.lo, s.hi]),
                false,
                metric_bounds(metric),
            );
            let spec = PanelSpec {
                title: Some(&label),
                x: &sweep_x,
                y: &y,
                sizes,
            };
            sweep_panel(root, area, &spec, styles, &xs, &row)?;
        } else {
            let row: Vec<Stat> = stats.iter().map(|r| r[0]).collect();
            let y = bar_axis(row.iter(), metric_bounds(metric).0);
            let spec = PanelSpec {
                title: Some(&label),
                x: &names,
                y: &y,
                sizes,
            };
            bars_panel(root, area, &spec, styles, &row)?;
        }
    }
    Ok(())
}
