//! The overview: the headline metrics side by side, one small panel each, so
//! the regimes can be compared at a glance (the chart to project first).
//! Without a sweep each panel is a bar chart; with one, each panel is a small
//! sweep chart against the first swept parameter.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::bars::{bar_rule, bars_panel, with_headroom};
use super::frame::{self, LegendKind, Sizes};
use super::panel::{self, PanelSpec, XAxis};
use super::sweep::{sweep_panel, x_axis};
use super::titles;
use super::{Ctx, Text, axis_notes, metric_bounds, metric_label, scale};
use crate::output::stats::Stats;

/// Draws the overview from per-run statistics of each metric (`[regime][point]`).
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx,
    metrics: &[(String, Vec<Vec<Stats>>)],
) -> Result<Text> {
    let (out, look) = (ctx.out, &ctx.job.look);
    let swept = !out.params.is_empty();
    let mut subtitle = format!(
        "Scenario {} · {} · {} · each run summarised over {}",
        out.name,
        out.replicates_label(),
        out.steps_label(),
        out.window_label(),
    );
    // With a sweep: x is the first parameter, the others stay at their first point.
    let line: Vec<usize> = if swept {
        let first = &out.points[0];
        let line: Vec<usize> = (0..out.points.len())
            .filter(|&p| (1..out.params.len()).all(|i| out.points[p][i] == first[i]))
            .collect();
        if out.params.len() > 1 {
            subtitle += &format!(" · at {}", ctx.point_label(first, &[0]));
        }
        line
    } else {
        vec![0]
    };
    let (rows, cols) = frame::grid(metrics.len(), look.rows, look.cols);
    let sizes = Sizes::for_grid(rows, cols, ctx.page);
    let names = XAxis::Regimes(ctx.styles.iter().map(|s| s.name.clone()).collect());
    let x = swept.then(|| x_axis(&out.params[0].values, true));

    // Each panel's rows: [regime][value of the first parameter along the line].
    let panels: Vec<Vec<Vec<Stats>>> = metrics
        .iter()
        .map(|(_, stats)| {
            stats
                .iter()
                .map(|r| {
                    if swept {
                        // Values of the first parameter not run at this line stay missing.
                        let mut row = vec![Stats::MISSING; out.params[0].values.count()];
                        for &p in &line {
                            row[out.points[p][0]] = r[p];
                        }
                        row
                    } else {
                        vec![r[0]]
                    }
                })
                .collect()
        })
        .collect();
    let axes: Vec<_> = metrics
        .iter()
        .zip(&panels)
        .map(|((metric, _), rows)| {
            let values: Vec<f64> = rows
                .iter()
                .flatten()
                .flat_map(|s| [s.mean, s.ci_low, s.ci_high])
                .collect();
            if swept {
                let means = rows.iter().flatten().map(|s| s.mean);
                let rule = scale::rule(look, metric_bounds(metric), false, means);
                scale::value_axis(values.into_iter(), &rule)
            } else {
                let rule = bar_rule(look, metric, rows.iter().map(|r| r[0].mean), false);
                scale::value_axis(with_headroom(values).into_iter(), &rule)
            }
        })
        .collect();

    let caption = if swept {
        format!(
            "Points: mean of {} at each value of {}; whiskers: 95% confidence interval of the mean (t-based). Every panel has its own scale.{}",
            out.replicates_label(),
            ctx.param_name(0),
            axis_notes(&axes, look)
        )
    } else {
        format!(
            "Bars: mean of {}; whiskers: 95% confidence interval of the mean (t-based). Every panel has its own scale.{}",
            out.replicates_label(),
            axis_notes(&axes, look)
        )
    };
    let title = ctx
        .job
        .title
        .clone()
        .unwrap_or_else(|| ctx.titled(format!("{}: the headline measures", out.name)));
    let legend = if swept {
        LegendKind::Line
    } else {
        LegendKind::Swatch
    };
    let frame = ctx.frame(&title, &subtitle, &caption, legend);
    let content = frame::draw_frame(root, &frame)?;
    let x_desc = x
        .as_ref()
        .map(|x| look.x_label.clone().unwrap_or_else(|| ctx.param_name(0)) + x.note);
    let areas = panel::panel_grid(&content, (rows, cols), x_desc.as_deref(), None, ctx.page)?;
    let titles: Vec<Option<String>> = metrics.iter().map(|(m, _)| Some(metric_label(m))).collect();
    let sizes = titles::fit_titles(&areas[0], &titles, sizes);
    for (i, (title, area)) in titles.iter().zip(areas.iter()).enumerate() {
        let spec = PanelSpec {
            title: title.as_deref(),
            x: x.as_ref().map_or(&names, |x| &x.axis),
            y: &axes[i],
            sizes,
        };
        match &x {
            Some(x) => sweep_panel(root, area, &spec, ctx.styles, x, &panels[i])?,
            None => {
                let row: Vec<Stats> = panels[i].iter().map(|r| r[0]).collect();
                bars_panel(root, area, &spec, ctx.styles, &row)?
            }
        }
    }
    Ok(Text { title, caption })
}
