//! The look shared by every chart: bundled font, sizes, the regime palette with
//! its second cue (dash pattern and marker), tick placement and number labels.

use std::collections::BTreeMap;
use std::sync::Once;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

/// The font every label uses; registered under plotters' default family name so
/// that no label can fall back to a system font (there may be none).
pub const FAMILY: &str = "sans-serif";

static FONTS: Once = Once::new();

/// Registers the bundled DejaVu Sans (regular and bold) once per process.
pub fn register_fonts() {
    FONTS.call_once(|| {
        let regular: &'static [u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
        let bold: &'static [u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
        // The bytes are compiled in and known to parse; a failure would be a broken build.
        assert!(register_font(FAMILY, FontStyle::Normal, regular).is_ok());
        assert!(register_font(FAMILY, FontStyle::Bold, bold).is_ok());
    });
}

/// Text colours: near-black for data labels, grey for secondary text.
pub const INK: RGBColor = RGBColor(30, 30, 30);
pub const MUTED: RGBColor = RGBColor(90, 90, 90);
pub const GRID: RGBColor = RGBColor(225, 225, 225);
pub const AXIS: RGBColor = RGBColor(120, 120, 120);

/// A text style of the bundled font.
pub fn font(px: f64, bold: bool, color: RGBColor) -> TextStyle<'static> {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    // Built with its style (plotters' `FontDesc::style` keeps the regular glyphs).
    (FAMILY, px, style).into_font().color(&color)
}

/// Okabe & Ito (2008) colour-blind-safe palette.
const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(213, 94, 0),    // 0 vermillion
    RGBColor(0, 158, 115),   // 1 bluish green
    RGBColor(0, 114, 178),   // 2 blue
    RGBColor(230, 159, 0),   // 3 orange
    RGBColor(204, 121, 167), // 4 reddish purple
    RGBColor(86, 180, 233),  // 5 sky blue
    RGBColor(0, 0, 0),       // 6 black
    RGBColor(200, 185, 20),  // 7 yellow, darkened from (240, 228, 66) to show on white
];

/// Marker shapes: the cue that survives grey print and overlapping colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Triangle,
    Square,
    Diamond,
    TriangleDown,
    Cross,
    Plus,
    Ring,
}

/// Dash patterns in pixels (dash, gap); `None` is a solid line.
const DASHES: [Option<(u32, u32)>; 8] = [
    None,
    Some((22, 10)),
    Some((5, 7)),
    Some((34, 8)),
    Some((12, 8)),
    Some((3, 12)),
    Some((18, 18)),
    Some((8, 4)),
];

const MARKERS: [Marker; 8] = [
    Marker::Circle,
    Marker::Triangle,
    Marker::Square,
    Marker::Diamond,
    Marker::TriangleDown,
    Marker::Cross,
    Marker::Plus,
    Marker::Ring,
];

/// Presets keep their slot (colour, dash, marker) in every chart of every scenario.
const PRESET_SLOTS: [&str; 8] = [
    "enclosure",
    "commons",
    "collectivist",
    "open_access",
    "cooperative",
    "patents",
    "collaborative",
    "p2p",
];

/// How one regime is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct RegimeStyle {
    pub name: String,
    pub color: RGBColor,
    pub dash: Option<(u32, u32)>,
    pub marker: Marker,
}

/// Styles for the regimes of one scenario, in the given order. Preset names use
/// their fixed slot (colour, dash, marker). A variant (`presets` maps a regime's
/// name to the preset it starts from) takes its preset's slot when the preset
/// itself is not in the scenario, so that an institution keeps its colour from
/// chart to chart. Other names take, in order, the slots of `collaborative` and
/// `p2p` if absent, then those of the other presets absent from this scenario, then cycle (a ninth regime reuses
/// a colour with another dash, so lines stay distinguishable).
pub fn regime_styles(names: &[String], presets: &BTreeMap<String, String>) -> Vec<RegimeStyle> {
    let preset = |n: &str| PRESET_SLOTS.iter().position(|p| *p == n);
    let mut used = [false; 8];
    let mut slots: Vec<Option<usize>> = names.iter().map(|n| preset(n)).collect();
    for s in slots.iter().flatten() {
        used[*s] = true;
    }
    for (slot, name) in slots.iter_mut().zip(names) {
        if slot.is_none()
            && let Some(s) = presets.get(name).and_then(|p| preset(p))
            && !used[s]
        {
            used[s] = true;
            *slot = Some(s);
        }
    }
    let free: Vec<usize> = [6, 7, 0, 1, 2, 3, 4, 5]
        .into_iter()
        .filter(|&s| !used[s])
        .collect();
    let mut next = 0;
    names
        .iter()
        .zip(slots)
        .map(|(name, slot)| {
            let (slot, dash_shift) = match slot {
                Some(s) => (s, 0),
                None => {
                    let k = next;
                    next += 1;
                    if k < free.len() {
                        (free[k], 0)
                    } else {
                        let extra = k - free.len();
                        (extra % 8, 1 + extra / 8)
                    }
                }
            };
            RegimeStyle {
                name: name.clone(),
                color: OKABE_ITO[slot],
                dash: DASHES[(slot + dash_shift * 3) % 8],
                marker: MARKERS[slot],
            }
        })
        .collect()
}

