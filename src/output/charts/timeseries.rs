//! A metric over time: one line per regime (mean across replicates) over a
//! translucent 95 % band; with a sweep, one panel per sweep point.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::TimeSeries;
use super::frame::{self, LegendKind, Sizes, err};
use super::panel::{self, PanelSpec, XAxis};
use super::style::{self, RegimeStyle};
use super::ticks;
use super::titles;
use super::{Ctx, Text, axis_notes, metric_bounds, pick_panels, scale, title_case};
use crate::output::stats::Stats;

/// Runs of consecutive indices where `ok` holds: a gap in the data stays a gap.
pub fn segments(stats: &[Stats], ok: impl Fn(&Stats) -> bool) -> Vec<Vec<usize>> {
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
    chart: &mut panel::Chart<'_, DB>,
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
    stats: &[&Vec<Stats>],
) -> Result<()> {
    let body = panel::panel_body(area, spec)?;
    let (mut chart, _) = panel::build_panel(&body, spec)?;
    let y = spec.y;
    let shown = |v: f64| y.pos(v).is_finite();
    for (st, s) in styles.iter().zip(stats) {
        for seg in segments(s, |x| {
            x.has_interval() && shown(x.ci_low) && shown(x.ci_high)
        }) {
            let mut poly: Vec<(f64, f64)> = seg
                .iter()
                .map(|&k| (steps[k], y.pos(s[k].ci_high)))
                .collect();
            poly.extend(seg.iter().rev().map(|&k| (steps[k], y.pos(s[k].ci_low))));
            chart
                .draw_series(std::iter::once(Polygon::new(
                    poly,
                    st.color.mix(0.15).filled(),
                )))
                .map_err(err)?;
        }
    }
    for (st, s) in styles.iter().zip(stats) {
        for seg in segments(s, |x| x.mean.is_finite() && shown(x.mean)) {
            let pts: Vec<(f64, f64)> = seg.iter().map(|&k| (steps[k], y.pos(s[k].mean))).collect();
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
            if n > 0 && s[k].mean.is_finite() && shown(s[k].mean) {
                let p = chart.backend_coord(&(steps[k], y.pos(s[k].mean)));
                style::draw_marker(root, st.marker, p, spec.sizes.marker, st.color).map_err(err)?;
            }
        }
    }
    Ok(())
}

/// The time-series chart of the job's metric.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx,
    ts: &TimeSeries,
) -> Result<Text> {
    let (out, job, look) = (ctx.out, ctx.job, &ctx.job.look);
    let label = ctx.y_label();
    let (points, shown) = pick_panels(out.points.len());
    // A warm-up that dwarfs the rest (innovation's first discoveries) is left
    // out, or every later step would lie flat on the axis.
    let (skip, peak) = warm_up(ts, &points);
    let cut;
    let ts = if skip > 0 {
        cut = TimeSeries {
            steps: ts.steps[skip..].to_vec(),
            stats: ts
                .stats
                .iter()
                .map(|r| r.iter().map(|s| s[skip..].to_vec()).collect())
                .collect(),
        };
        &cut
    } else {
        ts
    };
    let warm_note = if skip > 0 {
        let step = 10f64.powf(peak.abs().log10().floor() - 2.0);
        format!(
            " The first {skip} recorded steps (warm-up, reaching {}) are left out: they would \
             flatten the rest.",
            ticks::format_number(peak, step)
        )
    } else {
        String::new()
    };
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
    let values: Vec<Vec<f64>> = points
        .iter()
        .map(|&p| {
            ts.stats
                .iter()
                .flat_map(|r| r[p].iter())
                .flat_map(|s| [s.mean, s.ci_low, s.ci_high])
                .collect()
        })
        .collect();
    let means = points.iter().flat_map(|&p| {
        ts.stats
            .iter()
            .flat_map(move |r| r[p].iter().map(|s| s.mean))
    });
    let rule = scale::rule(look, metric_bounds(&job.metric), false, means);
    let (axes, per_panel) = scale::panel_axes(&values, &rule, look.y_axes);
    if per_panel {
        subtitle += " · each panel has its own scale";
    }
    let title = job
        .title
        .clone()
        .unwrap_or_else(|| ctx.titled(format!("{} over time", title_case(&label))));
    let caption = format!(
        "Lines: mean of {}; bands: 95% confidence interval of the mean (t-based). Values with nothing to divide (0/0) are skipped.{warm_note}{}",
        out.replicates_label(),
        axis_notes(&axes, look)
    );
    let frame = ctx.frame(&title, &subtitle, &caption, LegendKind::Line);
    let content = frame::draw_frame(root, &frame)?;
    let (rows, cols) = frame::grid(points.len(), look.rows, look.cols);
    let sizes = Sizes::for_grid(rows, cols, ctx.page);
    let (lo, hi) = match (ts.steps.first(), ts.steps.last()) {
        (Some(a), Some(b)) => (*a, *b),
        _ => (0.0, 1.0),
    };
    let x = XAxis::Num(ticks::nice_axis(lo, hi, if cols > 2 { 4 } else { 6 }));
    let facets: Vec<(String, String)> = match points.len() {
        1 => Vec::new(),
        _ => points
            .iter()
            .map(|&p| ctx.facet(&out.points[p], &[]))
            .collect(),
    };
    let (titles, key) =
        titles::facet_titles(&content, (rows, cols), sizes, &facets, &ctx.facet_key(&[]));
    let x_desc = look.x_label.as_deref().unwrap_or("step").to_string() + &key;
    let areas = panel::panel_grid(
        &content,
        (rows, cols),
        Some(&x_desc),
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
        let stats: Vec<&Vec<Stats>> = ts.stats.iter().map(|r| &r[p]).collect();
        if stats.iter().all(|s| s.iter().all(|x| x.mean.is_nan())) {
            let body = panel::panel_body(area, &spec)?;
            panel::build_panel(&body, &spec)?;
            panel::note(&body, "no data", sizes.tick)?;
            continue;
        }
        series_panel(root, area, &spec, ctx.styles, &ts.steps, &stats)?;
    }
    Ok(Text { title, caption })
}

