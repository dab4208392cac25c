//! A per-run summary metric against a swept parameter: one line per regime
//! through the means, with 95 % whiskers; other swept parameters split the
//! chart into small multiples.

use std::collections::BTreeMap;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::data::{Outputs, Stat, Values};
use super::frame::{self, Frame, LegendKind, PanelSpec, Sizes, XAxis, err};
use super::style::{self, Axis, RegimeStyle};
use super::{Job, metric_bounds, metric_label, pick_panels, title_case};

/// The x axis of a swept parameter and the x position of each of its values.
/// Numbers too unevenly spaced to label on a linear scale (say 25, 250, 1000,
/// 5000) are placed at even steps, in order, each labelled with its value.
pub fn x_axis(values: &Values, narrow: bool) -> (XAxis, Vec<f64>) {
    let categories = |labels: Vec<String>| {
        let xs = (0..labels.len()).map(|i| i as f64).collect();
        (XAxis::Cat(labels), xs)
    };
    match values {
        Values::Str(v) => categories(v.clone()),
        Values::Num(v) if crowded(v) => {
            categories(v.iter().map(|x| style::format_value(*x)).collect())
        }
        Values::Num(v) => {
            let (lo, hi) = (v[0], v[v.len() - 1]);
            let pad = if hi > lo {
                (hi - lo) * 0.05
            } else {
                0.5_f64.max(lo.abs() * 0.1)
            };
            let mut axis = if v.len() <= if narrow { 6 } else { 10 } {
                Axis {
                    lo,
                    hi,
                    ticks: v.clone(),
                    labels: v.iter().map(|x| style::format_value(*x)).collect(),
                }
            } else {
                style::nice_axis(lo, hi, if narrow { 4 } else { 6 })
            };
            axis.lo = axis.lo.min(lo - pad);
            axis.hi = axis.hi.max(hi + pad);
            (XAxis::Num(axis), v.clone())
        }
    }
}

/// Whether two neighbouring values lie closer than a fifteenth of the range.
fn crowded(v: &[f64]) -> bool {
    let range = v[v.len() - 1] - v[0];
    range > 0.0 && v.windows(2).any(|w| w[1] - w[0] < range / 15.0)
}

/// One sweep panel. `stats[r][i]` is regime r at x position `xs[i]`.
pub fn sweep_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    spec: &PanelSpec,
    styles: &[RegimeStyle],
    xs: &[f64],
    stats: &[Vec<Stat>],
) -> Result<()> {
    let body = frame::panel_body(area, spec)?;
    let (chart, _) = frame::build_panel(&body, spec)?;
    let px = |x: f64, y: f64| chart.backend_coord(&(x, y));
    // Regimes are nudged sideways so their whiskers do not overlap.
    let gap = xs
        .windows(2)
        .map(|w| (px(w[1], 0.0).0 - px(w[0], 0.0).0).abs())
        .min()
        .unwrap_or(200);
    let n = styles.len() as i32;
    let dodge = (gap / (3 * n.max(1))).clamp(2, 10);
    let shift = |r: usize| (2 * r as i32 - (n - 1)) * dodge / 2;
    let cap = (spec.sizes.marker * 2 / 3).max(4);
    for (r, st) in styles.iter().enumerate() {
        for (i, s) in stats[r].iter().enumerate() {
            if s.lo.is_finite() && s.hi.is_finite() {
                let (x, top) = px(xs[i], s.hi);
                let (_, bottom) = px(xs[i], s.lo);
                let x = x + shift(r);
                let pen = st.color.stroke_width(2);
                root.draw(&PathElement::new(vec![(x, top), (x, bottom)], pen))
                    .map_err(err)?;
                for y in [top, bottom] {
                    root.draw(&PathElement::new(vec![(x - cap, y), (x + cap, y)], pen))
                        .map_err(err)?;
                }
            }
        }
    }
    for (r, st) in styles.iter().enumerate() {
        let ok: Vec<usize> = (0..xs.len())
            .filter(|&i| stats[r][i].mean.is_finite())
            .collect();
        // Consecutive available points are joined; a missing point breaks the line.
        for pair in ok.windows(2).filter(|w| w[1] == w[0] + 1) {
            let seg: Vec<(i32, i32)> = pair
                .iter()
                .map(|&i| {
                    let (x, y) = px(xs[i], stats[r][i].mean);
                    (x + shift(r), y)
                })
                .collect();
            let pen = st.color.stroke_width(spec.sizes.line);
            match st.dash {
                None => root.draw(&PathElement::new(seg, pen)),
                Some((d, g)) => root.draw(&DashedPathElement::new(seg, d as i32, g as i32, pen)),
            }
            .map_err(err)?;
        }
    }
    for (r, st) in styles.iter().enumerate() {
        for (i, s) in stats[r].iter().enumerate() {
            if s.mean.is_finite() {
                let (x, y) = px(xs[i], s.mean);
                style::draw_marker(
                    root,
                    st.marker,
                    (x + shift(r), y),
                    spec.sizes.marker,
                    st.color,
                )
                .map_err(err)?;
            }
        }
    }
    Ok(())
}

