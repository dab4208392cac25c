//! A mixed world's populations over time (spec §5): each population's share
//! of the producers, the mean over replicates, stacked so that the areas fill
//! the whole (they add up to 1); with a sweep, one panel per sweep point.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::TimeSeries;
use super::frame::{self, LegendKind, Sizes, err};
use super::panel::{self, PanelSpec, XAxis};
use super::style::RegimeStyle;
use super::ticks::{self, Axis};
use super::titles;
use super::{Ctx, MAX_PANELS, Text, pick_panels};
use crate::output::stats::Stats;

/// One population's band in a stacked chart: its bottom and top at each step.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    pub low: Vec<f64>,
    pub high: Vec<f64>,
}

/// The stacked bands of one panel, one per population in order, from 0 up: a
/// band is as thick as the population's mean share. A step where a
/// population has no mean (no row) counts as 0, so a band never breaks.
pub fn layers(stats: &[&Vec<Stats>]) -> Vec<Layer> {
    let steps = stats.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut base = vec![0.0; steps];
    stats
        .iter()
        .map(|s| {
            let low = base.clone();
            for (k, b) in base.iter_mut().enumerate() {
                let share = s.get(k).map_or(f64::NAN, |x| x.mean);
                if share.is_finite() {
                    *b += share;
                }
            }
            Layer {
                low,
                high: base.clone(),
            }
        })
        .collect()
}

/// Whether some population's mean share changes over the steps of sweep point `p`.
fn moves(ts: &TimeSeries, p: usize) -> bool {
    ts.stats.iter().any(|r| {
        let mut shares = r[p].iter().map(|x| x.mean).filter(|m| m.is_finite());
        let first = shares.next();
        first.is_some_and(|a| shares.any(|b| (b - a).abs() > 1e-12))
    })
}

/// The sweep points to draw and what the subtitle says of the rest. With more
/// points than fit, points where no share moves (no migration: flat bands at
/// the scenario's shares) give way to those where shares move.
fn panels(ts: &TimeSeries, n: usize) -> (Vec<usize>, String) {
    let moving: Vec<usize> = (0..n).filter(|&p| moves(ts, p)).collect();
    if n <= MAX_PANELS || moving.is_empty() || moving.len() == n {
        return pick_panels(n);
    }
    let (picked, shown) = pick_panels(moving.len());
    let flat = n - moving.len();
    let note = format!(
        " where shares move{shown}; {flat} point{} where no share moves left out",
        if flat == 1 { "" } else { "s" }
    );
    (picked.into_iter().map(|i| moving[i]).collect(), note)
}

/// One stacked panel: each band filled in its population's colour, a white
/// edge between bands.
fn shares_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &PanelSpec,
    styles: &[RegimeStyle],
    steps: &[f64],
    bands: &[Layer],
) -> Result<()> {
    let body = panel::panel_body(area, spec)?;
    let (mut chart, _) = panel::build_panel(&body, spec)?;
    for (st, band) in styles.iter().zip(bands) {
        let mut poly: Vec<(f64, f64)> = steps.iter().copied().zip(band.high.clone()).collect();
        poly.extend(steps.iter().copied().zip(band.low.clone()).rev());
        chart
            .draw_series(std::iter::once(Polygon::new(
                poly,
                st.color.mix(0.8).filled(),
            )))
            .map_err(err)?;
    }
    for band in &bands[..bands.len().saturating_sub(1)] {
        let edge: Vec<(f64, f64)> = steps.iter().copied().zip(band.high.clone()).collect();
        chart
            .draw_series(LineSeries::new(edge, WHITE.stroke_width(spec.sizes.line)))
            .map_err(err)?;
    }
    Ok(())
}