/// The leading recorded steps to leave out of a time series, and their
/// largest mean: those of the first 5 % whose means exceed 1.5 times the
/// largest of the rest, when the first 5 % reach more than three times it
/// (none in a run of fewer than 20 recorded steps).
fn warm_up(ts: &TimeSeries, points: &[usize]) -> (usize, f64) {
    let n = ts.steps.len();
    if n < 20 {
        return (0, 0.0);
    }
    let head = n / 20;
    // The largest finite |mean| of the shown panels over steps `lo..hi`.
    let most = |lo: usize, hi: usize| {
        let mut m: f64 = 0.0;
        for r in &ts.stats {
            for &p in points {
                for s in &r[p][lo..hi] {
                    if s.mean.is_finite() {
                        m = m.max(s.mean.abs());
                    }
                }
            }
        }
        m
    };
    let rest = most(head, n);
    let peak = most(0, head);
    if rest <= 0.0 || peak <= 3.0 * rest {
        return (0, 0.0);
    }
    let last_high = (0..head)
        .filter(|&k| {
            ts.stats
                .iter()
                .any(|r| points.iter().any(|&p| r[p][k].mean.abs() > 1.5 * rest))
        })
        .max();
    (last_high.map_or(0, |k| k + 1), peak)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(means: &[f64]) -> TimeSeries {
        let stat = |m: f64| Stats {
            mean: m,
            ..Stats::MISSING
        };
        TimeSeries {
            steps: (0..means.len()).map(|k| k as f64).collect(),
            stats: vec![vec![means.iter().map(|&m| stat(m)).collect()]],
        }
    }

    #[test]
    fn a_warm_up_that_dwarfs_the_rest_is_left_out() {
        // Innovation in shocks: about 120 at the first steps, then 0 to 5.
        let mut means = vec![120.0, 40.0, 3.0];
        means.extend((0..97).map(|k| (k % 6) as f64));
        assert_eq!(warm_up(&series(&means), &[0]), (2, 120.0));
        // A rise or a fall within three times the rest stays.
        let mut gentle = vec![12.0, 9.0];
        gentle.extend((0..98).map(|_| 5.0));
        assert_eq!(warm_up(&series(&gentle), &[0]).0, 0);
        // Short runs are drawn whole.
        assert_eq!(warm_up(&series(&means[..19]), &[0]).0, 0);
    }
}
