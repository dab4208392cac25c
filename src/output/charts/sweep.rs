//! A per-run summary metric against a swept parameter: one line per regime
//! through the means, with 95 % whiskers; other swept parameters split the
//! chart into small multiples.

use std::collections::BTreeMap;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::data::{By, Values};
use super::frame::{self, LegendKind, Sizes, err};
use super::panel::{self, PanelSpec, XAxis};
use super::style::{self, RegimeStyle};
use super::ticks::{self, Axis};
use super::titles;
use super::{Ctx, Text, axis_notes, metric_bounds, pick_panels, scale, title_case};
use crate::output::stats::Stats;

/// How a swept parameter's values sit on the x axis.
pub struct XScale {
    pub axis: XAxis,
    /// The x position of each value.
    pub xs: Vec<f64>,
    /// `breaks[i]`: no line joins value `i - 1` to value `i` (a number and a
    /// word such as `none` are not on one scale).
    pub breaks: Vec<bool>,
    /// What the axis description must add: " (log scale)" or that the values
    /// are evenly spaced, not to scale.
    pub note: &'static str,
}

/// The x axis of a swept parameter. Numbers go on a linear scale; numbers too
/// unevenly spaced for it (say 25, 250, 1000, 5000) on a log scale if they are
/// positive and spread evenly enough there, else at even steps with a note.
pub fn x_axis(values: &Values, narrow: bool) -> XScale {
    let categories = |labels: Vec<String>, note| {
        let numeric: Vec<bool> = labels.iter().map(|l| l.parse::<f64>().is_ok()).collect();
        let breaks = (0..labels.len())
            .map(|i| i > 0 && numeric[i] != numeric[i - 1])
            .collect();
        XScale {
            xs: (0..labels.len()).map(|i| i as f64).collect(),
            axis: XAxis::Cat(labels),
            breaks,
            note,
        }
    };
    match values {
        // Numbers among words ([5, 150, "none"]) are categories too: not to scale.
        Values::Str(v) if v.iter().filter(|l| l.parse::<f64>().is_ok()).count() > 1 => {
            categories(v.clone(), " (values evenly spaced, not to scale)")
        }
        Values::Str(v) => categories(v.clone(), ""),
        Values::Num(v) if crowded(v) || geometric(v) => {
            let logs: Vec<f64> = v.iter().map(|x| x.log10()).collect();
            if v[0] > 0.0 && !crowded(&logs) {
                let (lo, hi) = (logs[0], logs[logs.len() - 1]);
                let pad = (hi - lo) * 0.06;
                XScale {
                    axis: XAxis::Num(Axis {
                        lo: lo - pad,
                        hi: hi + pad,
                        ticks: logs.clone(),
                        labels: v.iter().map(|x| ticks::format_value(*x)).collect(),
                        log: true,
                    }),
                    xs: logs,
                    breaks: vec![false; v.len()],
                    note: " (log scale)",
                }
            } else {
                let labels = v.iter().map(|x| ticks::format_value(*x)).collect();
                categories(labels, " (values evenly spaced, not to scale)")
            }
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
                    labels: v.iter().map(|x| ticks::format_value(*x)).collect(),
                    log: false,
                }
            } else {
                ticks::nice_axis(lo, hi, if narrow { 4 } else { 6 })
            };
            axis.lo = axis.lo.min(lo - pad);
            axis.hi = axis.hi.max(hi + pad);
            XScale {
                axis: XAxis::Num(axis),
                xs: v.clone(),
                breaks: vec![false; v.len()],
                note: "",
            }
        }
    }
}

/// Whether two neighbouring values lie closer than a fifteenth of the range.
/// Three or more positive values each at least twice the one before (say 0.0005,
/// 0.002, 0.008): on a linear axis the small ones huddle at its start and their
/// labels collide, so they go on a log scale like crowded ones.
fn geometric(v: &[f64]) -> bool {
    v.len() >= 3 && v[0] > 0.0 && v.windows(2).all(|w| w[1] >= 2.0 * w[0])
}

fn crowded(v: &[f64]) -> bool {
    let range = v[v.len() - 1] - v[0];
    range > 0.0 && v.windows(2).any(|w| w[1] - w[0] < range / 15.0)
}

