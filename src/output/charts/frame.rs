//! The frame every chart shares: title and subtitle on top, a legend column on
//! the right (outside the data), a caption line at the bottom, and a grid of
//! panels in between, each with axes built from [`ticks::Axis`](super::ticks::Axis).

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::page::{MIN_TEXT_PT, Page, pt};
use super::style::{self, INK, MUTED, RegimeStyle, font};

/// Converts a plotters error (generic over the backend) into anyhow, as a
/// sentence (its `Debug` form is a dump a reader cannot act on).
pub fn err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow!("drawing failed: {e}")
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
    /// The legend's heading: what its entries are ("Regime", "Population").
    pub legend_title: &'a str,
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
    /// Lines kept above every panel for its title (long titles wrap, never cut).
    pub title_lines: usize,
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
            title_lines: 1,
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
        // A long title (a scenario's own) wraps: it is never cut.
        for line in wrap(root, frame.title, &title, text_w, usize::MAX) {
            root.draw_text(&line, &title, (margin, top)).map_err(err)?;
            top += (title_px * 1.35) as i32;
        }
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
    let lines = if page.show_caption {
        wrap(root, frame.caption, &cap, text_w, 3)
    } else {
        Vec::new()
    };
    let line_h = (cap_px * 1.25) as i32;
    let bottom = line_h * lines.len() as i32 + page.len(7);
    for (i, line) in lines.iter().enumerate() {
        let y = h as i32 - page.len(6) - line_h * (lines.len() - 1 - i) as i32;
        root.draw_text(line, &cap, (margin, y)).map_err(err)?;
    }

    // Legend column, sized to the longest name: long names get a smaller font
    // before wrapping onto more lines (never cut), and the column is capped so
    // panels keep room.
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
    root.draw_text(frame.legend_title, &head, (x0, legend_top))
        .map_err(err)?;
    let line_h = (entry_px * 1.2) as i32;
    let row_h = (entry_px * 1.8) as i32;
    let marker = page.len(2.5);
    let mut row_top = legend_top + (head_px * 1.5) as i32;
    for r in frame.regimes {
        let lines = wrap(root, &r.name, &entry, max_name, usize::MAX);
        let extra = line_h * (lines.len().max(1) as i32 - 1);
        let y = row_top + (row_h + extra) / 2;
        row_top += row_h + extra;
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
        for (k, line) in lines.iter().enumerate() {
            let dy = line_h * k as i32 - extra / 2;
            root.draw_text(line, &entry, (x0 + sample_w + page.len(1.5), y + dy))
                .map_err(err)?;
        }
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
}
