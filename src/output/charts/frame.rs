//! The frame every chart shares: title and subtitle on top, a legend column on
//! the right (outside the data), a caption line at the bottom, and a grid of
//! panels in between, each with axes built from [`style::Axis`].

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{self, Axis, GRID, INK, MUTED, RegimeStyle, font};

/// Converts a plotters error (generic over the backend) into anyhow.
pub fn err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow!("drawing failed: {e:?}")
}

/// How the legend samples a regime: a line with its marker, or a filled box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LegendKind {
    Line,
    Swatch,
}

/// The text around the panels.
pub struct Frame<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    pub caption: &'a str,
    pub regimes: &'a [RegimeStyle],
    pub legend: LegendKind,
}

/// Pixel sizes in one panel, shrunk for grids of small multiples.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    pub panel_title: f64,
    pub tick: f64,
    pub line: u32,
    pub marker: i32,
    /// Markers along a time-series line: fewer in small panels.
    pub markers: usize,
}

impl Sizes {
    /// Sizes for a `rows` x `cols` grid: full size for one panel, down to three
    /// quarters for grids of three or more columns (still legible in print).
    pub fn for_grid(rows: usize, cols: usize) -> Sizes {
        let f = (1.15 / (rows.max(cols) as f64).sqrt()).clamp(0.75, 1.0);
        Sizes {
            panel_title: (26.0 * f).round(),
            tick: (22.0 * f).round(),
            line: if f > 0.8 { 3 } else { 2 },
            marker: if f > 0.8 { 9 } else { 6 },
            markers: if f > 0.8 { 8 } else { 4 },
        }
    }
}

/// Rows and columns for `n` panels on a landscape canvas.
pub fn grid(n: usize) -> (usize, usize) {
    match n {
        0 | 1 => (1, 1),
        2 => (1, 2),
        3 => (1, 3),
        4 => (2, 2),
        5 | 6 => (2, 3),
        7..=9 => (3, 3),
        10..=12 => (3, 4),
        _ => (n.div_ceil(4), 4),
    }
}

