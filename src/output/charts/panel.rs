//! One panel of a chart: its title, axes with our own ticks (thinned where
//! labels would overlap), and the grid of panels with the axis descriptions
//! drawn once for all of them.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{self, Sizes, err};
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

/// A panel title's text size and lines in a panel like `area`: full size on
/// one line, else a little smaller, else wrapped onto two lines, else at the
/// smallest legible size on as many lines as it needs. A title holds display
/// names and parameter values a reader needs whole: it is cut (its last line
/// ending in "…") only past a third of the panel's height, so the plot keeps
/// most of it.
pub fn title_layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    sizes: Sizes,
) -> (f64, Vec<String>) {
    title_layout_in(area, area.dim_in_pixel(), title, sizes)
}

/// [`title_layout`] in a panel of `(w, h)` pixels, measured with `area`'s fonts.
fn title_layout_in<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (w, h): (u32, u32),
    title: &str,
    sizes: Sizes,
) -> (f64, Vec<String>) {
    let most = ((h as f64 / 3.0) / (sizes.panel_title * 1.2))
        .floor()
        .max(2.0) as usize;
    let max = w.saturating_sub(sizes.page.len(4) as u32);
    let smallest = sizes.page.text(MIN_TEXT_PT);
    let small = (sizes.panel_title * 0.85).round().max(smallest);
    let fits = |px: f64| {
        area.estimate_text_size(title, &font(px, false, INK))
            .is_ok_and(|(tw, _)| tw <= max)
    };
    if fits(sizes.panel_title) {
        return (sizes.panel_title, vec![title.to_string()]);
    }
    if fits(small) {
        return (small, vec![title.to_string()]);
    }
    let lines = frame::wrap(area, title, &font(small, false, INK), max, usize::MAX);
    if lines.len() <= 2 {
        return (small, lines);
    }
    let lines = frame::wrap(area, title, &font(smallest, false, INK), max, most);
    (smallest, lines)
}

/// The titles of a grid's panels from each panel's `(full, values)` forms
/// ("problems = 25, switch rate = 0.01" and "25, 0.01"), and what the axis
/// description must add. The full forms when every one fits on two lines of a
/// panel of `content` split `(rows, cols)`; else the values alone, and the
/// parameters' names (`key`) once, in the axis description: long display names
/// never crowd out the values that tell the panels apart. Without facets (one
/// panel, or no parameter beside the x axis), `rows * cols` untitled panels.
pub fn facet_titles<DB: DrawingBackend>(
    content: &DrawingArea<DB, Shift>,
    (rows, cols): (usize, usize),
    sizes: Sizes,
    facets: &[(String, String)],
    key: &str,
) -> (Vec<Option<String>>, String) {
    if facets.is_empty() {
        return (vec![None; rows * cols], String::new());
    }
    // A panel's size as [`panel_grid`] will split `content` (less the strip
    // of the value axis' description), a little narrower for rounding.
    let (w, h) = content.dim_in_pixel();
    let strip = (sizes.page.text(pt::AXIS) as i32 + sizes.page.len(3)) as u32;
    let panel_w = w.saturating_sub(strip) / cols.max(1) as u32;
    let panel = (panel_w * 49 / 50, h / rows.max(1) as u32);
    let fits = facets.iter().all(|(full, _)| {
        let (_, lines) = title_layout_in(content, panel, full, sizes);
        // On two lines at most, and whole (the last line not shortened).
        let words: Vec<&str> = full.split_whitespace().collect();
        lines.len() <= 2 && lines.join(" ") == words.join(" ")
    });
    if fits {
        (
            facets.iter().map(|f| Some(f.0.clone())).collect(),
            String::new(),
        )
    } else {
        let titles = facets.iter().map(|f| Some(f.1.clone())).collect();
        (titles, format!(" (panels: {key})"))
    }
}

