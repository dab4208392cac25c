//! A per-run summary metric as one bar per regime with 95 % whiskers and the
//! mean written above; with a sweep, one panel per sweep point.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::By;
use super::frame::{self, LegendKind, Sizes, err};
use super::panel::{self, PanelSpec, XAxis};
use super::scale::{self, YRule};
use super::style::{self, INK, MUTED, RegimeStyle, font};
use super::ticks;
use super::titles;
use super::{Ctx, Text, axis_notes, metric_bounds, pick_panels, title_case};
use crate::experiment::chart_spec::Look;
use crate::output::stats::Stats;

/// Three significant digits, enough to read a bar, short enough to fit over it.
pub fn short_value(v: f64) -> String {
    let a = v.abs();
    let d = if a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        3
    };
    ticks::format_number(v, 10f64.powi(-d))
}

/// The value axis rule of bars: from zero (a bar's length is its value), or
/// logarithmic when asked, or by default (`auto_log`) when the means differ by
/// more than ten times (one bar of 57 would squash bars of 3 to 5).
pub fn bar_rule(
    look: &Look,
    metric: &str,
    means: impl Iterator<Item = f64> + Clone,
    auto_log: bool,
) -> YRule {
    let auto = auto_log && scale::spans_orders(means.clone());
    let bounds = (metric_bounds(metric).0, f64::INFINITY);
    let mut rule = scale::rule(look, bounds, auto, means);
    rule.zero = true;
    rule
}

/// `values` and two more: room above the highest (below the lowest negative)
/// for the values written over the bars.
pub fn with_headroom(mut values: Vec<f64>) -> Vec<f64> {
    let (lo, hi) = values
        .iter()
        .filter(|v| v.is_finite())
        .fold((0.0f64, 0.0f64), |(a, b), v| (a.min(*v), b.max(*v)));
    let room = (hi - lo) * 0.12;
    values.push(if hi > 0.0 { hi + room } else { hi });
    values.push(if lo < 0.0 { lo - room } else { lo });
    values
}

/// One bar panel; `stats[r]` is regime r.
pub fn bars_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    spec: &PanelSpec,
    styles: &[RegimeStyle],
    stats: &[Stats],
) -> Result<()> {
    let y = spec.y;
    let body = panel::panel_body(area, spec)?;
    let (mut chart, names_shown) = panel::build_panel(&body, spec)?;
    let page = spec.sizes.page;
    let label = font(spec.sizes.tick * 0.95, false, INK);
    let cap = spec.sizes.marker.max(5);
    // Values are written over the bars only if every one fits its slot.
    let slot = chart.backend_coord(&(1.0, 0.0)).0 - chart.backend_coord(&(0.0, 0.0)).0;
    let fits = |text: &str| {
        root.estimate_text_size(text, &label)
            .is_ok_and(|(w, _)| (w as i32) < slot - 4)
    };
    let values_fit = stats
        .iter()
        .all(|s| !s.mean.is_finite() || fits(&short_value(s.mean)));
    // Bars stand on zero, or on the bottom of a log axis.
    let foot = if y.log { y.lo } else { 0.0 };
    let base = chart.backend_coord(&(0.0, y.lo)).1;
    for (r, (st, s)) in styles.iter().zip(stats).enumerate() {
        let x = r as f64;
        if !names_shown {
            let (px, _) = chart.backend_coord(&(x, 0.0));
            let yy = base + spec.sizes.marker + page.len(1.7);
            style::draw_marker(root, st.marker, (px, yy), spec.sizes.marker, st.color)
                .map_err(err)?;
        }
        if !s.mean.is_finite() || !y.pos(s.mean).is_finite() {
            let (px, py) = chart.backend_coord(&(x, foot));
            let note =
                font(spec.sizes.tick, false, MUTED).pos(Pos::new(HPos::Center, VPos::Bottom));
            let text = if fits("no data") { "no data" } else { "–" };
            root.draw_text(text, &note, (px, py - page.len(1.7)))
                .map_err(err)?;
            continue;
        }
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(x - 0.3, foot), (x + 0.3, y.pos(s.mean))],
                st.color.filled(),
            )))
            .map_err(err)?;
        let (px, mean_y) = chart.backend_coord(&(x, y.pos(s.mean)));
        let (mut top, mut bottom) = (mean_y, mean_y);
        if s.has_interval() {
            let at = |v: f64| {
                let p = y.pos(v);
                // On a log axis a lower end at or below zero stops at the foot.
                chart
                    .backend_coord(&(x, if p.is_finite() { p } else { foot }))
                    .1
            };
            top = at(s.ci_high);
            bottom = at(s.ci_low);
            // Ink on a white halo: visible on a black bar as on a pale one.
            let halo = WHITE.stroke_width(page.len(1.3) as u32);
            let pen = INK.stroke_width(page.len(0.6) as u32);
            for style in [halo, pen] {
                root.draw(&PathElement::new(vec![(px, top), (px, bottom)], style))
                    .map_err(err)?;
                for yy in [top, bottom] {
                    root.draw(&PathElement::new(
                        vec![(px - cap, yy), (px + cap, yy)],
                        style,
                    ))
                    .map_err(err)?;
                }
            }
        }
        if values_fit {
            let gap = page.len(1.7);
            let (text, anchor) = if s.mean >= 0.0 {
                (label.pos(Pos::new(HPos::Center, VPos::Bottom)), top - gap)
            } else {
                (label.pos(Pos::new(HPos::Center, VPos::Top)), bottom + gap)
            };
            root.draw_text(&short_value(s.mean), &text, (px, anchor))
                .map_err(err)?;
        }
    }
    Ok(())
}

