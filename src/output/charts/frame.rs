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

use super::page::{MIN_TEXT_PT, Page, pt};
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
    pub page: Page,
    pub title: &'a str,
    pub subtitle: &'a str,
    pub caption: &'a str,
    pub regimes: &'a [RegimeStyle],
    pub legend: LegendKind,
}

/// Pixel sizes in one panel, shrunk for grids of small multiples but never
/// below the page's smallest legible text.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    pub panel_title: f64,
    pub tick: f64,
    pub line: u32,
    pub marker: i32,
    /// Markers along a time-series line: fewer in small panels.
    pub markers: usize,
    /// The page's pixels per point, for gaps and whiskers.
    pub page: Page,
}

impl Sizes {
    /// Sizes for a `rows` x `cols` grid: full size for one panel, down to three
    /// quarters for grids of three or more columns, text never below 7 pt.
    pub fn for_grid(rows: usize, cols: usize, page: Page) -> Sizes {
        let f = (1.15 / (rows.max(cols) as f64).sqrt()).clamp(0.75, 1.0);
        let big = f > 0.8;
        Sizes {
            panel_title: page.text((pt::PANEL_TITLE * f).max(8.0)),
            tick: page.text((pt::TICK * f).max(MIN_TEXT_PT)),
            line: page.len(if big { 0.85 } else { 0.6 }) as u32,
            marker: page.len(if big { 2.5 } else { 1.8 }),
            markers: if big { 8 } else { 4 },
            page,
        }
    }
}

/// Rows and columns for `n` panels on a landscape canvas, or as asked (a
/// missing count follows from the other).
pub fn grid(n: usize, rows: Option<u32>, cols: Option<u32>) -> (usize, usize) {
    let n = n.max(1);
    match (rows.map(|r| r as usize), cols.map(|c| c as usize)) {
        (Some(r), Some(c)) if r * c >= n => (r, c),
        (Some(r), _) => (r.min(n), n.div_ceil(r.min(n))),
        (_, Some(c)) => (n.div_ceil(c.min(n)), c.min(n)),
        _ => match n {
            1 => (1, 1),
            2 => (1, 2),
            3 => (1, 3),
            4 => (2, 2),
            5 | 6 => (2, 3),
            7..=9 => (3, 3),
            10..=12 => (3, 4),
            _ => (n.div_ceil(4), 4),
        },
    }
}

/// Words of `text` in lines no wider than `max_px`, at most `max_lines` (the
/// last shortened with an ellipsis if need be): captions are sentences.
pub fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    st: &TextStyle,
    max_px: u32,
    max_lines: usize,
) -> Vec<String> {
    let width = |t: &str| area.estimate_text_size(t, st).map_or(0, |(w, _)| w);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate) <= max_px || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines {
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(style::fit_text(area, &rest, st, max_px));
    }
    lines
}