/// One sweep panel. `stats[r][i]` is regime r at the i-th value of `x`.
pub fn sweep_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    spec: &PanelSpec,
    styles: &[RegimeStyle],
    x: &XScale,
    stats: &[Vec<Stats>],
) -> Result<()> {
    let body = panel::panel_body(area, spec)?;
    let (chart, _) = panel::build_panel(&body, spec)?;
    let y = spec.y;
    let px = |i: usize, v: f64| chart.backend_coord(&(x.xs[i], y.pos(v)));
    let page = spec.sizes.page;
    // Regimes are nudged sideways so their whiskers do not overlap.
    let gap = (1..x.xs.len())
        .map(|i| (px(i, 1.0).0 - px(i - 1, 1.0).0).abs())
        .min()
        .unwrap_or(page.len(50));
    let n = styles.len() as i32;
    let dodge = (gap / (3 * n.max(1))).clamp(2, page.len(3));
    let shift = |r: usize| (2 * r as i32 - (n - 1)) * dodge / 2;
    let cap = (spec.sizes.marker * 2 / 3).max(4);
    let visible = |v: f64| y.pos(v).is_finite();
    for (r, st) in styles.iter().enumerate() {
        for (i, s) in stats[r].iter().enumerate() {
            if s.has_interval() && visible(s.ci_low) && visible(s.ci_high) {
                let (cx, top) = px(i, s.ci_high);
                let (_, bottom) = px(i, s.ci_low);
                let cx = cx + shift(r);
                let pen = st.color.stroke_width(page.len(0.6) as u32);
                root.draw(&PathElement::new(vec![(cx, top), (cx, bottom)], pen))
                    .map_err(err)?;
                for yy in [top, bottom] {
                    root.draw(&PathElement::new(vec![(cx - cap, yy), (cx + cap, yy)], pen))
                        .map_err(err)?;
                }
            }
        }
    }
    for (r, st) in styles.iter().enumerate() {
        let ok: Vec<usize> = (0..x.xs.len())
            .filter(|&i| stats[r][i].mean.is_finite() && visible(stats[r][i].mean))
            .collect();
        // Consecutive available points are joined; a missing point, or a word
        // next to a number, breaks the line.
        for pair in ok
            .windows(2)
            .filter(|w| w[1] == w[0] + 1 && !x.breaks[w[1]])
        {
            let seg: Vec<(i32, i32)> = pair
                .iter()
                .map(|&i| {
                    let (cx, cy) = px(i, stats[r][i].mean);
                    (cx + shift(r), cy)
                })
                .collect();
            let pen = st.color.stroke_width(spec.sizes.line);
            match st.dash {
                None => root.draw(&PathElement::new(seg, pen)),
                Some((d, g)) => root.draw(&DashedPathElement::new(seg, d as i32, g as i32, pen)),
            }
            .map_err(err)?;
        }
        for &i in &ok {
            let (cx, cy) = px(i, stats[r][i].mean);
            style::draw_marker(
                root,
                st.marker,
                (cx + shift(r), cy),
                spec.sizes.marker,
                st.color,
            )
            .map_err(err)?;
        }
    }
    Ok(())
}

