//! One panel of a chart: its title, axes with our own ticks (thinned where
//! labels would overlap), and the grid of panels with the axis descriptions
//! drawn once for all of them.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{Sizes, err};
use super::page::{MIN_TEXT_PT, Page, pt};
use super::style::{self, Axis, GRID, INK, MUTED, font};

/// The x axis of a panel: numbers, or categories at 0, 1, 2, ...
#[derive(Clone, Debug)]
pub enum XAxis {
    Num(Axis),
    /// Categories whose labels are shortened to fit (the values of a sweep).
    Cat(Vec<String>),
    /// Regime names under bars: dropped rather than shortened when they do not
    /// fit (the legend and the markers under the bars name them).
    Regimes(Vec<String>),
}

impl XAxis {
    /// Categories as an axis from -0.5 to n - 0.5 with a tick per category.
    fn axis(&self) -> Axis {
        match self {
            XAxis::Num(a) => a.clone(),
            XAxis::Cat(labels) | XAxis::Regimes(labels) => Axis {
                lo: -0.5,
                hi: labels.len() as f64 - 0.5,
                ticks: (0..labels.len()).map(|i| i as f64).collect(),
                labels: labels.clone(),
                log: false,
            },
        }
    }
}

/// Axes and labels of one panel.
pub struct PanelSpec<'a> {
    pub title: Option<&'a str>,
    pub x: &'a XAxis,
    pub y: &'a Axis,
    pub sizes: Sizes,
}

/// Splits the panel area into a `rows` x `cols` grid after drawing the axis
/// descriptions once for the whole grid (left, rotated, and below), so long
/// labels never collide between small multiples.
pub fn panel_grid<DB: DrawingBackend>(
    content: &DrawingArea<DB, Shift>,
    (rows, cols): (usize, usize),
    x_desc: Option<&str>,
    y_desc: Option<&str>,
    page: Page,
) -> Result<Vec<DrawingArea<DB, Shift>>> {
    let px = page.text(pt::AXIS);
    let (w, h) = content.dim_in_pixel();
    let gap = page.len(3) as u32;
    let left = if y_desc.is_some() { px as u32 + gap } else { 0 };
    let bottom = if x_desc.is_some() { px as u32 + gap } else { 0 };
    if let Some(d) = y_desc {
        let st = font(px, false, INK)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Top));
        let text = style::fit_text(content, d, &st, h.saturating_sub(bottom + 20));
        content
            .draw_text(&text, &st, (2, (h.saturating_sub(bottom) / 2) as i32))
            .map_err(err)?;
    }
    if let Some(d) = x_desc {
        let st = font(px, false, INK).pos(Pos::new(HPos::Center, VPos::Bottom));
        let text = style::fit_text(content, d, &st, w.saturating_sub(left + 20));
        content
            .draw_text(&text, &st, (((w + left) / 2) as i32, h as i32 - 2))
            .map_err(err)?;
    }
    let inner = content.clone().shrink(
        (left, 0),
        (w.saturating_sub(left), h.saturating_sub(bottom)),
    );
    Ok(inner.split_evenly((rows, cols)))
}

/// A linear f64 coordinate whose grid lines and labels sit exactly at our
/// ticks (plotters' own f64 coordinate picks its own).
#[derive(Clone, Debug)]
pub struct Ticked(Axis);

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.0.hi - self.0.lo;
        if span == 0.0 {
            return (limit.0 + limit.1) / 2;
        }
        let t = (v - self.0.lo) / span;
        let len = (limit.1 - limit.0) as f64;
        // Rounded as plotters does, so that the end ticks stay inside the axis.
        if len > 0.0 {
            limit.0 + (len * t + 1e-3).floor() as i32
        } else {
            limit.0 + (len * t - 1e-3).ceil() as i32
        }
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.0.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.0.lo..self.0.hi
    }
}

/// A panel's chart in data coordinates.
pub type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Ticked, Ticked>>;

/// Label of the tick nearest `v` (plotters asks by value; ticks are ours).
fn tick_label(axis: &Axis, v: f64) -> String {
    axis.ticks
        .iter()
        .zip(&axis.labels)
        .min_by(|a, b| (a.0 - v).abs().total_cmp(&(b.0 - v).abs()))
        .map(|(_, l)| l.clone())
        .unwrap_or_default()
}

/// Draws a panel's title and returns the area below it, leaving room for the
/// top tick label (which sits half above the plot).
pub fn panel_body<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &PanelSpec,
) -> Result<DrawingArea<DB, Shift>> {
    let s = spec.sizes;
    let (w, h) = area.dim_in_pixel();
    let mut top = (s.tick / 2.0) as u32 + s.page.len(1.7) as u32;
    if let Some(t) = spec.title {
        // Regular weight (bold titles of neighbouring panels would not all fit),
        // a little smaller if need be, shortened as a last resort.
        let max = w.saturating_sub(s.page.len(4) as u32);
        let small_px = (s.panel_title * 0.85).round().max(s.page.text(MIN_TEXT_PT));
        let small = font(small_px, false, INK);
        let fits = |st: &TextStyle| {
            area.estimate_text_size(t, st)
                .is_ok_and(|(tw, _)| tw <= max)
        };
        let cap = Some(font(s.panel_title, false, INK))
            .filter(fits)
            .unwrap_or(small)
            .pos(Pos::new(HPos::Center, VPos::Top));
        let text = style::fit_text(area, t, &cap, max);
        // Room above keeps a title clear of the tick labels of the panel above.
        area.draw_text(&text, &cap, (w as i32 / 2, s.page.len(3)))
            .map_err(err)?;
        top += s.panel_title as u32 + s.page.len(4.5) as u32;
    }
    Ok(area.clone().shrink((0, top), (w, h.saturating_sub(top))))
}

