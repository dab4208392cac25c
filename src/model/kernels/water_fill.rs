//! The pay cap's water fill (spec §2.7, docs/MODEL.md §7.7): the floor `f`
//! with `sum clamp(y_i, f, cap f) = sum y_i`, so that the highest pay is at most
//! `cap` times the lowest and the total is kept.
//!
//! [`water_fill_naive`] is the rule as first written, a plain bisection; it is
//! the reference that [`water_fill`] reproduces bit for bit (the tests compare
//! them), at a fraction of the cost through the bisection of `bisection.rs`.

mod bisection;

use bisection::{Bisection, Histogram};

/// Water-filling of the positive values in `y` so that max/min <= `cap` with the
/// same total: finds `f` with `sum clamp(y, f, cap*f) = sum y` and returns the
/// map `y -> clamp(y, f, cap*f)` (non-positive values are left alone).
///
/// The result is, bit for bit, that of a plain bisection on `f` (summing the
/// clamped values in their order at every midpoint, then solving exactly on the
/// piece where the bisection ended; see [`water_fill_naive`]). The same bisection is
/// run, but each midpoint is decided from cheaper sums that are provably on the
/// right side of `sum y` (else the sum is taken in order): first from a
/// histogram of the values, then from the few values whose clamping is still
/// open in the bisection's interval. Only which values sit at the floor, the
/// ceiling or in between at the end enters the result, so it stops once none is
/// open (after ~10 of the ~60 steps).
///
/// # Panics
/// If `cap` is below 1 or NaN and some value needs capping.
pub fn water_fill(y: &[f64], cap: f64, space: &mut Workspace) -> impl Fn(f64) -> f64 + use<> {
    let (floor, ceiling) = match fill_floor(y, cap, space) {
        Some(f) => (f, cap * f),
        None => (f64::NEG_INFINITY, f64::INFINITY),
    };
    move |v: f64| v.clamp(floor, ceiling)
}

/// Space for [`water_fill`], kept by the caller so that a step does not allocate.
#[derive(Default)]
pub struct Workspace {
    values: Vec<f64>,
    open: Vec<f64>,
    buckets: Vec<(usize, f64)>,
}

/// The floor `f` of [`water_fill`], or `None` if no value needs capping.
fn fill_floor(y: &[f64], cap: f64, space: &mut Workspace) -> Option<f64> {
    let Workspace {
        values,
        open,
        buckets,
    } = space;
    // Sized once; entries past those written are stale and never read.
    for buffer in [&mut *values, &mut *open] {
        if buffer.len() < y.len() {
            buffer.resize(y.len(), 0.0);
        }
    }
    let (mut total, mut lo, mut hi, mut m) = (0.0, f64::INFINITY, 0.0f64, 0);
    for &v in y {
        if v > 0.0 {
            values[m] = v;
            m += 1;
            total += v;
            lo = if v < lo { v } else { lo };
            hi = if v > hi { v } else { hi };
        }
    }
    let values = &values[..m];
    if m == 0 || hi <= cap * lo {
        return None;
    }
    assert!(cap >= 1.0, "pay cap {cap} below 1");
    let histogram = Histogram::new(values, lo, hi, buckets);
    let mut search = Bisection {
        values,
        cap,
        total,
        a: lo,
        b: hi / cap,
        left: 200,
        open,
        opened: 0,
        at_floor: 0,
        between: 0.0,
        at_ceiling: 0,
        mid: 0.0,
        open_sum: 0.0,
    };
    search.coarse(&histogram);
    search.open(&histogram);
    search.run(true);
    // Solve exactly on the piece where the clamping pattern of `a` holds.
    let (f, ceiling) = (search.a, cap * search.a);
    let (mut n_low, mut n_inside, mut middle) = (0, 0, 0.0);
    for &v in values.iter() {
        let inside = (v > f) & (v < ceiling);
        n_low += usize::from(v <= f);
        n_inside += usize::from(inside);
        // Adds `v` or +0, without a branch (a value's place is hard to
        // predict). An infinite `v` gives NaN, but `total` is then infinite
        // and `exact` is not finite either way.
        middle += v * f64::from(u8::from(inside));
    }
    let n_high = m - n_low - n_inside;
    let exact = (total - middle) / (n_low as f64 + cap * n_high as f64);
    if exact.is_finite() && exact > 0.0 {
        return Some(exact);
    }
    // Only when sums overflow or underflow: fall back on where the bisection
    // ends.
    search.run(false);
    Some(search.a)
}