/// The sweep chart of the job's metric against parameter `xi`, faceted by the
/// other parameters (`facet` first).
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx,
    stats: &[Vec<Stats>],
    (xi, facet): (usize, Option<usize>),
) -> Result<Text> {
    let (out, job, look) = (ctx.out, ctx.job, &ctx.job.look);
    let y_label = ctx.y_label();
    let param = &out.params[xi];
    let x_name = ctx.param_name(xi);
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
    let (rows, cols) = frame::grid(picked.len(), look.rows, look.cols);
    let x = x_axis(&param.values, cols > 2);

    // Statistics per panel: [regime][x value], missing where a point was not run.
    let panel_stats: Vec<Vec<Vec<Stats>>> = picked
        .iter()
        .map(|&k| {
            (0..ctx.styles.len())
                .map(|r| {
                    (0..x.xs.len())
                        .map(|v| panels[k].1.get(&v).map_or(Stats::MISSING, |&p| stats[r][p]))
                        .collect()
                })
                .collect()
        })
        .collect();
    let values: Vec<Vec<f64>> = panel_stats
        .iter()
        .map(|p| {
            p.iter()
                .flatten()
                .flat_map(|s| [s.mean, s.ci_low, s.ci_high])
                .collect()
        })
        .collect();
    let means = panel_stats.iter().flatten().flatten().map(|s| s.mean);
    let rule = scale::rule(look, metric_bounds(&job.metric), false, means);
    let (axes, per_panel) = scale::panel_axes(&values, &rule, look.y_axes);

    let title = job.title.clone().unwrap_or_else(|| match job.by {
        By::Regime => format!("{} by {}", title_case(&y_label), x_name),
        // The x axis names the parameter: the title stays one line.
        By::Population => format!("{} by population", title_case(&y_label)),
    });
    let mut subtitle = format!(
        "Scenario {} · {} per point · {}",
        out.name,
        out.replicates_label(),
        out.steps_label()
    );
    if !others.is_empty() {
        let names: Vec<String> = others.iter().map(|&o| ctx.param_name(o)).collect();
        subtitle += &format!(" · one panel per {}{shown}", names.join(" x "));
    }
    if per_panel {
        subtitle += " · each panel has its own scale";
    }
    let per_run = if job.metric == "cumulative_welfare" {
        "each run's welfare summed over the whole run".to_string()
    } else {
        format!("each run's mean over {}", out.window_label())
    };
    let caption = format!(
        "Points: {per_run}, averaged over {}; whiskers: 95% confidence interval of that mean (t-based).{}",
        out.replicates_label(),
        axis_notes(&axes, look)
    );
    let frame = ctx.frame(&title, &subtitle, &caption, LegendKind::Line);
    let content = frame::draw_frame(root, &frame)?;
    let sizes = Sizes::for_grid(rows, cols, ctx.page);
    let facets: Vec<(String, String)> = match others.is_empty() {
        true => Vec::new(),
        false => picked
            .iter()
            .map(|&k| {
                let pairs = others.iter().zip(&panels[k].0);
                let full = pairs
                    .clone()
                    .map(|(&o, &v)| {
                        format!("{} = {}", ctx.param_short(o), out.params[o].values.label(v))
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let values = pairs
                    .map(|(&o, &v)| out.params[o].values.label(v))
                    .collect::<Vec<_>>()
                    .join(", ");
                (full, values)
            })
            .collect(),
    };
    let key = others
        .iter()
        .map(|&o| ctx.param_short(o))
        .collect::<Vec<_>>()
        .join(", ");
    let (titles, key) = titles::facet_titles(&content, (rows, cols), sizes, &facets, &key);
    let x_desc = look.x_label.clone().unwrap_or(x_name) + x.note + &key;
    let areas = panel::panel_grid(
        &content,
        (rows, cols),
        Some(&x_desc),
        Some(&y_label),
        ctx.page,
    )?;
    let sizes = titles::fit_titles(&areas[0], &titles, sizes);
    for (i, (area, facet_label)) in areas.iter().zip(&titles).enumerate() {
        let spec = PanelSpec {
            title: facet_label.as_deref(),
            x: &x.axis,
            y: &axes[i],
            sizes,
        };
        sweep_panel(root, area, &spec, ctx.styles, &x, &panel_stats[i])?;
    }
    Ok(Text { title, caption })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uneven_values_go_on_a_log_scale_or_say_they_are_not_to_scale() {
        let x = x_axis(
            &Values::Num(vec![25.0, 250.0, 1000.0, 2500.0, 5000.0]),
            false,
        );
        assert_eq!(x.note, " (log scale)");
        assert!((x.xs[1] - 250f64.log10()).abs() < 1e-12);
        // Crowded even on a log scale: evenly spaced, and the axis says so.
        let x = x_axis(&Values::Num(vec![1.0, 1.01, 1.02, 100.0]), false);
        assert!(x.note.contains("not to scale"), "{}", x.note);
        assert_eq!(x.xs, [0.0, 1.0, 2.0, 3.0]);
        let x = x_axis(&Values::Num(vec![0.0, 0.5, 1.0]), false);
        assert_eq!((x.note, x.xs.clone()), ("", vec![0.0, 0.5, 1.0]));
        // Each value four times the last: a log scale, evenly spaced there.
        let x = x_axis(&Values::Num(vec![0.0005, 0.002, 0.008]), false);
        assert_eq!(x.note, " (log scale)");
        assert!((x.xs[1] - x.xs[0] - (x.xs[2] - x.xs[1])).abs() < 1e-12);
        // Two values, or a doubling that stops, stay linear.
        assert_eq!(x_axis(&Values::Num(vec![0.001, 0.008]), false).note, "");
        assert_eq!(x_axis(&Values::Num(vec![1.0, 2.0, 3.0]), false).note, "");
    }

    #[test]
    fn no_line_joins_a_number_to_a_word() {
        let words = |v: &[&str]| Values::Str(v.iter().map(|s| s.to_string()).collect());
        let x = x_axis(&words(&["20", "150", "none"]), false);
        assert_eq!(x.breaks, [false, false, true]);
        assert!(x.note.contains("not to scale"));
        let x = x_axis(&words(&["private", "open"]), false);
        assert_eq!(x.breaks, [false, false]);
    }
}