/// Draws a marker centred on a pixel position.
pub fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    marker: Marker,
    (x, y): (i32, i32),
    size: i32,
    color: RGBColor,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let s = size;
    let fill = color.filled();
    let stroke = color.stroke_width((size / 3).max(2) as u32);
    // A white halo keeps a marker legible where it sits on another line.
    let halo = WHITE.stroke_width(2);
    match marker {
        Marker::Circle => {
            area.draw(&Circle::new((x, y), s + 1, halo))?;
            area.draw(&Circle::new((x, y), s, fill))
        }
        Marker::Ring => {
            area.draw(&Circle::new((x, y), s, WHITE.filled()))?;
            area.draw(&Circle::new((x, y), s, stroke))
        }
        Marker::Square => {
            let r = s * 9 / 10;
            area.draw(&Rectangle::new(
                [(x - r - 1, y - r - 1), (x + r + 1, y + r + 1)],
                halo,
            ))?;
            area.draw(&Rectangle::new([(x - r, y - r), (x + r, y + r)], fill))
        }
        Marker::Triangle | Marker::TriangleDown | Marker::Diamond => {
            let k = s * 6 / 5;
            let pts = match marker {
                Marker::Triangle => vec![
                    (x, y - k - 2),
                    (x + k, y + k * 3 / 4),
                    (x - k, y + k * 3 / 4),
                ],
                Marker::TriangleDown => vec![
                    (x, y + k + 2),
                    (x + k, y - k * 3 / 4),
                    (x - k, y - k * 3 / 4),
                ],
                _ => vec![(x, y - k - 1), (x + k, y), (x, y + k + 1), (x - k, y)],
            };
            let mut outline = pts.clone();
            outline.push(pts[0]);
            area.draw(&PathElement::new(outline, halo))?;
            area.draw(&Polygon::new(pts, fill))
        }
        Marker::Cross | Marker::Plus => {
            let k = s;
            let (a, b) = if marker == Marker::Cross {
                (
                    [(x - k, y - k), (x + k, y + k)],
                    [(x - k, y + k), (x + k, y - k)],
                )
            } else {
                (
                    [(x - k - 1, y), (x + k + 1, y)],
                    [(x, y - k - 1), (x, y + k + 1)],
                )
            };
            area.draw(&PathElement::new(a.to_vec(), stroke))?;
            area.draw(&PathElement::new(b.to_vec(), stroke))
        }
    }
}

/// Shortens `text` with an ellipsis until it fits `max_px` at this style.
pub fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    text: &str,
    style: &TextStyle,
    max_px: u32,
) -> String {
    let width = |t: &str| area.estimate_text_size(t, style).map_or(0, |(w, _)| w);
    if width(text) <= max_px {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    for keep in (1..chars.len()).rev() {
        let t: String = chars[..keep]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string()
            + "…";
        if width(&t) <= max_px {
            return t;
        }
    }
    "…".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_slots_are_fixed_and_others_are_distinct() {
        let none = BTreeMap::new();
        let a = regime_styles(&["collectivist".into(), "enclosure".into()], &none);
        let b = regime_styles(
            &["enclosure".into(), "commons".into(), "collectivist".into()],
            &none,
        );
        assert_eq!(a[0].color, b[2].color);
        assert_eq!(a[1].color, b[0].color);
        let names: Vec<String> = ["enclosure", "x", "y", "z", "commons"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let s = regime_styles(&names, &none);
        for i in 0..s.len() {
            for j in i + 1..s.len() {
                assert_ne!(s[i].color, s[j].color, "{} vs {}", s[i].name, s[j].name);
            }
        }
        // Beyond eight regimes a colour repeats, but never with the same dash.
        let many: Vec<String> = (0..12).map(|i| format!("r{i}")).collect();
        let s = regime_styles(&many, &none);
        for i in 0..s.len() {
            for j in i + 1..s.len() {
                assert!(s[i].color != s[j].color || s[i].dash != s[j].dash);
            }
        }
    }

    #[test]
    fn variants_take_their_presets_colour_when_the_preset_is_absent() {
        let presets: BTreeMap<String, String> = [
            ("closed_labs", "enclosure"),
            ("open_consortium", "commons"),
            ("commons_costly", "commons"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let enclosure = regime_styles(&["enclosure".into()], &presets)[0].color;
        let commons = regime_styles(&["commons".into()], &presets)[0].color;
        let s = regime_styles(&["closed_labs".into(), "open_consortium".into()], &presets);
        assert_eq!((s[0].color, s[1].color), (enclosure, commons));
        // With its preset present, a variant gets a colour of its own.
        let s = regime_styles(&["commons".into(), "commons_costly".into()], &presets);
        assert_eq!(s[0].color, commons);
        assert_ne!(s[1].color, commons);
    }
}