/// Sizes that leave every panel of a grid room for the longest of `titles`
/// (panels like `area`), so that the plots of one row stay aligned.
pub fn fit_titles<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    titles: &[Option<String>],
    sizes: Sizes,
) -> Sizes {
    let lines = titles
        .iter()
        .flatten()
        .map(|t| title_layout(area, t, sizes).1.len())
        .max()
        .unwrap_or(1);
    Sizes {
        title_lines: lines.max(1),
        ..sizes
    }
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

/// Tick labels in two rows: those that would overlap a label kept in the
/// first row go to a second row on a log axis (the values of a sweep, crowded
/// at one end: 1000, 2500, 5000 all stay labelled), and are left blank
/// elsewhere (evenly spaced round ticks lose nothing). `width` measures a label.
fn thin_labels(
    axis: &Axis,
    plot_w: f64,
    width: impl Fn(&str) -> f64,
) -> (Vec<String>, Vec<String>) {
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
    let rows = if axis.log { 2 } else { 1 };
    let mut row_of: Vec<Option<usize>> = vec![None; edges.len()];
    let mut last: Vec<Option<usize>> = vec![None; rows];
    for (i, e) in edges.iter().enumerate() {
        if let Some(r) = (0..rows).find(|&r| last[r].is_none_or(|k| e.0 > edges[k].1)) {
            row_of[i] = Some(r);
            last[r] = Some(i);
        }
    }
    // The last value is labelled too (the range's end matters more than a
    // middle value), in the first row, blanking the labels it would overlap.
    if let Some(end) = edges.len().checked_sub(1)
        && row_of[end].is_none()
    {
        for k in 0..end {
            if row_of[k] == Some(0) && edges[k].1 >= edges[end].0 {
                row_of[k] = None;
            }
        }
        row_of[end] = Some(0);
    }
    let row = |r: usize| -> Vec<String> {
        axis.labels
            .iter()
            .zip(&row_of)
            .map(|(l, at)| {
                if *at == Some(r) {
                    l.clone()
                } else {
                    String::new()
                }
            })
            .collect()
    };
    (row(0), row(1))
}

/// The labels of a value axis `plot_h` pixels tall with those closer than
/// `min_gap` pixels to a kept one left blank: every second (or third...) one,
/// keeping zero (or the first) and the rest in step with it.
fn every_nth(axis: &Axis, plot_h: f64, min_gap: f64) -> Vec<String> {
    let n = axis.ticks.len();
    if n < 3 || axis.hi <= axis.lo {
        return axis.labels.clone();
    }
    let gap = (axis.ticks[1] - axis.ticks[0]) / (axis.hi - axis.lo) * plot_h;
    let k = (min_gap / gap.max(1e-9)).ceil().max(1.0) as usize;
    let anchor = axis.ticks.iter().position(|t| t.abs() < 1e-12).unwrap_or(0);
    axis.labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i.abs_diff(anchor) % k == 0 {
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
        let (labels, second) = thin_labels(&axis, 300.0, |l| l.len() as f64 * 12.0);
        assert_eq!(labels[0], "25");
        assert_eq!(labels[4], "5000");
        // 2500 once went unlabelled (issue 16): it takes the second row.
        assert_eq!((labels[3].as_str(), second[3].as_str()), ("", "2500"));
        let (wide, second) = thin_labels(&axis, 3000.0, |l| l.len() as f64 * 12.0);
        assert!(wide.iter().all(|l| !l.is_empty()));
        assert!(second.iter().all(String::is_empty));
        // Round ticks of a linear axis are thinned, not staggered.
        let linear = Axis { log: false, ..axis };
        let (labels, second) = thin_labels(&linear, 300.0, |l| l.len() as f64 * 12.0);
        assert_eq!((labels[3].as_str(), labels[4].as_str()), ("", "5000"));
        assert!(second.iter().all(String::is_empty));
    }

    #[test]
    fn value_labels_of_a_short_plot_keep_apart() {
        let axis = style::nice_axis(-0.2, 1.0, 6);
        let tall = every_nth(&axis, 600.0, 30.0);
        assert_eq!(tall, axis.labels);
        // 0.2 apart on 100 px is 17 px: every second label, zero among them.
        let short = every_nth(&axis, 100.0, 30.0);
        assert_eq!(short, ["", "0.0", "", "0.4", "", "0.8", ""]);
    }
}
