//! The printed page a chart is drawn for: its size in centimetres, the PNG's
//! resolution, and text sizes in typographic points, so that a chart printed at
//! its nominal width has legible text (7 pt tick labels at least).

use crate::experiment::chart_spec::Look;

/// Default printed width and height: a figure across an A4 text column.
pub const WIDTH_CM: f64 = 16.0;
pub const HEIGHT_CM: f64 = 10.0;
/// Default resolution: 16 cm at 254 dpi is 1600 pixels.
pub const DPI: u32 = 254;

/// Smallest text on a chart, in points, at font scale 1: tick labels.
pub const MIN_TEXT_PT: f64 = 7.0;

/// Text sizes in points (at font scale 1).
pub mod pt {
    pub const TITLE: f64 = 12.0;
    pub const SUBTITLE: f64 = 8.0;
    pub const CAPTION: f64 = 7.5;
    pub const LEGEND: f64 = 8.0;
    pub const AXIS: f64 = 8.5;
    pub const PANEL_TITLE: f64 = 8.5;
    pub const TICK: f64 = 7.5;
}

/// The canvas in pixels and the pixel size of a point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Page {
    pub width: u32,
    pub height: u32,
    /// Pixels per point of text, including the font scale.
    pub text_px: f64,
    /// Pixels per point of lines and markers (the resolution alone).
    pub line_px: f64,
    pub show_title: bool,
    /// Whether the caption line is drawn (the report prints it as text instead).
    pub show_caption: bool,
}

impl Page {
    /// The page a chart's look asks for (defaults: 16 x 10 cm at 254 dpi).
    pub fn new(look: &Look) -> Page {
        let dpi = f64::from(look.dpi.unwrap_or(DPI));
        let px = |cm: f64| (cm / 2.54 * dpi).round() as u32;
        let line_px = dpi / 72.0;
        Page {
            width: px(look.width_cm.unwrap_or(WIDTH_CM)),
            height: px(look.height_cm.unwrap_or(HEIGHT_CM)),
            text_px: line_px * look.font_scale.unwrap_or(1.0),
            line_px,
            show_title: look.show_title.unwrap_or(true),
            show_caption: true,
        }
    }

    /// Pixels of a text size given in points.
    pub fn text(&self, points: f64) -> f64 {
        (points * self.text_px).round()
    }

    /// Pixels of a length given in points (lines, gaps, markers), at least one.
    pub fn len(&self, points: impl Into<f64>) -> i32 {
        ((points.into() * self.line_px).round() as i32).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_page_is_16_cm_at_254_dpi() {
        let p = Page::new(&Look::default());
        assert_eq!((p.width, p.height), (1600, 1000));
        // 7 pt is 7/72 inch: about 24.7 pixels at 254 dpi.
        assert_eq!(p.text(MIN_TEXT_PT), 25.0);
        let big = Page::new(&Look {
            width_cm: Some(8.0),
            dpi: Some(600),
            font_scale: Some(1.5),
            ..Look::default()
        });
        assert_eq!(big.width, 1890);
        assert!((big.text(10.0) - 125.0).abs() < 1.0);
    }
}
