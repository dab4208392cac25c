//! Value axes an essayist can trust: from zero unless asked otherwise (a gap of
//! 2 in 65 must not look like a gap of 2 in 5), a sensible range for constant
//! data, logarithmic when one value dwarfs the rest, and one scale per panel
//! when panels differ by orders of magnitude.

use crate::experiment::chart_spec::{Look, YAxes, YScale};

use super::ticks::{self, Axis};

/// How one chart's value axes are chosen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct YRule {
    /// Start at zero (the axis always reaches zero when the data cross it).
    pub zero: bool,
    pub log: bool,
    /// The range the metric can take: padding never goes past it.
    pub bounds: (f64, f64),
}

/// Panels whose largest magnitudes differ by more than this get their own scales
/// by default (a shared scale would flatten the small ones).
const PER_PANEL_RATIO: f64 = 4.0;

/// Bars whose means differ by more than this ratio are drawn on a log scale by
/// default (one bar of 57 would squash bars of 3 to 5).
pub const LOG_RATIO: f64 = 10.0;

/// Smallest and largest finite value, if any.
fn extent(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Whether a log scale can show these values (all finite ones positive).
pub fn log_possible(values: impl Iterator<Item = f64>) -> bool {
    let mut any = false;
    for v in values.filter(|v| v.is_finite()) {
        if v <= 0.0 {
            return false;
        }
        any = true;
    }
    any
}

/// Whether the largest value exceeds the smallest by more than [`LOG_RATIO`].
pub fn spans_orders(values: impl Iterator<Item = f64>) -> bool {
    extent(values).is_some_and(|(lo, hi)| lo > 0.0 && hi / lo > LOG_RATIO)
}

/// The value axis for `values` under `rule`.
pub fn value_axis(values: impl Iterator<Item = f64>, rule: &YRule) -> Axis {
    if rule.log {
        return log_axis(values);
    }
    let Some((mut lo, mut hi)) = extent(values) else {
        return ticks::nice_axis(0.0, 1.0, 6);
    };
    if rule.zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let (min, max) = rule.bounds;
    // The bounds limit the padding, never the data (a mean outside them would
    // otherwise be drawn outside its panel); a one-signed measure pads towards zero only.
    let floor = if lo >= 0.0 { min.max(0.0) } else { min }.min(lo);
    let ceil = if hi < 0.0 { max.min(0.0) } else { max }.max(hi);
    let (lo, hi) = if hi - lo < 1e-12 * (1.0 + lo.abs()) {
        // Constant data: a range around the value, inside the bounds (an all-zero
        // share is drawn on 0..1, not on -0.5..0.5).
        let span = if lo == 0.0 { 1.0 } else { lo.abs() * 0.2 };
        let (mut a, mut b) = (lo - span / 2.0, lo + span / 2.0);
        if a < floor {
            (a, b) = (floor, floor + span);
        }
        if b > ceil {
            (a, b) = ((ceil - span).max(floor), ceil);
        }
        (a, b)
    } else {
        let pad = (hi - lo) * 0.03;
        ((lo - pad).max(floor), (hi + pad).min(ceil))
    };
    let mut axis = ticks::nice_axis(lo, hi, 6);
    // A sliver beyond the end ticks, so a line lying on 0 or 1 is not half
    // hidden by the frame.
    let m = (axis.hi - axis.lo) * 0.02;
    if axis.lo != 0.0 || !rule.zero {
        axis.lo -= m;
    }
    axis.hi += m;
    axis
}

/// A logarithmic axis: positions are log10 of the values, ticks at 1, 2 and 5
/// times powers of ten (only powers of ten beyond two decades).
fn log_axis(values: impl Iterator<Item = f64>) -> Axis {
    let (lo, hi) = extent(values.filter(|v| *v > 0.0)).unwrap_or((1.0, 10.0));
    let (a, b) = (lo.log10(), hi.log10());
    let start = (a - 0.05).floor();
    let mut end = (b + 0.05).ceil();
    if end - start < 1.0 {
        end = start + 1.0;
    }
    let mantissas: &[f64] = if end - start <= 2.0 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    let mut ticks = Vec::new();
    for e in start as i32..=end as i32 {
        for m in mantissas {
            let p = (m * 10f64.powi(e)).log10();
            if p <= end + 1e-9 {
                ticks.push(p);
            }
        }
    }
    let labels = ticks
        .iter()
        .map(|p| ticks::format_value(10f64.powf(*p)))
        .collect();
    let span = end - start;
    Axis {
        lo: start - span * 0.02,
        hi: end + span * 0.02,
        ticks,
        labels,
        log: true,
    }
}

/// Value axes for the panels of one chart: shared, unless `axes` asks for one
/// per panel or (by default) the panels' magnitudes differ by more than
/// `PER_PANEL_RATIO`. Also says whether they are per panel.
pub fn panel_axes(panels: &[Vec<f64>], rule: &YRule, axes: Option<YAxes>) -> (Vec<Axis>, bool) {
    let per_panel = match axes {
        Some(YAxes::PerPanel) => panels.len() > 1,
        Some(YAxes::Shared) => false,
        None => {
            let sizes: Vec<f64> = panels
                .iter()
                .filter_map(|p| {
                    p.iter()
                        .filter(|v| v.is_finite())
                        .map(|v| v.abs())
                        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
                })
                .filter(|m| *m > 0.0)
                .collect();
            let (lo, hi) = sizes
                .iter()
                .fold((f64::INFINITY, 0.0f64), |(a, b), v| (a.min(*v), b.max(*v)));
            sizes.len() > 1 && hi / lo > PER_PANEL_RATIO
        }
    };
    if per_panel {
        let axes = panels
            .iter()
            .map(|p| value_axis(p.iter().copied(), rule))
            .collect();
        (axes, true)
    } else {
        let shared = value_axis(panels.iter().flatten().copied(), rule);
        (vec![shared; panels.len()], false)
    }
}

/// The rule a chart's look gives: every value axis starts at zero unless the
/// look says otherwise; a log scale when asked for (or `auto_log`), and only
/// where every mean is positive (an interval reaching zero is cut at the axis).
pub fn rule(
    look: &Look,
    bounds: (f64, f64),
    auto_log: bool,
    means: impl Iterator<Item = f64>,
) -> YRule {
    let log = match look.y_scale {
        Some(YScale::Log) => true,
        Some(YScale::Linear) => false,
        None => auto_log,
    };
    YRule {
        zero: look.y_zero.unwrap_or(true),
        log: log && log_possible(means),
        bounds,
    }
}

/// Whether an axis leaves zero out (the chart must then say so).
pub fn excludes_zero(axis: &Axis) -> bool {
    !axis.log
        && (axis.ticks.first().is_some_and(|t| *t > 0.0)
            || axis.ticks.last().is_some_and(|t| *t < 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZERO: YRule = YRule {
        zero: true,
        log: false,
        bounds: (0.0, 1.0),
    };

    #[test]
    fn all_zero_shares_get_zero_to_one() {
        for rule in [
            ZERO,
            YRule {
                zero: false,
                ..ZERO
            },
        ] {
            let a = value_axis([0.0, 0.0].into_iter(), &rule);
            assert!(
                a.ticks[0] == 0.0 && *a.ticks.last().unwrap() >= 0.5,
                "{a:?}"
            );
            assert!(a.lo > -0.05, "{a:?}");
        }
    }

    #[test]
    fn axes_start_at_zero_unless_zoomed_and_then_say_so() {
        let money = YRule {
            bounds: (f64::NEG_INFINITY, f64::INFINITY),
            ..ZERO
        };
        let a = value_axis([62.5, 65.0].into_iter(), &money);
        assert_eq!(a.ticks[0], 0.0);
        assert!(!excludes_zero(&a));
        let zoomed = value_axis(
            [62.5, 65.0].into_iter(),
            &YRule {
                zero: false,
                ..money
            },
        );
        assert!(
            zoomed.ticks[0] > 60.0 && excludes_zero(&zoomed),
            "{zoomed:?}"
        );
    }

    #[test]
    fn log_axis_ticks_cover_the_data() {
        let a = value_axis([3.0, 4.5, 57.0].into_iter(), &YRule { log: true, ..ZERO });
        assert!(a.log);
        assert!(a.lo <= 3f64.log10() && a.hi >= 57f64.log10(), "{a:?}");
        assert!(a.labels.contains(&"10".to_string()), "{:?}", a.labels);
        assert!(spans_orders([3.0, 57.0].into_iter()));
        // A mean at zero or below cannot go on a log axis: linear instead.
        let look = Look {
            y_scale: Some(YScale::Log),
            ..Look::default()
        };
        assert!(rule(&look, ZERO.bounds, false, [3.0, 57.0].into_iter()).log);
        assert!(!rule(&look, ZERO.bounds, false, [0.0, 57.0].into_iter()).log);
    }

    #[test]
    fn panels_of_different_magnitude_get_their_own_scale() {
        let rule = YRule {
            bounds: (f64::NEG_INFINITY, f64::INFINITY),
            ..ZERO
        };
        let panels = vec![vec![1.0, 2.0], vec![300.0, 500.0]];
        let (axes, per_panel) = panel_axes(&panels, &rule, None);
        assert!(per_panel && axes[0].hi < 10.0 && axes[1].hi >= 500.0);
        let (axes, per_panel) = panel_axes(&panels, &rule, Some(YAxes::Shared));
        assert!(!per_panel && axes[0] == axes[1]);
        let close = vec![vec![60.0, 65.0], vec![70.0, 71.0]];
        assert!(!panel_axes(&close, &rule, None).1);
    }
}
