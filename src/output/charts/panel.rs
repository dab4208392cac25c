//! One panel of a chart: its title, axes with our own ticks (thinned where
//! labels would overlap), and the grid of panels with the axis descriptions
//! drawn once for all of them.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{self, Sizes, err};
use super::page::{MIN_TEXT_PT, Page, pt};
use super::style::{self, GRID, INK, MUTED, font};
use super::ticks::{Axis, Ticked, every_nth, thin_labels, tick_label};
use super::titles::title_layout;

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
    // A long description gets a smaller font, down to the smallest legible
    // size, before it is shortened.
    let shrunk = |d: &str, room: u32| {
        [pt::AXIS, 7.5, MIN_TEXT_PT]
            .map(|p| page.text(p))
            .into_iter()
            .find(|&p| {
                content
                    .estimate_text_size(d, &font(p, false, INK))
                    .is_ok_and(|(tw, _)| tw <= room)
            })
            .unwrap_or(page.text(MIN_TEXT_PT))
    };
    let gap = page.len(3) as u32;
    let left = if y_desc.is_some() { px as u32 + gap } else { 0 };
    // The horizontal description wraps onto a second line at the smallest size
    // (it may carry the names of the panel titles' values).
    let x_room = w.saturating_sub(left + 20);
    let x_lines = x_desc.map(|d| {
        let st = font(shrunk(d, x_room), false, INK);
        (frame::wrap(content, d, &st, x_room, 2), st)
    });
    let bottom = match &x_lines {
        Some((lines, st)) => {
            let line_h = (st.font.get_size() * 1.2) as u32;
            px as u32 + line_h * (lines.len() as u32 - 1) + gap
        }
        None => 0,
    };
    if let Some(d) = y_desc {
        let room = h.saturating_sub(bottom + 20);
        let st = font(shrunk(d, room), false, INK)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Top));
        let text = style::fit_text(content, d, &st, room);
        content
            .draw_text(&text, &st, (2, (h.saturating_sub(bottom) / 2) as i32))
            .map_err(err)?;
    }
    if let Some((lines, st)) = x_lines {
        let line_h = (st.font.get_size() * 1.2) as i32;
        let st = st.pos(Pos::new(HPos::Center, VPos::Bottom));
        for (i, line) in lines.iter().enumerate() {
            let y = h as i32 - 2 - line_h * (lines.len() - 1 - i) as i32;
            content
                .draw_text(line, &st, (((w + left) / 2) as i32, y))
                .map_err(err)?;
        }
    }
    let inner = content.clone().shrink(
        (left, 0),
        (w.saturating_sub(left), h.saturating_sub(bottom)),
    );
    Ok(inner.split_evenly((rows, cols)))
}

/// Draws a panel's title and returns the area below it, leaving room for the
/// top tick label (which sits half above the plot). The title sits on the last
/// of the `sizes.title_lines` lines kept for titles, next to its plot.
pub fn panel_body<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &PanelSpec,
) -> Result<DrawingArea<DB, Shift>> {
    let s = spec.sizes;
    let (w, h) = area.dim_in_pixel();
    let mut top = (s.tick / 2.0) as u32 + s.page.len(1.7) as u32;
    if let Some(t) = spec.title {
        // Regular weight (bold titles of neighbouring panels would not all fit).
        let (px, lines) = title_layout(area, t, s);
        let st = font(px, false, INK).pos(Pos::new(HPos::Center, VPos::Top));
        let line_h = (s.panel_title * 1.2).round() as i32;
        let room = s.title_lines.max(lines.len());
        // Room above keeps a title clear of the tick labels of the panel above.
        let first = s.page.len(3) + line_h * (room - lines.len()) as i32;
        for (i, line) in lines.iter().enumerate() {
            area.draw_text(line, &st, (w as i32 / 2, first + line_h * i as i32))
                .map_err(err)?;
        }
        top += s.panel_title as u32 + (line_h * (room as i32 - 1)) as u32 + s.page.len(4.5) as u32;
    }
    Ok(area.clone().shrink((0, top), (w, h.saturating_sub(top))))
}

/// A panel's chart in data coordinates.
pub type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Ticked, Ticked>>;

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
    let mut second_row = Vec::new();
    if let XAxis::Num(_) = spec.x {
        let (w, _) = area.dim_in_pixel();
        let plot_w = w.saturating_sub(y_area + s.page.len(9) as u32) as f64;
        (x.labels, second_row) = thin_labels(&x, plot_w, |l| {
            area.estimate_text_size(l, &x_tick).map_or(0, |v| v.0) as f64
        });
    }
    let staggered = second_row.iter().any(|l| !l.is_empty());
    let row_h = (s.tick * 1.1) as u32;
    let x_area = s.tick as u32 + s.page.len(4.5) as u32 + if staggered { row_h } else { 0 };
    // In a short plot, every other value label (or fewer) keeps them apart.
    let mut y = spec.y.clone();
    let (_, h) = area.dim_in_pixel();
    let plot_h = h.saturating_sub(x_area + 8) as f64;
    y.labels = every_nth(&y, plot_h, s.tick * 1.25);

    let mut builder = ChartBuilder::on(area);
    builder
        .margin_top(4)
        .margin_right(s.page.len(8))
        .margin_left(4)
        .margin_bottom(4)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area);
    let mut chart = builder
        .build_cartesian_2d(Ticked(x.clone()), Ticked(y.clone()))
        .map_err(err)?;
    let x_fmt = |v: &f64| tick_label(&x, *v);
    let y_fmt = |v: &f64| tick_label(&y, *v);
    let mut mesh = chart.configure_mesh();
    mesh.bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(style::AXIS.stroke_width(1))
        .x_label_style(x_tick.clone())
        .y_label_style(tick)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt);
    if !matches!(spec.x, XAxis::Num(_)) {
        mesh.disable_x_mesh();
    }
    mesh.draw().map_err(err)?;
    // The second row of labels, under the first.
    let st = x_tick.pos(Pos::new(HPos::Center, VPos::Top));
    let base = area.get_base_pixel();
    for (t, label) in x.ticks.iter().zip(&second_row) {
        if !label.is_empty() {
            let (px, py) = chart.backend_coord(&(*t, spec.y.lo));
            let at = (px - base.0, py - base.1 + s.page.len(2.5) + row_h as i32);
            area.draw_text(label, &st, at).map_err(err)?;
        }
    }
    Ok((chart, names_shown))
}

/// Writes a centred note (e.g. "no data") in a panel.
pub fn note<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, px: f64) -> Result<()> {
    let (w, h) = area.dim_in_pixel();
    let st = font(px, false, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(text, &st, (w as i32 / 2, h as i32 / 2))
        .map_err(err)
}