/// Draws the frame and returns the area left for the panels.
pub fn draw_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    frame: &Frame,
) -> Result<DrawingArea<DB, Shift>> {
    let page = frame.page;
    let (w, h) = root.dim_in_pixel();
    root.fill(&WHITE).map_err(err)?;
    let pos = |h: HPos, v: VPos| Pos::new(h, v);
    let margin = page.len(11);
    let text_w = w.saturating_sub(2 * margin as u32);

    let mut top = page.len(6);
    if page.show_title {
        let title_px = page.text(pt::TITLE);
        let title = font(title_px, true, INK).pos(pos(HPos::Left, VPos::Top));
        let text = style::fit_text(root, frame.title, &title, text_w);
        root.draw_text(&text, &title, (margin, top)).map_err(err)?;
        top += (title_px * 1.35) as i32;
        let sub_px = page.text(pt::SUBTITLE);
        let sub = font(sub_px, false, MUTED).pos(pos(HPos::Left, VPos::Top));
        for line in wrap(root, frame.subtitle, &sub, text_w, 2) {
            root.draw_text(&line, &sub, (margin, top)).map_err(err)?;
            top += (sub_px * 1.25) as i32;
        }
        top += (sub_px * 0.6) as i32;
    }
    let cap_px = page.text(pt::CAPTION);
    let cap = font(cap_px, false, MUTED).pos(pos(HPos::Left, VPos::Bottom));
    let lines = wrap(root, frame.caption, &cap, text_w, 3);
    let line_h = (cap_px * 1.25) as i32;
    let bottom = line_h * lines.len() as i32 + page.len(7);
    for (i, line) in lines.iter().enumerate() {
        let y = h as i32 - page.len(6) - line_h * (lines.len() - 1 - i) as i32;
        root.draw_text(line, &cap, (margin, y)).map_err(err)?;
    }

    // Legend column, sized to the longest name: long names get a smaller font
    // before being shortened, and the column is capped so panels keep room.
    let max_name = (w as f64 * 0.2) as u32;
    let widest = |st: &TextStyle| {
        frame
            .regimes
            .iter()
            .map(|r| root.estimate_text_size(&r.name, st).map_or(0, |s| s.0))
            .max()
            .unwrap_or(0)
    };
    let sizes = [pt::LEGEND, 7.5, MIN_TEXT_PT].map(|p| page.text(p));
    let entry_px = sizes
        .into_iter()
        .find(|px| widest(&font(*px, false, INK)) <= max_name)
        .unwrap_or(sizes[2]);
    let entry = font(entry_px, false, INK).pos(pos(HPos::Left, VPos::Center));
    let name_w = widest(&entry).min(max_name) as i32;
    let sample_w = page.len(18);
    let legend_w = (name_w + sample_w + page.len(7)).max(page.len(50));
    let x0 = w as i32 - legend_w - page.len(7);
    let head_px = page.text(pt::LEGEND + 0.5);
    let head = font(head_px, true, INK).pos(pos(HPos::Left, VPos::Top));
    let legend_top = top + page.len(8);
    root.draw_text("Regime", &head, (x0, legend_top))
        .map_err(err)?;
    let row_h = (entry_px * 1.8) as i32;
    let marker = page.len(2.5);
    for (i, r) in frame.regimes.iter().enumerate() {
        let y = legend_top + (head_px * 1.5) as i32 + row_h / 2 + i as i32 * row_h;
        match frame.legend {
            LegendKind::Line => {
                let style = r.color.stroke_width(page.len(1.1) as u32);
                let seg = vec![(x0, y), (x0 + sample_w - marker, y)];
                match r.dash {
                    None => root.draw(&PathElement::new(seg, style)),
                    Some((d, g)) => root.draw(&DashedPathElement::new(seg, d, g, style)),
                }
                .map_err(err)?;
                style::draw_marker(
                    root,
                    r.marker,
                    (x0 + (sample_w - marker) / 2, y),
                    marker,
                    r.color,
                )
                .map_err(err)?;
            }
            LegendKind::Swatch => {
                let half = (entry_px * 0.45) as i32;
                root.draw(&Rectangle::new(
                    [(x0 + half / 2, y - half), (x0 + half * 5 / 2, y + half)],
                    r.color.filled(),
                ))
                .map_err(err)?;
                // The marker that stands under a bar when names do not fit.
                style::draw_marker(root, r.marker, (x0 + half * 4, y), marker * 3 / 4, r.color)
                    .map_err(err)?;
            }
        }
        let name = style::fit_text(root, &r.name, &entry, max_name);
        root.draw_text(&name, &entry, (x0 + sample_w + page.len(1.5), y))
            .map_err(err)?;
    }
    let left = page.len(6) as u32;
    let right = (x0 - page.len(7)) as u32;
    Ok(root.clone().shrink(
        (left, top as u32),
        (
            right.saturating_sub(left),
            h.saturating_sub(top as u32 + bottom as u32),
        ),
    ))
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
    fn text_stays_legible_printed_at_its_width_in_every_grid() {
        let page = Page::new(&crate::experiment::chart_spec::Look::default());
        for n in 1..=16 {
            let (rows, cols) = grid(n, None, None);
            let s = Sizes::for_grid(rows, cols, page);
            assert!(
                s.tick >= page.text(MIN_TEXT_PT),
                "{n} panels: {} px",
                s.tick
            );
            assert!(s.panel_title >= page.text(MIN_TEXT_PT));
        }
        assert_eq!(grid(10, Some(2), None), (2, 5));
        assert_eq!(grid(10, None, Some(5)), (2, 5));
    }

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
