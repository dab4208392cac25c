//! Panel titles: how a long one shrinks and wraps (never cut but in a small
//! panel past a third of its height), and when a grid's titles give the values
//! alone and leave the parameters' names to the axis description.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::frame::{self, Sizes};
use super::page::{MIN_TEXT_PT, pt};
use super::style::{INK, font};

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
    if let Some(lines) = wrap_at_commas(area, title, &font(small, false, INK), max) {
        return (small, lines);
    }
    let lines = frame::wrap(area, title, &font(small, false, INK), max, usize::MAX);
    if lines.len() <= 2 {
        return (small, lines);
    }
    let lines = frame::wrap(area, title, &font(smallest, false, INK), max, most);
    (smallest, lines)
}

/// A title of settings ("commons levy = 0, migration rate = 0.01") on two
/// lines broken after a comma, so that no setting is split from its value;
/// `None` if it takes more than two such lines.
fn wrap_at_commas<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    st: &TextStyle,
    max: u32,
) -> Option<Vec<String>> {
    let fits = |t: &str| area.estimate_text_size(t, st).is_ok_and(|(w, _)| w <= max);
    let parts: Vec<&str> = title.split(", ").collect();
    (1..parts.len())
        .rev()
        .map(|at| (parts[..at].join(", ") + ",", parts[at..].join(", ")))
        .find(|(first, second)| fits(first) && fits(second))
        .map(|(first, second)| vec![first, second])
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::style::register_fonts;

    #[test]
    fn a_title_of_settings_breaks_after_a_comma_not_inside_a_setting() {
        register_fonts();
        let mut pixels = vec![0u8; 400 * 100 * 3];
        let area = BitMapBackend::with_buffer(&mut pixels, (400, 100)).into_drawing_area();
        let st = font(12.0, false, INK);
        let title = "commons levy = 0, migration rate = 0.01";
        let width = |t: &str| area.estimate_text_size(t, &st).unwrap().0;
        // Narrower than the title, wide enough for either setting.
        let max = width("commons levy = 0,").max(width("migration rate = 0.01")) + 2;
        assert!(width(title) > max);
        let lines = wrap_at_commas(&area, title, &st, max).unwrap();
        assert_eq!(lines, ["commons levy = 0,", "migration rate = 0.01"]);
        // Too narrow for a setting on a line: the word wrap's turn.
        assert_eq!(
            wrap_at_commas(&area, title, &st, width("migration") + 2),
            None
        );
    }
}
