//! A metric over time: one line per regime (mean across replicates) over a
//! translucent 95 % band; with a sweep, one panel per sweep point.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{Outputs, Stat, TimeSeries};
use super::frame::{self, Frame, LegendKind, PanelSpec, Sizes, XAxis, err};
use super::style::{self, RegimeStyle};
use super::{Job, metric_bounds, metric_label, pick_panels, title_case};

/// Runs of consecutive indices where `ok` holds: a gap in the data stays a gap.
pub fn segments(stats: &[Stat], ok: impl Fn(&Stat) -> bool) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut cur = Vec::new();
    for (k, s) in stats.iter().enumerate() {
        if ok(s) {
            cur.push(k);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Draws a regime's polyline in data coordinates, solid or dashed.
pub fn draw_line<DB: DrawingBackend>(
    chart: &mut frame::Chart<'_, DB>,
    pts: Vec<(f64, f64)>,
    st: &RegimeStyle,
    width: u32,
) -> Result<()> {
    let style = st.color.stroke_width(width);
    match st.dash {
        None => chart
            .draw_series(LineSeries::new(pts, style))
            .map(|_| ())
            .map_err(err),
        Some((d, g)) => chart
            .draw_series(DashedLineSeries::new(pts, d as i32, g as i32, style))
            .map(|_| ())
            .map_err(err),
    }
}

/// One time-series panel: all bands first, then all lines, then markers, so
/// no band ever covers a line.
fn series_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    spec: &PanelSpec,
    styles: &[RegimeStyle],
    steps: &[f64],
    stats: &[&Vec<Stat>],
) -> Result<()> {
    let body = frame::panel_body(area, spec)?;
    let (mut chart, _) = frame::build_panel(&body, spec)?;
    for (st, s) in styles.iter().zip(stats) {
        for seg in segments(s, |x| x.lo.is_finite() && x.hi.is_finite()) {
            let mut poly: Vec<(f64, f64)> = seg.iter().map(|&k| (steps[k], s[k].hi)).collect();
            poly.extend(seg.iter().rev().map(|&k| (steps[k], s[k].lo)));
            chart
                .draw_series(std::iter::once(Polygon::new(
                    poly,
                    st.color.mix(0.15).filled(),
                )))
                .map_err(err)?;
        }
    }
    for (st, s) in styles.iter().zip(stats) {
        for seg in segments(s, |x| x.mean.is_finite()) {
            let pts: Vec<(f64, f64)> = seg.iter().map(|&k| (steps[k], s[k].mean)).collect();
            if pts.len() == 1 {
                let p = chart.backend_coord(&pts[0]);
                root.draw(&Circle::new(p, spec.sizes.line as i32, st.color.filled()))
                    .map_err(err)?;
            }
            draw_line(&mut chart, pts, st, spec.sizes.line)?;
        }
    }
    // Markers at staggered positions so that regimes' markers do not pile up.
    let n = steps.len();
    for (r, (st, s)) in styles.iter().zip(stats).enumerate() {
        for j in 0..spec.sizes.markers {
            let pos =
                (j as f64 + (r as f64 + 0.5) / styles.len() as f64) / spec.sizes.markers as f64;
            let k = ((pos * n as f64) as usize).min(n.saturating_sub(1));
            if n > 0 && s[k].mean.is_finite() {
                let p = chart.backend_coord(&(steps[k], s[k].mean));
                style::draw_marker(root, st.marker, p, spec.sizes.marker, st.color).map_err(err)?;
            }
        }
    }
    Ok(())
}

/// The time-series chart of `job.metric`.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    out: &Outputs,
    ts: &TimeSeries,
    job: &Job,
    styles: &[RegimeStyle],
) -> Result<()> {
    let label = metric_label(&job.metric);
    let (points, shown) = pick_panels(out.points.len());
    let mut subtitle = format!(
        "Scenario {} · {} · {} steps",
        out.name,
        out.replicates_label(),
        out.steps
            .map_or_else(|| ts.steps.len().to_string(), |s| s.to_string())
    );
    if out.points.len() > 1 {
        subtitle += &format!(" · one panel per sweep point{shown}");
    }
    let title = job
        .title
        .clone()
        .unwrap_or_else(|| format!("{} over time", title_case(&label)));
    let caption = format!(
        "Lines: mean of {}; bands: 95% confidence interval of the mean (t-based). Values with nothing to divide (0/0) are skipped.",
        out.replicates_label()
    );
    let frame = Frame {
        title: &title,
        subtitle: &subtitle,
        caption: &caption,
        regimes: styles,
        legend: LegendKind::Line,
    };
    let content = frame::draw_frame(root, &frame)?;
    let (rows, cols) = frame::grid(points.len());
    let sizes = Sizes::for_grid(rows, cols);
    let all = points
        .iter()
        .flat_map(|&p| ts.stats.iter().flat_map(move |r| r[p].iter()))
        .flat_map(|s| [s.mean, s.lo, s.hi]);
    let y = frame::y_axis(all, false, metric_bounds(&job.metric));
    let (lo, hi) = match (ts.steps.first(), ts.steps.last()) {
        (Some(a), Some(b)) => (*a, *b),
        _ => (0.0, 1.0),
    };
    let x = XAxis::Num(style::nice_axis(lo, hi, if cols > 2 { 4 } else { 6 }));
    let areas = frame::panel_grid(&content, (rows, cols), Some("step"), Some(&label))?;
    for (area, &p) in areas.iter().zip(&points) {
        let facet = (points.len() > 1).then(|| out.point_label(&out.points[p], &[]));
        let spec = PanelSpec {
            title: facet.as_deref(),
            x: &x,
            y: &y,
            sizes,
        };
        let stats: Vec<&Vec<Stat>> = ts.stats.iter().map(|r| &r[p]).collect();
        if stats.iter().all(|s| s.iter().all(|x| x.mean.is_nan())) {
            let body = frame::panel_body(area, &spec)?;
            frame::build_panel(&body, &spec)?;
            frame::note(&body, "no data", sizes.tick)?;
            continue;
        }
        series_panel(root, area, &spec, styles, &ts.steps, &stats)?;
    }
    Ok(())
}