/// Builds a panel in the area [`panel_body`] left: light grid at the ticks and
/// tick labels, with label areas sized to what they hold. Also says whether the
/// category labels fitted in full.
pub fn build_panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    spec: &PanelSpec,
) -> Result<(Chart<'a, DB>, bool)> {
    let s = spec.sizes;
    let tick = font(s.tick, false, INK);
    let y_tick_w = spec
        .y
        .labels
        .iter()
        .map(|l| area.estimate_text_size(l, &tick).map_or(0, |v| v.0))
        .max()
        .unwrap_or(0);
    let y_area = y_tick_w + s.page.len(4.5) as u32;
    let x_area = s.tick as u32 + s.page.len(4.5) as u32;

    // Category labels shrink, then shorten (or, for regimes, go), to fit their slot.
    let mut x = spec.x.axis();
    let mut x_tick = tick.clone();
    let mut names_shown = true;
    if let XAxis::Cat(labels) | XAxis::Regimes(labels) = spec.x {
        let (w, _) = area.dim_in_pixel();
        let slot = (w.saturating_sub(y_area + s.page.len(8) as u32) / labels.len().max(1) as u32)
            .saturating_sub(s.page.len(3) as u32);
        let widest = |st: &TextStyle| {
            labels
                .iter()
                .map(|l| area.estimate_text_size(l, st).map_or(0, |v| v.0))
                .max()
                .unwrap_or(0)
        };
        let mut px = s.tick;
        let smallest = s.page.text(MIN_TEXT_PT);
        while px > smallest && widest(&x_tick) > slot {
            px -= 1.0;
            x_tick = font(px, false, INK);
        }
        names_shown = widest(&x_tick) <= slot;
        x.labels = match spec.x {
            XAxis::Regimes(_) if !names_shown => vec![String::new(); labels.len()],
            _ => labels
                .iter()
                .map(|l| style::fit_text(area, l, &x_tick, slot))
                .collect(),
        };
    }
    if let XAxis::Num(_) = spec.x {
        let (w, _) = area.dim_in_pixel();
        let plot_w = w.saturating_sub(y_area + s.page.len(9) as u32) as f64;
        x.labels = thin_labels(&x, plot_w, |l| {
            area.estimate_text_size(l, &x_tick).map_or(0, |v| v.0) as f64
        });
    }

    let mut builder = ChartBuilder::on(area);
    builder
        .margin_top(4)
        .margin_right(s.page.len(8))
        .margin_left(4)
        .margin_bottom(4)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area);
    let mut chart = builder
        .build_cartesian_2d(Ticked(x.clone()), Ticked(spec.y.clone()))
        .map_err(err)?;
    let x_fmt = |v: &f64| tick_label(&x, *v);
    let y_fmt = |v: &f64| tick_label(spec.y, *v);
    let mut mesh = chart.configure_mesh();
    mesh.bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(style::AXIS.stroke_width(1))
        .x_label_style(x_tick)
        .y_label_style(tick)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt);
    if !matches!(spec.x, XAxis::Num(_)) {
        mesh.disable_x_mesh();
    }
    mesh.draw().map_err(err)?;
    Ok((chart, names_shown))
}

/// Tick labels with those that would overlap a label already kept left blank
/// (values of a log-scaled sweep crowd at one end). `width` measures a label.
fn thin_labels(axis: &Axis, plot_w: f64, width: impl Fn(&str) -> f64) -> Vec<String> {
    let span = axis.hi - axis.lo;
    let edges: Vec<(f64, f64)> = axis
        .ticks
        .iter()
        .zip(&axis.labels)
        .map(|(t, label)| {
            let centre = (t - axis.lo) / span * plot_w;
            let half = width(label) / 2.0 * 1.15;
            (centre - half, centre + half)
        })
        .collect();
    let mut kept: Vec<usize> = Vec::new();
    for (i, e) in edges.iter().enumerate() {
        if kept.last().is_none_or(|&k| e.0 > edges[k].1) {
            kept.push(i);
        }
    }
    // The last value is kept too (the range's end matters more than a middle value).
    let last = edges.len().saturating_sub(1);
    if kept.last().is_some_and(|&k| k != last) {
        while kept.len() > 1 && kept.last().is_some_and(|&k| edges[k].1 >= edges[last].0) {
            kept.pop();
        }
        kept.push(last);
    }
    axis.labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if kept.contains(&i) {
                l.clone()
            } else {
                String::new()
            }
        })
        .collect()
}

/// Writes a centred note (e.g. "no data") in a panel.
pub fn note<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, px: f64) -> Result<()> {
    let (w, h) = area.dim_in_pixel();
    let st = font(px, false, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(text, &st, (w as i32 / 2, h as i32 / 2))
        .map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crowded_tick_labels_are_thinned_keeping_both_ends() {
        // Log positions of 25, 250, 1000, 2500, 5000 on a narrow panel.
        let values = [25.0f64, 250.0, 1000.0, 2500.0, 5000.0];
        let axis = Axis {
            lo: 1.3,
            hi: 3.8,
            ticks: values.iter().map(|v| v.log10()).collect(),
            labels: values.iter().map(|v| v.to_string()).collect(),
            log: true,
        };
        let labels = thin_labels(&axis, 300.0, |l| l.len() as f64 * 12.0);
        assert_eq!(labels[0], "25");
        assert_eq!(labels[4], "5000");
        assert_eq!(labels[3], "", "{labels:?}");
        let wide = thin_labels(&axis, 3000.0, |l| l.len() as f64 * 12.0);
        assert!(wide.iter().all(|l| !l.is_empty()));
    }
}
