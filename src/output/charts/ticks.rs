//! Ticks: a numeric axis with its labelled ticks at round numbers (or at a
//! sweep's values), how numbers read on them, the plotters coordinate that puts
//! grid lines exactly there, and which labels a crowded axis shows.

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

/// A numeric axis: its range and where its labelled ticks go.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    pub labels: Vec<String>,
    /// Positions are log10 of the values (labels show the values).
    pub log: bool,
}

impl Axis {
    /// Where a value goes on this axis (NaN where a log axis cannot show it).
    pub fn pos(&self, v: f64) -> f64 {
        match self.log {
            true if v > 0.0 => v.log10(),
            true => f64::NAN,
            false => v,
        }
    }
}

/// A "nice" axis covering `[min, max]` with at most `target` + 1 ticks at round numbers
/// (1, 2, 2.5 or 5 times a power of ten), ending on ticks.
pub fn nice_axis(min: f64, max: f64, target: usize) -> Axis {
    let (mut min, mut max) = if min.is_finite() && max.is_finite() {
        (min, max)
    } else {
        (0.0, 1.0)
    };
    if max - min < 1e-12 * (1.0 + min.abs().max(max.abs())) {
        let pad = if min.abs() > 1e-12 {
            min.abs() * 0.1
        } else {
            0.5
        };
        min -= pad;
        max += pad;
    }
    // The smallest round step giving at most `target` intervals.
    let raw = (max - min) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * 0.999)
        .unwrap_or(10.0 * mag);
    let lo = (min / step + 1e-9).floor() * step;
    let hi = (max / step - 1e-9).ceil() * step;
    let n = ((hi - lo) / step).round() as usize;
    let ticks: Vec<f64> = (0..=n).map(|i| lo + i as f64 * step).collect();
    let labels = ticks.iter().map(|t| format_number(*t, step)).collect();
    Axis {
        lo,
        hi,
        ticks,
        labels,
        log: false,
    }
}

/// A tick label with as many decimals as the tick step needs, thousands
/// separated, never in scientific notation and never "-0".
pub fn format_number(v: f64, step: f64) -> String {
    let decimals = if step > 0.0 {
        (-(step.log10() + 1e-9).floor()).clamp(0.0, 8.0) as usize
    } else {
        2
    };
    // A step of 2.5 needs one decimal more than its magnitude says ("7.5", not "8").
    let decimals = if (step * 10f64.powi(decimals as i32)).fract().abs() > 1e-6 {
        decimals + 1
    } else {
        decimals
    };
    let s = format!("{:.*}", decimals, v);
    let s = if s
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    };
    let (sign, rest) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 && int.len() > 4 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A short form of a swept value: integers without ".0", others to six
/// significant digits without trailing zeros (0.1 + 0.05 reads "0.15").
pub fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let decimals = (5.0 - v.abs().log10().floor()).clamp(0.0, 15.0) as usize;
    let s = format!("{v:.decimals$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "0" || s == "-0" {
        format!("{v}")
    } else {
        s.to_string()
    }
}

/// A linear f64 coordinate whose grid lines and labels sit exactly at our
/// ticks (plotters' own f64 coordinate picks its own).
#[derive(Clone, Debug)]
pub struct Ticked(pub Axis);

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

/// Label of the tick nearest `v` (plotters asks by value; ticks are ours).
pub fn tick_label(axis: &Axis, v: f64) -> String {
    axis.ticks
        .iter()
        .zip(&axis.labels)
        .min_by(|a, b| (a.0 - v).abs().total_cmp(&(b.0 - v).abs()))
        .map(|(_, l)| l.clone())
        .unwrap_or_default()
}

/// Tick labels in two rows: those that would overlap a label kept in the
/// first row go to a second row on a log axis (the values of a sweep, crowded
/// at one end: 1000, 2500, 5000 all stay labelled), and are left blank
/// elsewhere (evenly spaced round ticks lose nothing). `width` measures a label.
pub fn thin_labels(
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
    // On a log axis the last value keeps the first row: a label overlapping
    // it goes to the second (5000 stays beside 1000, 2500 below).
    let end = edges.len().saturating_sub(1);
    let clear_of_end = |r: usize, e: &(f64, f64)| r > 0 || rows == 1 || e.1 < edges[end].0;
    for (i, e) in edges.iter().enumerate() {
        let free =
            |r: usize| last[r].is_none_or(|k| e.0 > edges[k].1) && (i == end || clear_of_end(r, e));
        if let Some(r) = (0..rows).find(|&r| free(r)) {
            row_of[i] = Some(r);
            last[r] = Some(i);
        }
    }
    // The last value is labelled too (the range's end matters more than a
    // middle value), in the first row, blanking the labels it would overlap.
    if !edges.is_empty() && row_of[end].is_none() {
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
pub fn every_nth(axis: &Axis, plot_h: f64, min_gap: f64) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_axis_ends_on_round_ticks() {
        let a = nice_axis(0.013, 0.87, 6);
        assert_eq!(a.lo, 0.0);
        assert!((a.hi - 1.0).abs() < 1e-12);
        assert_eq!(a.labels.first().unwrap(), "0.0");
        let a = nice_axis(5.0, 5.0, 6);
        assert!(a.lo < 5.0 && a.hi > 5.0);
        let a = nice_axis(-3.2, 12_345.0, 5);
        assert!(a.labels.iter().any(|l| l.contains(',')), "{:?}", a.labels);
    }

    #[test]
    fn numbers_read_plainly() {
        assert_eq!(format_number(-0.0001, 0.1), "0.0");
        assert_eq!(format_number(0.25, 0.05), "0.25");
        assert_eq!(format_number(12500.0, 2500.0), "12,500");
        assert_eq!(format_number(1500.0, 500.0), "1500");
        // Ticks 2.5 apart were labelled "2", "5", "8" (issue 16).
        assert_eq!(format_number(7.5, 2.5), "7.5");
        assert_eq!(format_number(-5.0, 2.5), "-5.0");
        assert_eq!(format_number(250.0, 25.0), "250");
        assert_eq!(format_value(5.0), "5");
        assert_eq!(format_value(0.2), "0.2");
        assert_eq!(format_value(0.1 + 0.05), "0.15");
        assert_eq!(format_value(3.0 * 0.1), "0.3");
        assert_eq!(format_value(-2.5), "-2.5");
        assert_eq!(format_value(1e-9), "0.000000001");
        assert_eq!(format_value(123456.7), "123457");
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
        let (labels, second) = thin_labels(&axis, 300.0, |l| l.len() as f64 * 12.0);
        assert_eq!(labels[0], "25");
        assert_eq!(labels[4], "5000");
        // 2500 once went unlabelled (issue 16): it takes the second row.
        assert_eq!((labels[3].as_str(), second[3].as_str()), ("", "2500"));
        // Room for 2500 beside 1000 but not beside 5000: the end keeps the first row.
        let (labels, second) = thin_labels(&axis, 400.0, |l| l.len() as f64 * 12.0);
        assert_eq!(labels, ["25", "250", "1000", "", "5000"]);
        assert_eq!(second[3], "2500");
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
        let axis = nice_axis(-0.2, 1.0, 6);
        let tall = every_nth(&axis, 600.0, 30.0);
        assert_eq!(tall, axis.labels);
        // 0.2 apart on 100 px is 17 px: every second label, zero among them.
        let short = every_nth(&axis, 100.0, 30.0);
        assert_eq!(short, ["", "0.0", "", "0.4", "", "0.8", ""]);
    }
}