/// The bar chart of the job's metric.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx,
    stats: &[Vec<Stats>],
) -> Result<Text> {
    let (out, job, look) = (ctx.out, ctx.job, &ctx.job.look);
    let label = ctx.y_label();
    let (points, shown) = pick_panels(out.points.len());
    let title = job.title.clone().unwrap_or_else(|| match job.by {
        By::Regime => format!("{} by regime", title_case(&label)),
        By::Population => format!("{} by population", title_case(&label)),
    });
    let mut subtitle = format!(
        "Scenario {} · {} · {}",
        out.name,
        out.replicates_label(),
        out.steps_label()
    );
    if out.points.len() > 1 {
        subtitle += &format!(" · one panel per sweep point{shown}");
    }
    let means = points
        .iter()
        .flat_map(|&p| stats.iter().map(move |r| r[p].mean));
    let rule = bar_rule(look, &job.metric, means, true);
    let values: Vec<Vec<f64>> = points
        .iter()
        .map(|&p| {
            with_headroom(
                stats
                    .iter()
                    .flat_map(|r| [r[p].mean, r[p].ci_low, r[p].ci_high])
                    .collect(),
            )
        })
        .collect();
    let (axes, per_panel) = scale::panel_axes(&values, &rule, look.y_axes);
    if per_panel {
        subtitle += " · each panel has its own scale";
    }
    let caption = format!(
        "Bars: each run's mean over {}, averaged over {}; whiskers: 95% confidence interval of that mean (t-based).{}",
        out.window_label(),
        out.replicates_label(),
        axis_notes(&axes, look)
    );
    let frame = ctx.frame(&title, &subtitle, &caption, LegendKind::Swatch);
    let content = frame::draw_frame(root, &frame)?;
    let (rows, cols) = frame::grid(points.len(), look.rows, look.cols);
    let sizes = Sizes::for_grid(rows, cols, ctx.page);
    let x = XAxis::Regimes(ctx.styles.iter().map(|s| s.name.clone()).collect());
    let facets: Vec<(String, String)> = match out.points.len() {
        1 => Vec::new(),
        _ => points
            .iter()
            .map(|&p| ctx.facet(&out.points[p], &[]))
            .collect(),
    };
    let (titles, key) =
        titles::facet_titles(&content, (rows, cols), sizes, &facets, &ctx.facet_key(&[]));
    // Without an axis description, the key alone ("panels: problems").
    let x_desc = match (&look.x_label, key.is_empty()) {
        (x, true) => x.clone(),
        (Some(x), false) => Some(x.clone() + &key),
        (None, false) => Some(key.trim().trim_matches(['(', ')']).to_string()),
    };
    let areas = panel::panel_grid(
        &content,
        (rows, cols),
        x_desc.as_deref(),
        Some(&label),
        ctx.page,
    )?;
    let sizes = titles::fit_titles(&areas[0], &titles, sizes);
    for (i, ((area, &p), facet)) in areas.iter().zip(&points).zip(&titles).enumerate() {
        let spec = PanelSpec {
            title: facet.as_deref(),
            x: &x,
            y: &axes[i],
            sizes,
        };
        let row: Vec<Stats> = stats.iter().map(|r| r[p]).collect();
        bars_panel(root, area, &spec, ctx.styles, &row)?;
    }
    Ok(Text { title, caption })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bar_tens_of_times_the_others_puts_the_bars_on_a_log_scale() {
        let look = Look::default();
        assert!(bar_rule(&look, "pay_ratio", [3.0, 4.5, 57.0].into_iter(), true).log);
        assert!(!bar_rule(&look, "pay_ratio", [3.0, 4.5, 5.0].into_iter(), true).log);
        // Not in the overview's small panels, and never with a mean at zero.
        assert!(!bar_rule(&look, "pay_ratio", [3.0, 57.0].into_iter(), false).log);
        assert!(!bar_rule(&look, "pay_ratio", [0.0, 57.0].into_iter(), true).log);
        let linear = Look {
            y_scale: Some(crate::experiment::chart_spec::YScale::Linear),
            ..Look::default()
        };
        assert!(!bar_rule(&linear, "pay_ratio", [3.0, 57.0].into_iter(), true).log);
    }
}