/// The stacked chart of the populations' shares of the producers.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx,
    ts: &TimeSeries,
) -> Result<Text> {
    let (out, job, look) = (ctx.out, ctx.job, &ctx.job.look);
    let (points, shown) = panels(ts, out.points.len());
    let mut subtitle = format!(
        "Scenario {} · {} · {}",
        out.name,
        out.replicates_label(),
        out.steps_label()
    );
    if out.points.len() > 1 {
        subtitle += &format!(" · one panel per sweep point{shown}");
    }
    let title = job
        .title
        .clone()
        .unwrap_or_else(|| "Share of the producers in each population over time".to_string());
    let caption = format!(
        "Areas: each population's share of the producers (mean of {}), stacked: together they \
         make all producers. Shares change only by migration between populations.",
        out.replicates_label()
    );
    let frame = ctx.frame(&title, &subtitle, &caption, LegendKind::Swatch);
    let content = frame::draw_frame(root, &frame)?;
    let (rows, cols) = frame::grid(points.len(), look.rows, look.cols);
    let sizes = Sizes::for_grid(rows, cols, ctx.page);
    let (lo, hi) = match (ts.steps.first(), ts.steps.last()) {
        (Some(a), Some(b)) if b > a => (*a, *b),
        (Some(a), _) => (*a - 0.5, *a + 0.5),
        _ => (0.0, 1.0),
    };
    let x = XAxis::Num(ticks::nice_axis(lo, hi, if cols > 2 { 4 } else { 6 }));
    let y = Axis {
        lo: 0.0,
        hi: 1.0,
        ticks: vec![0.0, 0.25, 0.5, 0.75, 1.0],
        labels: ["0", "0.25", "0.5", "0.75", "1"].map(String::from).to_vec(),
        log: false,
    };
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
    let y_desc = look
        .y_label
        .clone()
        .unwrap_or_else(|| "share of the producers".to_string());
    let areas = panel::panel_grid(
        &content,
        (rows, cols),
        Some(&x_desc),
        Some(&y_desc),
        ctx.page,
    )?;
    let sizes = titles::fit_titles(&areas[0], &titles, sizes);
    for ((area, &p), facet) in areas.iter().zip(&points).zip(&titles) {
        let spec = PanelSpec {
            title: facet.as_deref(),
            x: &x,
            y: &y,
            sizes,
        };
        let stats: Vec<&Vec<Stats>> = ts.stats.iter().map(|r| &r[p]).collect();
        if stats.iter().all(|s| s.iter().all(|x| x.mean.is_nan())) {
            let body = panel::panel_body(area, &spec)?;
            panel::build_panel(&body, &spec)?;
            panel::note(&body, "no data", sizes.tick)?;
            continue;
        }
        shares_panel(area, &spec, ctx.styles, &ts.steps, &layers(&stats))?;
    }
    Ok(Text { title, caption })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(means: &[f64]) -> Vec<Stats> {
        means
            .iter()
            .map(|&mean| Stats {
                mean,
                ..Stats::MISSING
            })
            .collect()
    }

    /// 20 sweep points of two populations; at every third point shares move.
    fn sweep_with_some_moving() -> TimeSeries {
        let point = |p: usize, pop: usize| {
            let start = if pop == 0 { 0.6 } else { 0.4 };
            let drift = if p.is_multiple_of(3) { 0.1 } else { 0.0 };
            let sign = if pop == 0 { -1.0 } else { 1.0 };
            stats(&[start, start + sign * drift])
        };
        TimeSeries {
            steps: vec![0.0, 1.0],
            stats: (0..2)
                .map(|pop| (0..20).map(|p| point(p, pop)).collect())
                .collect(),
        }
    }

    #[test]
    fn too_many_points_keep_those_where_shares_move() {
        let ts = sweep_with_some_moving();
        let (points, note) = panels(&ts, 20);
        assert_eq!(points, vec![0, 3, 6, 9, 12, 15, 18]);
        assert!(
            note.contains("13 points where no share moves left out"),
            "{note}"
        );
        // Few enough points: all drawn, flat ones too.
        let (all, none) = panels(&ts, 12);
        assert_eq!(all, (0..12).collect::<Vec<_>>());
        assert_eq!(none, "");
    }

    #[test]
    fn bands_stack_from_zero_and_a_missing_mean_counts_zero() {
        let (a, b) = (stats(&[0.3, 0.4, f64::NAN]), stats(&[0.7, 0.6, 1.0]));
        let l = layers(&[&a, &b]);
        assert_eq!(l[0].low, vec![0.0; 3]);
        assert_eq!(l[0].high, vec![0.3, 0.4, 0.0]);
        assert_eq!(l[1].low, l[0].high);
        assert_eq!(l[1].high, vec![1.0, 1.0, 1.0]);
    }
}