/// Draws the frame and returns the area left for the panels.
pub fn draw_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    frame: &Frame,
) -> Result<DrawingArea<DB, Shift>> {
    let (w, h) = root.dim_in_pixel();
    root.fill(&WHITE).map_err(err)?;
    let pos = |h: HPos, v: VPos| Pos::new(h, v);

    let title = font(40.0, true, INK).pos(pos(HPos::Left, VPos::Top));
    let text = style::fit_text(root, frame.title, &title, w - 80);
    root.draw_text(&text, &title, (40, 26)).map_err(err)?;
    let sub = font(24.0, false, MUTED).pos(pos(HPos::Left, VPos::Top));
    let text = style::fit_text(root, frame.subtitle, &sub, w - 80);
    root.draw_text(&text, &sub, (40, 80)).map_err(err)?;
    let cap = font(21.0, false, MUTED).pos(pos(HPos::Left, VPos::Bottom));
    let text = style::fit_text(root, frame.caption, &cap, w - 80);
    root.draw_text(&text, &cap, (40, h as i32 - 22))
        .map_err(err)?;

    // Legend column, sized to the longest name: long names get a smaller font
    // before being shortened, and the column is capped so panels keep room.
    const MAX_NAME: u32 = 340;
    let widest = |st: &TextStyle| {
        frame
            .regimes
            .iter()
            .map(|r| root.estimate_text_size(&r.name, st).map_or(0, |s| s.0))
            .max()
            .unwrap_or(0)
    };
    let entry = [22.0, 20.0, 18.0, 16.0]
        .into_iter()
        .map(|px| font(px, false, INK))
        .find(|st| widest(st) <= MAX_NAME)
        .unwrap_or_else(|| font(16.0, false, INK))
        .pos(pos(HPos::Left, VPos::Center));
    let name_w = widest(&entry).min(MAX_NAME);
    let sample_w: i32 = 64;
    let legend_w = (name_w as i32 + sample_w + 24).max(180);
    let x0 = w as i32 - legend_w - 24;
    let top = 150;
    let head = font(22.0, true, INK).pos(pos(HPos::Left, VPos::Top));
    root.draw_text("Regime", &head, (x0, top)).map_err(err)?;
    for (i, r) in frame.regimes.iter().enumerate() {
        let y = top + 52 + i as i32 * 42;
        match frame.legend {
            LegendKind::Line => {
                let style = r.color.stroke_width(4);
                let seg = vec![(x0, y), (x0 + sample_w - 8, y)];
                match r.dash {
                    None => root.draw(&PathElement::new(seg, style)),
                    Some((d, g)) => root.draw(&DashedPathElement::new(seg, d, g, style)),
                }
                .map_err(err)?;
                style::draw_marker(root, r.marker, (x0 + (sample_w - 8) / 2, y), 9, r.color)
                    .map_err(err)?;
            }
            LegendKind::Swatch => {
                root.draw(&Rectangle::new(
                    [(x0 + 8, y - 13), (x0 + 34, y + 13)],
                    r.color.filled(),
                ))
                .map_err(err)?;
                // The marker that stands under a bar when names do not fit.
                style::draw_marker(root, r.marker, (x0 + 48, y), 7, r.color).map_err(err)?;
            }
        }
        let name = style::fit_text(root, &r.name, &entry, MAX_NAME);
        root.draw_text(&name, &entry, (x0 + sample_w + 4, y))
            .map_err(err)?;
    }
    Ok(root
        .clone()
        .shrink((24, 124), (x0 as u32 - 24 - 24, h - 124 - 56)))
}

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
) -> Result<Vec<DrawingArea<DB, Shift>>> {
    const PX: f64 = 24.0;
    let (w, h) = content.dim_in_pixel();
    let left = if y_desc.is_some() { PX as u32 + 12 } else { 0 };
    let bottom = if x_desc.is_some() { PX as u32 + 12 } else { 0 };
    if let Some(d) = y_desc {
        let st = font(PX, false, INK)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Top));
        let text = style::fit_text(content, d, &st, h.saturating_sub(bottom + 20));
        content
            .draw_text(&text, &st, (2, (h.saturating_sub(bottom) / 2) as i32))
            .map_err(err)?;
    }
    if let Some(d) = x_desc {
        let st = font(PX, false, INK).pos(Pos::new(HPos::Center, VPos::Bottom));
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
    let mut top = (s.tick / 2.0) as u32 + 6;
    if let Some(t) = spec.title {
        // Regular weight (bold titles of neighbouring panels would not all fit),
        // a little smaller if need be, shortened as a last resort.
        let max = w.saturating_sub(16);
        let small = font((s.panel_title * 0.85).round(), false, INK);
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
        area.draw_text(&text, &cap, (w as i32 / 2, 12))
            .map_err(err)?;
        top += s.panel_title as u32 + 16;
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
    let y_area = y_tick_w + 16;
    let x_area = s.tick as u32 + 16;

    // Category labels shrink, then shorten (or, for regimes, go), to fit their slot.
    let mut x = spec.x.axis();
    let mut x_tick = tick.clone();
    let mut names_shown = true;
    if let XAxis::Cat(labels) | XAxis::Regimes(labels) = spec.x {
        let (w, _) = area.dim_in_pixel();
        let slot = (w.saturating_sub(y_area + 30) / labels.len().max(1) as u32).saturating_sub(10);
        let widest = |st: &TextStyle| {
            labels
                .iter()
                .map(|l| area.estimate_text_size(l, st).map_or(0, |v| v.0))
                .max()
                .unwrap_or(0)
        };
        let mut px = s.tick;
        while px > 12.0 && widest(&x_tick) > slot {
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

    let mut builder = ChartBuilder::on(area);
    builder
        .margin_top(4)
        .margin_right(30)
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

/// Writes a centred note (e.g. "no data") in a panel.
pub fn note<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, px: f64) -> Result<()> {
    let (w, h) = area.dim_in_pixel();
    let st = font(px, false, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(text, &st, (w as i32 / 2, h as i32 / 2))
        .map_err(err)
}

/// The y axis for values and intervals, padded a little so lines do not ride
/// the frame, but not past zero or past the metric's own range.
pub fn y_axis(
    values: impl Iterator<Item = f64>,
    include_zero: bool,
    (min, max): (f64, f64),
) -> Axis {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return style::nice_axis(0.0, 1.0, 6);
    }
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let pad = (hi - lo) * 0.03;
    // The bounds limit the padding, never the data (a mean outside them would
    // otherwise be drawn outside its panel).
    let floor = if lo >= 0.0 { min.max(0.0) } else { min }.min(lo);
    let ceil = if hi <= 0.0 { max.min(0.0) } else { max }.max(hi);
    let mut axis = style::nice_axis((lo - pad).max(floor), (hi + pad).min(ceil), 6);
    if !include_zero {
        // A sliver beyond the end ticks, so a line lying on 0 or 1 is not
        // half hidden by the frame (bars, in contrast, stand on the axis).
        let m = (axis.hi - axis.lo) * 0.02;
        axis.lo -= m;
        axis.hi += m;
    }
    axis
}