/// The reference: the water fill as first written, a bisection summing the
/// clamped values at every midpoint, then an exact solve on its piece.
pub fn water_fill_naive(y: &[f64], cap: f64) -> Box<dyn Fn(f64) -> f64> {
    let positive: Vec<f64> = y.iter().copied().filter(|&v| v > 0.0).collect();
    let total: f64 = positive.iter().sum();
    let (lo, hi) = positive
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if positive.is_empty() || hi <= cap * lo {
        return Box::new(|v: f64| v) as Box<dyn Fn(f64) -> f64>;
    }
    let filled = |f: f64| positive.iter().map(|&v| v.clamp(f, cap * f)).sum::<f64>();
    let (mut a, mut b) = (lo, hi / cap);
    for _ in 0..200 {
        let mid = 0.5 * (a + b);
        let stuck = mid == a || mid == b;
        if filled(mid) < total {
            a = mid;
        } else {
            b = mid;
        }
        if stuck {
            break;
        }
    }
    let f = a;
    let (mut n_low, mut n_high, mut middle) = (0.0, 0.0, 0.0);
    for &v in &positive {
        if v <= f {
            n_low += 1.0;
        } else if v >= cap * f {
            n_high += 1.0;
        } else {
            middle += v;
        }
    }
    let exact = (total - middle) / (n_low + cap * n_high);
    let f = if exact.is_finite() && exact > 0.0 {
        exact
    } else {
        f
    };
    Box::new(move |v: f64| v.clamp(f, cap * f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Checks `water_fill` against the reference, bit for bit, on `y` and on
    /// values that expose the floor and the ceiling themselves.
    fn same_as_bisection(y: &[f64], cap: f64, space: &mut Workspace) -> Result<(), String> {
        let (new, old) = (water_fill(y, cap, space), water_fill_naive(y, cap));
        let probes = [
            f64::from_bits(1),
            1e-300,
            1.0,
            1e300,
            f64::MAX,
            f64::INFINITY,
        ];
        for &v in y.iter().filter(|&&v| v > 0.0).chain(&probes) {
            if new(v).to_bits() != old(v).to_bits() {
                return Err(format!(
                    "y {y:?} cap {cap}: {v} -> {} not {}",
                    new(v),
                    old(v)
                ));
            }
        }
        Ok(())
    }

    #[test]
    fn water_fill_matches_the_bisection_on_edge_cases() {
        let mut space = Workspace::default();
        let cases: &[(&[f64], f64)] = &[
            (&[], 2.0),
            (&[-1.0, 0.0, -0.0, f64::NAN], 2.0),
            (&[3.0], 2.0),
            (&[3.0, 3.0, 3.0], 1.0),
            (&[1.0, 2.0], 2.0),
            (&[1.0, 2.0, 5.0], 2.0),
            (&[1.0, 1.0, 4.0, 4.0], 1.0),
            (&[1.0, 3.0, 3.0, 9.0, 0.0, -2.0], 1.5),
            (&[1.0, f64::INFINITY], 2.0),
            (&[1e-310, 5e-324, 1.0], 3.0),
            (&[f64::MAX, f64::MAX, 1.0], 6.0),
            (&[1.0, 1e300], f64::INFINITY),
        ];
        for &(y, cap) in cases {
            same_as_bisection(y, cap, &mut space).unwrap();
        }
    }

    /// A value: mostly from a few round numbers (ties, roots on a breakpoint),
    /// else any in a range, or an extreme.
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            4 => (0..8u8).prop_map(|k| f64::from(k) * 0.5),
            4 => -1.0f64..100.0,
            1 => prop_oneof![
                Just(0.0),
                Just(-0.0),
                Just(f64::INFINITY),
                Just(f64::NAN),
                Just(f64::MAX),
                Just(1e-310),
                Just(1e-20),
            ],
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Earnings as in a run: a pool share plus a wage for idle trials, and
        /// for some a revenue; one workspace for several calls.
        #[test]
        fn water_fill_matches_the_bisection_on_runs(
            share in 0.0f64..0.01,
            wage in 1e-4f64..1e-2,
            earnings in proptest::collection::vec(
                (0..8u8, proptest::option::weighted(0.1, 0.0f64..1.0)),
                300..1500,
            ),
            cap in prop_oneof![Just(6.0), 1.0f64..20.0],
        ) {
            let y: Vec<f64> = earnings
                .iter()
                .map(|&(idle, revenue)| share + wage * f64::from(idle) + revenue.map_or(0.0, |r| r.powi(4)))
                .collect();
            let mut space = Workspace::default();
            for part in [&y[..], &y[..y.len() / 3], &y[..]] {
                same_as_bisection(part, cap, &mut space).map_err(TestCaseError::fail)?;
            }
        }
    }

    proptest! {
        #[test]
        fn water_fill_matches_the_bisection(
            y in proptest::collection::vec(value(), 0..80),
            cap in prop_oneof![1.0f64..20.0, (2..13u8).prop_map(|k| f64::from(k) * 0.5)],
        ) {
            same_as_bisection(&y, cap, &mut Workspace::default()).map_err(TestCaseError::fail)?;
        }

        #[test]
        fn pay_cap_bounds_the_ratio_and_keeps_the_total(
            y in proptest::collection::vec(-1.0f64..100.0, 1..60),
            cap in 1.0f64..20.0,
        ) {
            let capped = water_fill(&y, cap, &mut Workspace::default());
            let after: Vec<f64> = y.iter().map(|&v| if v > 0.0 { capped(v) } else { v }).collect();
            let before_total: f64 = y.iter().filter(|&&v| v > 0.0).sum();
            let after_total: f64 = after.iter().zip(&y).filter(|(_, v)| **v > 0.0).map(|(a, _)| a).sum();
            prop_assert!((before_total - after_total).abs() <= 1e-9 * before_total.max(1.0));
            let pos: Vec<f64> = after.iter().zip(&y).filter(|(_, v)| **v > 0.0).map(|(a, _)| *a).collect();
            if !pos.is_empty() {
                let max = pos.iter().cloned().fold(f64::MIN, f64::max);
                let min = pos.iter().cloned().fold(f64::MAX, f64::min);
                prop_assert!(max <= cap * min * (1.0 + 1e-9), "max {} min {} cap {}", max, min, cap);
            }
        }
    }
}