/// The sweep chart of `job.metric` against parameter `xi`, faceted by the other
/// parameters (`facet` first).
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    out: &Outputs,
    stats: &[Vec<Stat>],
    job: &Job,
    (xi, facet): (usize, Option<usize>),
    styles: &[RegimeStyle],
) -> Result<()> {
    let label = metric_label(&job.metric);
    let param = &out.params[xi];
    let mut others: Vec<usize> = facet.into_iter().collect();
    others.extend((0..out.params.len()).filter(|&i| i != xi && Some(i) != facet));

    // Panel key: the values of the other parameters; within it, x value -> point.
    let mut panels: BTreeMap<Vec<usize>, BTreeMap<usize, usize>> = BTreeMap::new();
    for (p, values) in out.points.iter().enumerate() {
        let key = others.iter().map(|&o| values[o]).collect();
        panels.entry(key).or_default().insert(values[xi], p);
    }
    let panels: Vec<(Vec<usize>, BTreeMap<usize, usize>)> = panels.into_iter().collect();
    let (picked, shown) = pick_panels(panels.len());

    let title = job
        .title
        .clone()
        .unwrap_or_else(|| format!("{} by {}", title_case(&label), param.name));
    let mut subtitle = format!(
        "Scenario {} · {} per point · {}",
        out.name,
        out.replicates_label(),
        out.steps_label()
    );
    if !others.is_empty() {
        let names: Vec<&str> = others
            .iter()
            .map(|&o| out.params[o].name.as_str())
            .collect();
        subtitle += &format!(" · one panel per {}{shown}", names.join(" x "));
    }
    let window = out.window_label();
    let per_run = if job.metric == "cumulative_welfare" {
        "each run's welfare summed over the whole run".to_string()
    } else {
        format!("each run's mean over {window}")
    };
    let caption = format!(
        "Points: {per_run}, averaged over {}; whiskers: 95% confidence interval of that mean (t-based).",
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
    let (rows, cols) = frame::grid(picked.len());
    let sizes = Sizes::for_grid(rows, cols);
    let (x, xs) = x_axis(&param.values, cols > 2);

    // Statistics per panel: [regime][x value], NaN where a point is missing.
    let missing = Stat {
        n: 0,
        mean: f64::NAN,
        lo: f64::NAN,
        hi: f64::NAN,
    };
    let panel_stats: Vec<Vec<Vec<Stat>>> = picked
        .iter()
        .map(|&k| {
            (0..styles.len())
                .map(|r| {
                    (0..xs.len())
                        .map(|v| panels[k].1.get(&v).map_or(missing, |&p| stats[r][p]))
                        .collect()
                })
                .collect()
        })
        .collect();
    let y = frame::y_axis(
        panel_stats
            .iter()
            .flatten()
            .flatten()
            .flat_map(|s| [s.mean, s.lo, s.hi]),
        false,
        metric_bounds(&job.metric),
    );
    let areas = frame::panel_grid(&content, (rows, cols), Some(&param.name), Some(&label))?;
    for (i, (area, &k)) in areas.iter().zip(&picked).enumerate() {
        let facet_label = (!others.is_empty()).then(|| {
            others
                .iter()
                .zip(&panels[k].0)
                .map(|(&o, &v)| out.params[o].label(v))
                .collect::<Vec<_>>()
                .join(", ")
        });
        let spec = PanelSpec {
            title: facet_label.as_deref(),
            x: &x,
            y: &y,
            sizes,
        };
        sweep_panel(root, area, &spec, styles, &xs, &panel_stats[i])?;
    }
    Ok(())
}
