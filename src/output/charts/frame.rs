//! The frame every chart shares: title and subtitle on top, a legend column on
//! the right (outside the data), a caption line at the bottom, and a grid of
//! panels in between, each with axes built from [`style::Axis`].

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
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
    pub desc: f64,
    pub line: u32,
    pub marker: i32,
}

impl Sizes {
    /// Sizes for a `rows` x `cols` grid: full size for one panel, down to about
    /// two thirds for a 4 x 4 grid (still legible in print at 1600 px).
    pub fn for_grid(rows: usize, cols: usize) -> Sizes {
        let f = (1.0 / (rows.max(cols) as f64).sqrt()).clamp(0.66, 1.0);
        Sizes {
            panel_title: (26.0 * f).round(),
            tick: (22.0 * f).round(),
            desc: (24.0 * f).round(),
            line: if f > 0.8 { 4 } else { 3 },
            marker: (9.0 * f).round() as i32,
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

    // Legend column, sized to the longest name (capped so panels keep room).
    let entry = font(22.0, false, INK).pos(pos(HPos::Left, VPos::Center));
    let name_w = frame
        .regimes
        .iter()
        .map(|r| root.estimate_text_size(&r.name, &entry).map_or(0, |s| s.0))
        .max()
        .unwrap_or(0)
        .min(300);
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
            }
        }
        let name = style::fit_text(root, &r.name, &entry, 300);
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
    Cat(Vec<String>),
}

impl XAxis {
    /// Categories as an axis from -0.5 to n - 0.5 with a tick per category.
    fn axis(&self) -> Axis {
        match self {
            XAxis::Num(a) => a.clone(),
            XAxis::Cat(labels) => Axis {
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
    pub x_desc: Option<&'a str>,
    pub y_desc: Option<&'a str>,
    pub sizes: Sizes,
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
        limit.0 + (len * t + 1e-3 * len.signum()).floor() as i32
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

/// Builds a panel: caption, light grid at the ticks, tick labels and axis
/// descriptions sized to what they hold.
pub fn build_panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    spec: &PanelSpec,
) -> Result<Chart<'a, DB>> {
    let s = spec.sizes;
    let tick = font(s.tick, false, INK);
    let desc = font(s.desc, false, INK);
    let y_tick_w = spec
        .y
        .labels
        .iter()
        .map(|l| area.estimate_text_size(l, &tick).map_or(0, |v| v.0))
        .max()
        .unwrap_or(0);
    let y_area = y_tick_w
        + 16
        + if spec.y_desc.is_some() {
            s.desc as u32 + 14
        } else {
            0
        };
    let x_area = s.tick as u32
        + 16
        + if spec.x_desc.is_some() {
            s.desc as u32 + 14
        } else {
            0
        };

    // Category labels shrink, then shorten, to fit their slot.
    let mut x = spec.x.axis();
    let mut x_tick = tick.clone();
    if let XAxis::Cat(labels) = spec.x {
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
        x.labels = labels
            .iter()
            .map(|l| style::fit_text(area, l, &x_tick, slot))
            .collect();
    }

    let mut builder = ChartBuilder::on(area);
    builder
        .margin_top(8)
        .margin_right(30)
        .margin_left(4)
        .margin_bottom(4)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area);
    if let Some(t) = spec.title {
        let cap = font(s.panel_title, true, INK);
        let (w, _) = area.dim_in_pixel();
        builder.caption(style::fit_text(area, t, &cap, w.saturating_sub(20)), cap);
    }
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
        .axis_desc_style(desc)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt);
    if matches!(spec.x, XAxis::Cat(_)) {
        mesh.disable_x_mesh();
    }
    if let Some(d) = spec.x_desc {
        mesh.x_desc(d);
    }
    if let Some(d) = spec.y_desc {
        mesh.y_desc(d);
    }
    mesh.draw().map_err(err)?;
    Ok(chart)
}

/// Writes a centred note (e.g. "no data") in a panel.
pub fn note<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, px: f64) -> Result<()> {
    let (w, h) = area.dim_in_pixel();
    let st = font(px, false, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(text, &st, (w as i32 / 2, h as i32 / 2))
        .map_err(err)
}

/// The y axis for values and intervals, padded a little so lines do not ride the frame.
pub fn y_axis(values: impl Iterator<Item = f64>, include_zero: bool) -> Axis {
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
    let lo = if include_zero && lo == 0.0 {
        0.0
    } else {
        lo - pad
    };
    let hi = if include_zero && hi == 0.0 {
        0.0
    } else {
        hi + pad
    };
    style::nice_axis(lo, hi, 6)
}
