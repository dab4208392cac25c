//! A per-run summary metric as one bar per regime with 95 % whiskers and the
//! mean written above; with a sweep, one panel per sweep point.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{Outputs, Stat};
use super::frame::{self, Frame, LegendKind, PanelSpec, Sizes, XAxis, err};
use super::style::{self, Axis, INK, MUTED, RegimeStyle, font};
use super::{Job, metric_bounds, metric_label, pick_panels, title_case};

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
    style::format_number(v, 10f64.powi(-d))
}

/// The y axis for bars: from zero, with headroom above for the value labels
/// (so not capped at the metric's maximum), never below the metric's `min`.
pub fn bar_axis<'a>(stats: impl Iterator<Item = &'a Stat> + Clone, min: f64) -> Axis {
    let vals = stats.flat_map(|s| [s.mean, s.lo, s.hi]);
    let (lo, hi) = vals
        .clone()
        .filter(|v| v.is_finite())
        .fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let room = (hi - lo) * 0.12;
    let extra = [
        if hi > 0.0 { hi + room } else { hi },
        if lo < 0.0 { lo - room } else { lo },
    ];
    frame::y_axis(vals.chain(extra), true, (min, f64::INFINITY))
}

/// One bar panel; `stats[r]` is regime r.
pub fn bars_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    spec: &PanelSpec,
    styles: &[RegimeStyle],
    stats: &[Stat],
) -> Result<()> {
    let body = frame::panel_body(area, spec)?;
    let (mut chart, names_shown) = frame::build_panel(&body, spec)?;
    let label = font(spec.sizes.tick * 0.9, false, INK);
    let cap = (spec.sizes.marker).max(5);
    // Values are written over the bars only if every one fits its slot.
    let slot = chart.backend_coord(&(1.0, 0.0)).0 - chart.backend_coord(&(0.0, 0.0)).0;
    let fits = |text: &str| {
        root.estimate_text_size(text, &label)
            .is_ok_and(|(w, _)| (w as i32) < slot - 4)
    };
    let values_fit = stats
        .iter()
        .all(|s| !s.mean.is_finite() || fits(&short_value(s.mean)));
    let base = chart.backend_coord(&(0.0, spec.y.lo)).1;
    for (r, (st, s)) in styles.iter().zip(stats).enumerate() {
        let x = r as f64;
        if !names_shown {
            let (px, _) = chart.backend_coord(&(x, 0.0));
            let y = base + spec.sizes.marker + 6;
            style::draw_marker(root, st.marker, (px, y), spec.sizes.marker, st.color)
                .map_err(err)?;
        }
        if !s.mean.is_finite() {
            let (px, py) = chart.backend_coord(&(x, 0.0));
            let note =
                font(spec.sizes.tick, false, MUTED).pos(Pos::new(HPos::Center, VPos::Bottom));
            let text = if fits("no data") { "no data" } else { "–" };
            root.draw_text(text, &note, (px, py - 6)).map_err(err)?;
            continue;
        }
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(x - 0.3, 0.0), (x + 0.3, s.mean)],
                st.color.filled(),
            )))
            .map_err(err)?;
        let (px, mean_y) = chart.backend_coord(&(x, s.mean));
        let (mut top, mut bottom) = (mean_y, mean_y);
        if s.lo.is_finite() && s.hi.is_finite() {
            top = chart.backend_coord(&(x, s.hi)).1;
            bottom = chart.backend_coord(&(x, s.lo)).1;
            let pen = INK.stroke_width(2);
            root.draw(&PathElement::new(vec![(px, top), (px, bottom)], pen))
                .map_err(err)?;
            for y in [top, bottom] {
                root.draw(&PathElement::new(vec![(px - cap, y), (px + cap, y)], pen))
                    .map_err(err)?;
            }
        }
        if values_fit {
            let (text, anchor) = if s.mean >= 0.0 {
                (label.pos(Pos::new(HPos::Center, VPos::Bottom)), top - 6)
            } else {
                (label.pos(Pos::new(HPos::Center, VPos::Top)), bottom + 6)
            };
            root.draw_text(&short_value(s.mean), &text, (px, anchor))
                .map_err(err)?;
        }
    }
    Ok(())
}

/// The bar chart of `job.metric`.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    out: &Outputs,
    stats: &[Vec<Stat>],
    job: &Job,
    styles: &[RegimeStyle],
) -> Result<()> {
    let label = metric_label(&job.metric);
    let (points, shown) = pick_panels(out.points.len());
    let title = job
        .title
        .clone()
        .unwrap_or_else(|| format!("{} by regime", title_case(&label)));
    let mut subtitle = format!(
        "Scenario {} · {} · {}",
        out.name,
        out.replicates_label(),
        out.steps_label()
    );
    if out.points.len() > 1 {
        subtitle += &format!(" · one panel per sweep point{shown}");
    }
    let caption = format!(
        "Bars: each run's mean over {}, averaged over {}; whiskers: 95% confidence interval of that mean (t-based).",
        out.window_label(),
        out.replicates_label()
    );
    let frame = Frame {
        title: &title,
        subtitle: &subtitle,
        caption: &caption,
        regimes: styles,
        legend: LegendKind::Swatch,
    };
    let content = frame::draw_frame(root, &frame)?;
    let (rows, cols) = frame::grid(points.len());
    let sizes = Sizes::for_grid(rows, cols);
    let x = XAxis::Regimes(styles.iter().map(|s| s.name.clone()).collect());
    let y = bar_axis(
        points
            .iter()
            .flat_map(|&p| stats.iter().map(move |r| &r[p])),
        metric_bounds(&job.metric).0,
    );
    let areas = frame::panel_grid(&content, (rows, cols), None, Some(&label))?;
    for (area, &p) in areas.iter().zip(&points) {
        let facet = (out.points.len() > 1).then(|| out.point_label(&out.points[p], &[]));
        let spec = PanelSpec {
            title: facet.as_deref(),
            x: &x,
            y: &y,
            sizes,
        };
        let row: Vec<Stat> = stats.iter().map(|r| r[p]).collect();
        bars_panel(root, area, &spec, styles, &row)?;
    }
    Ok(())
}
